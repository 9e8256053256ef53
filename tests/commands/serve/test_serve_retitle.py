"""A retitle in `glossary serve` is rebuilt from what the process keeps: bodies read back
once, the graph's edges when they did not change. Served files stay a fresh build's."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_serve_equivalence import fresh_build, served_files

import glossary_site.load.site as loaded
import glossary_site.resolve.site as resolved
from conftest import area, page, write_site
from glossary_site.commands.build import BuildOptions
from glossary_site.commands.serve.session import Session


def site(root: Path) -> Path:
    files = {
        "content/area/margin.md": area("Margin"),
        "content/definition/initial-margin.md": page(
            "Initial Margin", areas=["margin"], body="Collateral posted first.\n"
        ),
        "content/definition/premium.md": page("Premium", areas=["margin"], body="What is paid.\n"),
        "content/term/leverage.md": page(
            "Leverage", areas=["margin"], body="Traders post [[Initial Margin]] first.\n"
        ),
    }
    return write_site(root, files)


def retitle(session: Session, root: Path, title: str) -> None:
    rel = "content/definition/premium.md"
    (root / rel).write_text(page(title, areas=["margin"], body="What is paid.\n"), "utf-8")
    outcome = session.build(jobs=1, touched=[rel])
    assert outcome.ok, outcome.problems or outcome.internal
    assert served_files(outcome.snapshot) == fresh_build(root)


def test_a_retitle_reads_no_unchanged_body_file_again(tmp_path, monkeypatch):
    root = site(tmp_path / "site")
    session = Session(root, BuildOptions(jobs=1))
    assert session.build(jobs=1).ok
    retitle(session, root, "Option Premium")
    read: list[str] = []
    real = loaded.read_file
    monkeypatch.setattr(loaded, "read_file", lambda path: read.append(path) or real(path))
    retitle(session, root, "Upfront Premium")
    assert not [p for p in read if "content/" in p.replace("\\", "/")]


def test_a_retitle_keeps_the_backlinks_of_unchanged_edges(tmp_path, monkeypatch):
    root = site(tmp_path / "site")
    session = Session(root, BuildOptions(jobs=1))
    assert session.build(jobs=1).ok
    derived: list[int] = []
    real = resolved._backlinks
    monkeypatch.setattr(resolved, "_backlinks", lambda *a: derived.append(1) or real(*a))
    retitle(session, root, "Option Premium")
    assert not derived
    # a title that a body now links by name: the edges change, and are derived again
    body = "Traders post [[Initial Margin]] and [[Option Premium]] first.\n"
    (root / "content/term/leverage.md").write_text(page("Leverage", areas=["margin"], body=body))
    outcome = session.build(jobs=1, touched=["content/term/leverage.md"])
    assert outcome.ok and derived
    assert served_files(outcome.snapshot) == fresh_build(root)


@pytest.mark.parametrize("title", ["Initial Margin Premium", "Leverage"])
def test_a_retitle_that_clashes_or_is_mentioned_equals_a_fresh_build(tmp_path, title):
    root = site(tmp_path / "site")
    session = Session(root, BuildOptions(jobs=1))
    assert session.build(jobs=1).ok
    rel = "content/definition/premium.md"
    (root / rel).write_text(page(title, areas=["margin"], body="What is paid.\n"), "utf-8")
    outcome = session.build(jobs=1, touched=[rel])
    if outcome.ok:
        assert served_files(outcome.snapshot) == fresh_build(root)
    else:  # two pages titled alike: reported, the last good site kept
        assert outcome.problems


def test_a_retitle_looks_again_at_the_changed_file_alone(tmp_path, monkeypatch):
    import glossary_site.commands.serve.session as serving

    root = site(tmp_path / "site")
    session = Session(root, BuildOptions(jobs=1))
    assert session.build(jobs=1).ok
    scans: list[Path] = []
    real = serving.scan_site
    monkeypatch.setattr(serving, "scan_site", lambda *a: scans.append(a[0]) or real(*a))
    retitle(session, root, "Option Premium")
    assert not scans
    # a file the last scan did not have: every file is looked at
    (root / "content/definition/swap.md").write_text(page("Swap", body="A trade.\n"), "utf-8")
    outcome = session.build(jobs=1, touched=["content/definition/swap.md"])
    assert outcome.ok and scans == [root]
    assert "definition/swap/index.html" in outcome.snapshot.rendered
    assert served_files(outcome.snapshot) == fresh_build(root)

"""A retitle in `glossary serve` is rebuilt from what the process keeps: bodies read back
once, the graph's edges when they did not change. Served files stay a fresh build's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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


def built(tmp_path: Path) -> tuple[Session, Path]:
    """A session that has built the site once."""
    root = site(tmp_path / "site")
    session = Session(root, BuildOptions(jobs=1))
    assert session.build(jobs=1).ok
    return session, root


def calls_to(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[tuple[Any, ...]]:
    """The arguments of every call of `module.name` from now on (it still runs)."""
    calls: list[tuple[Any, ...]] = []
    real = getattr(module, name)
    monkeypatch.setattr(module, name, lambda *args: calls.append(args) or real(*args))
    return calls


def test_a_retitle_reads_no_unchanged_body_file_again(tmp_path, monkeypatch):
    session, root = built(tmp_path)
    retitle(session, root, "Option Premium")
    read = calls_to(monkeypatch, loaded, "read_file")
    retitle(session, root, "Upfront Premium")
    assert not [path for (path,) in read if "content/" in str(path).replace("\\", "/")]


def test_a_retitle_keeps_the_backlinks_of_unchanged_edges(tmp_path, monkeypatch):
    session, root = built(tmp_path)
    derived = calls_to(monkeypatch, resolved, "_backlinks")
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
    session, root = built(tmp_path)
    rel = "content/definition/premium.md"
    (root / rel).write_text(page(title, areas=["margin"], body="What is paid.\n"), "utf-8")
    outcome = session.build(jobs=1, touched=[rel])
    if outcome.ok:
        assert served_files(outcome.snapshot) == fresh_build(root)
    else:  # two pages titled alike: reported, the last good site kept
        assert outcome.problems


def test_a_retitle_looks_again_at_the_changed_file_alone(tmp_path, monkeypatch):
    import glossary_site.commands.serve.session as serving

    session, root = built(tmp_path)
    scans = calls_to(monkeypatch, serving, "scan_site")
    retitle(session, root, "Option Premium")
    assert not scans
    # a file the last scan did not have: every file is looked at
    (root / "content/definition/swap.md").write_text(page("Swap", body="A trade.\n"), "utf-8")
    outcome = session.build(jobs=1, touched=["content/definition/swap.md"])
    assert outcome.ok and [args[0] for args in scans] == [root]
    assert "definition/swap/index.html" in outcome.snapshot.rendered
    assert served_files(outcome.snapshot) == fresh_build(root)

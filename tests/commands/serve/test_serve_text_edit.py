"""An edit of a term's or definition's text alone is rebuilt from the last build (textedit.py):
the page and its search index parts redone, nothing at the scale of the site. Whichever way
a rebuild goes, the served files are a fresh build's, byte for byte."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from test_serve_equivalence import fresh_build, served_files

from conftest import area, build_in, page, write_site
from glossary_site.commands.build import BuildOptions
from glossary_site.commands.serve.session import Outcome, Session

BODY = "Traders post [[Initial Margin]] before they trade. Premium is paid up front.\n"


def site(root: Path, **extra: str) -> Path:
    files: dict[str, str | bytes] = {
        "content/area/margin.md": area("Margin"),
        "content/definition/initial-margin.md": page(
            "Initial Margin", areas=["margin"], body="Collateral posted first.\n"
        ),
        "content/definition/premium.md": page("Premium", areas=["margin"], body="What is paid.\n"),
        "content/term/leverage.md": page("Leverage", areas=["margin"], body=BODY),
        "static/notes.txt": "hello\n",
        **extra,
    }
    return write_site(root, files)


def edit(session: Session, root: Path, rel: str, old: str, new: str) -> Outcome:
    path = root / rel
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    return session.build(jobs=1, touched=[rel])


def same_as_fresh(outcome: Outcome, root: Path) -> None:
    assert outcome.ok, outcome.problems or outcome.internal
    assert served_files(outcome.snapshot) == fresh_build(root)


@pytest.fixture
def served(tmp_path: Path) -> tuple[Session, Path]:
    root = site(tmp_path / "site")
    session = Session(root, BuildOptions(jobs=1))
    assert session.build(jobs=1).ok
    return session, root


def test_an_edit_of_text_redoes_the_page_and_its_search_parts_only(served):
    session, root = served
    outcome = edit(session, root, "content/term/leverage.md", "up front", "up front, xylophone")
    assert outcome.text_only
    same_as_fresh(outcome, root)
    assert "term/leverage/index.html" in outcome.changed
    assert "search/w/xyl.json" in outcome.changed  # a new word: a new part of the index
    assert all(p == "term/leverage/index.html" or p.startswith("search/") for p in outcome.changed)
    assert b"xylophone" in outcome.snapshot.rendered["term/leverage/index.html"]
    assert outcome.redone == len(outcome.changed)  # rendered again: nothing removed here


def test_an_edit_of_text_is_one_after_a_start_from_the_cache_too(tmp_path):
    root = site(tmp_path / "site")
    build_in(root)  # pages come from the cache's records now, not parsed from the files
    session = Session(root, BuildOptions(jobs=1))
    assert session.build(jobs=1).ok
    outcome = edit(session, root, "content/term/leverage.md", "up front", "up front, quickly")
    assert outcome.text_only
    same_as_fresh(outcome, root)


def test_a_word_removed_again_removes_its_index_part(served):
    session, root = served
    edit(session, root, "content/term/leverage.md", "up front", "up front, xylophone")
    outcome = edit(session, root, "content/term/leverage.md", ", xylophone", "")
    assert outcome.text_only
    assert "search/w/xyl.json" in outcome.changed
    assert not outcome.snapshot.has("search/w/xyl.json")
    same_as_fresh(outcome, root)


def test_a_save_without_a_change_changes_nothing(served):
    session, root = served
    before = session.current
    outcome = edit(session, root, "content/term/leverage.md", "", "")
    assert outcome.text_only and outcome.changed == frozenset()
    assert outcome.snapshot.rendered == before.rendered
    # and the next edit still starts from the right place
    same_as_fresh(edit(session, root, "content/term/leverage.md", "paid", "settled"), root)


@pytest.mark.parametrize(
    ("rel", "old", "new", "why"),
    [
        ("content/term/leverage.md", 'title: "Leverage"', 'title: "Gearing"', "front matter"),
        ("content/term/leverage.md", "up front.", "up front, see [[Premium]].", "a new link"),
        ("content/term/leverage.md", "[[Initial Margin]]", "collateral", "a link removed"),
        ("content/definition/premium.md", "What is paid.", "Like Margin.", "an area mentioned"),
        ("content/area/margin.md", "works like this", "works so", "an area's text"),
    ],
)
def test_edits_that_change_more_than_text_are_rebuilt_whole(served, rel, old, new, why):
    session, root = served
    outcome = edit(session, root, rel, old, new)
    assert not outcome.text_only, why
    same_as_fresh(outcome, root)


def test_a_summary_taken_from_the_body_is_more_than_text(tmp_path):
    lead = "---\ntitle: Spread\nareas: [margin]\npublished: 2026-01-02\n---\n\nThe gap.\n\nMore.\n"
    root = site(tmp_path / "site", **{"content/definition/spread.md": lead})
    session = Session(root, BuildOptions(jobs=1))
    assert session.build(jobs=1).ok
    outcome = edit(session, root, "content/definition/spread.md", "The gap.", "The difference.")
    assert not outcome.text_only
    same_as_fresh(outcome, root)
    outcome = edit(session, root, "content/definition/spread.md", "More.", "More still.")
    assert outcome.text_only
    same_as_fresh(outcome, root)


def test_an_error_in_the_text_fails_the_rebuild_as_a_full_build_does(served):
    session, root = served
    good = session.current
    outcome = edit(session, root, "content/term/leverage.md", "up front.", "up [[Nowhere]].")
    assert not outcome.ok
    assert outcome.problems == fresh_build(root)
    assert session.current is good
    same_as_fresh(edit(session, root, "content/term/leverage.md", "[[Nowhere]]", "front"), root)


def test_an_editors_temporary_file_does_not_stop_it_but_a_new_or_deleted_page_does(served):
    session, root = served
    path = root / "content/term/leverage.md"
    path.write_text(path.read_text(encoding="utf-8").replace("paid", "settled"), encoding="utf-8")
    outcome = session.build(
        jobs=1, touched=["content/term/.leverage.md.tmp1", "content/term/leverage.md"]
    )
    assert outcome.text_only
    same_as_fresh(outcome, root)
    (root / "content/term/hedge.md").write_text(page("Hedge", areas=["margin"]), encoding="utf-8")
    path.write_text(path.read_text(encoding="utf-8").replace("settled", "paid"), encoding="utf-8")
    outcome = session.build(jobs=1, touched=["content/term/leverage.md", "content/term/hedge.md"])
    assert not outcome.text_only
    same_as_fresh(outcome, root)
    path.unlink()
    outcome = session.build(jobs=1, touched=["content/term/leverage.md"])
    assert not outcome.text_only
    same_as_fresh(outcome, root)


def test_a_static_file_touched_with_the_text_is_rebuilt_whole(served):
    session, root = served
    (root / "static/notes.txt").write_text("changed\n", encoding="utf-8")
    path = root / "content/term/leverage.md"
    path.write_text(path.read_text(encoding="utf-8").replace("paid", "settled"), encoding="utf-8")
    outcome = session.build(jobs=1, touched=["static/notes.txt", "content/term/leverage.md"])
    assert not outcome.text_only
    same_as_fresh(outcome, root)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_new_commit_is_more_than_text(tmp_path):
    undated = "---\ntitle: Basis\nsummary: A gap.\nareas: [margin]\n---\n\nThe basis.\n"
    root = site(tmp_path / "site", **{"content/definition/basis.md": undated})

    def git(*args: str) -> None:
        env = {
            "GIT_AUTHOR_DATE": "2026-03-04T05:06:07+00:00",
            "GIT_COMMITTER_DATE": "2026-03-04T05:06:07+00:00",
        }
        subprocess.run(
            ["git", "-c", "user.name=T", "-c", "user.email=t@t", *args],
            cwd=root,
            check=True,
            capture_output=True,
            env={**env, "PATH": "/usr/bin:/bin"},
        )

    git("init", "-q")
    git("add", ".")
    git("commit", "-qm", "one")
    session = Session(root, BuildOptions(jobs=1))
    assert session.build(jobs=1).ok
    path = root / "content/definition/basis.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("The basis.", "The basis, again."),
        encoding="utf-8",
    )
    git("commit", "-qam", "two")
    outcome = session.build(jobs=1, touched=["content/definition/basis.md"])
    assert not outcome.text_only
    same_as_fresh(outcome, root)


def test_many_text_edits_in_a_row_equal_a_fresh_build_each_time(served):
    session, root = served
    words = ["alpha", "bravo", "charlie", "premium", "xylophone", "margin call"]
    quick = 0
    for n, word in enumerate(words * 2):
        rel = ["content/term/leverage.md", "content/definition/initial-margin.md"][n % 2]
        marker = "Collateral" if n % 2 else "Traders"
        outcome = edit(session, root, rel, marker, f"{marker} {word}")
        quick += outcome.text_only
        same_as_fresh(outcome, root)
    assert quick >= len(words)  # "premium" and "margin call" may auto-link: those are more


def test_a_folder_gone_with_its_pages_or_a_template_gone_is_more_than_text(served, tmp_path):
    session, root = served
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates/base.html").write_text(
        '{% extends "default/base.html" %}{% block footer %}Mine{% endblock %}', encoding="utf-8"
    )
    assert session.build(jobs=1, touched=["templates/base.html"]).ok
    (root / "templates/base.html").unlink()
    outcome = session.build(jobs=1, touched=["templates/base.html"])
    assert not outcome.text_only
    same_as_fresh(outcome, root)
    (root / "content/definition").rename(tmp_path / "moved-away")
    outcome = session.build(jobs=1, touched=["content/definition"])
    assert not outcome.text_only
    assert not outcome.ok  # the term's link to a definition is broken now
    assert outcome.problems == fresh_build(root)

"""`check_collisions_since`: after a build that passed the output collision check, the
next build runs the full check exactly when a new output path may collide."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from glossary_site.commands import build as build_module
from glossary_site.commands.build import check_collisions_since

OLD = ["index.html", "term/index.html", "term/leverage/index.html", "search/t/le.json"]


def site(static: tuple[str, ...] = ()) -> SimpleNamespace:
    items = [SimpleNamespace(path=p) for p in static]
    return SimpleNamespace(static=items, theme=SimpleNamespace(assets=[]))


@pytest.fixture
def full_checks(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    calls: list[list[str]] = []
    monkeypatch.setattr(
        build_module, "_check_collisions", lambda g, j, s, paths: calls.append(paths)
    )
    return calls


def test_the_first_build_is_checked_in_full(full_checks):
    check_collisions_since(None, None, [], site(), OLD)
    assert full_checks == [OLD]


@pytest.mark.parametrize(
    "paths",
    [
        OLD,  # the same paths
        [*OLD, "search/t/ge.json"],  # a title edit's new shard of the search index
        [p for p in OLD if p != "search/t/le.json"],  # one gone
        [*OLD[:3], "search/t/ge.json"],  # one for another
    ],
)
def test_new_paths_that_cannot_collide_skip_the_full_check(full_checks, paths):
    last = check_collisions_since(None, None, [], site(("notes.txt",)), OLD)
    full_checks.clear()
    check_collisions_since(last, None, [], site(("notes.txt",)), paths)
    assert full_checks == []


@pytest.mark.parametrize(
    ("paths", "static"),
    [
        ([*OLD, "Term/Leverage/index.html"], ()),  # another's host key
        ([*OLD, "term/leverage/index.html"], ()),  # a second output at a path
        ([*OLD, "term/leverage"], ()),  # a file where an old output needs a folder
        ([*OLD, "term/index.html/x/index.html"], ()),  # a folder where an old output is a file
        ([*OLD, "notes.txt"], ("notes.txt",)),  # where a static file is
        ([*OLD, "notes.txt/x"], ("notes.txt",)),  # inside a static file
        ([*OLD, "new/a.json", "new/A.json"], ()),  # two new ones at one host key
        ([*OLD, "new", "new/a.json"], ()),  # two new ones, one a file the other's folder
        (OLD, ("notes.txt", "more.txt")),  # other static files
    ],
)
def test_paths_that_may_collide_get_the_full_check(full_checks, paths, static):
    last = check_collisions_since(None, None, [], site(("notes.txt",)), OLD)
    full_checks.clear()
    check_collisions_since(last, None, [], site(static or ("notes.txt",)), paths)
    assert full_checks == [paths]


def test_what_a_skipped_check_leaves_is_the_next_ones_start(full_checks):
    last = check_collisions_since(None, None, [], site(), OLD)
    last = check_collisions_since(last, None, [], site(), [*OLD, "glossary/a.json"])
    full_checks.clear()
    check_collisions_since(last, None, [], site(), [*OLD, "glossary/a.json", "glossary"])
    assert len(full_checks) == 1  # the new folder of the last build is known
    full_checks.clear()
    last = check_collisions_since(last, None, [], site(), OLD)  # "glossary/a.json" gone
    check_collisions_since(last, None, [], site(), [*OLD, "Glossary/A.json"])
    assert full_checks == []  # its host key went with it

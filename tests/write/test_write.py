"""write.py and the build's output safety: atomic swap, reuse, refusal, recovery."""

from __future__ import annotations

import errno
import os
import subprocess
import sys

import pytest

from conftest import area, build_in, page, tree_bytes, write_site
from glossary_site.errors import ContentError, OutputError
from glossary_site.write import MARKER, MARKER_TEXT, begin, marker_bytes, safe_parts

SITE = {
    "content/area/margin.md": area("Margin"),
    "content/term/leverage.md": page("Leverage", areas=["margin"]),
    "content/definition/collateral.md": page("Collateral", areas=["margin"], related=["leverage"]),
    "static/img/a.txt": "static file\n",
}


def dead_pid() -> int:
    """The id of a process that has exited (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


# -------------------------------------------------------------- safe_parts


def test_safe_parts_splits_relative_paths():
    assert safe_parts("term/leverage/index.html") == ["term", "leverage", "index.html"]


@pytest.mark.parametrize(
    "path",
    [
        "",
        "/etc/passwd",
        "../x",
        "term/../../x",
        "a/./b",
        "a//b",
        "term/x/",
        "a\\..\\b",
        "a\x00b",
        "C:/x",
        "c:x/y",
        "..",
    ],
)
def test_safe_parts_refuses_paths_that_could_leave_the_folder(path):
    with pytest.raises(OutputError) as caught:
        safe_parts(path)
    assert str(caught.value) == f"refusing to write outside the output folder: {path!r}"


# ----------------------------------------------------------------- Staging


def test_commit_swaps_in_complete_folder_with_marker(tmp_path):
    out = tmp_path / "out"
    staging = begin(out)
    staging.put("index.html", "d1", b"<p>home</p>")
    staging.put("term/x/index.html", "d2", b"<p>x</p>")
    staging.commit()
    staging.wait()
    assert tree_bytes(out) == {
        MARKER: marker_bytes(["index.html", "term/x/index.html"]),
        "index.html": b"<p>home</p>",
        "term/x/index.html": b"<p>x</p>",
    }
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_commit_replaces_previous_output_and_removes_it(tmp_path):
    out = tmp_path / "out"
    first = begin(out)
    first.put("old.html", "d", b"old")
    first.commit()
    first.wait()
    second = begin(out)
    second.put("new.html", "d", b"new")
    second.commit()
    second.wait()
    assert tree_bytes(out) == {MARKER: marker_bytes(["new.html"]), "new.html": b"new"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_abort_discards_staging_and_keeps_previous_output(tmp_path):
    out = tmp_path / "out"
    first = begin(out)
    first.put("index.html", "d", b"kept")
    first.commit()
    first.wait()
    before = tree_bytes(out)
    second = begin(out)
    second.put("index.html", "d2", b"replaced")
    second.abort()
    assert tree_bytes(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_put_refuses_to_write_outside_the_staging_folder(tmp_path):
    staging = begin(tmp_path / "out")
    with pytest.raises(OutputError):
        staging.put("../escaped.html", "d", b"x")
    staging.abort()
    assert not (tmp_path / "escaped.html").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_begin_refuses_non_empty_folder_without_marker(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("precious")
    with pytest.raises(OutputError) as caught:
        begin(out)
    assert str(caught.value) == (
        f"{out} is not empty and was not written by glossary build (no {MARKER} file); "
        "refusing to replace it: empty it or choose another --out"
    )
    assert tree_bytes(out) == {"notes.txt": b"precious"}


def test_begin_refuses_a_file_as_output(tmp_path):
    out = tmp_path / "site.html"
    out.write_text("x")
    with pytest.raises(OutputError, match="exists and is not a folder"):
        begin(out)


def test_begin_accepts_an_empty_existing_folder(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    staging = begin(out)
    staging.put("index.html", "d", b"x")
    staging.commit()
    staging.wait()
    assert (out / "index.html").read_bytes() == b"x"


def test_stale_temporary_folder_of_dead_build_is_removed_by_next_build(tmp_path):
    root = write_site(tmp_path / "site", SITE)
    stale = root / f".build.glossary-tmp-{dead_pid()}"
    (stale / "term").mkdir(parents=True)
    (stale / "term" / "half.html").write_text("half-written")
    build_in(root)
    assert not stale.exists()
    assert (root / "build" / "term" / "leverage" / "index.html").is_file()


def test_temporary_folder_of_a_running_build_is_left_alone(tmp_path):
    root = write_site(tmp_path / "site", SITE)
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        busy = root / f".build.glossary-tmp-{alive.pid}"
        busy.mkdir()
        (busy / "x.html").write_text("in progress")
        build_in(root)
        assert (busy / "x.html").read_text() == "in progress"
    finally:
        alive.kill()
        alive.wait()


def test_output_moved_aside_by_a_killed_build_is_restored(tmp_path):
    out = tmp_path / "out"
    aside = tmp_path / f".out.glossary-old-{dead_pid()}"
    aside.mkdir()
    (aside / MARKER).write_text(MARKER_TEXT)
    (aside / "index.html").write_text("previous")
    staging = begin(out)
    assert (out / "index.html").read_text() == "previous"
    assert not aside.exists()
    staging.abort()


# --------------------------------------------------------- through build()


def test_unchanged_files_are_hard_linked_on_second_build(tmp_path):
    root = write_site(tmp_path / "site", SITE)
    first = build_in(root)
    out = root / "build"
    inodes = {
        p: (out / p).stat().st_ino for p in ("term/leverage/index.html", "img/a.txt", "sitemap.xml")
    }
    second = build_in(root)
    assert second.unchanged == second.files == first.files
    assert second.written == 0
    assert {p: (out / p).stat().st_ino for p in inodes} == inodes


def test_changed_page_is_rewritten_not_linked(tmp_path):
    root = write_site(tmp_path / "site", SITE)
    build_in(root)
    target = root / "build" / "definition" / "collateral" / "index.html"
    before = target.stat().st_ino
    (root / "content/definition/collateral.md").write_text(
        page("Collateral", areas=["margin"], body="New body text.\n")
    )
    report = build_in(root)
    assert target.stat().st_ino != before
    assert b"New body text." in target.read_bytes()
    assert 0 < report.written < report.files


def test_failed_build_leaves_previous_output_byte_for_byte(tmp_path):
    root = write_site(tmp_path / "site", SITE)
    build_in(root)
    before = tree_bytes(root / "build")
    (root / "content/term/leverage.md").write_text(page("Leverage", publishd="2026-01-01"))
    with pytest.raises(ContentError):
        build_in(root)
    assert tree_bytes(root / "build") == before
    assert not list(root.glob(".build.glossary-*"))


def test_build_failing_on_output_collision_leaves_previous_output(tmp_path):
    root = write_site(tmp_path / "site", SITE)
    build_in(root)
    before = tree_bytes(root / "build")
    (root / "static" / "sitemap.xml").write_text("<mine/>")
    with pytest.raises(ContentError) as caught:
        build_in(root)
    assert [p.format() for p in caught.value.problems] == [
        "static/sitemap.xml:1: collides with the generated /sitemap.xml; rename or remove it"
    ]
    assert tree_bytes(root / "build") == before


def test_first_build_that_fails_creates_no_output_folder(tmp_path):
    root = write_site(tmp_path / "site", {**SITE, "content/term/broken.md": ""})
    with pytest.raises(ContentError):
        build_in(root)
    assert not (root / "build").exists()


def test_build_refuses_foreign_folder_and_leaves_it_untouched(tmp_path):
    root = write_site(tmp_path / "site", SITE)
    out = tmp_path / "docs"
    out.mkdir()
    (out / "README.md").write_text("hand written")
    with pytest.raises(OutputError, match="refusing to replace it"):
        build_in(root, out=out)
    assert tree_bytes(out) == {"README.md": b"hand written"}


@pytest.mark.parametrize("inside", ["", "content", "static", "content/term"])
def test_build_refuses_to_write_over_the_site_itself(tmp_path, inside):
    root = write_site(tmp_path / "site", SITE)
    before = tree_bytes(root)
    out = (root / inside).resolve()
    with pytest.raises(OutputError) as caught:
        build_in(root, out=out)
    assert str(caught.value) == (
        f"refusing to build into {out}: it would overwrite the "
        "site's own files; choose another --out"
    )
    assert tree_bytes(root) == before


def test_build_writes_nothing_outside_output_and_cache(tmp_path):
    root = write_site(tmp_path / "site", SITE)
    out = tmp_path / "public"
    build_in(root, out=out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public", "site"]
    assert sorted(p.name for p in root.iterdir()) == [".glossary-cache", "content", "static"]
    assert (out / MARKER).is_file()


def test_default_output_folder_is_build_next_to_content(tmp_path):
    root = write_site(tmp_path / "site", SITE)
    report = build_in(root)
    assert report.out == (root / "build").resolve()
    assert sorted(p.name for p in root.iterdir()) == [
        ".glossary-cache",
        "build",
        "content",
        "static",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_cached_build_recovers_after_output_folder_was_deleted(tmp_path):
    root = write_site(tmp_path / "site", SITE)
    first = build_in(root)
    expected = tree_bytes(root / "build")
    for path in sorted((root / "build").rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    (root / "build").rmdir()
    report = build_in(root)
    assert report.files == first.files
    assert tree_bytes(root / "build") == expected


def test_cached_build_rewrites_an_output_file_edited_by_hand(tmp_path):
    root = write_site(tmp_path / "site", SITE)
    build_in(root)
    expected = tree_bytes(root / "build")
    edited = root / "build" / "term" / "leverage" / "index.html"
    with open(edited, "ab") as handle:
        handle.write(b"<!-- hand edit -->")
    build_in(root)
    assert tree_bytes(root / "build") == expected


def test_cached_build_works_where_hard_links_are_unsupported(tmp_path, monkeypatch):
    root = write_site(tmp_path / "site", SITE)
    build_in(root)
    expected = tree_bytes(root / "build")

    def no_links(*args, **kwargs):
        raise OSError(errno.EPERM, "Operation not permitted")  # e.g. FAT, some network shares

    monkeypatch.setattr(os, "link", no_links)
    report = build_in(root)
    assert report.files == len(expected) - 1  # every file but the marker
    assert tree_bytes(root / "build") == expected

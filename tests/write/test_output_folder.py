"""The output folder: nothing of the user's is lost, builds take turns, any leftover of a
crashed build is recovered, and the worker pool always stops."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import area, build_in, leftovers, page, run_cli, tree_bytes
from glossary_site.write import JOURNAL, MARKER, OLD_TAG, TMP_TAG, parallel

FILES = {
    "content/area/margin.md": area("Margin"),
    "content/term/leverage.md": page("Leverage", areas=["margin"]),
    "content/definition/haircut.md": page("Haircut", areas=["margin"]),
    "content/definition/gone.md": page("Gone", areas=["margin"]),
}
DEAD_PID = 2**22 + 7  # above Linux's pid_max default: never a live process


@pytest.fixture
def site(make_site) -> Path:
    return make_site(FILES)


def generated(folder: Path) -> dict[str, bytes]:
    """The files a build wrote (the marker lists them), without the user's."""
    return {
        path: data
        for path, data in tree_bytes(folder).items()
        if path != "CNAME" and not path.startswith((".git/", "notes/"))
    }


def user_files(out: Path) -> dict[str, bytes]:
    """A gh-pages worktree's own files: a CNAME, a .git folder, notes in a sub-folder."""
    out.mkdir(exist_ok=True)
    files = {
        "CNAME": b"glossary.example.org\n",
        ".git/HEAD": b"ref: refs/heads/gh-pages\n",
        ".git/objects/ab/cdef": b"\x78\x9c object",
        "notes/readme.txt": b"kept by hand\n",
    }
    for rel, data in files.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(data)
    return files


def stamps(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in folder.rglob("*")
    }


@pytest.mark.parametrize("use_cache", [False, True])
def test_every_build_keeps_the_files_it_did_not_write(site, use_cache):
    out = site / "build"
    build_in(site, use_cache=use_cache)
    mine = user_files(out)
    git_before = stamps(out / ".git")
    (site / "content/term/leverage.md").write_text(page("Leverage 2", areas=["margin"]))
    build_in(site, use_cache=use_cache)
    after = tree_bytes(out)
    for rel, data in mine.items():
        assert after[rel] == data, rel
    assert stamps(out / ".git") == git_before  # never moved, never rewritten
    assert b"Leverage 2" in after["term/leverage/index.html"]
    fresh = build_in(site, use_cache=False, out=site / "fresh").out
    assert generated(out) == tree_bytes(fresh)


@pytest.mark.parametrize("use_cache", [False, True])
def test_a_page_removed_from_the_site_is_removed_from_the_output_and_nothing_else(site, use_cache):
    out = site / "build"
    build_in(site, use_cache=use_cache)
    mine = user_files(out)
    (site / "content/definition/gone.md").unlink()
    build_in(site, use_cache=use_cache)
    assert not (out / "definition/gone").exists()
    assert {rel: (out / rel).read_bytes() for rel in mine} == mine
    fresh = build_in(site, use_cache=False, out=site / "fresh").out
    assert generated(out) == tree_bytes(fresh)


def test_a_users_file_where_a_page_now_goes_is_replaced_by_the_page(site):
    out = site / "build"
    build_in(site, use_cache=False)
    user_files(out)
    (out / "robots.txt").write_text("hand-edited")
    build_in(site, use_cache=False)
    assert (out / "robots.txt").read_text() != "hand-edited"  # the build writes robots.txt
    assert (out / "CNAME").is_file()


def test_the_marker_lists_exactly_what_the_build_wrote(site):
    out = site / "build"
    build_in(site, use_cache=False)
    user_files(out)
    build_in(site, use_cache=False)
    listed = json.loads((out / MARKER).read_text(encoding="utf-8").splitlines()[1])
    assert set(listed) == set(generated(out)) - {MARKER}


def test_an_output_folder_named_with_glob_characters_leaves_other_folders_alone(site, tmp_path):
    other = tmp_path / "b1"
    other.mkdir()
    (other / "index.html").write_text("other site")
    stale = tmp_path / f".b1{OLD_TAG}{DEAD_PID}"  # another build's recovery copy
    stale.mkdir()
    (stale / "index.html").write_text("recovery copy of b1")
    stale_tmp = tmp_path / f".b1{TMP_TAG}{DEAD_PID}"
    stale_tmp.mkdir()
    (stale_tmp / "page.html").write_text("staged for b1")
    for name in ("b[1]", "b?", "b*", "[b]1"):
        build_in(site, out=tmp_path / name, use_cache=False)
        assert (tmp_path / name / "index.html").is_file()
    assert (stale / "index.html").read_text() == "recovery copy of b1"
    assert (stale_tmp / "page.html").read_text() == "staged for b1"
    assert (other / "index.html").read_text() == "other site"


TORN = [
    b"",
    b'{"moves": ["term/leverage/index.ht',
    b"\x00\xff garbage \x80",
    b"[]",
    b'{"moves": 1, "deletions": []}',
    b'{"moves": ["../../etc/passwd"], "deletions": []}',
    b'{"moves": [], "deletions": ["/etc/passwd"]}',
    b'{"moves": [], "deletions": []}' + b" " * 10,
    b"[" * 100_000,
]


@pytest.mark.parametrize("journal", TORN, ids=range(len(TORN)))
@pytest.mark.parametrize("use_cache", [False, True])
def test_a_torn_commit_journal_is_recovered_and_the_build_goes_on(site, journal, use_cache):
    out = site / "build"
    build_in(site, use_cache=use_cache)
    stale = site / f".build{TMP_TAG}{DEAD_PID}"
    (stale / "term/leverage").mkdir(parents=True)
    (stale / "term/leverage/index.html").write_text("half-staged")
    (stale / JOURNAL).write_bytes(journal)
    result = run_cli("build", "--jobs", "1", *([] if use_cache else ["--no-cache"]), cwd=site)
    assert result.returncode == 0, result.stderr
    assert leftovers(site) == []
    fresh = build_in(site, use_cache=False, out=site / "fresh").out
    assert tree_bytes(out) == tree_bytes(fresh)
    assert b"half-staged" not in (out / "term/leverage/index.html").read_bytes()


def test_files_moved_aside_by_a_commit_whose_journal_is_torn_are_put_back(site):
    out = site / "build"
    build_in(site, use_cache=False)
    original = (out / "index.html").read_bytes()
    stale = site / f".build{TMP_TAG}{DEAD_PID}"
    (stale / ".glossary-backup").mkdir(parents=True)
    os.replace(out / "index.html", stale / ".glossary-backup/index.html")
    (stale / JOURNAL).write_bytes(b'{"moves": ["index.ht')
    from glossary_site.write import recover

    recover(out)
    assert (out / "index.html").read_bytes() == original
    assert leftovers(site) == []


def test_a_second_build_into_the_same_output_waits_for_the_first(site):
    build_in(site, use_cache=False)
    lock = site / ".build.glossary-lock"
    fd = os.open(lock, os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)  # what a running build holds
    proc = None
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "glossary_site", "build", "--jobs", "1", "--no-cache"],
            cwd=site,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        line = proc.stderr.readline()  # printed before it waits
        assert "waiting for another glossary build into" in line
        time.sleep(1)
        assert proc.poll() is None  # still waiting
    finally:
        lock.unlink()  # as a finishing build does
        os.close(fd)
    assert proc is not None
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert "Built" in out


def test_two_builds_at_once_both_succeed_and_leave_a_complete_output(site):
    fresh = build_in(site, use_cache=False, out=site / "fresh").out
    command = [sys.executable, "-m", "glossary_site", "build", "--jobs", "2"]
    procs = [
        subprocess.Popen(command, cwd=site, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    assert generated(site / "build") == tree_bytes(fresh)
    assert leftovers(site) == []


# ------------------------------------------------------------------ the worker pool


def _signals(_context, _item):
    return (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM))


def test_workers_ignore_sigint_and_die_on_sigterm_from_the_start():
    items = list(range(parallel.SERIAL_BELOW))
    found = set(parallel.iter_ordered(_signals, None, items, jobs=2, chunk=8))
    assert found == {(signal.SIG_IGN, signal.SIG_DFL)}


def _slow(_context, item):
    time.sleep(0.01)
    return item


def test_an_interrupted_pool_stops_even_when_a_dead_worker_held_the_queue_lock():
    pool = parallel._pool(2, None)
    result = pool.map_async(parallel._run_chunk, [(_slow, [i]) for i in range(4)])
    result.wait(30)
    workers = list(pool._pool)
    for worker in workers:  # SIGTERM to the process group: idle workers die holding the lock
        os.kill(worker.pid, signal.SIGKILL)
    for worker in workers:
        worker.join(10)
    done = threading.Event()

    def stop():
        parallel._shut_down(pool, finished=False)
        done.set()

    threading.Thread(target=stop, daemon=True).start()
    assert done.wait(3 * parallel.SHUTDOWN_SECONDS), "pool shutdown hung"


def test_stopping_a_pool_mid_way_returns_promptly():
    items = list(range(parallel.SERIAL_BELOW * 4))
    results = parallel.iter_ordered(_slow, None, items, jobs=2, chunk=4)
    next(results)
    started = time.monotonic()
    results.close()  # what an exception in the consumer does
    assert time.monotonic() - started < parallel.SHUTDOWN_SECONDS * 2


def test_the_lock_file_is_gone_after_a_build(site):
    build_in(site, use_cache=False)
    assert not (site / ".build.glossary-lock").exists()

"""Hardening: a build interrupted for real (SIGINT, SIGTERM, SIGKILL) mid-write loses nothing.

A 3,000-entry corpus (benchmarks/gen_corpus.py) takes a few seconds to render; each
test builds it once, changes it so the next build rewrites every page, starts that build
as a subprocess, waits until its temporary folder `.build.glossary-tmp-<pid>` is filling
up, and signals it.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import generate_corpus, leftovers, page, rename_site, run_cli, tree_bytes
from faultshim import shim_env
from glossary_site.write import JOURNAL, MARKER, TMP_TAG
from glossary_site.write.staging import LOCK_TAG

ENTRIES = 3000


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """A generated 3,000-entry site with a first output in build/ (no cache)."""
    root = generate_corpus(tmp_path_factory.mktemp("corpus") / "site", ENTRIES)
    result = run_cli("build", "--no-cache", "--quiet", cwd=root)
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture
def site(corpus: Path, tmp_path: Path) -> Path:
    """A private copy of the built corpus (mtimes kept)."""
    target = tmp_path / "site"
    shutil.copytree(corpus, target, symlinks=True)
    return target


def start_build(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "glossary_site", "build", *args],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


def wait_until_writing(
    proc: subprocess.Popen, root: Path, files: int = 50, timeout: float = 120
) -> Path:
    """Wait until the build's temporary folder holds at least `files` files."""
    tmp = root / f".build{TMP_TAG}{proc.pid}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            _, err = proc.communicate()
            pytest.fail(
                f"the build ended (status {proc.returncode}) before it could be "
                f"interrupted mid-write: {err}"
            )
        if tmp.is_dir():
            count = sum(len(names) for _, _, names in os.walk(tmp))
            if count >= files:
                return tmp
        time.sleep(0.01)
    proc.kill()
    pytest.fail("the build never started writing its temporary folder")


def interrupt(root: Path, signum: int, *args: str) -> tuple[subprocess.Popen, str, int]:
    proc = start_build(root, *args)
    tmp = wait_until_writing(proc, root)
    written = sum(len(names) for _, _, names in os.walk(tmp))
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=120)
    return proc, err, written


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("jobs", ["1", "0"], ids=["serial", "parallel"])
def test_signal_mid_write_exits_130_and_leaves_previous_output_byte_for_byte(site, signum, jobs):
    before = tree_bytes(site / "build")
    rename_site(site, "Renamed Glossary")
    proc, err, written = interrupt(site, signum, "--no-cache", "--jobs", jobs)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert "interrupted" in err
    assert written > 0
    assert tree_bytes(site / "build") == before
    assert leftovers(site) == []


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_mid_write_of_an_incremental_build_leaves_previous_output(site, signum):
    # a cached build into build/: the next one stages only changed files (a sparse commit)
    first = run_cli("build", "--quiet", cwd=site)
    assert first.returncode == 0, first.stderr
    before = tree_bytes(site / "build")
    rename_site(site, "Incrementally Renamed")
    proc, err, _ = interrupt(site, signum, "--jobs", "1")
    assert proc.returncode == 130, err
    assert tree_bytes(site / "build") == before
    assert leftovers(site) == []
    if signum == signal.SIGINT:
        return
    # and the cache did not record the interrupted build as the output: the next build
    # writes the new name everywhere
    again = run_cli("build", "--quiet", cwd=site)
    assert again.returncode == 0, again.stderr
    assert b"Incrementally Renamed" in (site / "build/index.html").read_bytes()
    fresh = run_cli("build", "--no-cache", "--quiet", "--out", str(site.parent / "fresh"), cwd=site)
    assert fresh.returncode == 0, fresh.stderr
    assert tree_bytes(site / "build") == tree_bytes(site.parent / "fresh")


def test_sigkill_mid_write_keeps_previous_output_and_next_build_cleans_up(site):
    before = tree_bytes(site / "build")
    rename_site(site, "Killed Glossary")
    proc = start_build(site, "--no-cache", "--jobs", "1")
    tmp = wait_until_writing(proc, site)
    proc.kill()
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert tree_bytes(site / "build") == before
    assert tmp.is_dir()  # the stale temporary folder a killed build leaves behind

    result = run_cli("build", "--no-cache", "--quiet", cwd=site)
    assert result.returncode == 0, result.stderr
    assert leftovers(site) == []
    assert b"Killed Glossary" in (site / "build/index.html").read_bytes()
    assert (site / "build" / MARKER).is_file()


def test_stale_temporary_folder_is_removed_even_when_the_next_build_fails(site):
    before = tree_bytes(site / "build")
    rename_site(site, "Killed Again")
    proc = start_build(site, "--no-cache", "--jobs", "1")
    wait_until_writing(proc, site)
    proc.kill()
    proc.communicate(timeout=60)
    (site / "content/term/broken.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    result = run_cli("build", "--no-cache", cwd=site)
    assert result.returncode == 1
    assert "content/term/broken.md:" in result.stderr
    assert tree_bytes(site / "build") == before
    assert leftovers(site) == []


def _edit_entries(root: Path, count: int) -> None:
    """Retitle `count` definitions (their pages, and every page listing them, change)."""
    for n, path in enumerate(sorted((root / "content/definition").glob("*.md"))[:count]):
        text = path.read_text(encoding="utf-8")
        path.write_text(
            re.sub(r'(?m)^title: "(.*)"$', rf'title: "\1 Revised {n}"', text, count=1),
            encoding="utf-8",
        )


def test_build_killed_mid_sparse_commit_is_completed_by_the_next_build(site, tmp_path):
    first = run_cli("build", "--quiet", cwd=site)
    assert first.returncode == 0, first.stderr
    _edit_entries(site, 40)
    # the 25th file moved from the temporary folder into build/: kill -9, no cleanup
    env = shim_env(tmp_path / "shim", op="os.replace", match=TMP_TAG, nth=25, action="kill:SIGKILL")
    killed = run_cli("build", "--quiet", "--jobs", "1", cwd=site, env=env)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    stale = [p for p in site.iterdir() if TMP_TAG in p.name]
    assert len(stale) == 1 and (stale[0] / JOURNAL).is_file()

    result = run_cli("build", "--quiet", cwd=site)
    assert result.returncode == 0, result.stderr
    assert leftovers(site) == []
    fresh = run_cli("build", "--no-cache", "--quiet", "--out", str(tmp_path / "fresh"), cwd=site)
    assert fresh.returncode == 0, fresh.stderr
    assert tree_bytes(site / "build") == tree_bytes(tmp_path / "fresh")


def test_build_killed_between_the_two_renames_of_a_full_commit_is_recovered(site, tmp_path):
    before = tree_bytes(site / "build")
    rename_site(site, "Swapped Glossary")
    # rename 1 moves build/ aside, rename 2 moves the temporary folder in: die in between
    env = shim_env(tmp_path / "shim", op="os.rename", match=TMP_TAG, nth=1, action="kill:SIGKILL")
    killed = run_cli("build", "--no-cache", "--quiet", cwd=site, env=env)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert not (site / "build").exists()
    # the next build, even one that fails on content, puts the previous output back first
    (site / "content/term/broken.md").write_text("", encoding="utf-8")
    failed = run_cli("build", "--no-cache", cwd=site)
    assert failed.returncode == 1
    assert tree_bytes(site / "build") == before
    assert leftovers(site) == []
    (site / "content/term/broken.md").unlink()
    result = run_cli("build", "--no-cache", "--quiet", cwd=site)
    assert result.returncode == 0, result.stderr
    assert leftovers(site) == []
    assert b"Swapped Glossary" in (site / "build/index.html").read_bytes()


def test_signal_during_load_and_resolve_leaves_previous_output(site):
    before = tree_bytes(site / "build")
    (site / "content/term/new-entry.md").write_text(page("New Entry"), encoding="utf-8")
    proc = start_build(site, "--no-cache", "--jobs", "1")
    # the lock beside the output exists once the build runs (its signal handlers are set);
    # a fixed sleep could land in Python's start-up on a busy machine
    lock = site / f".build{LOCK_TAG}"
    deadline = time.monotonic() + 60
    while not lock.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.2)  # the site is being read and resolved
    assert proc.poll() is None and not (site / f".build{TMP_TAG}{proc.pid}").exists()
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert tree_bytes(site / "build") == before
    assert leftovers(site) == []


def test_ctrl_c_right_after_a_cache_file_is_opened_leaves_no_temporary_file(tmp_path, monkeypatch):
    # a signal that arrives while a system call runs is raised as soon as it returns: right
    # after the temporary file is created, before anything is written to it
    from glossary_site.write import cache

    real_open = os.open

    def interrupted(path, flags, mode=0o777):
        fd = real_open(path, flags, mode)
        os.close(fd)
        raise KeyboardInterrupt

    monkeypatch.setattr(cache.os, "open", interrupted)
    with pytest.raises(KeyboardInterrupt):
        cache._write_no_follow(tmp_path, "bodies-00.json", b"{}")
    assert os.listdir(tmp_path) == []

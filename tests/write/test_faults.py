"""Hardening: the whole pipeline under I/O faults (full disk, read-only file system,
an immutable parent folder, failing reads, a bug of ours) reports the problem, exits with
the documented status and loses nothing."""

from __future__ import annotations

import errno
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import build_in, leftovers, rename_site, run_cli, tree_bytes
from faultshim import shim_env
from glossary_site.errors import OutputError
from glossary_site.write import TMP_TAG


@pytest.fixture
def built(copy_site) -> Path:
    """The basic fixture site with a first (cached) output in build/."""
    root = copy_site("basic")
    build_in(root)
    return root


def failing(real, code: int, nth: int, match: str = TMP_TAG):
    """`real` that raises OSError(code) on its nth call whose path contains `match`."""
    calls = 0

    def fake(*args, **kwargs):
        nonlocal calls
        paths = [os.fspath(a) for a in args if isinstance(a, (str, os.PathLike))]
        if any(match in p for p in paths):
            calls += 1
            if calls == nth:
                raise OSError(code, os.strerror(code), paths[0])
        return real(*args, **kwargs)

    return fake


# ------------------------------------------------------------------- in-process


@pytest.mark.parametrize("nth", [1, 7, 14])
@pytest.mark.parametrize("use_cache", [True, False], ids=["cached", "no-cache"])
def test_full_disk_while_writing_pages_keeps_previous_output(built, monkeypatch, nth, use_cache):
    before = tree_bytes(built / "build")
    rename_site(built, "Renamed")
    monkeypatch.setattr(os, "open", failing(os.open, errno.ENOSPC, nth))
    with pytest.raises(OutputError) as caught:
        build_in(built, use_cache=use_cache)
    monkeypatch.undo()
    message = str(caught.value)
    assert "the disk is full" in message and TMP_TAG in message
    assert "untouched" in message
    assert tree_bytes(built / "build") == before
    assert leftovers(built) == []
    # and once there is room again the build goes through
    build_in(built, use_cache=use_cache)
    assert b"Renamed" in (built / "build/index.html").read_bytes()


def test_read_only_file_system_at_the_swap_keeps_previous_output(built, monkeypatch):
    before = tree_bytes(built / "build")
    rename_site(built, "Renamed")
    monkeypatch.setattr(os, "rename", failing(os.rename, errno.EROFS, 1, match=""))
    with pytest.raises(OutputError) as caught:
        build_in(built, use_cache=False)
    monkeypatch.undo()
    assert "the file system is read-only" in str(caught.value)
    assert tree_bytes(built / "build") == before
    assert leftovers(built) == []


def test_full_disk_while_copying_static_files_keeps_previous_output(built, monkeypatch):
    before = tree_bytes(built / "build")
    (built / "static/img/new.txt").write_text("new static file\n", encoding="utf-8")
    monkeypatch.setattr(shutil, "copyfile", failing(shutil.copyfile, errno.ENOSPC, 1, match=""))
    with pytest.raises(OutputError) as caught:
        build_in(built, use_cache=False)
    monkeypatch.undo()
    assert "the disk is full" in str(caught.value)
    assert tree_bytes(built / "build") == before
    assert leftovers(built) == []


def test_unwritable_temporary_folder_is_reported_as_permission_denied(built, monkeypatch):
    before = tree_bytes(built / "build")
    rename_site(built, "Renamed")
    monkeypatch.setattr(os, "mkdir", failing(os.mkdir, errno.EACCES, 1))
    with pytest.raises(OutputError) as caught:
        build_in(built, use_cache=False)
    monkeypatch.undo()
    assert "permission denied" in str(caught.value)
    assert tree_bytes(built / "build") == before
    assert leftovers(built) == []


def test_fault_half_way_through_an_incremental_commit_keeps_previous_output(built, monkeypatch):
    before = tree_bytes(built / "build")
    rename_site(built, "Renamed")  # every page changes: many files to move in
    monkeypatch.setattr(os, "replace", failing(os.replace, errno.EIO, 5))
    with pytest.raises(OutputError):
        build_in(built)
    monkeypatch.undo()
    assert tree_bytes(built / "build") == before


def test_incremental_commit_that_failed_half_way_is_completed_by_the_next_build(
    built, monkeypatch, tmp_path
):
    rename_site(built, "Renamed")
    monkeypatch.setattr(os, "replace", failing(os.replace, errno.EIO, 5))
    with pytest.raises(OutputError) as caught:
        build_in(built)
    monkeypatch.undo()
    assert "failed half-way" in str(caught.value)
    build_in(built)
    assert leftovers(built) == []
    build_in(built, use_cache=False, out=tmp_path / "fresh")
    assert tree_bytes(built / "build") == tree_bytes(tmp_path / "fresh")


def test_unwritable_cache_costs_speed_not_the_build(built, monkeypatch, tmp_path):
    rename_site(built, "Renamed")
    monkeypatch.setattr(os, "replace", failing(os.replace, errno.EROFS, 1, match=".glossary-cache"))
    build_in(built)
    monkeypatch.undo()
    build_in(built, use_cache=False, out=tmp_path / "fresh")
    assert tree_bytes(built / "build") == tree_bytes(tmp_path / "fresh")


# --------------------------------------------------------------- the real CLI


@pytest.mark.parametrize(
    ("op", "code", "nth", "words"),
    [
        ("os.open", "ENOSPC", 1, "the disk is full"),
        ("os.open", "ENOSPC", 12, "the disk is full"),
        ("os.open", "EDQUOT", 3, "disk quota exceeded"),
        ("os.makedirs", "EROFS", 2, "the file system is read-only"),
        ("os.mkdir", "EROFS", 1, "the file system is read-only"),
        ("os.rename", "EROFS", 1, "the file system is read-only"),
        ("shutil.copyfile", "ENOSPC", 1, "the disk is full"),
        ("os.open", "EIO", 4, "Input/output error"),
    ],
)
def test_cli_under_a_write_fault_exits_1_naming_the_problem_and_loses_nothing(
    built, tmp_path, op, code, nth, words
):
    before = tree_bytes(built / "build")
    rename_site(built, "Renamed")
    (built / "static/img/new.txt").write_text("new static file\n", encoding="utf-8")
    env = shim_env(
        tmp_path / "shim",
        op=op,
        match="" if op == "os.rename" else TMP_TAG,
        nth=nth,
        action=f"errno:{code}",
    )
    result = run_cli("build", "--no-cache", cwd=built, env=env)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: cannot write "), result.stderr
    assert words in lines[0] and "untouched" in lines[0]
    assert tree_bytes(built / "build") == before
    assert leftovers(built) == []


def test_cli_read_fault_on_a_page_is_a_path_line_error(built, tmp_path):
    before = tree_bytes(built / "build")
    (built / "content/term/liquidation-price.md").touch()  # changed: must be read again
    env = shim_env(
        tmp_path / "shim", op="builtins.open", match="liquidation-price.md", action="errno:EIO"
    )
    result = run_cli("build", "--no-cache", cwd=built, env=env)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert re.search(
        r"^content/term/liquidation-price\.md:1: .*Input/output error", result.stderr, re.M
    ), result.stderr
    assert tree_bytes(built / "build") == before


def test_internal_error_prints_one_line_and_exits_3_without_traceback(built, tmp_path):
    before = tree_bytes(built / "build")
    rename_site(built, "Renamed")
    env = shim_env(tmp_path / "shim", op="os.open", match=TMP_TAG, nth=3, action="raise")
    result = run_cli("build", "--no-cache", cwd=built, env=env)
    assert result.returncode == 3
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("internal error: RuntimeError: injected fault")
    assert "please report it" in lines[0] and "--debug" in lines[0]
    assert tree_bytes(built / "build") == before
    assert leftovers(built) == []


def test_internal_error_with_debug_prints_the_traceback_and_exits_3(built, tmp_path):
    rename_site(built, "Renamed")
    env = shim_env(tmp_path / "shim", op="os.open", match=TMP_TAG, nth=3, action="raise")
    result = run_cli("build", "--no-cache", "--debug", cwd=built, env=env)
    assert result.returncode == 3
    assert "Traceback (most recent call last)" in result.stderr
    assert "RuntimeError: injected fault" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("internal error: RuntimeError")


def test_cli_content_error_exits_1_and_leaves_previous_output_byte_for_byte(built):
    before = tree_bytes(built / "build")
    rename_site(built, "Renamed")
    (built / "content/term/bad.md").write_text("---\ntitle: [unclosed\n---\n", "utf-8")
    result = run_cli("build", cwd=built)
    assert result.returncode == 1
    assert result.stderr.startswith("content/term/bad.md:3: invalid YAML")
    assert tree_bytes(built / "build") == before
    assert leftovers(built) == []


@pytest.fixture
def immutable():
    """chattr +i a folder (even root cannot create entries in it); undone afterwards."""
    frozen: list[Path] = []

    def freeze(folder: Path) -> None:
        result = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, text=True)
        if result.returncode != 0:
            pytest.skip(f"this file system cannot make a folder immutable: {result.stderr}")
        frozen.append(folder)

    yield freeze
    for folder in frozen:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_cli_with_a_read_only_output_parent_exits_1_and_loses_nothing(built, tmp_path, immutable):
    parent = tmp_path / "published"
    parent.mkdir()
    out = parent / "site"
    first = run_cli("build", "--no-cache", "--quiet", "--out", str(out), cwd=built)
    assert first.returncode == 0, first.stderr
    before = tree_bytes(out)
    rename_site(built, "Renamed")
    immutable(parent)
    assert not os.access(parent, os.W_OK) or _cannot_create_in(parent)
    result = run_cli("build", "--no-cache", "--out", str(out), cwd=built)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: cannot write ")
    assert "operation not permitted" in result.stderr and str(parent) in result.stderr
    assert tree_bytes(out) == before
    assert leftovers(parent) == []


def _cannot_create_in(folder: Path) -> bool:
    try:
        (folder / "probe").mkdir()
    except OSError:
        return True
    (folder / "probe").rmdir()
    return False

"""parallel.Background: a pure function computed in a forked process while the caller
goes on, and computed in the caller instead whenever that process cannot give its value
(it raised, died, or was never started); a build whose search index comes from either
place writes the same bytes (commands/build.py)."""

from __future__ import annotations

import os
import sys
import time

import pytest

from conftest import build_in, tree_bytes
from glossary_site.render import renderer
from glossary_site.write import parallel

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork is Linux's")


def where(parent: int, fail_in_child: bool = False, exit_in_child: bool = False) -> str:
    if os.getpid() != parent:
        if fail_in_child:
            raise RuntimeError("no value here")
        if exit_in_child:
            os._exit(3)
        return "child"
    return "parent"


@linux_only
def test_the_value_is_computed_in_another_process():
    assert parallel.Background(where, os.getpid()).result() == "child"


@linux_only
def test_a_process_that_raises_leaves_the_value_to_the_caller():
    assert parallel.Background(where, os.getpid(), True).result() == "parent"


@linux_only
def test_a_process_that_dies_leaves_the_value_to_the_caller():
    assert parallel.Background(where, os.getpid(), False, True).result() == "parent"


@linux_only
def test_cancel_stops_a_process_that_still_runs():
    task = parallel.Background(time.sleep, 60)
    process = task._process
    started = time.perf_counter()
    task.cancel()
    assert time.perf_counter() - started < 5
    assert not process.is_alive()
    task.cancel()  # again: nothing to do


def test_values_that_pickle_arrive_whole():
    value = {"parts": [("search/w/abc.json", b"\x00" * 300_000)], "n": 7}
    assert parallel.Background(dict, value).result() == value


@linux_only
def test_a_build_whose_search_process_fails_writes_the_same_site(copy_site, tmp_path, monkeypatch):
    root = copy_site("basic")
    expected = tree_bytes(build_in(root, use_cache=False).out)
    parent = os.getpid()
    real = renderer.search_outputs

    def failing_in_child(*args):
        if os.getpid() != parent:
            raise RuntimeError("the search process fails")
        return real(*args)

    monkeypatch.setattr(renderer, "search_outputs", failing_in_child)
    other = build_in(root, use_cache=False, out=tmp_path / "other")
    assert tree_bytes(other.out) == expected


def test_a_search_part_damaged_in_the_output_is_written_again(copy_site):
    """The search process compares keys with what the last build recorded; a part that is
    no longer as that build left it is rendered again by the build itself."""
    root = copy_site("basic")
    out = build_in(root).out
    manifest = out / "search" / "manifest.json"
    good = manifest.read_bytes()
    manifest.write_bytes(b"{}")
    assert build_in(root).written >= 1
    assert manifest.read_bytes() == good

"""BuildCache.prefetch: the bodies' shards and the graph read in another process while
the build scans and loads. What arrives is what reading them here gives: the same
values, the same parts dropped for failing their checks, nothing left running."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from conftest import build_in, linked_pages
from glossary_site.write import BuildCache
from glossary_site.write.cache import SHARDS

FILES = linked_pages()


@pytest.fixture
def site(make_site) -> Path:
    root = make_site(FILES)
    build_in(root)
    return root


def everything(cache: BuildCache) -> tuple[object, ...]:
    bodies = [cache.bodies._previous[index] for index in range(SHARDS)]
    return bodies, cache.graph, cache._graph_read, sorted(cache.dropped), cache.was_read()


def test_prefetched_sections_equal_sections_read_here(site):
    direct = everything(BuildCache(site))
    ahead = BuildCache(site)
    ahead.prefetch()
    assert everything(ahead) == direct
    assert direct[0] != [{}] * SHARDS and direct[1]


def test_a_damaged_shard_read_ahead_is_dropped_as_one_read_here(site):
    shards = sorted((site / ".glossary-cache").glob("bodies-*.json"))
    damaged = next(path for path in shards if len(path.read_bytes()) > 200)
    raw = bytearray(damaged.read_bytes())
    raw[len(raw) // 2] ^= 1
    damaged.write_bytes(bytes(raw))
    direct = everything(BuildCache(site))
    ahead = BuildCache(site)
    ahead.prefetch()
    assert everything(ahead) == direct
    assert direct[3] == [damaged.name.removesuffix(".json")]


def test_a_build_with_nothing_to_do_leaves_no_process_reading_ahead(site):
    report = build_in(site)
    assert report.written == 0
    assert multiprocessing.active_children() == []


def test_stop_prefetch_then_reading_reads_here(site):
    direct = everything(BuildCache(site))
    stopped = BuildCache(site)
    stopped.prefetch()
    stopped.stop_prefetch()
    assert multiprocessing.active_children() == []
    assert everything(stopped) == direct

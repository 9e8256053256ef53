"""What a build writes to `.glossary-cache/`: only what changed, each file at most once."""

from __future__ import annotations

import shutil
from collections import Counter

import pytest

from conftest import build_in, linked_pages, page, tree_bytes
from glossary_site.write import BuildCache

FILES = linked_pages()


@pytest.fixture
def written(monkeypatch) -> Counter[str]:
    """The cache files (sections) each build writes, counted."""
    seen: Counter[str] = Counter()
    original = BuildCache._write

    def counting(self, section, data, payload=None):
        seen[section] += 1
        original(self, section, data, payload)

    monkeypatch.setattr(BuildCache, "_write", counting)
    return seen


def test_a_one_edit_build_writes_each_cache_file_at_most_once(make_site, written):
    site = make_site(FILES)
    build_in(site)
    written.clear()
    (site / "content/definition/mark-price.md").write_text(
        page("Mark Price", areas=["margin"], body="Edited, with [[Leverage]].")
    )
    report = build_in(site)
    assert written and max(written.values()) == 1, written
    assert "graph" in written  # the edit added a link: what the graph cache holds changed
    reference = build_in(site, use_cache=False, out=site.parent / "reference").out
    assert tree_bytes(report.out) == tree_bytes(reference)


def test_an_unchanged_graph_cache_is_not_written_again(make_site, written):
    site = make_site(FILES)
    build_in(site)
    shutil.rmtree(site / "build")  # not up to date: the build analyses from the cache
    written.clear()
    report = build_in(site)
    assert "graph" not in written and not any(s.startswith(("pages", "bodies")) for s in written)
    assert report.written == report.files
    reference = build_in(site, use_cache=False, out=site.parent / "reference").out
    assert tree_bytes(report.out) == tree_bytes(reference)

"""recommend.py: Discover More recomputed after title edits equals a computation from scratch."""

from __future__ import annotations

import dataclasses
import json
import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from conftest import area, page, write_site
from glossary_site.commands.build import BuildOptions, analyse
from glossary_site.load import scan_site
from glossary_site.model import Entry
from glossary_site.resolve import SiteGraph, newest_first, recommend
from glossary_site.resolve.recommend import HUB_DEGREE, recommendations
from glossary_site.write import BuildCache

WORDS = ["alpha", "beta", "gamma", "delta", "rate", "risk", "swap", "margin"]


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> SiteGraph:
    """A real graph whose config and one entry the synthetic graphs are made from."""
    files = {"content/area/a.md": area("A"), "content/term/t.md": page("T", areas=["a"])}
    root = write_site(tmp_path_factory.mktemp("base") / "site", files)
    return analyse(scan_site(root), BuildOptions(jobs=1), BuildCache.disabled()).graph


def serial(fn: Any, context: Any, items: Any) -> list[Any]:
    return [fn(context, item) for item in items]


def make_graph(
    base: SiteGraph,
    titles: dict[str, str],
    areas: dict[str, tuple[str, ...]],
    edges: dict[str, set[str]],
    related: dict[str, tuple[str, ...]] | None = None,
    limit: int = 9,
) -> SiteGraph:
    """A graph with what discover_more reads: entries (ids "term/<slug>", dated one day
    apart, first newest), their areas, areas' newest-first members, neighbours, related."""
    template = base.entries[0]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    entries = tuple(
        dataclasses.replace(
            template, slug=eid.split("/")[1], title=title, published=start - n * timedelta(days=1)
        )
        for n, (eid, title) in enumerate(titles.items())
    )
    grouped: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        for area_id in areas.get(entry.id, ()):
            grouped[area_id].append(entry)
    members = {a: tuple(e.id for e in sorted(g, key=newest_first)) for a, g in grouped.items()}
    return dataclasses.replace(
        base,
        config=base.config.model_copy(update={"discover_more": limit}),
        entries=entries,
        related=related or {},
        entry_areas={eid: areas.get(eid, ()) for eid in titles},
        members=members,
        neighbours={eid: tuple(sorted(edges.get(eid, ()))) for eid in titles},
    )


def random_site(
    rng: random.Random, size: int
) -> tuple[
    dict[str, str], dict[str, tuple[str, ...]], dict[str, set[str]], dict[str, tuple[str, ...]]
]:
    """Titles from a small vocabulary (shared words), a big area, middling and tiny areas
    (candidates widened), entries in several areas or none, sparse links and two hubs."""
    ids = [f"term/e{n}" for n in range(size)]
    titles = {eid: random_title(rng) for eid in ids}
    area_ids = ["area/big", "area/mid1", "area/mid2", "area/tiny1", "area/tiny2"]
    weights = [0.6, 0.25, 0.25, 0.04, 0.04]
    areas = {
        eid: tuple(a for a, w in zip(area_ids, weights, strict=True) if rng.random() < w)
        for eid in ids
    }
    edges: dict[str, set[str]] = defaultdict(set)
    for _ in range(size * 2):
        a, b = rng.sample(ids, 2)
        edges[a].add(b)
        edges[b].add(a)
    for hub in ids[:2]:
        for other in rng.sample(ids[2:], HUB_DEGREE + 5):
            edges[hub].add(other)
            edges[other].add(hub)
    related = {eid: tuple(rng.sample(ids, rng.choice([0, 0, 1, 3, 8]))) for eid in ids}
    return titles, areas, edges, related


def random_title(rng: random.Random) -> str:
    return " ".join(rng.sample(WORDS, rng.randint(1, 3))).title()


def after_edit(graph_before: SiteGraph, graph_after: SiteGraph) -> dict[str, Any]:
    """The incremental result (the cache as persisted, JSON and back) and the full one."""
    cache: dict[str, Any] = {}
    recommendations(graph_before, serial, cache)
    stored = json.loads(json.dumps(cache))
    incremental = recommendations(graph_after, serial, stored)
    fresh: dict[str, Any] = {}
    full = recommendations(graph_after, serial, fresh)
    assert incremental == full
    assert json.dumps(stored) == json.dumps(fresh)  # the cache left behind is the same too
    return full


@pytest.mark.parametrize("seed", range(40))
def test_title_edits_recompute_exactly_what_a_full_computation_gives(base, seed):
    rng = random.Random(seed)
    titles, areas, edges, related = random_site(rng, rng.choice([60, 100, 150]))
    limit = rng.choice([3, 9, 20])
    before = make_graph(base, titles, areas, edges, related, limit)
    edited = dict(titles)
    for eid in rng.sample(sorted(titles), rng.randint(1, 4)):
        edited[eid] = random_title(rng)
    after_edit(before, make_graph(base, edited, areas, edges, related, limit))


def test_other_changes_recompute_everything_and_still_agree(base):
    rng = random.Random(7)
    titles, areas, edges, related = random_site(rng, 80)
    before = make_graph(base, titles, areas, edges, related)
    a, b = "term/e10", "term/e20"
    moved = {**edges, a: edges[a] | {b}, b: edges[b] | {a}}
    after_edit(before, make_graph(base, {**titles, a: "Alpha Swap"}, areas, moved, related))
    regrouped = {**areas, a: ("area/tiny1",)}
    after_edit(before, make_graph(base, titles, regrouped, edges, related))
    after_edit(before, make_graph(base, titles, areas, edges, related, limit=4))


def chain(prefix: str, count: int) -> list[str]:
    return [f"term/{prefix}{n}" for n in range(count)]


def test_a_title_reaches_entries_two_links_away(base):
    """me and x share no area, only two neighbours: x's new title must redo me's list
    (x is among me's candidates only through the common neighbours)."""
    peers = chain("peer", 16)  # sharing two of their three words with me; me in the middle
    titles = {p: "Alpha Beta Gamma" for p in peers[:8]}
    titles["term/me"] = "Alpha Beta"
    titles.update({p: "Alpha Beta Gamma" for p in peers[8:]})
    titles.update({"term/x": "Zeta", "term/n1": "N", "term/n2": "N"})
    areas = {eid: ("area/a",) for eid in [*peers, "term/me"]}
    edges = {
        "term/me": {"term/n1", "term/n2"},
        "term/x": {"term/n1", "term/n2"},
        "term/n1": {"term/me", "term/x"},
        "term/n2": {"term/me", "term/x"},
    }
    before = make_graph(base, titles, areas, edges)
    after = make_graph(base, {**titles, "term/x": "Alpha Beta"}, areas, edges)
    old = recommendations(before, serial, {})["term/me"]
    new = after_edit(before, after)["term/me"]
    assert "term/x" not in old  # common neighbours 2 x 2 = 4 < 3 + 2 x 2/3 for each peer
    assert new[0] == "term/x"  # 4 + 2 x 1: first


def test_a_title_reaches_entries_whose_candidates_widen(base):
    """me's area window holds only its related entries, so its candidates widen to the
    whole area: the far end of it (outside the window) is reached by a title edit."""
    members = chain("m", 30)
    titles = {"term/me": "Alpha Beta", **{m: "Gamma" for m in members}}
    areas = {eid: ("area/a",) for eid in titles}
    related = {"term/me": tuple(members[:8])}
    before = make_graph(base, titles, areas, {}, related)
    far = members[-1]
    after = make_graph(base, {**titles, far: "Alpha Beta"}, areas, {}, related)
    assert far not in recommendations(before, serial, {})["term/me"]
    assert after_edit(before, after)["term/me"][0] == far


def test_a_title_reaches_widened_entries_one_link_away(base):
    """me's candidates widen (its window holds only its related entries); x shares just
    one neighbour with it and no area: a candidate only because of the widening."""
    members = chain("m", 30)
    titles = {"term/me": "Alpha Beta", **{m: "Gamma" for m in members}}
    titles.update({"term/x": "Zeta", "term/n1": "N"})
    areas = {eid: ("area/a",) for eid in ["term/me", *members]}
    edges = {"term/me": {"term/n1"}, "term/n1": {"term/me", "term/x"}, "term/x": {"term/n1"}}
    related = {"term/me": tuple(members[:8])}
    before = make_graph(base, titles, areas, edges, related)
    after = make_graph(base, {**titles, "term/x": "Alpha Beta"}, areas, edges, related)
    assert "term/x" not in recommendations(before, serial, {})["term/me"]  # 2 < 3 (area)
    assert after_edit(before, after)["term/me"][0] == "term/x"  # 2 + 2 x 1


def test_a_title_edit_redoes_only_the_entries_it_can_reach(base, monkeypatch):
    rng = random.Random(3)
    titles, areas, edges, related = random_site(rng, 150)
    before = make_graph(base, titles, areas, edges, related)
    cache: dict[str, Any] = {}
    recommendations(before, serial, cache)
    redone: list[str] = []
    compute = recommend.discover_more

    def counted(graph: SiteGraph, entry_id: str, *rest: Any) -> tuple[str, ...]:
        redone.append(entry_id)
        return compute(graph, entry_id, *rest)

    monkeypatch.setattr(recommend, "discover_more", counted)
    recased = {**titles, "term/e5": titles["term/e5"].upper()}  # the same words
    recommendations(make_graph(base, recased, areas, edges, related), serial, cache)
    assert redone == []
    edited = {**titles, "term/e5": "Delta Risk Rate"}
    recommendations(make_graph(base, edited, areas, edges, related), serial, cache)
    assert "term/e5" in redone
    assert 0 < len(redone) < len(titles) // 2


def test_the_cache_of_a_real_site_is_small_and_reused(tmp_path: Path, base):
    graph = make_graph(base, {f"term/e{n}": f"Entry {n}" for n in range(50)}, {}, {})
    cache: dict[str, Any] = {}
    recommendations(graph, serial, cache)
    assert sorted(cache) == ["discover", "shape", "words"]
    assert all(len(digest) == 16 for digest in cache["words"])

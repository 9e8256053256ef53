"""Discover More: recommendations computed from the graph, scored by one function."""

from __future__ import annotations

import hashlib
import heapq
import marshal
from collections import Counter
from collections.abc import Callable, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

from glossary_site.resolve.graph import SiteGraph
from glossary_site.resolve.references import ref_key

Mapper = Callable[[Callable[[Any, Any], Any], Any, Sequence[Any]], list[Any]]


@dataclass(frozen=True, slots=True)
class Neighbourhood:
    """What recommendations read besides the graph's edges; built only when they are
    computed (an update that keeps the structure reuses them and never needs this)."""

    positions: dict[tuple[str, str], int]
    stamps: dict[str, float]
    title_words: dict[str, frozenset[str]]
    area_sets: dict[str, frozenset[str]]

    @classmethod
    def of(cls, graph: SiteGraph) -> Neighbourhood:
        """Precompute, once, the facts every entry's candidates are scored with."""
        entries = graph.entries
        return cls(
            positions={(a, e): i for a, ids in graph.members.items() for i, e in enumerate(ids)},
            stamps={e.id: e.published.timestamp() if e.published else 0.0 for e in entries},
            title_words={e.id: frozenset(ref_key(e.title).split()) for e in entries},
            area_sets={e.id: frozenset(graph.entry_areas.get(e.id, ())) for e in entries},
        )


def recommendations(
    graph: SiteGraph, mapper: Mapper, cache: MutableMapping[str, Any]
) -> dict[str, tuple[str, ...]]:
    """Discover More for every entry; reused whole when the structure they read is unchanged
    (an edit to a page's text that adds no link keeps every list)."""
    structure = _structure_digest(graph)
    if cache.get("structure") == structure:
        return {page_id: tuple(ids) for page_id, ids in cache["discover"].items()}
    ids = [entry.id for entry in graph.entries]
    context = (graph, Neighbourhood.of(graph))
    found = dict(zip(ids, mapper(_discover_job, context, ids), strict=True))
    cache.clear()
    cache.update({"structure": structure, "discover": found})
    return found


def _discover_job(context: tuple[SiteGraph, Neighbourhood], entry_id: str) -> tuple[str, ...]:
    graph, hood = context
    return discover_more(graph, entry_id, graph.config.discover_more, hood)


def _structure_digest(graph: SiteGraph) -> str:
    """Everything discover_more reads: edges, areas, titles and dates of every entry."""
    facts = [
        (
            e.id,
            graph.related.get(e.id, ()),
            graph.neighbours.get(e.id, ()),
            graph.entry_areas.get(e.id, ()),
            e.title,
            e.published.timestamp() if e.published else None,
        )
        for e in graph.entries
    ]
    payload = marshal.dumps((graph.config.discover_more, facts), 0)  # version 0: canonical
    return hashlib.blake2b(payload, digest_size=20).hexdigest()


AREA_WINDOW = 8  # entries either side of a page in each of its areas' newest-first lists
# a neighbour linked to more pages than this is a hub: it says little about similarity
HUB_DEGREE = 40


def discover_more(
    graph: SiteGraph, entry_id: str, limit: int, hood: Neighbourhood | None = None
) -> tuple[str, ...]:
    """Entries to recommend on a page, best first by `recommendation_score`, ties newest first.

    Candidates: the entries next to this one in each of its areas' newest-first lists, and
    the entries sharing two or more neighbours with it in the link graph (when that leaves
    too few: one neighbour, or any entry of its areas); never the page itself nor its
    related list.
    """
    if limit <= 0:
        return ()
    hood = hood or Neighbourhood.of(graph)
    excluded = {entry_id, *graph.related.get(entry_id, ())}
    common = _common_neighbours(graph, entry_id)
    candidates = _area_window(graph, hood, entry_id)
    candidates.update(m for m, count in common.items() if count > 1)
    candidates -= excluded
    if len(candidates) < limit:  # small areas or sparse links: widen to everything related
        candidates.update(common)
        for area_id in graph.entry_areas.get(entry_id, ()):
            candidates.update(graph.members.get(area_id, ()))
        candidates -= excluded
    area_sets, title_words, stamps = hood.area_sets, hood.title_words, hood.stamps
    areas, words = area_sets[entry_id], title_words[entry_id]

    def rank(candidate: str) -> tuple[float, float, str]:
        score = recommendation_score(
            len(areas & area_sets[candidate]),
            common.get(candidate, 0),
            _jaccard(words, title_words[candidate]),
        )
        return (-score, -stamps[candidate], candidate)

    return tuple(heapq.nsmallest(limit, candidates, key=rank))


def recommendation_score(shared_areas: int, common_neighbours: int, title_overlap: float) -> float:
    """3 per shared area + 2 per common neighbour + 2 x title word overlap (Jaccard, 0..1)."""
    return 3 * shared_areas + 2 * common_neighbours + 2 * title_overlap


def title_overlap(a: str, b: str) -> float:
    """Jaccard similarity of the two titles' word sets."""
    return _jaccard(frozenset(ref_key(a).split()), frozenset(ref_key(b).split()))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def _common_neighbours(graph: SiteGraph, entry_id: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    neighbours = graph.neighbours
    for n in neighbours.get(entry_id, ()):
        around = neighbours.get(n, ())
        if len(around) <= HUB_DEGREE:
            counts.update(around)  # counted in C: this is the hot loop of recommendations
    return counts


def _area_window(graph: SiteGraph, hood: Neighbourhood, entry_id: str) -> set[str]:
    found: set[str] = set()
    for area_id in graph.entry_areas.get(entry_id, ()):
        members = graph.members.get(area_id, ())
        at = hood.positions.get((area_id, entry_id), 0)
        found.update(members[max(0, at - AREA_WINDOW) : at + AREA_WINDOW + 1])
    return found

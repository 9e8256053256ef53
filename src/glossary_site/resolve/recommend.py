"""Discover More: recommendations computed from the graph, scored by one function."""

from __future__ import annotations

import functools
import hashlib
import heapq
import marshal
from collections import Counter
from collections.abc import Callable, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

from glossary_site.memo import kept_while_equal
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
            title_words={e.id: _title_words(e.title)[0] for e in entries},
            area_sets={e.id: frozenset(graph.entry_areas.get(e.id, ())) for e in entries},
        )


def recommendations(
    graph: SiteGraph, mapper: Mapper, cache: MutableMapping[str, Any]
) -> dict[str, tuple[str, ...]]:
    """Discover More for every entry; reused whole when the facts they read are unchanged
    (an edit to a page's text that adds no link keeps every list), recomputed only for the
    entries a changed title can reach when titles are all that changed.

    The cache keeps the digest of every fact but titles ("shape"), one short digest of each
    entry's title words in entry order ("words") and the lists ("discover")."""
    shape = _shape_digest(graph)
    words = _title_word_digests(graph)
    kept = cache.get("discover") if cache.get("shape") == shape else None
    if kept is not None and cache.get("words") == words:
        return {page_id: tuple(ids) for page_id, ids in kept.items()}
    hood = Neighbourhood.of(graph)
    ids = [entry.id for entry in graph.entries]
    if kept is not None and len(cache.get("words", ())) == len(words):
        changed = {i for i, old, new in zip(ids, cache["words"], words, strict=True) if old != new}
        reach = title_reach(graph, hood, changed)
        redo = [i for i in ids if i in reach]
    else:
        kept, redo = {}, ids
    context = (graph, hood)
    if len(redo) <= IN_PROCESS_MAX:  # a process pool costs more than it saves for these
        lists = [_discover_job(context, i) for i in redo]
    else:
        lists = mapper(_discover_job, context, redo)
    fresh = dict(zip(redo, lists, strict=True))
    found = {i: fresh[i] if i in fresh else tuple(kept[i]) for i in ids}
    cache.clear()
    cache.update({"shape": shape, "words": words, "discover": found})
    return found


IN_PROCESS_MAX = 1000  # entries to redo that are computed here rather than by the mapper


def _discover_job(context: tuple[SiteGraph, Neighbourhood], entry_id: str) -> tuple[str, ...]:
    graph, hood = context
    return discover_more(graph, entry_id, graph.config.discover_more, hood)


def _shape_digest(graph: SiteGraph) -> str:
    """Everything discover_more reads but titles: the setting, entries in order, their
    edges, areas and dates, and each area's members."""
    dates = [(e.id, e.published.timestamp() if e.published else None) for e in graph.entries]

    def digest() -> str:
        facts = [
            (
                entry_id,
                graph.related.get(entry_id, ()),
                graph.neighbours.get(entry_id, ()),
                graph.entry_areas.get(entry_id, ()),
                published,
            )
            for entry_id, published in dates
        ]
        members = sorted(graph.members.items())
        payload = marshal.dumps((graph.config.discover_more, facts, members), 0)  # canonical
        return hashlib.blake2b(payload, digest_size=20).hexdigest()

    inputs = (graph.config.discover_more, dates, graph.related, graph.neighbours)
    return kept_while_equal(_SHAPE, (*inputs, graph.entry_areas, graph.members), digest)


_SHAPE: list[Any] = []  # kept_while_equal's memo of the last shape digest


def _title_word_digests(graph: SiteGraph) -> list[str]:
    """Per entry, in entry order, a digest of the only thing of its title discover_more
    reads: its set of words (so a change of case or punctuation redoes nothing)."""
    return [_title_words(e.title)[1] for e in graph.entries]


@functools.lru_cache(maxsize=200_000)  # a process that rebuilds sees the same titles
def _title_words(title: str) -> tuple[frozenset[str], str]:
    """The words of a title as discover_more compares them, and a digest of them."""
    words = frozenset(ref_key(title).split())
    return words, hashlib.blake2b(" ".join(sorted(words)).encode(), digest_size=8).hexdigest()


def title_reach(graph: SiteGraph, hood: Neighbourhood, changed: set[str]) -> set[str]:
    """The entries whose Discover More can change when the titles of `changed` change and
    nothing else does: each of them and every entry that has one of them as a candidate.

    Titles enter discover_more only as the title words of the entry itself and of its
    candidates, and the candidates are chosen from titles-free facts, so an entry whose
    candidates hold no changed entry keeps its list. The candidates are computed only for
    the entries that may have a changed X among them (`_may_have_as_candidate`)."""
    limit = graph.config.discover_more
    if limit <= 0:  # every list is empty, whatever the titles
        return set()
    reach = set(changed)
    for entry_id in _may_have_as_candidate(graph, hood, changed) - reach:
        if not changed.isdisjoint(_candidates(graph, hood, entry_id, limit)[0]):
            reach.add(entry_id)
    return reach


def _may_have_as_candidate(graph: SiteGraph, hood: Neighbourhood, changed: set[str]) -> set[str]:
    """A superset of the entries E with a changed X among their candidates. X is one only if:
    - X is in E's area window, or E's candidates widened to all of its areas' members: both
      need an area of E whose members hold X; of those entries E, the ones whose window
      misses X are kept only when they may widen (see `_may_widen`);
    - X is counted twice or more among E's common neighbours, or once when E may widen:
      X is a neighbour of some non-hub n that is a neighbour of E (no symmetry assumed)."""
    found: set[str] = set()
    member_areas = {a for a, ids in graph.members.items() if not changed.isdisjoint(ids)}
    for entry_id, areas in graph.entry_areas.items():
        if member_areas.isdisjoint(areas):
            continue
        window = _area_window(graph, hood, entry_id)
        if not changed.isdisjoint(window) or _may_widen(graph, entry_id, window):
            found.add(entry_id)
    neighbours = graph.neighbours
    # the non-hubs n next to a changed X, with how often each X is among n's neighbours
    # (_common_neighbours counts repeats)
    bridges = {
        n: Counter(x for x in around if x in changed)
        for n, around in neighbours.items()
        if len(around) <= HUB_DEGREE and not changed.isdisjoint(around)
    }
    for entry_id, around in neighbours.items():
        if bridges.keys().isdisjoint(around):
            continue
        counts: Counter[str] = Counter()
        for n in around:
            counts.update(bridges.get(n, {}))
        if max(counts.values()) > 1 or _may_widen(
            graph, entry_id, _area_window(graph, hood, entry_id)
        ):
            found.add(entry_id)
    return found


def _may_widen(graph: SiteGraph, entry_id: str, window: set[str]) -> bool:
    """False when E's candidates surely reach the limit without widening: they always hold
    its area window less itself and its related list."""
    excluded = {entry_id, *graph.related.get(entry_id, ())}
    return len(window - excluded) < graph.config.discover_more


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
    candidates, common = _candidates(graph, hood, entry_id, limit)
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


def _candidates(
    graph: SiteGraph, hood: Neighbourhood, entry_id: str, limit: int
) -> tuple[set[str], Counter[str]]:
    """The entries discover_more ranks for a page (read no title), with its common
    neighbour counts."""
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
    return candidates, common


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

"""Stage 2, resolve: references -> one directed page graph (SiteGraph).

Front-matter references resolve through references.RefIndex; bodies are rendered here
because their links and mentions are edges of the graph; recommend.py adds Discover More.
Every piece is cached under the digests of what it reads.

About 380 lines, one idea: the graph's edges (references, bodies, backlinks, members),
each cached under the digests of what it reads.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

from glossary_site.errors import Problem
from glossary_site.load import LoadedSite
from glossary_site.markdown import (
    Resolution,
)
from glossary_site.memo import kept_while_equal
from glossary_site.model import Entry
from glossary_site.resolve.bodies import RenderedBodies, link_table, render_bodies, text_edited
from glossary_site.resolve.graph import SiteGraph, newest_first
from glossary_site.resolve.recommend import (
    Mapper,
    discover_more,
    recommendation_score,
    recommendations,
)
from glossary_site.resolve.redirects import redirects
from glossary_site.resolve.references import (
    BROKEN_TARGET,
    RefIndex,
    changed_lookup_keys,
    lookup_keys,
    plural_variants,
    ref_key,
)

__all__ = [  # the stage's public surface, including names other modules look up here
    "RefIndex",
    "ResolveResult",
    "SiteGraph",
    "discover_more",
    "link_table",
    "newest_first",
    "plural_variants",
    "recommendation_score",
    "ref_key",
    "resolve",
    "serial_map",
    "text_edit",
]


@dataclass(frozen=True, slots=True)
class ResolveResult:
    """The graph (None when errors prevent one) and every problem found."""

    graph: SiteGraph | None
    problems: tuple[Problem, ...]
    bodies: RenderedBodies | None = None  # what a later edit of text alone starts from
    names: str = ""  # the digest of the site's names the bodies were rendered under


def serial_map(fn: Callable[[Any, Any], Any], context: Any, items: Sequence[Any]) -> list[Any]:
    """The default mapper: one item after another in this process."""
    return [fn(context, item) for item in items]


def resolve(
    site: LoadedSite,
    bodies_memo: MutableMapping[str, Any] | None = None,
    mapper: Mapper = serial_map,
    graph_memo: MutableMapping[str, Any] | None = None,
) -> ResolveResult:
    """Resolve every reference and link of a loaded site into a SiteGraph.

    `bodies_memo` caches rendered bodies by body key; `graph_memo` caches the reference
    index, resolved front-matter references and recommendations, each with the digest of
    what it was computed from.
    """
    names = _names_digest(site)
    cached = graph_memo if graph_memo is not None else {}
    before = cached.get("index")
    index = _index(site, names, cached)
    problems: list[Problem] = []
    reusable = _reusable_refs(cached.get("references"), before, index, names)
    entry_areas, related = _front_matter_refs(site, index, names, cached, problems, reusable)
    rendered, body_problems = render_bodies(
        site, index, names, bodies_memo if bodies_memo is not None else {}, mapper, cached
    )
    problems += body_problems
    graph = _graph(site, entry_areas, related, rendered)
    discover = recommendations(graph, mapper, cached.setdefault("recommendations", {}))
    moved = redirects([*site.areas, *site.entries], problems)
    graph = dataclasses.replace(
        graph, discover=discover, summaries=rendered.summaries, redirects=moved
    )
    return ResolveResult(graph, tuple(problems), rendered, names)


def text_edit(
    graph: SiteGraph,
    bodies: RenderedBodies,
    names: str,
    site: LoadedSite,
    ids: Sequence[str],
    bodies_memo: MutableMapping[str, Any],
) -> tuple[SiteGraph, RenderedBodies] | None:
    """The graph (and bodies) after edits to the text of these entries, each still the
    page it was otherwise (`site`: the site after the edits): their bodies rendered again,
    every edge kept. None when an edited body links to other pages or mentions other
    areas than before (backlinks, neighbours and Discover More may change: the site is
    resolved whole) or has a problem."""
    rendered = text_edited(bodies, site, ids, names, bodies_memo)
    if rendered is None:
        return None
    pages = dict(graph.pages)
    pages.update((e.id, e) for e in site.entries if e.id in ids)
    updated = dataclasses.replace(
        graph,
        entries=site.entries,
        pages=pages,
        bodies=rendered.bodies,
        body_keys=rendered.digests,
        summaries=rendered.summaries,
    )
    return updated, rendered


def _index(site: LoadedSite, names: str, cache: MutableMapping[str, Any]) -> RefIndex:
    """The reference index: a function of the site's names alone, so cached under them."""
    stored = cache.get("index", {})
    if stored.get("names") == names:
        return RefIndex.from_state(stored["state"])
    index = RefIndex([*site.areas, *site.entries], site.drafts, site.broken)
    cache["index"] = {"names": names, "state": index.state()}
    return index


def _front_matter_refs(
    site: LoadedSite,
    index: RefIndex,
    names: str,
    cache: MutableMapping[str, Any],
    problems: list[Problem],
    reusable: Callable[[Entry], Any],
) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """Each entry's `areas` and `related`, resolved; the last build's result is reused
    where `reusable` gives it."""
    found: dict[str, Any] = {}
    entry_areas, related = {}, {}
    for entry in site.entries:
        result = reusable(entry)
        if result is None:
            found_problems: list[Problem] = []
            result = (
                _resolve_refs(entry, entry.areas, index.resolve_area, found_problems),
                _resolve_refs(entry, entry.related, index.resolve, found_problems, "related"),
                tuple(_problem_record(p) for p in found_problems),
            )
        found[entry.digest + entry.id] = result
        entry_areas[entry.id], related[entry.id] = tuple(result[0]), tuple(result[1])
        problems += [Problem.from_fields(p) for p in result[2]]
    cache["references"] = {"names": names, "entries": found}
    return entry_areas, related


def _reusable_refs(
    previous: Any, before: Any, index: RefIndex, names: str
) -> Callable[[Entry], Any]:
    """The last build's resolved references of an unchanged file (or None): all of them
    under the same names; under other names (a title or alias changed, a page came or
    went), those of references that resolved without a problem and read none of the
    index entries that changed (`lookup_keys`). Nothing when the index they were
    resolved with is not the one before this build's."""
    if not isinstance(previous, dict) or not isinstance(previous.get("entries"), dict):
        return lambda entry: None
    known = previous["entries"]
    if previous.get("names") == names:
        return lambda entry: known.get(entry.digest + entry.id)
    changed = _changed_keys(before, previous.get("names"), index)
    if changed is None:
        return lambda entry: None

    def unchanged(entry: Entry) -> Any:
        result = known.get(entry.digest + entry.id)
        if result is None or result[2]:  # a problem's suggestions read every name
            return None
        return result if changed.isdisjoint(_read_keys(entry)) else None

    return unchanged


def _read_keys(entry: Entry) -> frozenset[str]:
    """The lookup keys an entry's `areas` and `related` read, made once per page file a
    process sees (a retitle asks for those of 10,000 unchanged entries)."""
    if not entry.digest:
        return _keys_of(entry)
    memo = entry.digest + entry.id
    found = _READ_KEYS.get(memo)
    if found is None:
        if len(_READ_KEYS) > 200_000:
            _READ_KEYS.clear()
        found = _READ_KEYS[memo] = _keys_of(entry)
    return found


def _keys_of(entry: Entry) -> frozenset[str]:
    return frozenset(k for ref in (*entry.areas, *entry.related) for k in _lookup_keys(ref.text))


_READ_KEYS: dict[str, frozenset[str]] = {}  # by page file digest and id


def _changed_keys(before: Any, names: Any, index: RefIndex) -> set[str] | None:
    """The index entries that differ from those the last references were resolved with,
    or None when that index is not known (the cache is untrusted: a malformed one too)."""
    if not isinstance(before, dict) or before.get("names") != names:
        return None
    try:
        return changed_lookup_keys(before["state"], index.state())
    except (TypeError, ValueError, KeyError, AttributeError, IndexError):
        return None


_lookup_keys = functools.lru_cache(maxsize=100_000)(lookup_keys)  # by a reference's text


def _problem_record(problem: Problem) -> tuple[Any, ...]:
    return (
        problem.path,
        problem.line,
        problem.message,
        problem.code,
        problem.severity,
        problem.suggestions,
    )


def _resolve_refs(
    entry: Entry,
    refs: Iterable[Any],
    lookup: Callable[[str], Resolution],
    problems: list[Problem],
    field: str = "areas",
) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for ref in refs:
        result = lookup(ref.text)
        if result.code == BROKEN_TARGET:
            continue
        if result.target is None:
            problems.append(
                Problem(
                    entry.path,
                    ref.line,
                    f"{field}: {result.message}",
                    result.code,
                    suggestions=result.suggestions,
                )
            )
        elif result.target == entry.id:
            problems.append(
                Problem(
                    entry.path,
                    ref.line,
                    f"{field}: '{ref.text}' is this page itself",
                    "self-reference",
                    "warning",
                )
            )
        else:
            found.setdefault(result.target, None)
    return tuple(found)


def _names_digest(site: LoadedSite) -> str:
    """Everything outside a page that resolving its references or rendering its body reads:
    every id, title and alias, which are drafts or broken, the base path, and what decides
    which names auto-link (targets, `auto_link: always`, the site's auto-link settings)."""
    config = site.config
    digest = hashlib.blake2b(digest_size=20)
    digest.update(config.base_path.encode())
    digest.update(repr((config.auto_link_areas, config.auto_link_exclude)).encode())
    for label, pages in (("published", [*site.areas, *site.entries]), ("drafts", site.drafts)):
        digest.update(f"\0{label}\0".encode())
        for page in sorted(pages, key=lambda p: p.id):
            linking = (page.auto_link == "always", page.auto_link_target)
            digest.update(repr((page.id, page.title, page.aliases, linking)).encode())
    digest.update(repr(sorted(site.broken)).encode())
    return digest.hexdigest()


# -------------------------------------------------------------------- build


def _graph(
    site: LoadedSite,
    entry_areas: dict[str, tuple[str, ...]],
    related: dict[str, tuple[str, ...]],
    rendered: RenderedBodies,
) -> SiteGraph:
    bodies, sections, table = rendered.bodies, rendered.sections, rendered.table
    entries = {e.id: e for e in site.entries}
    links = {pid: tuple(t for t in body.links if t in table.hrefs) for pid, body in bodies.items()}
    for area_id, parts in sections.items():
        links[area_id] = tuple(dict.fromkeys(t for part in parts for t in part.links))
    backlinks, neighbours = _edges_around(entries, related, links)
    members = _members(site.entries, entry_areas)
    glossary = {
        eid: glossary_box(entry_areas[eid], bodies[eid].areas_mentioned, members) for eid in entries
    }
    return SiteGraph(
        config=site.config,
        areas=site.areas,
        entries=site.entries,
        pages={p.id: p for p in [*site.areas, *site.entries]},
        bodies=bodies,
        body_keys=rendered.digests,
        area_sections=sections,
        related=related,
        entry_areas=entry_areas,
        glossary=glossary,
        links=links,
        backlinks=backlinks,
        members=members,
        neighbours=neighbours,
        hrefs=dict(table.hrefs),
    )


_EDGES: list[Any] = []  # kept_while_equal's memo of the last graph's edges


def _edges_around(
    entries: dict[str, Entry],
    related: dict[str, tuple[str, ...]],
    links: dict[str, tuple[str, ...]],
) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """Every page's backlinks and every entry's neighbours."""

    def derived() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
        backlinks = _backlinks(related, links)
        return backlinks, _neighbours(entries, related, links, backlinks)

    return kept_while_equal(_EDGES, (tuple(entries), related, links), derived)


GLOSSARY_MENTIONED = 3  # areas a body mentions that the Glossary box adds at most
GLOSSARY_MAX = 10  # areas in a Glossary box at most


def glossary_box(
    own: Sequence[str], mentioned: Sequence[str], members: dict[str, tuple[str, ...]]
) -> tuple[str, ...]:
    """The areas of an entry's Glossary box: its own areas first, then at most three that
    its body mentions, the most specific (fewest members) first, ten in all at most."""
    chosen = dict.fromkeys(own)
    extra = [a for a in dict.fromkeys(mentioned) if a not in chosen]
    order = {area: n for n, area in enumerate(extra)}
    extra.sort(key=lambda a: (len(members.get(a, ())), order[a]))
    chosen.update(dict.fromkeys(extra[:GLOSSARY_MENTIONED]))
    return tuple(chosen)[:GLOSSARY_MAX]


def _backlinks(
    related: dict[str, tuple[str, ...]], links: dict[str, tuple[str, ...]]
) -> dict[str, tuple[str, ...]]:
    incoming: dict[str, set[str]] = defaultdict(set)
    for edges in (related, links):
        for source, targets in edges.items():
            for target in targets:
                if target != source:
                    incoming[target].add(source)
    return {target: tuple(sorted(sources)) for target, sources in incoming.items()}


def _members(
    entries: Sequence[Entry], entry_areas: dict[str, tuple[str, ...]]
) -> dict[str, tuple[str, ...]]:
    grouped: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        for area_id in entry_areas[entry.id]:
            grouped[area_id].append(entry)
    return {a: tuple(e.id for e in sorted(group, key=newest_first)) for a, group in grouped.items()}


def _neighbours(
    entries: dict[str, Entry],
    related: dict[str, tuple[str, ...]],
    links: dict[str, tuple[str, ...]],
    backlinks: dict[str, tuple[str, ...]],
) -> dict[str, tuple[str, ...]]:
    result = {}
    for eid in entries:
        around = [*related.get(eid, ()), *links.get(eid, ()), *backlinks.get(eid, ())]
        result[eid] = tuple(sorted({n for n in around if n in entries and n != eid}))
    return result

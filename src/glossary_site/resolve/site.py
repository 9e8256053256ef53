"""Stage 2, resolve: references -> one directed page graph (SiteGraph).

Front-matter references resolve through references.RefIndex; bodies are rendered here
because their links and mentions are edges of the graph; recommend.py adds Discover More.
Every piece is cached under the digests of what it reads.

About 380 lines, one idea: the graph's edges (references, bodies, backlinks, members),
each cached under the digests of what it reads.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

import ahocorasick

from glossary_site import urls
from glossary_site.errors import Problem
from glossary_site.load import LoadedSite
from glossary_site.markdown import (
    LinkTable,
    Options,
    RenderedBody,
    Resolution,
    name_key,
    name_target,
)
from glossary_site.markdown import body as markdown
from glossary_site.model import Area, Entry, Page, SiteConfig
from glossary_site.resolve.files import SiteFiles, seen_unchanged, site_files
from glossary_site.resolve.graph import SiteGraph, newest_first
from glossary_site.resolve.recommend import (
    Mapper,
    discover_more,
    recommendation_score,
    recommendations,
)
from glossary_site.resolve.redirects import redirects
from glossary_site.resolve.references import BROKEN_TARGET, RefIndex, plural_variants, ref_key

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
]

KIND_RANK = {urls.TERM: 0, urls.DEFINITION: 1, urls.AREA: 2}


@dataclass(frozen=True, slots=True)
class ResolveResult:
    """The graph (None when errors prevent one) and every problem found."""

    graph: SiteGraph | None
    problems: tuple[Problem, ...]


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
    index = _index(site, names, cached)
    problems: list[Problem] = []
    entry_areas, related = _front_matter_refs(site, index, names, cached, problems)
    bodies, sections, body_keys, table, summaries = _render_bodies(
        site, index, names, bodies_memo if bodies_memo is not None else {}, mapper, problems
    )
    graph = _graph(site, table, entry_areas, related, bodies, sections, body_keys)
    discover = recommendations(graph, mapper, cached.setdefault("recommendations", {}))
    moved = redirects([*site.areas, *site.entries], problems)
    graph = dataclasses.replace(graph, discover=discover, summaries=summaries, redirects=moved)
    return ResolveResult(graph, tuple(problems))


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
) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """Each entry's `areas` and `related`, resolved; reused for unchanged files while no
    title, alias or slug of the site changed (`names`)."""
    previous = cache.get("references", {})
    if previous.get("names") != names:
        previous = {}
    known = previous.get("entries", {})
    found: dict[str, Any] = {}
    entry_areas, related = {}, {}
    for entry in site.entries:
        key = entry.digest + entry.id
        result = known.get(key)
        if result is None:
            found_problems: list[Problem] = []
            result = (
                _resolve_refs(entry, entry.areas, index.resolve_area, found_problems),
                _resolve_refs(entry, entry.related, index.resolve, found_problems, "related"),
                tuple(_problem_record(p) for p in found_problems),
            )
        found[key] = result
        entry_areas[entry.id], related[entry.id] = tuple(result[0]), tuple(result[1])
        problems += [Problem.from_fields(p) for p in result[2]]
    cache["references"] = {"names": names, "entries": found}
    return entry_areas, related


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


def link_table(
    site: LoadedSite, index: RefIndex, with_names: bool = True, files: SiteFiles | None = None
) -> LinkTable:
    """Everything bodies need to link to other pages (auto-linking needs `with_names`)
    and to the site's files."""
    base = site.config.base_path
    pages = [*site.areas, *site.entries]
    return LinkTable(
        resolver=index,
        hrefs={p.id: urls.href(base, urls.page_path(p.kind, p.slug)) for p in pages},
        titles={p.id: p.title for p in pages},
        paths={urls.page_path(p.kind, p.slug): p.id for p in pages},
        names=_name_automaton(pages, site.config) if with_names else None,
        base_path=base,
        files=files if files is not None else site_files(site),
    )


def _name_automaton(pages: Sequence[Page], config: SiteConfig) -> Any:
    """One Aho-Corasick automaton of every title and alias, built once per build.

    Every name is there (area mentions feed the Glossary box); only names of pages that
    may be targets (`_is_target`) and not in `auto_link_exclude` lead to a link."""
    titles: dict[str, list[tuple[Page, str]]] = defaultdict(list)
    aliases: dict[str, list[tuple[Page, str]]] = defaultdict(list)
    for page in pages:
        titles[name_key(page.title)].append((page, page.title))
        for alias in page.aliases:
            aliases[name_key(alias)].append((page, alias))
    excluded = {name_key(name) for name in config.auto_link_exclude}
    automaton = ahocorasick.Automaton()
    for key in sorted(set(titles) | set(aliases)):
        if len(key) < 2:
            continue
        named = titles.get(key) or aliases[key]
        every = [*titles.get(key, []), *aliases.get(key, [])]
        areas = tuple(sorted({p.id for p, _ in every if p.kind == urls.AREA}))
        targets = [p for p, _ in named if _is_target(p, config)]
        target = None if key in excluded or not targets else _link_target(targets)
        spellings = [(text, p.auto_link == "always") for p, text in every]
        automaton.add_word(key, name_target(key, spellings, target, areas))
    if len(automaton) == 0:
        return None
    automaton.make_automaton()
    return automaton


def _is_target(page: Page, config: SiteConfig) -> bool:
    if page.kind == urls.AREA and not config.auto_link_areas:
        return False
    return page.auto_link_target


def _link_target(named: list[Page]) -> str | None:
    best = min(KIND_RANK[p.kind] for p in named)
    preferred = [p for p in named if KIND_RANK[p.kind] == best]
    return preferred[0].id if len(preferred) == 1 else None


# ------------------------------------------------------------------- bodies


@dataclass(frozen=True, slots=True)
class _BodyJob:
    page_id: str
    sections: tuple[markdown.Section, ...]
    options: Options


def _render_job(table: LinkTable, job: _BodyJob) -> list[RenderedBody]:
    return markdown.render_sections(job.sections, table, job.options)


def _render_bodies(
    site: LoadedSite,
    index: RefIndex,
    names: str,
    memo: MutableMapping[str, Any],
    mapper: Mapper,
    problems: list[Problem],
) -> tuple[
    dict[str, RenderedBody],
    dict[str, tuple[RenderedBody, ...]],
    dict[str, str],
    LinkTable,
    dict[str, str],
]:
    pages = [*site.areas, *site.entries]
    keys = {page.id: _body_key(page, site.config, names) for page in pages}
    files = site_files(site)
    missing = [
        _body_job(page, site)
        for page in pages
        if keys[page.id] not in memo or not seen_unchanged(memo[keys[page.id]], files)
    ]
    # the automaton of names is only worth building when something renders
    table = link_table(site, index, with_names=bool(missing), files=files)
    if missing:
        for job, rendered in zip(missing, mapper(_render_job, table, missing), strict=True):
            memo[keys[job.page_id]] = tuple(part.record() for part in rendered)
    bodies: dict[str, RenderedBody] = {}
    sections: dict[str, tuple[RenderedBody, ...]] = {}
    summaries: dict[str, str] = {}
    for page in pages:
        rendered = [RenderedBody.from_record(part) for part in memo[keys[page.id]]]
        keys[page.id] = _with_files(keys[page.id], rendered)
        for part in rendered:
            problems += [
                Problem(
                    page.path, page.body_line + p.line, p.message, p.code, suggestions=p.suggestions
                )
                for p in part.problems
            ]
        if page.kind == urls.AREA:
            sections[page.id] = tuple(rendered)
        elif len(rendered) == 2:  # the body, then its summary's Markdown: one page, one set
            body, summary = rendered
            links = tuple(dict.fromkeys((*body.links, *summary.links)))
            areas = tuple(dict.fromkeys((*body.areas_mentioned, *summary.areas_mentioned)))
            bodies[page.id] = dataclasses.replace(body, links=links, areas_mentioned=areas)
            summaries[page.id] = summary.html
        else:
            bodies[page.id] = rendered[0]
    return bodies, sections, keys, table, summaries


def _body_key(page: Page, config: SiteConfig, names: str) -> str:
    """What a body's HTML depends on: its file (digest), the switches, and the site's names."""
    options = _options(page, config)
    text = (
        f"{names}\0{page.id}\0{page.digest}\0{config.allow_html}\0{options.auto_link}"
        f"\0{options.auto_link_max}"
    )
    return hashlib.blake2b(text.encode(), digest_size=20).hexdigest()


def _with_files(key: str, rendered: Sequence[RenderedBody]) -> str:
    """A body's key as pages see it: the same body text shows a different image size
    when the file changed, so the files it saw are part of it."""
    files = [seen for part in rendered for seen in part.files]
    if not files:
        return key
    return hashlib.blake2b(f"{key}\0{files!r}".encode(), digest_size=20).hexdigest()


def _options(page: Page, config: SiteConfig) -> Options:
    auto = config.auto_link if page.auto_link is None else bool(page.auto_link)
    limit = config.auto_link_max if page.auto_link_max is None else page.auto_link_max
    return Options(page.id, config.allow_html, auto, limit)


def _body_job(page: Page, site: LoadedSite) -> _BodyJob:
    options = _options(page, site.config)
    if isinstance(page, Area):
        # the area page gives each facet's section the facet's slug as its id
        anchors = tuple(urls.slugify(f.name) for f in page.facets)
        options = dataclasses.replace(options, page_ids=anchors)
        facets = [
            markdown.Section(f.markdown, f.line - page.body_line, 3, want_text=True)
            for f in page.facets
        ]
        return _BodyJob(page.id, (markdown.Section(page.intro), *facets), options)
    body = markdown.Section(site.texts[page.id])
    assert isinstance(page, Entry)
    if not markdown.has_markup(page.summary_markdown):
        return _BodyJob(page.id, (body,), options)
    offset = page.summary_line - page.body_line
    summary = markdown.Section(page.summary_markdown, offset, inline=True)
    return _BodyJob(page.id, (body, summary), options)


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
    table: LinkTable,
    entry_areas: dict[str, tuple[str, ...]],
    related: dict[str, tuple[str, ...]],
    bodies: dict[str, RenderedBody],
    sections: dict[str, tuple[RenderedBody, ...]],
    body_keys: dict[str, str],
) -> SiteGraph:
    entries = {e.id: e for e in site.entries}
    links = {pid: tuple(t for t in body.links if t in table.hrefs) for pid, body in bodies.items()}
    for area_id, parts in sections.items():
        links[area_id] = tuple(dict.fromkeys(t for part in parts for t in part.links))
    backlinks = _backlinks(related, links)
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
        body_keys=body_keys,
        area_sections=sections,
        related=related,
        entry_areas=entry_areas,
        glossary=glossary,
        links=links,
        backlinks=backlinks,
        members=members,
        neighbours=_neighbours(entries, related, links, backlinks),
        hrefs=dict(table.hrefs),
    )


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

"""Stage 2, resolve: references -> one directed page graph.

A reference, as an author writes it (`related`, `areas`, `[[wiki links]]`), resolves in
this order: exact `kind/slug`; a slug that names exactly one page; a title or alias,
compared case-insensitively, ignoring punctuation and a plural "s"/"es". Bodies are
rendered here because their links and mentions are edges of the graph.
"""

from __future__ import annotations

import dataclasses
import hashlib
import heapq
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import ahocorasick
from rapidfuzz import fuzz, process, utils

from . import markdown, urls
from .config import SiteConfig
from .errors import Problem
from .load import LoadedSite
from .markdown import LinkTable, NameTarget, Options, RenderedBody, Resolution
from .model import Area, Entry, Page

KIND_RANK = {urls.TERM: 0, urls.DEFINITION: 1, urls.AREA: 2}
BROKEN_TARGET = "broken-target"
_SLUG_LIKE = re.compile(r"[a-z0-9][a-z0-9-]*")
Mapper = Callable[[Callable[[Any, Any], Any], Any, Sequence[Any]], list[Any]]


def ref_key(text: str) -> str:
    """How references compare: case-folded words without punctuation."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.findall(r"[^\W_]+", text))


def plural_variants(key: str) -> list[str]:
    """The key with its last word made singular or plural ("ratio" <-> "ratios", "-es")."""
    variants = [key + "s", key + "es"]
    if key.endswith("es"):
        variants.append(key[:-2])
    if key.endswith("s"):
        variants.append(key[:-1])
    return [v for v in variants if v]


class RefIndex:
    """Looks references up; picklable, so workers can resolve wiki links."""

    def __init__(self, pages: Iterable[Page], drafts: Iterable[Page], broken: Iterable[str] = ()):
        self.pages = _Lookup(pages)
        self.drafts = _Lookup(drafts)
        self.broken = frozenset(broken)
        self._choices: dict[str, list[tuple[str, str]]] = {}

    def state(self) -> tuple[Any, ...]:
        """The index as builtin values, for the build cache."""
        return (self.pages.state(), self.drafts.state(), self.broken)

    @classmethod
    def from_state(cls, state: tuple[Any, ...]) -> RefIndex:
        """The inverse of `state`."""
        index = cls((), ())
        index.pages, index.drafts = _Lookup.from_state(state[0]), _Lookup.from_state(state[1])
        index.broken = frozenset(state[2])
        return index

    def resolve(self, text: str) -> Resolution:
        """Resolve a related entry or wiki link: entries first, then areas."""
        return self._resolve(text, (urls.TERM, urls.DEFINITION), (urls.AREA,))

    def resolve_area(self, text: str) -> Resolution:
        """Resolve an item of an entry's `areas` list: areas only."""
        return self._resolve(text, (urls.AREA,))

    def _resolve(self, text: str, *scopes: tuple[str, ...]) -> Resolution:
        text = text.strip()
        found = self.pages.find(text, scopes)
        if found.target or found.message:
            return found
        draft = self.drafts.find(text, scopes)
        if draft.target:
            return Resolution(
                None,
                message=f"'{text}' refers to the draft {draft.target}; "
                "publish it or build with --drafts",
                code="draft-reference",
            )
        if self._names_broken_page(text, scopes):
            return Resolution(None, code=BROKEN_TARGET)  # that file's own error is reported
        suggestions = self.suggest(text, scopes)
        hint = f"; did you mean {_quoted_list(suggestions)}?" if suggestions else ""
        return Resolution(
            None,
            message=f"'{text}' does not match any page{hint}",
            code="unresolved-reference",
            suggestions=suggestions,
        )

    def _names_broken_page(self, text: str, scopes: Sequence[tuple[str, ...]]) -> bool:
        kinds = {k for scope in scopes for k in scope}
        qualified = _qualified(text)
        if qualified:
            return qualified in self.broken
        slug = urls.normalize_slug(text.strip())
        return any(f"{kind}/{slug}" in self.broken for kind in kinds)

    def suggest(
        self,
        text: str,
        scopes: Sequence[tuple[str, ...]] = ((urls.TERM, urls.DEFINITION, urls.AREA),),
    ) -> tuple[str, ...]:
        """Up to three references close to `text`, ranked by rapidfuzz, written in its style."""
        kinds = tuple(k for scope in scopes for k in scope)
        choices = self._choices_for(kinds)
        matches = process.extract(
            text,
            [c for c, _ in choices],
            scorer=fuzz.WRatio,
            processor=utils.default_process,
            limit=12,
            score_cutoff=60,
        )
        picked: dict[str, str] = {}
        for choice, _score, index in matches:
            picked.setdefault(choices[index][1], choice)
            if len(picked) == 3:
                break
        return tuple(self._styled(text, page_id, name) for page_id, name in picked.items())

    def _styled(self, text: str, page_id: str, name: str) -> str:
        if "/" in text and _qualified(text):
            return page_id
        if _SLUG_LIKE.fullmatch(text.strip()):
            slug = page_id.split("/", 1)[1]
            return slug if len(self.pages.slugs.get(slug, [])) == 1 else page_id
        return self.pages.names[page_id][0] if name == page_id else name

    def _choices_for(self, kinds: tuple[str, ...]) -> list[tuple[str, str]]:
        key = ",".join(kinds)
        if key not in self._choices:
            self._choices[key] = self.pages.choices(kinds)
        return self._choices[key]


class _Lookup:
    """The three lookup tables of a set of pages."""

    def __init__(self, pages: Iterable[Page]):
        self.ids: dict[str, str] = {}
        self.slugs: dict[str, list[str]] = defaultdict(list)
        self.titles: dict[str, list[str]] = defaultdict(list)
        self.aliases: dict[str, list[str]] = defaultdict(list)
        self.names: dict[str, tuple[str, tuple[str, ...]]] = {}
        for page in sorted(pages, key=lambda p: p.id):
            self.ids[page.id] = page.kind
            self.slugs[page.slug].append(page.id)
            self.titles[ref_key(page.title)].append(page.id)
            for alias in page.aliases:
                self.aliases[ref_key(alias)].append(page.id)
            self.names[page.id] = (page.title, page.aliases)

    def state(self) -> tuple[Any, ...]:
        return (self.ids, dict(self.slugs), dict(self.titles), dict(self.aliases), self.names)

    @classmethod
    def from_state(cls, state: tuple[Any, ...]) -> _Lookup:
        lookup = cls(())
        ids, slugs, titles, aliases, names = state
        lookup.ids = ids
        lookup.slugs.update(slugs)
        lookup.titles.update(titles)
        lookup.aliases.update(aliases)
        lookup.names = names
        return lookup

    def find(self, text: str, scopes: Sequence[tuple[str, ...]]) -> Resolution:
        qualified = _qualified(text)
        if qualified in self.ids:
            kind = self.ids[qualified]
            if any(kind in scope for scope in scopes):
                return Resolution(qualified, via="id")
            allowed = " or ".join(k for scope in scopes for k in scope)
            return Resolution(
                None,
                message=f"'{text}' is a {kind}; only {allowed} pages belong here",
                code="wrong-kind",
            )
        for scope in scopes:
            hit = self._unique(text, self.slugs.get(urls.normalize_slug(text), []), scope, "slug")
            if hit.target or hit.message:
                return hit
        key = ref_key(text)
        for scope in scopes:
            for candidates in (self.titles, self.aliases):
                for variant in [key, *plural_variants(key)]:
                    hit = self._unique(text, candidates.get(variant, []), scope, "name")
                    if hit.target or hit.message:
                        return hit
        return Resolution(None)

    def _unique(self, text: str, ids: list[str], scope: tuple[str, ...], via: str) -> Resolution:
        ids = [i for i in ids if self.ids[i] in scope]
        if len(ids) == 1:
            return Resolution(ids[0], via=via)
        if len(ids) > 1:
            return Resolution(
                None,
                message=f"'{text}' is ambiguous: it names "
                f"{_quoted_list(ids, 'and')}; write one of them",
                code="ambiguous-reference",
                suggestions=tuple(ids),
            )
        return Resolution(None)

    def choices(self, kinds: tuple[str, ...]) -> list[tuple[str, str]]:
        out = []
        for page_id, kind in self.ids.items():
            if kind not in kinds:
                continue
            title, aliases = self.names[page_id]
            out += [(page_id, page_id), (title, page_id)] + [(a, page_id) for a in aliases]
        return out


def _qualified(text: str) -> str:
    kind, sep, slug = text.strip().strip("/").partition("/")
    return f"{kind}/{urls.normalize_slug(slug)}" if sep and kind in urls.KINDS else ""


def _quoted_list(items: Sequence[str], last: str = "or") -> str:
    quoted = [f"'{item}'" for item in items]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} {last} {quoted[-1]}"


# -------------------------------------------------------------------- graph


@dataclass(frozen=True, slots=True)
class SiteGraph:
    """Pages and every resolved edge between them; what the renderer draws from."""

    config: SiteConfig
    areas: tuple[Area, ...]
    entries: tuple[Entry, ...]
    pages: dict[str, Page]
    bodies: dict[str, RenderedBody]
    body_keys: dict[str, str]
    area_sections: dict[str, tuple[RenderedBody, ...]]
    related: dict[str, tuple[str, ...]]
    entry_areas: dict[str, tuple[str, ...]]
    glossary: dict[str, tuple[str, ...]]
    links: dict[str, tuple[str, ...]]
    backlinks: dict[str, tuple[str, ...]]
    members: dict[str, tuple[str, ...]]
    positions: dict[tuple[str, str], int]
    neighbours: dict[str, tuple[str, ...]]
    hrefs: dict[str, str]
    stamps: dict[str, float]
    title_words: dict[str, frozenset[str]]
    area_sets: dict[str, frozenset[str]]
    discover: dict[str, tuple[str, ...]] = field(default_factory=dict)


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
    memo: MutableMapping[str, Any] | None = None,
    mapper: Mapper = serial_map,
    recommendations: MutableMapping[str, Any] | None = None,
) -> ResolveResult:
    """Resolve every reference and link of a loaded site into a SiteGraph.

    `memo` caches rendered bodies; `recommendations` caches the Discover More lists
    together with the digest of the graph structure they were computed from.
    """
    names = _names_digest(site)
    cached = recommendations if recommendations is not None else {}
    index = _index(site, names, cached)
    problems: list[Problem] = []
    entry_areas, related = _front_matter_refs(site, index, names, cached, problems)
    bodies, sections, body_keys = _render_bodies(
        site, index, names, memo if memo is not None else {}, mapper, problems
    )
    table = link_table(site, index, with_names=False)
    graph = _graph(site, table, entry_areas, related, bodies, sections, body_keys)
    discover = _recommendations(graph, mapper, cached.setdefault("recommendations", {}))
    return ResolveResult(dataclasses.replace(graph, discover=discover), tuple(problems))


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
        problems += [Problem(*p) for p in result[2]]
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


def link_table(site: LoadedSite, index: RefIndex, with_names: bool = True) -> LinkTable:
    """Everything bodies need to link to other pages (auto-linking needs `with_names`)."""
    base = site.config.base_path
    pages = [*site.areas, *site.entries]
    return LinkTable(
        resolver=index,
        hrefs={p.id: urls.href(base, urls.page_path(p.kind, p.slug)) for p in pages},
        titles={p.id: p.title for p in pages},
        paths={urls.page_path(p.kind, p.slug): p.id for p in pages},
        names=_name_automaton(pages) if with_names else None,
        base_path=base,
    )


def _name_automaton(pages: Sequence[Page]) -> Any:
    """One Aho-Corasick automaton of every title and alias, built once per build."""
    titles: dict[str, list[Page]] = defaultdict(list)
    aliases: dict[str, list[Page]] = defaultdict(list)
    for page in pages:
        titles[markdown.name_key(page.title)].append(page)
        for alias in page.aliases:
            aliases[markdown.name_key(alias)].append(page)
    automaton = ahocorasick.Automaton()
    for key in sorted(set(titles) | set(aliases)):
        if len(key) < 2:
            continue
        named = titles.get(key) or aliases[key]
        areas = tuple(
            sorted(
                {p.id for p in [*titles.get(key, []), *aliases.get(key, [])] if p.kind == urls.AREA}
            )
        )
        automaton.add_word(key, NameTarget(len(key), _link_target(named), areas))
    if len(automaton) == 0:
        return None
    automaton.make_automaton()
    return automaton


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
) -> tuple[dict[str, RenderedBody], dict[str, tuple[RenderedBody, ...]], dict[str, str]]:
    pages = [*site.areas, *site.entries]
    keys = {page.id: _body_key(page, site.config, names) for page in pages}
    missing = [_body_job(page, site.config) for page in pages if keys[page.id] not in memo]
    if missing:  # the automaton of names is only worth building when something renders
        table = link_table(site, index)
        for job, rendered in zip(missing, mapper(_render_job, table, missing), strict=True):
            memo[keys[job.page_id]] = tuple(part.record() for part in rendered)
    bodies: dict[str, RenderedBody] = {}
    sections: dict[str, tuple[RenderedBody, ...]] = {}
    for page in pages:
        rendered = [RenderedBody.from_record(part) for part in memo[keys[page.id]]]
        for part in rendered:
            problems += [
                Problem(
                    page.path, page.body_line + p.line, p.message, p.code, suggestions=p.suggestions
                )
                for p in part.problems
            ]
        if page.kind == urls.AREA:
            sections[page.id] = tuple(rendered)
        else:
            bodies[page.id] = rendered[0]
    return bodies, sections, keys


def _body_key(page: Page, config: SiteConfig, names: str) -> str:
    """What a body's HTML depends on: its file (digest), the switches, and the site's names."""
    auto = config.auto_link if page.auto_link is None else page.auto_link
    text = f"{names}\0{page.id}\0{page.digest}\0{config.allow_html}\0{auto}"
    return hashlib.blake2b(text.encode(), digest_size=20).hexdigest()


def _body_job(page: Page, config: SiteConfig) -> _BodyJob:
    auto = config.auto_link if page.auto_link is None else page.auto_link
    options = Options(page.id, config.allow_html, auto)
    if isinstance(page, Area):
        facets = [markdown.Section(f.markdown, f.line - page.body_line, 3) for f in page.facets]
        return _BodyJob(page.id, (markdown.Section(page.intro), *facets), options)
    return _BodyJob(page.id, (markdown.Section(page.body),), options)


def _names_digest(site: LoadedSite) -> str:
    """Everything outside a page that resolving its references or rendering its body reads:
    every id, title and alias, which are drafts or broken, and the base path."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(site.config.base_path.encode())
    for label, pages in (("published", [*site.areas, *site.entries]), ("drafts", site.drafts)):
        digest.update(f"\0{label}\0".encode())
        for page in sorted(pages, key=lambda p: p.id):
            digest.update(repr((page.id, page.title, page.aliases)).encode())
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
        eid: tuple(dict.fromkeys([*entry_areas[eid], *bodies[eid].areas_mentioned]))
        for eid in entries
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
        positions={(a, e): i for a, ids in members.items() for i, e in enumerate(ids)},
        neighbours=_neighbours(entries, related, links, backlinks),
        hrefs=dict(table.hrefs),
        stamps={eid: e.published.timestamp() for eid, e in entries.items()},
        title_words={eid: frozenset(ref_key(e.title).split()) for eid, e in entries.items()},
        area_sets={eid: frozenset(entry_areas[eid]) for eid in entries},
    )


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


def newest_first(page: Page) -> tuple:
    """Sort key: newest published first, then by id for a stable order."""
    return (-page.published.timestamp(), page.id)


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


# ----------------------------------------------------------- recommendations


def _recommendations(
    graph: SiteGraph, mapper: Mapper, cache: MutableMapping[str, Any]
) -> dict[str, tuple[str, ...]]:
    """Discover More for every entry; reused whole when the structure they read is unchanged
    (an edit to a page's text that adds no link keeps every list)."""
    structure = _structure_digest(graph)
    if cache.get("structure") == structure:
        return {page_id: tuple(ids) for page_id, ids in cache["discover"].items()}
    ids = [entry.id for entry in graph.entries]
    found = dict(zip(ids, mapper(_discover_job, graph, ids), strict=True))
    cache.clear()
    cache.update({"structure": structure, "discover": found})
    return found


def _discover_job(graph: SiteGraph, entry_id: str) -> tuple[str, ...]:
    return discover_more(graph, entry_id, graph.config.discover_more)


def _structure_digest(graph: SiteGraph) -> str:
    """Everything discover_more reads: edges, areas, dates and title words of every entry."""
    digest = hashlib.blake2b(repr(graph.config.discover_more).encode(), digest_size=20)
    for entry in graph.entries:
        eid = entry.id
        digest.update(
            repr(
                (
                    eid,
                    graph.related.get(eid),
                    graph.neighbours.get(eid),
                    graph.entry_areas.get(eid),
                    graph.stamps[eid],
                    sorted(graph.title_words[eid]),
                )
            ).encode()
        )
    return digest.hexdigest()


AREA_WINDOW = 8  # entries either side of a page in each of its areas' newest-first lists
# a neighbour linked to more pages than this is a hub: it says little about similarity
HUB_DEGREE = 40


def discover_more(graph: SiteGraph, entry_id: str, limit: int) -> tuple[str, ...]:
    """Entries to recommend on a page, best first by `recommendation_score`, ties newest first.

    Candidates: the entries next to this one in each of its areas' newest-first lists, and
    the entries sharing two or more neighbours with it in the link graph (when that leaves
    too few: one neighbour, or any entry of its areas); never the page itself nor its
    related list.
    """
    if limit <= 0:
        return ()
    excluded = {entry_id, *graph.related.get(entry_id, ())}
    common = _common_neighbours(graph, entry_id)
    candidates = _area_window(graph, entry_id)
    candidates.update(m for m, count in common.items() if count > 1)
    candidates -= excluded
    if len(candidates) < limit:  # small areas or sparse links: widen to everything related
        candidates.update(common)
        for area_id in graph.entry_areas.get(entry_id, ()):
            candidates.update(graph.members.get(area_id, ()))
        candidates -= excluded
    areas, words = graph.area_sets[entry_id], graph.title_words[entry_id]
    area_sets, title_words, stamps = graph.area_sets, graph.title_words, graph.stamps

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


def _area_window(graph: SiteGraph, entry_id: str) -> set[str]:
    found: set[str] = set()
    for area_id in graph.entry_areas.get(entry_id, ()):
        members = graph.members.get(area_id, ())
        at = graph.positions.get((area_id, entry_id), 0)
        found.update(members[max(0, at - AREA_WINDOW) : at + AREA_WINDOW + 1])
    return found

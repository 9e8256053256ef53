"""`glossary check`: load and resolve without writing, then look for what authors should fix.

Errors (unresolved, ambiguous and draft references, broken links, invalid content) come
from the stages themselves; this module adds warnings about the graph: near-duplicate
names, orphans, empty areas, entries without areas. Self-references are warned about
by resolve.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from glossary_site.commands.build import BuildOptions, analyse
from glossary_site.commands.new import PLACEHOLDER
from glossary_site.errors import ContentError, Problem
from glossary_site.load import scan_site
from glossary_site.model import Page
from glossary_site.resolve import SiteGraph, ref_key
from glossary_site.write import BuildCache, collector_paused


@dataclass(frozen=True, slots=True)
class CheckOptions:
    """What to check and how strictly."""

    drafts: bool = False
    strict: bool = False
    similarity: int | None = None  # near-duplicate threshold; site.yaml's when None
    use_cache: bool = True
    jobs: int = 0


def check(root: Path, options: CheckOptions = CheckOptions()) -> tuple[Problem, ...]:
    """Every finding for the site under `root`: errors, then warnings, each by file and line."""
    with collector_paused():
        cache = BuildCache(root.resolve()) if options.use_cache else BuildCache.disabled()
        try:
            return _check(root.resolve(), options, cache)
        except Exception:
            if cache.folder is None or not cache.was_read():
                raise  # no cached value took part: a bug of ours
            cache.clear()  # a forged cache (its checksums held): check without it
            return _check(root.resolve(), options, BuildCache(root.resolve()))


def _check(root: Path, options: CheckOptions, cache: BuildCache) -> tuple[Problem, ...]:
    cache.prefetch()  # the graph and the bodies, read in another process while this one scans
    try:
        analysis = analyse(
            scan_site(root),
            BuildOptions(drafts=options.drafts, jobs=options.jobs),
            cache,
            keep_going=True,
        )
        problems = list(analysis.problems)
        threshold = options.similarity or analysis.graph.config.duplicate_similarity
        problems += graph_findings(analysis.graph, threshold)
    except ContentError as exc:
        problems = list(exc.problems)
    finally:
        cache.stop_prefetch()
        cache.save()
    if options.strict:
        problems = [p.as_error() for p in problems]
    return tuple(sorted(set(problems), key=errors_first))


def errors_first(problem: Problem) -> tuple[bool, Problem]:
    """Sort key: every error, by file and line, then every warning."""
    return (problem.severity != "error", problem)


def graph_findings(graph: SiteGraph, threshold: int) -> list[Problem]:
    """Warnings about the shape of the graph."""
    return [
        *near_duplicates(graph, threshold),
        *orphans(graph),
        *empty_areas(graph),
        *entries_without_areas(graph),
        *date_findings(graph),
        *placeholders(graph),
    ]


def near_duplicates(graph: SiteGraph, threshold: int) -> list[Problem]:
    """Entries whose titles or aliases are nearly the same, unless one aliases the other.

    Names are compared with rapidfuzz's ratio within blocks of names sharing their first
    or their last word, so the work grows with block sizes, not with all pairs.
    """
    names = _names(graph.entries)
    blocks: dict[str, list[int]] = defaultdict(list)
    for index, (key, _, _) in enumerate(names):
        words = key.split()
        blocks["first:" + words[0]].append(index)
        blocks["last:" + words[-1]].append(index)
    pairs: dict[tuple[str, str], tuple[int, int, float]] = {}
    for members in blocks.values():
        _compare_block(names, members, threshold, pairs)
    return [
        _duplicate_problem(graph, names, a, b, score)
        for a, b, score in sorted(
            pairs.values(), key=lambda p: (names[p[1]][1].path, names[p[0]][1].path)
        )
    ]


def _names(entries: Iterable[Page]) -> list[tuple[str, Page, str]]:
    out = []
    for entry in sorted(entries, key=lambda e: e.path):
        for name in (entry.title, *entry.aliases):
            key = ref_key(name)
            if key:
                out.append((key, entry, name))
    return out


def _compare_block(
    names: list[tuple[str, Page, str]],
    members: list[int],
    threshold: int,
    pairs: dict[tuple[str, str], tuple[int, int, float]],
) -> None:
    if len(members) < 2:
        return
    keys = [names[i][0] for i in members]
    for position, i in enumerate(members):
        matches = process.extract(
            keys[position], keys, scorer=fuzz.ratio, score_cutoff=threshold, limit=None
        )
        for _, score, other in matches:
            j = members[other]
            a, b = names[min(i, j)], names[max(i, j)]
            if a[1].id == b[1].id or _aliased(a[1], b[1]):
                continue
            pair = tuple(sorted((a[1].id, b[1].id)))
            if pair not in pairs or score > pairs[pair][2]:
                pairs[pair] = (min(i, j), max(i, j), score)


def _aliased(a: Page, b: Page) -> bool:
    a_aliases = {ref_key(x) for x in a.aliases}
    b_aliases = {ref_key(x) for x in b.aliases}
    return ref_key(b.title) in a_aliases or ref_key(a.title) in b_aliases


def _duplicate_problem(
    graph: SiteGraph, names: list[tuple[str, Page, str]], first: int, second: int, score: float
) -> Problem:
    _, original, original_name = names[first]
    _, later, later_name = names[second]
    if later.path < original.path:
        original, later, original_name, later_name = later, original, later_name, original_name
    key = "title" if later_name == later.title else f"aliases.{later.aliases.index(later_name)}"
    return Problem(
        later.path,
        later.line_of(key),
        f"'{later_name}' is nearly the same as '{original_name}' ({original.path}, "
        f"{score:.0f}% similar): merge them, or list one as an alias of the other",
        "near-duplicate",
        "warning",
        (original.id,),
    )


def orphans(graph: SiteGraph) -> list[Problem]:
    """Entries that nothing links to and that belong to no area: readers cannot find them."""
    return [
        Problem(
            e.path, 1, "orphan: no page links here and it belongs to no area", "orphan", "warning"
        )
        for e in graph.entries
        if not graph.backlinks.get(e.id) and not graph.entry_areas.get(e.id)
    ]


def empty_areas(graph: SiteGraph) -> list[Problem]:
    """Areas that no entry names."""
    return [
        Problem(
            a.path,
            1,
            "area has no entries: no term or definition lists it in 'areas'",
            "empty-area",
            "warning",
        )
        for a in graph.areas
        if not graph.members.get(a.id)
    ]


def entries_without_areas(graph: SiteGraph) -> list[Problem]:
    """Entries that name no area: they appear on no area page."""
    return [
        Problem(
            e.path,
            e.line_of("areas"),
            "entry belongs to no area; add 'areas: [...]'",
            "no-areas",
            "warning",
        )
        for e in graph.entries
        if not graph.entry_areas.get(e.id)
    ]


def date_findings(graph: SiteGraph) -> list[Problem]:
    """Pages without a date (none written, none in git), and updates dated before the
    page was published: both build, but readers and search engines see odd dates."""
    found = []
    for page in [*graph.areas, *graph.entries]:
        if page.published is None:
            found.append(
                Problem(
                    page.path,
                    1,
                    "page has no date: add 'published', or commit it to git; it is listed "
                    "after dated pages and shows no date",
                    "undated",
                    "warning",
                )
            )
        elif page.modified is not None and page.modified < page.published:
            found.append(
                Problem(
                    page.path,
                    page.line_of("modified"),
                    f"'modified' ({page.modified.isoformat()}) is earlier than 'published' "
                    f"({page.published.isoformat()})",
                    "modified-before-published",
                    "warning",
                )
            )
    return found


def placeholders(graph: SiteGraph) -> list[Problem]:
    """Summaries and area facets still holding the placeholder `glossary new` wrote."""
    found = [
        Problem(e.path, e.line_of("summary"), _unwritten("summary"), "placeholder", "warning")
        for e in graph.entries
        if e.summary.startswith(PLACEHOLDER)
    ]
    found += [
        Problem(a.path, f.line, _unwritten(f"'{f.name}' facet"), "placeholder", "warning")
        for a in graph.areas
        for f in a.facets
        if f.markdown.lstrip().startswith(PLACEHOLDER)
    ]
    return found


def _unwritten(what: str) -> str:
    return f"the {what} is still the {PLACEHOLDER} placeholder from `glossary new`; write it"

"""Which files a site has: one Job per output, and the path each writes. Pure."""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from math import ceil
from typing import Any

from glossary_site import urls
from glossary_site.memo import kept_while_equal
from glossary_site.render.search import part_path, search_jobs
from glossary_site.resolve import SiteGraph

SITEMAP_LIMIT = 50_000  # URLs per sitemap file, the protocol's limit


@dataclass(frozen=True, slots=True)
class Job:
    """One output file to produce."""

    kind: str
    key: str = ""
    number: int = 0


@dataclass(frozen=True, slots=True)
class Letter:
    """One letter of a kind's A-Z index: its heading, URL code and ids in A-Z order."""

    letter: str
    code: str
    ids: tuple[str, ...]


def plan(graph: SiteGraph) -> list[Job]:
    """Every output of the site, biggest first so parallel workers finish together."""
    return search_part_jobs(graph) + page_jobs(graph)


def search_part_jobs(graph: SiteGraph) -> list[Job]:
    """The parts of the search index, the first outputs of `plan`."""
    return [Job(*part) for part in search_jobs(graph)]


def page_jobs(graph: SiteGraph) -> list[Job]:
    """The outputs of `plan` after the search index: what needs no search index."""
    jobs = [Job("feed"), Job("home"), Job("not_found"), Job("robots")]
    jobs += [Job("index", kind) for kind in urls.KINDS]
    letter_jobs = [Job("letter", key, n) for key, n in letter_pages(graph)]
    pages: list[Job] = []
    areas = sorted(graph.areas, key=lambda a: -len(graph.members.get(a.id, ())))
    for area in areas:
        pages.append(Job("area", area.id))
        pages += [Job("resource", area.id, n) for n in range(1, resource_pages(graph, area.id) + 1)]
        pages.append(Job("area_feed", area.id))
    pages += [Job("entry", entry.id) for entry in graph.entries]
    for entry in graph.entries:
        pages += [Job("links", entry.id, n) for n in range(1, links_pages(graph, entry.id) + 1)]
    # the sitemap lists the home page, the indexes and these pages (sitemap_files)
    listed = 1 + len(urls.KINDS) + len(letter_jobs) + sum(j.kind != "area_feed" for j in pages)
    jobs += letter_jobs
    jobs += [Job("sitemap", "", n) for n in range(sitemap_count(listed))]
    jobs += pages
    jobs += [Job("redirect", old) for old in sorted(graph.redirects)]
    if graph.redirects:
        jobs.append(Job("redirects"))
    return jobs


# ------------------------------------------------------------ A-Z indexes

_MEMO: dict[str, Any] = {}  # the last graph's letters: computed once, before workers fork


@functools.lru_cache(maxsize=1_000_000)  # a process that builds again sorts the same titles
def sort_title(title: str) -> str:
    """Éclair sorts with the E's: accents are dropped for the order, not for display."""
    decomposed = unicodedata.normalize("NFKD", title)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def first_letter(title: str) -> str:
    """The A-Z heading of a title: its first letter without accents, or '#'."""
    first = unicodedata.normalize("NFKD", title.strip()[:1] or "#")[:1].upper()
    return first if first.isalpha() else "#"


def letter_code(letter: str) -> str:
    """The URL and anchor part of a letter heading ('#' is '0')."""
    return "0" if letter == "#" else urls.slugify(letter)


def kind_pages(graph: SiteGraph, kind: str) -> list[Any]:
    """The pages an A-Z index of `kind` lists, in graph order."""
    return list(graph.areas) if kind == urls.AREA else [e for e in graph.entries if e.kind == kind]


def letters(graph: SiteGraph, kind: str) -> tuple[Letter, ...]:
    """A kind's pages grouped by first letter, letters and members in A-Z order."""
    memo = _MEMO.get("letters")
    if memo is None or memo[0] is not graph:
        memo = _MEMO["letters"] = (graph, {})
    found: dict[str, tuple[Letter, ...]] = memo[1]
    if kind not in found:
        pages = sorted(kind_pages(graph, kind), key=lambda p: (sort_title(p.title), p.id))
        groups: dict[str, list[str]] = {}
        for p in pages:
            groups.setdefault(first_letter(p.title), []).append(p.id)
        order = sorted(groups, key=lambda g: (g == "#", not g.isascii(), g))
        found[kind] = tuple(Letter(g, letter_code(g), tuple(groups[g])) for g in order)
    return found[kind]


def index_split(graph: SiteGraph, kind: str) -> bool:
    """Whether a kind's A-Z index is split into letter pages (more pages than fit one)."""
    return sum(len(g.ids) for g in letters(graph, kind)) > graph.config.index_page_size


def letter_count(graph: SiteGraph, letter: Letter) -> int:
    """How many pages a letter of a split index takes."""
    return ceil(len(letter.ids) / graph.config.index_page_size)


def letter_pages(graph: SiteGraph) -> list[tuple[str, int]]:
    """(kind/code, page number) of every letter page of every split index."""
    return [
        (f"{kind}/{g.code}", n)
        for kind in urls.KINDS
        if index_split(graph, kind)
        for g in letters(graph, kind)
        for n in range(1, letter_count(graph, g) + 1)
    ]


def letter_page_path(graph: SiteGraph, key: str, number: int) -> str:
    """Site path of a letter page; nested when a page of the kind (or a redirect) has the
    code as slug, or as the folder its slug is in (`definition/c/css`)."""
    kind, code = key.split("/", 1)
    return urls.letter_path(kind, code, number, nested=key in taken_paths(graph))


def parent_pages(graph: SiteGraph, page_id: str) -> tuple[str, ...]:
    """The pages of the folders a nested page is in, outermost first: `definition/block`
    for `definition/block/css` when the folder `block` has its own page."""
    parts = page_id.split("/")
    above = ("/".join(parts[:n]) for n in range(2, len(parts)))
    return tuple(p for p in above if p in graph.pages)


def taken_paths(graph: SiteGraph) -> frozenset[str]:
    """Every page id and redirect, and each folder on the way of a nested one
    (`definition/block/css` takes `definition/block` too)."""
    memo = _MEMO.get("taken")
    if memo is not None and memo[0] is graph:
        return memo[1]
    taken = set()
    for page_id in [*graph.pages, *graph.redirects]:
        parts = page_id.split("/")
        taken.update("/".join(parts[:n]) for n in range(2, len(parts) + 1))
    _MEMO["taken"] = (graph, frozenset(taken))
    return _MEMO["taken"][1]


def letter_slice(graph: SiteGraph, key: str, number: int) -> tuple[Letter, tuple[str, ...]]:
    """The letter of a letter page and the ids that page lists."""
    kind, code = key.split("/", 1)
    letter = next(g for g in letters(graph, kind) if g.code == code)
    size = graph.config.index_page_size
    return letter, letter.ids[(number - 1) * size : number * size]


# ------------------------------------------------------- What links here


def shown_backlinks(graph: SiteGraph, entry_id: str) -> tuple[str, ...]:
    """The terms and definitions linking to an entry, alphabetically by id."""
    memo = _MEMO.get("backlinks")
    if memo is None or memo[0] is not graph:
        # the last graph's, for a process that builds again: most backlinks are as they were
        memo = _MEMO["backlinks"] = (graph, {}, memo[1] if memo is not None else {})
    found: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = memo[1]
    if entry_id not in found:
        every = graph.backlinks.get(entry_id, ())
        last = memo[2].get(entry_id)
        if last is not None and last[0] == every:
            found[entry_id] = last
        else:
            found[entry_id] = (every, tuple(b for b in every if not b.startswith("area/")))
    return found[entry_id][1]


def links_pages(graph: SiteGraph, entry_id: str) -> int:
    """How many "What links here" pages an entry has: none unless its backlinks exceed
    the `referenced_by` setting."""
    return links_page_count(graph.config, len(shown_backlinks(graph, entry_id)))


def links_page_count(config: Any, backlinks: int) -> int:
    """How many "What links here" pages an entry with this many backlinks has."""
    return 0 if backlinks <= config.referenced_by else ceil(backlinks / config.per_page)


def resource_pages(graph: SiteGraph, area_id: str) -> int:
    """How many /resource/<n>/ pages an area has: none unless its list exceeds per_page."""
    return resource_page_count(graph.config, len(graph.members.get(area_id, ())))


def resource_page_count(config: Any, members: int) -> int:
    """How many /resource/<n>/ pages an area with this many members has."""
    return ceil(members / config.per_page) if members > config.per_page else 0


def sitemap_files(graph: SiteGraph) -> int:
    """1 sitemap, or an index plus one file per SITEMAP_LIMIT URLs."""
    count = (
        1
        + len(urls.KINDS)
        + len(letter_pages(graph))
        + len(graph.entries)
        + sum(links_pages(graph, e.id) for e in graph.entries)
        + sum(1 + resource_pages(graph, area.id) for area in graph.areas)
    )
    return sitemap_count(count)


def sitemap_count(count: int) -> int:
    """How many sitemap files list this many URLs."""
    return 1 if count <= SITEMAP_LIMIT else 1 + ceil(count / SITEMAP_LIMIT)


def sitemap_paths(graph: SiteGraph) -> list[tuple[str, str]]:
    """Every page's site path with its last modification (ISO 8601), in sitemap order.

    A process that builds again (glossary serve) keeps the last list while what it is made
    of is equal: pages' ids, slugs and dates (with their offsets, which equal instants
    ignore), the letter pages, areas' members, backlinks, redirects and settings. A
    retitle changes none of them, and comparing costs a tenth of making the list."""
    pages = [*graph.areas, *graph.entries]
    dates = [(p.id, p.slug, p.modified, p.modified and p.modified.utcoffset()) for p in pages]
    inputs = (graph.config, dates, letter_pages(graph), graph.members, graph.backlinks)
    return kept_while_equal(_SITEMAP, (*inputs, graph.redirects), lambda: _sitemap_paths(graph))


_SITEMAP: list[Any] = []  # kept_while_equal's memo of the last sitemap list


def _sitemap_paths(graph: SiteGraph) -> list[tuple[str, str]]:
    stamp = _lastmod([p.modified for p in graph.pages.values()])
    found = [("", stamp)] + [(urls.index_path(k), stamp) for k in urls.KINDS]
    found += [(letter_page_path(graph, key, n), stamp) for key, n in letter_pages(graph)]
    for area in graph.areas:
        members = graph.members.get(area.id, ())
        lastmod = _lastmod([area.modified, *(graph.pages[m].modified for m in members)])
        found.append((urls.page_path(area.kind, area.slug), lastmod))
        for n in range(1, resource_pages(graph, area.id) + 1):
            found.append((urls.resource_path(area.slug, n), lastmod))
    for e in graph.entries:
        found.append((urls.page_path(e.kind, e.slug), _lastmod([e.modified])))
        if pages := links_pages(graph, e.id):
            when = _lastmod([graph.pages[b].modified for b in shown_backlinks(graph, e.id)])
            found += [(urls.links_path(e.kind, e.slug, n), when) for n in range(1, pages + 1)]
    return found


def _lastmod(moments: list[datetime | None]) -> str:
    """The newest of some dates as ISO 8601, or "" when all are undated (no <lastmod>)."""
    dated = [m for m in moments if m is not None]
    return max(dated).isoformat(timespec="seconds") if dated else ""


def job_path(graph: SiteGraph, job: Job) -> str:
    """The output path a job writes."""
    pages = graph.pages
    match job.kind:
        case "entry" | "area":
            page = pages[job.key]
            return urls.output_file(urls.page_path(page.kind, page.slug))
        case "redirect":
            kind, slug = job.key.split("/", 1)
            return urls.output_file(urls.page_path(kind, slug))
        case "resource":
            return urls.output_file(urls.resource_path(pages[job.key].slug, job.number))
        case "area_feed":
            return urls.area_feed_path(pages[job.key].slug)
        case "index":
            return urls.output_file(urls.index_path(job.key))
        case "letter":
            return urls.output_file(letter_page_path(graph, job.key, job.number))
        case "links":
            page = pages[job.key]
            return urls.output_file(urls.links_path(page.kind, page.slug, job.number))
        case "home":
            return urls.output_file("")
        case "sitemap":
            return urls.SITEMAP if job.number == 0 else f"sitemap-{job.number}.xml"
        case "search" | "search_titles" | "search_words" | "search_docs":
            return part_path(job.kind, job.key, job.number)
    return {
        "not_found": urls.NOT_FOUND,
        "robots": urls.ROBOTS,
        "feed": urls.FEED,
        "redirects": urls.REDIRECTS,
    }[job.kind]

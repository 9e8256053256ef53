"""What each page shows, as plain data for its template, and the inputs it is made from.

Every page kind has two functions. `inputs` gathers cheaply everything the page depends
on besides the site settings and templates: its own digests, and the ids of what it
lists with digests of their cards. `view` builds the template context from those inputs
only. The renderer hashes the inputs; equal inputs give an equal page, so a warm build
computes inputs for every page but views only for pages that changed.
"""

from __future__ import annotations

import hashlib
import marshal
import unicodedata
from collections.abc import Callable, Iterable, MutableMapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from . import jsonld, urls
from .config import SiteConfig
from .markdown import first_sentence
from .model import Author, Image
from .outputs import SITEMAP_LIMIT, Job, job_path, resource_pages, sitemap_files, sitemap_paths
from .resolve import SiteGraph, newest_first

HOME_LISTS = 12
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
Inputs = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class View:
    """What a job renders: a template (or a JSON document when None) and its context."""

    path: str
    template: str | tuple[str, ...] | None
    context: dict[str, Any]


@dataclass
class ViewContext:
    """The graph plus per-process memos of the cards many pages share."""

    graph: SiteGraph
    _cards: dict[str, dict[str, Any]] = field(default_factory=dict)
    _area_cards: dict[str, dict[str, Any]] = field(default_factory=dict)
    _digests: dict[str, bytes] = field(default_factory=dict)

    @property
    def config(self) -> SiteConfig:
        """The site settings."""
        return self.graph.config

    def url(self, path: str) -> str:
        """Absolute URL of a site path."""
        return urls.absolute(self.config.base_url, path)

    def href(self, path: str) -> str:
        """Root-relative link to a site path."""
        return urls.href(self.config.base_path, path)

    def card(self, entry_id: str) -> dict[str, Any]:
        """What lists show of an entry."""
        if entry_id not in self._cards:
            self._cards[entry_id] = _entry_card(self, self.graph.pages[entry_id])
        return self._cards[entry_id]

    def area_card(self, area_id: str) -> dict[str, Any]:
        """What lists show of an area: its first facet as "Facet ⎊ first sentence"."""
        if area_id not in self._area_cards:
            self._area_cards[area_id] = _area_card(self, area_id)
        return self._area_cards[area_id]

    def card_digest(self, page_id: str) -> bytes:
        """A digest of the card of a page (entry or area): it changes when the card does."""
        if page_id not in self._digests:
            card = self.area_card(page_id) if page_id.startswith("area/") else self.card(page_id)
            # version 0 writes no back-references, so equal cards give equal bytes
            self._digests[page_id] = hashlib.blake2b(
                marshal.dumps(card, 0), digest_size=16
            ).digest()
        return self._digests[page_id]

    def prepare(self, memo: MutableMapping[str, bytes]) -> None:
        """Compute every card digest once, before workers fork, reusing those of pages whose
        card inputs did not change since the last build (`memo`, kept by the caller)."""
        graph = self.graph
        used: dict[str, bytes] = {}
        for page in [*graph.areas, *graph.entries]:
            key = _card_key(graph, page)
            digest = memo.get(key)
            if digest is None:
                digest = self.card_digest(page.id)
            used[key] = self._digests[page.id] = digest
        memo.clear()
        memo.update(used)

    def listed(self, ids: Iterable[str]) -> tuple[tuple[str, bytes], ...]:
        """Ids with the digests of their cards: the inputs of a list on a page."""
        return tuple((i, self.card_digest(i)) for i in ids)


# -------------------------------------------------------------------- cards


def _card_key(graph: SiteGraph, page: Any) -> str:
    """What a card is made of besides the site settings: the page's file, the image size
    read from static/, and for areas their first facet's text and member count."""
    if page.kind == urls.AREA:
        return (
            f"{page.digest}|{page.image!r}|{graph.body_keys[page.id]}|"
            f"{len(graph.members.get(page.id, ()))}"
        )
    return f"{page.digest}|{page.image!r}"


def _date(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _image(ctx: ViewContext, image: Image | None, title: str) -> dict[str, Any] | None:
    if image is None:
        return None
    remote = urls.is_remote(image.src)
    return {
        "src": image.src if remote else ctx.href(image.src),
        "url": image.src if remote else ctx.url(image.src),
        "width": image.width,
        "height": image.height,
        "alt": image.caption or title,
        "caption": image.caption,
    }


def _author(author: Author) -> dict[str, Any]:
    return {"name": author.name, "url": author.url}


def _entry_card(ctx: ViewContext, page: Any) -> dict[str, Any]:
    sep = ctx.config.title_separator
    label = urls.LABELS[page.kind]
    path = urls.page_path(page.kind, page.slug)
    return {
        "id": page.id,
        "kind": page.kind,
        "kind_label": label,
        "title": page.title,
        "headline": f"{page.title}{sep}{label}",
        "summary": page.summary,
        "meaning": f"Meaning{sep}{page.summary}{sep}{label}",
        "href": ctx.href(path),
        "url": ctx.url(path),
        "published": _date(page.published),
        "modified": _date(page.modified),
        "published_day": page.published.date().isoformat(),
        "modified_day": page.modified.date().isoformat(),
        "image": _image(ctx, page.image, page.title),
        "author": _author(page.author or ctx.config.site_author),
        "aliases": list(page.aliases),
    }


def _area_card(ctx: ViewContext, area_id: str) -> dict[str, Any]:
    area = ctx.graph.pages[area_id]
    path = urls.page_path(area.kind, area.slug)
    first = area.facets[0]
    sentence = first_sentence(ctx.graph.area_sections[area_id][1].text)
    return {
        "id": area_id,
        "title": area.title,
        "href": ctx.href(path),
        "url": ctx.url(path),
        "facet": first.name,
        "sentence": sentence,
        "teaser": f"{first.name}{ctx.config.title_separator}{sentence}",
        "kind_label": urls.LABELS[urls.AREA],
        "aliases": list(area.aliases),
        "count": len(ctx.graph.members.get(area_id, ())),
        "image": _image(ctx, area.image, area.title),
        "published": _date(area.published),
        "modified": _date(area.modified),
    }


# ------------------------------------------------------------ page frames


def _site(ctx: ViewContext) -> dict[str, Any]:
    config = ctx.config
    return {
        "name": config.name,
        "language": config.language,
        "description": config.description,
        "separator": config.title_separator,
        "home": ctx.href(""),
        "assets": ctx.href(urls.ASSETS),
        "feed": ctx.href(urls.FEED),
        "search_index": ctx.href(urls.SEARCH_INDEX),
        "nav": [
            {"label": urls.PLURALS[k], "href": ctx.href(urls.index_path(k))} for k in urls.KINDS
        ],
    }


def _page(
    ctx: ViewContext,
    job: Job,
    *,
    title: str,
    description: str,
    path: str,
    trail: list[tuple[str, str]],
    blocks: list[dict[str, Any]],
    extra: dict[str, Any],
    template: str | tuple[str, ...],
    image: dict[str, Any] | None = None,
    alternates: tuple[dict[str, str], ...] = (),
) -> View:
    pager = extra.get("pager", {})
    return View(
        job_path(ctx.graph, job),
        template,
        {
            "site": _site(ctx),
            "page": {
                "title": title,
                "description": description,
                "canonical": ctx.url(path),
                "image": image["url"] if image else None,
                "kind": job.kind,
                "prev": pager.get("prev"),
                "next": pager.get("next"),
                "alternates": list(alternates),
            },
            "breadcrumbs": [{"name": name, "href": ctx.href(p)} for name, p in trail],
            "jsonld": [jsonld.dumps(block) for block in blocks],
            **extra,
        },
    )


def _common_blocks(ctx: ViewContext, trail: list[tuple[str, str]]) -> list[dict[str, Any]]:
    config = ctx.config
    return [
        jsonld.breadcrumbs([(name, ctx.url(p)) for name, p in trail]),
        jsonld.website(config.name, config.base_url, config.language),
    ]


def _ids(listed: tuple[tuple[str, bytes], ...]) -> list[str]:
    return [page_id for page_id, _ in listed]


# ---------------------------------------------------------- term, definition


def entry_inputs(ctx: ViewContext, job: Job) -> Inputs:
    """An entry page depends on itself and on the cards it lists."""
    graph = ctx.graph
    page = graph.pages[job.key]
    related = [r for r in graph.related.get(page.id, ()) if not r.startswith("area/")]
    backlinks = [b for b in graph.backlinks.get(page.id, ()) if not b.startswith("area/")]
    return (
        page.digest,
        graph.body_keys[page.id],
        ctx.card_digest(page.id),
        ctx.listed(related),
        ctx.listed(graph.glossary.get(page.id, ())),
        ctx.listed(graph.discover.get(page.id, ())),
        ctx.listed(backlinks),
    )


def entry_view(ctx: ViewContext, job: Job, inputs: Inputs) -> View:
    """A term or definition page."""
    *_, related, glossary_ids, discover, backlinks = inputs
    graph = ctx.graph
    page = graph.pages[job.key]
    card = ctx.card(page.id)
    config = ctx.config
    path = urls.page_path(page.kind, page.slug)
    set_path = urls.index_path(page.kind)
    trail = [("Home", ""), (card["kind_label"], set_path), (page.title, path)]
    glossary = [ctx.area_card(a) for a in _ids(glossary_ids)]
    blocks = [
        *_common_blocks(ctx, trail),
        jsonld.article(card, config.name),
        jsonld.mentions(card["url"], glossary),
        jsonld.defined_term(card, ctx.url(set_path), f"{config.name} {urls.PLURALS[page.kind]}"),
    ]
    entry = {
        **card,
        "index_href": ctx.href(set_path),
        "body_html": graph.bodies[page.id].html,
        "related": [ctx.card(r) for r in _ids(related)],
        "glossary": glossary,
        "discover": [ctx.card(d) for d in _ids(discover)],
        "backlinks": [ctx.card(b) for b in _ids(backlinks)],
    }
    return _page(
        ctx,
        job,
        title=f"{page.title}{config.title_separator}{card['kind_label']}",
        description=page.summary,
        path=path,
        trail=trail,
        blocks=blocks,
        extra={"entry": entry},
        template=(f"{page.kind}.html", "entry.html"),
        image=card["image"],
    )


# ------------------------------------------------------------------- areas


def area_inputs(ctx: ViewContext, job: Job) -> Inputs:
    """An area page (number 0) or resource page depends on the area and its listed slice."""
    graph = ctx.graph
    area = graph.pages[job.key]
    members = graph.members.get(area.id, ())
    per_page, n = ctx.config.per_page, job.number
    listed = members if n == 0 else members[(n - 1) * per_page : n * per_page]
    return (
        area.digest,
        graph.body_keys[area.id],
        ctx.card_digest(area.id),
        n,
        resource_pages(graph, area.id),
        len(members),
        ctx.listed(listed),
    )


def area_view(ctx: ViewContext, job: Job, inputs: Inputs) -> View:
    """An area page, or one of its /resource/<n>/ pages."""
    *_, n, pages, total, listed = inputs
    graph, config = ctx.graph, ctx.config
    area = graph.pages[job.key]
    sep = config.title_separator
    cards = [ctx.card(m) for m in _ids(listed)]
    area_path = urls.page_path(area.kind, area.slug)
    path = area_path if n == 0 else urls.resource_path(area.slug, n)
    trail = [("Home", ""), ("Area", urls.index_path(urls.AREA)), (area.title, area_path)]
    if n:
        trail.append((f"Resource {n}", path))
    title = f"{area.title}{sep}Area{sep}" + (f"Resource {n}" if n else config.name)
    sections = graph.area_sections[area.id]
    facets = [
        {
            "name": f.name,
            "question": config.faq(f.name, area.title),
            "anchor": urls.slugify(f.name),
            "html": part.html,
            "text": part.text,
        }
        for f, part in zip(area.facets, sections[1:], strict=True)
    ]
    summary = ctx.area_card(area.id)
    image = _image(ctx, area.image, area.title) or (cards[0]["image"] if cards else None)
    blocks = [
        *_common_blocks(ctx, trail),
        jsonld.faq([(f["question"], f["text"]) for f in facets]),
        jsonld.collection(title, summary["teaser"], ctx.url(path), config.name, cards, image),
    ]
    feed = {
        "type": "application/atom+xml",
        "title": f"{area.title}{sep}{config.name}",
        "href": ctx.href(urls.area_feed_path(area.slug)),
    }
    extra = {
        "area": {
            "title": area.title,
            "image": _image(ctx, area.image, area.title),
            "intro_html": sections[0].html,
            "facets": facets,
            "entries": cards,
            "total": total,
            "number": n,
            "pages": pages,
        },
        "pager": _pager(ctx, area.slug, n, pages),
    }
    return _page(
        ctx,
        job,
        title=title,
        description=summary["teaser"],
        path=path,
        trail=trail,
        blocks=blocks,
        extra=extra,
        template="area.html",
        image=image,
        alternates=(feed,),
    )


def _pager(ctx: ViewContext, slug: str, number: int, pages: int) -> dict[str, Any]:
    if not pages:
        return {}

    def href(n: int) -> str:
        return ctx.href(urls.resource_path(slug, n))

    return {
        "pages": [
            {"number": n, "href": href(n), "current": n == number} for n in range(1, pages + 1)
        ],
        "prev": href(number - 1) if number > 1 else None,
        "next": href(number + 1) if 0 < number < pages else None,
        "all": ctx.href(urls.page_path(urls.AREA, slug)),
    }


# ------------------------------------------------------------ indexes, home


def index_inputs(ctx: ViewContext, job: Job) -> Inputs:
    """A kind's index depends on the cards of every page of that kind."""
    graph = ctx.graph
    pages = graph.areas if job.key == urls.AREA else [e for e in graph.entries if e.kind == job.key]
    return (ctx.listed(p.id for p in pages),)


def index_view(ctx: ViewContext, job: Job, inputs: Inputs) -> View:
    """The A-Z index of one kind, grouped by first letter."""
    config = ctx.config
    kind = job.key
    plural = urls.PLURALS[kind]
    path = urls.index_path(kind)
    card = ctx.area_card if kind == urls.AREA else ctx.card
    items = [card(i) for i in _ids(inputs[0])]
    items.sort(key=lambda c: (_sort_title(c["title"]), c["id"]))
    trail = [("Home", ""), (urls.LABELS[kind], path)]
    blocks = _common_blocks(ctx, trail)
    if kind != urls.AREA:
        blocks.append(jsonld.defined_term_set(ctx.url(path), f"{config.name} {plural}", items))
    return _page(
        ctx,
        job,
        title=f"{plural}{config.title_separator}{config.name}",
        description=f"All {len(items)} {plural.lower()} of {config.name}, A to Z.",
        path=path,
        trail=trail,
        blocks=blocks,
        template="index.html",
        extra={
            "index": {
                "kind": kind,
                "label": plural,
                "count": len(items),
                "letters": _letters(items),
            }
        },
    )


def _sort_title(title: str) -> str:
    return unicodedata.normalize("NFKD", title).casefold()


def _letter(title: str) -> str:
    first = unicodedata.normalize("NFKD", title.strip()[:1] or "#")[:1].upper()
    return first if first.isalpha() else "#"


def _letters(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        groups.setdefault(_letter(item["title"]), []).append(item)
    order = sorted(groups, key=lambda g: (g == "#", not g.isascii(), g))
    return [
        {
            "letter": g,
            "anchor": "letter-" + ("0" if g == "#" else urls.slugify(g)),
            "members": groups[g],
        }
        for g in order
    ]


def home_inputs(ctx: ViewContext, job: Job) -> Inputs:
    """The home page depends on counts, the biggest areas and the newest entries."""
    graph = ctx.graph
    counts = tuple(sum(1 for e in graph.entries if e.kind == kind) for kind in urls.ENTRY_KINDS)
    areas = sorted(graph.areas, key=lambda a: (-len(graph.members.get(a.id, ())), a.id))
    latest = sorted(graph.entries, key=newest_first)[:HOME_LISTS]
    return (
        len(graph.areas),
        counts,
        ctx.listed(a.id for a in areas[:HOME_LISTS]),
        ctx.listed(e.id for e in latest),
    )


def home_view(ctx: ViewContext, job: Job, inputs: Inputs) -> View:
    """The home page: the indexes, the biggest areas, the newest entries, search."""
    area_count, (terms, definitions), areas, latest = inputs
    config = ctx.config
    counts = {urls.AREA: area_count, urls.TERM: terms, urls.DEFINITION: definitions}
    trail = [("Home", "")]
    home = {
        "indexes": [
            {"label": urls.PLURALS[k], "href": ctx.href(urls.index_path(k)), "count": counts[k]}
            for k in urls.KINDS
        ],
        "areas": [ctx.area_card(a) for a in _ids(areas)],
        "latest": [ctx.card(e) for e in _ids(latest)],
    }
    description = config.description or (
        f"{config.name}: a glossary of {terms} terms and {definitions} definitions "
        f"in {area_count} areas."
    )
    return _page(
        ctx,
        job,
        title=config.name,
        description=description,
        path="",
        trail=trail,
        blocks=_common_blocks(ctx, trail),
        template="home.html",
        extra={"home": home},
    )


def no_inputs(ctx: ViewContext, job: Job) -> Inputs:
    """Pages that depend on the site settings and templates alone."""
    return ()


def not_found_view(ctx: ViewContext, job: Job, inputs: Inputs) -> View:
    """The 404 page static hosts serve for unknown paths."""
    config = ctx.config
    trail = [("Home", "")]
    return _page(
        ctx,
        job,
        title=f"Page not found{config.title_separator}{config.name}",
        description="This page does not exist.",
        path=urls.NOT_FOUND,
        trail=trail,
        blocks=_common_blocks(ctx, trail),
        template="404.html",
        extra={},
    )


def robots_view(ctx: ViewContext, job: Job, inputs: Inputs) -> View:
    """robots.txt pointing crawlers at the sitemap."""
    return View(urls.ROBOTS, "robots.txt", {"sitemap": ctx.url(urls.SITEMAP)})


# ------------------------------------------------------- feeds, sitemap, search


def _newest_modified(ctx: ViewContext, ids: Iterable[str]) -> list[str]:
    pages = [ctx.graph.pages[i] for i in ids]
    pages.sort(key=lambda p: (-p.modified.timestamp(), p.id))
    return [p.id for p in pages[: ctx.config.feed_items]]


def feed_inputs(ctx: ViewContext, job: Job) -> Inputs:
    """A feed depends on its newest entries (and, when empty, on the newest page of all)."""
    graph = ctx.graph
    if job.kind == "feed":
        head, ids = "", _newest_modified(ctx, (e.id for e in graph.entries))
    else:
        head, ids = job.key, _newest_modified(ctx, graph.members.get(job.key, ()))
    fallback = "" if ids else _date(max((p.modified for p in graph.pages.values()), default=_EPOCH))
    return (ctx.card_digest(head) if head else b"", fallback, ctx.listed(ids))


def feed_view(ctx: ViewContext, job: Job, inputs: Inputs) -> View:
    """The site's Atom feed, or an area's: the most recently modified entries."""
    _, fallback, listed = inputs
    config = ctx.config
    ids = _ids(listed)
    if job.kind == "feed":
        title, page_path, feed_path = config.name, "", urls.FEED
    else:
        area = ctx.graph.pages[job.key]
        title = f"{area.title}{config.title_separator}{config.name}"
        page_path = urls.page_path(area.kind, area.slug)
        feed_path = urls.area_feed_path(area.slug)
    pages = ctx.graph.pages
    updated = _date(max(pages[i].modified for i in ids)) if ids else fallback
    return View(
        job_path(ctx.graph, job),
        "feed.xml",
        {
            "feed": {
                "title": title,
                "id": ctx.url(page_path),
                "link": ctx.url(page_path),
                "self": ctx.url(feed_path),
                "updated": updated,
                "author": config.site_author.name,
            },
            "items": [ctx.card(i) for i in ids],
        },
    )


def sitemap_inputs(ctx: ViewContext, job: Job) -> Inputs:
    """A sitemap depends on the list of page paths and their modification times."""
    return (tuple(sitemap_paths(ctx.graph)),)


def sitemap_view(ctx: ViewContext, job: Job, inputs: Inputs) -> View:
    """sitemap.xml, split into an index and parts past 50,000 URLs."""
    entries = [(ctx.url(p), m) for p, m in inputs[0]]
    parts = sitemap_files(ctx.graph)
    if parts == 1:
        context: dict[str, Any] = {"urls": entries, "sitemaps": []}
    elif job.number == 0:
        context = {"urls": [], "sitemaps": [ctx.url(f"sitemap-{n}.xml") for n in range(1, parts)]}
    else:
        start = (job.number - 1) * SITEMAP_LIMIT
        context = {"urls": entries[start : start + SITEMAP_LIMIT], "sitemaps": []}
    return View(job_path(ctx.graph, job), "sitemap.xml", context)


def search_inputs(ctx: ViewContext, job: Job) -> Inputs:
    """The search index depends on every page's card."""
    graph = ctx.graph
    return (ctx.listed(a.id for a in graph.areas), ctx.listed(e.id for e in graph.entries))


def search_view(ctx: ViewContext, job: Job, inputs: Inputs) -> View:
    """The search index: one record per page, read by the theme's search script."""
    areas, entries = inputs
    cards = [(ctx.area_card(a), "teaser") for a in _ids(areas)]
    cards += [(ctx.card(e), "summary") for e in _ids(entries)]
    records = [
        {
            "id": card["id"],
            "t": card["title"],
            "u": card["href"],
            "k": card["kind_label"],
            "s": card[text],
            "a": card["aliases"],
        }
        for card, text in cards
    ]
    return View(urls.SEARCH_INDEX, None, {"json": records})


PAGE_KINDS: dict[
    str, tuple[Callable[[ViewContext, Job], Inputs], Callable[[ViewContext, Job, Inputs], View]]
] = {
    "entry": (entry_inputs, entry_view),
    "area": (area_inputs, area_view),
    "resource": (area_inputs, area_view),
    "index": (index_inputs, index_view),
    "home": (home_inputs, home_view),
    "not_found": (no_inputs, not_found_view),
    "robots": (no_inputs, robots_view),
    "feed": (feed_inputs, feed_view),
    "area_feed": (feed_inputs, feed_view),
    "sitemap": (sitemap_inputs, sitemap_view),
    "search": (search_inputs, search_view),
}

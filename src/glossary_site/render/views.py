"""What each HTML page shows, as plain data for its template, and the inputs it is made from.

Every page kind has two functions. `inputs` gathers cheaply everything the page depends
on besides the site settings and templates: its own digests, and the ids of what it
lists with digests of their cards. `view` builds the template context from those inputs
only. The renderer hashes the inputs; equal inputs give an equal page, so a warm build
computes inputs for every page but views only for pages that changed.

One module for all page kinds (about 400 lines) because the kinds share the page frame,
breadcrumbs and card helpers, and each inputs/view pair must be read side by side.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

from glossary_site import urls
from glossary_site.render import jsonld, sitefiles
from glossary_site.render.cards import Inputs, View, ViewContext, ids_of, image_view
from glossary_site.render.outputs import Job, job_path, resource_pages
from glossary_site.resolve import newest_first

HOME_LISTS = 12


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
        "extra": config.extra,
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
    page_extra: dict[str, Any] | None = None,
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
                "extra": page_extra or {},
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
    glossary = [ctx.area_card(a) for a in ids_of(glossary_ids)]
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
        "related": [ctx.card(r) for r in ids_of(related)],
        "glossary": glossary,
        "discover": [ctx.card(d) for d in ids_of(discover)],
        "backlinks": [ctx.card(b) for b in ids_of(backlinks)],
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
        page_extra=page.extra,
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
    cards = [ctx.card(m) for m in ids_of(listed)]
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
    image = image_view(ctx, area.image, area.title) or (cards[0]["image"] if cards else None)
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
            "image": image_view(ctx, area.image, area.title),
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
        page_extra=area.extra,
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
    items = [card(i) for i in ids_of(inputs[0])]
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
    """Éclair sorts with the E's: accents are dropped for the order, not for display."""
    decomposed = unicodedata.normalize("NFKD", title)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


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
        "areas": [ctx.area_card(a) for a in ids_of(areas)],
        "latest": [ctx.card(e) for e in ids_of(latest)],
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


PAGE_KINDS: dict[
    str, tuple[Callable[[ViewContext, Job], Inputs], Callable[[ViewContext, Job, Inputs], View]]
] = {
    "entry": (entry_inputs, entry_view),
    "area": (area_inputs, area_view),
    "resource": (area_inputs, area_view),
    "index": (index_inputs, index_view),
    "home": (home_inputs, home_view),
    "not_found": (sitefiles.no_inputs, not_found_view),
    "robots": (sitefiles.no_inputs, sitefiles.robots_view),
    "feed": (sitefiles.feed_inputs, sitefiles.feed_view),
    "area_feed": (sitefiles.feed_inputs, sitefiles.feed_view),
    "sitemap": (sitefiles.sitemap_inputs, sitefiles.sitemap_view),
    "search": (sitefiles.search_inputs, sitefiles.search_view),
}

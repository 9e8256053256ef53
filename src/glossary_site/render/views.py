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

from collections.abc import Callable
from typing import Any

from glossary_site import urls
from glossary_site.render import jsonld, redirects, sitefiles
from glossary_site.render.cards import Inputs, View, ViewContext, ids_of, image_view
from glossary_site.render.outputs import (
    Job,
    first_letter,
    index_split,
    job_path,
    kind_pages,
    letter_code,
    letter_count,
    letter_page_path,
    letter_slice,
    letters,
    links_page_count,
    links_pages,
    parent_pages,
    resource_page_count,
    sort_title,
)
from glossary_site.resolve import SiteGraph, newest_first

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
        "search": ctx.href(urls.SEARCH_MANIFEST),
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


def entry_sources(graph: SiteGraph, job: Job) -> Inputs:
    """All an entry page's inputs are made of besides card digests and settings: the page,
    its body's key and the ids of what it lists (`entry_inputs` reads nothing else of the
    graph, so equal sources and equal cards of these ids give an equal key)."""
    page_id = job.key
    return (
        graph.pages[page_id],
        graph.body_keys[page_id],
        parent_pages(graph, page_id),  # the breadcrumbs of a nested page
        graph.related.get(page_id, ()),
        graph.glossary.get(page_id, ()),
        graph.discover.get(page_id, ()),
        graph.backlinks.get(page_id, ()),
        graph.links.get(page_id, ()),  # the body's links: their cards feed the hover definitions
    )


def entry_inputs(ctx: ViewContext, job: Job) -> Inputs:
    """An entry page depends on itself and on the cards it lists."""
    return _entry_inputs(ctx, job, entry_sources(ctx.graph, job))


def _entry_inputs(ctx: ViewContext, job: Job, sources: Inputs) -> Inputs:
    page, body_key, parents, related, glossary, discover, every, links = sources
    backlinks = shown(every)
    return (
        page.digest,
        body_key,
        ctx.card_digest(page.id),
        ctx.listed(parents),
        ctx.listed(shown(related)),
        ctx.listed(glossary),
        ctx.listed(discover),
        ctx.listed(backlinks[: ctx.config.referenced_by]),
        len(backlinks),
        ctx.listed(shown(links)),
    )


def _logo(ctx: ViewContext) -> tuple[str, dict[str, Any] | None]:
    """The publisher logo's URL (site.yaml's `logo`, else the theme's favicon), and the
    site's image for entries without one (the logo, when site.yaml names one)."""
    logo = ctx.config.logo
    if logo is None:
        return ctx.url(urls.ASSETS + "favicon.svg"), None
    url = logo if urls.is_remote(logo) else ctx.url(logo)
    return url, {"url": url}


def entry_view(ctx: ViewContext, job: Job, inputs: Inputs) -> View:
    """A term or definition page."""
    *_, parents, related, glossary_ids, discover, backlinks, backlink_total, linked = inputs
    graph = ctx.graph
    page = graph.pages[job.key]
    card = ctx.card(page.id)
    config = ctx.config
    path = urls.page_path(page.kind, page.slug)
    set_path = urls.index_path(page.kind)
    trail = [
        ("Home", ""),
        (card["kind_label"], set_path),
        *_parent_crumbs(ctx, ids_of(parents)),
        (page.title, path),
    ]
    glossary = [ctx.area_card(a) for a in ids_of(glossary_ids)]
    blocks = [
        *_common_blocks(ctx, trail),
        jsonld.article(card, config.name, *_logo(ctx)),
        jsonld.mentions(card["url"], glossary),
        jsonld.defined_term(card, ctx.url(set_path), f"{config.name} {urls.PLURALS[page.kind]}"),
    ]
    entry = {
        **card,
        "index_href": ctx.href(set_path),
        "body_html": graph.bodies[page.id].html,
        "summary_html": graph.summaries.get(page.id, ""),
        "related": [ctx.card(r) for r in ids_of(related)],
        "glossary": glossary,
        "discover": [ctx.card(d) for d in ids_of(discover)],
        "backlinks": [ctx.card(b) for b in ids_of(backlinks)],
        "backlinks_total": backlink_total,
        "links_href": (
            ctx.href(urls.links_path(page.kind, page.slug)) if links_pages(graph, page.id) else None
        ),
    }
    return _page(
        ctx,
        job,
        title=f"{page.title}{config.title_separator}{card['kind_label']}",
        description=page.summary,
        path=path,
        trail=trail,
        blocks=blocks,
        extra={"entry": entry, "tips": _tips(ctx, [*linked, *related, *discover, *backlinks])},
        template=(f"{page.kind}.html", "entry.html"),
        image=card["image"],
        page_extra=page.extra,
    )


def _parent_crumbs(ctx: ViewContext, ids: list[str]) -> list[tuple[str, str]]:
    """(title, path) of the pages of the folders a nested page is in."""
    pages = [ctx.graph.pages[i] for i in ids]
    return [(p.title, urls.page_path(p.kind, p.slug)) for p in pages]


def links_sources(graph: SiteGraph, job: Job) -> Inputs:
    """What a "What links here" page's inputs are made of: the entry, its parents and the
    ids linking to it."""
    return (
        graph.pages[job.key],
        parent_pages(graph, job.key),  # the breadcrumbs of a nested entry
        graph.backlinks.get(job.key, ()),
    )


def links_inputs(ctx: ViewContext, job: Job) -> Inputs:
    """A "What links here" page depends on the entry's card and its slice of backlinks."""
    return _links_inputs(ctx, job, links_sources(ctx.graph, job))


def _links_inputs(ctx: ViewContext, job: Job, sources: Inputs) -> Inputs:
    _, parents, every = sources
    backlinks = shown(every)
    per_page = ctx.config.per_page
    listed = backlinks[(job.number - 1) * per_page : job.number * per_page]
    return (
        ctx.card_digest(job.key),
        ctx.listed(parents),
        job.number,
        links_page_count(ctx.config, len(backlinks)),
        len(backlinks),
        ctx.listed(listed),
    )


def links_view(ctx: ViewContext, job: Job, inputs: Inputs) -> View:
    """Page `number` of the pages linking to an entry, when "Referenced by" cannot show
    them all."""
    _, parents, number, pages, total, listed = inputs
    config = ctx.config
    card = ctx.card(job.key)
    page = ctx.graph.pages[job.key]
    entry_path = urls.page_path(page.kind, page.slug)
    path = urls.links_path(page.kind, page.slug, number)
    trail = [
        ("Home", ""),
        (card["kind_label"], urls.index_path(page.kind)),
        *_parent_crumbs(ctx, ids_of(parents)),
        (page.title, entry_path),
        ("What links here", urls.links_path(page.kind, page.slug)),
    ]
    if number > 1:
        trail.append((f"Page {number}", path))

    def href(n: int) -> str:
        return ctx.href(urls.links_path(page.kind, page.slug, n))

    pager = {
        "pages": [
            {"number": n, "href": href(n), "current": n == number} for n in range(1, pages + 1)
        ],
        "prev": href(number - 1) if number > 1 else None,
        "next": href(number + 1) if number < pages else None,
    }
    sep = config.title_separator
    links = {
        "entry": card,
        "number": number,
        "pages": pages,
        "total": total,
        "items": [ctx.card(b) for b in ids_of(listed)],
    }
    return _page(
        ctx,
        job,
        title=f"What links here{sep}{page.title}" + (f"{sep}Page {number}" if number > 1 else ""),
        description=f"The {total} pages of {config.name} that link to {page.title}.",
        path=path,
        trail=trail,
        blocks=_common_blocks(ctx, trail),
        template="links.html",
        extra={"links": links, "pager": pager},
    )


def _tips(ctx: ViewContext, listed: list[tuple[str, bytes]]) -> str:
    """The hover definitions of the entries a page links to, as JSON for a <script> block
    (empty when the site turns tooltips off): by link path, title, kind and meaning."""
    if not ctx.config.tooltips:
        return ""
    cards = [ctx.card(i) for i in dict.fromkeys(ids_of(tuple(listed)))]
    if not cards:
        return ""
    entries = {c["href"]: [c["title"], c["kind_label"], c["summary"]] for c in cards}
    return jsonld.dumps({"sep": ctx.config.title_separator, "entries": entries})


# ------------------------------------------------------------------- areas


def area_sources(graph: SiteGraph, job: Job) -> Inputs:
    """What an area page's inputs are made of: the area, its body's key, its parents, its
    members and its facets' links."""
    return (
        graph.pages[job.key],
        graph.body_keys[job.key],
        parent_pages(graph, job.key),  # the breadcrumbs of a nested area
        graph.members.get(job.key, ()),
        graph.links.get(job.key, ()),  # the facets' links: hover definitions
    )


def area_inputs(ctx: ViewContext, job: Job) -> Inputs:
    """An area page (number 0) or resource page depends on the area and its listed slice."""
    return _area_inputs(ctx, job, area_sources(ctx.graph, job))


def _area_inputs(ctx: ViewContext, job: Job, sources: Inputs) -> Inputs:
    area, body_key, parents, members, links = sources
    per_page, n = ctx.config.per_page, job.number
    # the main page lists the newest per_page, like resource page 1; the rest is paginated
    start = (n - 1) * per_page if n else 0
    listed = members[start : start + per_page]
    return (
        area.digest,
        body_key,
        ctx.card_digest(area.id),
        ctx.listed(parents),
        n,
        resource_page_count(ctx.config, len(members)),
        len(members),
        ctx.listed(listed),
        ctx.listed(shown(links)),
    )


def shown(ids: tuple[str, ...]) -> tuple[str, ...]:
    """The terms and definitions among some ids (lists of entries leave areas out)."""
    return tuple([i for i in ids if not i.startswith("area/")])


def area_view(ctx: ViewContext, job: Job, inputs: Inputs) -> View:
    """An area page, or one of its /resource/<n>/ pages."""
    *_, parents, n, pages, total, listed, linked = inputs
    graph, config = ctx.graph, ctx.config
    area = graph.pages[job.key]
    sep = config.title_separator
    cards = [ctx.card(m) for m in ids_of(listed)]
    area_path = urls.page_path(area.kind, area.slug)
    path = area_path if n == 0 else urls.resource_path(area.slug, n)
    trail = [
        ("Home", ""),
        ("Area", urls.index_path(urls.AREA)),
        *_parent_crumbs(ctx, ids_of(parents)),
        (area.title, area_path),
    ]
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
        "tips": _tips(ctx, [*linked, *listed]),
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
    """A kind's index depends on the cards of every page of that kind; when split into
    letter pages, only on the letters, their counts and paths."""
    graph = ctx.graph
    if index_split(graph, job.key):
        return ("split", _letter_bar_inputs(ctx, job.key))
    return ("all", ctx.listed(p.id for p in kind_pages(graph, job.key)))


def _letter_bar_inputs(ctx: ViewContext, kind: str) -> tuple[Any, ...]:
    graph = ctx.graph
    return tuple(
        (
            g.letter,
            len(g.ids),
            tuple(
                letter_page_path(graph, f"{kind}/{g.code}", n)
                for n in range(1, letter_count(graph, g) + 1)
            ),
        )
        for g in letters(graph, kind)
    )


def index_view(ctx: ViewContext, job: Job, inputs: Inputs) -> View:
    """The A-Z index of one kind: grouped by first letter, or when the kind has more pages
    than `index_page_size`, a list of its letter pages."""
    config = ctx.config
    kind = job.key
    plural = urls.PLURALS[kind]
    path = urls.index_path(kind)
    trail = [("Home", ""), (urls.LABELS[kind], path)]
    blocks = _common_blocks(ctx, trail)
    mode, listed = inputs
    if mode == "split":
        bar = _letter_bar(ctx, kind, listed, None)
        count = sum(item["count"] for item in bar)
        index = {"kind": kind, "label": plural, "count": count, "letters": [], "bar": bar}
        index["letter"] = None
    else:
        card = ctx.area_card if kind == urls.AREA else ctx.card
        items = [card(i) for i in ids_of(listed)]
        items.sort(key=lambda c: (sort_title(c["title"]), c["id"]))
        if kind != urls.AREA:
            blocks.append(jsonld.defined_term_set(ctx.url(path), f"{config.name} {plural}", items))
        count = len(items)
        index = {"kind": kind, "label": plural, "count": count, "letters": _letters(items)}
        index.update(letter=None, bar=[])
    return _page(
        ctx,
        job,
        title=f"{plural}{config.title_separator}{config.name}",
        description=f"All {count} {plural.lower()} of {config.name}, A to Z.",
        path=path,
        trail=trail,
        blocks=blocks,
        template="index.html",
        extra={"index": index, "pager": {}},
    )


def _letter_bar(
    ctx: ViewContext, kind: str, bar: tuple[Any, ...], current: str | None
) -> list[dict[str, Any]]:
    """Each letter of a split index with its count and the links to its pages."""
    return [
        {
            "letter": letter,
            "count": count,
            "href": ctx.href(paths[0]),
            "current": letter == current,
            "pages": [{"number": n, "href": ctx.href(p)} for n, p in enumerate(paths, start=1)]
            if len(paths) > 1
            else [],
        }
        for letter, count, paths in bar
    ]


def letter_inputs(ctx: ViewContext, job: Job) -> Inputs:
    """A letter page depends on the letter bar and the cards of its slice."""
    kind = job.key.split("/", 1)[0]
    letter, ids = letter_slice(ctx.graph, job.key, job.number)
    return (
        _letter_bar_inputs(ctx, kind),
        letter.letter,
        job.number,
        letter_count(ctx.graph, letter),
        ctx.listed(ids),
    )


def letter_view(ctx: ViewContext, job: Job, inputs: Inputs) -> View:
    """One page of one letter of a split A-Z index, with the letter bar."""
    bar_inputs, letter, number, pages, listed = inputs
    config, graph = ctx.config, ctx.graph
    kind = job.key.split("/", 1)[0]
    plural = urls.PLURALS[kind]
    card = ctx.area_card if kind == urls.AREA else ctx.card
    items = [card(i) for i in ids_of(listed)]
    path = letter_page_path(graph, job.key, number)
    name = f"{letter} ({number} of {pages})" if pages > 1 else letter
    trail = [("Home", ""), (urls.LABELS[kind], urls.index_path(kind)), (name, path)]
    blocks = _common_blocks(ctx, trail)
    if kind != urls.AREA:
        blocks.append(
            jsonld.defined_term_set(
                ctx.url(urls.index_path(kind)), f"{config.name} {plural}", items
            )
        )
    pager = {}
    if pages > 1:
        href = lambda n: ctx.href(letter_page_path(graph, job.key, n))  # noqa: E731
        pager = {
            "pages": [
                {"number": n, "href": href(n), "current": n == number} for n in range(1, pages + 1)
            ],
            "prev": href(number - 1) if number > 1 else None,
            "next": href(number + 1) if number < pages else None,
        }
    index = {
        "kind": kind,
        "label": plural,
        "letter": letter,
        "count": len(items),
        "letters": [
            {"letter": letter, "anchor": "letter-" + letter_code(letter), "members": items}
        ],
        "bar": _letter_bar(ctx, kind, bar_inputs, letter),
    }
    return _page(
        ctx,
        job,
        title=f"{plural}{config.title_separator}{name}{config.title_separator}{config.name}",
        description=f"{plural} of {config.name} under {letter}, A to Z.",
        path=path,
        trail=trail,
        blocks=blocks,
        template="index.html",
        extra={"index": index, "pager": pager},
    )


def _letters(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        groups.setdefault(first_letter(item["title"]), []).append(item)
    order = sorted(groups, key=lambda g: (g == "#", not g.isascii(), g))
    return [
        {"letter": g, "anchor": "letter-" + letter_code(g), "members": groups[g]} for g in order
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
    "letter": (letter_inputs, letter_view),
    "links": (links_inputs, links_view),
    "home": (home_inputs, home_view),
    "not_found": (sitefiles.no_inputs, not_found_view),
    "robots": (sitefiles.no_inputs, sitefiles.robots_view),
    "feed": (sitefiles.feed_inputs, sitefiles.feed_view),
    "area_feed": (sitefiles.feed_inputs, sitefiles.feed_view),
    "sitemap": (sitefiles.sitemap_inputs, sitefiles.sitemap_view),
    "search": (sitefiles.search_inputs, sitefiles.search_view),
    "search_titles": (sitefiles.search_inputs, sitefiles.search_view),
    "search_words": (sitefiles.search_inputs, sitefiles.search_view),
    "search_docs": (sitefiles.search_inputs, sitefiles.search_view),
    "redirect": (redirects.redirect_inputs, redirects.redirect_view),
    "redirects": (redirects.redirects_inputs, redirects.redirects_view),
}


Sources = Callable[[SiteGraph, Job], Inputs]
Derived = Callable[[ViewContext, Job, Inputs], Inputs]
_SEARCH = (sitefiles.search_sources, sitefiles.search_derived, ())

# The kinds whose `inputs` are `derived(ctx, job, sources(graph, job))`, the many outputs of
# a large site. `derived` reads nothing of the graph but the sources, plus the card
# digests of the job's own page and of the ids in the sources' fields named here; the
# output path is a function of the sources (the page) or of the job alone. So a rebuild
# may reuse the last key of such a job while its sources are equal and none of those
# cards changed (renderer.keys).
SOURCED: dict[str, tuple[Sources, Derived, tuple[int, ...]]] = {
    "entry": (entry_sources, _entry_inputs, (2, 3, 4, 5, 6, 7)),
    "links": (links_sources, _links_inputs, (1, 2)),
    "area": (area_sources, _area_inputs, (2, 3, 4)),
    "resource": (area_sources, _area_inputs, (2, 3, 4)),
    "search": _SEARCH,
    "search_titles": _SEARCH,
    "search_words": _SEARCH,
    "search_docs": _SEARCH,
}

"""The site-wide files: Atom feeds, sitemap, search index, robots.txt.

Like views.py, each kind has an `inputs` function (what its key is made of) and a view.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from glossary_site import urls
from glossary_site.render import search
from glossary_site.render.cards import Inputs, View, ViewContext, ids_of, iso_date
from glossary_site.render.outputs import SITEMAP_LIMIT, Job, job_path, sitemap_files, sitemap_paths
from glossary_site.resolve import SiteGraph

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def no_inputs(ctx: ViewContext, job: Job) -> Inputs:
    """Pages that depend on the site settings and templates alone."""
    return ()


def robots_view(ctx: ViewContext, job: Job, inputs: Inputs) -> View:
    """robots.txt pointing crawlers at the sitemap."""
    return View(urls.ROBOTS, "robots.txt", {"sitemap": ctx.url(urls.SITEMAP)})


def _newest_modified(ctx: ViewContext, ids: Iterable[str]) -> list[str]:
    # an Atom entry needs a date: undated pages are left out of feeds
    pages = [page for page in (ctx.graph.pages[i] for i in ids) if page.modified is not None]
    pages.sort(key=lambda p: (-p.modified.timestamp(), p.id))
    return [p.id for p in pages[: ctx.config.feed_items]]


def feed_inputs(ctx: ViewContext, job: Job) -> Inputs:
    """A feed depends on its newest entries (and, when empty, on the newest page of all)."""
    graph = ctx.graph
    if job.kind == "feed":
        head, ids = "", _newest_modified(ctx, (e.id for e in graph.entries))
    else:
        head, ids = job.key, _newest_modified(ctx, graph.members.get(job.key, ()))
    # a site without pages has no date of its own: SOURCE_DATE_EPOCH's, else 1970's
    undated = graph.config.source_date or _EPOCH
    fallback = (
        ""
        if ids
        else iso_date(
            max((p.modified for p in graph.pages.values() if p.modified), default=undated)
        )
    )
    return (ctx.card_digest(head) if head else b"", fallback, ctx.listed(ids))


def feed_view(ctx: ViewContext, job: Job, inputs: Inputs) -> View:
    """The site's Atom feed, or an area's: the most recently modified entries."""
    _, fallback, listed = inputs
    config = ctx.config
    ids = ids_of(listed)
    if job.kind == "feed":
        title, page_path, feed_path = config.name, "", urls.FEED
    else:
        area = ctx.graph.pages[job.key]
        title = f"{area.title}{config.title_separator}{config.name}"
        page_path = urls.page_path(area.kind, area.slug)
        feed_path = urls.area_feed_path(area.slug)
    pages = ctx.graph.pages
    updated = iso_date(max(pages[i].modified for i in ids)) if ids else fallback
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


def search_sources(graph: SiteGraph, job: Job) -> Inputs:
    """A part of the search index: the value it writes (an update of the index keeps the
    very object of every part it did not change)."""
    return (search.part(graph, job.kind, job.key, job.number),)


def search_inputs(ctx: ViewContext, job: Job) -> Inputs:
    """A part of the search index depends on what it holds, nothing else."""
    return search_sources(ctx.graph, job)


def search_derived(ctx: ViewContext, job: Job, sources: Inputs) -> Inputs:
    """The inputs of a part of the index from its sources: the same."""
    return sources


def search_view(ctx: ViewContext, job: Job, inputs: Inputs) -> View:
    """A part of the search index (search.py), written as JSON."""
    return View(job_path(ctx.graph, job), None, {"json": inputs[0]})

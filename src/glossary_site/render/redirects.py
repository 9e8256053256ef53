"""Redirect pages at the old addresses of renamed pages (`redirect_from`), and the
`_redirects` file (Netlify's format) for hosts that read one. Pure."""

from __future__ import annotations

from glossary_site import urls
from glossary_site.render.cards import Inputs, View, ViewContext
from glossary_site.render.outputs import Job, job_path


def _target(ctx: ViewContext, old_id: str) -> tuple[str, str, str]:
    page = ctx.graph.pages[ctx.graph.redirects[old_id]]
    path = urls.page_path(page.kind, page.slug)
    return page.title, ctx.href(path), ctx.url(path)


def redirect_inputs(ctx: ViewContext, job: Job) -> Inputs:
    """A redirect page depends on the page it leads to: its title and address."""
    return _target(ctx, job.key)


def redirect_view(ctx: ViewContext, job: Job, inputs: Inputs) -> View:
    """A small page that sends browsers on (meta refresh), tells crawlers where the page
    is now (rel=canonical) and keeps itself out of their index (noindex)."""
    title, href, url = inputs
    config = ctx.config
    return View(
        job_path(ctx.graph, job),
        "redirect.html",
        {
            "site": {
                "name": config.name,
                "language": config.language,
                "separator": config.title_separator,
            },
            "redirect": {"title": title, "href": href, "url": url},
        },
    )


def redirects_inputs(ctx: ViewContext, job: Job) -> Inputs:
    """The `_redirects` file depends on every old address and where it leads."""
    return tuple(
        (ctx.href(urls.page_path(*old.split("/", 1))), _target(ctx, old)[1])
        for old in sorted(ctx.graph.redirects)
    )


def redirects_view(ctx: ViewContext, job: Job, inputs: Inputs) -> View:
    """`_redirects`: one `old new 301` line per old address."""
    return View(urls.REDIRECTS, "redirects.txt", {"redirects": [list(r) for r in inputs]})

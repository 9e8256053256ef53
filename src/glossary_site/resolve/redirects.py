"""Old addresses of renamed pages (`redirect_from`): which page each leads to, and the
ones that cannot be redirects because a page or another redirect already has the address."""

from __future__ import annotations

from glossary_site import urls
from glossary_site.errors import Problem
from glossary_site.model import Page


def redirects(pages: list[Page], problems: list[Problem]) -> dict[str, str]:
    """Old page id -> the id of the page it now is. Addresses are compared as
    case-insensitive hosts compare them."""
    taken = {page.id.casefold(): page for page in pages}
    found: dict[str, tuple[str, Page, int]] = {}  # casefolded old id -> (old id, page, line)
    for page in sorted(pages, key=lambda p: p.path):
        for n, old in enumerate(page.redirect_from):
            line = page.line_of(f"redirect_from.{n}")
            written = _written(page, old)
            key = old.casefold()
            other = taken.get(key)
            first = found.get(key)
            if other is page:
                message = f"redirect_from '{written}' is this page's own address"
            elif other is not None:
                message = (
                    f"redirect_from '{written}': /{_path(old)} is the page of {other.path}; "
                    "a redirect cannot take its place"
                )
            elif first is not None:
                _, to, at = first
                message = (
                    f"redirect_from '{written}': /{_path(old)} is already a redirect to "
                    f"/{_path(to.id)} ({to.path}:{at})"
                )
            else:
                found[key] = (old, page, line)
                continue
            problems.append(Problem(page.path, line, message, "redirect-collision"))
    return {old: page.id for old, page, _ in found.values()}


def _path(page_id: str) -> str:
    kind, slug = page_id.split("/", 1)
    return urls.page_path(kind, slug)


def _written(page: Page, old: str) -> str:
    """The old address as the author is likely to have written it."""
    kind, slug = old.split("/", 1)
    return slug if kind == page.kind else old

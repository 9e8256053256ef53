"""The loaded pages handed from stage to stage: frozen dataclasses with the file and lines
they came from. No I/O, no validation: that happened in `meta.py`'s models.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from glossary_site.model.meta import AuthorMeta, ImageMeta

# Loaded pages: plain frozen dataclasses. Validation is over by now, and these are cheap
# to build, compare and cache (a warm build reads 10,000 of them from the cache).


@dataclass(frozen=True, slots=True)
class Author:
    """Who wrote a page."""

    name: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Image:
    """A validated illustration; width and height filled in from the file when known."""

    src: str
    width: int | None = None
    height: int | None = None
    caption: str = ""


@dataclass(frozen=True, slots=True)
class Ref:
    """A reference to another page as written, with the line it was written on."""

    text: str
    line: int


@dataclass(frozen=True, slots=True)
class Facet:
    """One `## Facet` section of an area."""

    name: str
    markdown: str
    line: int


@dataclass(frozen=True, slots=True)
class Page:
    """What every loaded page has: identity, metadata and where it came from."""

    kind: str
    slug: str
    path: str
    title: str
    published: datetime | None  # None: undated (no date written, none in git)
    modified: datetime | None
    aliases: tuple[str, ...]
    image: Image | None
    draft: bool
    auto_link: bool | str | None  # None: the site's setting; "always" (see meta.PageMeta)
    auto_link_target: bool
    auto_link_max: int | None
    extra: dict[str, Any]  # front matter's `extra:` mapping, for templates
    redirect_from: tuple[str, ...]  # ids of the old addresses that lead here ("term/old")
    body_line: int
    lines: dict[str, int]
    digest: str  # of the file's bytes: what changes when the page changes
    # the qualified reference `kind/slug`, unique across the site (looked up very often)
    id: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", f"{self.kind}/{self.slug}")

    def line_of(self, key: str) -> int:
        """The line where a front-matter key (or `key.index`) was written."""
        return self.lines.get(key, self.lines.get(key.split(".")[0], 1))


@dataclass(frozen=True, slots=True)
class Area(Page):
    """A topic hub; its facets become FAQ questions."""

    intro: str
    facets: tuple[Facet, ...]


@dataclass(frozen=True, slots=True)
class Entry(Page):
    """A term (long-form article) or a definition (short entry)."""

    summary: str  # plain text: meta tags, feeds, JSON-LD, lists
    areas: tuple[Ref, ...]
    related: tuple[Ref, ...]
    author: Author | None
    summary_markdown: str = ""  # as written (or taken from the body): rendered on the page
    summary_line: int = 1  # the file line it starts on
    hidden: tuple[int, ...] = ()  # body lines (0-based) not shown: the lead, <!--more-->


def image_of(meta: ImageMeta | None) -> Image | None:
    """The loaded form of a validated image."""
    return None if meta is None else Image(meta.src, meta.width, meta.height, meta.caption)


def author_of(meta: AuthorMeta | None) -> Author | None:
    """The loaded form of a validated author."""
    return None if meta is None else Author(meta.name, meta.url)

"""Site settings from content/site.yaml."""

from __future__ import annotations

import re
from datetime import datetime
from functools import cached_property
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, PrivateAttr

from glossary_site.model.meta import (
    AuthorMeta,
    Frozen,
    ImageSrc,
    Name,
    OptionalText,
    Text,
    no_control_characters,
)
from glossary_site.model.pages import Author, author_of

DEFAULT_FAQ = "What is the {facet} of {title}?"
_PLACEHOLDER = re.compile(r"\{facet\}|\{title\}")
_NOT_IN_URLS = set('"<>\\^`{|}')


def normalize_base_url(value: str) -> str:
    """An absolute http(s) URL without query or fragment, ending with '/'."""
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"'{value}' must be an absolute http(s) URL, e.g. https://example.org/")
    if "?" in value or "#" in value:  # an empty query or fragment ("/?", "/#") too
        raise ValueError(f"'{value}' must not have a query string or fragment")
    if any(ch.isspace() or not ch.isprintable() or ch in _NOT_IN_URLS for ch in value):
        raise ValueError(
            f"{value!r} must not contain spaces or backslashes, nor quotes, < > ^ ` {{ | }} "
            "or control characters"
        )
    try:
        parts.port  # noqa: B018 - urlsplit checks the port only when asked
    except ValueError:
        raise ValueError(f"'{value}' has an invalid port") from None
    if ".." in parts.path.split("/"):
        raise ValueError(f"'{value}' must not contain '..'")
    return value if value.endswith("/") else value + "/"


def _time_zone(value: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"'{value}' is not a known time zone; use an IANA name, e.g. Europe/Paris or UTC"
        ) from None
    return value


def _faq_template(value: str) -> str:
    if "{facet}" not in value:
        raise ValueError('must contain {facet}, e.g. "What is the {facet} of {title}?"')
    return value


class SiteConfig(Frozen):
    """Everything content/site.yaml may set."""

    name: Name
    base_url: Annotated[str, AfterValidator(normalize_base_url)]
    title_separator: Annotated[str, AfterValidator(no_control_characters)] = " ⎊ "
    author: AuthorMeta | None = None
    per_page: Annotated[int, Field(ge=1, le=10_000, strict=True)] = 30
    faq_question: Annotated[str, AfterValidator(_faq_template)] = DEFAULT_FAQ
    language: Annotated[str, Field(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")] = "en"
    description: OptionalText = ""
    allow_html: Annotated[bool, Field(strict=True)] = False
    auto_link: Annotated[bool, Field(strict=True)] = True
    auto_link_areas: Annotated[bool, Field(strict=True)] = False
    auto_link_exclude: tuple[Text, ...] = ()
    auto_link_max: Annotated[int, Field(ge=0, le=10_000, strict=True)] = 10
    tooltips: Annotated[bool, Field(strict=True)] = True
    discover_more: Annotated[int, Field(ge=0, le=100, strict=True)] = 9
    duplicate_similarity: Annotated[int, Field(ge=50, le=100, strict=True)] = 92
    feed_items: Annotated[int, Field(ge=1, le=10_000, strict=True)] = 30
    timezone: Annotated[str, AfterValidator(_time_zone)] = "UTC"  # of dates without a time
    extra: dict[str, Any] = Field(default_factory=dict)  # for templates, untouched
    index_page_size: Annotated[int, Field(ge=1, le=100_000, strict=True)] = 500
    referenced_by: Annotated[int, Field(ge=1, le=10_000, strict=True)] = 20
    # the publisher's logo in Article JSON-LD (and the image of entries without one)
    logo: ImageSrc | None = None
    # SOURCE_DATE_EPOCH, set by load (never from site.yaml): the date of a feed with no
    # entries. Private, so not in repr(config): it changes no page but that feed.
    _source_date: datetime | None = PrivateAttr(default=None)

    @property
    def source_date(self) -> datetime | None:
        """The build's SOURCE_DATE_EPOCH as a UTC datetime, when it was set."""
        return self._source_date

    def with_source_date(self, value: datetime | None) -> SiteConfig:
        """A copy carrying the build's SOURCE_DATE_EPOCH."""
        copy = self.model_copy()
        copy._source_date = value
        return copy

    @cached_property
    def base_path(self) -> str:
        """The path part of base_url ('/' or '/glossary/'), for root-relative links."""
        return urlsplit(self.base_url).path or "/"

    @property
    def site_author(self) -> Author:
        """The default author of every page."""
        return author_of(self.author) or Author(self.name)

    def faq(self, facet: str, title: str) -> str:
        """The FAQ question for a facet: both placeholders filled in one pass, so braces in
        a facet name stay literal (and content is never run through str.format)."""
        values = {"{facet}": facet, "{title}": title}
        return _PLACEHOLDER.sub(lambda m: values[m.group(0)], self.faq_question)

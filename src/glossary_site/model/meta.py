"""Front matter as authors write it: pydantic models that validate it (unknown keys are errors).

No I/O here; `load` validates with these and builds the frozen pages of `pages.py`.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
)

from glossary_site import urls

# control characters, and the noncharacters XML (the Atom feed, the sitemap) cannot carry
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufdd0-\ufdef\ufffe\uffff]")


def no_control_characters(value: str) -> str:
    """Refuse characters that HTML and XML output cannot carry."""
    found = _CONTROL.search(value)
    if found:
        char = found.group()
        if ord(char) >= 0xFDD0:
            raise ValueError(f"contains the Unicode noncharacter U+{ord(char):04X}")
        raise ValueError("contains a control character")
    return value


def _clean_text(value: str) -> str:
    return unicodedata.normalize("NFC", no_control_characters(value).strip())


# Longest single-line values. Titles and aliases go into the Aho-Corasick automaton of
# names, whose C code frees its trie recursively: a 600,000-character name overflowed the C
# stack (signal 11). Nobody writes a 1,000-character title; a summary is one paragraph.
MAX_NAME = 1_000
MAX_LINE = 10_000
MAX_URL = 4_000
MAX_DIMENSION = 1_000_000  # pixels, for an image's width or height


def at_most(limit: int) -> AfterValidator:
    """A validator refusing text longer than `limit` characters, saying by how much."""

    def check(value: str) -> str:
        if len(value) > limit:
            raise ValueError(f"is {len(value):,} characters long; at most {limit:,} are allowed")
        return value

    return AfterValidator(check)


# zero-width characters, bidi controls and other format characters: a title made only of
# them shows as nothing, yet is not empty
_INVISIBLE_CATEGORIES = ("Cf", "Zs", "Zl", "Zp", "Mn", "Me")


def _visible(value: str) -> str:
    if value and all(unicodedata.category(ch) in _INVISIBLE_CATEGORIES for ch in value):
        raise ValueError("has no visible character (only invisible or formatting ones)")
    return value


def _non_empty(value: str) -> str:
    if not value:
        raise ValueError("must not be empty")
    return value


_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_timestamp(value: Any) -> datetime:
    """An ISO 8601 date-time with a time zone (the offset is kept as written), or a date
    alone: midnight without a zone, which the load stage puts in the site's time zone."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(
                f"'{value}' is not a valid date-time; write ISO 8601 with a time zone, "
                "e.g. 2026-03-12T14:07:34+00:00, or a date, e.g. 2026-03-12"
            ) from None
        if _DATE_ONLY.fullmatch(value.strip()):
            return parsed
    else:
        raise ValueError("must be a date-time like 2026-03-12T14:07:34+00:00")
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise ValueError(
            f"'{value}' has no time zone; add one, e.g. {parsed.isoformat()}+00:00, "
            "or write the date alone"
        )
    return parsed


def _web_url(value: str) -> str:
    if not urls.is_remote(value):
        raise ValueError(f"'{value}' must be an absolute http(s) URL")
    return value


def _image_src(value: str) -> str:
    if urls.is_remote(value):
        return value
    problem = urls.relative_asset_problem(value)
    if problem:
        raise ValueError(f"'{value}' {problem}")
    return value


ImageSrc = Annotated[str, at_most(MAX_URL), AfterValidator(_image_src)]


def _old_address(value: str) -> str:
    problem = urls.redirect_problem(value)
    if problem:
        raise ValueError(problem if problem.startswith("'") else f"'{value}' {problem}")
    return value


OldAddress = Annotated[str, at_most(MAX_URL), AfterValidator(_old_address)]
_TEXT = (AfterValidator(_clean_text), AfterValidator(_non_empty), AfterValidator(_visible))
Text = Annotated[str, *_TEXT, at_most(MAX_LINE)]
Name = Annotated[str, *_TEXT, at_most(MAX_NAME)]  # titles, aliases, references, names
OptionalText = Annotated[str, AfterValidator(_clean_text), at_most(MAX_LINE)]
Timestamp = Annotated[datetime, BeforeValidator(parse_timestamp)]
WebUrl = Annotated[str, at_most(MAX_URL), AfterValidator(_web_url)]
Dimension = Annotated[int, Field(gt=0, le=MAX_DIMENSION, strict=True)]


class Frozen(BaseModel):
    """Immutable, strict about unknown keys, numbers accepted where text is expected."""

    model_config = ConfigDict(frozen=True, extra="forbid", coerce_numbers_to_str=True)


M = TypeVar("M", bound=Frozen)


class AuthorMeta(Frozen):
    """Who wrote a page (or the whole site), as written in front matter."""

    name: Name
    url: WebUrl | None = None


class ImageMeta(Frozen):
    """An illustration: a file under static/ or an absolute http(s) URL."""

    src: ImageSrc
    width: Dimension | None = None
    height: Dimension | None = None
    caption: OptionalText = ""


class PageMeta(Frozen):
    """Front matter shared by every kind of page."""

    title: Name
    published: Timestamp | None = None  # from git history when left out; else undated
    modified: Timestamp | None = None
    aliases: tuple[Name, ...] = ()
    image: ImageMeta | None = None
    draft: Annotated[bool, Field(strict=True)] = False
    # false: no auto-links in this page; "always": also matched where its one-word title
    # is an everyday word (see markdown/autolink.py)
    auto_link: Annotated[bool, Field(strict=True)] | Literal["always"] | None = None
    auto_link_target: Annotated[bool, Field(strict=True)] = True
    auto_link_max: Annotated[int, Field(ge=0, le=10_000, strict=True)] | None = None
    # anything else a site keeps about a page (Zola's `extra`): passed to templates untouched
    extra: dict[str, Any] = Field(default_factory=dict)
    redirect_from: tuple[OldAddress, ...] = ()  # old addresses that lead here (renames)


class AreaMeta(PageMeta):
    """Front matter of an area (topic hub); its facets come from the body."""


class EntryMeta(PageMeta):
    """Front matter of a term or a definition."""

    summary: Text | None = None  # else the body's lead: text before <!--more-->, or 1st paragraph
    areas: tuple[Name, ...] = ()
    related: tuple[Name, ...] = ()
    author: AuthorMeta | None = None

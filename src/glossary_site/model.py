"""The content contract. No I/O here.

`*Meta` pydantic models validate front matter (unknown keys are errors); `Area` and
`Entry` are the loaded pages handed to the next stage, frozen dataclasses with the file
and lines they came from.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from . import urls
from .errors import Problem
from .frontmatter import YamlMapping

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


def _non_empty(value: str) -> str:
    if not value:
        raise ValueError("must not be empty")
    return value


def parse_timestamp(value: Any) -> datetime:
    """An ISO 8601 date-time with a time zone; the offset is kept as written."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(
                f"'{value}' is not a valid date-time; write ISO 8601 with a time zone, "
                "e.g. 2026-03-12T14:07:34+00:00"
            ) from None
    else:
        raise ValueError("must be a date-time like 2026-03-12T14:07:34+00:00")
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise ValueError(
            f"'{value}' has no time zone; add one, e.g. {parsed.isoformat()}+00:00"
            if isinstance(value, str) and "T" in value
            else f"'{value}' needs a time and a time zone, e.g. 2026-03-12T14:07:34+00:00"
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


Text = Annotated[str, AfterValidator(_clean_text), AfterValidator(_non_empty)]
OptionalText = Annotated[str, AfterValidator(_clean_text)]
Timestamp = Annotated[datetime, BeforeValidator(parse_timestamp)]
WebUrl = Annotated[str, AfterValidator(_web_url)]


class Frozen(BaseModel):
    """Immutable, strict about unknown keys, numbers accepted where text is expected."""

    model_config = ConfigDict(frozen=True, extra="forbid", coerce_numbers_to_str=True)


M = TypeVar("M", bound=Frozen)


class AuthorMeta(Frozen):
    """Who wrote a page (or the whole site), as written in front matter."""

    name: Text
    url: WebUrl | None = None


class ImageMeta(Frozen):
    """An illustration: a file under static/ or an absolute http(s) URL."""

    src: Annotated[str, AfterValidator(_image_src)]
    width: Annotated[int, Field(gt=0, strict=True)] | None = None
    height: Annotated[int, Field(gt=0, strict=True)] | None = None
    caption: OptionalText = ""


class PageMeta(Frozen):
    """Front matter shared by every kind of page."""

    title: Text
    published: Timestamp
    modified: Timestamp | None = None
    aliases: tuple[Text, ...] = ()
    image: ImageMeta | None = None
    draft: Annotated[bool, Field(strict=True)] = False
    auto_link: Annotated[bool, Field(strict=True)] | None = None

    @field_validator("modified")
    @classmethod
    def _modified_not_before_published(
        cls, value: datetime | None, info: ValidationInfo
    ) -> datetime | None:
        published = info.data.get("published")
        if value is not None and published is not None and value < published:
            raise ValueError(f"is earlier than 'published' ({published.isoformat()})")
        return value


class AreaMeta(PageMeta):
    """Front matter of an area (topic hub); its facets come from the body."""


class EntryMeta(PageMeta):
    """Front matter of a term or a definition."""

    summary: Text
    areas: tuple[Text, ...] = ()
    related: tuple[Text, ...] = ()
    author: AuthorMeta | None = None


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
    published: datetime
    modified: datetime
    aliases: tuple[str, ...]
    image: Image | None
    draft: bool
    auto_link: bool | None
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

    summary: str
    areas: tuple[Ref, ...]
    related: tuple[Ref, ...]
    author: Author | None


def image_of(meta: ImageMeta | None) -> Image | None:
    """The loaded form of a validated image."""
    return None if meta is None else Image(meta.src, meta.width, meta.height, meta.caption)


def author_of(meta: AuthorMeta | None) -> Author | None:
    """The loaded form of a validated author."""
    return None if meta is None else Author(meta.name, meta.url)


def validate_meta(model: type[M], mapping: YamlMapping, path: str) -> M | list[Problem]:
    """Validate front matter against `model`; every failure becomes a `path:line` problem."""
    try:
        return model.model_validate(mapping.data)
    except ValidationError as exc:
        return [_problem(model, err, mapping, path) for err in exc.errors()]


def flat_lines(mapping: YamlMapping) -> dict[str, int]:
    """Key paths as dotted strings ("related.2") mapped to their lines."""
    return {".".join(str(part) for part in key): line for key, line in mapping.lines.items()}


def _problem(model: type[Frozen], err: Any, mapping: YamlMapping, path: str) -> Problem:
    loc = tuple(err["loc"])
    line = mapping.line(loc, 1)
    kind = err["type"]
    name = _display(loc)
    if kind == "missing":
        return Problem(path, 1, f"missing required field '{name}'", "missing-field")
    if kind == "extra_forbidden":
        return _unknown_field(model, loc, line, path)
    return Problem(path, line, f"'{name}' {_explain(err)}", "invalid-field")


def _unknown_field(model: type[Frozen], loc: tuple, line: int, path: str) -> Problem:
    from rapidfuzz import fuzz, process  # only a site with this mistake pays for the import

    known = sorted(_fields_at(model, loc[:-1]))
    key = str(loc[-1])
    match = process.extractOne(key, known, scorer=fuzz.ratio, score_cutoff=60)
    if match:
        hint = f"; did you mean '{match[0]}'?"
        suggestions: tuple[str, ...] = (match[0],)
    else:
        hint = f"; known fields: {', '.join(known)}"
        suggestions = ()
    return Problem(
        path, line, f"'{key}' is not a known field{hint}", "unknown-field", suggestions=suggestions
    )


def _fields_at(model: type[BaseModel], loc: tuple) -> set[str]:
    current: type[BaseModel] = model
    for part in loc:
        if not isinstance(part, str):
            continue
        annotation = current.model_fields[part].annotation
        nested = [a for a in getattr(annotation, "__args__", (annotation,)) if _is_model(a)]
        if not nested:
            break
        current = nested[0]
    return set(current.model_fields)


def _is_model(candidate: Any) -> bool:
    return isinstance(candidate, type) and issubclass(candidate, BaseModel)


def _display(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "front matter"


_EXPLAIN = {
    "string_type": "must be text",
    "list_type": "must be a list, e.g. [first, second]",
    "tuple_type": "must be a list, e.g. [first, second]",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "model_type": "must be a mapping of 'key: value' pairs",
    "model_attributes_type": "must be a mapping of 'key: value' pairs",
    "dict_type": "must be a mapping of 'key: value' pairs",
    "greater_than": "must be greater than {gt}",
    "greater_than_equal": "must be at least {ge}",
}


def _explain(err: Any) -> str:
    template = _EXPLAIN.get(err["type"])
    if template:
        return template.format(**err.get("ctx", {}))
    message = str(err["msg"])
    return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")

"""The page graph that resolve builds and render draws from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from glossary_site.markdown import RenderedBody
from glossary_site.model import Area, Entry, Page, SiteConfig

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class SiteGraph:
    """Pages and every resolved edge between them; what the renderer draws from."""

    config: SiteConfig
    areas: tuple[Area, ...]
    entries: tuple[Entry, ...]
    pages: dict[str, Page]
    bodies: dict[str, RenderedBody]
    body_keys: dict[str, str]
    area_sections: dict[str, tuple[RenderedBody, ...]]
    related: dict[str, tuple[str, ...]]
    entry_areas: dict[str, tuple[str, ...]]
    glossary: dict[str, tuple[str, ...]]
    links: dict[str, tuple[str, ...]]
    backlinks: dict[str, tuple[str, ...]]
    members: dict[str, tuple[str, ...]]
    neighbours: dict[str, tuple[str, ...]]
    hrefs: dict[str, str]
    discover: dict[str, tuple[str, ...]] = field(default_factory=dict)
    summaries: dict[str, str] = field(default_factory=dict)  # summary HTML, when it has markup
    redirects: dict[str, str] = field(default_factory=dict)  # old page id -> page id


def newest_first(page: Page) -> tuple:
    """Sort key: newest published first, undated pages last, then by id for a stable order."""
    published = page.published
    return (published is None, -published.timestamp() if published else 0.0, page.id)


def kept_while_equal(memo: list[Any], inputs: tuple[Any, ...], make: Callable[[], T]) -> T:
    """make(), or what it gave last time (`memo`: [inputs, value]) when the inputs are
    equal and dicts among them in the same order (what is derived from a dict follows
    its order). For a process that builds again (glossary serve): after a retitle or an
    edit of text most of the graph's edges are as they were, and comparing them costs a
    tenth of deriving from them again."""
    if memo and all(_same(a, b) for a, b in zip(memo[0], inputs, strict=True)):
        memo[0] = inputs  # the graph's own copies: the older equal ones can go
        return memo[1]  # type: ignore[no-any-return]
    value = make()
    memo[:] = [inputs, value]
    return value


def _same(a: Any, b: Any) -> bool:
    return a == b and (not isinstance(a, dict) or list(a) == list(b))

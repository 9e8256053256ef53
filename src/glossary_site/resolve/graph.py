"""The page graph that resolve builds and render draws from."""

from __future__ import annotations

from dataclasses import dataclass, field

from glossary_site.markdown import RenderedBody
from glossary_site.model import Area, Entry, Page, SiteConfig


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

"""The view context: the graph, and memoised "cards" — what lists show of a page.

A card is plain data (marshal-able); its digest stands for the card in page keys, so a
page that lists an entry changes exactly when that entry's card does.
"""

from __future__ import annotations

import hashlib
import marshal
from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from glossary_site import urls
from glossary_site.markdown import first_sentence
from glossary_site.model import Author, Image, SiteConfig
from glossary_site.resolve import SiteGraph

Inputs = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class View:
    """What a job renders: a template (or a JSON document when None) and its context."""

    path: str
    template: str | tuple[str, ...] | None
    context: dict[str, Any]


@dataclass
class ViewContext:
    """The graph plus per-process memos of the cards many pages share."""

    graph: SiteGraph
    _cards: dict[str, dict[str, Any]] = field(default_factory=dict)
    _area_cards: dict[str, dict[str, Any]] = field(default_factory=dict)
    _digests: dict[str, bytes] = field(default_factory=dict)

    @property
    def config(self) -> SiteConfig:
        """The site settings."""
        return self.graph.config

    def url(self, path: str) -> str:
        """Absolute URL of a site path."""
        return urls.absolute(self.config.base_url, path)

    def href(self, path: str) -> str:
        """Root-relative link to a site path."""
        return urls.href(self.config.base_path, path)

    def card(self, entry_id: str) -> dict[str, Any]:
        """What lists show of an entry."""
        if entry_id not in self._cards:
            self._cards[entry_id] = _entry_card(self, self.graph.pages[entry_id])
        return self._cards[entry_id]

    def area_card(self, area_id: str) -> dict[str, Any]:
        """What lists show of an area: its first facet as "Facet ⎊ first sentence"."""
        if area_id not in self._area_cards:
            self._area_cards[area_id] = _area_card(self, area_id)
        return self._area_cards[area_id]

    def card_digest(self, page_id: str) -> bytes:
        """A digest of the card of a page (entry or area): it changes when the card does."""
        if page_id not in self._digests:
            card = self.area_card(page_id) if page_id.startswith("area/") else self.card(page_id)
            # version 0 writes no back-references, so equal cards give equal bytes
            self._digests[page_id] = hashlib.blake2b(
                marshal.dumps(card, 0), digest_size=16
            ).digest()
        return self._digests[page_id]

    def prepare(self, memo: MutableMapping[str, bytes]) -> None:
        """Compute every card digest once, before workers fork, reusing those of pages whose
        card inputs did not change since the last build (`memo`, kept by the caller)."""
        graph = self.graph
        used: dict[str, bytes] = {}
        for page in [*graph.areas, *graph.entries]:
            key = _card_key(graph, page)
            digest = memo.get(key)
            if digest is None:
                digest = self.card_digest(page.id)
            used[key] = self._digests[page.id] = digest
        memo.clear()
        memo.update(used)

    def listed(self, ids: Iterable[str]) -> tuple[tuple[str, bytes], ...]:
        """Ids with the digests of their cards: the inputs of a list on a page."""
        ids = ids if isinstance(ids, list | tuple) else list(ids)
        digests = self._digests
        try:  # after prepare(), every digest is known: plain lookups (the hot path)
            return tuple([(i, digests[i]) for i in ids])
        except KeyError:
            return tuple((i, self.card_digest(i)) for i in ids)


def _card_key(graph: SiteGraph, page: Any) -> str:
    """What a card is made of besides the site settings: the page's file, the image size
    read from static/, and for areas their first facet's text and member count."""
    if page.kind == urls.AREA:
        return (
            f"{page.digest}|{page.image!r}|{graph.body_keys[page.id]}|"
            f"{len(graph.members.get(page.id, ()))}"
        )
    return f"{page.digest}|{page.image!r}"


def iso_date(moment: datetime | None) -> str:
    """ISO 8601 with seconds and the offset as written; "" for an undated page."""
    return "" if moment is None else moment.isoformat(timespec="seconds")


def day(moment: datetime | None) -> str:
    """The calendar day of a date as written (its own offset), "" for an undated page."""
    return "" if moment is None else moment.date().isoformat()


def image_view(ctx: ViewContext, image: Image | None, title: str) -> dict[str, Any] | None:
    """What templates and JSON-LD need of an image."""
    if image is None:
        return None
    remote = urls.is_remote(image.src)
    return {
        "src": image.src if remote else ctx.href(image.src),
        "url": image.src if remote else ctx.url(image.src),
        "width": image.width,
        "height": image.height,
        "alt": image.caption or title,
        "caption": image.caption,
    }


def _author(author: Author) -> dict[str, Any]:
    return {"name": author.name, "url": author.url}


def _entry_card(ctx: ViewContext, page: Any) -> dict[str, Any]:
    sep = ctx.config.title_separator
    label = urls.LABELS[page.kind]
    path = urls.page_path(page.kind, page.slug)
    return {
        "id": page.id,
        "kind": page.kind,
        "kind_label": label,
        "title": page.title,
        "headline": f"{page.title}{sep}{label}",
        "summary": page.summary,
        "meaning": f"Meaning{sep}{page.summary}{sep}{label}",
        "href": ctx.href(path),
        "url": ctx.url(path),
        "published": iso_date(page.published),
        "modified": iso_date(page.modified),
        "published_day": day(page.published),
        "modified_day": day(page.modified),
        "image": image_view(ctx, page.image, page.title),
        "author": _author(page.author or ctx.config.site_author),
        "aliases": list(page.aliases),
    }


def _area_card(ctx: ViewContext, area_id: str) -> dict[str, Any]:
    area = ctx.graph.pages[area_id]
    path = urls.page_path(area.kind, area.slug)
    first = area.facets[0]
    sentence = first_sentence(ctx.graph.area_sections[area_id][1].text)
    return {
        "id": area_id,
        "title": area.title,
        "href": ctx.href(path),
        "url": ctx.url(path),
        "facet": first.name,
        "sentence": sentence,
        "teaser": f"{first.name}{ctx.config.title_separator}{sentence}",
        "kind_label": urls.LABELS[urls.AREA],
        "aliases": list(area.aliases),
        "count": len(ctx.graph.members.get(area_id, ())),
        "image": image_view(ctx, area.image, area.title),
        "published": iso_date(area.published),
        "modified": iso_date(area.modified),
    }


def ids_of(listed: tuple[tuple[str, bytes], ...]) -> list[str]:
    """The ids of a listed-with-digests input."""
    return [page_id for page_id, _ in listed]

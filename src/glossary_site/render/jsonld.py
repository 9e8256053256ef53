"""schema.org JSON-LD as pure functions of view data; one object per <script> block.

Inputs are the "cards" and page facts the renderer already computed (absolute URLs,
ISO dates with their offsets), so these functions only shape dictionaries.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

CONTEXT = "https://schema.org"
Card = Mapping[str, Any]


def dumps(block: Mapping[str, Any]) -> str:
    """Serialise for a <script> element: no content can close it or open a comment."""
    text = json.dumps(block, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def breadcrumbs(trail: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """BreadcrumbList from (name, absolute URL) pairs, Home first."""
    return {
        "@context": CONTEXT,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": url}
            for n, (name, url) in enumerate(trail, start=1)
        ],
    }


def website(name: str, base_url: str, language: str) -> dict[str, Any]:
    """WebSite with the SearchAction that the home page's `?s=` search answers."""
    return {
        "@context": CONTEXT,
        "@type": "WebSite",
        "name": name,
        "url": base_url,
        "inLanguage": language,
        "potentialAction": {
            "@type": "SearchAction",
            "target": f"{base_url}?s={{search_term_string}}",
            "query-input": "required name=search_term_string",
        },
    }


def faq(questions: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """FAQPage: one Question per facet, the answer as plain text."""
    return {
        "@context": CONTEXT,
        "@type": "FAQPage",
        "mainEntity": [
            {
                "@type": "Question",
                "name": question,
                "acceptedAnswer": {"@type": "Answer", "text": answer},
            }
            for question, answer in questions
        ],
    }


def collection(
    headline: str,
    description: str,
    url: str,
    publisher: str,
    parts: Sequence[Card],
    image: Card | None,
) -> dict[str, Any]:
    """CollectionPage of an area page: one Article per listed entry, in listed order."""
    block: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "CollectionPage",
        "headline": headline,
        "description": description,
        "url": url,
        "publisher": organization(publisher),
        "hasPart": [article_part(card) for card in parts],
    }
    if image:
        block["image"] = {"@type": "ImageObject", "url": image["url"]}
    return block


def _dates(card: Card) -> dict[str, str]:
    """datePublished and dateModified, each only when known: an undated page has neither
    (Google lists them as recommended, not required)."""
    dates = {"datePublished": card["published"], "dateModified": card["modified"]}
    return {key: value for key, value in dates.items() if value}


def article_part(card: Card) -> dict[str, Any]:
    """An entry as an Article inside a CollectionPage."""
    part: dict[str, Any] = {
        "@type": "Article",
        "@id": card["url"],
        "url": card["url"],
        "headline": card["title"],
        "description": card["meaning"],
        **_dates(card),
        "author": person(card["author"]),
    }
    if card["image"]:
        part["image"] = image_object(card["image"])
    return part


def article(
    card: Card, publisher: str, logo_url: str, site_image: Card | None = None
) -> dict[str, Any]:
    """The Article of a term or definition page: Google's Article checks want the
    publisher's logo and an image (the entry's, else the site's logo when it has one)."""
    block: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "Article",
        "mainEntityOfPage": {"@type": "WebPage", "@id": card["url"]},
        "headline": card["headline"],
        "description": card["meaning"],
        "url": card["url"],
        "author": person(card["author"]),
        **_dates(card),
        "publisher": {**organization(publisher), "logo": image_object({"url": logo_url})},
        "articleSection": [card["kind_label"]],
    }
    image = card["image"] or site_image
    if image:
        block["image"] = image_object(image)
    return block


def mentions(url: str, areas: Sequence[Card]) -> dict[str, Any]:
    """WebPage whose `mentions` are the areas in the page's Glossary box."""
    return {
        "@context": CONTEXT,
        "@type": "WebPage",
        "@id": url,
        "mentions": [
            {
                "@type": "DefinedTerm",
                "@id": area["url"],
                "name": area["title"],
                "url": area["url"],
                "description": area["teaser"],
            }
            for area in areas
        ],
    }


def defined_term(card: Card, set_url: str, set_name: str) -> dict[str, Any]:
    """The entry itself as a DefinedTerm of its kind's DefinedTermSet."""
    block: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "DefinedTerm",
        "@id": card["url"] + "#term",
        "name": card["title"],
        "description": card["summary"],
        "url": card["url"],
        "inDefinedTermSet": {"@type": "DefinedTermSet", "@id": set_url, "name": set_name},
    }
    if card["aliases"]:
        block["alternateName"] = list(card["aliases"])
    return block


def defined_term_set(url: str, name: str, cards: Sequence[Card]) -> dict[str, Any]:
    """A kind's A-Z index as a DefinedTermSet."""
    return {
        "@context": CONTEXT,
        "@type": "DefinedTermSet",
        "@id": url,
        "name": name,
        "url": url,
        "hasDefinedTerm": [
            {
                "@type": "DefinedTerm",
                "@id": card["url"] + "#term",
                "name": card["title"],
                "url": card["url"],
            }
            for card in cards
        ],
    }


def person(author: Card) -> dict[str, Any]:
    """A schema.org Person."""
    block = {"@type": "Person", "name": author["name"]}
    if author.get("url"):
        block["url"] = author["url"]
    return block


def organization(name: str) -> dict[str, Any]:
    """A schema.org Organization (the publisher)."""
    return {"@type": "Organization", "name": name}


def image_object(image: Card) -> dict[str, Any]:
    """A schema.org ImageObject with whatever size and caption are known."""
    block: dict[str, Any] = {"@type": "ImageObject", "url": image["url"]}
    if image.get("width") and image.get("height"):
        block["width"] = image["width"]
        block["height"] = image["height"]
    if image.get("caption"):
        block["caption"] = image["caption"]
    return block

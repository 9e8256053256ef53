"""Pagination of area entry lists into /area/<slug>/resource/<n>/ pages (per_page = 3)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import area, block, build_in, find_all, page, text_of
from page_helpers import (
    SEP,
    SITEMAP_NS,
    breadcrumb_trail,
    doc_at,
    head_link,
    listing_links,
    title_of,
)

BASE = "https://glossary.test/"
PER_PAGE = 3
FACETS = {"Mechanism": "It works like this. Second sentence.", "Risk": "It can go wrong. Badly."}


def area_site(count: int, *, drafts: int = 0, **extra: str) -> dict[str, str]:
    """Area 'stack' with `count` terms t01.. published one day apart (t01 oldest)."""
    files = {"content/area/stack.md": area("Stack", FACETS)}
    for n in range(1, count + 1):
        files[f"content/term/t{n:02}.md"] = page(
            f"Entry {n:02}",
            summary=f"Summary {n}.",
            areas=["stack"],
            published=f"2026-01-{n:02}T10:00:00+00:00",
        )
    for n in range(1, drafts + 1):
        files[f"content/definition/draft{n}.md"] = page(
            f"Draft {n}", areas=["stack"], published="2026-02-01T10:00:00+00:00", draft=True
        )
    files.update(extra)
    return files


def newest_first(count: int) -> list[str]:
    return [f"/term/t{n:02}/" for n in range(count, 0, -1)]


def resource(n: int) -> str:
    return f"area/stack/resource/{n}/"


def resource_numbers(out: Path) -> list[int]:
    folder = out / "area/stack/resource"
    return sorted(int(p.name) for p in folder.iterdir()) if folder.exists() else []


@pytest.fixture
def built(make_site: Callable[..., Path]) -> Callable[..., Path]:
    def make(count: int, **options: Any) -> Path:
        drafts = options.pop("draft_entries", 0)
        root = make_site(area_site(count, drafts=drafts))
        build_in(root, **options)
        return root / "build"

    return make


@pytest.fixture(scope="module")
def seven(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2 * per_page + 1 entries: three resource pages of 3, 3 and 1."""
    from conftest import write_site

    root = write_site(tmp_path_factory.mktemp("seven") / "site", area_site(7))
    build_in(root)
    return root / "build"


# ------------------------------------------------------------------ boundaries


def test_exactly_per_page_entries_make_no_resource_pages(built: Callable[..., Path]) -> None:
    out = built(PER_PAGE)
    assert resource_numbers(out) == []
    doc = doc_at(out, "area/stack/")
    assert listing_links(doc) == newest_first(PER_PAGE)
    assert not find_all(doc, "nav", "pager")
    assert head_link(doc, "next") is None and head_link(doc, "prev") is None


def test_one_more_than_per_page_makes_two_resource_pages(built: Callable[..., Path]) -> None:
    out = built(PER_PAGE + 1)
    assert resource_numbers(out) == [1, 2]
    assert listing_links(doc_at(out, resource(1))) == newest_first(4)[:3]
    assert listing_links(doc_at(out, resource(2))) == newest_first(4)[3:]


def test_twice_per_page_plus_one_makes_three_resource_pages(seven: Path) -> None:
    assert resource_numbers(seven) == [1, 2, 3]
    assert [len(listing_links(doc_at(seven, resource(n)))) for n in (1, 2, 3)] == [3, 3, 1]


def test_resource_pages_partition_the_area_list_in_order(seven: Path) -> None:
    pieces = [listing_links(doc_at(seven, resource(n))) for n in (1, 2, 3)]
    assert [href for piece in pieces for href in piece] == newest_first(7)


def test_resource_page_lists_only_its_slice(seven: Path) -> None:
    assert listing_links(doc_at(seven, resource(2))) == ["/term/t04/", "/term/t03/", "/term/t02/"]
    assert listing_links(doc_at(seven, resource(3))) == ["/term/t01/"]


def test_paginated_area_page_lists_its_newest_per_page_then_links_the_pages(
    seven: Path,
) -> None:
    doc = doc_at(seven, "area/stack/")
    assert listing_links(doc) == newest_first(7)[:PER_PAGE]
    assert listing_links(doc) == listing_links(doc_at(seven, resource(1)))
    pager = [a.get("href") for a in find_all(doc, "nav", "pager")[0].iter("a")]
    assert pager == [f"/{resource(n)}" for n in (1, 2, 3)]
    parts = block(doc, "CollectionPage")["hasPart"]
    assert [p["url"] for p in parts] == [BASE + h[1:] for h in newest_first(7)[:PER_PAGE]]


def test_per_page_comes_from_site_yaml(make_site: Callable[..., Path]) -> None:
    yaml = "name: One\nbase_url: https://one.test/\nper_page: 1\n"
    root = make_site(area_site(2), yaml)
    build_in(root)
    out = root / "build"
    assert resource_numbers(out) == [1, 2]
    assert listing_links(doc_at(out, resource(1))) == ["/term/t02/"]
    assert listing_links(doc_at(out, resource(2))) == ["/term/t01/"]


def test_drafts_do_not_count_toward_pagination(built: Callable[..., Path]) -> None:
    out = built(PER_PAGE, draft_entries=1)
    assert resource_numbers(out) == []


def test_drafts_count_when_built_with_drafts(built: Callable[..., Path]) -> None:
    out = built(PER_PAGE, draft_entries=1, drafts=True)
    assert resource_numbers(out) == [1, 2]
    assert listing_links(doc_at(out, resource(1)))[0] == "/definition/draft1/"


def test_an_area_named_twice_counts_once(make_site: Callable[..., Path]) -> None:
    files = area_site(2)
    files["content/term/t03.md"] = page(
        "Entry 03", areas=["stack", "Stack"], published="2026-01-03T10:00:00+00:00"
    )
    root = make_site(files)
    build_in(root)
    out = root / "build"
    assert listing_links(doc_at(out, "area/stack/")) == newest_first(3)
    assert resource_numbers(out) == []


def test_equal_dates_are_sliced_in_a_stable_order(make_site: Callable[..., Path]) -> None:
    files: dict[str, str] = {"content/area/stack.md": area("Stack", FACETS)}
    for slug in ("delta", "alpha", "echo", "bravo", "charlie"):
        files[f"content/definition/{slug}.md"] = page(
            slug.title(), areas=["stack"], published="2026-01-01T10:00:00+00:00"
        )
    root = make_site(files)
    build_in(root)
    out = root / "build"
    order = [f"/definition/{s}/" for s in ("alpha", "bravo", "charlie", "delta", "echo")]
    assert listing_links(doc_at(out, "area/stack/")) == order[:PER_PAGE]
    assert (
        listing_links(doc_at(out, resource(1))) + listing_links(doc_at(out, resource(2))) == order
    )


def test_order_uses_instants_across_offsets(make_site: Callable[..., Path]) -> None:
    files: dict[str, str] = {"content/area/stack.md": area("Stack", FACETS)}
    stamps = {
        "a": "2026-01-01T20:00:00+09:00",  # 11:00 UTC
        "b": "2026-01-01T07:00:00-05:00",  # 12:00 UTC
        "c": "2026-01-01T10:00:00+00:00",  # 10:00 UTC
        "d": "2026-01-01T13:30:00+00:00",
    }  # 13:30 UTC
    for slug, stamp in stamps.items():
        files[f"content/term/{slug}.md"] = page(slug.upper(), areas=["stack"], published=stamp)
    root = make_site(files)
    build_in(root)
    out = root / "build"
    assert listing_links(doc_at(out, resource(1))) == ["/term/d/", "/term/b/", "/term/a/"]
    assert listing_links(doc_at(out, resource(2))) == ["/term/c/"]


def test_shrinking_an_area_removes_stale_resource_pages(make_site: Callable[..., Path]) -> None:
    root = make_site(area_site(PER_PAGE + 1))
    build_in(root)
    assert resource_numbers(root / "build") == [1, 2]
    (root / "content/term/t04.md").unlink()
    build_in(root)
    assert resource_numbers(root / "build") == []
    sitemap = ET.parse(root / "build/sitemap.xml").getroot()
    assert not [u for u in sitemap.iter(f"{SITEMAP_NS}loc") if "/resource/" in (u.text or "")]


# ------------------------------------------------------- titles, breadcrumbs


def test_resource_page_title_names_its_number(seven: Path) -> None:
    for n in (1, 2, 3):
        assert title_of(doc_at(seven, resource(n))) == f"Stack{SEP}Area{SEP}Resource {n}"
    assert title_of(doc_at(seven, "area/stack/")) == f"Stack{SEP}Area{SEP}Test Glossary"


def test_resource_page_breadcrumb_has_four_levels(seven: Path) -> None:
    doc = doc_at(seven, resource(2))
    assert breadcrumb_trail(doc) == [
        ("Home", "/"),
        ("Area", "/area/"),
        ("Stack", "/area/stack/"),
        ("Resource 2", "/area/stack/resource/2/"),
    ]
    items = block(doc, "BreadcrumbList")["itemListElement"]
    assert [(i["position"], i["name"], i["item"]) for i in items] == [
        (1, "Home", BASE),
        (2, "Area", BASE + "area/"),
        (3, "Stack", BASE + "area/stack/"),
        (4, "Resource 2", BASE + "area/stack/resource/2/"),
    ]


def test_each_resource_page_is_its_own_canonical(seven: Path) -> None:
    for n in (1, 2, 3):
        assert head_link(doc_at(seven, resource(n)), "canonical") == BASE + resource(n)
    assert head_link(doc_at(seven, "area/stack/"), "canonical") == BASE + "area/stack/"


def test_resource_pages_repeat_the_facet_sections(seven: Path) -> None:
    for n in (1, 2, 3):
        facets = find_all(doc_at(seven, resource(n)), "section", "facet")
        assert [text_of(next(f.iter("h2"))) for f in facets] == [
            "What is the Mechanism of Stack?",
            "What is the Risk of Stack?",
        ]
        assert [text_of(next(f.iter("p"))) for f in facets] == list(FACETS.values())


def test_resource_listing_shows_meaning_and_kind(seven: Path) -> None:
    listing = find_all(doc_at(seven, resource(3)), "article", "listing")
    assert [text_of(find_all(i, "p", "meaning")[0]) for i in listing] == [
        f"Meaning{SEP}Summary 1.{SEP}Term"
    ]
    assert text_of(next(listing[0].iter("h3"))) == "Entry 01"


# ------------------------------------------------------------------ prev/next


@pytest.mark.parametrize(("n", "prev", "following"), [(1, None, 2), (2, 1, 3), (3, 2, None)])
def test_prev_next_links_in_head(
    seven: Path, n: int, prev: int | None, following: int | None
) -> None:
    doc = doc_at(seven, resource(n))
    assert head_link(doc, "prev") == (f"/{resource(prev)}" if prev else None)
    assert head_link(doc, "next") == (f"/{resource(following)}" if following else None)


@pytest.mark.parametrize(("n", "prev", "following"), [(1, None, 2), (2, 1, 3), (3, 2, None)])
def test_pager_nav_matches_head_links(
    seven: Path, n: int, prev: int | None, following: int | None
) -> None:
    doc = doc_at(seven, resource(n))
    pager = find_all(doc, "nav", "pager")[0]
    rels = {a.get("rel"): a.get("href") for a in pager.iter("a") if a.get("rel")}
    assert rels.get("prev") == (f"/{resource(prev)}" if prev else None)
    assert rels.get("next") == (f"/{resource(following)}" if following else None)


def test_pager_marks_the_current_page(seven: Path) -> None:
    pager = find_all(doc_at(seven, resource(2)), "nav", "pager")[0]
    numbered = [
        (text_of(a), a.get("href"), a.get("aria-current")) for a in next(pager.iter("ol")).iter("a")
    ]
    assert numbered == [
        ("1", "/" + resource(1), None),
        ("2", "/" + resource(2), "page"),
        ("3", "/" + resource(3), None),
    ]


def test_area_page_pager_links_every_resource_page(seven: Path) -> None:
    pager = find_all(doc_at(seven, "area/stack/"), "nav", "pager")[0]
    numbered = [a.get("href") for a in next(pager.iter("ol")).iter("a")]
    assert numbered == ["/" + resource(n) for n in (1, 2, 3)]


# ------------------------------------------------------------------- JSON-LD


def test_resource_collection_has_part_is_its_slice(seven: Path) -> None:
    doc = doc_at(seven, resource(2))
    collection = block(doc, "CollectionPage")
    assert collection["headline"] == f"Stack{SEP}Area{SEP}Resource 2"
    assert collection["url"] == BASE + resource(2)
    assert collection["description"] == f"Mechanism{SEP}It works like this."
    assert [p["headline"] for p in collection["hasPart"]] == ["Entry 04", "Entry 03", "Entry 02"]
    assert [p["description"] for p in collection["hasPart"]] == [
        f"Meaning{SEP}Summary {n}.{SEP}Term" for n in (4, 3, 2)
    ]


def test_resource_pages_carry_the_faq(seven: Path) -> None:
    main = block(doc_at(seven, "area/stack/"), "FAQPage")
    for n in (1, 2, 3):
        assert block(doc_at(seven, resource(n)), "FAQPage") == main
    assert [q["acceptedAnswer"]["text"] for q in main["mainEntity"]] == list(FACETS.values())


def test_sitemap_lists_each_resource_page(seven: Path) -> None:
    sitemap = ET.parse(seven / "sitemap.xml").getroot()
    locs = [u.text for u in sitemap.iter(f"{SITEMAP_NS}loc")]
    assert [loc for loc in locs if "/resource/" in loc] == [BASE + resource(n) for n in (1, 2, 3)]

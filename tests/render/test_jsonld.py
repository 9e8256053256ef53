"""schema.org JSON-LD: every block of every page parses; fields per page type match
the reference pages of a real glossary site (BreadcrumbList, WebSite, FAQPage,
CollectionPage, Article, WebPage/mentions, DefinedTerm, DefinedTermSet)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import area, block, build_in, find_all, jsonld, page, parse_html, text_of
from page_helpers import (
    SEP,
    build_fixture_site,
    doc_at,
    html_file,
    html_pages,
    json_blocks,
    listing_links,
    raw_ld_texts,
    title_of,
)

BASE = "https://basic.test/"
ENTRY_TYPES = ["BreadcrumbList", "WebSite", "Article", "WebPage", "DefinedTerm"]
AREA_TYPES = ["BreadcrumbList", "WebSite", "FAQPage", "CollectionPage"]


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture_site(tmp_path_factory.mktemp("jsonld"))


def ld(out: Path, path: str, schema_type: str) -> dict[str, Any]:
    return block(doc_at(out, path), schema_type)


def all_html(out: Path) -> list[Path]:
    return [html_file(out, p) for p in html_pages(out)] + [out / "404.html"]


# ------------------------------------------------------------------ every page


def test_every_block_of_every_page_parses(out: Path) -> None:
    pages = all_html(out)
    assert len(pages) == 14
    for path in pages:
        raw = raw_ld_texts(path)
        assert raw, path
        blocks = [json.loads(text) for text in raw]
        assert all(isinstance(b, dict) and b["@context"] == "https://schema.org" for b in blocks)
        # the HTML parser sees the very same blocks
        assert jsonld(parse_html(path)) == blocks, path


def test_every_page_has_one_breadcrumb_list_and_one_website(out: Path) -> None:
    for path in all_html(out):
        types = [b["@type"] for b in json_blocks(path)]
        assert types.count("BreadcrumbList") == 1, path
        assert types.count("WebSite") == 1, path


def test_block_types_per_page_kind(out: Path) -> None:
    def types(path: str) -> list[str]:
        return [b["@type"] for b in json_blocks(html_file(out, path))]

    assert types("term/liquidation-price/") == ENTRY_TYPES
    assert types("definition/premium/") == ENTRY_TYPES
    assert types("area/options/") == AREA_TYPES
    assert types("area/margin/resource/1/") == AREA_TYPES
    assert types("term/") == ["BreadcrumbList", "WebSite", "DefinedTermSet"]
    assert types("definition/") == ["BreadcrumbList", "WebSite", "DefinedTermSet"]


def test_website_has_search_action(out: Path) -> None:
    for path in all_html(out):
        site = next(b for b in json_blocks(path) if b["@type"] == "WebSite")
        assert site["url"] == BASE
        assert site["potentialAction"] == {
            "@type": "SearchAction",
            "target": "https://basic.test/?s={search_term_string}",
            "query-input": "required name=search_term_string",
        }


def test_page_urls_are_absolute_with_trailing_slash(out: Path) -> None:
    def walk(node: Any, parent_type: str | None) -> list[str]:
        found = []
        if isinstance(node, dict):
            kind = node.get("@type", parent_type)
            for key, value in node.items():
                if key in ("url", "item", "@id") and kind != "ImageObject":
                    found.append(value)
                found += walk(value, kind)
        elif isinstance(node, list):
            for item in node:
                found += walk(item, parent_type)
        return found

    for path in all_html(out):
        for url in [u for b in json_blocks(path) for u in walk(b, None)]:
            assert url.startswith(BASE), (path, url)
            assert url.split("#")[0].endswith("/"), (path, url)


@pytest.mark.parametrize(
    ("path", "trail"),
    [
        ("", [("Home", "")]),
        ("term/", [("Home", ""), ("Term", "term/")]),
        ("area/margin/", [("Home", ""), ("Area", "area/"), ("Margin", "area/margin/")]),
        (
            "area/margin/resource/2/",
            [
                ("Home", ""),
                ("Area", "area/"),
                ("Margin", "area/margin/"),
                ("Resource 2", "area/margin/resource/2/"),
            ],
        ),
        (
            "term/option-leverage/",
            [("Home", ""), ("Term", "term/"), ("Option Leverage", "term/option-leverage/")],
        ),
        (
            "definition/premium/",
            [("Home", ""), ("Definition", "definition/"), ("Premium", "definition/premium/")],
        ),
    ],
)
def test_breadcrumb_list_items(out: Path, path: str, trail: list[tuple[str, str]]) -> None:
    items = ld(out, path, "BreadcrumbList")["itemListElement"]
    assert items == [
        {"@type": "ListItem", "position": n, "name": name, "item": BASE + p}
        for n, (name, p) in enumerate(trail, start=1)
    ]


# ------------------------------------------------------------------ area pages


def test_faq_has_one_question_per_facet(out: Path) -> None:
    doc = doc_at(out, "area/margin/")
    faq = block(doc, "FAQPage")
    questions = [text_of(next(f.iter("h2"))) for f in find_all(doc, "section", "facet")]
    assert [q["name"] for q in faq["mainEntity"]] == questions
    assert faq["mainEntity"][1] == {
        "@type": "Question",
        "name": "What is the Risk of Margin?",
        "acceptedAnswer": {
            "@type": "Answer",
            "text": "Margin can run out when prices move "
            "against a position. Then the venue liquidates it.",
        },
    }


def test_faq_answer_is_plain_text(make_site: Any) -> None:
    root = make_site(
        {
            "content/area/a.md": area(
                "Alpha",
                {
                    "Mechanism": "It has **bold** words, `code` and a [link](https://example.org/).\n\n"
                    "A second paragraph."
                },
            )
        }
    )
    build_in(root)
    faq = block(doc_at(root / "build", "area/a/"), "FAQPage")
    answer = faq["mainEntity"][0]["acceptedAnswer"]["text"]
    assert "<" not in answer and "**" not in answer and "](" not in answer
    assert answer.startswith("It has bold words, code and a link.")
    assert answer.endswith("A second paragraph.")


def test_collection_page_headline_description_url_publisher(out: Path) -> None:
    doc = doc_at(out, "area/margin/")
    collection = block(doc, "CollectionPage")
    assert collection["headline"] == title_of(doc) == f"Margin{SEP}Area{SEP}Basic Glossary"
    assert collection["description"] == (
        f"Collateral{SEP}Margin is the collateral a trader posts to open a leveraged position."
    )
    assert collection["url"] == BASE + "area/margin/"
    assert collection["publisher"] == {"@type": "Organization", "name": "Basic Glossary"}
    assert collection["image"] == {"@type": "ImageObject", "url": BASE + "img/chart.svg"}


def test_collection_has_part_follows_listed_order(out: Path) -> None:
    for path in (
        "area/margin/",
        "area/options/",
        "area/margin/resource/1/",
        "area/margin/resource/2/",
    ):
        doc = doc_at(out, path)
        parts = block(doc, "CollectionPage")["hasPart"]
        assert [p["url"] for p in parts] == [BASE + h.lstrip("/") for h in listing_links(doc)]
        assert all(p["@id"] == p["url"] and p["@type"] == "Article" for p in parts)


def test_collection_article_fields(out: Path) -> None:
    parts = block(doc_at(out, "area/options/"), "CollectionPage")["hasPart"]
    assert parts[1] == {
        "@type": "Article",
        "@id": BASE + "definition/premium/",
        "url": BASE + "definition/premium/",
        "headline": "Premium",
        "description": f"Meaning{SEP}The price paid for an option.{SEP}Definition",
        "datePublished": "2025-12-24T12:00:00+01:00",
        "dateModified": "2025-12-24T12:00:00+01:00",
        "author": {"@type": "Person", "name": "Basic Editors", "url": "https://basic.test/about/"},
    }


def test_collection_article_has_image_when_entry_has_one(out: Path) -> None:
    parts = [
        part
        for path in ("area/margin/", "area/margin/resource/2/")
        for part in block(doc_at(out, path), "CollectionPage")["hasPart"]
    ]
    by_url = {p["url"]: p for p in parts}
    assert by_url[BASE + "term/liquidation-price/"]["image"] == {
        "@type": "ImageObject",
        "url": BASE + "img/chart.svg",
        "width": 640,
        "height": 360,
        "caption": "Where liquidation happens.",
    }
    assert "image" not in by_url[BASE + "definition/initial-margin/"]


def test_collection_falls_back_to_first_entry_image(make_site: Any) -> None:
    root = make_site(
        {
            "content/area/a.md": area("Alpha"),
            "content/term/t.md": page(
                "Tee",
                areas=["a"],
                image={
                    "src": "https://cdn.example.org/t.jpg",
                    "width": 800,
                    "height": 600,
                    "caption": "Remote.",
                },
            ),
        }
    )
    build_in(root)
    collection = block(doc_at(root / "build", "area/a/"), "CollectionPage")
    assert collection["image"] == {"@type": "ImageObject", "url": "https://cdn.example.org/t.jpg"}


# ------------------------------------------------------------------ entry pages


def test_article_fields_of_a_term(out: Path) -> None:
    assert ld(out, "term/liquidation-price/", "Article") == {
        "@context": "https://schema.org",
        "@type": "Article",
        "mainEntityOfPage": {"@type": "WebPage", "@id": BASE + "term/liquidation-price/"},
        "headline": f"Liquidation Price{SEP}Term",
        "description": f"Meaning{SEP}The price at which a leveraged position is closed by "
        f"force.{SEP}Term",
        "url": BASE + "term/liquidation-price/",
        "author": {"@type": "Person", "name": "Basic Editors", "url": "https://basic.test/about/"},
        "datePublished": "2026-03-12T14:07:34+00:00",
        "dateModified": "2026-03-20T09:00:00+00:00",
        "publisher": {
            "@type": "Organization",
            "name": "Basic Glossary",
            "logo": {"@type": "ImageObject", "url": BASE + "assets/favicon.svg"},
        },
        "articleSection": ["Term"],
        "image": {
            "@type": "ImageObject",
            "url": BASE + "img/chart.svg",
            "width": 640,
            "height": 360,
            "caption": "Where liquidation happens.",
        },
    }


def test_article_of_a_definition(out: Path) -> None:
    article = ld(out, "definition/maintenance-margin/", "Article")
    assert article["headline"] == f"Maintenance Margin{SEP}Definition"
    assert article["description"] == (
        f"Meaning{SEP}The least margin a position must keep to stay open.{SEP}Definition"
    )
    assert article["articleSection"] == ["Definition"]
    assert "image" not in article


def test_date_modified_defaults_to_published(out: Path) -> None:
    article = ld(out, "definition/initial-margin/", "Article")
    assert article["datePublished"] == article["dateModified"] == "2026-01-10T12:00:00+00:00"


def test_dates_keep_their_written_offset(out: Path) -> None:
    assert ld(out, "term/option-leverage/", "Article")["datePublished"] == (
        "2026-02-01T10:00:00-05:00"
    )
    assert ld(out, "definition/premium/", "Article")["datePublished"] == (
        "2025-12-24T12:00:00+01:00"
    )
    parts = block(doc_at(out, "area/options/"), "CollectionPage")["hasPart"]
    assert parts[0]["datePublished"] == "2026-02-01T10:00:00-05:00"


def test_article_author_from_front_matter(make_site: Any) -> None:
    root = make_site(
        {
            "content/definition/d.md": page(
                "Dee", author={"name": "Ada Writer", "url": "https://ada.test/"}
            )
        }
    )
    build_in(root)
    article = block(doc_at(root / "build", "definition/d/"), "Article")
    assert article["author"] == {
        "@type": "Person",
        "name": "Ada Writer",
        "url": "https://ada.test/",
    }
    assert article["publisher"] == {
        "@type": "Organization",
        "name": "Test Glossary",
        "logo": {"@type": "ImageObject", "url": "https://glossary.test/assets/favicon.svg"},
    }


def test_webpage_mentions_match_glossary_box(out: Path) -> None:
    doc = doc_at(out, "term/option-leverage/")
    webpage = block(doc, "WebPage")
    assert webpage["@id"] == BASE + "term/option-leverage/"
    box = find_all(doc, "section", "glossary-box")[0]
    shown = [
        (text_of(next(s.iter("a"))), text_of(next(s.iter("p"))))
        for s in find_all(box, "section", "glossary-area")
    ]
    assert [(m["name"], m["description"]) for m in webpage["mentions"]] == shown
    assert webpage["mentions"][0] == {
        "@type": "DefinedTerm",
        "@id": BASE + "area/options/",
        "name": "Options Trading",
        "url": BASE + "area/options/",
        "description": f"Pricing{SEP}An option's price reflects volatility and time.",
    }


def test_defined_term_points_at_its_kind_index(out: Path) -> None:
    term = ld(out, "term/liquidation-price/", "DefinedTerm")
    assert term["name"] == "Liquidation Price"
    assert term["url"] == BASE + "term/liquidation-price/"
    assert term["inDefinedTermSet"]["@id"] == BASE + "term/"
    definition = ld(out, "definition/premium/", "DefinedTerm")
    assert definition["inDefinedTermSet"]["@id"] == BASE + "definition/"


def test_defined_term_sets_list_every_entry_of_their_kind(out: Path) -> None:
    terms = ld(out, "term/", "DefinedTermSet")
    assert terms["@id"] == terms["url"] == BASE + "term/"
    assert [t["url"] for t in terms["hasDefinedTerm"]] == [
        BASE + "term/liquidation-price/",
        BASE + "term/option-leverage/",
    ]
    definitions = ld(out, "definition/", "DefinedTermSet")
    assert [t["name"] for t in definitions["hasDefinedTerm"]] == [
        "Initial Margin",
        "Maintenance Margin",
        "Premium",
    ]
    # each member is the same node as the DefinedTerm on the entry page
    ids = {t["@id"] for t in terms["hasDefinedTerm"]}
    assert ld(out, "term/option-leverage/", "DefinedTerm")["@id"] in ids


# ------------------------------------------------------------------- escaping

HOSTILE = 'Bad </script><script>alert(1)</script> <!-- & "x"'


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import write_site

    root = write_site(
        tmp_path_factory.mktemp("hostile") / "site",
        {
            "content/area/a.md": area(
                HOSTILE, {"Risk </script>": "Text <!-- here </script>. More."}
            ),
            "content/term/t.md": page(
                HOSTILE,
                summary="Sum </SCRIPT > and <!-- x \u2028 y",
                areas=["a"],
                image={"src": "https://cdn.test/i.jpg", "caption": "Cap </script>"},
            ),
        },
    )
    build_in(root)
    return root / "build"


@pytest.mark.parametrize("path", ["term/t/", "area/a/", "term/", "", "404.html"])
def test_content_cannot_end_the_script_element(hostile: Path, path: str) -> None:
    file = hostile / path if path.endswith(".html") else html_file(hostile, path)
    for text in raw_ld_texts(file):
        assert "</" not in text.lower() and "<!--" not in text
        json.loads(text)


def test_escaped_json_ld_round_trips_the_content(hostile: Path) -> None:
    doc = doc_at(hostile, "term/t/")
    assert block(doc, "Article")["headline"] == f"{HOSTILE}{SEP}Term"
    assert block(doc, "DefinedTerm")["description"] == "Sum </SCRIPT > and <!-- x \u2028 y"
    assert block(doc, "Article")["image"]["caption"] == "Cap </script>"
    area_doc = doc_at(hostile, "area/a/")
    faq = block(area_doc, "FAQPage")["mainEntity"][0]
    assert faq["name"] == f"What is the Risk </script> of {HOSTILE}?"
    assert faq["acceptedAnswer"]["text"] == "Text <!-- here </script>. More."
    assert title_of(area_doc) == f"{HOSTILE}{SEP}Area{SEP}Test Glossary"


def test_line_separators_are_escaped_in_json_ld(hostile: Path) -> None:
    raw = "".join(raw_ld_texts(html_file(hostile, "term/t/")))
    assert "\u2028" not in raw and "\\u2028" in raw


# ------------------------------------------------------------------- base_url


def test_base_url_with_a_sub_path(make_site: Any) -> None:
    yaml = "name: Sub\nbase_url: https://example.org/glossary\n"
    root = make_site(
        {"content/area/a.md": area("Alpha"), "content/term/t.md": page("Tee", areas=["a"])}, yaml
    )
    build_in(root)
    doc = doc_at(root / "build", "term/t/")
    items = block(doc, "BreadcrumbList")["itemListElement"]
    assert [i["item"] for i in items] == [
        "https://example.org/glossary/",
        "https://example.org/glossary/term/",
        "https://example.org/glossary/term/t/",
    ]
    assert block(doc, "WebSite")["potentialAction"]["target"] == (
        "https://example.org/glossary/?s={search_term_string}"
    )
    assert block(doc, "WebPage")["mentions"][0]["url"] == "https://example.org/glossary/area/a/"

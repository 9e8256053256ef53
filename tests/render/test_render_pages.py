"""Page structure of the built site: entries, areas, indexes, home, 404, static files,
images, feeds, sitemap, robots.txt and the search index."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from conftest import SITES, area, build_in, find_all, page, parse_html, png, text_of
from page_helpers import (
    ATOM,
    SEP,
    SITEMAP_NS,
    breadcrumb_trail,
    build_fixture_site,
    doc_at,
    h1_of,
    html_pages,
    instant,
    listing_links,
    title_of,
)

BASE = "https://basic.test/"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture_site(tmp_path_factory.mktemp("render"))


def section(doc: Any, cls: str) -> Any:
    found = find_all(doc, "section", cls)
    assert len(found) == 1, f"expected one section.{cls}, found {len(found)}"
    return found[0]


def link_texts(element: Any) -> list[tuple[str, str]]:
    return [(text_of(a), a.get("href")) for a in element.iter("a")]


# ------------------------------------------------------------------ entry pages


def test_entry_titles_name_their_kind(out: Path) -> None:
    assert title_of(doc_at(out, "term/liquidation-price/")) == f"Liquidation Price{SEP}Term"
    assert title_of(doc_at(out, "definition/premium/")) == f"Premium{SEP}Definition"
    assert h1_of(doc_at(out, "definition/premium/")) == "Premium"


def test_entry_breadcrumb_is_home_kind_page(out: Path) -> None:
    assert breadcrumb_trail(doc_at(out, "definition/initial-margin/")) == [
        ("Home", "/"),
        ("Definition", "/definition/"),
        ("Initial Margin", "/definition/initial-margin/"),
    ]


def test_entry_meta_block_has_published_author_categories(out: Path) -> None:
    doc = doc_at(out, "term/option-leverage/")
    meta = find_all(doc, "dl", "entry-meta")[0]
    labels = [text_of(dt) for dt in meta.iter("dt")]
    assert labels[0] == "Published:" and {"Author:", "Categories:"} <= set(labels)
    time = next(meta.iter("time"))
    assert time.get("datetime") == "2026-02-01T10:00:00-05:00"
    assert text_of(time) == "2026-02-01"
    values = {text_of(dt): dd for dt, dd in zip(meta.iter("dt"), meta.iter("dd"), strict=True)}
    assert text_of(values["Author:"]) == "Basic Editors"
    assert link_texts(values["Categories:"]) == [("Term", "/term/")]


def test_entry_author_from_front_matter_replaces_site_author(make_site: Any) -> None:
    root = make_site(
        {
            "content/area/a.md": area("Alpha"),
            "content/term/t.md": page(
                "Tee", areas=["a"], author={"name": "Ada Writer", "url": "https://ada.test/"}
            ),
        }
    )
    build_in(root)
    meta = find_all(doc_at(root / "build", "term/t/"), "dl", "entry-meta")[0]
    assert ("Ada Writer", "https://ada.test/") in link_texts(meta)


def test_entry_body_is_rendered_markdown(out: Path) -> None:
    body = find_all(doc_at(out, "term/liquidation-price/"), "div", "entry-body")[0]
    assert [text_of(h) for h in body.iter("h2")] == ["How it is computed"]
    assert text_of(next(body.iter("pre"))) == "price = entry * (1 - 1/leverage + mm)"
    assert ("Maintenance Margin", "/definition/maintenance-margin/") in link_texts(body)


def test_related_list_keeps_written_order(out: Path) -> None:
    related = find_all(doc_at(out, "term/liquidation-price/"), "nav", "related")[0]
    assert link_texts(related) == [
        ("Maintenance Margin", "/definition/maintenance-margin/"),
        ("Initial Margin", "/definition/initial-margin/"),
    ]


def test_glossary_box_lists_areas_with_first_facet_sentence(out: Path) -> None:
    box = section(doc_at(out, "term/option-leverage/"), "glossary-box")
    assert text_of(next(box.iter("h2"))) == "Glossary"
    areas = find_all(box, "section", "glossary-area")
    assert [link_texts(a)[0] for a in areas] == [
        ("Options Trading", "/area/options/"),
        ("Margin", "/area/margin/"),
    ]
    assert [text_of(next(a.iter("p"))) for a in areas] == [
        f"Pricing{SEP}An option's price reflects volatility and time.",
        f"Collateral{SEP}Margin is the collateral a trader posts to open a leveraged position.",
    ]


def test_discover_more_never_shows_the_page_or_its_related_entries(out: Path) -> None:
    for path, related in [
        (
            "term/liquidation-price/",
            {"/definition/maintenance-margin/", "/definition/initial-margin/"},
        ),
        ("definition/initial-margin/", {"/definition/maintenance-margin/"}),
        ("term/option-leverage/", {"/term/liquidation-price/"}),
    ]:
        box = section(doc_at(out, path), "discover")
        hrefs = [next(card.iter("a")).get("href") for card in find_all(box, "article", "card")]
        assert hrefs, path
        assert "/" + path not in hrefs
        assert not related & set(hrefs), path
        assert len(hrefs) == len(set(hrefs))


def test_discover_more_includes_entries_of_a_shared_area(out: Path) -> None:
    box = section(doc_at(out, "definition/initial-margin/"), "discover")
    hrefs = {next(card.iter("a")).get("href") for card in find_all(box, "article", "card")}
    assert {"/term/liquidation-price/", "/term/option-leverage/"} <= hrefs


def test_discover_more_card_shows_image_title_and_meaning(out: Path) -> None:
    box = section(doc_at(out, "definition/initial-margin/"), "discover")
    cards = {next(c.iter("a")).get("href"): c for c in find_all(box, "article", "card")}
    card = cards["/term/liquidation-price/"]
    assert text_of(next(card.iter("h3"))) == "Liquidation Price"
    img = next(card.iter("img"))
    assert img.get("src") == "/img/chart.svg" and img.get("alt") == "Where liquidation happens."
    meaning = find_all(card, "p", "meaning")[0]
    assert text_of(meaning) == (
        f"Meaning{SEP}The price at which a leveraged position is closed by force."
    )


def test_referenced_by_lists_entries_linking_to_the_page(out: Path) -> None:
    box = section(doc_at(out, "definition/initial-margin/"), "backlinks")
    assert text_of(next(box.iter("h2"))) == "Referenced by"
    assert sorted(a.get("href") for a in box.iter("a")) == [
        "/definition/maintenance-margin/",
        "/term/liquidation-price/",
    ]


def test_entry_sections_come_in_reference_order(out: Path) -> None:
    article = find_all(doc_at(out, "term/liquidation-price/"), "article", "entry")[0]
    order = [c.get("class").split()[0] for c in article if c.get("class")]
    wanted = ["entry-body", "related", "glossary-box", "discover", "backlinks"]
    assert [c for c in order if c in wanted] == wanted


def test_draft_entries_are_not_built(out: Path) -> None:
    assert not (out / "definition/draft-entry").exists()
    links = [a.get("href") for p in html_pages(out) for a in doc_at(out, p).iter("a")]
    assert "/definition/draft-entry/" not in links


# ------------------------------------------------------------------- area pages


def test_area_title_names_area_and_site(out: Path) -> None:
    doc = doc_at(out, "area/margin/")
    assert title_of(doc) == f"Margin{SEP}Area{SEP}Basic Glossary"
    assert breadcrumb_trail(doc) == [("Home", "/"), ("Area", "/area/"), ("Margin", "/area/margin/")]


def test_area_facets_are_questions_in_written_order(out: Path) -> None:
    facets = find_all(doc_at(out, "area/options/"), "section", "facet")
    assert [text_of(next(f.iter("h2"))) for f in facets] == [
        "What is the Pricing of Options Trading?",
        "What is the Leverage of Options Trading?",
        "What is the Risk of Options Trading?",
    ]
    assert text_of(next(facets[2].iter("p"))) == (
        "Buyers risk only the premium paid. Sellers can lose far more."
    )


def test_area_lists_its_newest_per_page_members_first(out: Path) -> None:
    newest = [
        "/term/liquidation-price/",
        "/term/option-leverage/",
        "/definition/maintenance-margin/",
        "/definition/initial-margin/",
    ]
    assert listing_links(doc_at(out, "area/margin/")) == newest[:3]  # per_page: 3
    assert listing_links(doc_at(out, "area/margin/resource/2/")) == newest[3:]


def test_area_listing_shows_meaning_summary_and_kind(out: Path) -> None:
    listing = find_all(section(doc_at(out, "area/options/"), "area-entries"), "article", "listing")
    assert [text_of(find_all(item, "p", "meaning")[0]) for item in listing] == [
        f"Meaning{SEP}How much an option's value moves for a move in its underlying.{SEP}Term",
        f"Meaning{SEP}The price paid for an option.{SEP}Definition",
    ]


def test_area_order_compares_instants_not_written_clock_times(make_site: Any) -> None:
    root = make_site(
        {
            "content/area/a.md": area("Alpha"),
            # 10:00 at -05:00 is 15:00 UTC: newer than 12:00 UTC, though it reads earlier
            "content/term/west.md": page(
                "West", areas=["a"], published="2026-02-01T10:00:00-05:00"
            ),
            "content/term/utc.md": page("Utc", areas=["a"], published="2026-02-01T12:00:00+00:00"),
            "content/term/east.md": page(
                "East", areas=["a"], published="2026-02-01T13:00:00+03:00"
            ),
        }
    )
    build_in(root)
    assert listing_links(doc_at(root / "build", "area/a/")) == [
        "/term/west/",
        "/term/utc/",
        "/term/east/",
    ]


def test_area_with_no_members_still_renders(make_site: Any) -> None:
    root = make_site(
        {
            "content/area/lonely.md": area("Lonely"),
            "content/area/busy.md": area("Busy"),
            "content/term/t.md": page("Tee", areas=["busy"]),
        }
    )
    build_in(root)
    doc = doc_at(root / "build", "area/lonely/")
    assert listing_links(doc) == []
    assert find_all(doc, "p", "empty")
    assert not (root / "build/area/lonely/resource").exists()


def test_facet_name_with_braces_is_not_a_question_placeholder(make_site: Any) -> None:
    root = make_site(
        {
            "content/area/a.md": area(
                "Alpha",
                {
                    "Use of {title}": "First sentence. Second one.",
                    "{facet} Rules": "Rules apply. Always.",
                },
            )
        }
    )
    build_in(root)
    facets = find_all(doc_at(root / "build", "area/a/"), "section", "facet")
    assert [text_of(next(f.iter("h2"))) for f in facets] == [
        "What is the Use of {title} of Alpha?",
        "What is the {facet} Rules of Alpha?",
    ]


# ------------------------------------------------------------------ index pages


def test_term_index_lists_only_terms_alphabetically(out: Path) -> None:
    doc = doc_at(out, "term/")
    groups = find_all(doc, "section", "letter-group")
    items = [link_texts(g)[0] for g in groups]
    assert items == [
        ("Liquidation Price", "/term/liquidation-price/"),
        ("Option Leverage", "/term/option-leverage/"),
    ]


def test_definition_index_groups_by_first_letter(out: Path) -> None:
    groups = find_all(doc_at(out, "definition/"), "section", "letter-group")
    assert [(text_of(next(g.iter("h2"))), [t for t, _ in link_texts(g)]) for g in groups] == [
        ("I", ["Initial Margin"]),
        ("M", ["Maintenance Margin"]),
        ("P", ["Premium"]),
    ]


def test_area_index_lists_areas_with_teasers(out: Path) -> None:
    groups = find_all(doc_at(out, "area/"), "section", "letter-group")
    assert [link_texts(g)[0] for g in groups] == [
        ("Margin", "/area/margin/"),
        ("Options Trading", "/area/options/"),
    ]
    teaser = find_all(groups[1], "span", "teaser")[0]
    assert text_of(teaser) == f"Pricing{SEP}An option's price reflects volatility and time."


def test_letter_bar_links_to_each_letter_group(make_site: Any) -> None:
    titles = {
        "zeta": "zeta",
        "alpha": "Alpha",
        "apex": "apex",
        "beta": "Beta",
        "eclair": "Éclair",
        "three-d": "3D Model",
    }
    root = make_site(
        {f"content/definition/{slug}.md": page(title) for slug, title in titles.items()}
    )
    build_in(root)
    doc = doc_at(root / "build", "definition/")
    bar = find_all(doc, "nav", "letters")[0]
    groups = find_all(doc, "section", "letter-group")
    assert [text_of(a) for a in bar.iter("a")] == ["A", "B", "E", "Z", "#"]
    assert [a.get("href") for a in bar.iter("a")] == ["#" + g.get("id") for g in groups]
    assert [[t for t, _ in link_texts(g)] for g in groups] == [
        ["Alpha", "apex"],
        ["Beta"],
        ["Éclair"],
        ["zeta"],
        ["3D Model"],
    ]


# ------------------------------------------------------------------- home, 404


def test_home_links_every_index(out: Path) -> None:
    doc = doc_at(out, "")
    assert title_of(doc) == "Basic Glossary"
    browse = section(doc, "browse")
    assert [href for _, href in link_texts(browse)] == ["/area/", "/term/", "/definition/"]


def test_home_lists_latest_entries_newest_first(out: Path) -> None:
    latest = section(doc_at(out, ""), "latest")
    assert [next(a.iter("a")).get("href") for a in find_all(latest, "article", "listing")] == [
        "/term/liquidation-price/",
        "/term/option-leverage/",
        "/definition/maintenance-margin/",
        "/definition/initial-margin/",
        "/definition/premium/",
    ]


def test_not_found_page_uses_root_relative_links(out: Path) -> None:
    doc = parse_html(out / "404.html")
    assert title_of(doc) == f"Page not found{SEP}Basic Glossary"
    refs = [e.get("href") or e.get("src") for e in doc.iter() if e.get("href") or e.get("src")]
    assert refs
    assert all(r.startswith(("/", "https://", "#")) for r in refs), refs
    hrefs = {a.get("href") for a in next(doc.iter("main")).iter("a")}
    assert {"/area/", "/term/", "/definition/"} <= hrefs


# ---------------------------------------------------------------- static files


def test_static_files_are_copied_unchanged(out: Path) -> None:
    source = SITES / "basic/static/img/chart.svg"
    assert (out / "img/chart.svg").read_bytes() == source.read_bytes()


def test_theme_assets_are_copied(out: Path) -> None:
    assert (out / "assets/site.css").is_file()
    head = next(doc_at(out, "").iter("head"))
    sheets = [link.get("href") for link in head.iter("link") if link.get("rel") == "stylesheet"]
    assert sheets == ["/assets/site.css"]


# ---------------------------------------------------------------------- images


def test_images_have_size_alt_and_lazy_loading(out: Path) -> None:
    for path in html_pages(out):
        for img in doc_at(out, path).iter("img"):
            assert img.get("width") and img.get("height"), (path, img.attrib)
            assert img.get("alt"), (path, img.attrib)
            assert img.get("loading") == "lazy", (path, img.attrib)


def test_image_caption_is_alt_and_figcaption(out: Path) -> None:
    figure = find_all(doc_at(out, "term/liquidation-price/"), "figure", "entry-figure")[0]
    img = next(figure.iter("img"))
    assert (img.get("src"), img.get("width"), img.get("height"), img.get("alt")) == (
        "/img/chart.svg",
        "640",
        "360",
        "Where liquidation happens.",
    )
    assert text_of(next(figure.iter("figcaption"))) == "Where liquidation happens."


def test_local_image_size_is_read_from_the_svg_file(out: Path) -> None:
    img = next(find_all(doc_at(out, "area/margin/"), "figure", "area-figure")[0].iter("img"))
    assert (img.get("width"), img.get("height")) == ("640", "360")


def test_local_image_size_is_read_from_the_png_file(make_site: Any) -> None:
    root = make_site(
        {
            "content/definition/d.md": page(
                "Dee", image={"src": "pics/dot.png", "caption": "A dot."}
            ),
            "static/pics/dot.png": png(7, 5),
        }
    )
    build_in(root)
    img = next(doc_at(root / "build", "definition/d/").iter("img"))
    assert (img.get("width"), img.get("height"), img.get("alt"), img.get("loading")) == (
        "7",
        "5",
        "A dot.",
        "lazy",
    )


# ------------------------------------------------------------- escaping, Jinja


def test_markup_in_titles_renders_as_text(make_site: Any) -> None:
    title = "Puts & Calls <b>\"bold\"</b> 'q'"
    root = make_site({"content/term/t.md": page(title, summary='Less < more & "so" on')})
    build_in(root)
    doc = doc_at(root / "build", "term/t/")
    assert title_of(doc) == f"{title}{SEP}Term"
    assert h1_of(doc) == title
    assert not list(next(doc.iter("main")).iter("b"))
    head = next(doc.iter("head"))
    descriptions = [m.get("content") for m in head.iter("meta") if m.get("name") == "description"]
    assert descriptions == ['Less < more & "so" on']


def test_template_syntax_in_content_is_rendered_literally(make_site: Any) -> None:
    root = make_site(
        {
            "content/area/a.md": area(
                "Area {{ 7*7 }}", {"{% if true %}Facet{% endif %}": "Text {{ 7*7 }} here. More."}
            ),
            "content/term/t.md": page(
                "Title {{ 7*7 }}",
                summary="Sum {% if x %}y{% endif %}",
                areas=["a"],
                body="Body {{ 7*7 }} and {% raw %}\n",
            ),
        }
    )
    build_in(root)
    doc = doc_at(root / "build", "term/t/")
    assert h1_of(doc) == "Title {{ 7*7 }}"
    assert text_of(find_all(doc, "p", "lead")[0]) == f"Meaning{SEP}Sum {{% if x %}}y{{% endif %}}"
    body = find_all(doc, "div", "entry-body")[0]
    assert text_of(body) == "Body {{ 7*7 }} and {% raw %}"
    area_doc = doc_at(root / "build", "area/a/")
    facet = find_all(area_doc, "section", "facet")[0]
    assert text_of(next(facet.iter("h2"))) == (
        "What is the {% if true %}Facet{% endif %} of Area {{ 7*7 }}?"
    )
    assert text_of(next(facet.iter("p"))) == "Text {{ 7*7 }} here. More."


# ----------------------------------------------------------------------- feeds


def feed_entries(path: Path) -> list[Any]:
    return ET.parse(path).getroot().findall(f"{ATOM}entry")


def test_site_feed_lists_entries_newest_modified_first(out: Path) -> None:
    entries = feed_entries(out / "feed.xml")
    assert [e.findtext(f"{ATOM}id") for e in entries] == [
        BASE + "term/liquidation-price/",
        BASE + "term/option-leverage/",
        BASE + "definition/maintenance-margin/",
        BASE + "definition/initial-margin/",
        BASE + "definition/premium/",
    ]
    first = entries[0]
    assert first.findtext(f"{ATOM}title") == "Liquidation Price"
    assert first.findtext(f"{ATOM}updated") == "2026-03-20T09:00:00+00:00"
    assert entries[1].findtext(f"{ATOM}published") == "2026-02-01T10:00:00-05:00"


def test_feed_is_capped_at_feed_items(make_site: Any) -> None:
    yaml = "name: F\nbase_url: https://f.test/\nfeed_items: 2\n"
    files = {"content/area/a.md": area("Alpha")}
    for day in range(1, 6):
        files[f"content/term/t{day}.md"] = page(
            f"T{day}", areas=["a"], published=f"2026-01-0{day}T10:00:00+00:00"
        )
    root = make_site(files, yaml)
    build_in(root)
    ids = [e.findtext(f"{ATOM}id") for e in feed_entries(root / "build/feed.xml")]
    assert ids == ["https://f.test/term/t5/", "https://f.test/term/t4/"]
    area_ids = [e.findtext(f"{ATOM}id") for e in feed_entries(root / "build/area/a/feed.xml")]
    assert area_ids == ids


def test_feed_updated_is_the_newest_entry_instant(make_site: Any) -> None:
    root = make_site(
        {
            # 10:00 at -05:00 (15:00 UTC) is later than 12:00 UTC
            "content/term/west.md": page("West", published="2026-02-01T10:00:00-05:00"),
            "content/term/utc.md": page("Utc", published="2026-02-01T12:00:00+00:00"),
        }
    )
    build_in(root)
    feed = ET.parse(root / "build/feed.xml").getroot()
    entries = feed.findall(f"{ATOM}entry")
    assert entries[0].findtext(f"{ATOM}id") == "https://glossary.test/term/west/"
    newest = max(instant(e.findtext(f"{ATOM}updated")) for e in entries)
    assert instant(feed.findtext(f"{ATOM}updated")) == newest


def test_area_feed_lists_only_area_members(out: Path) -> None:
    feed = ET.parse(out / "area/options/feed.xml").getroot()
    assert feed.findtext(f"{ATOM}title") == f"Options Trading{SEP}Basic Glossary"
    assert [e.findtext(f"{ATOM}id") for e in feed.findall(f"{ATOM}entry")] == [
        BASE + "term/option-leverage/",
        BASE + "definition/premium/",
    ]
    head = next(doc_at(out, "area/options/").iter("head"))
    feeds = [
        link.get("href") for link in head.iter("link") if link.get("type") == "application/atom+xml"
    ]
    assert feeds == ["/feed.xml", "/area/options/feed.xml"]


# ------------------------------------------------------------ sitemap, robots


def test_sitemap_lists_every_page_url(out: Path) -> None:
    root = ET.parse(out / "sitemap.xml").getroot()
    assert root.tag == f"{SITEMAP_NS}urlset"
    locs = [u.findtext(f"{SITEMAP_NS}loc") for u in root.findall(f"{SITEMAP_NS}url")]
    assert len(locs) == len(set(locs))
    assert set(locs) == {BASE + p for p in html_pages(out)}
    assert BASE + "area/margin/resource/2/" in locs


def test_sitemap_lastmod_keeps_offsets(out: Path) -> None:
    root = ET.parse(out / "sitemap.xml").getroot()
    lastmod = {
        u.findtext(f"{SITEMAP_NS}loc"): u.findtext(f"{SITEMAP_NS}lastmod")
        for u in root.findall(f"{SITEMAP_NS}url")
    }
    assert lastmod[BASE + "term/option-leverage/"] == "2026-02-01T10:00:00-05:00"
    assert lastmod[BASE + "definition/premium/"] == "2025-12-24T12:00:00+01:00"


def test_robots_points_to_the_sitemap(out: Path) -> None:
    lines = (out / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert "Sitemap: https://basic.test/sitemap.xml" in lines
    assert "User-agent: *" in lines

"""Hover definitions: the data each page carries, the switch, the budget, and the card in
real headless Chromium (hover, focus, tap, Esc, viewport)."""

from __future__ import annotations

import functools
import gzip
import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import REPO, SITES, build_in, parse_html

ENTRY = "/term/liquidation-price/"
WIKILINK = '.entry-body a.wikilink[href="/definition/maintenance-margin/"]'
RELATED = '.related a[href="/definition/initial-margin/"]'


def _built(root: Path) -> Path:
    shutil.copytree(SITES / "basic", root, ignore=shutil.ignore_patterns(".glossary-cache"))
    build_in(root)
    return root / "build"


def _tips(out: Path, path: str) -> dict | None:
    doc = parse_html(out / path.strip("/") / "index.html")
    found = [s for s in doc.iter("script") if s.get("id") == "gs-tips"]
    return json.loads(found[0].text) if found else None


def test_a_page_carries_the_cards_of_the_entries_it_links_to(tmp_path):
    out = _built(tmp_path / "basic")
    tips = _tips(out, ENTRY)
    assert tips["sep"] == " ⎊ "
    margin = tips["entries"]["/definition/maintenance-margin/"]
    assert margin[0] == "Maintenance Margin" and margin[1] == "Definition"
    assert "/definition/initial-margin/" in tips["entries"]  # related list
    assert not [href for href in tips["entries"] if href.startswith("/area/")]
    assert ENTRY not in tips["entries"]
    html = (out / "term/liquidation-price/index.html").read_text(encoding="utf-8")
    assert 'src="/assets/tooltips.js" defer' in html


def _listed(out: Path, path: str) -> list[str]:
    """The entry links an area or resource page lists."""
    doc = parse_html(out / path.strip("/") / "index.html")
    return [
        a.get("href")
        for article in doc.iter("article")
        if "listing" in (article.get("class") or "").split()
        for a in article.iter("a")
    ]


def test_area_and_resource_pages_carry_the_cards_of_the_entries_they_show(tmp_path):
    root = tmp_path / "basic"
    shutil.copytree(SITES / "basic", root, ignore=shutil.ignore_patterns(".glossary-cache"))
    area = root / "content/area/margin.md"  # a facet links to an entry of another area
    area.write_text(
        area.read_text(encoding="utf-8") + "An option's [[Premium]] is no margin.\n", "utf-8"
    )
    build_in(root)
    out = root / "build"
    pages = ["/area/margin/", "/area/margin/resource/1/", "/area/margin/resource/2/"]
    for path in pages:
        listed = _listed(out, path)
        assert listed, path
        tips = _tips(out, path)
        assert set(tips["entries"]) == {*listed, "/definition/premium/"}, path
        assert tips["entries"]["/definition/premium/"][:2] == ["Premium", "Definition"]
    # each page carries its own slice's cards only
    assert set(_listed(out, pages[1])).isdisjoint(_listed(out, pages[2]))
    html = (out / "area/margin/index.html").read_text(encoding="utf-8")
    assert 'src="/assets/tooltips.js" defer' in html
    # a second build after the linked entry's summary changes renews the area's cards
    premium = root / "content/definition/premium.md"
    premium.write_text(
        premium.read_text(encoding="utf-8").replace("summary: The", "summary: Newly the"), "utf-8"
    )
    build_in(root)
    assert _tips(out, pages[0])["entries"]["/definition/premium/"][2].startswith("Newly the")


def test_tooltips_false_leaves_them_out(tmp_path):
    root = tmp_path / "basic"
    shutil.copytree(SITES / "basic", root, ignore=shutil.ignore_patterns(".glossary-cache"))
    settings = root / "content/site.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "tooltips: false\n", "utf-8")
    build_in(root)
    html = (root / "build/term/liquidation-price/index.html").read_text(encoding="utf-8")
    assert "gs-tips" not in html and "tooltips.js" not in html


def tooltip_bytes() -> tuple[int, int]:
    """Gzipped bytes the tooltips add to a page: the script, and the theme's tooltip rules."""
    script = (REPO / "templates/assets/tooltips.js").read_bytes()
    css = (REPO / "templates/assets/site.css").read_text(encoding="utf-8")
    rules = css[css.index("/* Hover definitions") :].encode()
    return len(gzip.compress(script, 9)), len(gzip.compress(rules, 9))


def test_script_and_styles_stay_within_five_kilobytes_gzipped():
    script, styles = tooltip_bytes()
    assert script + styles <= 5 * 1024


# ------------------------------------------------------------------ browser


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = _built(tmp_path_factory.mktemp("tips") / "basic")
    handler = functools.partial(_QuietHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _card(tab) -> object:
    return tab.locator("#gs-tip")


@pytest.mark.browser
def test_hovering_a_link_shows_the_card_and_leaving_hides_it(tab, site_url):
    tab.goto(site_url + ENTRY)
    tab.hover(WIKILINK)
    card = _card(tab)
    card.wait_for(state="visible")
    assert card.get_attribute("role") == "tooltip"
    text = card.inner_text()
    assert "Maintenance Margin" in text and "Definition" in text and "Meaning ⎊ " in text
    assert tab.get_attribute(WIKILINK, "aria-describedby") == "gs-tip"
    tab.mouse.move(5, 5)
    card.wait_for(state="hidden")
    assert tab.get_attribute(WIKILINK, "aria-describedby") is None
    assert tab.errors == []


@pytest.mark.browser
def test_hovering_an_entry_listed_on_an_area_page_shows_its_card(tab, site_url):
    tab.goto(site_url + "/area/margin/")
    link = tab.locator("article.listing h3 a").first
    title = link.inner_text()
    link.hover()
    card = _card(tab)
    card.wait_for(state="visible")
    assert card.locator(".gs-tip-title").inner_text() == title
    assert "Meaning ⎊ " in card.inner_text()
    assert link.get_attribute("aria-describedby") == "gs-tip"
    assert tab.errors == []


@pytest.mark.browser
def test_related_links_have_cards_too(tab, site_url):
    tab.goto(site_url + ENTRY)
    tab.hover(RELATED)
    _card(tab).wait_for(state="visible")
    assert "Initial Margin" in _card(tab).inner_text()


@pytest.mark.browser
def test_focus_shows_the_card_and_escape_closes_it_keeping_focus(tab, site_url):
    tab.goto(site_url + ENTRY)
    tab.focus(WIKILINK)
    card = _card(tab)
    card.wait_for(state="visible")
    tab.keyboard.press("Escape")
    card.wait_for(state="hidden")
    assert tab.evaluate("document.activeElement.getAttribute('href')") == (
        "/definition/maintenance-margin/"
    )
    tab.keyboard.press("Tab")  # focus moves on: nothing is trapped
    assert tab.evaluate("document.activeElement.getAttribute('href')") != (
        "/definition/maintenance-margin/"
    )


@pytest.mark.browser
def test_first_tap_shows_the_card_with_a_link_second_tap_opens(browser, site_url):
    context = browser.new_context(
        has_touch=True, is_mobile=True, viewport={"width": 360, "height": 640}
    )
    tab = context.new_page()
    try:
        tab.goto(site_url + ENTRY)
        tab.tap(WIKILINK)
        card = tab.locator("#gs-tip")
        card.wait_for(state="visible")
        assert tab.url.endswith(ENTRY)
        assert (
            card.locator("a.gs-tip-open")
            .get_attribute("href")
            .endswith("/definition/maintenance-margin/")
        )
        tab.tap(WIKILINK)
        tab.wait_for_url("**/definition/maintenance-margin/")
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("corner", ["right: 0; bottom: 0", "left: 0; top: 0", "right: 0; top: 40%"])
def test_the_card_stays_inside_the_viewport(browser, site_url, corner):
    context = browser.new_context(viewport={"width": 320, "height": 480})
    tab = context.new_page()
    try:
        tab.goto(site_url + ENTRY)
        tab.evaluate(
            "style => document.body.insertAdjacentHTML('beforeend', "
            "`<a id=edge href='/definition/maintenance-margin/' "
            "style='position: fixed; ${style}'>edge link</a>`)",
            corner,
        )
        tab.hover("#edge")
        card = tab.locator("#gs-tip")
        card.wait_for(state="visible")
        box = card.bounding_box()
        assert box["x"] >= 0 and box["y"] >= 0
        assert box["x"] + box["width"] <= 320 and box["y"] + box["height"] <= 480
    finally:
        context.close()

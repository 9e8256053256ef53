"""The theme's search in real headless Chromium (Debian's package, driven by Playwright)."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator

import pytest

from conftest import SITES, build_in

pytestmark = pytest.mark.browser


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("browser") / "basic"
    shutil.copytree(SITES / "basic", root)
    build_in(root)
    handler = functools.partial(_QuietHandler, directory=str(root / "build"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def result_titles(tab: object) -> list[str]:
    tab.wait_for_selector("#search-results li, #search-results p", timeout=10_000)
    return tab.locator("#search-results li > a").all_inner_texts()


def test_search_query_in_the_url_shows_matching_entries(tab, site_url):
    tab.goto(f"{site_url}/?s=margin")
    titles = result_titles(tab)
    assert "Maintenance Margin" in titles and "Initial Margin" in titles
    assert tab.locator("#home-search").input_value() == "margin"
    assert tab.errors == []


def test_typing_searches_as_you_type_and_updates_the_address(tab, site_url):
    tab.goto(site_url + "/")
    assert tab.locator("#search-results").is_hidden()
    tab.fill("#home-search", "liquidation")
    titles = result_titles(tab)
    assert titles[0] == "Liquidation Price"
    tab.wait_for_function("location.search.includes('s=liquidation')")
    assert tab.errors == []


def test_search_matches_aliases_and_prefixes(tab, site_url):
    tab.goto(f"{site_url}/?s=liq")
    assert "Liquidation Price" in result_titles(tab)


def test_a_search_without_matches_says_so(tab, site_url):
    tab.goto(f"{site_url}/?s=zzzzqqq")
    tab.wait_for_selector("#search-results h2")
    assert "No matches" in tab.inner_text("#search-results h2")
    assert tab.locator("#search-results li").count() == 0


def test_header_search_on_any_page_leads_to_results(tab, site_url):
    tab.goto(f"{site_url}/definition/premium/")
    tab.fill("#header-search", "premium")
    tab.press("#header-search", "Enter")
    tab.wait_for_url("**/?s=premium")
    assert "Premium" in result_titles(tab)


def test_a_result_links_to_its_page(tab, site_url):
    tab.goto(f"{site_url}/?s=option%20leverage")
    result_titles(tab)
    tab.click("#search-results li > a >> nth=0")
    tab.wait_for_url("**/term/option-leverage/")
    assert tab.title() == "Option Leverage ⎊ Term"


def test_titles_are_shown_as_text_never_as_markup(tab, site_url, tmp_path):
    tab.goto(f"{site_url}/?s=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E")
    tab.wait_for_selector("#search-results h2")
    assert tab.locator("#search-results img").count() == 0
    assert tab.errors == []

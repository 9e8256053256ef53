"""The theme's search in real headless Chromium (Debian's package, driven by Playwright)."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import build_in

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.browser

if not Path(CHROMIUM).exists():
    if os.environ.get("GLOSSARY_REQUIRE_BROWSER"):
        raise RuntimeError(f"{CHROMIUM} is required for the browser tests")
    pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("browser") / "basic"
    shutil.copytree(Path(__file__).parent / "sites" / "basic", root)
    build_in(root)
    handler = functools.partial(_QuietHandler, directory=str(root / "build"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context()
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    tab.errors = errors
    yield tab
    context.close()


def result_titles(tab: object) -> list[str]:
    tab.wait_for_selector("#search-results li, #search-results p", timeout=10_000)
    return tab.locator("#search-results li > a").all_inner_texts()


def test_search_query_in_the_url_shows_matching_entries(page, site_url):
    page.goto(f"{site_url}/?s=margin")
    titles = result_titles(page)
    assert "Maintenance Margin" in titles and "Initial Margin" in titles
    assert page.locator("#home-search").input_value() == "margin"
    assert page.errors == []


def test_typing_searches_as_you_type_and_updates_the_address(page, site_url):
    page.goto(site_url + "/")
    assert page.locator("#search-results").is_hidden()
    page.fill("#home-search", "liquidation")
    titles = result_titles(page)
    assert titles[0] == "Liquidation Price"
    page.wait_for_function("location.search.includes('s=liquidation')")
    assert page.errors == []


def test_search_matches_aliases_and_prefixes(page, site_url):
    page.goto(f"{site_url}/?s=liq")
    assert "Liquidation Price" in result_titles(page)


def test_a_search_without_matches_says_so(page, site_url):
    page.goto(f"{site_url}/?s=zzzzqqq")
    page.wait_for_selector("#search-results h2")
    assert "No matches" in page.inner_text("#search-results h2")
    assert page.locator("#search-results li").count() == 0


def test_header_search_on_any_page_leads_to_results(page, site_url):
    page.goto(f"{site_url}/definition/premium/")
    page.fill("#header-search", "premium")
    page.press("#header-search", "Enter")
    page.wait_for_url("**/?s=premium")
    assert "Premium" in result_titles(page)


def test_a_result_links_to_its_page(page, site_url):
    page.goto(f"{site_url}/?s=option%20leverage")
    result_titles(page)
    page.click("#search-results li > a >> nth=0")
    page.wait_for_url("**/term/option-leverage/")
    assert page.title() == "Option Leverage ⎊ Term"


def test_titles_are_shown_as_text_never_as_markup(page, site_url, tmp_path):
    page.goto(f"{site_url}/?s=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E")
    page.wait_for_selector("#search-results h2")
    assert page.locator("#search-results img").count() == 0
    assert page.errors == []

"""urls.py: the one place URL and output-path rules live."""

from __future__ import annotations

import re

import pytest

from glossary_site import urls
from glossary_site.model import normalize_base_url

BASE_URL = "https://x.test/docs/"
BASE_PATH = "/docs/"


def test_page_path_is_kind_slash_slug_slash():
    assert urls.page_path("term", "leverage") == "term/leverage/"


def test_resource_path_is_under_its_area():
    assert urls.resource_path("margin", 2) == "area/margin/resource/2/"


@pytest.mark.parametrize(
    ("path", "file"),
    [
        ("term/leverage/", "term/leverage/index.html"),
        ("", "index.html"),
        ("area/margin/resource/3/", "area/margin/resource/3/index.html"),
        ("area/margin/feed.xml", "area/margin/feed.xml"),
    ],
)
def test_output_file_adds_index_html_to_folders_only(path, file):
    assert urls.output_file(path) == file


def test_href_is_root_relative_under_base_path():
    assert urls.href(BASE_PATH, urls.page_path("term", "leverage")) == "/docs/term/leverage/"
    assert urls.href("/", "term/leverage/") == "/term/leverage/"


def test_absolute_joins_base_url_with_sub_path():
    assert urls.absolute(BASE_URL, "term/leverage/") == "https://x.test/docs/term/leverage/"
    assert urls.absolute(BASE_URL, "") == BASE_URL


def test_non_ascii_slug_is_percent_encoded_in_links():
    path = urls.page_path("term", "café")
    assert urls.href(BASE_PATH, path) == "/docs/term/caf%C3%A9/"
    assert urls.absolute(BASE_URL, path) == "https://x.test/docs/term/caf%C3%A9/"


def test_output_file_of_non_ascii_slug_stays_unencoded():
    assert urls.output_file(urls.page_path("term", "café")) == "term/café/index.html"


def test_normalize_slug_composes_to_nfc():
    assert urls.normalize_slug("cafe\u0301") == "caf\u00e9"


@pytest.mark.parametrize(
    "slug",
    [
        "leverage",
        "a",
        "option-leverage",
        "delta_hedge",
        "v1.2",
        "café",
        "期权",
        "x" * urls.MAX_SLUG,
        "a/b",
        "block/css",
        "/".join("abcdefghi"),
    ],
)
def test_slug_problem_accepts_readable_slugs(slug):
    assert urls.slug_problem(slug) is None


@pytest.mark.parametrize(
    "slug", ["", "-lead", "_lead", "has space", "a..b", "a//b", "a/-b", "a?b", "100%", ".hidden"]
)
def test_slug_problem_refuses_unsafe_slugs(slug):
    assert urls.slug_problem(slug) == (
        f"'{slug}' cannot be a slug: use letters, digits and hyphens, "
        "starting with a letter or digit"
    )


def test_slug_problem_refuses_kind_folders_and_deep_nesting():
    assert urls.slug_problem("term/x") == (
        "'term/x' cannot be a slug: its first folder 'term' is a kind's name"
    )
    assert urls.slug_problem("/".join("abcdefghij")) == (
        "'a/b/c/d/e/f/g/h/i/j' nests deeper than 8 folders"
    )


def test_file_slug_is_the_path_below_the_kind_folder():
    assert urls.file_slug("content/definition/css.md") == "css"
    assert urls.file_slug("content/definition/block/css.md") == "block/css"
    assert urls.file_slug("content/definition/block/index.md") == "block"
    assert urls.file_slug("content/definition/block/_index.markdown") == "block"
    assert urls.file_slug("content/definition/index.md") == "index"  # top level: as before


def test_slug_problem_refuses_too_long_names():
    assert urls.slug_problem("x" * 151) == (
        "file name is too long for a URL (151 characters, at most 150)"
    )


@pytest.mark.parametrize("path", ["img/chart.svg", "a.png", "img/deep/er/x.webp", "caf%C3%A9.png"])
def test_relative_asset_problem_accepts_plain_relative_paths(path):
    assert urls.relative_asset_problem(path) is None


@pytest.mark.parametrize(
    "path",
    [
        "../secret",
        "img/../../etc/passwd",
        "./a.png",
        "img//a.png",
        "img/",
        "%2e%2e/secret",
        "img/%2E%2E/%2e%2e/x",
        "img%2F..%2Fx",
    ],
)
def test_relative_asset_problem_refuses_traversal_even_url_encoded(path):
    assert urls.relative_asset_problem(path) == "must not contain '..', '.' or empty path segments"


@pytest.mark.parametrize("path", ["/etc/passwd", "%2Fetc/passwd", "C:/x.png", "c:x.png"])
def test_relative_asset_problem_refuses_absolute_paths(path):
    assert urls.relative_asset_problem(path) == (
        "must be relative to static/ (no leading '/' or drive letter)"
    )


@pytest.mark.parametrize("path", ["img\\a.png", "..\\..\\x", "img%5Ca.png"])
def test_relative_asset_problem_refuses_backslashes(path):
    assert urls.relative_asset_problem(path) == "must use '/' separators, not backslashes"


@pytest.mark.parametrize("path", ["", "a\x00.png", "a%00.png"])
def test_relative_asset_problem_refuses_empty_and_nul(path):
    assert urls.relative_asset_problem(path) == "is empty or contains a NUL character"


def test_is_remote_only_for_http_and_https():
    assert urls.is_remote("https://cdn.test/a.png") and urls.is_remote("http://cdn.test/a.png")
    assert not urls.is_remote("ftp://cdn.test/a.png")
    assert not urls.is_remote("//cdn.test/a.png")


@pytest.mark.parametrize(
    ("given", "normal"),
    [
        ("https://x.test", "https://x.test/"),
        ("https://x.test/docs", "https://x.test/docs/"),
        ("  http://x.test/docs/  ", "http://x.test/docs/"),
    ],
)
def test_base_url_is_normalised_with_trailing_slash(given, normal):
    assert normalize_base_url(given) == normal


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        ("ftp://x.test/", "must be an absolute http(s) URL"),
        ("x.test/docs", "must be an absolute http(s) URL"),
        ("https:///docs", "must be an absolute http(s) URL"),
        ("https://x.test/?a=1", "must not have a query string or fragment"),
        ("https://x.test/#top", "must not have a query string or fragment"),
        ("https://x.test/a b/", "must not contain spaces or backslashes"),
        ("https://x.test/a/../b/", "must not contain '..'"),
    ],
)
def test_base_url_refuses_non_web_urls(given, reason):
    with pytest.raises(ValueError, match=re.escape(reason)):
        normalize_base_url(given)

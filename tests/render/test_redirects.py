"""Renames (issue 12): `redirect_from` writes a redirect page at each old address and a
`_redirects` file; a redirect that takes a page's or another redirect's place is an error."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SITE_YAML, SITES, area, build_in, page, parse_html, tree_bytes, write_site
from glossary_site.errors import ContentError

SUB_YAML = SITE_YAML.replace("https://glossary.test/", "https://glossary.test/sub/")


def _site(tmp_path: Path, files: dict[str, str], site_yaml: str = SITE_YAML) -> Path:
    base = {
        "content/area/margin.md": area("Margin"),
        "content/term/leverage.md": page("Leverage", areas=["margin"]),
    }
    return write_site(tmp_path / "site", {**base, **files}, site_yaml)


def problems_of(root: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        build_in(root)
    return [p.format() for p in caught.value.problems]


def _redirect(html: Path) -> tuple[str, str, str, str]:
    doc = parse_html(html)
    canonical = next(el.get("href") for el in doc.iter("link") if el.get("rel") == "canonical")
    robots = next(el.get("content") for el in doc.iter("meta") if el.get("name") == "robots")
    refresh = next(
        el.get("content") for el in doc.iter("meta") if el.get("http-equiv") == "refresh"
    )
    link = next(el.get("href") for el in doc.iter("a"))
    return canonical, robots, refresh, link


def test_old_addresses_get_redirect_pages_and_a_redirects_file(tmp_path):
    new = page("Margin Call", redirect_from=["old-call", "term/margin-call-old", "/definition/mc/"])
    root = _site(tmp_path, {"content/definition/margin-call.md": new}, SUB_YAML)
    build_in(root)
    out = root / "build"
    target = "https://glossary.test/sub/definition/margin-call/"
    for old in ("definition/old-call", "term/margin-call-old", "definition/mc"):
        assert _redirect(out / old / "index.html") == (
            target,
            "noindex",
            "0; url=/sub/definition/margin-call/",
            "/sub/definition/margin-call/",
        )
    assert (out / "_redirects").read_text(encoding="utf-8").splitlines() == [
        "/sub/definition/mc/ /sub/definition/margin-call/ 301",
        "/sub/definition/old-call/ /sub/definition/margin-call/ 301",
        "/sub/term/margin-call-old/ /sub/definition/margin-call/ 301",
    ]
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "old-call" not in sitemap and "definition/margin-call/" in sitemap


def test_a_site_without_redirects_has_no_redirects_file(tmp_path):
    root = _site(tmp_path, {})
    build_in(root)
    assert not (root / "build/_redirects").exists()


def test_redirects_that_take_a_pages_or_another_redirects_place_are_errors(tmp_path):
    files = {
        # page() writes redirect_from on line 5, as a JSON list: every item on that line
        "content/definition/a.md": page("A", redirect_from=["b", "term/leverage", "a"]),
        "content/definition/b.md": page("B"),
        "content/term/c.md": page("C", redirect_from=["definition/old"]),
        "content/term/d.md": page("D", redirect_from=["definition/OLD", "e", "e"]),
    }
    assert problems_of(_site(tmp_path, files)) == [
        "content/definition/a.md:5: redirect_from 'a' is this page's own address",
        "content/definition/a.md:5: redirect_from 'b': /definition/b/ is the page of "
        "content/definition/b.md; a redirect cannot take its place",
        "content/definition/a.md:5: redirect_from 'term/leverage': /term/leverage/ is the "
        "page of content/term/leverage.md; a redirect cannot take its place",
        "content/term/d.md:5: redirect_from 'definition/OLD': /definition/OLD/ is already "
        "a redirect to /term/c/ (content/term/c.md:5)",
        "content/term/d.md:5: redirect_from 'e': /term/e/ is already a redirect to "
        "/term/d/ (content/term/d.md:5)",
    ]


def test_each_redirect_is_reported_at_its_own_line(tmp_path):
    source = (
        "---\ntitle: X\nsummary: S\npublished: 2026-01-02T10:00:00+00:00\n"
        "redirect_from:\n  - fine\n  - term/leverage\n  - bad slug!\n  - definition/term/x\n"
        "  - /\n  - old/nested\n---\nBody.\n"
    )
    assert problems_of(_site(tmp_path, {"content/definition/x.md": source})) == [
        "content/definition/x.md:8: 'redirect_from[2]' 'bad slug!' cannot be a slug: use "
        "letters, digits and hyphens, starting with a letter or digit",
        "content/definition/x.md:9: 'redirect_from[3]' 'term/x' cannot be a slug: its "
        "first folder 'term' is a kind's name",
        "content/definition/x.md:10: 'redirect_from[4]' '/' is not an old address: "
        "write old-slug or kind/old-slug (definition/old-name)",
    ]  # the collision with term/leverage waits for valid front matter


def test_an_old_address_where_a_letter_page_would_go_moves_the_letter_page(tmp_path):
    yaml = SITE_YAML + "index_page_size: 1\n"
    files = {
        "content/definition/apple.md": page("Apple", redirect_from=["a"]),
        "content/definition/banana.md": page("Banana"),
    }
    root = _site(tmp_path, files, yaml)
    build_in(root)
    assert _redirect(root / "build/definition/a/index.html")[3] == "/definition/apple/"
    assert (root / "build/definition/a/letter/index.html").exists()


EDITS = {
    "add": ("summary:", 'redirect_from: ["old-premium"]\nsummary:'),
    "retitle": ("title: Premium", 'title: Option Premium\nredirect_from: ["old-premium"]'),
}


@pytest.mark.parametrize("name", sorted(EDITS))
def test_incremental_builds_with_redirects_equal_clean_builds(tmp_path, name):
    import shutil

    site = tmp_path / "site"
    shutil.copytree(SITES / "basic", site)
    premium = site / "content/definition/premium.md"
    build_in(site)
    old, new = EDITS[name]
    text = premium.read_text(encoding="utf-8")
    assert old in text
    premium.write_text(text.replace(old, new, 1), encoding="utf-8")
    build_in(site)
    build_in(site, use_cache=False, out=tmp_path / "clean1")
    assert tree_bytes(site / "build") == tree_bytes(tmp_path / "clean1")
    premium.write_text(text, encoding="utf-8")  # and the redirect goes again
    build_in(site)
    build_in(site, use_cache=False, out=tmp_path / "clean2")
    assert tree_bytes(site / "build") == tree_bytes(tmp_path / "clean2")
    assert not (site / "build/_redirects").exists()


def test_a_collision_is_reported_at_the_line_of_its_item(tmp_path):
    source = (
        "---\ntitle: X\nsummary: S\npublished: 2026-01-02T10:00:00+00:00\n"
        "redirect_from:\n  - fine\n  - term/leverage\n---\nBody.\n"
    )
    assert problems_of(_site(tmp_path, {"content/definition/x.md": source})) == [
        "content/definition/x.md:7: redirect_from 'term/leverage': /term/leverage/ is the "
        "page of content/term/leverage.md; a redirect cannot take its place"
    ]


def test_a_static_redirects_file_collides_only_when_pages_have_redirects(tmp_path):
    files = {"static/_redirects": "/x /y 301\n"}
    root = _site(tmp_path, files)
    build_in(root)  # a site's own _redirects is copied while no page has redirect_from
    assert (root / "build/_redirects").read_text(encoding="utf-8") == "/x /y 301\n"
    (root / "content/term/leverage.md").write_text(
        page("Leverage", areas=["margin"], redirect_from=["lev"]), encoding="utf-8"
    )
    assert problems_of(root) == [
        "static/_redirects:1: collides with the generated /_redirects; rename or remove it"
    ]

"""Nested pages (issue 12): `content/definition/block/css.md` is the page
/definition/block/css/ with slug `block/css`; a folder's own page is `block.md` beside it
or `block/index.md` inside it; clashes are `path:line` errors, all at once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import (
    SITE_YAML,
    area,
    block,
    build_in,
    find_all,
    page,
    parse_html,
    text_of,
    tree_bytes,
    write_site,
)
from glossary_site.errors import ContentError

BASE = "https://glossary.test/"


def _files() -> dict[str, str]:
    """An MDN-like corner: a disambiguation page `block` beside its folder of meanings."""
    return {
        "content/area/web.md": area("Web"),
        "content/area/web/styling.md": area("Styling"),
        "content/definition/css.md": page("CSS", areas=["web/styling"]),
        "content/definition/block.md": page(
            "Block",
            auto_link_target=False,
            body="A block is [[block/css]], [[definition/block/networking]] or [[css]].\n",
        ),
        "content/definition/block/css.md": page(
            "Block (CSS)",
            related=["definition/css", "block/networking"],
            areas=["area/web/styling"],
            redirect_from=["css-block", "old/block-css"],
            body="See [the other block](/definition/block/networking/).\n",
        ),
        "content/definition/block/networking.md": page("Block (networking)"),
        "content/term/guides/index.md": page("Guides"),
        "content/term/guides/deep/tour.md": page("Tour", related=["guides"]),
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_site(tmp_path_factory.mktemp("nested") / "site", _files())
    build_in(root, use_cache=False)
    return root / "build"


def _crumbs(out: Path, path: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The breadcrumb trail as shown (name, href) and as JSON-LD (name, URL)."""
    doc = parse_html(out / path / "index.html")
    nav = find_all(doc, "nav", "breadcrumbs")[0]
    shown = [(text_of(a), a.get("href")) for a in nav.iter("a")]
    items = block(doc, "BreadcrumbList")["itemListElement"]
    assert [i["position"] for i in items] == list(range(1, len(items) + 1))
    return shown, [(i["name"], i["item"]) for i in items]


def test_nested_files_are_pages_at_their_folder_paths(built: Path) -> None:
    for path in (
        "definition/block/css",
        "definition/block/networking",
        "definition/block",
        "term/guides",
        "term/guides/deep/tour",
        "area/web/styling",
    ):
        doc = parse_html(built / path / "index.html")
        canonical = next(e.get("href") for e in doc.iter("link") if e.get("rel") == "canonical")
        assert canonical == f"{BASE}{path}/"
    assert not (built / "term/guides/index").exists()  # index.md is the folder's page


def test_references_name_nested_pages_by_their_whole_slug(built: Path) -> None:
    doc = parse_html(built / "definition/block/index.html")
    links = {text_of(a): a.get("href") for a in find_all(doc, "a", "wikilink")}
    assert links == {
        "Block (CSS)": "/definition/block/css/",
        "Block (networking)": "/definition/block/networking/",
        "CSS": "/definition/css/",  # [[css]] is the slug css, never block/css
    }
    doc = parse_html(built / "definition/block/css/index.html")
    body_links = [a.get("href") for a in doc.iter("a")]
    assert "/definition/block/networking/" in body_links  # a Markdown link, checked
    css = parse_html(built / "definition/css/index.html")
    referenced = [a.get("href") for a in find_all(css, "a")]
    assert "/definition/block/css/" in referenced  # "Referenced by"
    styling = parse_html(built / "area/web/styling/index.html")
    listed = {a.get("href") for a in styling.iter("a")}
    assert {"/definition/css/", "/definition/block/css/"} <= listed


def test_breadcrumbs_go_through_the_folders_own_pages(built: Path) -> None:
    assert _crumbs(built, "definition/block/css") == (
        [
            ("Home", "/"),
            ("Definition", "/definition/"),
            ("Block", "/definition/block/"),
            ("Block (CSS)", "/definition/block/css/"),
        ],
        [
            ("Home", BASE),
            ("Definition", f"{BASE}definition/"),
            ("Block", f"{BASE}definition/block/"),
            ("Block (CSS)", f"{BASE}definition/block/css/"),
        ],
    )
    # guides/deep has no page of its own: the trail skips it
    shown, ld = _crumbs(built, "term/guides/deep/tour")
    assert shown == [
        ("Home", "/"),
        ("Term", "/term/"),
        ("Guides", "/term/guides/"),
        ("Tour", "/term/guides/deep/tour/"),
    ]
    assert [name for name, _ in ld] == [name for name, _ in shown]
    shown, _ = _crumbs(built, "area/web/styling")
    assert [name for name, _ in shown] == ["Home", "Area", "Web", "Styling"]


def test_what_links_here_of_a_nested_page_has_the_same_trail(tmp_path: Path) -> None:
    files = {
        "content/definition/block.md": page("Block"),
        "content/definition/block/css.md": page("Block (CSS)"),
        "content/term/a.md": page("A", related=["block/css"]),
        "content/term/b.md": page("B", related=["block/css"]),
    }
    root = write_site(tmp_path / "site", files, SITE_YAML + "referenced_by: 1\n")
    build_in(root, use_cache=False)
    shown, ld = _crumbs(root / "build", "definition/block/css/links")
    assert shown == [
        ("Home", "/"),
        ("Definition", "/definition/"),
        ("Block", "/definition/block/"),
        ("Block (CSS)", "/definition/block/css/"),
        ("What links here", "/definition/block/css/links/"),
    ]
    assert [name for name, _ in ld] == [name for name, _ in shown]


def test_redirects_sitemap_and_index_know_nested_addresses(built: Path) -> None:
    for old in ("definition/css-block", "definition/old/block-css"):
        doc = parse_html(built / old / "index.html")
        canonical = next(e.get("href") for e in doc.iter("link") if e.get("rel") == "canonical")
        assert canonical == f"{BASE}definition/block/css/"
    assert (built / "_redirects").read_text(encoding="utf-8").splitlines() == [
        "/definition/css-block/ /definition/block/css/ 301",
        "/definition/old/block-css/ /definition/block/css/ 301",
    ]
    sitemap = (built / "sitemap.xml").read_text(encoding="utf-8")
    for path in ("definition/block/css/", "term/guides/deep/tour/", "area/web/styling/"):
        assert f"<loc>{BASE}{path}</loc>" in sitemap
    assert "old/block-css" not in sitemap
    index = parse_html(built / "definition/index.html")
    assert "/definition/block/networking/" in {a.get("href") for a in index.iter("a")}


def _problems(root: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        build_in(root, use_cache=False)
    return [p.format() for p in caught.value.problems]


def test_a_bare_last_part_is_not_a_slug_but_is_suggested(tmp_path: Path) -> None:
    files = {
        "content/definition/block/networking.md": page("Block (networking)"),
        "content/definition/x.md": page("X", related=["networking"]),
    }
    assert _problems(write_site(tmp_path / "site", files)) == [
        "content/definition/x.md:5: related: 'networking' does not match any page; "
        "did you mean 'block/networking'?"
    ]


def test_every_clash_is_reported_at_once(tmp_path: Path) -> None:
    root = tmp_path / "site"
    files = {
        "content/area/hub.md": area("Hub"),
        "content/area/hub/resource/2.md": area("Two"),
        "content/term/topic.md": page("Topic"),
        "content/term/topic/_index.md": page("Topic again"),
        "content/term/Guide/a.md": page("A"),
        "content/term/guide/b.md": page("B"),
        "content/term/dup/x.md": page("X"),
        "content/term/dup/x.markdown": page("X again"),
        "content/definition/term/x.md": page("In a kind's folder"),
        "content/definition/bad name/x.md": page("Bad folder"),
        "content/definition/gen.md": page("Gen"),
        "content/definition/gen/links.md": page("Links"),
        "content/definition/a/b/c/d/e/f/g/h/x.md": page("Deep enough"),
        "content/definition/a/b/c/d/e/f/g/h/i/x.md": page("Too deep"),
    }
    write_site(root, files)
    os.symlink("../term/guide", root / "content/definition/linked")
    assert _problems(root) == [
        "content/area/hub/resource/2.md:1: /area/hub/resource/2/ is where the resource pages "
        "of content/area/hub.md go; rename the file or its folder",
        "content/definition/a/b/c/d/e/f/g/h/i:1: folders nest at most 8 deep in "
        "content/definition/",
        "content/definition/bad name:1: 'bad name' cannot be a slug: use letters, digits and "
        "hyphens, starting with a letter or digit",
        'content/definition/gen/links.md:1: /definition/gen/links/ is where the "What links '
        'here" pages of content/definition/gen.md go; rename the file or its folder',
        "content/definition/linked:1: a folder that is a symbolic link is not entered; "
        "move the pages here",
        "content/definition/term:1: a folder in content/definition/ may not be named 'term': "
        "a reference 'term/...' names a page of that kind; rename the folder",
        "content/term/dup/x.md:1: maps to the same URL /term/dup/x/ as content/term/dup/x.markdown",
        "content/term/guide/b.md:1: folder 'guide' differs from 'Guide' of "
        "content/term/Guide/a.md only by letter case; the two collide on case-insensitive "
        "hosts",
        "content/term/topic/_index.md:1: the folder 'topic' has its own page twice: here and "
        "in content/term/topic.md (a folder's page is topic.md beside the folder or index.md "
        "inside it); keep one",
    ]


def test_a_folder_where_a_letter_page_goes_moves_it_and_a_page_there_is_an_error(
    tmp_path: Path,
) -> None:
    yaml = SITE_YAML + "index_page_size: 1\n"
    files = {
        "content/definition/apple.md": page("Apple"),
        "content/definition/c/cat.md": page("Cat"),
    }
    root = write_site(tmp_path / "site", files, yaml)
    build_in(root, use_cache=False)
    out = root / "build"
    assert (out / "definition/c/cat/index.html").is_file()
    letter = parse_html(out / "definition/c/letter/index.html")
    assert "/definition/c/cat/" in {a.get("href") for a in letter.iter("a")}
    assert not (out / "definition/c/index.html").exists()
    (root / "content/definition/c/letter.md").write_text(page("Cow"), encoding="utf-8")
    assert _problems(root) == [
        "content/definition/c/letter.md:1: /definition/c/letter/ is both the page of "
        "content/definition/c/letter.md and a page of the split A-Z index of definition "
        "pages; rename one"
    ]


def test_a_redirect_where_a_letter_page_goes_is_reported_at_its_line(tmp_path: Path) -> None:
    yaml = SITE_YAML + "index_page_size: 1\n"
    files = {
        "content/definition/apple.md": page("Apple", redirect_from=["c/letter"]),
        "content/definition/c/cat.md": page("Cat"),
    }
    assert _problems(write_site(tmp_path / "site", files, yaml)) == [
        "content/definition/apple.md:5: /definition/c/letter/ is both a page of the split "
        "A-Z index of definition pages and a redirect to the page of "
        "content/definition/apple.md; rename one"
    ]


def test_cached_builds_equal_fresh_ones_as_nested_files_come_and_go(tmp_path: Path) -> None:
    root = write_site(tmp_path / "site", _files())
    fresh = tmp_path / "fresh"

    def check() -> None:
        build_in(root)
        build_in(root, use_cache=False, out=fresh)
        assert tree_bytes(root / "build") == tree_bytes(fresh)

    check()
    content = root / "content"
    (content / "definition/block/html.md").write_text(page("Block (HTML)"), encoding="utf-8")
    check()
    (content / "definition/block.md").unlink()  # the folder loses its page: breadcrumbs
    check()
    (content / "definition/block").rename(content / "definition/chunk")
    (content / "definition/chunk/css.md").write_text(
        page("Chunk (CSS)", related=["chunk/networking"], redirect_from=["block/css"]),
        encoding="utf-8",
    )
    (content / "definition/x.md").write_text(
        page("X", body="[[chunk/css]] and [[chunk/html]].\n"), encoding="utf-8"
    )
    check()
    (content / "definition/chunk/index.md").write_text(page("Chunk"), encoding="utf-8")
    check()
    (content / "term/guides/deep").rename(content / "term/guides/deeper")
    check()


def test_a_kept_clash_answer_follows_every_edit_of_files_kinds_and_slugs(tmp_path):
    """The clash check's answer is kept while every page's file, kind and slug are equal
    (glossary serve after a retitle), and the pages returned are this load's own."""
    from glossary_site.load import LoadOptions, load_site, scan_site

    root = write_site(
        tmp_path / "site",
        {
            "content/definition/css.md": page("CSS"),
            "content/definition/CSS.md": page("Upper CSS"),
            "content/term/x.md": page("X"),
            "content/term/x/links/y.md": page("Y"),
        },
    )

    def loaded():
        result = load_site(scan_site(root, {}), LoadOptions())
        assert result.site is not None
        messages = sorted(f"{p.path}: {p.message}" for p in result.problems)
        return result.site, messages

    site, first = loaded()
    assert len(first) == 2 and {e.id for e in site.entries} == {"definition/CSS", "term/x"}
    (root / "content/definition/CSS.md").write_text(page("Cascading"), encoding="utf-8")
    site, again = loaded()
    assert again == first
    assert {e.title for e in site.entries} == {"Cascading", "X"}
    (root / "content/definition/css.md").rename(root / "content/definition/lower.md")
    site, after = loaded()
    assert len(after) == 1 and "links" in after[0]
    assert {e.id for e in site.entries} == {"definition/CSS", "definition/lower", "term/x"}

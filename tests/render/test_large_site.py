"""Pages at scale on a generated site with lowered limits, so that every split happens:
paginated area pages, A-Z indexes split by letter (and letters split into pages), and
"What links here" pages for entries with more backlinks than "Referenced by" shows."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from collections import deque
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import build_in, find_all, generate_corpus, parse_html, text_of, tree_bytes

INDEX_PAGE_SIZE = 15
REFERENCED_BY = 3
PER_PAGE = 10
LIMITS = (
    f"per_page: {PER_PAGE}\nindex_page_size: {INDEX_PAGE_SIZE}\nreferenced_by: {REFERENCED_BY}\n"
)
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def lower_limits(root: Path) -> None:
    settings = root / "content/site.yaml"
    text = re.sub(r"(?m)^per_page: .*\n", "", settings.read_text(encoding="utf-8"))
    settings.write_text(text + LIMITS, encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = generate_corpus(tmp_path_factory.mktemp("large") / "site", 300)
    lower_limits(root)
    build_in(root, use_cache=False)
    return root


@pytest.fixture(scope="module")
def out(site: Path) -> Path:
    return site / "build"


def html_paths(out: Path) -> set[str]:
    """Site paths of every HTML page (folder-style), 404 aside."""
    return {
        "/" + p.parent.relative_to(out).as_posix().removeprefix(".") + "/"
        if p.parent != out
        else "/"
        for p in out.rglob("index.html")
    }


def links_of(out: Path, path: str) -> list[str]:
    doc = parse_html(out / path.lstrip("/") / "index.html")
    found = []
    for a in doc.iter("a"):
        href = a.get("href") or ""
        if href.startswith("/") and not href.startswith("//"):
            target = unquote(urlsplit(href).path)
            if target.endswith("/"):
                found.append(target)
    return found


def entry_paths(out: Path) -> set[str]:
    return {
        f"/{kind}/{p.stem}/"
        for kind in ("term", "definition")
        for p in (out.parent / "content" / kind).glob("*.md")
    }


def az_items(out: Path, path: str) -> list[str]:
    doc = parse_html(out / path.lstrip("/") / "index.html")
    return [li.find("a").get("href") for ul in find_all(doc, "ul", "az") for li in ul.iter("li")]


def letter_page_paths(out: Path, kind: str) -> list[str]:
    return sorted(
        p
        for p in html_paths(out)
        if re.fullmatch(rf"/{kind}/[^/]+/(\d+/)?", p)
        and (out / p.strip("/") / "index.html").read_text(encoding="utf-8").count('class="az"')
    )


def test_every_split_happens(out: Path) -> None:
    paths = html_paths(out)
    assert any(re.fullmatch(r"/area/[^/]+/resource/2/", p) for p in paths)
    assert any(re.fullmatch(r"/definition/[a-z0]/2/", p) for p in paths)  # a letter over 2 pages
    assert any(re.fullmatch(r"/term/[a-z0]/", p) for p in paths)
    assert any(re.fullmatch(r"/(term|definition)/[^/]+/links/2/", p) for p in paths)


def test_split_index_lists_letters_and_each_entry_once(out: Path) -> None:
    for kind in ("term", "definition"):
        assert az_items(out, f"/{kind}/") == []  # the hub lists letters, not entries
        listed = [href for page in letter_page_paths(out, kind) for href in az_items(out, page)]
        assert len(listed) == len(set(listed))
        assert set(listed) == {p for p in entry_paths(out) if p.startswith(f"/{kind}/")}
        for page in letter_page_paths(out, kind):
            assert 1 <= len(az_items(out, page)) <= INDEX_PAGE_SIZE


def test_letter_pages_carry_the_letter_bar_and_their_own_pager(out: Path) -> None:
    hub_letters = [
        text_of(a)
        for a in find_all(parse_html(out / "definition/index.html"), "nav", "letter-pages")[0].iter(
            "a"
        )
        if "letter-parts" not in (a.get("class") or "")
    ]
    doc = parse_html(out / "definition/c/index.html")
    bar = find_all(doc, "nav", "letter-pages")[0]
    assert [text_of(a) for a in bar.iter("a")] == [x for x in hub_letters if len(x) == 1]
    assert [a.get("aria-current") for a in bar.iter("a") if text_of(a) == "C"] == ["page"]
    pager = find_all(parse_html(out / "definition/c/2/index.html"), "nav", "pager")[0]
    assert next(a.get("href") for a in pager.iter("a")) == "/definition/c/"


def test_every_entry_is_within_three_clicks_of_the_home_page(out: Path) -> None:
    depth = {"/": 0}
    queue = deque(["/"])
    while queue:
        path = queue.popleft()
        if depth[path] == 3:
            continue
        for target in links_of(out, path):
            if target not in depth and (out / target.lstrip("/") / "index.html").is_file():
                depth[target] = depth[path] + 1
                queue.append(target)
    missing = entry_paths(out) - depth.keys()
    assert not missing, sorted(missing)[:5]


def test_sitemap_lists_every_page(out: Path) -> None:
    tree = ET.parse(out / "sitemap.xml")
    listed = {urlsplit(loc.text or "").path for loc in tree.iter(f"{SITEMAP_NS}loc")}
    assert listed == html_paths(out)


def test_referenced_by_is_capped_and_what_links_here_lists_all(out: Path) -> None:
    entries = [p for p in html_paths(out) if p.endswith("/links/")]
    assert entries
    for links in entries[:10]:
        entry = links.removesuffix("links/")
        doc = parse_html(out / entry.strip("/") / "index.html")
        shown = [
            li.find("a").get("href") for li in find_all(doc, "section", "backlinks")[0].iter("li")
        ]
        assert len(shown) == REFERENCED_BY
        more = find_all(doc, "p", "more-links")[0]
        assert more.find("a").get("href") == links
        total = int(re.search(r"all (\d+) pages", text_of(more)).group(1))
        pages = sorted(
            (p for p in html_paths(out) if p.startswith(links)),
            key=lambda p: int(p.removeprefix(links).strip("/") or 1),
        )
        listed = []
        for page in pages:
            doc = parse_html(out / page.strip("/") / "index.html")
            items = [
                h.find("a").get("href")
                for h in find_all(doc, "article", "listing")
                for h in h.iter("h2")
            ]
            assert 1 <= len(items) <= PER_PAGE
            listed += items
        assert len(listed) == len(set(listed)) == total > REFERENCED_BY
        assert listed[:REFERENCED_BY] == shown  # same order: alphabetical by id


def test_no_page_grows_with_the_site_past_its_limits(out: Path) -> None:
    for page in out.rglob("index.html"):
        text = page.read_text(encoding="utf-8")
        assert text.count('<article class="listing">') <= max(PER_PAGE, 12)  # 12: home's latest
        assert text.count("<li><a href=") <= INDEX_PAGE_SIZE + 60, page  # entries + letter bar
        assert page.stat().st_size < 300_000


def test_incremental_build_equals_a_fresh_one_after_edits(site: Path, tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(site, root, ignore=shutil.ignore_patterns("build", ".glossary-cache"))
    build_in(root)
    files = sorted((root / "content/definition").glob("*.md"))
    # titles moving to other letters: letter pages, their slices and the bar shift
    text = files[0].read_text(encoding="utf-8")
    files[0].write_text(
        re.sub(r"(?m)^title: .*$", "title: Zzz Moved", text, count=1), encoding="utf-8"
    )
    text = files[1].read_text(encoding="utf-8")
    files[1].write_text(
        re.sub(r"(?m)^title: .*$", "title: Aaa Moved", text, count=1), encoding="utf-8"
    )
    build_in(root)
    fresh = tmp_path / "fresh"
    shutil.copytree(root, fresh, ignore=shutil.ignore_patterns("build", ".glossary-cache"))
    build_in(fresh, use_cache=False)
    assert tree_bytes(root / "build") == tree_bytes(fresh / "build")

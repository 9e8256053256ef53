"""Helpers shared by the page-structure, JSON-LD and pagination tests."""

from __future__ import annotations

import json
import re
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

from conftest import SITES, build_in, find_all, parse_html, text_of

SEP = " ⎊ "
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
RAW_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def build_fixture_site(tmp: Path, name: str = "basic", **options: Any) -> Path:
    """Copy tests/sites/<name> (without any stale cache) into `tmp`, build it, return out/."""
    root = tmp / name
    shutil.copytree(SITES / name, root, ignore=shutil.ignore_patterns(".glossary-cache"))
    out = tmp / f"{name}-out"
    build_in(root, out=out, **options)
    return out


def html_file(out: Path, url_path: str) -> Path:
    """The file a site path like 'term/x/' or '' was written to."""
    return out / (url_path + "index.html" if url_path == "" or url_path.endswith("/") else url_path)


def doc_at(out: Path, url_path: str) -> Any:
    """The parsed page at a site path."""
    return parse_html(html_file(out, url_path))


def html_pages(out: Path) -> list[str]:
    """Site paths ('', 'term/x/', ...) of every index.html page written."""
    return sorted(
        p.relative_to(out).as_posix().removesuffix("index.html") for p in out.rglob("index.html")
    )


def raw_ld_texts(path: Path) -> list[str]:
    """The raw text of every JSON-LD script, cut where the HTML parser would cut it."""
    return RAW_LD.findall(path.read_text(encoding="utf-8"))


def title_of(doc: Any) -> str:
    return text_of(next(doc.iter("title")))


def h1_of(doc: Any) -> str:
    return text_of(next(find_all(doc, "main")[0].iter("h1")))


def head_link(doc: Any, rel: str) -> str | None:
    """href of the <link rel=...> in <head>, or None."""
    head = next(doc.iter("head"))
    found = [link.get("href") for link in head.iter("link") if link.get("rel") == rel]
    assert len(found) <= 1, f"several <link rel={rel}>"
    return found[0] if found else None


def breadcrumb_trail(doc: Any) -> list[tuple[str, str]]:
    """(name, href) of the visible breadcrumb navigation."""
    navs = find_all(doc, "nav", "breadcrumbs")
    assert len(navs) == 1
    return [(text_of(a), a.get("href")) for a in navs[0].iter("a")]


def listing_links(doc: Any) -> list[str]:
    """hrefs of the entries listed in an area page's entry list, in order."""
    section = find_all(doc, "section", "area-entries")[0]
    return [next(item.iter("a")).get("href") for item in find_all(section, "article", "listing")]


def json_blocks(path: Path) -> list[dict[str, Any]]:
    return [json.loads(text) for text in raw_ld_texts(path)]


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)

"""Heading ids for deep links (issue 12): unique on the whole page, never an id the
theme, the footnotes or an area's facets give their own elements."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from conftest import REPO, area, build_in, page, parse_html, write_site
from glossary_site.markdown import body as markdown


def _ids(path: Path) -> list[str]:
    return [el.get("id") for el in parse_html(path).iter() if el.get("id")]


def _heading_ids(path: Path) -> list[str]:
    doc = parse_html(path)
    return [
        el.get("id")
        for el in doc.iter()
        if el.tag.split("}")[-1] in ("h2", "h3", "h4")
        and el.get("id")
        and el.get("id") not in markdown.THEME_IDS  # the theme's own headings
    ]


def test_theme_ids_are_the_default_themes_ids():
    templates = REPO / "templates"
    literal = {
        found
        for file in templates.glob("*.html")
        for found in re.findall(r'\bid="([^"{]+)"', file.read_text(encoding="utf-8"))
    }
    scripts = "".join(f.read_text(encoding="utf-8") for f in (templates / "assets").glob("*.js"))
    made = set(re.findall(r'\.id = "([^"]+)"', scripts))
    assert 'listbox.id = input.id + "-results"' in scripts
    results = {f"{found}-results" for found in literal if found.endswith("-search")}
    assert literal | made | results == markdown.THEME_IDS


def test_headings_never_take_the_pages_own_ids(tmp_path):
    body = "## Main\n\nText.\n\n## Glossary\n\n### GS Discover\n\n## FN1\n\nA note.[^1]\n\n"
    body += "[^1]: The note.\n\n## Main\n"
    root = write_site(
        tmp_path / "site",
        {
            "content/area/margin.md": area("Margin"),
            "content/term/leverage.md": page("Leverage", areas=["margin"], body=body),
        },
    )
    build_in(root)
    html = root / "build/term/leverage/index.html"
    assert _heading_ids(html) == ["main-1", "glossary", "gs-discover-1", "fn1-1", "main-2"]
    assert not [name for name, n in Counter(_ids(html)).items() if n > 1]


def test_heading_ids_are_unique_across_an_areas_intro_and_facets(tmp_path):
    source = (
        "---\ntitle: Margin\npublished: 2025-12-01T09:00:00+00:00\n---\n"
        "Intro.\n\n### Risk\n\n## Risk\n\nIt is risky.\n\n### Example\n\nOne.\n\n"
        "## Mechanism\n\nIt works.\n\n### Example\n\nTwo.\n\n### Risk\n\nAgain.\n"
    )
    root = write_site(tmp_path / "site", {"content/area/margin.md": source})
    build_in(root)
    html = root / "build/area/margin/index.html"
    assert _heading_ids(html) == ["risk-1", "example", "example-1", "risk-2"]
    assert not [name for name, n in Counter(_ids(html)).items() if n > 1]


def test_heading_ids_stay_the_same_on_a_rebuild(tmp_path):
    body = "## Main\n\n## Usage\n\n## Usage\n"
    root = write_site(tmp_path / "site", {"content/term/x.md": page("X", body=body)})
    build_in(root)
    first = _heading_ids(root / "build/term/x/index.html")
    build_in(root, use_cache=False, out=tmp_path / "clean")
    assert _heading_ids(tmp_path / "clean/term/x/index.html") == first
    assert first == ["main-1", "usage", "usage-1"]

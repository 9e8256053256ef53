"""Checks that a built output folder is well-formed whatever the content said."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from conftest import jsonld, parse_html

# JSON-LD blocks and the hover definitions' data block: data, never run
DATA_TYPES = ("application/ld+json", "application/json")
SCRIPT_OPEN = re.compile(rb'<script type="application/ld\+json">', re.I)
SCRIPT_BODY = re.compile(
    rb'<script type="application/(?:ld\+)?json"[^>]*>(.*?)</script', re.I | re.S
)
UNSAFE_SCHEME = ("javascript:", "data:", "vbscript:", "file:")


def assert_pages_well_formed(out: Path, trusted_html: bool = False) -> None:
    """Every page parses with html5lib; every JSON-LD block parses with json.loads and is
    one the template wrote (none was cut short by a `</script>` or hidden by `<!--`);
    feeds and sitemaps are XML; the search index is JSON; no link has a script scheme.

    `trusted_html`: the site set `allow_html: true`, so its authors' own scripts and event
    handlers pass through by design; everything else is still checked."""
    for path in sorted(out.rglob("*.html")):
        raw = path.read_bytes()
        doc = parse_html(path)
        blocks = jsonld(doc)
        assert len(blocks) == len(SCRIPT_OPEN.findall(raw)), path
        for body in SCRIPT_BODY.findall(raw):
            assert b"<!--" not in body and b"</" not in body.lower(), path
            assert "\u2028".encode() not in body and "\u2029".encode() not in body, path
        scripts = [s for s in doc.iter("script") if s.get("type") not in DATA_TYPES]
        inline = [s for s in scripts if not s.get("src") or (s.text or "").strip()]
        assert trusted_html or not inline, path
        for data in doc.iter("script"):
            if data.get("type") == "application/json":
                json.loads(data.text or "")
        for element in doc.iter():
            if not trusted_html and any(n.lower().startswith("on") for n in element.attrib):
                raise AssertionError(f"{path}: event handler attribute on <{element.tag}>")
            for attr in ("href", "src"):
                # with allow_html: true raw HTML passes as written (README, "Content is
                # data"), scripts, handlers and javascript: links alike; Markdown's own
                # links never carry an unsafe scheme
                value = "".join((element.get(attr) or "").split()).lower()
                unsafe = value.startswith(UNSAFE_SCHEME)
                assert trusted_html or not unsafe, (path, element.tag, value)
    for xml_file in out.rglob("*.xml"):
        ET.parse(xml_file)
    for part in out.glob("search/**/*.json"):
        json.loads(part.read_text(encoding="utf-8"))

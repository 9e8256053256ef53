"""Shared helpers: write fixture sites, build them, parse what comes out."""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import sys
import textwrap
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import html5lib
import pytest

from glossary_site.commands.build import BuildOptions, BuildReport, build

SITES = Path(__file__).parent / "sites"
REPO = Path(__file__).resolve().parents[1]
# the project's corpus generator (the benchmarks use the same one)
GEN_CORPUS = REPO / "benchmarks/gen_corpus.py"
XHTML = "{http://www.w3.org/1999/xhtml}"

SITE_YAML = """\
name: Test Glossary
base_url: https://glossary.test/
author: {name: Test Editors, url: https://glossary.test/about/}
per_page: 3
"""


def write_site(
    root: Path, files: dict[str, str | bytes], site_yaml: str | None = SITE_YAML
) -> Path:
    """Write a site: {relative path: text or bytes}; text is dedented."""
    if site_yaml is not None:
        files = {"content/site.yaml": site_yaml, **files}
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(textwrap.dedent(data).lstrip("\n"), encoding="utf-8")
    return root


def page(
    title: str,
    *,
    summary: str = "A short meaning.",
    published: str = "2026-01-02T10:00:00+00:00",
    body: str = "Body text.\n",
    **fields: Any,
) -> str:
    """A term or definition file with the given front matter."""
    lines = [
        "---",
        f"title: {json.dumps(title)}",
        f"summary: {json.dumps(summary)}",
        f"published: {published}",
    ]
    lines += [f"{key}: {json.dumps(value)}" for key, value in fields.items()]
    return "\n".join([*lines, "---", "", body])


def area(
    title: str,
    facets: dict[str, str] | None = None,
    *,
    published: str = "2025-12-01T09:00:00+00:00",
    **fields: Any,
) -> str:
    """An area file whose body has one `## Facet` section per item of `facets`."""
    facets = facets or {"Mechanism": f"{title} works like this. It has a second sentence."}
    lines = ["---", f"title: {json.dumps(title)}", f"published: {published}"]
    lines += [f"{key}: {json.dumps(value)}" for key, value in fields.items()]
    body = "\n\n".join(f"## {name}\n\n{text}" for name, text in facets.items())
    return "\n".join([*lines, "---", "", body, ""])


def linked_pages() -> dict[str, str]:
    """A small site whose cache has every section: an area, and a term and two
    definitions in it, two of them linking to each other (by wiki link and by name)."""
    return {
        "content/area/margin.md": area("Margin"),
        "content/term/leverage.md": page("Leverage", areas=["margin"], body="Uses [[Haircut]]."),
        "content/definition/haircut.md": page("Haircut", areas=["margin"], body="See Leverage."),
        "content/definition/mark-price.md": page("Mark Price", areas=["margin"]),
    }


def build_in(root: Path, **options: Any) -> BuildReport:
    """Build `root` in-process, serially, into root/build unless told otherwise."""
    options.setdefault("jobs", 1)
    return build(root, BuildOptions(**options))


def run_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run `glossary ARGS` as a real subprocess."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "glossary_site", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
    )


def generate_corpus(out: Path, entries: int) -> Path:
    """A synthetic site of `entries` entries from benchmarks/gen_corpus.py, written to `out`."""
    if not GEN_CORPUS.is_file():
        pytest.fail(f"{GEN_CORPUS} is missing: it generates the corpus")
    subprocess.run(
        [
            sys.executable,
            str(GEN_CORPUS),
            "--entries",
            str(entries),
            "--format",
            "glossary",
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    return out


def search_records(out: Path) -> list[dict[str, Any]]:
    """Every document of the built search index (search/d/*.json), in file order."""
    records: list[dict[str, Any]] = []
    for part in sorted((out / "search/d").glob("*.json"), key=lambda p: int(p.stem)):
        records += json.loads(part.read_text(encoding="utf-8")).values()
    return records


def rename_site(root: Path, name: str) -> None:
    """Change the site name: every page shows it, so every page is rewritten."""
    settings = root / "content/site.yaml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(re.sub(r"(?m)^name: .*$", f"name: {name}", text, count=1), encoding="utf-8")


def leftovers(folder: Path) -> list[str]:
    """Temporary or moved-aside folders of builds next to an output folder."""
    from glossary_site.write import OLD_TAG, TMP_TAG

    return sorted(p.name for p in folder.iterdir() if TMP_TAG in p.name or OLD_TAG in p.name)


def parse_html(path: Path) -> Any:
    """Parse a page with html5lib (the HTML5 algorithm browsers use)."""
    with open(path, "rb") as handle:
        return html5lib.parse(handle, namespaceHTMLElements=False)


def jsonld(doc: Any) -> list[dict[str, Any]]:
    """Every JSON-LD block of a parsed page, each parsed with json.loads."""
    return [
        json.loads(script.text or "")
        for script in doc.iter("script")
        if script.get("type") == "application/ld+json"
    ]


def block(doc: Any, schema_type: str) -> dict[str, Any]:
    """The one JSON-LD block of a type; fails when there are none or several."""
    found = [b for b in jsonld(doc) if b.get("@type") == schema_type]
    assert len(found) == 1, f"expected one {schema_type} block, found {len(found)}"
    return found[0]


def text_of(element: Any) -> str:
    """The element's text content with whitespace collapsed."""
    return " ".join("".join(element.itertext()).split())


def find_all(doc: Any, tag: str, cls: str | None = None) -> list[Any]:
    """Elements with a tag (and a class among their classes)."""
    return [e for e in doc.iter(tag) if cls is None or cls in (e.get("class") or "").split()]


def png(width: int, height: int) -> bytes:
    """A valid RGB PNG of the given size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    rows = b"".join(b"\x00" + b"\x00\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Every file under a folder, by relative path."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[..., Path]:
    """Write a fixture site into a fresh temporary folder and return its root."""

    def make(files: dict[str, str | bytes], site_yaml: str | None = SITE_YAML) -> Path:
        return write_site(tmp_path / "site", files, site_yaml)

    return make


@pytest.fixture
def copy_site(tmp_path: Path) -> Callable[[str], Path]:
    """Copy a fixture site from tests/sites/ into a temporary folder."""

    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(
            SITES / name, target, ignore=shutil.ignore_patterns(".glossary-cache", "build")
        )
        return target

    return copy


# --- headless Chromium (Debian's package, driven by Playwright; never a downloaded browser)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} not installed (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright's Python package is not installed (pip install '.[test]')"
    return None


@pytest.fixture(scope="session")
def browser() -> Any:
    """One headless Chromium for the session; each test skips with the reason when absent."""
    missing = _browser_missing()
    if missing:
        if os.environ.get("GLOSSARY_REQUIRE_BROWSER"):
            pytest.fail(f"browser tests are required here: {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def tab(browser: Any) -> Any:
    """A fresh tab whose JavaScript errors are collected in `tab.errors`."""
    context = browser.new_context()
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    tab.errors = errors
    yield tab
    context.close()

"""Hardening: hostile input files give a build or `path:line: message` errors, never a crash,
a hang, a page that evaluates content, or a write outside the output folder."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import time
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import quote

import pytest

from conftest import (
    SITE_YAML,
    area,
    build_in,
    find_all,
    jsonld,
    page,
    parse_html,
    run_cli,
    search_records,
    text_of,
    tree_bytes,
    write_site,
)
from glossary_site.errors import ContentError
from wellformed import assert_pages_well_formed

PUBLISHED = "2026-01-02T10:00:00+00:00"
BASE = "https://glossary.test/"
# the hostile string of the issue: markup, entities, quotes, script end, comment open,
# template syntax of Jinja, a JavaScript line terminator
HOSTILE = (
    "<b>bold</b> & &amp; \"dq\" 'sq' </script><script>alert(1)</script> <!-- "
    "{{ 7*7 }} {% if true %}IF{% endif %} {# c #} \u2028 \u2029 </SCRIPT > ]]> ${x}"
)
# Markdown gives entities their meaning: in bodies and facets `&amp;` is displayed as `&`
HOSTILE_MD = HOSTILE.replace("&amp;", "&")
# and raw HTML is sanitized: <b> is harmless markup, the script tags stay text
HOSTILE_SANE = HOSTILE_MD.replace("<b>bold</b>", "bold")


def site(
    tmp_path: Path,
    files: dict[str, str | bytes],
    site_yaml: str | None = SITE_YAML,
    *,
    with_area: bool = True,
) -> Path:
    """A site with one valid area plus `files`."""
    base = {"content/area/alpha.md": area("Alpha")} if with_area else {}
    return write_site(tmp_path / "site", {**base, **files}, site_yaml)


def problems_of(root: Path, **options) -> list[str]:
    """The `path:line: message` lines of a build that must fail with content errors."""
    with pytest.raises(ContentError) as caught:
        build_in(root, use_cache=False, **options)
    return [p.format() for p in caught.value.problems]


def only_problem(root: Path) -> str:
    found = problems_of(root)
    assert len(found) == 1, found
    return found[0]


def html_pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def no_traceback(result) -> None:
    assert "Traceback" not in result.stderr + result.stdout


PROBLEM_LINE = re.compile(r"^(?:\S.*?):\d+: \S.*$")
COUNT_LINE = re.compile(r"^\d+ errors?(, \d+ warnings?)?$")


def assert_problem_report(result) -> None:
    """Exit 1, nothing on stdout, and stderr made only of `path:line: message` lines and
    the closing count."""
    assert result.returncode == 1, result.stderr
    no_traceback(result)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines and COUNT_LINE.match(lines[-1]), result.stderr
    assert all(PROBLEM_LINE.match(line) for line in lines[:-1]), result.stderr


# ----------------------------------------------------------- malformed front matter

FM = f"summary: s\npublished: {PUBLISHED}\n"
MALFORMED = {
    "tab-indent": ("---\ntitle: T\n" + FM + "aliases:\n\t- x\n---\nBody\n", 6, "tabs"),
    "tab-before-key": (
        "---\ntitle: T\n\tsummary: s\npublished: " + PUBLISHED + "\n---\n",
        3,
        "invalid YAML",
    ),
    # an unclosed quote is found where the front matter ends; the message names its line
    "unclosed-double-quote": (
        '---\ntitle: "T\n' + FM + "---\nBody\n",
        5,
        "quoted scalar at line 2",
    ),
    "unclosed-single-quote": (
        "---\n" + FM + "title: 'T\n---\nBody\n",
        5,
        "quoted scalar at line 4",
    ),
    "unclosed-flow-list": (
        "---\ntitle: T\n" + FM + "aliases: [a, b\n---\n",
        6,
        "flow sequence at line 5",
    ),
    "duplicate-key": ("---\ntitle: T\n" + FM + "title: U\n---\n", 5, "duplicate key 'title'"),
    "front-matter-is-a-list": ("---\n- title\n- T\n---\nBody\n", 2, "must be a mapping"),
    "front-matter-is-a-string": ("---\njust some words\n---\nBody\n", 2, "must be a mapping"),
    "front-matter-is-a-number": ("---\n42\n---\n", 2, "must be a mapping"),
    "list-where-text-belongs": ("---\ntitle: [a, b]\n" + FM + "---\n", 2, "'title' must be text"),
    "mapping-where-text-belongs": (
        "---\ntitle: T\nsummary: {a: b}\npublished: " + PUBLISHED + "\n---\n",
        3,
        "'summary' must be text",
    ),
    "text-where-list-belongs": (
        "---\ntitle: T\n" + FM + "aliases: {a: 1}\n---\n",
        5,
        "'aliases' must be a list",
    ),
    "missing-closing-fence": ("---\ntitle: T\n" + FM + "Body without a fence\n", 1, "not closed"),
    "no-front-matter": ("# Just Markdown\n\nBody\n", 1, "missing front matter"),
    "empty-file": ("", 1, "empty file"),
    "whitespace-only-file": (" \n\n\t\n", 1, "empty file"),
    "python-tag": (
        "---\ntitle: !!python/name:os.system ''\n" + FM + "---\n",
        2,
        "unsupported YAML tag",
    ),
    "python-tag-on-a-list": (
        "---\ntitle: !!python/object/apply:os.system [ls]\n" + FM + "---\n",
        2,
        "'title' must be text",
    ),
    "yaml-alias": (
        "---\ntitle: &t T\nsummary: *t\npublished: " + PUBLISHED + "\n---\n",
        2,
        "aliases",
    ),
    "nested-too-deeply": (
        "---\ntitle: T\n" + FM + "aliases: " + "[" * 60 + "]" * 60 + "\n---\n",
        5,
        "nested too deeply",
    ),
    "control-character": ('---\ntitle: "a\\x1bb"\n' + FM + "---\n", 2, "control character"),
    "bad-date": (
        "---\ntitle: T\nsummary: s\npublished: yesterday\n---\n",
        4,
        "not a valid date-time",
    ),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_front_matter_is_one_path_line_error(tmp_path, name):
    text, line, fragment = MALFORMED[name]
    root = site(tmp_path, {"content/term/bad.md": text})
    problem = only_problem(root)
    assert problem.startswith(f"content/term/bad.md:{line}: "), problem
    assert fragment in problem


@pytest.mark.parametrize(
    ("raw", "line"),
    [
        (b"---\ntitle: Caf\xe9\nsummary: s\npublished: 2026-01-02T10:00:00+00:00\n---\n", 2),
        (
            b"---\ntitle: T\nsummary: s\npublished: 2026-01-02T10:00:00+00:00\n---\nok\n\xff\xfe\n",
            7,
        ),
        ("---\ntitle: T\n---\n".encode("utf-16"), 1),
        (b"---\ntitle: \xed\xa0\x80\n---\n", 2),  # an encoded surrogate is not UTF-8
    ],
)
def test_non_utf8_bytes_are_an_error_at_their_line(tmp_path, raw, line):
    root = site(tmp_path, {"content/term/bad.md": raw})
    problem = only_problem(root)
    assert problem.startswith(f"content/term/bad.md:{line}: not valid UTF-8")


def test_every_malformed_file_is_reported_by_the_cli_at_once_without_traceback(tmp_path):
    files = {f"content/term/{name}.md": text for name, (text, _, _) in MALFORMED.items()}
    files["content/definition/latin1.md"] = b"---\ntitle: Caf\xe9\n---\n"
    root = site(tmp_path, files)
    result = run_cli("build", "--no-cache", cwd=root)
    assert_problem_report(result)
    for name, (_, line, fragment) in MALFORMED.items():
        assert re.search(
            rf"^content/term/{name}\.md:{line}: .*{re.escape(fragment)}", result.stderr, re.M
        ), name
    assert "content/definition/latin1.md:2: not valid UTF-8" in result.stderr
    assert not (root / "build").exists()


def test_malformed_site_yaml_is_a_path_line_error_from_the_cli(tmp_path):
    root = site(tmp_path, {}, site_yaml="name: X\nbase_url: https://x.test/\nname: Y\n")
    result = run_cli("build", "--no-cache", cwd=root)
    assert_problem_report(result)
    assert "content/site.yaml:3: duplicate key 'name'" in result.stderr


@pytest.mark.parametrize("site_yaml", ["- a\n- b\n", "just text\n", "\t- x\n", "'open\n"])
def test_site_yaml_that_is_not_a_mapping_is_an_error(tmp_path, site_yaml):
    root = site(tmp_path, {}, site_yaml=site_yaml)
    problem = only_problem(root)
    assert re.match(r"content/site\.yaml:[12]: ", problem), problem


# ------------------------------------------------------------ accepted encodings


def test_bom_and_crlf_files_build_byte_identical_to_plain_ones(tmp_path):
    files = {
        "content/term/t.md": page("Tee", body="Line one.\n\nLine *two*.\n", areas=["alpha"]),
        "content/definition/d.md": page("Dee", related=["t"]),
    }
    plain = write_site(tmp_path / "plain", {"content/area/alpha.md": area("Alpha"), **files})
    build_in(plain, use_cache=False)

    def dos(text: str, cr: str = "\r\n") -> bytes:
        return b"\xef\xbb\xbf" + text.replace("\n", cr).encode("utf-8")

    mangled = write_site(
        tmp_path / "mangled",
        {
            "content/site.yaml": dos(SITE_YAML),
            "content/area/alpha.md": dos(area("Alpha"), "\r"),  # old Mac line ends too
            **{rel: dos(text) for rel, text in files.items()},
        },
        site_yaml=None,
    )
    build_in(mangled, use_cache=False)
    assert tree_bytes(mangled / "build") == tree_bytes(plain / "build")


@pytest.mark.parametrize(
    "text",
    [
        f"---\ntitle: Only Front\nsummary: s\npublished: {PUBLISHED}\n---",
        f"---\ntitle: Only Front\nsummary: s\npublished: {PUBLISHED}\n---\n",
        f"---\ntitle: Only Front\nsummary: s\npublished: {PUBLISHED}\n...\n",
        f"\ufeff---\r\ntitle: Only Front\r\nsummary: s\r\npublished: {PUBLISHED}\r\n---",
    ],
)
def test_file_of_only_front_matter_builds_with_an_empty_body(tmp_path, text):
    root = site(tmp_path, {"content/term/only.md": text})
    build_in(root, use_cache=False)
    doc = parse_html(root / "build/term/only/index.html")
    assert text_of(doc.find(".//h1")) == "Only Front"
    body = find_all(doc, "div", "entry-body")[0]
    assert text_of(body) == ""


# ---------------------------------------------------------------- big inputs


def _prose(size: int) -> str:
    """About `size` bytes of realistic Markdown: paragraphs with emphasis, links, code,
    mentions of another page's title, a list now and then."""
    para = (
        "Alpha **leverage** grows with the *position* size and the `margin` held; see "
        "[the docs](https://example.org/docs) and [[Beta]] for the other side. Traders "
        "who watch Beta closely rebalance before the funding rate turns. " * 4
    ).strip()
    chunk = para + "\n\n- one point\n- another point\n\n"
    return chunk * max(1, size // len(chunk))


def _timed_cli_build(root: Path) -> float:
    started = time.perf_counter()
    result = run_cli("build", "--no-cache", "--jobs", "1", "--quiet", cwd=root, timeout=900)
    elapsed = time.perf_counter() - started
    assert result.returncode == 0, result.stderr
    return elapsed


def test_twenty_megabyte_body_builds_in_time_proportional_to_its_size(tmp_path):
    timings = {}
    for megabytes in (2, 20):
        body = _prose(megabytes * 1024 * 1024) + "\nTHE-VERY-END\n"
        assert len(body.encode()) > megabytes * 1024 * 1024 * 0.99
        root = write_site(
            tmp_path / f"mb{megabytes}",
            {
                "content/area/alpha.md": area("Alpha"),
                "content/term/big.md": page("Big", body=body, areas=["alpha"]),
                "content/term/beta.md": page("Beta"),
            },
        )
        timings[megabytes] = _timed_cli_build(root)
        html = (root / "build/term/big/index.html").read_bytes()
        assert b"THE-VERY-END" in html
        assert len(html) > megabytes * 1024 * 1024
    assert timings[20] <= 25 * timings[2], timings


# Bodies shaped to hit super-linear paths of a Markdown pipeline: unclosed brackets and
# wiki links, code spans and emphasis delimiters by the thousand, deep nesting.
SHAPES = {
    "unclosed-brackets": lambda n: "[" * n + "\n",
    "unclosed-wiki-links": lambda n: "[[x " * (n // 4) + "\n",
    "unclosed-link-destinations": lambda n: "[a](" * (n // 4) + "\n",
    "code-spans": lambda n: "`a " * (n // 3) + "\n",
    "emphasis-delimiters": lambda n: "*a _b " * (n // 6) + "\n",
    "links": lambda n: "[a](/x) " * (n // 8) + "\n",
    "title-mentions": lambda n: "Beta and " * (n // 9) + "\n",
    "angle-brackets": lambda n: "<a " * (n // 3) + "\n",
    "nested-quotes": lambda n: ">" * min(n, 50) + " a\n" + "x\n" * (n // 20),
    "nested-lists": lambda n: "".join("  " * (i % 50) + "- a\n" for i in range(n // 60)),
}


def _timed_build(root: Path) -> float:
    # CPU time of this process (the build is serial, in-process): what other processes on
    # the machine do (the other test worker, say) does not count
    started = time.process_time()
    # a body may hold broken references; the time is what matters here
    with contextlib.suppress(ContentError):
        build_in(root, use_cache=False)
    return time.process_time() - started


def _body_cost(tmp_path: Path, name: str, body: str, baseline: float) -> float:
    """Seconds a body adds to the build of a small site."""
    root = write_site(
        tmp_path / name,
        {
            "content/area/alpha.md": area("Alpha"),
            "content/term/big.md": page("Big", body=body),
            "content/term/beta.md": page("Beta"),
        },
    )
    return max(0.0, _timed_build(root) - baseline)


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_hostile_markdown_shapes_build_in_near_linear_time(tmp_path, shape):
    baseline = min(_body_cost(tmp_path, f"base{n}", "Short.\n", 0.0) for n in range(2))
    # the fastest of a few runs: one slow run on a busy CI machine is noise, not a shape
    small = min(
        _body_cost(tmp_path, f"small{n}", SHAPES[shape](15_000), baseline) for n in range(3)
    )
    big = min(_body_cost(tmp_path, f"big{n}", SHAPES[shape](150_000), baseline) for n in range(2))
    # ten times the input may cost ten times as much, not a hundred (quadratic); under two
    # seconds nothing is measured (a quadratic shape costs 100x its 15 kB time, far above)
    assert big <= max(2.0, 25 * small), {"15 kB": small, "150 kB": big}


def test_thousand_character_title_is_kept_whole_everywhere(tmp_path):
    # 1,000 characters is the longest title (test_hostile_inputs_2 refuses a longer one)
    title = ("Long " + "word " * 199).strip() + "s"
    assert len(title) == 1000
    root = site(
        tmp_path, {"content/term/long.md": page(title, summary="S " * 2000, areas=["alpha"])}
    )
    build_in(root, use_cache=False)
    out = root / "build"
    assert_pages_well_formed(out)
    doc = parse_html(out / "term/long/index.html")
    assert text_of(doc.find(".//h1")) == title
    assert doc.find(".//title").text == f"{title} ⎊ Term"
    names = [b.get("name") for b in jsonld(doc) if b["@type"] == "DefinedTerm"]
    assert names == [title]
    index = parse_html(out / "term/index.html")
    assert title in [text_of(a) for a in index.iter("a")]
    records = search_records(out)
    assert title in [r["t"] for r in records]


# ------------------------------------------------------- content is data, not code


def _hostile_site(tmp_path: Path, allow_html: bool = False) -> Path:
    site_yaml = "\n".join(
        [
            f"name: {json.dumps('Site ' + HOSTILE)}",
            f"base_url: {BASE}",
            f"description: {json.dumps('Desc ' + HOSTILE)}",
            f"author: {{name: {json.dumps('Editor ' + HOSTILE)}, url: 'https://a.test/?q=\"<>'}}",
            f"faq_question: {json.dumps('Q {facet} of {title} ' + HOSTILE)}",
            f"allow_html: {'true' if allow_html else 'false'}",
            "per_page: 1",
            "",
        ]
    )
    return write_site(
        tmp_path / "site",
        {
            "content/area/hostile.md": area(
                "Area " + HOSTILE,
                {"Facet " + HOSTILE: "Sentence " + HOSTILE + "."},
                aliases=["AreaAlias " + HOSTILE],
            ),
            "content/term/hostile.md": page(
                "Title " + HOSTILE,
                summary="Summary " + HOSTILE,
                aliases=["Alias " + HOSTILE],
                areas=["hostile"],
                related=["plain"],
                image={"src": "https://img.test/a.png?x=\"'<>", "caption": "Cap " + HOSTILE},
                author={"name": "Author " + HOSTILE},
                body="Body " + HOSTILE + "\n\n# Heading " + HOSTILE + "\n\nMore " + HOSTILE + "\n",
            ),
            "content/definition/plain.md": page(
                "Plain", areas=["hostile"], body="Mentions Title and Alias here.\n"
            ),
        },
        site_yaml=site_yaml,
    )


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def test_hostile_titles_and_summaries_are_rendered_literally(tmp_path):
    root = _hostile_site(tmp_path)
    build_in(root, use_cache=False)
    out = root / "build"
    assert_pages_well_formed(out)
    title, summary = "Title " + HOSTILE, "Summary " + HOSTILE
    doc = parse_html(out / "term/hostile/index.html")
    assert text_of(doc.find(".//h1")) == _collapse(title)
    assert doc.find(".//title").text == f"{title} ⎊ Term"
    metas = {m.get("name") or m.get("property"): m.get("content") for m in doc.iter("meta")}
    # a summary is Markdown: its entities mean characters, shown as plain text in meta tags
    summary = "Summary " + HOSTILE_SANE
    assert metas["description"] == summary
    assert metas["og:site_name"] == "Site " + HOSTILE
    body = find_all(doc, "div", "entry-body")[0]
    assert _collapse("Body " + HOSTILE_SANE) in text_of(body)
    assert not list(body.iter("script")) and [text_of(b) for b in body.iter("b")] == ["bold"] * 3
    blocks = {b["@type"]: b for b in jsonld(doc)}
    assert blocks["DefinedTerm"]["name"] == title
    assert blocks["DefinedTerm"]["description"] == summary
    assert blocks["DefinedTerm"]["alternateName"] == ["Alias " + HOSTILE]
    assert blocks["Article"]["headline"] == f"{title} ⎊ Term"
    assert blocks["Article"]["author"]["name"] == "Author " + HOSTILE
    assert blocks["Article"]["image"]["caption"] == "Cap " + HOSTILE
    assert blocks["BreadcrumbList"]["itemListElement"][-1]["name"] == title
    # nothing anywhere was evaluated as a template: no 49, no IF, no rendered comment gap
    for path in html_pages(out):
        page_doc = parse_html(path)
        text = text_of(page_doc.find(".//body")) + " ".join(
            s for b in jsonld(page_doc) for s in _strings(b)
        )
        assert "49" not in text and "{{ 7*7 }}" in text, path
        assert "{% if true %}IF{% endif %}" in text and "{# c #}" in text, path


def test_hostile_area_facets_and_questions_are_rendered_literally(tmp_path):
    root = _hostile_site(tmp_path)
    build_in(root, use_cache=False)
    out = root / "build"
    for rel in ("area/hostile/index.html", "area/hostile/resource/1/index.html"):
        doc = parse_html(out / rel)
        assert text_of(doc.find(".//h1")).startswith(_collapse("Area " + HOSTILE))
        blocks = {b["@type"]: b for b in jsonld(doc)}
        question = blocks["FAQPage"]["mainEntity"][0]
        assert question["name"] == f"Q Facet {HOSTILE_SANE} of Area {HOSTILE} {HOSTILE}"
        assert question["acceptedAnswer"]["text"] == f"Sentence {HOSTILE_SANE}."
        assert blocks["CollectionPage"]["publisher"]["name"] == "Site " + HOSTILE
    records = search_records(out)
    assert {r["t"] for r in records} >= {"Area " + HOSTILE, "Title " + HOSTILE}
    feed = ET.parse(out / "feed.xml").getroot()
    atom = "{http://www.w3.org/2005/Atom}"
    assert feed.find(f"{atom}title").text == "Site " + HOSTILE
    assert "Title " + HOSTILE in [e.find(f"{atom}title").text for e in feed.iter(f"{atom}entry")]


def test_raw_html_in_markdown_is_sanitized_by_default(tmp_path):
    root = site(
        tmp_path,
        {
            "content/term/t.md": page(
                "T",
                body=(
                    '<script>alert(1)</script>\n\n<div onclick="x()">div</div>\n\n'
                    'Inline <img src=x onerror=alert(1)> and <a href="javascript:alert(1)">a</a>.\n'
                ),
            )
        },
    )
    build_in(root, use_cache=False)
    doc = parse_html(root / "build/term/t/index.html")
    body = find_all(doc, "div", "entry-body")[0]
    # the script is shown as text; the div, img and link stay without handlers or URL
    assert [(e.tag, dict(e.attrib)) for e in body.iter()][1:] == [
        ("div", {}),
        ("p", {}),
        ("img", {"src": "x"}),
        ("a", {}),
    ]
    assert "<script>alert(1)</script>" in text_of(body)


def test_raw_html_passes_through_with_allow_html(tmp_path):
    yaml = SITE_YAML + "allow_html: true\n"
    root = site(
        tmp_path,
        {"content/term/t.md": page("T", body='<div class="raw">x</div>\n')},
        site_yaml=yaml,
    )
    build_in(root, use_cache=False)
    doc = parse_html(root / "build/term/t/index.html")
    assert find_all(doc, "div", "raw")


UNSAFE_LINKS = [
    "[a](javascript:alert(1))",
    "[a](JaVaScRiPt:alert(1))",
    "[a]( javascript:alert(1))",
    "[a](<javascript:alert(1)>)",
    "[a](&#106;avascript:alert(1))",
    "[a](&#x6A;avascript&#x3A;alert(1))",
    "[a](javascript%3Aalert(1))",
    "[a](%6Aavascript:alert(1))",
    "[a](data:text/html;base64,PHNjcmlwdD4=)",
    "[a](DATA:text/html,<b>)",
    "[a](vbscript:msgbox)",
    "[a](file:///etc/passwd)",
    "<javascript:alert(1)>",
    "<data:text/html,x>",
    "![i](javascript:alert(1))",
    "![i](data:image/svg+xml,<svg onload=alert(1)>)",
    "[a][ref]\n\n[ref]: javascript:alert(1)",
    "[a][d]\n\n[d]: data:text/html,x",
    "[a](java\\script:alert(1))",
]


@pytest.mark.parametrize("link", UNSAFE_LINKS)
def test_javascript_and_data_links_are_dropped(tmp_path, link):
    root = site(tmp_path, {"content/term/t.md": page("T", body=f"Before {link} after.\n")})
    build_in(root, use_cache=False)
    doc = parse_html(root / "build/term/t/index.html")
    body = find_all(doc, "div", "entry-body")[0]
    for element in body.iter():
        for attr in ("href", "src"):
            value = "".join((element.get(attr) or "").split()).lower()
            assert not value.startswith(("javascript:", "data:", "vbscript:", "file:")), (
                element.tag,
                attr,
                element.get(attr),
            )


def test_safe_links_survive_next_to_dropped_ones(tmp_path):
    body = "[ok](https://example.org/a) [bad](javascript:alert(1)) [rel](/term/t/)\n"
    root = site(tmp_path, {"content/term/t.md": page("T", body=body)})
    build_in(root, use_cache=False)
    doc = parse_html(root / "build/term/t/index.html")
    hrefs = [a.get("href") for a in find_all(doc, "div", "entry-body")[0].iter("a")]
    assert "https://example.org/a" in hrefs and "/term/t/" in hrefs and len(hrefs) == 2


@pytest.mark.parametrize(
    "closer",
    [
        "</script>",
        "</SCRIPT >",
        "</script\t>",
        "<!--",
        "<!-- x -->",
        "\u2028",
        "\u2029",
        "<script>",
        "]]>",
        "</scr\u0000ipt>",
    ],
)
def test_no_content_can_close_or_comment_out_a_json_ld_block(tmp_path, closer):
    text = closer.replace("\u0000", "")
    root = site(
        tmp_path,
        {
            "content/term/t.md": page(
                f"A {text} B", summary=f"S {text} E", aliases=[f"x{text}y"], areas=["alpha"]
            )
        },
    )
    build_in(root, use_cache=False)
    out = root / "build"
    assert_pages_well_formed(out)
    doc = parse_html(out / "term/t/index.html")
    term = next(b for b in jsonld(doc) if b["@type"] == "DefinedTerm")
    # a summary is Markdown: a comment in it is raw HTML, which no page shows
    summary = "S E" if text == "<!-- x -->" else f"S {text} E"
    assert (term["name"], term["description"]) == (f"A {text} B", summary)


@pytest.mark.parametrize("char", ["\ufffe", "\uffff"], ids=["U+FFFE", "U+FFFF"])
@pytest.mark.parametrize("field", ["title", "summary", "alias"])
def test_text_that_xml_cannot_carry_is_refused_or_kept_out_of_feeds(tmp_path, char, field):
    text = f"Non{char}character"
    fields = {"title": "Plain title", "summary": "Plain summary", "alias": "plain alias"}
    fields[field] = text
    root = site(
        tmp_path,
        {
            "content/term/t.md": page(
                fields["title"],
                summary=fields["summary"],
                aliases=[fields["alias"]],
                areas=["alpha"],
            )
        },
    )
    try:
        build_in(root, use_cache=False)
    except ContentError as exc:
        assert any(p.path == "content/term/t.md" and field in p.message for p in exc.problems), (
            exc.problems
        )
        return
    for xml_file in sorted((root / "build").rglob("*.xml")):
        ET.parse(xml_file)  # an Atom feed or sitemap that XML parsers reject is lost


@pytest.mark.parametrize("char", ["\\u0000", "\\u001b", "\\ufffe"])
@pytest.mark.parametrize("key", ["title_separator", "faq_question", "name", "description"])
def test_site_texts_that_xml_cannot_carry_are_refused_or_kept_out_of_feeds(tmp_path, char, key):
    value = f"{{facet}} {char} {{title}}" if key == "faq_question" else f"x{char}y"
    yaml = (
        SITE_YAML + f'{key}: "{value}"\n'
        if key != "name"
        else SITE_YAML.replace("name: Test Glossary", f'name: "{value}"')
    )
    root = site(tmp_path, {"content/term/t.md": page("Tee", areas=["alpha"])}, site_yaml=yaml)
    try:
        build_in(root, use_cache=False)
    except ContentError as exc:
        assert any(p.path == "content/site.yaml" and key in p.message for p in exc.problems), (
            exc.problems
        )
        return
    assert_pages_well_formed(root / "build")


# ------------------------------------------------------------------ paths: slugs

# Names a file system accepts that must not become URLs (and could leave the folder).
BAD_SLUG_NAMES = [
    "%2e%2e%2fescape",
    "%2e%2e",
    "%2E%2E%5Cx",
    "a\\b",
    "a\\..\\..\\x",
    "a..b",
    "-lead",
    "_lead",
    "x%00y",
    "x?y",
    "x#y",
    "sp ace",
    "a%2f..%2fb",
    "~tilde",
    "x" * 151,
]


@pytest.mark.parametrize("stem", BAD_SLUG_NAMES)
def test_file_names_that_cannot_be_slugs_are_rejected_with_a_clear_error(tmp_path, stem):
    root = site(tmp_path, {f"content/term/{stem}.md": page("Escape")})
    problem = only_problem(root)
    assert problem.startswith(f"content/term/{stem}.md:1: ")
    assert "cannot be a slug" in problem or "too long" in problem
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    assert not (root / "build").exists()


def test_file_name_with_a_line_break_is_reported_on_one_line(tmp_path):
    root = site(tmp_path, {"content/term/a\nb.md": page("Broken Name")})
    result = run_cli("build", "--no-cache", cwd=root)
    assert_problem_report(result)
    assert len(result.stderr.strip().splitlines()) == 2, result.stderr


@pytest.mark.parametrize(
    "name", [".hidden.md", "..md", "...md", ".%2e.md", "..%2f..%2fetc.md", "..\\..\\x.md"]
)
def test_page_file_with_a_leading_dot_is_rejected_not_silently_dropped(tmp_path, name):
    root = site(tmp_path, {f"content/term/{name}": page("Hidden")})
    problem = only_problem(root)
    assert problem.startswith(f"content/term/{name}:1: ")
    assert "slug" in problem


def test_nothing_is_written_outside_the_output_folder_for_a_traversal_name(tmp_path):
    root = site(
        tmp_path,
        {"content/term/%2e%2e%2f%2e%2e%2fpwned.md": page("P"), "content/term/ok.md": page("Ok")},
    )
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    with pytest.raises(ContentError):
        build_in(root, use_cache=False)
    assert not list(tmp_path.rglob("pwned*"))
    after = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    assert after == before


# ----------------------------------------------------------------- paths: images

BAD_IMAGE_SOURCES = [
    "../secret.png",
    "images/../../secret.png",
    "/etc/passwd",
    "//evil.test/x.png",
    "images\\x.png",
    "..\\secret.png",
    "C:/x.png",
    "c:\\x.png",
    "a\u0000b.png",
    "a%00b.png",
    "%2e%2e%2fsecret.png",
    "%2E%2E/secret.png",
    "images/%2e%2e/%2e%2e/secret.png",
    "images/%5c..%5csecret.png",
    "./x.png",
    "images//x.png",
    "",
    "file:///etc/passwd",
    "javascript:alert(1)",
    "data:image/png;base64,AAAA",
]


@pytest.mark.parametrize("src", BAD_IMAGE_SOURCES)
def test_image_paths_that_could_escape_static_are_rejected(tmp_path, src):
    (tmp_path / "secret.png").write_bytes(b"\x89PNG secret")
    root = site(
        tmp_path,
        {"content/term/t.md": page("T", image={"src": src}), "static/images/x.png": b"\x89PNG"},
    )
    problem = only_problem(root)
    assert problem.startswith("content/term/t.md:5: "), problem
    assert "image" in problem


# -------------------------------------------------------------- paths: symlinks


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the site with files that must never reach the output."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.md").write_text(page("Outside Secret"), encoding="utf-8")
    (folder / "secret.txt").write_text("TOP-SECRET\n", encoding="utf-8")
    return folder


def assert_refused(root: Path, rel: str) -> None:
    with pytest.raises(ContentError) as caught:
        build_in(root, use_cache=False)
    formatted = [p.format() for p in caught.value.problems]
    assert any(line.startswith(f"{rel}:1: ") and "symbolic link" in line for line in formatted), (
        formatted
    )
    assert not (root / "build").exists()


def test_symlinked_page_pointing_outside_content_is_refused(tmp_path, outside):
    root = site(tmp_path, {})
    (root / "content/term").mkdir()
    (root / "content/term/secret.md").symlink_to(outside / "secret.md")
    assert_refused(root, "content/term/secret.md")


def test_relative_symlink_climbing_out_of_content_is_refused(tmp_path, outside):
    root = site(tmp_path, {})
    (root / "content/definition").mkdir()
    (root / "content/definition/secret.md").symlink_to("../../../outside/secret.md")
    assert (root / "content/definition/secret.md").is_file()
    assert_refused(root, "content/definition/secret.md")


def test_symlinked_kind_folder_pointing_outside_content_is_refused(tmp_path, outside):
    root = site(tmp_path, {})
    (root / "content/term").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ContentError) as caught:
        build_in(root, use_cache=False)
    formatted = [p.format() for p in caught.value.problems]
    assert any("content/term" in line and "symbolic link" in line for line in formatted), formatted


def test_symlink_inside_content_pointing_inside_content_is_fine(tmp_path):
    root = site(tmp_path, {"content/term/real.md": page("Real")})
    (root / "content/definition").mkdir()
    (root / "content/definition/linked.md").symlink_to("../term/real.md")
    build_in(root, use_cache=False)
    assert (root / "build/definition/linked/index.html").is_file()


def test_static_symlinks_pointing_outside_static_are_refused(tmp_path, outside):
    root = site(tmp_path, {"static/ok.txt": "ok\n"})
    (root / "static/file.txt").symlink_to(outside / "secret.txt")
    (root / "static/folder").symlink_to(outside, target_is_directory=True)
    (root / "static/deep").mkdir()
    (root / "static/deep/up.txt").symlink_to("../../../outside/secret.txt")
    with pytest.raises(ContentError) as caught:
        build_in(root, use_cache=False)
    formatted = {
        p.format().split(": ")[0] for p in caught.value.problems if "symbolic link" in p.message
    }
    assert formatted == {"static/file.txt:1", "static/folder:1", "static/deep/up.txt:1"}


@pytest.mark.parametrize("target", ["missing.txt", "loop.txt"])
def test_broken_static_symlink_is_a_path_line_error_not_a_crash(tmp_path, target):
    root = site(tmp_path, {"static/ok.txt": "ok\n"})
    (root / "static/loop.txt").symlink_to(target)
    result = run_cli("build", "--no-cache", cwd=root)
    assert_problem_report(result)
    assert "static/loop.txt:1: " in result.stderr


def test_broken_content_symlink_is_a_path_line_error_not_a_crash(tmp_path):
    root = site(tmp_path, {"content/term/ok.md": page("Ok")})
    (root / "content/term/gone.md").symlink_to("nowhere.md")
    (root / "content/term/loop.md").symlink_to("loop.md")
    result = run_cli("build", "--no-cache", cwd=root)
    assert_problem_report(result)
    assert "content/term/gone.md:1: " in result.stderr
    assert "content/term/loop.md:1: " in result.stderr


def test_named_pipe_as_a_page_is_an_error_not_a_hang(tmp_path):
    root = site(tmp_path, {"content/term/ok.md": page("Ok")})
    os.mkfifo(root / "content/term/pipe.md")
    result = run_cli("build", "--no-cache", cwd=root, timeout=10)
    assert_problem_report(result)
    assert "content/term/pipe.md:1: " in result.stderr


def test_named_pipe_as_an_image_is_an_error_not_a_hang(tmp_path):
    root = site(
        tmp_path,
        {"content/term/t.md": page("T", image={"src": "pipe.png"}), "static/ok.txt": "ok\n"},
    )
    os.mkfifo(root / "static/pipe.png")
    result = run_cli("build", "--no-cache", cwd=root, timeout=10)
    assert result.returncode == 1, result.stderr
    no_traceback(result)
    assert "static/pipe.png" in result.stderr


# ------------------------------------------------------------ one URL, two files


def test_md_and_markdown_files_with_one_slug_collide(tmp_path):
    root = site(
        tmp_path, {"content/term/foo.md": page("Foo"), "content/term/foo.markdown": page("Foo Two")}
    )
    problem = only_problem(root)
    assert "/term/foo/" in problem and problem.startswith("content/term/foo")


def test_static_file_colliding_with_a_page_is_an_error(tmp_path):
    root = site(
        tmp_path, {"content/term/x.md": page("X"), "static/term/x/index.html": "<p>shadow</p>"}
    )
    assert only_problem(root).startswith("static/term/x/index.html:1: collides with")


@pytest.mark.parametrize(
    "name",
    [
        "sitemap.xml",
        "feed.xml",
        "search/manifest.json",
        "404.html",
        "robots.txt",
        "index.html",
        "area/index.html",
        "area/alpha/feed.xml",
        "Term/Index.HTML",
    ],
)
def test_static_file_colliding_with_a_generated_file_is_an_error(tmp_path, name):
    root = site(tmp_path, {f"static/{name}": "shadow"})
    assert only_problem(root).startswith(f"static/{name}:1: ")


@pytest.mark.parametrize("name", [".glossary-build", ".glossary-commit.json"])
def test_static_file_named_like_the_builds_own_bookkeeping_is_refused(tmp_path, name):
    root = site(tmp_path, {f"static/{name}": "author's file\n"})
    assert only_problem(root).startswith(f"static/{name}:1: ")


def test_nfc_and_nfd_spellings_of_a_page_file_name_collide(tmp_path):
    nfc, nfd = "caf\u00e9", "cafe\u0301"
    root = site(
        tmp_path, {f"content/term/{nfc}.md": page("One"), f"content/term/{nfd}.md": page("Two")}
    )
    assert "/term/café/" in only_problem(root)


def test_static_folder_in_nfd_colliding_with_an_nfc_page_is_an_error(tmp_path):
    root = site(
        tmp_path,
        {
            "content/term/caf\u00e9.md": page("Cafe"),
            "static/term/cafe\u0301/index.html": "<p>shadow</p>",
        },
    )
    assert only_problem(root).startswith("static/term/cafe\u0301/index.html:1: ")


def test_static_files_differing_only_by_unicode_normalisation_collide(tmp_path):
    root = site(tmp_path, {"static/caf\u00e9.txt": "nfc\n", "static/cafe\u0301.txt": "nfd\n"})
    assert "static/caf" in only_problem(root)


@pytest.mark.parametrize(
    ("first", "second"),
    [("foo", "Foo"), ("straße", "STRASSE"), ("ǅemal", "ǆemal"), ("ΣΊΣΥΦΟΣ", "σίσυφος")],
)
def test_slugs_differing_only_by_case_are_an_error(tmp_path, first, second):
    root = site(
        tmp_path,
        {
            f"content/definition/{first}.md": page("One"),
            f"content/definition/{second}.md": page("Two"),
        },
    )
    problem = only_problem(root)
    assert "only by letter case" in problem


def test_case_clash_across_md_and_markdown_is_an_error(tmp_path):
    root = site(
        tmp_path, {"content/term/Foo.markdown": page("One"), "content/term/foo.md": page("Two")}
    )
    assert "only by letter case" in only_problem(root)


def test_same_slug_in_different_kinds_is_fine(tmp_path):
    root = site(
        tmp_path,
        {
            "content/term/alpha.md": page("Alpha Term"),
            "content/definition/alpha.md": page("Alpha Definition"),
        },
    )
    build_in(root, use_cache=False)
    assert (root / "build/term/alpha/index.html").is_file()
    assert (root / "build/definition/alpha/index.html").is_file()


# ------------------------------------------------------------------------ graph


def test_related_cycles_and_self_references_build(tmp_path):
    root = site(
        tmp_path,
        {
            "content/term/a.md": page("Aa", related=["b"], body="See [[Bb]] and [[Cc]].\n"),
            "content/term/b.md": page("Bb", related=["c"], body="See [[Cc]] and [[Aa]].\n"),
            "content/term/c.md": page("Cc", related=["a", "c"], body="See [[Aa]], [[Cc]].\n"),
            "content/definition/d.md": page("Dd", related=["d"]),
        },
    )
    report = build_in(root, use_cache=False)
    assert report.entries == 4
    out = root / "build"
    assert_pages_well_formed(out)

    def related(slug: str) -> list[str]:
        doc = parse_html(out / f"term/{slug}/index.html")
        return [text_of(a) for n in find_all(doc, "nav", "related") for a in n.iter("a")]

    assert related("a") == ["Bb"] and related("b") == ["Cc"] and "Aa" in related("c")
    assert "Cc" not in related("c")


def test_area_with_three_thousand_definitions_paginates_into_one_hundred_pages(tmp_path):
    files = {"content/area/big.md": area("Big Area")}
    for n in range(3000):
        files[f"content/definition/d{n:04d}.md"] = page(
            f"Entry {n:04d}",
            published="2025-01-01T00:00:00+00:00",
            areas=["big"],
            modified=f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}T{n % 24:02d}:{n % 60:02d}:00+00:00",
        )
    root = write_site(tmp_path / "site", files, SITE_YAML.replace("per_page: 3", "per_page: 30"))
    started = time.perf_counter()
    report = build_in(root, use_cache=False, jobs=0)
    assert time.perf_counter() - started < 300
    assert report.entries == 3000
    out = root / "build"
    resource = out / "area/big/resource"
    assert sorted(int(p.name) for p in resource.iterdir()) == list(range(1, 101))
    seen = []
    for n in (1, 2, 50, 100):
        doc = parse_html(resource / f"{n}/index.html")
        parts = next(b for b in jsonld(doc) if b["@type"] == "CollectionPage")["hasPart"]
        assert len(parts) == 30
        seen += [p["url"] for p in parts]
    assert len(set(seen)) == len(seen) == 120
    first = parse_html(resource / "1/index.html")
    assert [link.get("href") for link in first.iter("link") if link.get("rel") == "next"] == [
        "/area/big/resource/2/"
    ]
    last = parse_html(resource / "100/index.html")
    assert not [link for link in last.iter("link") if link.get("rel") == "next"]
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert sitemap.count("/area/big/resource/") == 100
    # the definitions index splits: 3,000 under "E", 500 a page (index_page_size)
    assert sitemap.count("<url>") == 1 + 3 + 6 + 1 + 100 + 3000
    letter_pages = [out / "definition/e"] + [out / f"definition/e/{n}" for n in range(2, 7)]
    listed = [
        a.get("href")
        for folder in letter_pages
        for a in parse_html(folder / "index.html").iter("a")
        if "/definition/d" in (a.get("href") or "")
    ]
    assert len(listed) == len(set(listed)) == 3000


# ------------------------------------------------------------------------ unicode

UNICODE_PAGES = {
    "éclair": "Éclair",
    "elephant": "Elephant",
    "ezra": "Ezra",
    "ökonomie": "Ökonomie",
    "άλφα": "Άλφα",
    "ωμέγα": "Ωμέγα",
    "期权": "期权",
    "デルタ": "デルタ",
    "ǆungla": "ǅungla",
    "42-go": "42 Go",
}


def test_unicode_titles_build_with_percent_encoded_urls_and_sensible_letter_groups(tmp_path):
    files = {
        f"content/definition/{slug}.md": page(title, areas=["alpha"])
        for slug, title in UNICODE_PAGES.items()
    }
    # one file name in NFD, as macOS writes it: its slug and URL are the NFC ones
    files.pop("content/definition/ökonomie.md")
    files[unicodedata.normalize("NFD", "content/definition/ökonomie.md")] = page(
        "Ökonomie", areas=["alpha"]
    )
    root = site(tmp_path, files)
    build_in(root, use_cache=False)
    out = root / "build"
    assert_pages_well_formed(out)
    for slug, title in UNICODE_PAGES.items():
        path = out / "definition" / slug / "index.html"
        assert path.is_file(), slug
        doc = parse_html(path)
        assert text_of(doc.find(".//h1")) == title
        url = BASE + "definition/" + quote(slug, safe="-") + "/"
        assert url.isascii()
        term = next(b for b in jsonld(doc) if b["@type"] == "DefinedTerm")
        assert term["url"] == url
        assert [
            link.get("href") for link in doc.iter("link") if link.get("rel") == "canonical"
        ] == [url]
    sitemap = ET.parse(out / "sitemap.xml").getroot()
    locs = [e.text for e in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert all(loc.isascii() for loc in locs)
    for slug in UNICODE_PAGES:
        assert BASE + "definition/" + quote(slug, safe="-") + "/" in locs
    index = parse_html(out / "definition/index.html")
    groups = {
        text_of(section.find("h2")): [text_of(a) for a in section.iter("a")]
        for section in find_all(index, "section", "letter-group")
    }
    assert groups["E"] == ["Éclair", "Elephant", "Ezra"]  # accents do not sort after z
    assert groups["O"] == ["Ökonomie"]
    assert groups["Α"] == ["Άλφα"] and groups["Ω"] == ["Ωμέγα"]
    assert groups["#"] == ["42 Go"]
    assert "期权" in groups.get("期", []) and "デルタ" in groups.get("デ", groups.get("テ", []))
    assert "ǅungla" in groups.get("ǅ", groups.get("Ǆ", groups.get("D", [])))
    letters = list(groups)
    assert letters[-1] == "#" and letters.index("E") < letters.index("Α")
    hrefs = [a.get("href") for a in index.iter("a") if "/definition/" in (a.get("href") or "")]
    assert all(h.isascii() for h in hrefs)
    assert "/definition/%C3%A9clair/" in hrefs
    records = search_records(out)
    assert {r["u"] for r in records} >= {"/definition/%E6%9C%9F%E6%9D%83/"}


# ------------------------------------------------------------------------ base_url

BAD_BASE_URLS = [
    "example.org",
    "ftp://example.org/",
    "javascript:alert(1)",
    "https://",
    "https:///path/",
    "//example.org/",
    "https://example.org/?q=1",
    "https://example.org/#top",
    "https://exa mple.org/",
    "https://example.org/a b/",
    "https://example.org\\x/",
    "https://example.org/../",
    "https://[::1/",
    "https://example.org:99999/",
    "https://example.org:port/",
    'https://example.org/"><script>alert(1)</script>/',
    "https://example.org/<x>/",
    "https://example.org/\u2028/",
    "https://example.org/\x7f/",
]


@pytest.mark.parametrize("url", BAD_BASE_URLS)
def test_invalid_base_url_in_site_yaml_is_a_path_line_error(tmp_path, url):
    yaml = f"name: X\nbase_url: {json.dumps(url)}\n"
    root = site(tmp_path, {}, site_yaml=yaml)
    problem = only_problem(root)
    assert problem.startswith("content/site.yaml:2: 'base_url' "), problem


@pytest.mark.parametrize("url", BAD_BASE_URLS)
def test_invalid_base_url_option_is_a_usage_error(tmp_path, url):
    root = site(tmp_path, {})
    result = run_cli("build", "--no-cache", "--base-url", url, cwd=root)
    assert result.returncode == 2, (result.returncode, result.stderr)
    no_traceback(result)
    assert "--base-url" in result.stderr
    assert not (root / "build").exists()


def test_missing_or_non_text_base_url_is_an_error(tmp_path):
    for yaml in ("name: X\n", "name: X\nbase_url: [https://x.test/]\n", "name: X\nbase_url:\n"):
        root = site(tmp_path, {}, site_yaml=yaml)
        assert "base_url" in only_problem(root)
        shutil.rmtree(root)

"""Hardening, property-based: random front matter and Markdown (hostile strings, YAML-ish
noise, random Unicode) build or raise ContentError, never anything else; what builds is
well-formed; and incremental builds after any sequence of edits equal a fresh build."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml
from hypothesis import HealthCheck, Phase, event, example, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from conftest import (
    area,
    build_in,
    jsonld,
    page,
    parse_html,
    search_records,
    text_of,
    tree_bytes,
    write_site,
)
from glossary_site.errors import ContentError
from wellformed import assert_pages_well_formed

# Every example writes and builds a site (~0.05 s): no example database in the repository,
# no deadline, and no shrinking (it would rebuild hundreds of sites; the failing example is
# printed as found, and it is small: every strategy is bounded).
SETTINGS = settings(
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target],
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)
PUBLISHED = "2026-01-02T10:00:00+00:00"
SITE_YAML = "name: Prop Glossary\nbase_url: https://prop.test/\nper_page: 2\n"

HOSTILE_BITS = [
    "<",
    ">",
    "&",
    "&amp;",
    "&#0;",
    "&#xD800;",
    '"',
    "'",
    "`",
    "</script>",
    "</SCRIPT >",
    "<script>alert(1)</script>",
    "<!--",
    "-->",
    "{{ 7*7 }}",
    "{% if x %}",
    "{% endif %}",
    "{#",
    "#}",
    "${x}",
    "\u2028",
    "\u2029",
    "]]>",
    "\\",
    "%2e%2e%2f",
    "../",
    "\ufeff",
    "\u0085",
    "\u200b",
    "\ufffe",
    "\U0001f600",
    "\u0301",
    "期权",
    "Ωμέγα",
    "Éclair",
    "javascript:alert(1)",
    "data:text/html,x",
    "\t",
    "\r",
    "\r\n",
    " ",
    "  ",
]
CONTROL_BITS = ["\x00", "\x1b", "\x0b", "\x0c", "\x7f", "\x08"]
YAML_BITS = [
    ":",
    ": ",
    "- ",
    "-",
    "[",
    "]",
    "{",
    "}",
    ",",
    "'",
    '"',
    "#",
    "&a ",
    "*a",
    "!!str ",
    "!!python/name:os.system ",
    "? ",
    "|",
    "|-",
    ">",
    "---",
    "...",
    "\n",
    "\n  ",
    "\t",
    "%YAML 1.2",
    "~",
    "null",
    "true",
    "no",
    "1e999",
    "0x1F",
    ".nan",
    "2026-01-02",
    "2026-01-02T10:00:00",
    "<<: ",
    "title",
    "summary",
    "published",
    "aliases",
    "related",
    "areas",
    "image",
    "src",
    "draft",
    "author",
    "modified",
    "auto_link",
]
MARKDOWN_BITS = [
    "[[",
    "]]",
    "[[Alpha]]",
    "[[Plain]]",
    "[[definition/plain|the plain one]]",
    "[",
    "]",
    "(",
    ")",
    "[a](",
    "[a](/definition/plain/)",
    "[a](javascript:alert(1))",
    "[a](<data:text/html,x>)",
    "[a](JAVASCRIPT:x)",
    "![i](x.png)",
    "![i](data:image/png,x)",
    "<javascript:alert(1)>",
    "`",
    "```",
    "~~~",
    "*",
    "_",
    "**",
    "~~",
    "# ",
    "## ",
    "###### ",
    "> ",
    "- ",
    "1. ",
    "|",
    "| a | b |\n|---|---|\n",
    "\n",
    "\n\n",
    "    ",
    "<div>",
    "</div>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:x">',
    "&",
    "&copy;",
    "\\",
    "Alpha",
    "Plain",
    "alpha plain",
    "---",
    "***",
    "<!-- c -->",
    "<?php ?>",
    "<![CDATA[x]]>",
]
# bits that make a body fail on purpose: unresolved wiki links and broken page links
BREAKING_BITS = ["[[Nope]]", "[[term/nope|x]]", "[a](/term/nope/)"]

safe_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
piece = st.one_of(st.sampled_from(HOSTILE_BITS), safe_text)
# now and then a control character, which text fields and YAML refuse
noisy_piece = st.one_of(*[piece] * 30, st.sampled_from(CONTROL_BITS))
hostile_text = st.lists(noisy_piece, max_size=8).map("".join)
yamlish = st.lists(st.one_of(st.sampled_from(YAML_BITS), piece), max_size=25).map("".join)
markdownish = st.lists(
    st.one_of(*[st.sampled_from(MARKDOWN_BITS)] * 4, *[piece] * 3, st.sampled_from(BREAKING_BITS)),
    max_size=30,
).map("".join)
nonblank = hostile_text.filter(lambda s: s.strip())
clean_nonblank = st.lists(piece, min_size=1, max_size=8).map("".join).filter(str.strip)
mostly_clean = clean_nonblank  # control characters: see entry_files below
often = st.sampled_from([True] * 9 + [False])  # True nine times in ten
nearly_always = st.sampled_from([True] * 29 + [False])
_PAIR = re.compile(r"\\ud[89ab][0-9a-f]{2}\\ud[c-f][0-9a-f]{2}")


def dumps(text: str) -> str:
    """A YAML double-quoted string for any text (JSON, but characters beyond the Basic
    Multilingual Plane written as themselves: YAML 1.1 has no surrogate-pair escapes)."""
    return _PAIR.sub(lambda m: json.loads(f'"{m.group(0)}"'), json.dumps(text))


DATES = [
    "2026-01-02T10:00:00+00:00",
    "2025-12-31T23:59:59-11:00",
    "2026-01-02T10:00:00Z",
    "2026-01-02 10:00:00+01:00",
    "0001-01-01T00:00:00+14:00",
]
LATER = ["2026-06-01T00:00:00+00:00", "9999-12-31T23:59:59.999999-23:59"]
VALID_VALUES = {
    "title": mostly_clean.map(dumps),
    "summary": mostly_clean.map(dumps),
    "published": st.sampled_from(DATES),
    "modified": st.sampled_from(LATER),
    "aliases": st.lists(mostly_clean, max_size=2).map(lambda v: f"[{', '.join(map(dumps, v))}]"),
    "areas": st.sampled_from(["[alpha]", "[]", "[Alpha]", "[area/alpha]"]),
    "related": st.sampled_from(["[plain]", "[Plain, definition/plain]", "[]"]),
    "draft": st.sampled_from(["false", "true"]),
    "auto_link": st.sampled_from(["true", "false"]),
    "image": st.sampled_from(
        [
            "{src: https://img.test/x.png?a=\"<>\", caption: '</script>'}",
            "{src: pic.svg, width: 10, height: 10}",
            "{src: pic.svg}",
            "{src: ../x.png}",
        ]
    ),
    "author": st.sampled_from(
        [
            "{name: '<Ann & Bob>'}",
            "{name: A, url: 'https://a.test/\"'}",
            "{name: A, url: 'javascript:x'}",
        ]
    ),
}
REQUIRED = ("title", "summary", "published")


@st.composite
def front_matters(draw) -> str:
    """Known keys in random order, each value valid nine times in ten, else YAML noise;
    now and then a line of noise of its own, or a required key left out."""
    rarely = st.sampled_from([True, False, False])
    keys = [k for k in VALID_VALUES if (draw(nearly_always) if k in REQUIRED else draw(rarely))]
    lines = []
    for key in draw(st.permutations(keys)):
        value = draw(VALID_VALUES[key] if draw(nearly_always) else yamlish)
        lines.append(f"{key}: {value}")
    if not draw(often):
        lines.insert(draw(st.integers(0, len(lines))), draw(yamlish))
    return "\n".join(lines)


@contextmanager
def temporary_site(files: dict[str, str | bytes]) -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="glossary-prop-"))
    try:
        yield write_site(
            folder / "site", {"content/area/alpha.md": area("Alpha"), **files}, SITE_YAML
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def build_or_content_error(root: Path) -> bool:
    """True when the site built; False on ContentError; any other exception fails."""
    try:
        build_in(root, use_cache=False)
    except ContentError as exc:
        assert exc.problems, "a ContentError names at least one problem"
        for problem in exc.problems:
            assert problem.path.startswith(("content/", "static/", "templates/")), problem
            assert problem.line >= 1 and problem.message, problem
        event("content error")
        return False
    event("built")
    return True


# ------------------------------------------------------------- random page files


@settings(SETTINGS, max_examples=120)
@given(front=front_matters(), body=markdownish)
def test_random_front_matter_and_markdown_build_or_raise_content_error(front, body):
    text = f"---\n{front}\n---\n{body}"
    with temporary_site(
        {
            "content/term/random.md": text.encode("utf-8"),
            "static/pic.svg": b"<svg xmlns='http://www.w3.org/2000/svg'/>",
            "content/definition/plain.md": page("Plain"),
        }
    ) as root:
        if build_or_content_error(root):
            assert_pages_well_formed(root / "build")


@settings(SETTINGS, max_examples=60)
@given(
    raw=st.one_of(st.binary(max_size=300), markdownish.map(str.encode)),
    prefix=st.sampled_from(
        [
            b"",
            b"\xef\xbb\xbf",
            page("Bytes", body="").encode(),
            b"\xef\xbb\xbf" + page("Bytes", body="").encode(),
            page("Bytes", body="").replace("\n", "\r\n").encode(),
        ]
    ),
)
def test_random_bytes_build_or_raise_content_error(raw, prefix):
    with temporary_site(
        {"content/definition/bytes.md": prefix + raw, "content/definition/plain.md": page("Plain")}
    ) as root:
        if build_or_content_error(root):
            assert_pages_well_formed(root / "build")


def _yaml_value(draw_value: str, style: str) -> str:
    if style == "json":
        return dumps(draw_value)
    if style == "single":
        return "'" + draw_value.replace("'", "''") + "'"
    return draw_value  # plain: may well be invalid YAML, or another type


@st.composite
def entry_files(draw) -> tuple[str, dict[str, str]]:
    """A term whose fields are hostile text, written as JSON, single-quoted or plain YAML."""
    fields = {}
    for key in ("title", "summary"):
        fields[key] = draw(clean_nonblank if draw(often) else nonblank)
    style = draw(st.sampled_from(["json", "json", "json", "single", "plain"]))
    aliases = draw(st.lists(clean_nonblank, max_size=2))
    lines = [
        "---",
        f"title: {_yaml_value(fields['title'], style)}",
        f"summary: {_yaml_value(fields['summary'], style)}",
        f"published: {PUBLISHED}",
    ]
    if aliases:
        lines.append(f"aliases: [{', '.join(map(dumps, aliases))}]")
    if draw(st.booleans()):
        lines.append("areas: [alpha]")
    if draw(st.booleans()):
        related = draw(
            st.lists(
                st.sampled_from(["plain", "Plain", "alpha"]) if draw(often) else hostile_text,
                max_size=2,
            )
        )
        lines.append(f"related: [{', '.join(map(dumps, related))}]")
    body = draw(markdownish)
    return fields["title"], {
        "content/term/hostile.md": "\n".join([*lines, "---", body]),
        "content/definition/plain.md": page("Plain", areas=["alpha"], related=["hostile"]),
    }


def _as_loaded(text: str) -> str:
    return unicodedata.normalize("NFC", text.strip())


@settings(SETTINGS, max_examples=120)
@given(case=entry_files())
def test_hostile_field_values_are_shown_literally_whenever_they_build(case):
    title, files = case
    encoded = {rel: text.encode("utf-8", "surrogatepass") for rel, text in files.items()}
    with temporary_site(encoded) as root:
        if not build_or_content_error(root):
            return
        out = root / "build"
        assert_pages_well_formed(out)
        doc = parse_html(out / "term/hostile/index.html")
        term = next(b for b in jsonld(doc) if b["@type"] == "DefinedTerm")
        if files["content/term/hostile.md"].startswith(f"---\ntitle: {dumps(title)}"):
            assert term["name"] == _as_loaded(title)
            assert text_of(doc.find(".//h1")) == " ".join(_as_loaded(title).split())
        records = search_records(out)
        assert term["name"] in [r["t"] for r in records]


SITE_VALUES = {
    "name": st.one_of(clean_nonblank, nonblank).map(dumps),
    "base_url": st.sampled_from(
        [
            "https://p.test/",
            "https://p.test/sub/dir",
            "http://[::1]:8080/",
            "https://xn--caf-dma.test/",
            "https://p.test/%7Euser/",
        ]
    ),
    "title_separator": hostile_text.map(dumps),
    "author": st.sampled_from(["{name: '<Ed & Co>'}", "{name: E, url: 'https://e.test/'}"]),
    "per_page": st.sampled_from(["1", "2", "30", "10000"]),
    "faq_question": hostile_text.map(lambda t: dumps("{facet} " + t + " {title}")),
    "language": st.sampled_from(["en", "el", "zh-Hans", "de-CH"]),
    "description": hostile_text.map(dumps),
    "allow_html": st.sampled_from(["true", "false"]),
    "auto_link": st.sampled_from(["true", "false"]),
    "discover_more": st.sampled_from(["0", "1", "100"]),
    "feed_items": st.sampled_from(["1", "30"]),
}


@st.composite
def site_settings(draw) -> str:
    keys = [
        "name",
        "base_url",
        *(k for k in SITE_VALUES if k not in ("name", "base_url") and draw(st.integers(0, 2)) == 0),
    ]
    lines = [
        f"{k}: {draw(SITE_VALUES[k] if draw(nearly_always) else yamlish)}"
        for k in draw(st.permutations(keys))
    ]
    return "\n".join(lines) + "\n"


def _allows_html(site_yaml: str) -> bool:
    """Whether settings that built set `allow_html: true` (raw HTML passes through)."""
    return (yaml.safe_load(site_yaml) or {}).get("allow_html") is True


@settings(SETTINGS, max_examples=80)
@given(site_yaml=site_settings(), body=markdownish)
@example(  # found by this test: raw HTML under allow_html passes as written, links too
    site_yaml="name: X\nallow_html: true\nbase_url: https://p.test/\n",
    body='|]||<<a href="javascript:x">',
)
def test_random_site_settings_build_or_raise_content_error(site_yaml, body):
    folder = Path(tempfile.mkdtemp(prefix="glossary-prop-"))
    try:
        root = write_site(
            folder / "site",
            {
                "content/area/alpha.md": area("Alpha"),
                "content/term/t.md": page("Tee", areas=["alpha"], body=body),
                "content/definition/plain.md": page("Plain", areas=["alpha"]),
            },
            site_yaml=None,
        )
        (root / "content/site.yaml").write_bytes(site_yaml.encode("utf-8"))
        if build_or_content_error(root):
            assert_pages_well_formed(root / "build", trusted_html=_allows_html(site_yaml))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# ------------------------------------------------------- incremental builds, stateful

WORDS = ["Alpha", "Beta", "Gamma", "Delta", "Margin", "Basis", "Skew <&>", "Ωμέγα"]
SLUGS = ["alpha", "beta", "gamma", "delta", "margin", "basis", "skew", "omega"]
AREA_SLUGS = ["hub", "core", "edge"]


def _with_field(text: str, key: str, value: object, raw: bool = False) -> str:
    """Front matter `text` with `key` set (replaced, or added before the closing ---)."""
    head, sep, body = text[4:].partition("\n---\n")
    rendered = value if raw else json.dumps(value)
    lines = [line for line in head.split("\n") if not line.startswith(f"{key}:")]
    return "---\n" + "\n".join([*lines, f"{key}: {rendered}"]) + sep + body


class IncrementalBuilds(RuleBasedStateMachine):
    """Edits to a small site, each followed by a cached build into site/build and a fresh
    `--no-cache` build into another folder: the two must always agree, byte for byte."""

    def __init__(self) -> None:
        super().__init__()
        self.base = Path(tempfile.mkdtemp(prefix="glossary-state-"))
        self.root = self.base / "site"
        self.per_page = 2
        self.site_name = "Test Glossary"
        self.static: dict[str, str] = {}
        self.files: dict[str, str] = {
            "content/area/hub.md": area("Hub"),
            "content/term/alpha.md": page("Alpha", areas=["hub"], body="Alpha text.\n"),
        }
        self.sync()

    def teardown(self) -> None:
        shutil.rmtree(self.base, ignore_errors=True)

    # -- the site on disk follows self.files
    def sync(self) -> None:
        settings_yaml = SITE_YAML.replace("per_page: 3", f"per_page: {self.per_page}")
        settings_yaml = settings_yaml.replace("name: Test Glossary", f"name: {self.site_name}")
        wanted = {**self.files, **self.static, "content/site.yaml": settings_yaml}
        content = self.root / "content"
        if content.exists():
            for path in sorted(content.rglob("*")):
                rel = path.relative_to(self.root).as_posix()
                if path.is_file() and rel not in wanted:
                    path.unlink()
        for rel, text in wanted.items():
            path = self.root / rel
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")

    def entries(self) -> list[str]:
        return sorted(r for r in self.files if r.startswith(("content/term/", "content/def")))

    def area_files(self) -> list[str]:
        return sorted(r for r in self.files if r.startswith("content/area/"))

    @staticmethod
    def _entry(
        title: str, body: str, related: list[str], areas: list[str], modified_day: int
    ) -> str:
        return page(
            title,
            body=body,
            related=related,
            areas=areas,
            modified=f"2026-02-{modified_day:02d}T08:00:00+00:00",
        )

    # -- rules
    @rule(
        kind=st.sampled_from(["term", "definition"]),
        slug=st.sampled_from(SLUGS),
        title=st.sampled_from(WORDS),
        data=st.data(),
    )
    def add_entry(self, kind, slug, title, data):
        body = self._body(data)
        related = data.draw(st.lists(st.sampled_from(SLUGS + WORDS), max_size=2))
        areas = data.draw(st.lists(st.sampled_from(AREA_SLUGS), max_size=2, unique=True))
        day = data.draw(st.integers(1, 28))
        self.files[f"content/{kind}/{slug}.md"] = self._entry(title, body, related, areas, day)
        self.sync()

    def _body(self, data) -> str:
        words = data.draw(
            st.lists(
                st.sampled_from(
                    [
                        *WORDS,
                        "plain",
                        "text",
                        "[[Alpha]]",
                        "[[Beta]]",
                        "[x](/term/alpha/)",
                        "`code Beta`",
                        "## Head Gamma",
                        "\n\n",
                    ]
                ),
                max_size=12,
            )
        )
        return " ".join(words) + "\n"

    @precondition(lambda self: self.entries())
    @rule(data=st.data(), title=st.sampled_from(WORDS))
    def retitle_entry(self, data, title):
        rel = data.draw(st.sampled_from(self.entries()))
        text = self.files[rel]
        first, rest = text.split("\n", 2)[1], text.split("\n", 2)[2]
        assert first.startswith("title: ")
        self.files[rel] = f"---\ntitle: {json.dumps(title)}\n{rest}"
        self.sync()

    @precondition(lambda self: self.entries())
    @rule(data=st.data())
    def rewrite_body(self, data):
        rel = data.draw(st.sampled_from(self.entries()))
        head, _, _ = self.files[rel].partition("\n---\n")
        self.files[rel] = f"{head}\n---\n\n{self._body(data)}"
        self.sync()

    @precondition(lambda self: self.entries())
    @rule(data=st.data(), kind=st.sampled_from(["term", "definition"]), slug=st.sampled_from(SLUGS))
    def rename_entry(self, data, kind, slug):
        rel = data.draw(st.sampled_from(self.entries()))
        self.files[f"content/{kind}/{slug}.md"] = self.files.pop(rel)
        self.sync()

    @precondition(lambda self: self.entries())
    @rule(data=st.data())
    def delete_entry(self, data):
        del self.files[data.draw(st.sampled_from(self.entries()))]
        self.sync()

    @rule(
        slug=st.sampled_from(AREA_SLUGS),
        title=st.sampled_from(["Hub", "Core", "Edge", "Gamma"]),
        facets=st.integers(1, 3),
    )
    def add_or_edit_area(self, slug, title, facets):
        names = ["Mechanism", "Risk", "History"][:facets]
        self.files[f"content/area/{slug}.md"] = area(
            title, {n: f"{title} {n.lower()} text mentions Alpha. Second." for n in names}
        )
        self.sync()

    @precondition(lambda self: self.area_files())
    @rule(data=st.data())
    def delete_area(self, data):
        del self.files[data.draw(st.sampled_from(self.area_files()))]
        self.sync()

    @rule(per_page=st.integers(1, 4))
    def change_per_page(self, per_page):
        self.per_page = per_page
        self.sync()

    @precondition(lambda self: self.entries() or self.area_files())
    @rule(data=st.data(), aliases=st.lists(st.sampled_from([*WORDS, "gearing"]), max_size=2))
    def set_aliases(self, data, aliases):
        rel = data.draw(st.sampled_from(self.entries() + self.area_files()))
        self.files[rel] = _with_field(self.files[rel], "aliases", aliases)
        self.sync()

    @precondition(lambda self: self.entries())
    @rule(
        data=st.data(),
        summary=st.sampled_from(["New meaning.", "Another <b>one</b>."]),
        day=st.integers(1, 28),
        draft=st.booleans(),
    )
    def edit_summary_date_or_draft(self, data, summary, day, draft):
        rel = data.draw(st.sampled_from(self.entries()))
        text = _with_field(self.files[rel], "summary", summary)
        text = _with_field(text, "published", f"2025-12-{day:02d}T10:00:00+00:00", raw=True)
        self.files[rel] = _with_field(text, "draft", draft)
        self.sync()

    @precondition(lambda self: self.entries())
    @rule(data=st.data(), width=st.integers(10, 40))
    def illustrate_with_a_static_image(self, data, width):
        """The image's size is read from the file: changing the file must reach the pages."""
        svg = f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="10"></svg>'
        self.static["static/pic.svg"] = svg
        rel = data.draw(st.sampled_from(self.entries()))
        self.files[rel] = _with_field(self.files[rel], "image", {"src": "pic.svg", "caption": "c"})
        self.sync()

    @rule(name=st.sampled_from(["Test Glossary", "Other Name", "Ωμέγα & Co"]))
    def rename_site(self, name):
        self.site_name = name
        self.sync()

    # -- the claim
    @invariant()
    def cached_build_equals_fresh_build(self):
        cached = self._outcome(lambda: build_in(self.root))
        fresh = self._outcome(lambda: build_in(self.root, use_cache=False, out=self.base / "fresh"))
        event(f"step: {cached[0]}")
        assert cached[0] == fresh[0], (cached[0], fresh[0], cached[1], fresh[1])
        if cached[0] == "error":
            assert cached[1] == fresh[1]
        else:
            assert cached[1] == fresh[1]
            assert tree_bytes(self.root / "build") == tree_bytes(self.base / "fresh")

    @staticmethod
    def _outcome(run) -> tuple[str, object]:
        try:
            report = run()
        except ContentError as exc:
            return "error", tuple(p.format() for p in exc.problems)
        return "built", (
            report.pages,
            report.entries,
            report.areas,
            tuple(p.format() for p in report.warnings),
        )


IncrementalBuilds.TestCase.settings = settings(
    max_examples=20,
    stateful_step_count=8,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_incremental_builds_after_any_edits_equal_a_fresh_build = IncrementalBuilds.TestCase


# ------------------------------------- hostile shapes: nesting, delimiter runs, huge tokens

OPENERS = ["> ", ">", "- ", "* ", "1. ", "  - ", "[", "*", "_", "~~", "`", "![", "[[", "<em>"]
RUN_CHARS = [*"*_~`[]()<>!#|\\&-=> \n", "**", "[[", "]]", "](", "\n\n", "- ", "## "]
deep_nesting = st.builds(
    lambda opener, depth, inner, closer: opener * depth + inner + closer * depth,
    st.sampled_from(OPENERS),
    st.integers(1, 2_000),
    markdownish,
    st.sampled_from(["", "*", "_", "]", "~~", ")"]),
)
delimiter_runs = st.builds(
    lambda chars, n, tail: chars * n + tail,
    st.sampled_from(RUN_CHARS),
    st.integers(1, 20_000),
    markdownish,
)
huge_tokens = st.builds(
    lambda template, n: template.format(x="x" * n),
    st.sampled_from(
        [
            "{x}",
            "## {x}\n\nText.",
            "[[{x}]]",
            "[a](https://example.org/{x})",
            "`{x}`",
            "![{x}](/pic.svg)",
            "<{x}>",
            "&{x};",
            "Alpha {x} Alpha.",
        ]
    ),
    st.integers(1_000, 100_000),
)


@settings(SETTINGS, max_examples=80)
@given(
    body=st.one_of(deep_nesting, delimiter_runs, huge_tokens),
    more=st.one_of(st.just(""), deep_nesting, delimiter_runs, huge_tokens),
)
def test_deep_nesting_delimiter_runs_and_huge_tokens_build_or_raise_content_error(body, more):
    with temporary_site(
        {
            "content/term/shape.md": page("Shape", body=body + "\n\n" + more, areas=["alpha"]),
            "content/definition/plain.md": page("Plain", areas=["alpha"]),
        }
    ) as root:
        if build_or_content_error(root):
            assert_pages_well_formed(root / "build")


@settings(SETTINGS, max_examples=25)
@given(
    field=st.sampled_from(["title", "aliases", "related", "summary"]),
    size=st.sampled_from([999, 1_000, 1_001, 10_001, 100_000, 700_000]),
    char=st.sampled_from(["x", "é", "\u200b", " ", "字", "😀"]),
)
def test_huge_single_line_fields_build_or_raise_content_error(field, size, char):
    value = char * size
    fields = {field: [value] if field in ("aliases", "related") else value}
    title = fields.pop("title", "Huge")
    summary = fields.pop("summary", "Short.")
    with temporary_site(
        {"content/term/huge.md": page(title, summary=summary, areas=["alpha"], **fields)}
    ) as root:
        if build_or_content_error(root):
            assert_pages_well_formed(root / "build")

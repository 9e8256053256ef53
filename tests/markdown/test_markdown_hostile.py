"""markdown/: hostile bodies render in time proportional to their size, heading ids stay
what mdit-py-plugins' anchors plugin gave, and text past the nesting limit is reported."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import html5lib
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin

from glossary_site import urls
from glossary_site.markdown import Options, first_sentence
from glossary_site.markdown import body as markdown

MB = 1 << 20


class _Nowhere:
    """A resolver that finds nothing: every wiki link is a problem."""

    def resolve(self, text: str) -> markdown.Resolution:
        return markdown.Resolution(None, message=f"no page '{text}'", code="unresolved")

    def suggest(self, text: str) -> tuple[str, ...]:
        return ()


# no automaton of names: these tests time the parser and our token pass, not auto-linking
TABLE = markdown.LinkTable(_Nowhere(), {}, {}, {}, None, "/")


def render(text: str) -> markdown.RenderedBody:
    return markdown.render(text, TABLE, Options("term/x"))


def seconds(fn: Callable[[], object]) -> float:
    """CPU seconds of this process: other processes on a busy machine do not count."""
    started = time.process_time()
    fn()
    return time.process_time() - started


def plain(size: int) -> str:
    """Ordinary paragraphs with a little emphasis and a link: the baseline body."""
    para = "Traders watch the *funding rate* and [the docs](https://example.org/) daily. " * 8
    return (para.strip() + "\n\n") * (size // (len(para) + 2))


# ~1 MB of each shape the red-team found (or that we found next to them) super-linear
SHAPES: dict[str, Callable[[int], str]] = {
    "nested-emphasis": lambda n: "*" * (n // 2) + "a" + "*" * (n // 2),
    "mixed-delimiters": lambda n: "*_" * (n // 4) + "a" + "_*" * (n // 4),
    "one-delimiter-run": lambda n: "*" * n,
    "repeated-headings": lambda n: "## H\n\n" * (n // 6),
    "numbered-headings": lambda n: "".join(f"## H {i}\n\n## H\n\n" for i in range(n // 16)),
    "broken-wiki-links-in-one-paragraph": lambda n: "[[x]]\n" * (n // 6),
    "broken-site-links-in-one-paragraph": lambda n: "[a](/term/zz/)\n" * (n // 15),
    "nested-quotes": lambda n: ">" * n + " deep\n",
    "nested-list-markers": lambda n: "- " * (n // 2) + "a\n",
}


@pytest.fixture(scope="module")
def baseline() -> float:
    return min(seconds(lambda: render(plain(MB))) for _ in range(2))


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_megabyte_of_a_hostile_shape_renders_in_time_like_a_plain_megabyte(baseline, shape):
    text = SHAPES[shape](MB)
    assert len(text) >= MB * 0.95
    took = seconds(lambda: render(text))
    # measured 2-12x the plain megabyte; a quadratic shape takes minutes
    assert took <= max(2.0, 40 * baseline), {"plain": baseline, shape: took}


def test_a_megabyte_of_initials_has_its_first_sentence_found_quickly():
    initials = "A. " * (MB // 3)
    prose = "Plain words here, and more of them. " * (MB // 36)
    base = min(seconds(lambda: first_sentence(prose)) for _ in range(2))
    took = seconds(lambda: first_sentence(initials))
    assert first_sentence(initials) == initials.strip()
    assert took <= max(0.5, 40 * base), {"plain": base, "initials": took}


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("J. R. R. Tolkien wrote it. Then more.", "J. R. R. Tolkien wrote it."),
        ("A. B. C. D. The end. More.", "A. B. C. D. The end."),
        ("Use e.g. Margin here. It works.", "Use e.g. Margin here."),
        ('He said "Stop." Then left.', 'He said "Stop."'),
        ("証拠金。次の文。", "証拠金。"),
        ("No end at all", "No end at all"),
        ("First.\n\nSecond paragraph.", "First."),
    ],
)
def test_first_sentence_keeps_its_rules(text, first):
    assert first_sentence(text) == first


# ------------------------------------------------------------------ heading ids


def _plugin_parser() -> MarkdownIt:
    """The parser as it was with mdit-py-plugins' anchors plugin: the reference for ids."""
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    md.core.ruler.push("shift", lambda state: markdown._shift_headings(state.tokens, 2))
    anchors_plugin(md, min_level=2, max_level=4, slug_func=urls.slugify)
    return md


PLUGIN = _plugin_parser()
HEADING_TEXTS = ["H", "H 1", "H-1", "h", "`H`", "H 2", "h-1-1", "H 1 1", "*H*", "Ü", "section"]


def ids(html: str) -> list[str]:
    doc = html5lib.parse(html, namespaceHTMLElements=False)
    return [el.get("id") for el in doc.iter() if el.get("id")]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 6), st.sampled_from(HEADING_TEXTS) | st.text(max_size=6)),
        min_size=1,
        max_size=30,
    )
)
def test_heading_ids_are_the_anchor_plugins_ids(headings):
    text = "\n\n".join("#" * level + " " + " ".join(words.split()) for level, words in headings)
    # ours differ on purpose where the plugin would take an id of the page's own elements
    # (test_heading_ids.py): such slugs are left out here
    assume(not any(markdown.NUMBERED_IDS.match(i) for i in ids(PLUGIN.render(text))))
    assume(not markdown.THEME_IDS.intersection(ids(PLUGIN.render(text))))
    assert ids(render(text).html) == ids(PLUGIN.render(text))


def test_repeated_headings_get_numbered_ids_in_order():
    html = render("## H\n\n## H 1\n\n## H\n\n## H\n\n### H\n").html
    # "H 1" took h-1, so the second "H" goes on to h-2
    assert ids(html) == ["h", "h-1", "h-2", "h-3", "h-4"]


def test_fifty_thousand_repeated_headings_keep_unique_ids():
    html = render("## Risk\n\n" * 50_000).html
    found = ids(html)
    assert len(found) == len(set(found)) == 50_000
    assert found[:3] == ["risk", "risk-1", "risk-2"] and found[-1] == "risk-49999"


# -------------------------------------------------------------- nesting limit


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("Intro.\n\n" + ">" * 10_000 + " deep\n", 2),
        ("- " * 10_000 + "deep\n", 0),
        ("Intro.\n\n" + "".join("  " * i + "- item\n" for i in range(40)), 11),
        ("> " * 25 + "deep\n", 0),
    ],
)
def test_text_past_the_nesting_limit_is_a_problem_at_its_line(text, line):
    body = render(text)
    assert "deep" not in body.html or line == 11
    assert [(p.line, p.code) for p in body.problems] == [(line, "too-deep")]
    assert re.search(r"nest too deeply .* limit is 20 levels", body.problems[0].message)


@pytest.mark.parametrize(
    "text", ["> " * 19 + "ok\n", "- " * 9 + "ok\n", "[" * 40 + "ok" + "]" * 40 + "\n"]
)
def test_nesting_within_the_limit_is_not_a_problem(text):
    body = render(text)
    assert "ok" in body.html
    assert [p for p in body.problems if p.code == "too-deep"] == []


def test_broken_links_are_reported_at_their_own_lines():
    text = "See [a](/term/zz/) here\nand [[nowhere]] there\nand [b](/term/zz/) again\n"
    body = render(text)
    assert sorted((p.line, p.code) for p in body.problems) == [
        (0, "broken-link"),
        (1, "unresolved"),
        (2, "broken-link"),
    ]

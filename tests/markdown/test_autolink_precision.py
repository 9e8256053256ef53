"""Auto-link precision on a fixture site: which words link and which do not.

The sentences copy the shapes that misfired on real glossaries (issue 13), in our own
words: everyday words that are also titles, URLs, domain names, acronyms, capitalised
names that contain a title, disambiguation pages, and pages full of mentions.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from conftest import SITE_YAML, area, build_in, find_all, page, parse_html, text_of, write_site
from glossary_site.markdown import autolink

ENTRIES = {
    "definition/number": page("Number"),
    "definition/array": page("Array"),
    "definition/mozilla": page("Mozilla"),
    "definition/https": page("HTTPS"),
    "definition/css": page("CSS"),
    "definition/mdn": page("MDN", aliases=["Mozilla Developer Network"]),
    "definition/tool": page("Tool"),
    "definition/host": page("Host"),
    "definition/helm": page("Helm"),
    "definition/token": page("Token", auto_link="always"),
    "definition/block": page(
        "Block", summary="Several meanings; pick one.", auto_link_target=False
    ),
    "term/containing-block": page("Containing Block Model"),
    "definition/latency": page("latency"),
    "definition/neural-network": page("Neural Net"),
    "definition/leverage": page("Leverage Ratio"),
    "definition/margin": page("Margin Call"),
}

SENTENCES = """\
A number of applications run here, over a large array of domains.

Docs live at developer.mozilla.org and https://example.org/css/tool?host=1, or write to
help@mozilla.org; config_tool and tool/host paths are not words.

A Recurrent Neural Network learns. Install the Helm tool, a machine powerful enough to
host many pods. Every containing block counts.

The latency of css is tiny; CSS and Https differ from HTTPS. We read MDN daily.

Later the Array type and a token appear; Neural Network ideas. Number theory is old.
Tool choice matters.
"""

MANY = " ".join(f"Mention {n}: Word{n:02d} here." for n in range(14))


def _site(root: Path, settings: str = "", *, body: str = SENTENCES, **fields) -> Path:
    files = {f"content/{eid}.md": text for eid, text in ENTRIES.items()}
    files["content/area/network.md"] = area("Network")
    files["content/area/data.md"] = area("Data")
    files["content/term/reader.md"] = page("Reader", body=body, **fields)
    for n in range(14):
        files[f"content/definition/word{n:02d}.md"] = page(f"Word{n:02d}")
    return write_site(root, files, SITE_YAML + settings)


def _links(root: Path, eid: str = "term/reader") -> list[tuple[str, str]]:
    doc = parse_html(root / "build" / eid / "index.html")
    body = find_all(doc, "div", "entry-body")[0]
    return [(a.get("href"), text_of(a)) for a in body.iter("a")]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str]]:
    root = _site(tmp_path_factory.mktemp("precision"))
    build_in(root)
    return _links(root)


def test_everyday_words_in_lower_case_do_not_link(built):
    linked = {text for _, text in built}
    for word in ("number", "array", "tool", "host", "block"):
        assert word not in linked


def test_everyday_words_link_when_capitalised_mid_sentence(built):
    assert ("/definition/array/", "Array") in built
    assert ("/definition/tool/", "Tool") not in built  # at a sentence start: grammar
    assert ("/definition/number/", "Number") not in built  # "Number theory." starts one


def test_a_lower_case_title_links_as_written(built):
    assert ("/definition/latency/", "latency") in built


def test_auto_link_always_lifts_the_everyday_word_rule(built):
    assert ("/definition/token/", "token") in built


def test_never_inside_urls_domains_addresses_or_joined_words(built):
    hrefs = [href for href, _ in built]
    assert "/definition/mozilla/" not in hrefs
    assert ("/definition/tool/", "tool") not in built
    assert ("/definition/host/", "host") not in built


def test_acronyms_match_only_in_their_own_case(built):
    assert ("/definition/css/", "CSS") in built
    assert ("/definition/css/", "css") not in built
    assert ("/definition/https/", "HTTPS") in built
    assert ("/definition/https/", "Https") not in built
    assert ("/definition/mdn/", "MDN") in built


def test_a_capitalised_name_holding_a_title_is_not_a_mention(built):
    assert [text for _, text in built if "Network" in text] == []
    assert ("/definition/helm/", "Helm") in built  # a name, not an everyday word


def test_an_entry_can_refuse_to_be_a_target(built):
    assert "/definition/block/" not in [href for href, _ in built]


def test_areas_are_not_targets_by_default(built):
    assert not [href for href, _ in built if href.startswith("/area/")]


def test_a_name_inside_a_longer_capitalised_name_is_not_linked(tmp_path):
    body = "A Recurrent Neural Network learns. Our Network team helps.\n"
    root = _site(tmp_path, "auto_link_areas: true\n", body=body)
    build_in(root)
    assert _links(root) == [("/area/network/", "Network")]
    doc = parse_html(root / "build/term/reader/index.html")
    body_text = text_of(find_all(doc, "div", "entry-body")[0])
    assert body_text.startswith("A Recurrent Neural Network learns. Our Network")


def test_areas_are_targets_when_the_site_says_so(tmp_path):
    root = _site(tmp_path, "auto_link_areas: true\n", body="Every Data set and a network.\n")
    build_in(root)
    assert _links(root) == [("/area/data/", "Data")]


def test_the_site_can_exclude_titles(tmp_path):
    root = _site(tmp_path, "auto_link_exclude: [CSS, margin call]\n", body="CSS margin call.\n")
    build_in(root)
    assert _links(root) == []


def test_at_most_ten_auto_links_per_page_first_mentions_win(tmp_path):
    root = _site(tmp_path, body=MANY)
    build_in(root)
    assert [text for _, text in _links(root)] == [f"Word{n:02d}" for n in range(10)]


def test_the_limit_is_set_per_site_and_per_page(tmp_path):
    root = _site(tmp_path, "auto_link_max: 3\n", body=MANY)
    build_in(root)
    assert len(_links(root)) == 3
    root = _site(tmp_path / "page", "auto_link_max: 3\n", body=MANY, auto_link_max=12)
    build_in(root)
    assert len(_links(root)) == 12


def test_explicit_links_do_not_count_towards_the_limit(tmp_path):
    body = "[[Word13]] and [[Word12]]. " + MANY
    root = _site(tmp_path, "auto_link_max: 2\n", body=body)
    build_in(root)
    assert [text for _, text in _links(root)] == ["Word13", "Word12", "Word00", "Word01"]


def test_a_bad_setting_is_reported_at_its_line(tmp_path):
    root = _site(tmp_path, "auto_link_max: -1\n", body="x\n")
    with pytest.raises(Exception) as failure:
        build_in(root)
    assert "site.yaml" in str(failure.value) and "auto_link_max" in str(failure.value)


def test_the_word_list_is_bundled_and_holds_everyday_words():
    words = autolink.common_words()
    assert len(words) == 10_000
    assert {"number", "array", "network", "tool", "host", "block", "data"} <= words
    assert "mozilla" not in words


# --------------------------------------------------------------- linear time


def _link_seconds(text: str) -> float:
    """Seconds that auto-linking (not Markdown parsing) takes on a body."""
    import ahocorasick
    from markdown_it import MarkdownIt

    names = ahocorasick.Automaton()
    for key, spelling in (("x", "x"), ("a", "A"), ("tool", "Tool"), ("plain", "Plain")):
        names.add_word(key, autolink.name_target(key, [(spelling, False)], f"term/{key}", ()))
    names.make_automaton()
    tokens = MarkdownIt("commonmark").parse(text)
    linking = autolink.Linking(
        names, {f"term/{k}": "/" for k in ["x", "a", "tool", "plain"]}, "", set()
    )
    started = time.process_time()  # CPU time: the other test worker does not count
    for token in tokens:
        if token.type == "inline":
            autolink.link_mentions(token.children or [], linking, True)
    return time.process_time() - started


PLAIN = "plain words of text " * 50_000  # 1 MB, a mention every 20 characters


@pytest.mark.parametrize(
    "unit", ["x_", "x.", "x/", "x@", "_", ".", " ", "a.", "*a", "\n\n", "x://", "@."]
)
def test_mention_checks_are_linear_in_a_megabyte_of_delimiters(unit):
    plain = _link_seconds(PLAIN)
    tenth = _link_seconds(unit * (100_000 // len(unit)))
    hostile = _link_seconds(unit * (1_000_000 // len(unit)))
    # a megabyte costs a bounded multiple of plain text ("*a" is a mention of "A" every two
    # characters: dense, not slow per character), and ten times the input about ten times
    # the time (quadratic would be a hundred)
    assert hostile < 20 * plain + 0.5, {"plain": plain, "hostile": hostile}
    assert hostile < 25 * tenth + 0.2, {"100 kB": tenth, "1 MB": hostile}


@pytest.mark.parametrize("unit", ["x ", "x-", "Tool ", "A. "])
def test_a_megabyte_of_mentions_costs_per_mention(unit):
    """Ten times as many mentions as the plain body: linear means about ten times as long."""
    plain = _link_seconds(PLAIN)
    dense = _link_seconds(unit * (1_000_000 // len(unit)))
    assert dense < 40 * plain + 1

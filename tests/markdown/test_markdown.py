"""markdown.py: rendering, wiki links, internal links and auto-linking of mentions."""

from __future__ import annotations

import html5lib
import pytest

from conftest import area, page, write_site
from glossary_site.load import LoadOptions, load_site, scan_site
from glossary_site.markdown import Options, autolink, first_sentence
from glossary_site.markdown import body as markdown
from glossary_site.resolve import RefIndex, link_table

TITLES = {
    "leverage-ratio": ("Leverage Ratio", []),
    "leverage-ratio-analysis": ("Leverage Ratio Analysis", []),
    "leverage": ("Leverage", ["gearing"]),
    "kyc": ("Know-Your-Customer", ["KYC"]),
    "gains-losses": ("Gains/Losses", []),
    "uber-hebel": ("Über-Hebel", []),
    "delta": ("Δ-Hedging", []),
    "margin-call": ("Margin Call", []),
}


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory) -> markdown.LinkTable:
    root = tmp_path_factory.mktemp("md")
    files = {
        f"content/definition/{slug}.md": page(title, aliases=aliases)
        for slug, (title, aliases) in TITLES.items()
    }
    # "leverage" is an everyday word: without `always` only "Leverage" mid-sentence links
    files["content/definition/leverage.md"] = page(
        "Leverage", aliases=["gearing"], auto_link="always"
    )
    files["content/area/margin-systems.md"] = area("Margin Systems")
    write_site(root, files)
    site = load_site(scan_site(root), LoadOptions()).site
    assert site is not None
    return link_table(site, RefIndex([*site.areas, *site.entries], site.drafts))


def render(
    text: str, table: markdown.LinkTable, self_id: str = "term/elsewhere", auto: bool = True
) -> markdown.RenderedBody:
    return markdown.render(text, table, Options(self_id, auto_link=auto))


def anchors(html: str) -> list[tuple[str, str]]:
    doc = html5lib.parse(html, namespaceHTMLElements=False)
    return [
        (a.get("href"), "".join(a.itertext()))
        for a in doc.iter("a")
        if "header-anchor" not in (a.get("class") or "")
    ]


def test_first_mention_of_a_title_becomes_a_link(table):
    body = render("A margin call arrives. Another margin call follows.", table)
    assert anchors(body.html) == [("/definition/margin-call/", "margin call")]


def test_matching_ignores_case_and_keeps_the_written_text(table):
    body = render("MARGIN CALL was issued.", table)
    assert anchors(body.html) == [("/definition/margin-call/", "MARGIN CALL")]


def test_longest_title_wins_over_a_shorter_one_inside_it(table):
    body = render("Run a leverage ratio analysis today.", table)
    assert anchors(body.html) == [
        ("/definition/leverage-ratio-analysis/", "leverage ratio analysis")
    ]


def test_shorter_title_still_links_when_the_longer_one_is_absent(table):
    body = render("The leverage ratio is high; leverage helps.", table)
    assert anchors(body.html) == [
        ("/definition/leverage-ratio/", "leverage ratio"),
        ("/definition/leverage/", "leverage"),
    ]


def test_only_whole_words_are_matched(table):
    body = render("Deleveraging and leveraged trades; leverages too.", table)
    assert anchors(body.html) == []


def test_aliases_link_to_their_page(table):
    body = render("Gearing multiplies outcomes.", table)
    assert anchors(body.html) == [("/definition/leverage/", "Gearing")]


def test_titles_with_punctuation_are_found(table):
    body = render("Banks run Know-Your-Customer checks and report gains/losses.", table)
    assert anchors(body.html) == [
        ("/definition/kyc/", "Know-Your-Customer"),
        ("/definition/gains-losses/", "gains/losses"),
    ]


def test_non_ascii_titles_are_found(table):
    body = render("Der über-hebel und Δ-hedging im Vergleich.", table)
    assert anchors(body.html) == [
        ("/definition/uber-hebel/", "über-hebel"),
        ("/definition/delta/", "Δ-hedging"),
    ]


def test_never_inside_headings(table):
    body = render("## Margin call basics\n\nText without names.", table)
    assert anchors(body.html) == []


def test_never_inside_code_spans_or_fences(table):
    body = render("Use `margin call` here.\n\n```\nmargin call\n```\n", table)
    assert anchors(body.html) == []


def test_never_inside_existing_links(table):
    body = render("See [the margin call page](https://example.org/) now.", table)
    assert anchors(body.html) == [("https://example.org/", "the margin call page")]


def test_never_inside_image_alt_text(table):
    body = render("![a margin call chart](chart.png)", table)
    assert anchors(body.html) == []
    assert 'alt="a margin call chart"' in body.html


def test_links_inside_nested_formatting(table):
    body = render("A *margin call* is **serious**.", table)
    assert (
        '<em><a href="/definition/margin-call/" class="autolink">margin call</a></em>' in body.html
    )


def test_mention_across_a_soft_line_break(table):
    body = render("A margin\ncall came in.", table)
    assert anchors(body.html) == [("/definition/margin-call/", "margin\ncall")]


def test_never_links_a_page_to_itself(table):
    body = render("The margin call, then leverage.", table, self_id="definition/margin-call")
    assert anchors(body.html) == [("/definition/leverage/", "leverage")]


def test_explicitly_linked_targets_are_not_auto_linked_again(table):
    body = render("[[Margin Call]] first. Later a margin call.", table)
    assert anchors(body.html) == [("/definition/margin-call/", "Margin Call")]


def test_auto_linking_can_be_turned_off(table):
    body = render("A margin call.", table, auto=False)
    assert anchors(body.html) == []


def test_word_split_by_formatting_is_not_a_match(table):
    body = render("re**leverage** and leverage*d*", table)
    assert anchors(body.html) == []


def test_area_mentions_are_recorded_but_areas_are_not_linked_by_default(table):
    body = render("Margin systems vary by venue.", table)
    assert body.areas_mentioned == ("area/margin-systems",)
    assert anchors(body.html) == []


def test_wiki_link_by_title_keeps_written_text(table):
    body = render("See [[leverage ratio]].", table)
    assert anchors(body.html) == [("/definition/leverage-ratio/", "leverage ratio")]


def test_wiki_link_by_kind_and_slug_shows_the_title(table):
    body = render("See [[definition/margin-call]].", table)
    assert anchors(body.html) == [("/definition/margin-call/", "Margin Call")]


def test_wiki_link_with_label(table):
    body = render("See [[definition/leverage|the lever]].", table)
    assert anchors(body.html) == [("/definition/leverage/", "the lever")]


def test_unresolved_wiki_link_is_a_problem_at_its_line(table):
    body = render("One.\n\nTwo and\n[[Leverge Ratio]] here.", table)
    assert len(body.problems) == 1
    problem = body.problems[0]
    assert problem.line == 3
    assert problem.code == "unresolved-reference"
    assert problem.message.startswith("'Leverge Ratio' does not match any page; did you mean")
    assert "Leverage Ratio" in problem.suggestions


def test_broken_internal_link_is_a_problem(table):
    body = render("See [x](/definition/nope/).", table)
    assert [p.code for p in body.problems] == ["broken-link"]
    assert body.problems[0].message == "broken link to /definition/nope/: no such page"


def test_internal_link_is_kept_and_recorded(table):
    body = render("See [x](/definition/leverage/#top).", table)
    assert anchors(body.html) == [("/definition/leverage/#top", "x")]
    assert body.links[0] == "definition/leverage"


def test_raw_html_is_sanitized_by_default(table):
    body = render("<script>alert(1)</script>\n\nand <b onclick='x()'>bold</b>", table)
    assert "<script>" not in body.html and "&lt;script&gt;" in body.html
    assert "<b>bold</b>" in body.html  # harmless tags stay, without their event handlers


def test_raw_html_passes_when_allowed(table):
    body = markdown.render("<b>bold</b>", table, Options("term/x", allow_html=True))
    assert "<b>bold</b>" in body.html


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "data:image/png;base64,AA",
        "vbscript:x",
        " javascript:alert(1)",
    ],
)
def test_dangerous_link_schemes_are_not_links(table, url):
    body = render(f"[click]({url}) and ![img]({url})", table)
    assert "href=" not in body.html.replace('class="header-anchor" href', "")
    assert "src=" not in body.html


def test_headings_get_anchors(table):
    body = render("## How it works\n\ntext", table)
    assert '<h2 id="how-it-works">' in body.html


def test_plain_text_of_blocks(table):
    [body] = markdown.render_sections(
        [markdown.Section("First *para*.\n\nSecond `code`.", want_text=True)],
        table,
        Options("term/elsewhere"),
    )
    assert body.text == "First para.\n\nSecond code."


def test_plain_text_is_left_out_unless_asked_for(table):
    assert render("Some *text*.", table).text == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One sentence. Two sentence.", "One sentence."),
        ("Costs e.g. fees matter. Next.", "Costs e.g. fees matter."),
        ("No end", "No end"),
        ("Question? Answer.", "Question?"),
        ("First para only.\n\nSecond para.", "First para only."),
        ('Quote "ends." Then more.', 'Quote "ends."'),
    ],
)
def test_first_sentence(text, expected):
    assert first_sentence(text) == expected


def test_h2_sections_ignore_headings_in_code():
    text = "intro\n\n## One\n\ntext\n\n```\n## not a heading\n```\n\n## Two\n\nmore\n"
    sections = markdown.h2_sections(text)
    assert [(name, start) for name, start, _ in sections] == [("One", 3), ("Two", 11)]


def test_mentions_are_found_among_ten_thousand_titles():
    import ahocorasick

    names = ahocorasick.Automaton()
    for n in range(10_000):
        key = f"term number {n}"
        names.add_word(key, autolink.NameTarget(len(key), f"term/t{n}", ()))
    names.make_automaton()
    text = " ".join(f"see term number {n} now" for n in range(0, 10_000, 7))
    found = autolink.find_mentions(text, names)
    assert [name.target for _, _, name in found] == [f"term/t{n}" for n in range(0, 10_000, 7)]


def test_body_headings_start_right_under_the_page_title(table):
    body = render("### Deep start\n\ntext\n\n#### Deeper\n\nmore", table)
    assert '<h2 id="deep-start">' in body.html and '<h3 id="deeper">' in body.html


def test_a_top_level_heading_in_a_body_is_demoted_below_the_page_title(table):
    body = render("# Title again\n\n## Part", table)
    assert "<h1" not in body.html
    assert '<h2 id="title-again">' in body.html and '<h3 id="part">' in body.html


def test_facet_sections_start_their_headings_at_level_three(table):
    [facet] = markdown.render_sections(
        [markdown.Section("## Inside\n\ntext", 0, 3)], table, Options("area/x")
    )
    assert '<h3 id="inside">' in facet.html

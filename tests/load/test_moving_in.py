"""Content written for other generators moves in (issue 12): key hints, `extra:`."""

from __future__ import annotations

import pytest

from conftest import SITE_YAML, area, build_in, page, parse_html, text_of, write_site
from glossary_site.errors import ContentError

BASE = {
    "content/area/margin.md": area("Margin"),
    "content/term/leverage.md": page("Leverage", areas=["margin"]),
}
FRONT = "title: X\nsummary: S\npublished: 2026-01-02T10:00:00+00:00\n"


def problems_of(tmp_path, files, site_yaml=SITE_YAML) -> list[str]:
    root = write_site(tmp_path / "site", {**BASE, **files}, site_yaml)
    with pytest.raises(ContentError) as caught:
        build_in(root)
    return [p.format() for p in caught.value.problems]


# ------------------------------------------------------ hints for other generators


@pytest.mark.parametrize(
    ("key", "ours"),
    [
        ("date", "published"),
        ("lastmod", "modified"),
        ("tags", "areas"),
        ("categories", "areas"),
        ("aka", "aliases"),
        ("synonyms", "aliases"),
        ("description", "summary"),
        ("short_description", "summary"),
        ("excerpt", "summary"),
    ],
)
def test_keys_of_other_generators_name_ours(tmp_path, key, ours):
    front = f"{FRONT}{key}: x\n"
    assert problems_of(tmp_path, {"content/definition/x.md": f"---\n{front}---\nBody.\n"}) == [
        f"content/definition/x.md:5: '{key}' is not a known field; "
        f"other generators' '{key}' is '{ours}' here"
    ]


@pytest.mark.parametrize("key", ["weight", "slug", "id", "full_link"])
def test_keys_we_do_not_have_point_at_extra(tmp_path, key):
    front = f"{FRONT}{key}: 3\n"
    assert problems_of(tmp_path, {"content/term/x.md": f"---\n{front}---\nBody.\n"}) == [
        f"content/term/x.md:5: '{key}' is not a known field; keep what other generators use "
        f"under 'extra:', e.g. extra: {{{key}: ...}}"
    ]


def test_hint_is_given_only_where_our_key_exists(tmp_path):
    # areas have no summary: 'description' falls back to the nearest-spelling hint
    source = "---\ntitle: A\npublished: 2026-01-02T10:00:00Z\ndescription: d\n---\n## F\n\nT.\n"
    (problem,) = problems_of(tmp_path, {"content/area/a.md": source})
    assert problem.startswith("content/area/a.md:4: 'description' is not a known field; known")


def test_hints_carry_suggestions_for_json_output(tmp_path):
    root = write_site(
        tmp_path / "site", {**BASE, "content/term/x.md": f"---\n{FRONT}tags: [a]\n---\nB.\n"}
    )
    with pytest.raises(ContentError) as caught:
        build_in(root)
    assert [p.suggestions for p in caught.value.problems] == [("areas",)]


# ------------------------------------------------------------------- extra


EXTRA_TEMPLATE = """\
{% extends "default/entry.html" %}
{% block content %}<p id="extra">{{ page.extra.get("status", "") }}|\
{{ page.extra.get("ids", [])|join(",") }}|{{ page.extra.get("links", {}).get("canonical", "") }}|\
{{ site.extra.org }}</p>{{ super() }}{% endblock %}
"""


def test_extra_reaches_templates_untouched(tmp_path):
    front = (
        f"{FRONT}extra:\n  status: deprecated\n  ids: [7, 8]\n"
        "  links: {canonical: 'https://w3.org/x'}\n"
    )
    root = write_site(
        tmp_path / "site",
        {
            **BASE,
            "content/term/x.md": f"---\n{front}---\nBody.\n",
            "templates/term.html": EXTRA_TEMPLATE,
        },
        SITE_YAML + "extra: {org: <ACME>}\n",
    )
    build_in(root)
    (found,) = [p for p in parse_html(root / "build/term/x/index.html").iter("p") if p.get("id")]
    assert text_of(found) == "deprecated|7,8|https://w3.org/x|<ACME>"
    leverage = parse_html(root / "build/term/leverage/index.html")
    (other,) = [p for p in leverage.iter("p") if p.get("id")]
    assert text_of(other) == "|||<ACME>"


def test_extra_on_areas_and_wrong_types(tmp_path):
    bad_area = "---\ntitle: A\npublished: 2026-01-02T10:00:00Z\nextra: [1]\n---\n## F\n\nT.\n"
    assert problems_of(
        tmp_path,
        {"content/area/a.md": bad_area, "content/term/x.md": f"---\n{FRONT}---\nB.\n"},
        SITE_YAML + "extra: 3\n",
    ) == [
        "content/area/a.md:4: 'extra' must be a mapping of 'key: value' pairs",
        "content/site.yaml:5: 'extra' must be a mapping of 'key: value' pairs",
    ]


def test_unknown_top_level_keys_stay_errors_beside_extra(tmp_path):
    front = f"{FRONT}extra: {{weight: 3}}\nweigth: 3\n"
    assert problems_of(tmp_path, {"content/term/x.md": f"---\n{front}---\nB.\n"}) == [
        "content/term/x.md:6: 'weigth' is not a known field; known fields: aliases, areas, "
        "author, auto_link, auto_link_max, auto_link_target, draft, extra, image, modified, "
        "published, redirect_from, related, summary, title"
    ]


# ------------------------------------------------------------------- dates


def _jsonld_article(root, rel):
    from conftest import block

    return block(parse_html(root / "build" / rel / "index.html"), "Article")


def _shown_dates(root, rel):
    doc = parse_html(root / "build" / rel / "index.html")
    return [(t.get("datetime"), text_of(t)) for t in doc.iter("time")]


def test_a_date_alone_is_midnight_in_the_site_time_zone(tmp_path):
    root = write_site(
        tmp_path / "site",
        {
            **BASE,
            "content/term/x.md": "---\ntitle: X\nsummary: S\npublished: 2018-04-12\n"
            "modified: 2019-01-05\n---\nB.\n",
        },
        SITE_YAML + "timezone: Europe/Paris\n",
    )
    build_in(root)
    article = _jsonld_article(root, "term/x")
    assert (article["datePublished"], article["dateModified"]) == (
        "2018-04-12T00:00:00+02:00",  # summer time
        "2019-01-05T00:00:00+01:00",
    )
    assert _shown_dates(root, "term/x") == [
        ("2018-04-12T00:00:00+02:00", "2018-04-12"),
        ("2019-01-05T00:00:00+01:00", "2019-01-05"),
    ]


def test_the_time_zone_defaults_to_utc_and_must_be_known(tmp_path):
    root = write_site(
        tmp_path / "site",
        {**BASE, "content/term/x.md": "---\ntitle: X\nsummary: S\npublished: 2018-04-12\n---\n"},
    )
    build_in(root)
    assert _jsonld_article(root, "term/x")["datePublished"] == "2018-04-12T00:00:00+00:00"
    assert problems_of(tmp_path / "bad", {}, SITE_YAML + "timezone: Europe/Pariss\n") == [
        "content/site.yaml:5: 'timezone' 'Europe/Pariss' is not a known time zone; use an "
        "IANA name, e.g. Europe/Paris or UTC"
    ]


def _git(root, *args, date=None):
    import os
    import subprocess

    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(root)}
    if date:
        env |= {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@t.test", *args],
        cwd=root,
        env=env,
        check=True,
        capture_output=True,
    )


UNDATED = "---\ntitle: {}\nsummary: S\nareas: [margin]\n---\nBody.\n"


def _git_site(tmp_path):
    """A site in a git repository with two commits: x.md added, then edited."""
    root = write_site(
        tmp_path / "site",
        {**BASE, "content/definition/x.md": UNDATED.format("X")},
        SITE_YAML + "timezone: Asia/Tokyo\n",
    )
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "one", date="2024-01-02T10:00:00+02:00")
    (root / "content/definition/x.md").write_text(UNDATED.format("X") + "More.\n")
    _git(root, "commit", "-qam", "two", date="2024-03-04T05:06:07+00:00")
    return root


def test_pages_without_published_take_git_dates_in_the_site_time_zone(tmp_path):
    root = _git_site(tmp_path)
    (root / "content/definition/new.md").write_text(UNDATED.format("New"))  # not committed
    build_in(root)
    article = _jsonld_article(root, "definition/x")
    assert (article["datePublished"], article["dateModified"]) == (
        "2024-01-02T17:00:00+09:00",
        "2024-03-04T14:06:07+09:00",
    )
    new = _jsonld_article(root, "definition/new")
    assert "datePublished" not in new and "dateModified" not in new
    assert _shown_dates(root, "definition/new") == []
    # newest first, undated last, on the area page
    margin = parse_html(root / "build/area/margin/index.html")
    listed = [a.get("href") for a in margin.iter("a") if "/definition/" in (a.get("href") or "")]
    assert listed.index("/definition/x/") < listed.index("/definition/new/")
    assert "definition/new" not in (root / "build/feed.xml").read_text()


def test_check_warns_once_per_undated_page_and_for_modified_before_published(tmp_path):
    from glossary_site.commands.check import check

    root = write_site(
        tmp_path / "site",
        {
            **BASE,
            "content/definition/x.md": UNDATED.format("X"),
            "content/term/y.md": "---\ntitle: Y\nsummary: S\npublished: 2024-05-01\n"
            "areas: [margin]\nmodified: 2024-04-01\n---\nB.\n",
        },
    )
    found = [p.format() for p in check(root) if p.code in ("undated", "modified-before-published")]
    assert found == [
        "content/definition/x.md:1: warning: page has no date: add 'published', or commit it "
        "to git; it is listed after dated pages and shows no date",
        "content/term/y.md:6: warning: 'modified' (2024-04-01T00:00:00+00:00) is earlier "
        "than 'published' (2024-05-01T00:00:00+00:00)",
    ]
    build_in(root)  # neither stops a build


def test_a_shallow_clone_is_warned_about(tmp_path):
    root = _git_site(tmp_path)
    _git(tmp_path, "clone", "-q", "--depth", "1", f"file://{root}", "shallow")
    report = build_in(tmp_path / "shallow")
    assert [p.format() for p in report.warnings if p.code == "shallow-git"] == [
        "content:1: warning: the git history is shallow, so pages without 'published' get the "
        "date of the oldest commit fetched, not of their first; fetch the full history "
        "(git fetch --unshallow, or fetch-depth: 0 in CI)"
    ]
    assert _jsonld_article(tmp_path / "shallow", "definition/x")["datePublished"] == (
        "2024-03-04T14:06:07+09:00"
    )


def test_a_new_commit_rebuilds_git_dated_pages_like_a_fresh_build(tmp_path):
    from conftest import tree_bytes

    root = _git_site(tmp_path)
    build_in(root)
    (root / "content/definition/x.md").write_text(UNDATED.format("X") + "Again.\n")
    _git(root, "commit", "-qam", "three", date="2025-06-07T08:09:10+00:00")
    build_in(root)
    assert _jsonld_article(root, "definition/x")["dateModified"] == "2025-06-07T17:09:10+09:00"
    build_in(root, use_cache=False, out=tmp_path / "clean")
    assert tree_bytes(root / "build") == tree_bytes(tmp_path / "clean")


# ----------------------------------------------------------------- summary


def _entry_page(root, rel):
    doc = parse_html(root / "build" / rel / "index.html")
    (lead,) = [p for p in doc.iter("p") if "lead" in (p.get("class") or "").split()]
    (body,) = [d for d in doc.iter("div") if d.get("class") == "entry-body"]
    (meta,) = [m for m in doc.iter("meta") if m.get("name") == "description"]
    return doc, lead, body, meta.get("content")


NO_SUMMARY = "---\ntitle: X\npublished: 2026-01-02\nareas: [margin]\n---\n{}"


def test_summary_defaults_to_the_first_paragraph_shown_once(tmp_path):
    body = "First *para* with `code`.\n\nSecond para.\n"
    root = write_site(tmp_path / "site", {**BASE, "content/term/x.md": NO_SUMMARY.format(body)})
    build_in(root)
    _, lead, body_div, description = _entry_page(root, "term/x")
    assert text_of(lead) == "Meaning ⎊ First para with code."
    assert [e.tag for e in lead.iter() if e.tag in ("em", "code")] == ["em", "code"]
    assert text_of(body_div) == "Second para."
    assert description == "First para with code."
    assert _jsonld_article(root, "term/x")["description"] == (
        "Meaning ⎊ First para with code. ⎊ Term"
    )


@pytest.mark.parametrize("allow_html", [False, True])
def test_text_before_more_is_the_summary_and_the_marker_is_never_shown(tmp_path, allow_html):
    body = "Lead one.\n\nLead two.\n<!--more-->\n\nThe rest.\n\n```\n<!--more-->\n```\n"
    root = write_site(
        tmp_path / "site",
        {**BASE, "content/term/x.md": NO_SUMMARY.format(body)},
        SITE_YAML + f"allow_html: {str(allow_html).lower()}\n",
    )
    build_in(root)
    _, lead, body_div, description = _entry_page(root, "term/x")
    assert description == "Lead one. Lead two."
    assert text_of(lead) == "Meaning ⎊ Lead one. Lead two."
    assert text_of(body_div) == "The rest. <!--more-->"  # the one in a code block stays
    html = (root / "build/term/x/index.html").read_text()
    assert html.count("&lt;!--more--&gt;") == 1 and "<!--more-->" not in html


def test_a_written_summary_renders_its_markdown_and_is_plain_in_meta(tmp_path):
    front = (
        "---\ntitle: X\nsummary: 'Uses `code`, *emphasis* and [a link](/term/leverage/)'\n"
        "published: 2026-01-02\n---\nFirst.\n\n<!--more-->\n\nSecond.\n"
    )
    root = write_site(tmp_path / "site", {**BASE, "content/term/x.md": front})
    build_in(root)
    _, lead, body_div, description = _entry_page(root, "term/x")
    assert description == "Uses code, emphasis and a link"
    assert [(a.get("href"), text_of(a)) for a in lead.iter("a")] == [("/term/leverage/", "a link")]
    assert text_of(body_div) == "First. Second."  # a written summary hides nothing
    assert _jsonld_article(root, "term/x")["description"] == (
        "Meaning ⎊ Uses code, emphasis and a link ⎊ Term"
    )


def test_no_summary_and_no_paragraph_is_an_error(tmp_path):
    assert problems_of(tmp_path, {"content/term/x.md": NO_SUMMARY.format("## Only\n")}) == [
        "content/term/x.md:1: missing 'summary': write one, or begin the body with a paragraph "
        "(or text before <!--more-->)"
    ]


def test_a_broken_link_in_a_summary_is_reported_at_its_line(tmp_path):
    front = "---\ntitle: X\npublished: 2026-01-02\nsummary: See [[Nowhere Else]]\n---\nB.\n"
    assert problems_of(tmp_path, {"content/term/x.md": front}) == [
        "content/term/x.md:4: 'Nowhere Else' does not match any page"
    ]


# ----------------------------------------------------------------- aliases


def test_aliases_are_shown_and_are_the_defined_terms_alternate_names(tmp_path):
    from conftest import block

    source = page("Liquidation Price", aliases=["liq price", "<bust> price"], areas=["margin"])
    root = write_site(tmp_path / "site", {**BASE, "content/term/x.md": source})
    build_in(root)
    doc = parse_html(root / "build/term/x/index.html")
    (shown,) = [p for p in doc.iter("p") if p.get("class") == "aliases"]
    assert text_of(shown) == "Also known as liq price, <bust> price"
    assert block(doc, "DefinedTerm")["alternateName"] == ["liq price", "<bust> price"]
    leverage = parse_html(root / "build/term/leverage/index.html")
    assert not [p for p in leverage.iter("p") if p.get("class") == "aliases"]


# ------------------------------------------------------------------ Markdown


GLOSSARY_MARKDOWN = """\
Leverage multiplies exposure.[^1]

Term
: Its definition.

| a | b |
|---|--:|
| 1 | 2 |

- [x] done
- [ ] to do

!!! note "Careful"
    Losses are multiplied too.

## Deep Link

[^1]: A footnote.
"""


def test_the_markdown_glossaries_use(tmp_path):
    source = page("X", areas=["margin"], body=GLOSSARY_MARKDOWN)
    root = write_site(tmp_path / "site", {**BASE, "content/term/x.md": source})
    build_in(root)
    doc = parse_html(root / "build/term/x/index.html")
    (body,) = [d for d in doc.iter("div") if d.get("class") == "entry-body"]
    terms = list(zip(body.iter("dt"), body.iter("dd"), strict=True))
    assert [(text_of(dt), text_of(dd)) for dt, dd in terms] == [("Term", "Its definition.")]
    assert [text_of(td) for td in body.iter("td")] == ["1", "2"]
    boxes = [(i.get("type"), i.get("checked") is not None) for i in body.iter("input")]
    assert boxes == [("checkbox", True), ("checkbox", False)]
    (note,) = [d for d in body.iter("div") if "admonition" in (d.get("class") or "")]
    assert text_of(note) == "Careful Losses are multiplied too."
    (ref,) = [a for a in body.iter("a") if a.get("href") == "#fn1"]
    assert [text_of(li) for li in body.iter("li") if li.get("id") == "fn1"] == ["A footnote. ↩︎"]
    assert text_of(ref) == "[1]"
    assert [h.get("id") for h in body.iter("h2")] == ["deep-link"]


# ------------------------------------------------------------------ raw HTML

HOSTILE_HTML = [
    ('<b onclick="alert(1)">x</b>', "<b>x</b>"),
    ("<img src=x onerror=alert(1)>", '<img src="x">'),
    ('<a href="javascript:alert(1)">x</a>', "<a>x</a>"),
    ('<a href="JaVaScRiPt:alert(1)">x</a>', "<a>x</a>"),
    ('<a href=" javascript:alert(1)">x</a>', "<a>x</a>"),
    ('<a href="jav&#x09;ascript:alert(1)">x</a>', "<a>x</a>"),
    ('<a href="&#106;avascript:alert(1)">x</a>', "<a>x</a>"),
    ('<a href="java\nscript:alert(1)">x</a>', "<a>x</a>"),
    ('<a href="vbscript:x">x</a>', "<a>x</a>"),
    ('<a href="data:text/html,<script>alert(1)</script>">x</a>', "<a>x</a>"),
    ('<a href="file:///etc/passwd">x</a>', "<a>x</a>"),
    ("<svg onload=alert(1)>", "&lt;svg onload=alert(1)&gt;"),
    ('<span style="background:url(javascript:x)">x</span>', "<span>x</span>"),
    (
        '<iframe src="https://evil.test/"></iframe>',
        "&lt;iframe src=&quot;https://evil.test/&quot;&gt;&lt;/iframe&gt;",
    ),
    (
        "<form action=/x><input name=a></form>",
        "&lt;form action=/x&gt;&lt;input name=a&gt;&lt;/form&gt;",
    ),
    ("<style>body{}</style>", "&lt;style&gt;body{}&lt;/style&gt;"),
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("<!-- hidden -->", ""),
    ('<a href="https://ok.test/" title="t">ok</a>', '<a href="https://ok.test/" title="t">ok</a>'),
    ('<a href="mailto:a@b.test">m</a>', '<a href="mailto:a@b.test">m</a>'),
    ('<a href="/term/x/">rel</a>', '<a href="/term/x/">rel</a>'),
    (
        '<kbd>Ctrl</kbd> H<sub>2</sub>O <abbr title="t">T</abbr>',
        '<kbd>Ctrl</kbd> H<sub>2</sub>O <abbr title="t">T</abbr>',
    ),
]


@pytest.mark.parametrize(("raw", "clean"), HOSTILE_HTML)
def test_raw_html_is_sanitized_tag_by_tag(raw, clean):
    from glossary_site.markdown.sanitize import clean_block

    assert clean_block(raw) == clean


def test_sanitized_bodies_keep_harmless_tags_and_allow_html_passes_all(tmp_path):
    body = (
        "<details>\n<summary>More</summary>\n\nMarkdown *inside*.\n\n</details>\n\n"
        'Press <kbd onclick="x()">Ctrl</kbd> and <svg onload=alert(1)>.\n'
    )
    files = {**BASE, "content/term/x.md": page("X", areas=["margin"], body=body)}
    root = write_site(tmp_path / "safe", files)
    build_in(root)
    doc = parse_html(root / "build/term/x/index.html")
    (div,) = [d for d in doc.iter("div") if d.get("class") == "entry-body"]
    assert [e.tag for e in div.iter()] == ["div", "details", "summary", "p", "em", "p", "kbd"]
    assert text_of(div) == "More Markdown inside. Press Ctrl and <svg onload=alert(1)>."
    assert all(not k.startswith("on") for e in div.iter() for k in e.attrib)
    trusted = write_site(tmp_path / "trusted", files, SITE_YAML + "allow_html: true\n")
    build_in(trusted)
    html = (trusted / "build/term/x/index.html").read_text()
    assert '<kbd onclick="x()">' in html and "<svg onload=alert(1)>" in html

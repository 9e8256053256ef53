"""resolve.py: how references resolve, and the graph built from them."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import area, build_in, find_all, page, parse_html, text_of, write_site
from glossary_site.commands.build import BuildOptions, analyse
from glossary_site.errors import ContentError
from glossary_site.load import scan_site
from glossary_site.resolve import SiteGraph, discover_more, plural_variants, ref_key
from glossary_site.write import BuildCache


def graph_of(root: Path, **options) -> SiteGraph:
    return analyse(scan_site(root), BuildOptions(jobs=1, **options), BuildCache.disabled()).graph


def problems_of(root: Path, **options) -> list[str]:
    with pytest.raises(ContentError) as caught:
        analyse(scan_site(root), BuildOptions(jobs=1, **options), BuildCache.disabled())
    return [p.format() for p in caught.value.problems if p.severity == "error"]


BASE = {
    "content/area/margin.md": area("Margin", aliases=["margin systems"]),
    "content/term/leverage-ratio.md": page("Leverage Ratio", areas=["margin"]),
    "content/term/leverage-effect.md": page("Leverage Effect", areas=["margin"]),
    "content/definition/leverage-effect.md": page("Vol-Leverage Effect", areas=["margin"]),
    "content/definition/know-your-customer.md": page(
        "Know-Your-Customer", areas=["margin"], aliases=["KYC"]
    ),
    "content/definition/margin-process.md": page("Margin Process", areas=["margin"]),
}


def site_with(tmp_path: Path, related: list[str], body: str = "Body.\n", **more: str) -> Path:
    files = {
        **BASE,
        "content/definition/subject.md": page(
            "Subject", areas=["margin"], related=related, body=body
        ),
    }
    files.update(more)
    return write_site(tmp_path / "site", files)


@pytest.mark.parametrize(
    ("written", "target"),
    [
        ("term/leverage-ratio", "term/leverage-ratio"),  # exact kind/slug
        ("leverage-ratio", "term/leverage-ratio"),  # slug naming one page
        ("Leverage Ratio", "term/leverage-ratio"),  # title
        ("leverage ratio", "term/leverage-ratio"),  # case-insensitive
        ("Leverage Ratios", "term/leverage-ratio"),  # plural "s"
        ("Margin Processes", "definition/margin-process"),  # plural "es"
        ("Know Your Customer", "definition/know-your-customer"),  # punctuation ignored
        ("kyc", "definition/know-your-customer"),  # alias
    ],
)
def test_reference_forms_resolve(tmp_path, written, target):
    graph = graph_of(site_with(tmp_path, [written]))
    assert graph.related["definition/subject"] == (target,)


def test_slug_used_by_two_kinds_is_ambiguous_and_lists_both(tmp_path):
    root = site_with(tmp_path, ["leverage-effect"])
    assert problems_of(root) == [
        "content/definition/subject.md:6: related: 'leverage-effect' is ambiguous: it names "
        "'definition/leverage-effect' and 'term/leverage-effect'; write one of them"
    ]


def test_qualified_reference_settles_the_ambiguity(tmp_path):
    graph = graph_of(site_with(tmp_path, ["definition/leverage-effect"]))
    assert graph.related["definition/subject"] == ("definition/leverage-effect",)


def test_unresolved_reference_suggests_up_to_three(tmp_path):
    root = site_with(tmp_path, ["Leverage Ratoi"])
    [message] = problems_of(root)
    assert message.startswith(
        "content/definition/subject.md:6: related: 'Leverage Ratoi' "
        "does not match any page; did you mean 'Leverage Ratio'"
    )
    assert message.count("'") <= 2 + 2 * 3


def test_every_unresolved_reference_is_reported_at_its_own_line(tmp_path):
    subject = """\
        ---
        title: Subject
        summary: S.
        published: 2026-01-01T00:00:00+00:00
        areas: [margin]
        related:
          - nothing-here
          - term/leverage-ratio
          - also-missing
        ---
        Body.
        """
    root = write_site(tmp_path / "site", {**BASE, "content/definition/subject.md": subject})
    messages = problems_of(root)
    assert [m.split(": related")[0] for m in messages] == [
        "content/definition/subject.md:7",
        "content/definition/subject.md:9",
    ]


def test_unknown_area_is_an_error_with_suggestion(tmp_path):
    files = {**BASE, "content/definition/subject.md": page("Subject", areas=["margn"])}
    root = write_site(tmp_path / "site", files)
    assert problems_of(root) == [
        "content/definition/subject.md:5: areas: 'margn' does not match any page; "
        "did you mean 'margin'?"
    ]


def test_area_reference_by_title_or_alias(tmp_path):
    files = {**BASE, "content/definition/subject.md": page("Subject", areas=["Margin Systems"])}
    graph = graph_of(write_site(tmp_path / "site", files))
    assert graph.entry_areas["definition/subject"] == ("area/margin",)


def test_entry_listed_as_area_is_refused(tmp_path):
    files = {
        **BASE,
        "content/definition/subject.md": page("Subject", areas=["term/leverage-ratio"]),
    }
    root = write_site(tmp_path / "site", files)
    assert problems_of(root) == [
        "content/definition/subject.md:5: areas: 'term/leverage-ratio' is a term; only area "
        "pages belong here"
    ]


def test_reference_to_a_draft_is_an_error_unless_drafts(tmp_path):
    draft = page("Draft Thing", areas=["margin"], draft=True)
    root = site_with(tmp_path, ["draft-thing"], **{"content/definition/draft-thing.md": draft})
    assert problems_of(root) == [
        "content/definition/subject.md:6: related: 'draft-thing' refers to the draft "
        "definition/draft-thing; publish it or build with --drafts"
    ]
    assert graph_of(root, drafts=True).related["definition/subject"] == ("definition/draft-thing",)


def test_wiki_link_errors_point_at_the_body_line(tmp_path):
    root = site_with(tmp_path, [], body="Line one.\n\nSee [[Nowhere Page]].\n")
    [message] = problems_of(root)
    assert message.startswith(
        "content/definition/subject.md:11: 'Nowhere Page' does not match any page"
    )


def test_self_reference_is_a_warning_and_dropped(tmp_path):
    root = site_with(tmp_path, ["subject", "leverage-ratio"])
    analysis = analyse(scan_site(root), BuildOptions(jobs=1), BuildCache.disabled())
    assert analysis.graph.related["definition/subject"] == ("term/leverage-ratio",)
    [warning] = [p for p in analysis.problems if p.code == "self-reference"]
    assert warning.severity == "warning" and warning.line == 6


def test_backlinks_collect_related_and_body_links(tmp_path):
    root = site_with(tmp_path, ["leverage-ratio"], body="Mentions [[Margin Process]].\n")
    graph = graph_of(root)
    assert graph.backlinks["term/leverage-ratio"] == ("definition/subject",)
    assert graph.backlinks["definition/margin-process"] == ("definition/subject",)


def test_referenced_by_section_lists_backlinks_sorted(tmp_path):
    files = {
        **BASE,
        "content/definition/b-page.md": page(
            "B Page", areas=["margin"], related=["leverage-ratio"]
        ),
        "content/definition/a-page.md": page(
            "A Page", areas=["margin"], related=["leverage-ratio"]
        ),
    }
    root = write_site(tmp_path / "site", files)
    build_in(root)
    doc = parse_html(root / "build/term/leverage-ratio/index.html")
    section = next(iter(find_all(doc, "section", "backlinks")))
    assert [text_of(a) for a in section.iter("a")] == ["A Page", "B Page"]


def test_glossary_box_adds_areas_mentioned_in_the_body(tmp_path):
    files = {
        **BASE,
        "content/area/options.md": area("Options Trading"),
        "content/definition/subject.md": page(
            "Subject", areas=["margin"], body="Unlike options trading, it...\n"
        ),
    }
    graph = graph_of(write_site(tmp_path / "site", files))
    assert graph.glossary["definition/subject"] == ("area/margin", "area/options")


def test_members_are_newest_first(tmp_path):
    files = {
        "content/area/a.md": area("A"),
        "content/term/old.md": page("Old", areas=["a"], published="2024-01-01T00:00:00+00:00"),
        "content/term/new.md": page("New", areas=["a"], published="2026-01-01T00:00:00+00:00"),
        "content/term/mid.md": page("Mid", areas=["a"], published="2025-01-01T00:00:00-05:00"),
    }
    graph = graph_of(write_site(tmp_path / "site", files))
    assert graph.members["area/a"] == ("term/new", "term/mid", "term/old")


def test_discover_more_never_lists_itself_or_its_related(tmp_path):
    files = {
        f"content/definition/d{n}.md": page(f"Entry {n}", areas=["a"], related=[f"d{(n + 1) % 12}"])
        for n in range(12)
    }
    files["content/area/a.md"] = area("A")
    graph = graph_of(write_site(tmp_path / "site", files))
    for n in range(12):
        picks = discover_more(graph, f"definition/d{n}", 9)
        assert f"definition/d{n}" not in picks
        assert f"definition/d{(n + 1) % 12}" not in picks
        assert len(picks) == 9


def test_discover_more_prefers_shared_areas(tmp_path):
    files = {
        "content/area/a.md": area("A"),
        "content/area/b.md": area("B"),
        "content/definition/me.md": page("Me", areas=["a", "b"]),
        "content/definition/both.md": page(
            "Both", areas=["a", "b"], published="2020-01-01T00:00:00+00:00"
        ),
        "content/definition/one.md": page("One", areas=["a"]),
    }
    graph = graph_of(write_site(tmp_path / "site", files))
    assert discover_more(graph, "definition/me", 2) == ("definition/both", "definition/one")


def test_discover_more_ties_go_to_the_newest(tmp_path):
    files = {"content/area/a.md": area("A"), "content/definition/me.md": page("Me", areas=["a"])}
    for n, year in enumerate([2021, 2025, 2023]):
        files[f"content/definition/x{n}.md"] = page(
            f"Other {n}", areas=["a"], published=f"{year}-01-01T00:00:00+00:00"
        )
    graph = graph_of(write_site(tmp_path / "site", files))
    assert discover_more(graph, "definition/me", 3) == (
        "definition/x1",
        "definition/x2",
        "definition/x0",
    )


def test_ref_key_and_plural_variants():
    assert ref_key("Know-Your-Customer") == "know your customer"
    assert ref_key("Gains/Losses") == "gains losses"
    assert ref_key("  Über  Hebel ") == "über hebel"
    assert "leverage ratio" in plural_variants("leverage ratios")
    assert "margin process" in plural_variants("margin processes")
    assert "leverage ratios" in plural_variants("leverage ratio")


def test_suggestions_that_read_the_same_name_their_pages(tmp_path):
    files = {
        "content/area/css.md": area("CSS"),
        "content/definition/css.md": page("CSS"),
        "content/term/css.md": page("CSS", aliases=["Cascading Style Sheets"]),
        "content/term/x.md": page("Exhibit", areas=["CSX"], related=["CSX"]),
    }
    root = write_site(tmp_path / "site", files)
    with pytest.raises(ContentError) as caught:
        build_in(root)
    assert [(p.format(), p.suggestions) for p in caught.value.problems] == [
        (
            "content/term/x.md:5: areas: 'CSX' does not match any page; did you mean 'CSS'?",
            ("CSS",),
        ),
        (
            "content/term/x.md:6: related: 'CSX' does not match any page; "
            "did you mean 'CSS' (definition/css), 'CSS' (term/css) or 'CSS' (area/css)?",
            ("definition/css", "term/css", "area/css"),
        ),
    ]

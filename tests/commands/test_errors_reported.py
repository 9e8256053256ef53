"""Every content problem is reported as `path:line: message`, all of them at once."""

from __future__ import annotations

import pytest

from conftest import SITE_YAML, area, build_in, page, run_cli, write_site
from glossary_site.errors import ContentError, Problem, format_problems

BASE = {
    "content/area/margin.md": area("Margin"),
    "content/area/options.md": area("Options Trading"),
    "content/term/leverage.md": page("Leverage", areas=["margin"]),
    "content/definition/collateral.md": page("Collateral", areas=["margin"]),
}
GOOD_FRONT = "title: X\nsummary: S\npublished: 2026-01-02T10:00:00+00:00\n"


def problems_of(tmp_path, files, site_yaml=SITE_YAML, **options) -> list[str]:
    """Build a site made of BASE plus `files`; the formatted problems it fails with."""
    root = write_site(tmp_path / "site", {**BASE, **files}, site_yaml)
    with pytest.raises(ContentError) as caught:
        build_in(root, **options)
    return [p.format() for p in caught.value.problems]


def raw_page(front: str, body: str = "Body.\n") -> str:
    return f"---\n{front}---\n\n{body}"


# ------------------------------------------------------------ front matter


def test_unknown_key_suggests_nearest_field(tmp_path):
    assert problems_of(
        tmp_path,
        {
            "content/term/x.md": raw_page(
                "title: X\nsummary: S\npublishd: 2026-01-02T10:00:00Z\npublished: "
                "2026-01-02T10:00:00Z\n"
            )
        },
    ) == ["content/term/x.md:4: 'publishd' is not a known field; did you mean 'published'?"]


@pytest.mark.parametrize("kind", ["term", "definition"])
@pytest.mark.parametrize("field", ["title"])
def test_missing_required_field_is_reported_at_line_1(tmp_path, kind, field):
    front = "".join(f"{line}\n" for line in GOOD_FRONT.splitlines() if not line.startswith(field))
    assert problems_of(tmp_path, {f"content/{kind}/x.md": raw_page(front)}) == [
        f"content/{kind}/x.md:1: missing required field '{field}'"
    ]


def test_area_without_title_is_reported(tmp_path):
    assert problems_of(
        tmp_path,
        {"content/area/x.md": raw_page("published: 2026-01-02T10:00:00Z\n", "## Facet\n\nText.\n")},
    ) == ["content/area/x.md:1: missing required field 'title'"]


def test_date_that_is_not_iso_8601_is_reported_at_its_line(tmp_path):
    assert problems_of(
        tmp_path,
        {"content/term/x.md": raw_page("title: X\nsummary: S\n\npublished: 12/03/2026 14:07\n")},
    ) == [
        "content/term/x.md:5: 'published' '12/03/2026 14:07' is not a valid date-time; "
        "write ISO 8601 with a time zone, e.g. 2026-03-12T14:07:34+00:00, or a date, "
        "e.g. 2026-03-12"
    ]


def test_date_without_time_zone_is_reported_at_its_line(tmp_path):
    assert problems_of(
        tmp_path, {"content/term/x.md": page("X", published="2026-03-12T14:07:34")}
    ) == [
        "content/term/x.md:4: 'published' '2026-03-12T14:07:34' has no time zone; add one, "
        "e.g. 2026-03-12T14:07:34+00:00, or write the date alone"
    ]


def test_list_where_text_belongs_is_an_error(tmp_path):
    assert problems_of(
        tmp_path,
        {
            "content/term/x.md": raw_page(
                "title: [a, b]\nsummary: S\npublished: 2026-01-02T10:00:00Z\n"
            )
        },
    ) == ["content/term/x.md:2: 'title' must be text"]


def test_tab_indented_yaml_is_reported_at_the_tab_line(tmp_path):
    [problem] = problems_of(
        tmp_path, {"content/term/x.md": raw_page(GOOD_FRONT + "image:\n\tsrc: a.png\n")}
    )
    assert problem.startswith("content/term/x.md:6: invalid YAML: ")
    assert problem.endswith("; indent with spaces, YAML does not allow tabs")


def test_unclosed_quote_is_reported_as_invalid_yaml(tmp_path):
    [problem] = problems_of(
        tmp_path,
        {"content/term/x.md": raw_page('title: "X\nsummary: S\npublished: 2026-01-02T10:00:00Z\n')},
    )
    assert problem.startswith("content/term/x.md:")
    assert "invalid YAML: " in problem and "at line 2" in problem


def test_duplicate_yaml_key_is_reported_at_second_occurrence(tmp_path):
    assert problems_of(
        tmp_path, {"content/term/x.md": raw_page(GOOD_FRONT + "summary: again\n")}
    ) == ["content/term/x.md:5: duplicate key 'summary' (first given at line 3)"]


def test_front_matter_that_is_a_list_is_reported(tmp_path):
    assert problems_of(tmp_path, {"content/term/x.md": raw_page("- title\n- summary\n")}) == [
        "content/term/x.md:2: front matter must be a mapping of 'key: value' lines, found a list"
    ]


def test_missing_closing_fence_is_reported(tmp_path):
    assert problems_of(tmp_path, {"content/term/x.md": "---\n" + GOOD_FRONT + "\nBody.\n"}) == [
        "content/term/x.md:1: front matter is not closed: add a '---' line after it"
    ]


def test_missing_front_matter_is_reported(tmp_path):
    assert problems_of(tmp_path, {"content/term/x.md": "# X\n\nJust Markdown.\n"}) == [
        "content/term/x.md:1: missing front matter: the file must start with a '---' line"
    ]


def test_empty_file_is_reported(tmp_path):
    assert problems_of(tmp_path, {"content/definition/x.md": b""}) == [
        "content/definition/x.md:1: empty file: a page starts with '---', its front matter, "
        "and '---'"
    ]


def test_non_utf8_bytes_are_reported_at_their_line(tmp_path):
    raw = b"---\ntitle: X\nsummary: na\xefve\npublished: 2026-01-02T10:00:00Z\n---\n"
    assert problems_of(tmp_path, {"content/term/x.md": raw}) == [
        "content/term/x.md:3: not valid UTF-8 (byte 0xef); save the file as UTF-8"
    ]


def test_nul_character_is_reported_at_its_line(tmp_path):
    raw = b"---\ntitle: X\nsummary: S\npublished: 2026-01-02T10:00:00Z\n---\n\nBody\x00\n"
    assert problems_of(tmp_path, {"content/term/x.md": raw}) == [
        "content/term/x.md:7: contains a NUL character"
    ]


def test_yaml_aliases_are_refused(tmp_path):
    assert problems_of(
        tmp_path,
        {
            "content/term/x.md": raw_page(
                "title: &t X\nsummary: *t\npublished: 2026-01-02T10:00:00Z\n"
            )
        },
    ) == ["content/term/x.md:2: YAML anchors and aliases (&name, *name) are not supported"]


def test_bad_file_name_is_not_a_slug(tmp_path):
    assert problems_of(tmp_path, {"content/term/-x.md": page("X")}) == [
        "content/term/-x.md:1: '-x' cannot be a slug: use letters, digits and hyphens, "
        "starting with a letter or digit"
    ]


# ------------------------------------------------------- references, areas


def test_unknown_area_is_reported_at_its_list_item_with_suggestion(tmp_path):
    assert problems_of(
        tmp_path,
        {"content/term/x.md": raw_page(GOOD_FRONT + "areas:\n  - margin\n  - optons-trading\n")},
    ) == [
        "content/term/x.md:7: areas: 'optons-trading' does not match any page; "
        "did you mean 'options'?"
    ]


def test_unresolved_related_reference_is_reported_with_suggestion(tmp_path):
    assert problems_of(
        tmp_path, {"content/term/x.md": raw_page(GOOD_FRONT + "related: [leverage, colateral]\n")}
    ) == [
        "content/term/x.md:5: related: 'colateral' does not match any page; "
        "did you mean 'collateral'?"
    ]


def test_term_listed_as_area_is_reported(tmp_path):
    assert problems_of(tmp_path, {"content/term/x.md": page("X", areas=["term/leverage"])}) == [
        "content/term/x.md:5: areas: 'term/leverage' is a term; only area pages belong here"
    ]


def test_ambiguous_reference_names_every_candidate(tmp_path):
    assert problems_of(
        tmp_path,
        {
            "content/term/x.md": page("X", related=["Twin"]),
            "content/term/twin.md": page("Twin"),
            "content/definition/twin.md": page("Twin"),
        },
    ) == [
        "content/term/x.md:5: related: 'Twin' is ambiguous: it names 'definition/twin' and "
        "'term/twin'; write one of them"
    ]


def test_unresolved_wiki_link_is_reported_at_its_body_line(tmp_path):
    assert problems_of(
        tmp_path,
        {"content/term/x.md": page("X", body="First paragraph.\n\nSee [[Colateral]] here.\n")},
    ) == ["content/term/x.md:9: 'Colateral' does not match any page; did you mean 'Collateral'?"]


def test_broken_page_link_is_reported_at_its_body_line(tmp_path):
    assert problems_of(
        tmp_path, {"content/term/x.md": page("X", body="Go [there](/term/levrage/).\n")}
    ) == ["content/term/x.md:7: broken link to /term/levrage/: no such page"]


def test_missing_image_is_reported_at_image_line(tmp_path):
    assert problems_of(
        tmp_path, {"content/term/x.md": page("X", image={"src": "img/nope.png"})}
    ) == ["content/term/x.md:5: image 'static/img/nope.png' does not exist"]


def test_area_without_facet_sections_is_reported(tmp_path):
    assert problems_of(
        tmp_path,
        {
            "content/area/x.md": raw_page(
                "title: X\npublished: 2026-01-02T10:00:00Z\n", "Only an intro.\n"
            )
        },
    ) == [
        "content/area/x.md:5: an area needs '## Facet' sections: each facet becomes a "
        "question on the area page"
    ]


def test_repeated_and_empty_facets_are_reported(tmp_path):
    body = "Intro.\n\n## Risk\n\nText.\n\n## risk\n\nAgain.\n\n## Empty\n"
    assert problems_of(
        tmp_path,
        {"content/area/x.md": raw_page("title: X\npublished: 2026-01-02T10:00:00Z\n", body)},
    ) == [
        "content/area/x.md:12: facet 'risk' appears twice (first at line 8)",
        "content/area/x.md:16: facet 'Empty' has no text",
    ]


def test_pages_whose_slugs_differ_only_by_case_collide(tmp_path):
    assert problems_of(tmp_path, {"content/term/Leverage.md": page("Leverage Two")}) == [
        "content/term/leverage.md:1: slug 'leverage' differs from content/term/Leverage.md "
        "only by letter case; the two collide on case-insensitive hosts"
    ]


def test_nfc_and_nfd_spellings_of_one_file_name_collide(tmp_path):
    found = problems_of(
        tmp_path,
        {
            "content/term/caf\u00e9.md": page("Cafe One"),
            "content/term/cafe\u0301.md": page("Cafe Two"),
        },
    )
    assert len(found) == 1
    assert ":1: maps to the same URL /term/caf\u00e9/ as content/term/" in found[0]


def test_symlinked_page_outside_content_is_refused(tmp_path):
    outside = tmp_path / "secret.md"
    outside.write_text(page("Secret"), encoding="utf-8")
    root = write_site(tmp_path / "site", BASE)
    (root / "content/term/secret.md").symlink_to(outside)
    with pytest.raises(ContentError) as caught:
        build_in(root)
    assert [p.format() for p in caught.value.problems] == [
        "content/term/secret.md:1: symbolic link points outside the content folder; refused"
    ]


def test_stray_files_and_folders_in_content_are_reported(tmp_path):
    assert problems_of(tmp_path, {"content/notes.txt": "x", "content/terms/a.md": page("A")}) == [
        "content/notes.txt:1: pages belong in content/area/, content/term/ or content/definition/",
        "content/terms:1: unknown content folder 'terms'; did you mean 'term'?",
    ]


# ----------------------------------------------------------------- drafts


def test_reference_to_a_draft_is_an_error_without_drafts(tmp_path):
    assert problems_of(
        tmp_path,
        {
            "content/term/x.md": page("X", related=["wip"]),
            "content/definition/wip.md": page("WIP", draft=True),
        },
    ) == [
        "content/term/x.md:5: related: 'wip' refers to the draft definition/wip; publish it "
        "or build with --drafts"
    ]


def test_reference_to_a_draft_is_fine_with_drafts(tmp_path):
    root = write_site(
        tmp_path / "site",
        {
            **BASE,
            "content/term/x.md": page("X", related=["wip"]),
            "content/definition/wip.md": page("WIP", draft=True),
        },
    )
    build_in(root, drafts=True)
    assert (root / "build/definition/wip/index.html").is_file()


def test_drafts_are_left_out_without_drafts_flag(tmp_path):
    root = write_site(
        tmp_path / "site", {**BASE, "content/definition/wip.md": page("WIP", draft=True)}
    )
    report = build_in(root)
    assert report.entries == 2
    assert not (root / "build/definition/wip").exists()


# -------------------------------------------------------------- site.yaml


@pytest.mark.parametrize(
    ("site_yaml", "expected"),
    [
        ("base_url: https://x.test/\n", "content/site.yaml:1: missing required field 'name'"),
        ("name: X\n", "content/site.yaml:1: missing required field 'base_url'"),
        (
            "name: X\nbase_url: ftp://x.test/\n",
            "content/site.yaml:2: 'base_url' 'ftp://x.test/' "
            "must be an absolute http(s) URL, e.g. https://example.org/",
        ),
        (
            "name: X\nbase_url: https://x.test/\nper_pag: 3\n",
            "content/site.yaml:3: 'per_pag' is not a known field; did you mean 'per_page'?",
        ),
        (
            'name: X\nbase_url: https://x.test/\nper_page: "x"\n',
            "content/site.yaml:3: 'per_page' must be a whole number",
        ),
        ("name: [X, Y]\nbase_url: https://x.test/\n", "content/site.yaml:1: 'name' must be text"),
        (
            "name: X\nname: Y\nbase_url: https://x.test/\n",
            "content/site.yaml:2: duplicate key 'name' (first given at line 1)",
        ),
    ],
)
def test_site_yaml_problems_are_reported(tmp_path, site_yaml, expected):
    assert problems_of(tmp_path, {}, site_yaml) == [expected]


def test_missing_site_yaml_is_reported(tmp_path):
    assert problems_of(tmp_path, {}, None) == [
        "content/site.yaml:1: missing site settings: create it with at least 'name' and 'base_url'"
    ]


# ------------------------------------------------------- all at once, BOM


def test_every_broken_file_is_reported_in_one_build(tmp_path):
    assert problems_of(
        tmp_path,
        {
            "content/term/x.md": page("X", publishd="2026-01-02T10:00:00Z"),
            "content/definition/y.md": b"",
            "content/term/z.md": page("Z", published="2026-01-02T10:00"),
        },
    ) == [
        "content/definition/y.md:1: empty file: a page starts with '---', its front matter, "
        "and '---'",
        "content/term/x.md:5: 'publishd' is not a known field; did you mean 'published'?",
        "content/term/z.md:4: 'published' '2026-01-02T10:00' has no time zone; add one, "
        "e.g. 2026-01-02T10:00:00+00:00, or write the date alone",
    ]


def test_front_matter_and_reference_errors_in_different_files_are_reported_together(tmp_path):
    assert problems_of(
        tmp_path,
        {
            "content/term/a.md": page("A", publishd="2026-01-02T10:00:00Z"),
            "content/term/b.md": page("B", related=["nowhere-at-all"]),
            "content/term/c.md": page("C", body="See [[Nothing Like It]].\n"),
        },
    ) == [
        "content/term/a.md:5: 'publishd' is not a known field; did you mean 'published'?",
        "content/term/b.md:5: related: 'nowhere-at-all' does not match any page",
        "content/term/c.md:7: 'Nothing Like It' does not match any page",
    ]


def test_site_yaml_and_page_problems_are_reported_together(tmp_path):
    assert problems_of(tmp_path, {"content/term/x.md": b""}, "name: X\n") == [
        "content/site.yaml:1: missing required field 'base_url'",
        "content/term/x.md:1: empty file: a page starts with '---', its front matter, and '---'",
    ]


def test_bom_and_crlf_pages_build(tmp_path):
    crlf = page("Windows", areas=["margin"]).replace("\n", "\r\n").encode()
    root = write_site(
        tmp_path / "site",
        {
            **BASE,
            "content/term/windows.md": b"\xef\xbb\xbf" + crlf,
            "content/term/plain-crlf.md": page("Plain", body="One.\n\nTwo.\n")
            .replace("\n", "\r\n")
            .encode(),
        },
    )
    build_in(root)
    html = (root / "build/term/windows/index.html").read_text(encoding="utf-8")
    assert "Windows" in html and "\ufeff" not in html and "\r" not in html


def test_crlf_page_problems_keep_their_lines(tmp_path):
    raw = (
        b"\xef\xbb\xbf---\r\ntitle: X\r\nsummary: S\r\npublished: 2026-01-02T10:00:00Z\r\n"
        b"relatd: [a]\r\n---\r\n"
    )
    assert problems_of(tmp_path, {"content/term/x.md": raw}) == [
        "content/term/x.md:5: 'relatd' is not a known field; did you mean 'related'?"
    ]


def test_self_reference_is_only_a_warning(tmp_path):
    root = write_site(tmp_path / "site", {**BASE, "content/term/x.md": page("X", related=["x"])})
    report = build_in(root)
    assert [(p.path, p.line, p.severity) for p in report.warnings] == [
        ("content/term/x.md", 5, "warning")
    ]


# ------------------------------------------------------- formatting itself


def test_problems_are_sorted_by_file_and_numeric_line_then_counted():
    problems = [
        Problem("b.md", 10, "late"),
        Problem("b.md", 9, "early"),
        Problem("a.md", 3, "x"),
        Problem("a.md", 3, "x"),
    ]
    assert format_problems(problems) == "a.md:3: x\nb.md:9: early\nb.md:10: late\n3 errors"


def test_content_error_carries_sorted_unique_problems():
    error = ContentError(
        [Problem("b.md", 2, "y"), Problem("a.md", 1, "x"), Problem("a.md", 1, "x")]
    )
    assert error.problems == (Problem("a.md", 1, "x"), Problem("b.md", 2, "y"))
    assert str(error) == "a.md:1: x\nb.md:2: y\n2 errors"


# ------------------------------------------------------------ through CLI


def test_cli_reports_all_problems_on_stderr_prefixed_with_source(tmp_path):
    write_site(
        tmp_path / "site",
        {
            **BASE,
            "content/term/x.md": page("X", publishd="2026"),
            "content/definition/y.md": b"\xff",
        },
    )
    result = run_cli("build", "--source", "site", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "site/content/definition/y.md:1: not valid UTF-8 (byte 0xff); save the file as UTF-8",
        "site/content/term/x.md:5: 'publishd' is not a known field; did you mean 'published'?",
        "2 errors",
    ]


def test_cli_paths_are_relative_to_site_without_source(tmp_path):
    root = write_site(tmp_path / "site", {**BASE, "content/term/x.md": page("X", areas=["margn"])})
    result = run_cli("build", cwd=root)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "content/term/x.md:5: areas: 'margn' does not match any page; did you mean 'margin'?",
        "1 error",
    ]


def test_cli_reports_site_yaml_error_with_exit_1(tmp_path):
    write_site(tmp_path / "site", BASE, "name: X\nbase_url: https://x.test/\nper_page: 'x'\n")
    result = run_cli("build", "--source", "site", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "site/content/site.yaml:3: 'per_page' must be a whole number",
        "1 error",
    ]
    assert not (tmp_path / "site" / "build").exists()

"""model.py: validate_meta turns every front-matter failure into a `path:line` problem."""

from __future__ import annotations

from datetime import timedelta

import pytest

from glossary_site.errors import Problem
from glossary_site.load import parse_mapping, validate_meta
from glossary_site.model import AreaMeta, EntryMeta, SiteConfig, parse_timestamp

PATH = "content/term/x.md"
GOOD = "title: X\nsummary: S\npublished: 2026-01-02T10:00:00+01:00\n"


def check(source: str, model=EntryMeta):
    """Validate front matter that starts at file line 2 (after the opening ---)."""
    return validate_meta(model, parse_mapping(source, 2), PATH)


def problems(source: str, model=EntryMeta) -> list[str]:
    result = check(source, model)
    assert isinstance(result, list), f"expected problems, got {result!r}"
    assert all(isinstance(p, Problem) for p in result)
    return [p.format() for p in result]


def test_valid_entry_front_matter_gives_model():
    meta = check(GOOD + "areas: [margin]\nrelated: [a, b]\n")
    assert isinstance(meta, EntryMeta)
    assert meta.title == "X" and meta.areas == ("margin",) and meta.related == ("a", "b")


def test_timestamp_keeps_offset_as_written():
    meta = check(GOOD)
    assert meta.published.utcoffset() == timedelta(hours=1)
    assert meta.published.isoformat() == "2026-01-02T10:00:00+01:00"


def test_timestamp_accepts_z_suffix_as_utc():
    assert parse_timestamp("2026-01-02T10:00:00Z").utcoffset() == timedelta(0)


def test_unknown_key_suggests_nearest_field():
    assert problems(GOOD + "relatd: [a]\n") == [
        f"{PATH}:5: 'relatd' is not a known field; did you mean 'related'?"
    ]


def test_unknown_key_without_near_match_lists_known_fields():
    assert problems(GOOD + "zzzzzz: 1\n") == [
        f"{PATH}:5: 'zzzzzz' is not a known field; known fields: aliases, areas, author, "
        "auto_link, auto_link_max, auto_link_target, draft, extra, image, modified, published, "
        "redirect_from, related, summary, title"
    ]


def test_summary_is_not_a_field_of_areas():
    assert problems("title: X\npublished: 2026-01-02T10:00:00Z\nsummary: s\n", AreaMeta) == [
        f"{PATH}:4: 'summary' is not a known field; known fields: aliases, auto_link, "
        "auto_link_max, auto_link_target, draft, extra, image, modified, published, "
        "redirect_from, title"
    ]


def test_unknown_nested_key_suggests_field_of_nested_model():
    assert problems(GOOD + "image: {src: a.png, widht: 3}\n") == [
        f"{PATH}:5: 'widht' is not a known field; did you mean 'width'?"
    ]


@pytest.mark.parametrize("field", ["title"])
def test_missing_required_field_reported_at_line_1(field):
    source = "".join(line + "\n" for line in GOOD.splitlines() if not line.startswith(field))
    assert problems(source) == [f"{PATH}:1: missing required field '{field}'"]


def test_date_without_time_zone_reported_at_key_line():
    assert problems("title: X\nsummary: S\npublished: 2026-01-02T10:00:00\n") == [
        f"{PATH}:4: 'published' '2026-01-02T10:00:00' has no time zone; add one, "
        "e.g. 2026-01-02T10:00:00+00:00, or write the date alone"
    ]


def test_date_without_time_is_midnight_without_a_zone_until_loaded():
    meta = check("title: X\nsummary: S\npublished: 2026-01-02\n")
    assert meta.published.isoformat() == "2026-01-02T00:00:00"  # load adds the site's zone


def test_published_is_optional_in_the_model():
    meta = check("title: X\nsummary: S\n")
    assert meta.published is None and meta.modified is None


def test_non_iso_date_is_invalid():
    assert problems("title: X\nsummary: S\npublished: 'March 3, 2026'\n") == [
        f"{PATH}:4: 'published' 'March 3, 2026' is not a valid date-time; write ISO 8601 "
        "with a time zone, e.g. 2026-03-12T14:07:34+00:00, or a date, e.g. 2026-03-12"
    ]


def test_modified_before_published_is_not_a_model_error():
    # `glossary check` warns about it (tests/load/test_moving_in.py)
    meta = check(GOOD + "modified: 2026-01-02T08:59:59+00:00\n")
    assert isinstance(meta, EntryMeta) and meta.modified < meta.published


def test_modified_same_instant_in_other_offset_is_accepted():
    meta = check(GOOD + "modified: 2026-01-02T09:00:00+00:00\n")
    assert isinstance(meta, EntryMeta) and meta.modified == meta.published


def test_list_where_text_belongs_is_reported():
    assert problems("title: [a, b]\nsummary: S\npublished: 2026-01-02T10:00:00Z\n") == [
        f"{PATH}:2: 'title' must be text"
    ]


def test_text_where_list_belongs_is_reported():
    assert problems(GOOD + "areas: margin\n") == [
        f"{PATH}:5: 'areas' must be a list, e.g. [first, second]"
    ]


def test_bad_list_item_reported_at_item_line():
    assert problems(GOOD + "related:\n  - a\n  - ''\n") == [
        f"{PATH}:7: 'related[1]' must not be empty"
    ]


def test_draft_must_be_a_real_boolean():
    assert problems(GOOD + "draft: 'true'\n") == [f"{PATH}:5: 'draft' must be true or false"]


def test_control_characters_in_text_are_refused():
    assert problems('title: "a\\x01b"\nsummary: S\npublished: 2026-01-02T10:00:00Z\n') == [
        f"{PATH}:2: 'title' contains a control character"
    ]


@pytest.mark.parametrize(
    ("src", "why"),
    [
        ("../secret.png", "must not contain '..', '.' or empty path segments"),
        ("/etc/passwd", "must be relative to static/ (no leading '/' or drive letter)"),
    ],
)
def test_image_src_must_stay_inside_static(src, why):
    assert problems(GOOD + f"image: {{src: '{src}'}}\n") == [f"{PATH}:5: 'image.src' '{src}' {why}"]


def test_every_problem_of_a_page_is_reported_at_once():
    found = problems("title: [a]\npublishd: 2026-01-02T10:00:00Z\ndraft: 3\n")
    assert sorted(found) == sorted(
        [
            f"{PATH}:2: 'title' must be text",
            f"{PATH}:3: 'publishd' is not a known field; did you mean 'published'?",
            f"{PATH}:4: 'draft' must be true or false",
        ]
    )


def test_site_config_wrong_type_for_per_page():
    result = validate_meta(
        SiteConfig,
        parse_mapping('name: X\nbase_url: https://x.test/\nper_page: "x"\n', 1),
        "content/site.yaml",
    )
    assert [p.format() for p in result] == [
        "content/site.yaml:3: 'per_page' must be a whole number"
    ]


def test_site_config_base_url_gets_trailing_slash_and_base_path():
    config = validate_meta(
        SiteConfig,
        parse_mapping("name: X\nbase_url: https://x.test/docs\n", 1),
        "content/site.yaml",
    )
    assert config.base_url == "https://x.test/docs/"
    assert config.base_path == "/docs/"

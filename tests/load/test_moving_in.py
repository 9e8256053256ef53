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
        "author, auto_link, draft, extra, image, modified, published, related, summary, title"
    ]

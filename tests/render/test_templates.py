"""A site's own templates/ overrides the default theme, file by file."""

from __future__ import annotations

import pytest

from conftest import area, build_in, page, parse_html, run_cli, text_of, write_site
from glossary_site.errors import ContentError

FILES = {
    "content/area/margin.md": area("Margin"),
    "content/term/leverage.md": page("Leverage", areas=["margin"]),
    "content/definition/haircut.md": page("Haircut", areas=["margin"]),
}


def test_a_site_template_replaces_the_default_of_the_same_name(make_site):
    root = make_site(
        {
            **FILES,
            "templates/term.html": """\
                {% extends "default/entry.html" %}
                {% block content %}<p id="custom">Custom {{ entry.title }}</p>
                {{ super() }}{% endblock %}
                """,
        }
    )
    build_in(root)
    term = parse_html(root / "build/term/leverage/index.html")
    definition = parse_html(root / "build/definition/haircut/index.html")
    custom = [p for p in term.iter("p") if p.get("id") == "custom"]
    assert [text_of(p) for p in custom] == ["Custom Leverage"]
    assert term.find(".//h1") is not None  # the default page is still there, extended
    assert not [p for p in definition.iter("p") if p.get("id") == "custom"]


def test_a_site_base_template_changes_every_page(make_site):
    root = make_site(
        {
            **FILES,
            "templates/base.html": """\
                {% extends "default/base.html" %}
                {% block footer %}<p id="site-note">Edited by us</p>{% endblock %}
                """,
        }
    )
    build_in(root)
    for path in ("index.html", "area/margin/index.html", "definition/haircut/index.html"):
        doc = parse_html(root / "build" / path)
        assert [e for e in doc.iter("p") if e.get("id") == "site-note"], path


def test_template_syntax_errors_are_reported_with_their_line(make_site):
    root = make_site({**FILES, "templates/term.html": "<p>\n{% if %}\n</p>\n"})
    with pytest.raises(ContentError) as caught:
        build_in(root)
    [problem] = caught.value.problems
    assert problem.path == "templates/term.html"
    assert problem.line == 2
    assert problem.message.startswith("template syntax error:")


def test_a_template_asking_for_what_is_not_there_is_a_content_error(make_site):
    root = make_site({**FILES, "templates/term.html": "<p>\n{{ entry.no_such_field }}\n</p>\n"})
    result = run_cli("build", "--source", str(root), "--no-cache")
    assert result.returncode == 1, result.stderr
    assert f"{root}/templates/term.html:2: error rendering /term/leverage/index.html:" in (
        result.stderr
    )
    assert "no_such_field" in result.stderr


def test_content_is_never_evaluated_by_site_templates(make_site):
    root = make_site(
        {
            "content/area/margin.md": area("Margin"),
            "content/term/leverage.md": page("{{ 7 * 7 }}", areas=["margin"]),
            "templates/term.html": '{% extends "default/entry.html" %}',
        }
    )
    build_in(root)
    [html] = (root / "build/term").glob("*/index.html")
    assert "{{ 7 * 7 }}" in text_of(parse_html(html).find(".//h1"))


def test_default_theme_is_used_without_a_site_templates_folder(tmp_path):
    root = write_site(tmp_path / "site", FILES)
    build_in(root)
    assert (root / "build/assets/site.css").is_file()

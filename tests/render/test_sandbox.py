"""A site's templates/ are untrusted (CI builds pull requests): they run sandboxed."""

from __future__ import annotations

import pytest

from conftest import area, build_in, page, parse_html, run_cli, text_of, write_site
from glossary_site.errors import ContentError

FILES = {
    "content/area/margin.md": area("Margin"),
    "content/term/leverage.md": page("Leverage", areas=["margin"]),
    "content/definition/haircut.md": page("Haircut", areas=["margin"]),
}

# The classic ways out of a Jinja template into Python, each on line 2 of templates/404.html.
ESCAPES = [
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ joiner.__init__.__globals__ }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ self.__init__.__globals__.__builtins__ }}",
    "{{ self._TemplateReference__context }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ ().__class__.__base__.__subclasses__() }}",
    "{{ page_title.__class__ }}",
    "{{ range.__self__.__import__('os') }}",
    "{{ dict.__subclasses__() }}",
    "{{ '{0.__class__.__mro__}'.format(1) }}",
    "{{ ''|attr('__class__') }}",
    "{{ config.items() }}",
    "{{ request.application }}",
    "{% set x = [] %}{{ x.append(1) }}",
    "{{ 'a' * 10**10 }}",
    "{{ 10 ** 1000 ** 1000 }}",
    "{% set n = namespace(x=10**900) %}"
    "{% for i in range(20) %}{% set n.x = n.x * n.x %}{% endfor %}",
    "{{ 1 / 0 }}",
    "{{ 'a' + 1 }}",
    "{{ [1] * 100000000 }}",
    "{{ range(10**9)|list }}",
    "{{ ''|random }}",
]


def _site_with_404(make_site, body):
    return make_site({**FILES, "templates/404.html": "<p>Not found</p>\n" + body})


@pytest.mark.parametrize("body", ESCAPES)
def test_a_template_reaching_for_internals_is_an_error_at_its_line(make_site, body):
    root = _site_with_404(make_site, body + "\n")
    with pytest.raises(ContentError) as caught:
        build_in(root)
    [problem] = caught.value.problems
    assert problem.path == "templates/404.html"
    assert problem.line == 2
    assert not (root / "build").exists()


def test_the_shell_command_of_the_classic_escape_never_runs(make_site, tmp_path):
    witness = tmp_path / "ran"
    body = (
        "{{ cycler.__init__.__globals__.os.system('touch " + str(witness) + "') }}"
        "{{ self.__init__.__globals__.__builtins__.__import__('os').system('touch "
        + str(witness)
        + "') }}\n"
    )
    root = _site_with_404(make_site, body)
    result = run_cli("build", "--source", str(root), "--jobs", "1")
    assert result.returncode == 1, result.stderr
    assert "templates/404.html:2:" in result.stderr
    assert not witness.exists()
    assert not (root / "build").exists()


def test_a_template_cannot_change_the_view_data_it_is_handed(make_site):
    root = make_site(
        {
            **FILES,
            "templates/term.html": '{% extends "default/entry.html" %}\n'
            "{% block content %}{{ entry.update({'title': 'pwned'}) }}{% endblock %}\n",
        }
    )
    with pytest.raises(ContentError) as caught:
        build_in(root)
    [problem] = caught.value.problems
    assert (problem.path, problem.line) == ("templates/term.html", 2)


def test_plain_templates_still_have_their_filters_and_helpers(make_site):
    root = make_site(
        {
            **FILES,
            "templates/term.html": """\
                {% extends "default/entry.html" %}
                {% block content %}{% set ns = namespace(n=0) %}
                {% for i in range(3) %}{% set ns.n = ns.n + i %}{% endfor %}
                <p id="custom">{{ entry.title|upper|replace("E", "e") }} {{ ns.n }}
                {{ [3, 1, 2]|sort|join(",") }} {{ "ab" * 2 }} {{ 2 ** 8 }}</p>
                {{ super() }}{% endblock %}
                """,
        }
    )
    build_in(root)
    term = parse_html(root / "build/term/leverage/index.html")
    [custom] = [p for p in term.iter("p") if p.get("id") == "custom"]
    assert text_of(custom) == "LeVeRAGe 3 1,2,3 abab 256"


def test_the_default_theme_renders_in_the_sandbox(make_site):
    root = write_site(make_site(FILES), {})
    report = build_in(root)
    assert report.pages >= 5
    doc = parse_html(root / "build/term/leverage/index.html")
    assert doc.find(".//h1") is not None

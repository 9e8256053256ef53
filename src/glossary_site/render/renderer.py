"""Stage 3, render: SiteGraph -> output files (HTML with JSON-LD, feeds, sitemap, search).

Each output is a Job (outputs.py). `render_job` computes the job's inputs (views.py),
hashes them with the site settings, templates and code into a key, and builds the view
and renders its template only when the key differs from the previous build's, so warm
builds skip unchanged pages. Nothing here reads files.
"""

from __future__ import annotations

import hashlib
import json
import marshal
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import jinja2

from glossary_site.errors import ContentError, Problem
from glossary_site.load import Theme
from glossary_site.render.cards import ViewContext
from glossary_site.render.outputs import Job, job_path
from glossary_site.render.views import PAGE_KINDS


@dataclass(frozen=True, slots=True)
class Rendered:
    """A produced file; `data` is None when it equals the previous build's file."""

    path: str
    key: str
    data: bytes | None


@dataclass
class Renderer(ViewContext):
    """Per-process rendering state: templates compile once per worker; cards are memoised."""

    theme: Theme | None = None
    salt: str = ""
    previous: Mapping[str, str] = field(default_factory=dict)
    _env: jinja2.Environment | None = None

    @property
    def env(self) -> jinja2.Environment:
        """The Jinja environment: site templates first, the default theme last."""
        if self._env is None:
            assert self.theme is not None
            self._env = environment(self.theme)
        return self._env


class _ViewEnvironment(jinja2.Environment):
    """Views are plain dicts: `card.title` looks the key up first. Jinja's default tries the
    attribute first and pays for an AttributeError on every lookup (a third of render time)."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


def environment(theme: Theme) -> jinja2.Environment:
    """Jinja over the theme layers; `default/<name>` always reaches the shipped template."""
    loaders: list[jinja2.BaseLoader] = [jinja2.DictLoader(dict(layer)) for layer in theme.layers]
    loaders.append(jinja2.PrefixLoader({"default": jinja2.DictLoader(dict(theme.layers[-1]))}))
    return _ViewEnvironment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def template_problems(theme: Theme) -> list[Problem]:
    """Syntax errors in any template, as `templates/name:line` problems."""
    env = environment(theme)
    problems = []
    for layer in theme.layers:
        for name, _ in layer:
            try:
                env.get_template(name)
            except jinja2.TemplateSyntaxError as exc:
                problems.append(
                    Problem(
                        f"templates/{name}",
                        exc.lineno or 1,
                        f"template syntax error: {exc.message}",
                        "template",
                    )
                )
    return problems


def render_job(renderer: Renderer, job: Job) -> Rendered:
    """Produce one output file, or confirm that the previous build's file still holds."""
    path, key, inputs = keyed(renderer, job)
    if renderer.previous.get(path) == key:
        return Rendered(path, key, None)
    view = PAGE_KINDS[job.kind][1](renderer, job, inputs)
    if view.template is None:
        data = json.dumps(view.context["json"], ensure_ascii=False, separators=(",", ":"))
    else:
        names = [view.template] if isinstance(view.template, str) else list(view.template)
        template = renderer.env.select_template(names)
        try:
            data = template.render(view.context)
        except jinja2.TemplateError as exc:  # a site's own template asking for what isn't there
            raise ContentError([_template_problem(template.name or names[0], exc, path)]) from None
    return Rendered(path, key, data.encode("utf-8"))


def _template_problem(name: str, exc: jinja2.TemplateError, path: str) -> Problem:
    line = next(
        (
            tb.tb_lineno
            for tb in _frames(exc.__traceback__)
            if tb.tb_frame.f_code.co_filename == "<template>"
        ),
        1,
    )
    message = f"error rendering /{path}: {exc.message or type(exc).__name__}"
    return Problem(f"templates/{name}", line, message, "template")


def _frames(tb: Any) -> list[Any]:
    frames = []
    while tb is not None:
        frames.append(tb)
        tb = tb.tb_next
    return list(reversed(frames))  # innermost first: the template line that failed


def keyed(renderer: Renderer, job: Job) -> tuple[str, str, Any]:
    """A job's output path, key and inputs: all it takes to know whether it changed."""
    inputs = PAGE_KINDS[job.kind][0](renderer, job)
    path = job_path(renderer.graph, job)
    return path, job_key(renderer.salt, path, inputs), inputs


def job_key(salt: str, path: str, inputs: Any) -> str:
    """The key of an output: equal keys, equal bytes."""
    payload = marshal.dumps((path, inputs), 0)  # version 0: no back-references, canonical
    return hashlib.blake2b(payload, digest_size=20, key=salt.encode()[:64]).hexdigest()

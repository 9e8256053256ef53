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
import jinja2.sandbox

from glossary_site.errors import ContentError, Problem
from glossary_site.load import Theme
from glossary_site.render.cards import ViewContext
from glossary_site.render.outputs import Job, job_path, search_part_jobs
from glossary_site.render.views import PAGE_KINDS, SOURCED


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


# Jinja's builtin filters that only compute on their arguments. Left out: `random`
# (output would differ between builds), `pprint` (shows Python internals) and `attr`
# (an attribute lookup by name; the sandbox would check it, but nothing needs it).
SAFE_FILTERS = (
    "abs", "batch", "capitalize", "center", "count", "d", "default", "dictsort", "e",
    "escape", "filesizeformat", "first", "float", "forceescape", "format", "groupby",
    "indent", "int", "items", "join", "last", "length", "list", "lower", "map", "max",
    "min", "reject", "rejectattr", "replace", "reverse", "round", "safe", "select",
    "selectattr", "slice", "sort", "string", "striptags", "sum", "title", "tojson", "trim",
    "truncate", "unique", "upper", "urlencode", "urlize", "wordcount", "wordwrap",
    "xmlattr",
)  # fmt: skip
# Globals a theme may use: plain helpers. `lipsum` is left out (random text).
SAFE_GLOBALS = ("range", "dict", "cycler", "joiner", "namespace")
MAX_ITEMS = 1_000_000  # longest string or list `*` may make in a template
MAX_BITS = 1_000_000  # largest number `*` and `**` may make: beyond, one number stalls a build


class _ViewEnvironment(jinja2.sandbox.ImmutableSandboxedEnvironment):
    """Templates run sandboxed: a site's templates/ come with pull requests that CI builds,
    so they may read the view data handed to them and nothing else (no attributes starting
    with `_`, no functions' globals, no changing lists or dicts in place).

    Views are plain dicts: `card.title` looks the key up first. Jinja's default tries the
    attribute first and pays for an AttributeError on every lookup (a third of render time).
    """

    intercepted_binops = frozenset({"*", "**"})

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        """`*` and `**` bounded: one template expression must not eat the memory or the CPU."""
        if operator == "**":
            if (
                _int(left)
                and _int(right)
                and abs(left) > 1
                and left.bit_length() * right > MAX_BITS
            ):
                raise jinja2.sandbox.SecurityError("the result of ** is too large")
            return left**right
        if _int(left) and _int(right):
            too_large = left.bit_length() + right.bit_length() > MAX_BITS
        elif isinstance(left, str | list | tuple) and _int(right):
            too_large = len(left) * right > MAX_ITEMS
        elif _int(left) and isinstance(right, str | list | tuple):
            too_large = left * len(right) > MAX_ITEMS
        else:
            too_large = False
        if too_large:
            raise jinja2.sandbox.SecurityError("the result of * is too large")
        return left * right


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def environment(theme: Theme) -> jinja2.Environment:
    """Sandboxed Jinja over the theme layers; `default/<name>` reaches the shipped template."""
    loaders: list[jinja2.BaseLoader] = [jinja2.DictLoader(dict(layer)) for layer in theme.layers]
    loaders.append(jinja2.PrefixLoader({"default": jinja2.DictLoader(dict(theme.layers[-1]))}))
    env = _ViewEnvironment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters = {name: env.filters[name] for name in SAFE_FILTERS}
    env.globals = {name: env.globals[name] for name in SAFE_GLOBALS}
    return env


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
        except Exception as exc:  # whatever a site's own template does wrong
            raise ContentError([_template_problem(template.name or names[0], exc, path)]) from None
    return Rendered(path, key, data.encode("utf-8"))


def search_outputs(
    graph: Any, salt: str, previous: Mapping[str, str]
) -> list[tuple[Job, Rendered]]:
    """Every part of the search index with its key, rendered where the key differs from
    `previous` (output path -> key). A function of the graph alone: no templates or
    cards, so a build can compute it in another process (parallel.Background)."""
    renderer = Renderer(graph, salt=salt, previous=previous)
    return [(job, render_job(renderer, job)) for job in search_part_jobs(graph)]


def _template_problem(name: str, exc: Exception, path: str) -> Problem:
    line = next(
        (
            tb.tb_lineno
            for tb in _frames(exc.__traceback__)
            if tb.tb_frame.f_code.co_filename == "<template>"
        ),
        1,
    )
    detail = exc.message if isinstance(exc, jinja2.TemplateError) else str(exc)
    message = f"error rendering /{path}: {detail or type(exc).__name__}"
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


@dataclass(frozen=True, slots=True)
class KeyMemo:
    """The keys of one build's outputs, with what the keys of SOURCED kinds were made from:
    the salt, the card digests, and per job its sources, path and key."""

    salt: str = ""
    digests: Mapping[str, bytes] = field(default_factory=dict)
    made: dict[Job, tuple[Any, str, str]] = field(default_factory=dict)


def output_keys(
    renderer: Renderer, jobs: list[Job], memo: KeyMemo | None = None
) -> tuple[list[tuple[str, str]], KeyMemo, int]:
    """(path, key) of every job, the memo for the next call, and how many keys were
    computed. With the last call's memo, a job of a SOURCED kind whose sources are equal
    to those its key was made from, and none of whose listed cards changed since, keeps
    its key and path: what it would compute is the same (views.SOURCED), so a title edit
    re-keys the few dozen pages that list or link to the entry, not all 13,000."""
    digests = renderer._digests
    if memo is None or memo.salt != renderer.salt:
        memo = KeyMemo()
    before, old = memo.made, memo.digests
    changed = {i for i, d in digests.items() if old.get(i) != d} | (old.keys() - digests.keys())
    made: dict[Job, tuple[Any, str, str]] = {}
    found: list[tuple[str, str]] = []
    computed = 0
    graph = renderer.graph
    for job in jobs:
        sourced = SOURCED.get(job.kind)
        if sourced is None:
            path, key, _ = keyed(renderer, job)
            computed += 1
            found.append((path, key))
            continue
        read, derive, fields = sourced
        sources = read(graph, job)
        last = before.get(job)
        if (
            last is not None
            and last[0] == sources
            and not (
                changed
                and (job.key in changed or any(not changed.isdisjoint(sources[f]) for f in fields))
            )
        ):
            path, key = last[1], last[2]
        else:
            path = job_path(graph, job)
            key = job_key(renderer.salt, path, derive(renderer, job, sources))
            computed += 1
        made[job] = (sources, path, key)
        found.append((path, key))
    return found, KeyMemo(renderer.salt, digests, made), computed

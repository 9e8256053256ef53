"""A rebuild for the commonest edit of all: the text of a term or definition, saved again.

Most saves while writing change one body and nothing else the site reads of the page: its
front matter (title, aliases, summary, dates, areas, related) and the edges its body makes
(the pages it links to, the areas it mentions) stay as they were. Then the graph is the
last one with that body replaced, and the only outputs that can change are the page's own
and the parts of the search index that hold its words; nothing at the scale of the site
(10,000 pages' keys, the plan, backlinks, Discover More) needs computing again.

`glossary serve` checks each of those conditions on the edited files and otherwise rebuilds
the usual way (`Session._build`); either way the served bytes are a fresh build's
(tests/commands/serve/test_text_edit.py compares them after each edit).
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass, replace
from typing import Any

from glossary_site.commands.build import Analysis, _host_key
from glossary_site.load import Scan, rescanned, text_edited
from glossary_site.write import BuildCache


@dataclass(frozen=True, slots=True)
class Built:
    """What a good build of a serving process made: where the next one can start from."""

    scan: Scan
    analysis: Analysis
    outputs: tuple[Any, ...]  # the plan's jobs
    renderer: Any  # the Renderer, with the card digests of every page


@dataclass(frozen=True, slots=True)
class Edit:
    """The build after an edit of text, and the outputs to key (and render) again."""

    built: Built
    todo: tuple[Any, ...]
    gone: frozenset[str]  # output paths the edit removed (search index parts)


def text_edit(
    last: Built,
    touched: Iterable[str],
    cache: BuildCache,
    decoded: MutableMapping[str, Any],
) -> Edit | None:
    """The build after edits to the text alone of existing terms and definitions, or None
    when the edit is anything more (then the site is built the usual way)."""
    from glossary_site.render import Job, Renderer, edited_search_jobs, job_path
    from glossary_site.resolve import text_edit as resolved_edit

    found = rescanned(last.scan, touched)
    if found is None:
        return None
    scan, read = found
    analysis = last.analysis
    loaded = text_edited(analysis.site, scan, read, cache.pages, decoded)
    if loaded is None or analysis.bodies is None:
        return None
    site, ids = loaded
    if not ids:  # saved again unchanged
        kept = replace(last, scan=scan, analysis=replace(analysis, site=site))
        return Edit(kept, (), frozenset())
    edit = resolved_edit(analysis.graph, analysis.bodies, analysis.names, site, ids, cache.bodies)
    if edit is None:
        return None
    graph, bodies = edit
    every, changed = edited_search_jobs(graph, analysis.graph, ids)
    # the plan lists the index's parts first (render/outputs.plan); the rest stays as it was
    searched = sum(1 for job in last.outputs if job.kind.startswith("search"))
    assert all(job.kind.startswith("search") for job in last.outputs[:searched])
    outputs = (*(Job(*part) for part in every), *last.outputs[searched:])
    before = {job_path(analysis.graph, job) for job in last.outputs[:searched]}
    after = {job_path(graph, job) for job in outputs[: len(every)]}
    if _may_collide(after - before, site):
        return None  # a new part of the index where a static file is: reported in full
    old = last.renderer
    # the edited pages' cards are what they were (their front matter is): the card memos
    # carry over whole
    renderer = Renderer(
        graph,
        _cards=old._cards,
        _area_cards=old._area_cards,
        _digests=old._digests,
        theme=old.theme,
        salt=old.salt,
        _env=old._env,
    )
    analysis = Analysis(site, graph, analysis.problems, bodies, analysis.names)
    todo = (*(Job("entry", page_id) for page_id in ids), *(Job(*part) for part in changed))
    return Edit(Built(scan, analysis, outputs, renderer), todo, frozenset(before - after))


def _may_collide(paths: set[str], site: Any) -> bool:
    """Whether a new output path is, or is inside or around, a static or theme file as
    hosts see paths (ignoring case, normalising Unicode)."""
    if not paths:
        return False
    keys = {_host_key(path) for path in paths}
    for item in [*site.static, *site.theme.assets]:
        other = _host_key(item.path)
        if any(other == k or other.startswith(k + "/") or k.startswith(other + "/") for k in keys):
            return True
    return False

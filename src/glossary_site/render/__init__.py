"""Stage 3, render: the output plan and each page's bytes (Jinja + JSON-LD). Reads no files."""

from __future__ import annotations

from typing import TYPE_CHECKING

from glossary_site._exports import lazy_exports

if TYPE_CHECKING:
    from glossary_site.render.outputs import Job, job_path, page_jobs, plan
    from glossary_site.render.renderer import (
        KeyMemo,
        Renderer,
        keyed,
        output_keys,
        render_job,
        search_outputs,
        template_problems,
    )
    from glossary_site.render.search import edited_search_jobs

_EXPORTS = {
    "Job": "outputs",
    "KeyMemo": "renderer",
    "Renderer": "renderer",
    "edited_search_jobs": "search",
    "job_path": "outputs",
    "keyed": "renderer",
    "output_keys": "renderer",
    "page_jobs": "outputs",
    "plan": "outputs",
    "render_job": "renderer",
    "search_outputs": "renderer",
    "template_problems": "renderer",
}
__all__ = [
    "Job",
    "KeyMemo",
    "Renderer",
    "edited_search_jobs",
    "job_path",
    "keyed",
    "output_keys",
    "page_jobs",
    "plan",
    "render_job",
    "search_outputs",
    "template_problems",
]
__getattr__ = lazy_exports(__name__, _EXPORTS)

"""`glossary check --auto-links`: which pages each auto-link target is linked from, most
linked first, so an author sees the noise before publishing."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from glossary_site.commands.build import BuildOptions, analyse
from glossary_site.load import scan_site
from glossary_site.resolve import SiteGraph
from glossary_site.write import BuildCache, collector_paused


@dataclass(frozen=True, slots=True)
class TargetCount:
    """One auto-link target and the pages that auto-link it."""

    target: str
    title: str
    file: str
    pages: int


@dataclass(frozen=True, slots=True)
class AutoLinkReport:
    """Auto-links of a whole site: per target, and per page."""

    targets: tuple[TargetCount, ...]
    links: int
    pages: int  # pages with a body (areas, terms, definitions)
    most_on_one_page: int

    def as_dict(self) -> dict[str, Any]:
        """The JSON form (`--format json`)."""
        return {
            "links": self.links,
            "pages": self.pages,
            "most_on_one_page": self.most_on_one_page,
            "targets": [
                {"target": t.target, "title": t.title, "file": t.file, "pages": t.pages}
                for t in self.targets
            ],
        }

    def text(self) -> str:
        """The plain-text form: a summary line, then one line per target."""
        average = self.links / self.pages if self.pages else 0.0
        lines = [
            f"{self.links} auto-links on {self.pages} pages ({average:.1f} per page, "
            f"at most {self.most_on_one_page} on one page)"
        ]
        if self.targets:
            width = max(len(str(t.pages)) for t in self.targets)
            lines.append(f"{'pages':>{max(width, 5)}}  target")
            lines += [
                f"{t.pages:>{max(width, 5)}}  {t.target}  ({t.title}, {t.file})"
                for t in self.targets
            ]
        return "\n".join(lines)


def auto_link_report(graph: SiteGraph) -> AutoLinkReport:
    """Count, for every target, the pages whose bodies auto-link it."""
    sources: dict[str, set[str]] = defaultdict(set)
    per_page: dict[str, int] = {}
    for page_id, body in graph.bodies.items():
        per_page[page_id] = len(body.auto_links)
        for target in body.auto_links:
            sources[target].add(page_id)
    for area_id, parts in graph.area_sections.items():
        per_page[area_id] = sum(len(part.auto_links) for part in parts)
        for part in parts:
            for target in part.auto_links:
                sources[target].add(area_id)
    targets = sorted(
        (
            TargetCount(t, graph.pages[t].title, graph.pages[t].path, len(pages))
            for t, pages in sources.items()
        ),
        key=lambda t: (-t.pages, t.target),
    )
    return AutoLinkReport(
        tuple(targets), sum(per_page.values()), len(per_page), max(per_page.values(), default=0)
    )


def check_auto_links(root: Path, drafts: bool = False, use_cache: bool = True) -> AutoLinkReport:
    """The auto-link report of the site under `root` (ContentError when it does not load)."""
    with collector_paused():
        cache = BuildCache(root.resolve()) if use_cache else BuildCache.disabled()
        try:
            analysis = analyse(scan_site(root.resolve()), BuildOptions(drafts=drafts), cache)
        finally:
            cache.save()
    return auto_link_report(analysis.graph)

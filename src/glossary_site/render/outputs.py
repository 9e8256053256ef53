"""Which files a site has: one Job per output, and the path each writes. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from math import ceil

from glossary_site import urls
from glossary_site.resolve import SiteGraph

SITEMAP_LIMIT = 50_000  # URLs per sitemap file, the protocol's limit


@dataclass(frozen=True, slots=True)
class Job:
    """One output file to produce."""

    kind: str
    key: str = ""
    number: int = 0


def plan(graph: SiteGraph) -> list[Job]:
    """Every output of the site, biggest first so parallel workers finish together."""
    jobs = [Job("search"), Job("feed"), Job("home"), Job("not_found"), Job("robots")]
    jobs += [Job("index", kind) for kind in urls.KINDS]
    jobs += [Job("sitemap", "", n) for n in range(sitemap_files(graph))]
    areas = sorted(graph.areas, key=lambda a: -len(graph.members.get(a.id, ())))
    for area in areas:
        jobs.append(Job("area", area.id))
        jobs += [Job("resource", area.id, n) for n in range(1, resource_pages(graph, area.id) + 1)]
        jobs.append(Job("area_feed", area.id))
    jobs += [Job("entry", entry.id) for entry in graph.entries]
    return jobs


def resource_pages(graph: SiteGraph, area_id: str) -> int:
    """How many /resource/<n>/ pages an area has: none unless its list exceeds per_page."""
    count = len(graph.members.get(area_id, ()))
    per_page = graph.config.per_page
    return ceil(count / per_page) if count > per_page else 0


def sitemap_files(graph: SiteGraph) -> int:
    """1 sitemap, or an index plus one file per SITEMAP_LIMIT URLs."""
    count = (
        1
        + len(urls.KINDS)
        + len(graph.entries)
        + sum(1 + resource_pages(graph, area.id) for area in graph.areas)
    )
    return 1 if count <= SITEMAP_LIMIT else 1 + ceil(count / SITEMAP_LIMIT)


def sitemap_paths(graph: SiteGraph) -> list[tuple[str, str]]:
    """Every page's site path with its last modification (ISO 8601), in sitemap order."""
    stamp = _lastmod([p.modified for p in graph.pages.values()])
    found = [("", stamp)] + [(urls.index_path(k), stamp) for k in urls.KINDS]
    for area in graph.areas:
        members = graph.members.get(area.id, ())
        lastmod = _lastmod([area.modified, *(graph.pages[m].modified for m in members)])
        found.append((urls.page_path(area.kind, area.slug), lastmod))
        for n in range(1, resource_pages(graph, area.id) + 1):
            found.append((urls.resource_path(area.slug, n), lastmod))
    found += [(urls.page_path(e.kind, e.slug), _lastmod([e.modified])) for e in graph.entries]
    return found


def _lastmod(moments: list[datetime | None]) -> str:
    """The newest of some dates as ISO 8601, or "" when all are undated (no <lastmod>)."""
    dated = [m for m in moments if m is not None]
    return max(dated).isoformat(timespec="seconds") if dated else ""


def job_path(graph: SiteGraph, job: Job) -> str:
    """The output path a job writes."""
    pages = graph.pages
    match job.kind:
        case "entry" | "area":
            page = pages[job.key]
            return urls.output_file(urls.page_path(page.kind, page.slug))
        case "resource":
            return urls.output_file(urls.resource_path(pages[job.key].slug, job.number))
        case "area_feed":
            return urls.area_feed_path(pages[job.key].slug)
        case "index":
            return urls.output_file(urls.index_path(job.key))
        case "home":
            return urls.output_file("")
        case "sitemap":
            return urls.SITEMAP if job.number == 0 else f"sitemap-{job.number}.xml"
    return {
        "not_found": urls.NOT_FOUND,
        "robots": urls.ROBOTS,
        "feed": urls.FEED,
        "search": urls.SEARCH_INDEX,
    }[job.kind]

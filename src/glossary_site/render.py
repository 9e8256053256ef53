"""Stage 3, render: SiteGraph -> output files (HTML with JSON-LD, feeds, sitemap, search).

Each output is a Job. `render_job` builds the job's view (plain data: the only thing
templates see), digests it, and renders the template only when the digest differs from
the previous build's, so warm builds skip unchanged pages. Nothing here reads files.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from math import ceil
from typing import Any

import jinja2

from . import jsonld, urls
from .errors import Problem
from .load import Theme
from .markdown import first_sentence
from .model import Author, Image, Page
from .resolve import SiteGraph, discover_more, newest_first

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
SITEMAP_LIMIT = 50_000  # URLs per sitemap file, the protocol's limit
HOME_LISTS = 12


@dataclass(frozen=True, slots=True)
class Job:
    """One output file to produce."""

    kind: str
    key: str = ""
    number: int = 0


@dataclass(frozen=True, slots=True)
class Rendered:
    """A produced file; `data` is None when it equals the previous build's file."""

    path: str
    digest: str
    data: bytes | None


@dataclass(frozen=True, slots=True)
class View:
    """What a job renders: a template and its context, or a ready JSON document."""

    path: str
    template: str | tuple[str, ...] | None
    context: dict[str, Any]


# -------------------------------------------------------------------- plan

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
    count = len(_sitemap_urls(graph))
    return 1 if count <= SITEMAP_LIMIT else 1 + ceil(count / SITEMAP_LIMIT)


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
    return {"not_found": urls.NOT_FOUND, "robots": urls.ROBOTS, "feed": urls.FEED,
            "search": urls.SEARCH_INDEX}[job.kind]


# ------------------------------------------------------------------ renderer

@dataclass
class Renderer:
    """Per-process rendering state: templates are compiled once per worker."""

    graph: SiteGraph
    theme: Theme
    salt: str
    previous: Mapping[str, str] = field(default_factory=dict)
    _env: jinja2.Environment | None = None
    _cards: dict[str, dict[str, Any]] = field(default_factory=dict)
    _area_cards: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def env(self) -> jinja2.Environment:
        """The Jinja environment: site templates first, the default theme last."""
        if self._env is None:
            self._env = environment(self.theme)
        return self._env

    @property
    def config(self) -> Any:
        """The site configuration."""
        return self.graph.config

    def url(self, path: str) -> str:
        """Absolute URL of a site path."""
        return urls.absolute(self.config.base_url, path)

    def href(self, path: str) -> str:
        """Root-relative link to a site path."""
        return urls.href(self.config.base_path, path)

    def card(self, entry_id: str) -> dict[str, Any]:
        """What lists show of an entry (memoised: many pages list the same entries)."""
        if entry_id not in self._cards:
            self._cards[entry_id] = _entry_card(self, self.graph.pages[entry_id])
        return self._cards[entry_id]

    def area_card(self, area_id: str) -> dict[str, Any]:
        """What lists show of an area: its first facet as "Facet ⎊ first sentence"."""
        if area_id not in self._area_cards:
            self._area_cards[area_id] = _area_card(self, area_id)
        return self._area_cards[area_id]


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
                problems.append(Problem(f"templates/{name}", exc.lineno or 1,
                                        f"template syntax error: {exc.message}", "template"))
    return problems


def render_job(renderer: Renderer, job: Job) -> Rendered:
    """Produce one output file, or confirm that the previous build's file still holds."""
    view = VIEWS[job.kind](renderer, job)
    digest = _digest(renderer.salt, view)
    if renderer.previous.get(view.path) == digest:
        return Rendered(view.path, digest, None)
    if view.template is None:
        data = json.dumps(view.context["json"], ensure_ascii=False, separators=(",", ":"))
    else:
        names = [view.template] if isinstance(view.template, str) else list(view.template)
        data = renderer.env.select_template(names).render(view.context)
    return Rendered(view.path, digest, data.encode("utf-8"))


def _digest(salt: str, view: View) -> str:
    # version 0 writes no back-references, so equal views always give equal bytes
    payload = marshal.dumps((view.path, view.template, view.context), 0)
    return hashlib.blake2b(payload, digest_size=20, key=salt.encode()[:64]).hexdigest()


# ----------------------------------------------------------------- cards

def _date(moment: Any) -> str:
    return moment.isoformat(timespec="seconds")


def _image(renderer: Renderer, image: Image | None, title: str) -> dict[str, Any] | None:
    if image is None:
        return None
    remote = urls.is_remote(image.src)
    return {
        "src": image.src if remote else renderer.href(image.src),
        "url": image.src if remote else renderer.url(image.src),
        "width": image.width,
        "height": image.height,
        "alt": image.caption or title,
        "caption": image.caption,
    }


def _author(author: Author) -> dict[str, Any]:
    return {"name": author.name, "url": author.url}


def _entry_card(renderer: Renderer, page: Any) -> dict[str, Any]:
    sep = renderer.config.title_separator
    label = urls.LABELS[page.kind]
    path = urls.page_path(page.kind, page.slug)
    return {
        "id": page.id,
        "kind": page.kind,
        "kind_label": label,
        "title": page.title,
        "headline": f"{page.title}{sep}{label}",
        "summary": page.summary,
        "meaning": f"Meaning{sep}{page.summary}{sep}{label}",
        "href": renderer.href(path),
        "url": renderer.url(path),
        "published": _date(page.published),
        "modified": _date(page.modified),
        "published_day": page.published.date().isoformat(),
        "modified_day": page.modified.date().isoformat(),
        "image": _image(renderer, page.image, page.title),
        "author": _author(page.author or renderer.config.site_author),
        "aliases": list(page.aliases),
    }


def _area_card(renderer: Renderer, area_id: str) -> dict[str, Any]:
    area = renderer.graph.pages[area_id]
    path = urls.page_path(area.kind, area.slug)
    first = area.facets[0]
    sentence = first_sentence(renderer.graph.area_sections[area_id][1].text)
    return {
        "id": area_id,
        "title": area.title,
        "href": renderer.href(path),
        "url": renderer.url(path),
        "facet": first.name,
        "sentence": sentence,
        "teaser": f"{first.name}{renderer.config.title_separator}{sentence}",
        "count": len(renderer.graph.members.get(area_id, ())),
        "image": _image(renderer, area.image, area.title),
        "published": _date(area.published),
        "modified": _date(area.modified),
    }


# ----------------------------------------------------------------- pages

def _site(renderer: Renderer) -> dict[str, Any]:
    config = renderer.config
    return {
        "name": config.name,
        "language": config.language,
        "description": config.description,
        "separator": config.title_separator,
        "home": renderer.href(""),
        "assets": renderer.href(urls.ASSETS),
        "feed": renderer.href(urls.FEED),
        "search_index": renderer.href(urls.SEARCH_INDEX),
        "nav": [{"label": urls.PLURALS[k], "href": renderer.href(urls.index_path(k))}
                for k in urls.KINDS],
    }


def _page(renderer: Renderer, job: Job, *, title: str, description: str, path: str,
          trail: list[tuple[str, str]], blocks: list[dict[str, Any]],
          extra: dict[str, Any], template: str, image: dict[str, Any] | None = None,
          alternates: tuple[dict[str, str], ...] = ()) -> View:
    return View(job_path(renderer.graph, job), template, {
        "site": _site(renderer),
        "page": {
            "title": title,
            "description": description,
            "canonical": renderer.url(path),
            "image": image["url"] if image else None,
            "kind": job.kind,
            "prev": extra.get("pager", {}).get("prev"),
            "next": extra.get("pager", {}).get("next"),
            "alternates": list(alternates),
        },
        "breadcrumbs": [{"name": name, "href": renderer.href(p)} for name, p in trail],
        "jsonld": [jsonld.dumps(block) for block in blocks],
        **extra,
    })


def _common_blocks(renderer: Renderer, trail: list[tuple[str, str]]) -> list[dict[str, Any]]:
    config = renderer.config
    return [
        jsonld.breadcrumbs([(name, renderer.url(p)) for name, p in trail]),
        jsonld.website(config.name, config.base_url, config.language),
    ]


def entry_view(renderer: Renderer, job: Job) -> View:
    """A term or definition page."""
    graph = renderer.graph
    page = graph.pages[job.key]
    card = renderer.card(page.id)
    sep = renderer.config.title_separator
    path = urls.page_path(page.kind, page.slug)
    trail = [("Home", ""), (card["kind_label"], urls.index_path(page.kind)), (page.title, path)]
    glossary = [renderer.area_card(a) for a in graph.glossary.get(page.id, ())]
    backlinks = [renderer.card(b) for b in graph.backlinks.get(page.id, ())
                 if graph.pages[b].kind != urls.AREA]
    set_path = urls.index_path(page.kind)
    blocks = [
        *_common_blocks(renderer, trail),
        jsonld.article(card, renderer.config.name),
        jsonld.mentions(card["url"], glossary),
        jsonld.defined_term(card, renderer.url(set_path),
                            f"{renderer.config.name} {urls.PLURALS[page.kind]}"),
    ]
    entry = {
        **card,
        "index_href": renderer.href(set_path),
        "body_html": graph.bodies[page.id].html,
        "related": [renderer.card(r) for r in graph.related.get(page.id, ())
                    if graph.pages[r].kind != urls.AREA],
        "glossary": glossary,
        "discover": [renderer.card(d) for d in
                     discover_more(graph, page.id, renderer.config.discover_more)],
        "backlinks": backlinks,
    }
    return _page(renderer, job, title=f"{page.title}{sep}{card['kind_label']}",
                 description=page.summary, path=path, trail=trail, blocks=blocks,
                 extra={"entry": entry}, template=(f"{page.kind}.html", "entry.html"),
                 image=card["image"])


def area_view(renderer: Renderer, job: Job) -> View:
    """An area page (number 0, every entry) or one of its resource pages."""
    graph, config = renderer.graph, renderer.config
    area = graph.pages[job.key]
    sep = config.title_separator
    members = graph.members.get(area.id, ())
    pages = resource_pages(graph, area.id)
    n = job.number
    listed = members if n == 0 else members[(n - 1) * config.per_page: n * config.per_page]
    cards = [renderer.card(m) for m in listed]
    area_path = urls.page_path(area.kind, area.slug)
    path = area_path if n == 0 else urls.resource_path(area.slug, n)
    trail = [("Home", ""), ("Area", urls.index_path(urls.AREA)), (area.title, area_path)]
    if n:
        trail.append((f"Resource {n}", path))
    title = f"{area.title}{sep}Area{sep}" + (f"Resource {n}" if n else config.name)
    sections = graph.area_sections[area.id]
    facets = [{"name": f.name, "question": config.faq(f.name, area.title),
               "anchor": urls.slugify(f.name), "html": part.html, "text": part.text}
              for f, part in zip(area.facets, sections[1:], strict=True)]
    summary = renderer.area_card(area.id)
    image = _image(renderer, area.image, area.title) or (cards[0]["image"] if cards else None)
    blocks = [
        *_common_blocks(renderer, trail),
        jsonld.faq([(f["question"], f["text"]) for f in facets]),
        jsonld.collection(title, summary["teaser"], renderer.url(path), config.name, cards, image),
    ]
    feed = {"type": "application/atom+xml", "title": f"{area.title}{sep}{config.name}",
            "href": renderer.href(urls.area_feed_path(area.slug))}
    extra = {"area": {
        "title": area.title,
        "image": _image(renderer, area.image, area.title),
        "intro_html": sections[0].html,
        "facets": facets,
        "entries": cards,
        "total": len(members),
        "number": n,
        "pages": pages,
    }, "pager": _pager(renderer, area.slug, n, pages)}
    return _page(renderer, job, title=title, description=summary["teaser"], path=path,
                 trail=trail, blocks=blocks, extra=extra, template="area.html", image=image,
                 alternates=(feed,))


def _pager(renderer: Renderer, slug: str, number: int, pages: int) -> dict[str, Any]:
    if not pages:
        return {}

    def href(n: int) -> str:
        return renderer.href(urls.resource_path(slug, n))

    return {
        "pages": [{"number": n, "href": href(n), "current": n == number}
                  for n in range(1, pages + 1)],
        "prev": href(number - 1) if number > 1 else None,
        "next": href(number + 1) if 0 < number < pages else None,
        "all": renderer.href(urls.page_path(urls.AREA, slug)),
    }


def index_view(renderer: Renderer, job: Job) -> View:
    """The A-Z index of one kind, grouped by first letter."""
    graph, config = renderer.graph, renderer.config
    kind = job.key
    plural = urls.PLURALS[kind]
    path = urls.index_path(kind)
    if kind == urls.AREA:
        items = [renderer.area_card(a.id) for a in graph.areas]
    else:
        items = [renderer.card(e.id) for e in graph.entries if e.kind == kind]
    items.sort(key=lambda c: (_sort_title(c["title"]), c["id"]))
    trail = [("Home", ""), (urls.LABELS[kind], path)]
    blocks = _common_blocks(renderer, trail)
    if kind != urls.AREA:
        blocks.append(jsonld.defined_term_set(renderer.url(path), f"{config.name} {plural}",
                                              items))
    return _page(renderer, job, title=f"{plural}{config.title_separator}{config.name}",
                 description=f"All {len(items)} {plural.lower()} of {config.name}, A to Z.",
                 path=path, trail=trail, blocks=blocks, template="index.html",
                 extra={"index": {"kind": kind, "label": plural, "count": len(items),
                                  "letters": _letters(items)}})


def _sort_title(title: str) -> str:
    return unicodedata.normalize("NFKD", title).casefold()


def _letter(title: str) -> str:
    first = unicodedata.normalize("NFKD", title.strip()[:1] or "#")[:1].upper()
    return first if first.isalpha() else "#"


def _letters(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        groups.setdefault(_letter(item["title"]), []).append(item)
    order = sorted(groups, key=lambda g: (g == "#", not g.isascii(), g))
    return [{"letter": g, "anchor": "letter-" + ("0" if g == "#" else urls.slugify(g)),
             "members": groups[g]} for g in order]


def home_view(renderer: Renderer, job: Job) -> View:
    """The home page: the indexes, the biggest areas, the newest entries, search."""
    graph, config = renderer.graph, renderer.config
    counts = {urls.AREA: len(graph.areas),
              urls.TERM: sum(1 for e in graph.entries if e.kind == urls.TERM),
              urls.DEFINITION: sum(1 for e in graph.entries if e.kind == urls.DEFINITION)}
    areas = sorted(graph.areas, key=lambda a: (-len(graph.members.get(a.id, ())), a.id))
    latest = sorted(graph.entries, key=newest_first)[:HOME_LISTS]
    trail = [("Home", "")]
    home = {
        "indexes": [{"label": urls.PLURALS[k], "href": renderer.href(urls.index_path(k)),
                     "count": counts[k]} for k in urls.KINDS],
        "areas": [renderer.area_card(a.id) for a in areas[:HOME_LISTS]],
        "latest": [renderer.card(e.id) for e in latest],
    }
    description = config.description or f"{config.name}: a glossary of {counts[urls.TERM]} " \
        f"terms and {counts[urls.DEFINITION]} definitions in {counts[urls.AREA]} areas."
    return _page(renderer, job, title=config.name, description=description, path="",
                 trail=trail, blocks=_common_blocks(renderer, trail), template="home.html",
                 extra={"home": home})


def not_found_view(renderer: Renderer, job: Job) -> View:
    """The 404 page static hosts serve for unknown paths."""
    config = renderer.config
    trail = [("Home", "")]
    return _page(renderer, job, title=f"Page not found{config.title_separator}{config.name}",
                 description="This page does not exist.", path=urls.NOT_FOUND, trail=trail,
                 blocks=_common_blocks(renderer, trail), template="404.html", extra={})


def _newest_modified(graph: SiteGraph, ids: Any, limit: int) -> list[str]:
    pages = [graph.pages[i] for i in ids]
    pages.sort(key=lambda p: (-p.modified.timestamp(), p.id))
    return [p.id for p in pages[:limit]]


def feed_view(renderer: Renderer, job: Job) -> View:
    """The site's Atom feed: the most recently modified entries."""
    graph, config = renderer.graph, renderer.config
    ids = _newest_modified(graph, (e.id for e in graph.entries), config.feed_items)
    return _feed(renderer, job, config.name, "", urls.FEED, ids)


def area_feed_view(renderer: Renderer, job: Job) -> View:
    """An area's Atom feed."""
    graph, config = renderer.graph, renderer.config
    area = graph.pages[job.key]
    ids = _newest_modified(graph, graph.members.get(area.id, ()), config.feed_items)
    return _feed(renderer, job, f"{area.title}{config.title_separator}{config.name}",
                 urls.page_path(area.kind, area.slug), urls.area_feed_path(area.slug), ids)


def _feed(renderer: Renderer, job: Job, title: str, page_path: str, feed_path: str,
          ids: list[str]) -> View:
    pages = renderer.graph.pages
    newest = max((pages[i].modified for i in ids), default=None) or max(
        (p.modified for p in pages.values()), default=_EPOCH)
    return View(job_path(renderer.graph, job), "feed.xml", {
        "feed": {"title": title, "id": renderer.url(page_path), "link": renderer.url(page_path),
                 "self": renderer.url(feed_path), "updated": _date(newest),
                 "author": renderer.config.site_author.name},
        "items": [renderer.card(i) for i in ids],
    })


def _sitemap_urls(graph: SiteGraph) -> list[tuple[str, str]]:
    def lastmod(page: Page) -> str:
        return _date(page.modified)

    newest = max((p.modified for p in graph.pages.values()), default=None)
    stamp = _date(newest) if newest else ""
    found = [("", stamp)] + [(urls.index_path(k), stamp) for k in urls.KINDS]
    for area in graph.areas:
        members = graph.members.get(area.id, ())
        modified = max([area.modified, *(graph.pages[m].modified for m in members)])
        found.append((urls.page_path(area.kind, area.slug), _date(modified)))
        for n in range(1, resource_pages(graph, area.id) + 1):
            found.append((urls.resource_path(area.slug, n), _date(modified)))
    found += [(urls.page_path(e.kind, e.slug), lastmod(e)) for e in graph.entries]
    return found


def sitemap_view(renderer: Renderer, job: Job) -> View:
    """sitemap.xml, split into an index and parts past 50,000 URLs."""
    entries = [(renderer.url(p), m) for p, m in _sitemap_urls(renderer.graph)]
    parts = sitemap_files(renderer.graph)
    if parts == 1:
        context = {"urls": entries, "sitemaps": []}
    elif job.number == 0:
        context = {"urls": [], "sitemaps": [renderer.url(f"sitemap-{n}.xml")
                                            for n in range(1, parts)]}
    else:
        start = (job.number - 1) * SITEMAP_LIMIT
        context = {"urls": entries[start: start + SITEMAP_LIMIT], "sitemaps": []}
    return View(job_path(renderer.graph, job), "sitemap.xml", context)


def robots_view(renderer: Renderer, job: Job) -> View:
    """robots.txt pointing crawlers at the sitemap."""
    return View(urls.ROBOTS, "robots.txt", {"sitemap": renderer.url(urls.SITEMAP)})


def search_view(renderer: Renderer, job: Job) -> View:
    """The search index: one record per page, read by the theme's search script."""
    graph = renderer.graph
    records = []
    for area in graph.areas:
        card = renderer.area_card(area.id)
        records.append({"id": area.id, "t": area.title, "u": card["href"], "k": "Area",
                        "s": card["teaser"], "a": list(area.aliases)})
    for entry in graph.entries:
        card = renderer.card(entry.id)
        records.append({"id": entry.id, "t": entry.title, "u": card["href"],
                        "k": card["kind_label"], "s": entry.summary, "a": list(entry.aliases)})
    return View(urls.SEARCH_INDEX, None, {"json": records})


VIEWS = {
    "entry": entry_view,
    "area": area_view,
    "resource": area_view,
    "index": index_view,
    "home": home_view,
    "not_found": not_found_view,
    "feed": feed_view,
    "area_feed": area_feed_view,
    "sitemap": sitemap_view,
    "robots": robots_view,
    "search": search_view,
}

"""Stage 1, load: a scanned site (scan.py) -> LoadedSite, with every problem collected.

Only scan and load read the site folder (and write, for copying files). Parsed pages
are memoised by the hash of their bytes, so a warm build only parses what changed.

Its length (about 450 lines) is one idea, a page's way from bytes to a frozen `Page`,
plus the cache record of it: the encoder and decoder must stay next to each other.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from glossary_site import urls
from glossary_site.errors import Problem
from glossary_site.load.frontmatter import ParseFailure, YamlMapping, decode, parse_mapping, split
from glossary_site.load.git import file_dates
from glossary_site.load.scan import SITE_FILE, PageSource, Scan, SourceFile, Theme, read_file
from glossary_site.load.validate import flat_lines, validate_meta
from glossary_site.markdown import body as markdown
from glossary_site.memo import kept_while_equal
from glossary_site.model import (
    MAX_DIMENSION,
    Area,
    AreaMeta,
    Author,
    Entry,
    EntryMeta,
    Facet,
    Image,
    Page,
    Ref,
    SiteConfig,
    author_of,
    image_of,
    normalize_base_url,
)

# refs carry their own lines; the cache keeps only the lines errors may still point at
_LIST_ITEM = re.compile(r"(areas|related)\.\d+$")


@dataclass(frozen=True, slots=True)
class LoadOptions:
    """Choices that change what is loaded."""

    drafts: bool = False
    base_url: str | None = None
    source_date_epoch: int | None = None  # SOURCE_DATE_EPOCH, when set


@dataclass(frozen=True, slots=True)
class LoadedSite:
    """Everything the later stages need, read once."""

    root: str
    config: SiteConfig
    areas: tuple[Area, ...]
    entries: tuple[Entry, ...]
    drafts: tuple[Page, ...]
    static: tuple[SourceFile, ...]
    theme: Theme
    image_sizes: dict[str, tuple[int, int]] = field(default_factory=dict)
    broken: tuple[str, ...] = ()  # ids of pages whose files have errors: not dangling refs
    texts: Mapping[str, str] = field(default_factory=dict)  # page id -> Markdown body
    shallow: bool = False  # a shallow git clone: first-commit dates may be wrong


class PageTexts(Mapping[str, str]):
    """Page bodies by page id, read on first use: a warm build only reads the bodies it has
    to render again, from the file (unchanged files were not even read by the scan).
    Lines a page does not show (a lead taken as its summary, `<!--more-->`) come back
    blank, so every other line keeps its number."""

    def __init__(self, sources: Iterable[PageSource], hidden: Mapping[str, tuple[int, ...]]):
        self._sources = {_page_id(s): s for s in sources}
        self._hidden = hidden

    def replaced(self, sources: Iterable[PageSource]) -> PageTexts:
        """The same texts with these pages' files read again."""
        texts = PageTexts((), self._hidden)
        texts._sources = {**self._sources, **{_page_id(s): s for s in sources}}
        return texts

    def __getitem__(self, page_id: str) -> str:
        source = self._sources[page_id]
        raw = source.raw if source.raw is not None else read_file(source.path)
        body = split(decode(raw)).body
        hidden = self._hidden.get(page_id)
        if not hidden:
            return body
        lines = body.split("\n")
        for n in hidden:
            lines[n] = ""
        return "\n".join(lines)

    def __iter__(self) -> Iterator[str]:
        return iter(self._sources)

    def __len__(self) -> int:
        return len(self._sources)


def _page_id(source: PageSource) -> str:
    return f"{source.kind}/{urls.file_slug(source.rel)}"


@dataclass(frozen=True, slots=True)
class LoadResult:
    """The loaded site (None when nothing usable could be read) and every problem."""

    site: LoadedSite | None
    problems: tuple[Problem, ...]


def load_site(
    scan: Scan,
    options: LoadOptions,
    memo: MutableMapping[str, Any] | None = None,
    decoded: MutableMapping[str, Any] | None = None,
) -> LoadResult:
    """Parse a scanned site into typed pages; every problem is collected.

    `decoded` (optional) keeps the frozen pages made from `memo`'s records under the same
    keys, for a process that loads the site again and again (`glossary serve`)."""
    problems: list[Problem] = list(scan.problems)
    config = _load_config(Path(scan.root), scan.config_raw, options, problems)
    broken: list[str] = []
    memo = memo if memo is not None else {}
    pages = _parse_sources(scan.sources, memo, problems, broken, decoded)
    if config is None:
        return LoadResult(None, tuple(problems))
    pages = _dated(pages, scan, config, memo if memo is not None else {})
    problems += _shallow_warning(scan, pages)
    static_paths = {item.path: item for item in scan.static}
    sizes = _image_sizes(pages, static_paths)
    pages = [_check_image(page, static_paths, sizes, problems) for page in pages]
    _check_logo(config.logo, scan.config_raw, static_paths, problems)
    kept = [p for p in pages if options.drafts or not p.draft]
    site = LoadedSite(
        root=scan.root,
        config=config,
        areas=tuple(p for p in kept if isinstance(p, Area)),
        entries=tuple(p for p in kept if isinstance(p, Entry)),
        drafts=tuple(p for p in pages if p.draft and not options.drafts),
        static=scan.static,
        theme=scan.theme,
        image_sizes=sizes,
        broken=tuple(sorted(broken)),
        texts=PageTexts(
            scan.sources, {p.id: p.hidden for p in pages if isinstance(p, Entry) and p.hidden}
        ),
        shallow=scan.git is not None and scan.git.shallow,
    )
    return LoadResult(site, tuple(problems))


# ---------------------------------------------------------------- site.yaml


def site_config(scan: Scan, options: LoadOptions) -> SiteConfig | None:
    """The site's settings alone, without its pages; None when they have a problem."""
    return _load_config(Path(scan.root), scan.config_raw, options, [])


def _load_config(
    root: Path, raw: bytes | None, options: LoadOptions, problems: list[Problem]
) -> SiteConfig | None:
    if not (root / "content").is_dir():
        problems.append(Problem("content", 1, f"no content/ folder in {root}", "missing-content"))
        return None
    if raw is None:
        problems.append(
            Problem(
                SITE_FILE,
                1,
                "missing site settings: create it with at least 'name' and 'base_url'",
                "missing-config",
            )
        )
        return None
    try:
        mapping = parse_mapping(decode(raw), 1)
    except ParseFailure as failure:
        problems.append(Problem(SITE_FILE, failure.line, failure.message, "parse"))
        return None
    data = dict(mapping.data)
    if options.base_url:
        data["base_url"] = normalize_base_url(options.base_url)
    result = validate_meta(SiteConfig, YamlMapping(data, mapping.lines), SITE_FILE)
    if isinstance(result, list):
        problems += result
        return None
    if options.source_date_epoch is None:
        return result
    return result.with_source_date(datetime.fromtimestamp(options.source_date_epoch, UTC))


# -------------------------------------------------------------------- pages


def _parse_sources(
    sources: tuple[PageSource, ...],
    memo: MutableMapping[str, Any],
    problems: list[Problem],
    broken: list[str],
    decoded: MutableMapping[str, Any] | None = None,
) -> list[Page]:
    pages = []
    for source in sources:
        key = source.digest + source.rel
        result = decoded.get(key) if decoded is not None else None
        if result is not None:
            memo.get(key)  # still used: the memo keeps it for the next build
        else:
            result = _cached_page(source, memo)
            if decoded is not None:
                decoded[key] = result
        if isinstance(result, list):
            problems += result
            broken.append(_page_id(source))
        else:
            pages.append(result)
    return _without_clashes(pages, problems)


def _cached_page(source: PageSource, memo: MutableMapping[str, Any]) -> Page | list[Problem]:
    key = source.digest + source.rel
    record = memo.get(key)
    if record is not None:
        return _from_record(record, key)
    raw = source.raw if source.raw is not None else read_file(source.path)
    result = parse_page(source.kind, source.rel, raw, key)
    memo[key] = _to_record(result)
    return result


# The memo holds builtin tuples: marshal-able and fast to read back. Bodies are left out:
# they are read from the file when (and only if) they have to be rendered again.


def _to_record(result: Page | list[Problem]) -> tuple[Any, ...]:
    if isinstance(result, list):
        return (
            "problems",
            [(p.path, p.line, p.message, p.code, p.severity, p.suggestions) for p in result],
        )
    image = result.image
    common = (
        result.kind,
        result.slug,
        result.path,
        result.title,
        None if result.published is None else result.published.isoformat(),
        None if result.modified is None else result.modified.isoformat(),
        result.aliases,
        None if image is None else (image.src, image.width, image.height, image.caption),
        result.draft,
        result.auto_link,
        result.extra,
        result.auto_link_target,
        result.auto_link_max,
        result.body_line,
        {k: v for k, v in result.lines.items() if not _LIST_ITEM.match(k)},
        result.redirect_from,
    )
    if isinstance(result, Area):
        facets = tuple((f.name, f.markdown, f.line) for f in result.facets)
        return ("area", common, (result.intro, facets))
    assert isinstance(result, Entry)
    author = None if result.author is None else (result.author.name, result.author.url)
    return (
        "entry",
        common,
        (
            result.summary,
            tuple((r.text, r.line) for r in result.areas),
            tuple((r.text, r.line) for r in result.related),
            author,
            result.summary_markdown,
            result.summary_line,
            result.hidden,
        ),
    )


def _from_record(record: tuple[Any, ...], digest: str) -> Page | list[Problem]:
    if record[0] == "problems":
        return [Problem.from_fields(fields) for fields in record[1]]
    kind_of_record, common, extra = record
    (
        kind,
        slug,
        path,
        title,
        published,
        modified,
        aliases,
        image,
        draft,
        auto_link,
        extra_fields,
        auto_link_target,
        auto_link_max,
        body_line,
        lines,
        redirect_from,
    ) = common
    fields = {
        "kind": kind,
        "slug": slug,
        "path": path,
        "title": title,
        "published": None if published is None else datetime.fromisoformat(published),
        "modified": None if modified is None else datetime.fromisoformat(modified),
        "aliases": tuple(aliases),
        "image": None if image is None else Image(*image),
        "draft": draft,
        "auto_link": auto_link,
        "extra": extra_fields,
        "redirect_from": tuple(redirect_from),
        "auto_link_target": auto_link_target,
        "auto_link_max": auto_link_max,
        "body_line": body_line,
        "lines": lines,
        "digest": digest,
    }
    if kind_of_record == "area":
        intro, facets = extra
        return Area(**fields, intro=intro, facets=tuple(Facet(*f) for f in facets))
    summary, areas, related, author, summary_markdown, summary_line, hidden = extra
    return Entry(
        **fields,
        summary=summary,
        areas=tuple(Ref(*r) for r in areas),
        related=tuple(Ref(*r) for r in related),
        author=None if author is None else Author(*author),
        summary_markdown=summary_markdown,
        summary_line=summary_line,
        hidden=tuple(hidden),
    )


def parse_page(kind: str, rel: str, raw: bytes, digest: str = "") -> Page | list[Problem]:
    """One page file -> an Area or Entry, or the problems that prevent it."""
    try:
        text = decode(raw)
        parts = split(text)
        mapping = parse_mapping(parts.front, parts.front_line)
    except ParseFailure as failure:
        return [Problem(rel, failure.line, failure.message, "parse")]
    slug = urls.file_slug(rel)
    problems = []
    slug_problem = urls.slug_problem(slug)
    if slug_problem:
        problems.append(Problem(rel, 1, slug_problem, "bad-slug"))
    meta_model = AreaMeta if kind == urls.AREA else EntryMeta
    meta = validate_meta(meta_model, mapping, rel)
    if isinstance(meta, list):
        return problems + meta
    common = _common_fields(kind, slug, rel, meta, parts.body_line, mapping)
    common["digest"] = digest
    if isinstance(meta, EntryMeta):
        entry = _entry(meta, common, mapping, parts.body, rel, problems)
        if entry is None:
            return problems
        page: Page = entry
    else:
        area = _area(common, parts.body, rel, problems)
        if area is None:
            return problems
        page = area
    return problems or page


def _common_fields(
    kind: str, slug: str, rel: str, meta: Any, body_line: int, mapping: YamlMapping
) -> dict[str, Any]:
    return {
        "kind": kind,
        "slug": slug,
        "path": rel,
        "title": meta.title,
        "published": meta.published,
        "modified": meta.modified or meta.published,
        "aliases": meta.aliases,
        "image": image_of(meta.image),
        "draft": meta.draft,
        "auto_link": meta.auto_link,
        "extra": meta.extra,
        "redirect_from": tuple(urls.redirect_id(kind, old) for old in meta.redirect_from),
        "auto_link_target": meta.auto_link_target,
        "auto_link_max": meta.auto_link_max,
        "body_line": body_line,
        "lines": flat_lines(mapping),
    }


def _entry(
    meta: EntryMeta,
    common: dict[str, Any],
    mapping: YamlMapping,
    body: str,
    rel: str,
    problems: list[Problem],
) -> Entry | None:
    def refs(key: str, values: tuple[str, ...]) -> tuple[Ref, ...]:
        return tuple(Ref(text=v, line=mapping.line((key, i), 1)) for i, v in enumerate(values))

    if meta.summary is not None:
        written, line, hidden = (
            meta.summary,
            mapping.line(("summary",), 1),
            markdown.more_lines(body),
        )
    else:
        lead = markdown.lead(body)
        if lead is None:
            problems.append(
                Problem(
                    rel,
                    1,
                    "missing 'summary': write one, or begin the body with a paragraph "
                    "(or text before <!--more-->)",
                    "missing-field",
                )
            )
            return None
        written, line, hidden = lead.markdown, common["body_line"] + lead.line, lead.hidden
    return Entry(
        **common,
        summary=markdown.inline_plain(written),
        areas=refs("areas", meta.areas),
        related=refs("related", meta.related),
        author=author_of(meta.author),
        summary_markdown=written,
        summary_line=line,
        hidden=hidden,
    )


def _area(common: dict[str, Any], body: str, rel: str, problems: list[Problem]) -> Area | None:
    body_line: int = common["body_line"]
    lines = body.split("\n")
    sections = markdown.h2_sections(body)
    if not sections:
        problems.append(
            Problem(
                rel,
                body_line,
                "an area needs '## Facet' sections: each facet becomes a question on the area page",
                "no-facets",
            )
        )
        return None
    facets, seen = [], {}
    for name, start, end in sections:
        line = body_line + start - 1
        text = "\n".join(lines[start:end])
        if not name:
            problems.append(Problem(rel, line, "facet heading is empty", "bad-facet"))
        elif name.casefold() in seen:
            problems.append(
                Problem(
                    rel,
                    line,
                    f"facet '{name}' appears twice (first at line {seen[name.casefold()]})",
                    "bad-facet",
                )
            )
        elif not text.strip():
            problems.append(Problem(rel, line, f"facet '{name}' has no text", "bad-facet"))
        else:
            seen[name.casefold()] = line
            facets.append(Facet(name=name, markdown=text, line=body_line + start))
    if problems:
        return None
    intro = "\n".join(lines[: sections[0][1] - 1]).strip()
    return Area(**common, intro=intro, facets=tuple(facets))


def _without_clashes(pages: list[Page], problems: list[Problem]) -> list[Page]:
    """Drop pages whose URL collides with an earlier one, even if only by letter case (of
    the slug or of a folder on its way), and nested pages where generated pages go.

    Which pages are kept, in which order, and the problems depend on each page's file,
    kind and slug alone: a process that builds again (glossary serve) keeps the last
    answer while those are equal (a retitle), and picks the pages of this build by file."""
    facts = [(page.path, page.kind, page.slug) for page in pages]
    kept_paths, found = kept_while_equal(_CLASHES, (facts,), lambda: _clash_free(pages))
    problems += found
    by_path = {page.path: page for page in pages}
    return [by_path[path] for path in kept_paths]


_CLASHES: list[Any] = []  # kept_while_equal's memo of the last pages' answer


def _clash_free(pages: list[Page]) -> tuple[list[str], list[Problem]]:
    """The files of the pages kept, in order, and the problems of those dropped."""
    problems: list[Problem] = []
    kept = _kept_apart(pages, problems)
    return [page.path for page in kept], problems


def _kept_apart(pages: list[Page], problems: list[Problem]) -> list[Page]:
    seen: dict[tuple[str, str], Page] = {}
    spelled: dict[tuple[str, str], tuple[str, Page]] = {}  # folder or slug, as first written
    kept = []
    for page in sorted(pages, key=lambda p: p.path):
        problem = _clash(page, seen.get((page.kind, page.slug.casefold())), spelled)
        if problem:
            problems.append(Problem(page.path, 1, problem, "duplicate-slug"))
            continue
        seen[(page.kind, page.slug.casefold())] = page
        for prefix in _prefixes(page.slug):
            spelled.setdefault((page.kind, prefix.casefold()), (prefix, page))
        kept.append(page)
    return _outside_generated(kept, problems)


def _prefixes(slug: str) -> list[str]:
    """`a/b/c` -> `a`, `a/b`, `a/b/c`: the folders on a nested page's way, and its slug."""
    parts = slug.split("/")
    return ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]


def _clash(
    page: Page, first: Page | None, spelled: Mapping[tuple[str, str], tuple[str, Page]]
) -> str | None:
    """Why `page` cannot have its URL next to the pages before it, or None."""
    if first is not None and first.slug == page.slug:
        if _is_folder_page(page) or _is_folder_page(first):
            return (
                f"the folder '{page.slug}' has its own page twice: here and in {first.path} "
                f"(a folder's page is {page.slug.rsplit('/', 1)[-1]}.md beside the folder or "
                "index.md inside it); keep one"
            )
        return f"maps to the same URL /{page.kind}/{page.slug}/ as {first.path}"
    if first is not None:
        return (
            f"slug '{page.slug}' differs from {first.path} only by letter case; the two "
            "collide on case-insensitive hosts"
        )
    for prefix in _prefixes(page.slug):
        written, other = spelled.get((page.kind, prefix.casefold()), (prefix, page))
        if written != prefix:
            return (
                f"folder '{prefix}' differs from '{written}' of {other.path} only by letter "
                "case; the two collide on case-insensitive hosts"
            )
    return None


def _is_folder_page(page: Page) -> bool:
    stem = page.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return page.path.count("/") > 2 and stem in urls.FOLDER_PAGES


# the pages the build generates below a page, by the kind of that page
_GENERATED_BELOW = {
    urls.TERM: ("links", '"What links here" pages'),
    urls.DEFINITION: ("links", '"What links here" pages'),
    urls.AREA: ("resource", "resource pages"),
}


def _outside_generated(pages: list[Page], problems: list[Problem]) -> list[Page]:
    """Drop nested pages at a URL the build keeps for a page above them: /term/x/links/...
    ("What links here") and /area/x/resource/... (an area's entry list), whether or not
    the page above has enough entries for them today, so adding a link never breaks a build."""
    ids = {page.id for page in pages}
    paths = {page.id: page.path for page in pages}
    kept = []
    for page in pages:
        name, what = _GENERATED_BELOW[page.kind]
        parts = page.slug.split("/")
        above = next(
            (
                "/".join(parts[:n])
                for n in range(1, len(parts))
                if parts[n] == name and f"{page.kind}/{'/'.join(parts[:n])}" in ids
            ),
            None,
        )
        if above is None:
            kept.append(page)
            continue
        owner = paths[f"{page.kind}/{above}"]
        problems.append(
            Problem(
                page.path,
                1,
                f"/{page.kind}/{page.slug}/ is where the {what} of {owner} go; "
                "rename the file or its folder",
                "output-collision",
            )
        )
    return kept


# -------------------------------------------------------------------- dates


def _dated(
    pages: list[Page], scan: Scan, config: SiteConfig, memo: MutableMapping[str, Any]
) -> list[Page]:
    """Dates in the site's time zone: a date written alone is midnight there, and a page
    without `published` takes its first and last commit dates from git (else undated).
    Pages whose dates change get a digest that says so: caches keyed on it follow."""
    zone = ZoneInfo(config.timezone)
    history = _history(scan, memo) if any(p.published is None for p in pages) else {}
    dated = []
    for page in pages:
        published, modified = page.published, page.modified
        if published is None and page.path in history:
            first, last = history[page.path]
            published = datetime.fromisoformat(first).astimezone(zone)
            modified = modified or datetime.fromisoformat(last).astimezone(zone)
        published, modified = _in_zone(published, zone), _in_zone(modified, zone)
        if (published, modified) == (page.published, page.modified):
            dated.append(page)
            continue
        stamp = f"|{published and published.isoformat()}|{modified and modified.isoformat()}"
        if page.published is None and published is not None:
            stamp += "|git"  # dated from history
        dated.append(
            dataclasses.replace(
                page, published=published, modified=modified, digest=page.digest + stamp
            )
        )
    return dated


def _shallow_warning(scan: Scan, pages: list[Page]) -> list[Problem]:
    """A shallow clone (CI's default) has lost the commits that first added old pages."""
    if scan.git is None or not scan.git.shallow:
        return []
    if not any(p.digest.endswith("|git") for p in pages):
        return []
    return [
        Problem(
            "content",
            1,
            "the git history is shallow, so pages without 'published' get the date of the "
            "oldest commit fetched, not of their first; fetch the full history "
            "(git fetch --unshallow, or fetch-depth: 0 in CI)",
            "shallow-git",
            "warning",
        )
    ]


def _in_zone(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    """A date written without a time (naive midnight) placed in the site's time zone, with
    a fixed offset: the output names the offset, not the zone."""
    if moment is None or moment.tzinfo is not None:
        return moment
    offset = moment.replace(tzinfo=zone).utcoffset()
    assert offset is not None
    return moment.replace(tzinfo=timezone(offset))


def _history(scan: Scan, memo: MutableMapping[str, Any]) -> dict[str, tuple[str, str]]:
    """First and last commit dates of every file, one `git log` per commit of the site."""
    if scan.git is None:
        return {}
    key = f"{scan.git.head}\0git\0{scan.git.shallow}"
    cached = memo.get(key)
    if cached is None:
        cached = memo[key] = file_dates(Path(scan.root))
    return cached


# ------------------------------------------------------------------- images


def _image_sizes(pages: list[Page], static: dict[str, SourceFile]) -> dict[str, tuple[int, int]]:
    wanted = sorted({p.image.src for p in pages if p.image and p.image.src in static})
    if not wanted:
        return {}
    sizes = {}
    for src in wanted:
        size = image_size(static[src].source)
        if size is not None:
            sizes[src] = size
    return sizes


def image_size(source: str) -> tuple[int, int] | None:
    """An image file's (width, height) from its header; None when it does not say."""
    import imagesize  # only sites with local images pay for importing it

    try:
        width, height = imagesize.get(source)
    except (OSError, ValueError):
        return None
    if _plausible(width) and _plausible(height):
        return int(width), int(height)
    return None


def _check_logo(
    logo: str | None,
    raw: bytes | None,
    static: dict[str, SourceFile],
    problems: list[Problem],
) -> None:
    if logo is None or urls.is_remote(logo) or logo in static:
        return
    lines = decode(raw or b"").splitlines()
    line = next((n for n, text in enumerate(lines, 1) if text.startswith("logo:")), 1)
    problems.append(
        Problem(SITE_FILE, line, f"logo 'static/{logo}' does not exist", "missing-image")
    )


def _plausible(size: float) -> bool:
    """A size read from a file that can be written as `width="..."`: an SVG may say
    `width="1e999"` (infinite), `nan`, or a fraction below one pixel; such a size is
    left unknown, as if the file had none."""
    return math.isfinite(size) and 1 <= size <= MAX_DIMENSION


def _check_image(
    page: Page,
    static: dict[str, SourceFile],
    sizes: dict[str, tuple[int, int]],
    problems: list[Problem],
) -> Page:
    image = page.image
    if image is None or urls.is_remote(image.src):
        return page
    if image.src not in static:
        problems.append(
            Problem(
                page.path,
                page.line_of("image.src"),
                f"image 'static/{image.src}' does not exist",
                "missing-image",
            )
        )
        return page
    if (image.width and image.height) or image.src not in sizes:
        return page
    width, height = sizes[image.src]
    filled = dataclasses.replace(image, width=image.width or width, height=image.height or height)
    return dataclasses.replace(page, image=filled)


# ------------------------------------------------------------ an edit of text


def text_edited(
    site: LoadedSite,
    scan: Scan,
    sources: Iterable[PageSource],
    memo: MutableMapping[str, Any],
    decoded: MutableMapping[str, Any] | None = None,
) -> tuple[LoadedSite, tuple[str, ...]] | None:
    """The site after edits to the text (the body) of some terms and definitions: `sources`
    are their files read again, `scan` the scan that holds them. With the ids of the pages
    whose files changed; None when a file now gives anything but the page it gave, text
    aside (its front matter, a summary taken from the body, a problem): then the site is
    loaded whole.

    `site` is the site loaded from the scan before these edits."""
    sources = list(sources)
    at = {entry.path: n for n, entry in enumerate(site.entries)}
    entries = list(site.entries)
    static = {item.path: item for item in scan.static}
    changed = []
    for source in sources:
        if source.rel not in at:
            return None
        old = entries[at[source.rel]]
        parsed = _decoded_page(source, memo, decoded if decoded is not None else {})
        if isinstance(parsed, list):
            return None
        problems: list[Problem] = []
        page = _dated([parsed], scan, site.config, memo)[0]
        page = _check_image(page, static, site.image_sizes, problems)
        # compared as the cache keeps pages: a page made from its cache record has no
        # lines of list items (`_to_record`), a page parsed now does
        if problems or _to_record(page) != _to_record(old):
            return None
        if page.digest != old.digest:
            entries[at[source.rel]] = page
            changed.append(page.id)
    if isinstance(site.texts, PageTexts):  # the same lines hidden: the pages are the same
        texts = site.texts.replaced(sources)
    else:
        texts = PageTexts(scan.sources, {e.id: e.hidden for e in site.entries if e.hidden})
    return dataclasses.replace(site, entries=tuple(entries), texts=texts), tuple(changed)


def _decoded_page(
    source: PageSource, memo: MutableMapping[str, Any], decoded: MutableMapping[str, Any]
) -> Page | list[Problem]:
    """A page as `_parse_sources` makes it, kept in `decoded` for the next load."""
    key = source.digest + source.rel
    if key not in decoded:
        decoded[key] = _cached_page(source, memo)
    return decoded[key]

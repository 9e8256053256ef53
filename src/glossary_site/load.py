"""Stage 1, load: the site folder -> LoadedSite, with every problem collected.

Only this module (and write, for copying) reads the site folder. Parsed pages are
memoised by the hash of their bytes, so a warm build only parses what changed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import imagesize

from . import markdown, urls
from .config import SiteConfig, normalize_base_url
from .errors import Problem
from .frontmatter import ParseFailure, YamlMapping, decode, parse_mapping, split
from .model import (
    Area,
    AreaMeta,
    Author,
    Entry,
    EntryMeta,
    Facet,
    Image,
    Page,
    Ref,
    author_of,
    flat_lines,
    image_of,
    validate_meta,
)

SITE_FILE = "content/site.yaml"
MARKDOWN_SUFFIXES = (".md", ".markdown")
IGNORED_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}
PARSER_VERSION = "3"
# refs carry their own lines; the cache keeps only the lines errors may still point at
_LIST_ITEM = re.compile(r"(areas|related)\.\d+$")


@dataclass(frozen=True, slots=True)
class LoadOptions:
    """Choices that change what is loaded."""

    drafts: bool = False
    base_url: str | None = None


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file copied as it is: its absolute source and its path in the output."""

    source: str
    path: str
    size: int
    mtime_ns: int


@dataclass(frozen=True, slots=True)
class Theme:
    """Template sources (site folder first, default theme last) and theme assets."""

    layers: tuple[tuple[tuple[str, str], ...], ...]
    assets: tuple[SourceFile, ...]
    digest: str


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


@dataclass(frozen=True, slots=True)
class PageSource:
    """A page file, its digest, and its bytes when they were read (None: known unchanged)."""

    kind: str
    rel: str
    path: str
    raw: bytes | None
    digest: str


@dataclass(frozen=True, slots=True)
class Scan:
    """Every input file of a site, read and hashed but not parsed yet."""

    root: str
    config_raw: bytes | None
    sources: tuple[PageSource, ...]
    static: tuple[SourceFile, ...]
    theme: Theme
    problems: tuple[Problem, ...]
    signatures: dict[str, tuple[int, int, int, int, str]] = field(default_factory=dict)

    def fingerprint(self, options: LoadOptions) -> str:
        """A digest of everything a build reads: equal fingerprints, equal sites."""
        digest = hashlib.blake2b(digest_size=20)
        digest.update(repr((options, self.theme.digest)).encode())
        digest.update(self.config_raw or b"\0none")
        for source in self.sources:
            digest.update(f"\0{source.rel}\0{source.digest}".encode())
        for item in self.static:
            digest.update(f"\1{item.path}\0{item.size}\0{item.mtime_ns}".encode())
        for item in self.theme.assets:
            digest.update(f"\2{item.path}\0{item.size}\0{item.mtime_ns}".encode())
        digest.update(repr(self.problems).encode())
        return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class LoadResult:
    """The loaded site (None when nothing usable could be read) and every problem."""

    site: LoadedSite | None
    problems: tuple[Problem, ...]


def default_theme_dir() -> Path:
    """The theme shipped inside the wheel, or the repository's templates/ when run from source."""
    packaged = Path(__file__).with_name("templates")
    return packaged if packaged.is_dir() else Path(__file__).resolve().parents[2] / "templates"


def scan_site(
    root: Path, known: Mapping[str, tuple[int, int, int, int, str]] | None = None
) -> Scan:
    """Find every input file under `root` (content/, static/, templates/), without parsing.

    `known` maps page files to (size, mtime, ctime, inode, digest) from the last build: a
    file whose stat is unchanged keeps its digest and is not read again (ctime cannot be
    set back, so an edited file always differs).
    """
    problems: list[Problem] = []
    config_path = root / SITE_FILE
    config_raw = config_path.read_bytes() if config_path.is_file() else None
    signatures: dict[str, tuple[int, int, int, int, str]] = {}
    sources = _page_sources(root, problems, known or {}, signatures)
    static, static_problems = _static_files(root / "static", "static")
    theme = _load_theme(root, problems)
    return Scan(
        str(root),
        config_raw,
        tuple(sources),
        tuple(static),
        theme,
        tuple(problems + static_problems),
        signatures,
    )


def load_site(
    scan: Scan, options: LoadOptions, memo: MutableMapping[str, Any] | None = None
) -> LoadResult:
    """Parse a scanned site into typed pages; every problem is collected."""
    problems: list[Problem] = list(scan.problems)
    config = _load_config(Path(scan.root), scan.config_raw, options, problems)
    broken: list[str] = []
    pages = _parse_sources(scan.sources, memo if memo is not None else {}, problems, broken)
    if config is None:
        return LoadResult(None, tuple(problems))
    static_paths = {item.path: item for item in scan.static}
    sizes = _image_sizes(pages, static_paths)
    pages = [_check_image(page, static_paths, sizes, problems) for page in pages]
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
    )
    return LoadResult(site, tuple(problems))


# ---------------------------------------------------------------- site.yaml


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
    return result


# -------------------------------------------------------------------- pages


def _page_sources(
    root: Path,
    problems: list[Problem],
    known: Mapping[str, tuple[Any, ...]],
    signatures: dict[str, tuple[int, int, int, int, str]],
) -> list[PageSource]:
    content = root / "content"
    sources: list[PageSource] = []
    if not content.is_dir():
        return sources
    real_content = os.path.realpath(content)
    for entry in sorted(os.scandir(content), key=lambda e: e.name):
        rel = f"content/{entry.name}"
        if entry.name.startswith(".") or entry.name in IGNORED_NAMES or rel == SITE_FILE:
            continue
        if entry.is_dir() and entry.name in urls.KINDS:
            sources += _kind_sources(
                entry.name, Path(entry.path), real_content, problems, known, signatures
            )
        else:
            problems.append(_stray(rel, entry.name, entry.is_dir()))
    return sources


def _parse_sources(
    sources: tuple[PageSource, ...],
    memo: MutableMapping[str, Any],
    problems: list[Problem],
    broken: list[str],
) -> list[Page]:
    pages = []
    for source in sources:
        result = _cached_page(source, memo)
        if isinstance(result, list):
            problems += result
            stem = source.rel.rsplit("/", 1)[1].rsplit(".", 1)[0]
            broken.append(f"{source.kind}/{urls.normalize_slug(stem)}")
        else:
            pages.append(result)
    return _without_clashes(pages, problems)


def _stray(rel: str, name: str, is_dir: bool) -> Problem:
    from rapidfuzz import process

    if is_dir:
        match = process.extractOne(name, urls.KINDS, score_cutoff=60)
        hint = f"; did you mean '{match[0]}'?" if match else f"; use {', '.join(urls.KINDS)}"
        return Problem(rel, 1, f"unknown content folder '{name}'{hint}", "stray-file")
    return Problem(
        rel, 1, "pages belong in content/area/, content/term/ or content/definition/", "stray-file"
    )


def _kind_sources(
    kind: str,
    folder: Path,
    real_content: str,
    problems: list[Problem],
    known: Mapping[str, tuple[Any, ...]],
    signatures: dict[str, tuple[int, int, int, int, str]],
) -> list[PageSource]:
    sources = []
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        rel = f"content/{kind}/{entry.name}"
        if entry.name.startswith(".") or entry.name in IGNORED_NAMES:
            continue
        if entry.is_symlink() and not _inside(entry.path, real_content):
            problems.append(
                Problem(
                    rel, 1, "symbolic link points outside the content folder; refused", "symlink"
                )
            )
            continue
        if entry.is_dir():
            problems.append(Problem(rel, 1, "sub-folders are not supported here", "stray-file"))
            continue
        if not entry.name.endswith(MARKDOWN_SUFFIXES):
            problems.append(Problem(rel, 1, "not a Markdown page (.md)", "stray-file"))
            continue
        try:
            stat = entry.stat()
            stamp = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
            seen = known.get(rel)
            if seen is not None and tuple(seen[:4]) == stamp:
                raw, digest = None, seen[4]
            else:
                raw = _read(entry.path)
                digest = _digest(raw)
        except OSError as exc:
            problems.append(Problem(rel, 1, f"cannot be read: {exc.strerror}", "io"))
            continue
        signatures[rel] = (*stamp, digest)
        sources.append(PageSource(kind, rel, entry.path, raw, digest))
    return sources


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def _digest(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=20, person=PARSER_VERSION.encode()).hexdigest()


def _inside(path: str, real_root: str) -> bool:
    real = os.path.realpath(path)
    return real == real_root or real.startswith(real_root + os.sep)


def _cached_page(source: PageSource, memo: MutableMapping[str, Any]) -> Page | list[Problem]:
    key = source.digest + source.rel
    record = memo.get(key)
    if record is not None:
        return _from_record(record, key)
    raw = source.raw if source.raw is not None else _read(source.path)
    result = parse_page(source.kind, source.rel, raw, key)
    memo[key] = _to_record(result)
    return result


# The memo holds builtin tuples: marshal-able, fast to read back, and complete, so that an
# unchanged file need not be read at all.


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
        result.published.isoformat(),
        result.modified.isoformat(),
        result.aliases,
        None if image is None else (image.src, image.width, image.height, image.caption),
        result.draft,
        result.auto_link,
        result.body,
        result.body_line,
        {k: v for k, v in result.lines.items() if not _LIST_ITEM.match(k)},
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
        ),
    )


def _from_record(record: tuple[Any, ...], digest: str) -> Page | list[Problem]:
    if record[0] == "problems":
        return [Problem(*fields) for fields in record[1]]
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
        body,
        body_line,
        lines,
    ) = common
    fields = {
        "kind": kind,
        "slug": slug,
        "path": path,
        "title": title,
        "published": datetime.fromisoformat(published),
        "modified": datetime.fromisoformat(modified),
        "aliases": tuple(aliases),
        "image": None if image is None else Image(*image),
        "draft": draft,
        "auto_link": auto_link,
        "body": body,
        "body_line": body_line,
        "lines": lines,
        "digest": digest,
    }
    if kind_of_record == "area":
        intro, facets = extra
        return Area(**fields, intro=intro, facets=tuple(Facet(*f) for f in facets))
    summary, areas, related, author = extra
    return Entry(
        **fields,
        summary=summary,
        areas=tuple(Ref(*r) for r in areas),
        related=tuple(Ref(*r) for r in related),
        author=None if author is None else Author(*author),
    )


def parse_page(kind: str, rel: str, raw: bytes, digest: str = "") -> Page | list[Problem]:
    """One page file -> an Area or Entry, or the problems that prevent it."""
    try:
        text = decode(raw)
        parts = split(text)
        mapping = parse_mapping(parts.front, parts.front_line)
    except ParseFailure as failure:
        return [Problem(rel, failure.line, failure.message, "parse")]
    slug = urls.normalize_slug(rel.rsplit("/", 1)[1].rsplit(".", 1)[0])
    problems = []
    slug_problem = urls.slug_problem(slug)
    if slug_problem:
        problems.append(Problem(rel, 1, slug_problem, "bad-slug"))
    meta_model = AreaMeta if kind == urls.AREA else EntryMeta
    meta = validate_meta(meta_model, mapping, rel)
    if isinstance(meta, list):
        return problems + meta
    common = _common_fields(kind, slug, rel, meta, parts.body, parts.body_line, mapping)
    common["digest"] = digest
    if isinstance(meta, EntryMeta):
        page: Page = _entry(meta, common, mapping)
    else:
        area = _area(common, rel, problems)
        if area is None:
            return problems
        page = area
    return problems or page


def _common_fields(
    kind: str, slug: str, rel: str, meta: Any, body: str, body_line: int, mapping: YamlMapping
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
        "body": body,
        "body_line": body_line,
        "lines": flat_lines(mapping),
    }


def _entry(meta: EntryMeta, common: dict[str, Any], mapping: YamlMapping) -> Entry:
    def refs(key: str, values: tuple[str, ...]) -> tuple[Ref, ...]:
        return tuple(Ref(text=v, line=mapping.line((key, i), 1)) for i, v in enumerate(values))

    return Entry(
        **common,
        summary=meta.summary,
        areas=refs("areas", meta.areas),
        related=refs("related", meta.related),
        author=author_of(meta.author),
    )


def _area(common: dict[str, Any], rel: str, problems: list[Problem]) -> Area | None:
    body: str = common["body"]
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
    """Drop pages whose URL collides with an earlier one, even if only by letter case."""
    seen: dict[tuple[str, str], Page] = {}
    kept = []
    for page in sorted(pages, key=lambda p: p.path):
        key = (page.kind, page.slug.casefold())
        first = seen.get(key)
        if first is None:
            seen[key] = page
            kept.append(page)
        elif first.slug == page.slug:
            problems.append(
                Problem(
                    page.path,
                    1,
                    f"maps to the same URL /{page.kind}/{page.slug}/ as {first.path}",
                    "duplicate-slug",
                )
            )
        else:
            problems.append(
                Problem(
                    page.path,
                    1,
                    f"slug '{page.slug}' differs from "
                    f"{first.path} only by letter case; the two collide on "
                    "case-insensitive hosts",
                    "duplicate-slug",
                )
            )
    return kept


# ------------------------------------------------------------------- images


def _image_sizes(pages: list[Page], static: dict[str, SourceFile]) -> dict[str, tuple[int, int]]:
    wanted = sorted({p.image.src for p in pages if p.image and p.image.src in static})
    sizes = {}
    for src in wanted:
        try:
            width, height = imagesize.get(static[src].source)
        except (OSError, ValueError):
            continue
        if width > 0 and height > 0:
            sizes[src] = (int(width), int(height))
    return sizes


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


# ------------------------------------------------------------ static, theme


def _static_files(
    folder: Path, prefix: str, out_prefix: str = ""
) -> tuple[list[SourceFile], list[Problem]]:
    files: list[SourceFile] = []
    problems: list[Problem] = []
    if not folder.is_dir():
        return files, problems
    real_root = os.path.realpath(folder)
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        rel_dir = os.path.relpath(dirpath, folder).replace(os.sep, "/")
        rel_dir = "" if rel_dir == "." else rel_dir + "/"
        for name in sorted(filenames) + [
            d for d in dirnames if os.path.islink(os.path.join(dirpath, d))
        ]:
            if name in IGNORED_NAMES:
                continue
            full = os.path.join(dirpath, name)
            rel = f"{prefix}/{rel_dir}{name}"
            if os.path.islink(full) and not _inside(full, real_root):
                problems.append(
                    Problem(rel, 1, f"symbolic link points outside {prefix}/; refused", "symlink")
                )
                continue
            if os.path.isdir(full) or "\\" in name:
                problems.append(
                    Problem(
                        rel,
                        1,
                        "not supported here (linked folder or backslash in the name)",
                        "stray-file",
                    )
                )
                continue
            stat = os.stat(full)
            files.append(
                SourceFile(full, out_prefix + rel_dir + name, stat.st_size, stat.st_mtime_ns)
            )
    return files, problems


def _load_theme(root: Path, problems: list[Problem]) -> Theme:
    folders = [root / "templates", default_theme_dir()]
    unique = []
    for folder in folders:
        if folder.is_dir() and all(not folder.samefile(seen) for seen in unique):
            unique.append(folder)
    layers, assets, digest = [], {}, hashlib.blake2b(digest_size=20)
    for folder in unique:
        layer = []
        for path in sorted(folder.rglob("*")):
            rel = path.relative_to(folder).as_posix()
            if not path.is_file() or rel.startswith("assets/") or path.name in IGNORED_NAMES:
                continue
            try:
                layer.append((rel, decode(path.read_bytes())))
            except ParseFailure as failure:
                problems.append(Problem(f"templates/{rel}", failure.line, failure.message, "parse"))
        layers.append(tuple(layer))
        found, asset_problems = _static_files(folder / "assets", "templates/assets", "assets/")
        problems += asset_problems
        for item in found:
            assets.setdefault(item.path, item)
    for layer in layers:
        for rel, source in layer:
            digest.update(f"{rel}\0{source}\0".encode())
        digest.update(b"\1")
    return Theme(
        tuple(layers), tuple(sorted(assets.values(), key=lambda a: a.path)), digest.hexdigest()
    )

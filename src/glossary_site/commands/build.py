"""`glossary build`: load -> resolve -> render -> write, with timings and no printing.

The stages are imported where they are first needed: a build that finds nothing changed
answers from the cache without loading pydantic, Jinja or markdown-it (a tenth of a
second of imports, most of such a build).

About 340 lines: the stage order, the no-change fast path and the checks that must run
before anything is written (output location, collisions) belong to one function's story.
"""

from __future__ import annotations

import hashlib
import os
import time
import unicodedata
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from glossary_site.errors import ContentError, OutputError, Problem, errors_only
from glossary_site.load import Scan, SourceFile, scan_site
from glossary_site.write import (
    BACKUP,
    JOURNAL,
    MARKER,
    BuildCache,
    Staging,
    begin,
    code_salt,
    output_lock,
    parallel,
    recover,
    still_there,
)

if TYPE_CHECKING:
    from glossary_site.load import LoadedSite, LoadOptions
    from glossary_site.render import Renderer
    from glossary_site.resolve import SiteGraph

Progress = Callable[[str, int, int], None]  # (stage, done, total)
Notify = Callable[[str], None]  # one line for the user, while the build runs


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """How to build: where to, what to include, how much to reuse."""

    out: Path | None = None
    drafts: bool = False
    base_url: str | None = None
    use_cache: bool = True
    jobs: int = 0  # 0: one process per core


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What a successful build did."""

    out: Path
    pages: int
    files: int
    written: int
    unchanged: int
    entries: int
    areas: int
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)
    warnings: tuple[Problem, ...] = ()
    # The build's data, kept alive with the report: a command line that exits right after
    # (cli.main) then never spends time freeing hundreds of thousands of objects.
    retained: Any = field(default=None, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class Analysis:
    """A loaded and resolved site: what both build and check start from."""

    site: LoadedSite
    graph: SiteGraph
    problems: tuple[Problem, ...]
    bodies: Any = None  # the rendered bodies (resolve's RenderedBodies): an edit's start
    names: str = ""  # the digest of the names they were rendered under


def output_folder(root: Path, options: BuildOptions) -> Path:
    """The output folder: --out, or build/ next to content/."""
    return (options.out or root / "build").resolve()


def analyse(
    scan: Scan,
    options: BuildOptions,
    cache: BuildCache,
    timings: dict[str, float] | None = None,
    keep_going: bool = False,
    decoded: MutableMapping[str, Any] | None = None,
) -> Analysis:
    """Stages 1 and 2; raises ContentError listing every error found. With `keep_going`
    (for `check`), errors too come back in the analysis whenever a graph could be made,
    so the warnings about the graph are not lost.

    `decoded`: pages already made from the cache's records (kept by `glossary serve`)."""
    from glossary_site.load import load_site
    from glossary_site.render import template_problems
    from glossary_site.resolve import resolve

    timings = timings if timings is not None else {}
    jobs = options.jobs or parallel.default_jobs()
    started = time.perf_counter()
    loaded = load_site(scan, _load_options(options), cache.pages, decoded)
    timings["load"] = time.perf_counter() - started
    problems = list(loaded.problems)
    if loaded.site is None:
        raise ContentError(problems)
    if cache.graph.get("templates_ok") != loaded.site.theme.digest:
        found = template_problems(loaded.site.theme)
        problems += found
        cache.graph["templates_ok"] = "" if found else loaded.site.theme.digest
    started = time.perf_counter()

    def mapper(fn: Any, context: Any, items: Any) -> list[Any]:
        return list(parallel.iter_ordered(fn, context, items, jobs))

    resolved = resolve(loaded.site, cache.bodies, mapper, cache.graph)
    timings["resolve"] = time.perf_counter() - started
    problems += resolved.problems
    if resolved.graph is None or (errors_only(problems) and not keep_going):
        raise ContentError(problems)
    return Analysis(loaded.site, resolved.graph, tuple(problems), resolved.bodies, resolved.names)


def _load_options(options: BuildOptions) -> LoadOptions:
    from glossary_site.load import LoadOptions

    return LoadOptions(*_load_choices(options))


def _load_choices(options: BuildOptions) -> tuple[bool, str | None, int | None]:
    """The build options that change what is loaded, in LoadOptions' field order."""
    return (options.drafts, options.base_url, source_date_epoch())


def source_date_epoch() -> int | None:
    """SOURCE_DATE_EPOCH (reproducible-builds.org): the date to use where a build would
    otherwise take one from the clock. No output date does today but the feed of a site
    without entries, which says 1970-01-01 when it is not set."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    if not value.isdigit() or int(value) > 253402300799:  # up to 9999-12-31
        raise OutputError(f"SOURCE_DATE_EPOCH={value!r} is not a number of seconds since 1970")
    return int(value)


def build(
    root: Path,
    options: BuildOptions = BuildOptions(),
    progress: Progress | None = None,
    notify: Notify | None = None,
) -> BuildReport:
    """Build the site under `root`; the previous output survives any failure.

    Builds into one output folder take turns: a second one waits for the first.
    """
    say = notify or (lambda line: None)
    out = output_folder(root.resolve(), options)
    _check_output_location(root.resolve(), out)  # before the lock creates anything
    with parallel.collector_paused(), output_lock(out, say):
        try:
            return _build(root, options, progress, say)
        except _CacheDoubt as doubt:
            say(
                f"note: the build cache could not be used ({doubt.reason}); it was cleared "
                "and the site is built without it"
            )
            doubt.cache.clear()
            return _build(root, options, progress, say)


class _CacheDoubt(Exception):
    """An unexpected failure while building from cached values (a forged cache)."""

    def __init__(self, cache: BuildCache, reason: str):
        super().__init__(reason)
        self.cache, self.reason = cache, reason


def _build(
    root: Path, options: BuildOptions, progress: Progress | None, say: Notify
) -> BuildReport:
    started = time.perf_counter()
    root = root.resolve()
    out = output_folder(root, options)
    _check_output_location(root, out)
    recover(out)  # whatever this build does, a crashed one's leftovers go first
    cache = BuildCache(root) if options.use_cache else BuildCache.disabled()
    try:
        report = _build_with(root, out, cache, options, progress, started)
    except (ContentError, OutputError, KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except Exception as exc:
        if cache.folder is None or not cache.was_read():
            raise  # no cached value took part: a bug of ours
        raise _CacheDoubt(cache, f"{type(exc).__name__}: {exc}") from exc
    finally:
        cache.stop_prefetch()
        for line in cache.report():
            say(line)
    return report


def _build_with(
    root: Path,
    out: Path,
    cache: BuildCache,
    options: BuildOptions,
    progress: Progress | None,
    started: float,
) -> BuildReport:
    timings: dict[str, float] = {}
    cache.prefetch()
    scan = scan_site(root, cache.files)
    cache.files.clear()
    cache.files.update(scan.signatures)
    fingerprint = input_fingerprint(scan, _load_choices(options))
    unchanged = _up_to_date(out, cache, fingerprint, started)
    if unchanged is not None:
        return unchanged
    timings["scan"] = time.perf_counter() - started
    try:
        analysis = analyse(scan, options, cache, timings)
    except BaseException:
        _save_analysis(cache, timings)
        raise
    from glossary_site.render import keyed, page_jobs, search_outputs

    site, graph = analysis.site, analysis.graph
    salt = render_salt(site, graph)
    earlier = cache.previous_output(out)
    previous = {path: record.digest for path, record in earlier.items()}
    # the search index in another process, while this one saves the cache and keys pages
    search = parallel.Background(search_outputs, graph, salt, previous)
    try:
        _save_analysis(cache, timings)
        mark = time.perf_counter()
        renderer = _renderer(site, graph, salt, cache.cards)
        pages = page_jobs(graph)
        # an update keys every page here (they need the whole graph, which forked workers
        # would copy page by page as they touch it) and renders only what changed
        keyed_pages = [keyed(renderer, job)[:2] for job in pages] if previous else None
        timings["keys"] = time.perf_counter() - mark
        mark = time.perf_counter()
        searched = search.result()
        timings["search wait"] = time.perf_counter() - mark
        mark = time.perf_counter()
        jobs = [job for job, _ in searched] + pages
        paths = [rendered.path for _, rendered in searched]
        paths += _paths(graph, pages) if keyed_pages is None else [p for p, _ in keyed_pages]
        _check_collisions(graph, jobs, site, paths)
        staging = begin(out, earlier)
        timings["plan"] = time.perf_counter() - mark
    finally:
        search.cancel()
    try:
        mark = time.perf_counter()
        renderer.previous = {path: record.digest for path, record in staging.previous.items()}
        _put_search(staging, renderer, searched)
        _render_pages(staging, renderer, pages, keyed_pages, options, progress)
        timings["render+write"] = time.perf_counter() - mark
        _copy_files(staging, site)
        mark = time.perf_counter()
        staging.commit()
        timings["commit"] = time.perf_counter() - mark
    except BaseException:
        staging.abort()
        raise
    report = BuildReport(
        out=out,
        pages=sum(1 for p in staging.written if p.endswith(".html")),
        files=len(staging.written),
        written=len(staging.written) - staging.reused,
        unchanged=staging.reused,
        entries=len(graph.entries),
        areas=len(graph.areas),
        seconds=time.perf_counter() - started,
        timings=timings,
        warnings=tuple(p for p in analysis.problems if p.severity == "warning"),
        retained=(analysis, cache, jobs),
    )
    mark = time.perf_counter()
    cache.save(out, staging.written, fingerprint, _summary(report))
    staging.wait()
    timings["save"] = time.perf_counter() - mark
    return report


def input_fingerprint(scan: Scan, options: tuple[bool, str | None, int | None]) -> str:
    """A digest of everything a build reads, and of this code: equal fingerprints, equal sites.

    `options` are the build's choices that change what is loaded (`_load_choices`)."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(repr((code_salt(), options, scan.theme.digest)).encode())
    digest.update(scan.config_raw or b"\0none")
    for source in scan.sources:
        digest.update(f"\0{source.rel}\0{source.digest}".encode())
    for item in scan.static:
        digest.update(f"\1{item.path}\0{item.size}\0{item.mtime_ns}".encode())
    for item in scan.theme.assets:
        digest.update(f"\2{item.path}\0{item.size}\0{item.mtime_ns}".encode())
    digest.update(repr(scan.problems).encode())
    digest.update(repr(scan.git).encode())  # a commit changes the dates of undated pages
    return digest.hexdigest()


def unchanged_output(
    out: Path, cache: BuildCache, fingerprint: str
) -> tuple[Any, dict[str, Any]] | None:
    """The summary and file records of the last build into `out` when it read exactly the
    inputs of `fingerprint` and every file it wrote is as it left it; else None."""
    summary = cache.previous_summary(out, fingerprint)
    if summary is None:
        return None
    records = cache.previous_output(out)
    if still_there(out, records) != records:
        return None
    return summary, records


def _up_to_date(
    out: Path, cache: BuildCache, fingerprint: str, started: float
) -> BuildReport | None:
    """When nothing the build reads changed and the output is intact: the last report."""
    unchanged = unchanged_output(out, cache, fingerprint)
    if unchanged is None:
        return None
    summary, records = unchanged
    pages, entries, areas, warnings = summary
    return BuildReport(
        out=out,
        pages=pages,
        files=len(records),
        written=0,
        unchanged=len(records),
        entries=entries,
        areas=areas,
        seconds=time.perf_counter() - started,
        timings={"up to date": 0.0},
        warnings=tuple(Problem.from_fields(w) for w in warnings),
    )


def _summary(report: BuildReport) -> tuple[Any, ...]:
    warnings = tuple(
        (w.path, w.line, w.message, w.code, w.severity, w.suggestions) for w in report.warnings
    )
    return (report.pages, report.entries, report.areas, warnings)


def _save_analysis(cache: BuildCache, timings: dict[str, float]) -> None:
    mark = time.perf_counter()
    cache.save()
    timings["save analysis"] = time.perf_counter() - mark


def render_salt(site: LoadedSite, graph: SiteGraph) -> str:
    """What every page is a function of besides its inputs: the settings, the templates
    and this code."""
    text = f"{code_salt()}{site.theme.digest}{graph.config!r}"
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _renderer(
    site: LoadedSite,
    graph: SiteGraph,
    salt: str,
    card_memo: Callable[[str], dict[str, bytes]],
) -> Renderer:
    from glossary_site.render import Renderer

    renderer = Renderer(graph, theme=site.theme, salt=salt)
    renderer.prepare(card_memo(salt))
    return renderer


def _paths(graph: SiteGraph, jobs: list[Any]) -> list[str]:
    from glossary_site.render import job_path

    return [job_path(graph, job) for job in jobs]


def _put_search(staging: Staging, renderer: Renderer, searched: list[Any]) -> None:
    """The parts of the search index; one kept by the other process but no longer intact
    in the output folder (the process compared with what the last build wrote) is
    rendered here."""
    from glossary_site.render import render_job

    for job, rendered in searched:
        if rendered.data is None and renderer.previous.get(rendered.path) != rendered.key:
            rendered = render_job(renderer, job)
        staging.put(rendered.path, rendered.key, rendered.data)


def _render_pages(
    staging: Staging,
    renderer: Renderer,
    jobs: list[Any],
    keyed_jobs: list[tuple[str, str]] | None,
    options: BuildOptions,
    progress: Progress | None,
) -> None:
    """Every page (all but the search index): kept where its key is the previous build's
    (`keyed_jobs`: each job's path and key, computed already), else rendered."""
    from glossary_site.render import render_job

    done = 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress("render", done, len(jobs))

    if keyed_jobs is not None:
        changed = []
        for job, (path, key) in zip(jobs, keyed_jobs, strict=True):
            if renderer.previous.get(path) == key:
                staging.put(path, key, None)
                advance(1)
            else:
                changed.append(job)
        jobs = changed
    workers = options.jobs or parallel.default_jobs()
    for rendered in parallel.iter_ordered(render_job, renderer, jobs, workers, 32, advance):
        staging.put(rendered.path, rendered.key, rendered.data)


def _copy_files(staging: Staging, site: LoadedSite) -> None:
    for item in [*site.static, *site.theme.assets]:
        staging.copy(item.path, item.source, f"file:{item.size}:{item.mtime_ns}")


def _check_output_location(root: Path, out: Path) -> None:
    protected = [root, root / "content", root / "static", root / "templates"]
    for folder in protected:
        if (
            out == folder
            or folder.is_relative_to(out)
            or (folder != root and out.is_relative_to(folder))
        ):
            raise OutputError(
                f"refusing to build into {out}: it would overwrite the site's "
                "own files; choose another --out"
            )


def _check_collisions(
    graph: SiteGraph, jobs: list[Any], site: LoadedSite, paths: list[str] | None = None
) -> None:
    """Two files for one output path, as case-insensitive or normalising hosts see paths.
    `paths` are the jobs' output paths, when the caller has them."""
    from glossary_site.render import job_path

    if paths is None:
        paths = [job_path(graph, job) for job in jobs]
    generated = {_host_key(path): path for path in paths}
    assets = {_host_key(item.path) for item in site.theme.assets}
    reserved = {_host_key(name) for name in (MARKER, JOURNAL, BACKUP)}
    seen: dict[str, SourceFile] = {}
    problems = []
    for item in site.static:
        key = _host_key(item.path)
        other = seen.setdefault(key, item)
        message = None
        if key in reserved or key.split("/", 1)[0] in reserved:
            message = "is a name the build keeps for itself; rename it"
        elif ":" in item.path.split("/", 1)[0]:
            message = (
                "a name with ':' at the top of static/ reads as a URL scheme or a drive "
                "letter and cannot be published; rename it or move it into a folder"
            )
        elif key in assets:
            message = (
                f"collides with the theme file /{item.path}; override it in "
                "templates/assets/ instead"
            )
        elif key in generated:
            message = f"collides with the generated /{generated[key]}; rename or remove it"
        elif other is not item:
            message = (
                f"differs from static/{other.path} only by letter case or Unicode "
                "normalisation; they collide on case-insensitive or normalising hosts"
            )
        if message:
            problems.append(Problem(f"static/{item.path}", 1, message, "output-collision"))
    problems += _file_folder_clashes(_output_owners(graph, jobs, paths, site))
    problems += _shared_outputs(graph, jobs, paths)
    if problems:
        raise ContentError(problems)


@dataclass(frozen=True, slots=True)
class CheckedPaths:
    """The outputs of a build that passed the collision check, as hosts see them: what a
    later build's check can start from (`check_collisions_since`)."""

    static: tuple[str, ...]
    assets: tuple[str, ...]
    keys: dict[str, str]  # output path -> host key
    owners: frozenset[str]  # host keys of the outputs, static and theme files
    folders: frozenset[str]  # host keys of folders they are in (and maybe some that went)


def check_collisions_since(
    last: CheckedPaths | None,
    graph: SiteGraph,
    jobs: list[Any],
    site: LoadedSite,
    paths: list[str],
) -> CheckedPaths:
    """`_check_collisions` for a build whose static and theme files are those of `last`, a
    build that passed it: a collision takes two paths, so with none among the old ones only
    a new output path can make one (be another's host key, a file where another needs a
    folder, or a folder where another is a file). The full check runs when a new path may;
    it raises what it finds."""
    static = tuple(item.path for item in site.static)
    assets = tuple(item.path for item in site.theme.assets)
    if last is None or (static, assets) != (last.static, last.assets):
        _check_collisions(graph, jobs, site, paths)
        return _checked(paths, static, assets)
    known = last.keys
    distinct = len(set(paths)) == len(paths)
    added = {path: _host_key(path) for path in paths if path not in known}
    if not added and distinct and len(paths) == len(known):
        return last  # the same paths
    new = set(added.values())
    clear = (
        distinct
        and len(new) == len(added)
        and new.isdisjoint(last.owners)
        and new.isdisjoint(last.folders)
        and not any(f in last.owners or f in new for k in new for f in _folders(k))
    )
    if not clear:
        _check_collisions(graph, jobs, site, paths)
        return _checked(paths, static, assets)
    keys = {path: known.get(path) or added[path] for path in paths}
    gone = {known[path] for path in known.keys() - keys.keys()}
    folders = last.folders.union(*(_folders(k) for k in new))
    return CheckedPaths(static, assets, keys, (last.owners - gone) | new, folders)


def _checked(paths: list[str], static: tuple[str, ...], assets: tuple[str, ...]) -> CheckedPaths:
    keys = {path: _host_key(path) for path in paths}
    owners = frozenset([*keys.values(), *map(_host_key, static), *map(_host_key, assets)])
    folders = frozenset().union(*(_folders(k) for k in owners))
    return CheckedPaths(static, assets, keys, owners, folders)


def _folders(key: str) -> list[str]:
    """The folders a path is in: `a/b/c` is in `a` and `a/b`."""
    parts = key.split("/")
    return ["/".join(parts[:depth]) for depth in range(1, len(parts))]


def _shared_outputs(graph: SiteGraph, jobs: list[Any], paths: list[str]) -> list[Problem]:
    """Two outputs at one path (as hosts see it): a nested page where a letter page of a
    split A-Z index goes (`definition/c/letter/`), or a redirect there. Reported at the
    author's file (a page, else the redirect's line) so the author can rename it."""
    first: dict[str, Any] = {}
    problems = []
    pairs = sorted(zip(jobs, paths, strict=True), key=lambda p: (p[0].kind, p[0].key, p[0].number))
    for job, path in pairs:
        other = first.setdefault(_host_key(path), job)
        if other is job:
            continue
        at, at_line = min(_job_source(graph, job), _job_source(graph, other), key=_authored)
        shown = path.removesuffix("index.html")
        problems.append(
            Problem(
                at or "content",
                at_line,
                f"/{shown} is both {_job_what(graph, other)} and {_job_what(graph, job)}; "
                "rename one",
                "output-collision",
            )
        )
    return problems


def _authored(source: tuple[str, int]) -> tuple[bool, str]:
    return (not source[0], source[0])


def _job_source(graph: SiteGraph, job: Any) -> tuple[str, int]:
    """The file (and line) an output comes from: a page's, a redirect's; "" if generated."""
    if job.kind in ("entry", "area"):
        return graph.pages[job.key].path, 1
    if job.kind == "redirect":
        page = graph.pages[graph.redirects[job.key]]
        n = next(n for n, old in enumerate(page.redirect_from) if old == job.key)
        return page.path, page.line_of(f"redirect_from.{n}")
    return "", 1


def _job_what(graph: SiteGraph, job: Any) -> str:
    pages = graph.pages
    match job.kind:
        case "entry" | "area":
            return f"the page of {pages[job.key].path}"
        case "redirect":
            return f"a redirect to the page of {pages[graph.redirects[job.key]].path}"
        case "letter":
            return f"a page of the split A-Z index of {job.key.split('/', 1)[0]} pages"
        case "resource":
            return f"a resource page of {pages[job.key].path}"
        case "links":
            return f'a "What links here" page of {pages[job.key].path}'
    return "a file the build writes"


def _output_owners(
    graph: SiteGraph, jobs: list[Any], paths: list[str], site: LoadedSite
) -> dict[str, tuple[str, str]]:
    """Every output path as hosts see it -> (the path, the file it comes from: a page's
    file, static/..., or "" for what the build generates on its own)."""
    owners: dict[str, tuple[str, str]] = {}
    for job, path in zip(jobs, paths, strict=True):
        page = graph.pages.get(job.key) if job.kind in ("entry", "area", "resource") else None
        owners[_host_key(path)] = (path, page.path if page is not None else "")
    for item in site.theme.assets:
        owners.setdefault(_host_key(item.path), (item.path, ""))
    for item in site.static:
        owners.setdefault(_host_key(item.path), (item.path, f"static/{item.path}"))
    return owners


def _file_folder_clashes(owners: dict[str, tuple[str, str]]) -> list[Problem]:
    """Outputs that need a folder where another output is a file: a slug `index.html`
    (/term/index.html/ against the A-Z index /term/index.html), a static file
    `definition/x` where the page /definition/x/ goes, a static folder `term/index.html/`.
    Reported before anything is written, at the static file if one takes part (as other
    static collisions are), else at the page's file."""
    problems = []
    for key, deeper in sorted(owners.items()):
        parts = key.split("/")
        folders = ("/".join(parts[:depth]) for depth in range(1, len(parts)))
        file = next((owners[f] for f in folders if f in owners), None)
        if file is None:
            continue
        (at_path, at), (other_path, other) = sorted(
            (deeper, file), key=lambda o: (not o[1].startswith("static/"), not o[1])
        )
        source = f"from {other}" if other else "generated"
        problems.append(
            Problem(
                at,
                1,
                f"/{_shown(at_path, at)} and /{_shown(other_path, other)} ({source}) cannot "
                "both be published: one needs a folder where the other is a file; rename one",
                "output-collision",
            )
        )
    return problems


def _shown(path: str, owner: str) -> str:
    """A page's URL rather than its index.html file."""
    return path.removesuffix("index.html") if owner.startswith("content/") else path


def _host_key(path: str) -> str:
    """How hosts that ignore case (Windows, macOS) or normalise Unicode (macOS) see a path."""
    return unicodedata.normalize("NFC", path).casefold()

"""The site a preview serves: built once, then rebuilt in memory on every change.

A `Session` runs the same stages as `glossary build` (so the bytes are the same) but keeps
what a build keeps in `.glossary-cache/` in memory between rebuilds: parsed pages, rendered
bodies, resolved references, recommendations, card digests, and every rendered file with
its key. A rebuild scans the site (reading only files whose stat changed), loads and
resolves from those memos, and renders only the outputs whose key changed: the keys are
the pages' declared inputs (what they list, link to, recommend, and their own content), so
"what a change can affect" is exactly the set of keys it changes, and after any sequence of
edits the served files equal a fresh build's.

Nothing here writes into the site folder except the cache (and `--out`, when asked).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from glossary_site.commands.build import (
    BuildOptions,
    CheckedPaths,
    analyse,
    check_collisions_since,
    render_salt,
)
from glossary_site.commands.serve.packed import PackedFiles, block_of, pack
from glossary_site.commands.serve.textedit import Built, text_edit
from glossary_site.errors import ContentError, OutputError, Problem
from glossary_site.load import SourceFile, rescanned, scan_site, site_config
from glossary_site.write import BuildCache, begin, parallel, safe_parts, still_there

if TYPE_CHECKING:
    from glossary_site.commands.build import Progress


@dataclass(frozen=True, slots=True, weakref_slot=True)
class Snapshot:
    """One complete, good build of the site, as served: never changed once published."""

    generation: int
    base_path: str
    # output path -> bytes: packed (PackedFiles), or as read back from the last
    # `glossary build` (`Session.start`) until the site behind them is loaded
    rendered: Mapping[str, bytes]
    keys: dict[str, str]  # output path -> key (its ETag)
    copied: dict[str, SourceFile]  # static files and theme assets, served from their source
    pages: int = 0

    def key_of(self, path: str) -> str | None:
        """The ETag of an output path, or None when the site has no such file."""
        key = self.keys.get(path)
        if key is not None:
            return key
        item = self.copied.get(path)
        return f"{item.size:x}-{item.mtime_ns:x}" if item is not None else None

    def has(self, path: str) -> bool:
        """Whether the site has a file at this output path."""
        return path in self.rendered or path in self.copied


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one (re)build did."""

    snapshot: Snapshot | None  # the new snapshot, or None when the build failed
    changed: frozenset[str]  # output paths added, removed or with new bytes
    redone: int  # outputs rendered again
    seconds: float
    problems: tuple[Problem, ...] = ()  # errors when failed, warnings when not
    internal: str = ""  # a bug of ours, described in one line
    text_only: bool = False  # an edit of text alone: the page and its search parts redone
    read_back: bool = False  # the files of the last `glossary build`, served as they are

    @property
    def ok(self) -> bool:
        """Whether the build succeeded."""
        return self.snapshot is not None


@dataclass
class Session:
    """The loaded site and its caches, kept in memory between rebuilds."""

    root: Path
    options: BuildOptions
    cache: BuildCache = field(init=False)
    current: Snapshot | None = None
    _generation: int = 0
    _cards: tuple[str, dict[str, bytes]] | None = None
    _records: dict[str, Any] = field(default_factory=dict)  # what --out holds
    _last_ok: bool = False
    _env: tuple[str, Any] | None = None
    _decoded: dict[str, Any] = field(default_factory=dict)  # frozen pages by cache key
    _built: Built | None = None  # the last good build's state, while it is current
    _unsettled: bool = False  # serving the last `glossary build`'s files: see `start`
    _key_memo: Any = None  # the last build's output keys and what they were made of
    _checked: CheckedPaths | None = None  # the outputs of the last build that passed

    def __post_init__(self) -> None:
        self.root = self.root.resolve()
        self.cache = BuildCache(self.root) if self.options.use_cache else BuildCache.disabled()

    def start(self, progress: Progress | None = None, jobs: int | None = None) -> Outcome:
        """The first build. When the last `glossary build` into the output folder read
        exactly these inputs (its input fingerprint) and its files are as it left them,
        those files are what a build would make: they are served as they are, and the
        site is loaded behind them by `settle` while the preview already answers."""
        started = time.perf_counter()
        try:
            served = self._last_build(started)
        except Exception:  # a folder or a cache (untrusted input) that does not hold up
            served = None  # build instead: that path reports what it must
        return served if served is not None else self.build(progress, jobs)

    @property
    def unsettled(self) -> bool:
        """Whether the site behind the served files is still to be loaded (`start`)."""
        return self._unsettled

    def settle(self, jobs: int | None = None) -> Outcome:
        """Load and resolve the site behind the files `start` served: a build whose files
        are, page for page, those already served (their keys match), so nothing changes
        for the open tabs; then edits rebuild incrementally."""
        self._unsettled = False
        return self.build(jobs=jobs)

    def _last_build(self, started: float) -> Outcome | None:
        from glossary_site.commands.build import (
            _load_choices,
            _load_options,
            input_fingerprint,
            output_folder,
            unchanged_output,
        )

        if not self.options.use_cache or self.options.out is not None:
            return None
        scan = scan_site(self.root, self.cache.files)
        out = output_folder(self.root, self.options)
        fingerprint = input_fingerprint(scan, _load_choices(self.options))
        unchanged = unchanged_output(out, self.cache, fingerprint)
        if unchanged is None or not unchanged[1]:
            return None
        summary, records = unchanged
        config = site_config(scan, _load_options(self.options))
        if config is None:
            return None
        copied = {item.path: item for item in [*scan.static, *scan.theme.assets]}
        built = _BuiltFiles(out, records)
        rendered: dict[str, bytes] = {}
        for path, record in records.items():
            if path in copied:
                continue
            data = built.read(path, record.digest)
            if data is None:
                return None
            rendered[path] = data
        if set(copied) - set(records):
            return None
        warnings = tuple(Problem.from_fields(fields) for fields in summary[3])
        self.cache.files.clear()
        self.cache.files.update(scan.signatures)
        keys = {path: records[path].digest for path in rendered}
        self._generation += 1
        pages = sum(1 for p in rendered if p.endswith(".html"))
        snapshot = Snapshot(self._generation, config.base_path, rendered, keys, copied, pages)
        self.current = snapshot
        self._unsettled = True
        seconds = time.perf_counter() - started
        changed = frozenset([*rendered, *copied])
        return Outcome(snapshot, changed, 0, seconds, warnings, read_back=True)

    def build(
        self,
        progress: Progress | None = None,
        jobs: int | None = None,
        touched: Iterable[str] = (),
    ) -> Outcome:
        """Build or rebuild; the last good snapshot stays current when this one fails.

        `touched` are the files the watcher saw change (relative to the root): they are
        read again even if their size and times look unchanged (two saves within one
        tick of the file-system clock, an inode number reused by an editor's rename).
        """
        started = time.perf_counter()
        touched = list(touched)
        for path in touched:
            self.cache.files.pop(path, None)
        try:
            with parallel.collector_paused(keep=True):
                if touched and self._last_ok and self._built is not None:
                    quick = self._text_edit(touched, started)
                    if quick is not None:
                        return quick
                return self._build(started, progress, jobs, touched)
        except ContentError as exc:
            return Outcome(None, frozenset(), 0, time.perf_counter() - started, exc.problems)
        except OSError as exc:
            # a file vanished or changed half-way through: the watcher reports it, and the
            # rebuild it triggers sees a settled folder
            message = f"a file changed while it was read ({exc}); rebuilding when it settles"
            where = _relative(self.root, exc.filename) or "content"
            return Outcome(
                None, frozenset(), 0, time.perf_counter() - started, (Problem(where, 1, message),)
            )
        except OutputError as exc:  # --out cannot be written: the preview still works
            return Outcome(None, frozenset(), 0, time.perf_counter() - started, internal=str(exc))
        except Exception as exc:  # a bug of ours must not stop the preview
            internal = (
                f"internal error: {type(exc).__name__}: {exc}. This is a bug in glossary-site; "
                "please report it"
            )
            return Outcome(None, frozenset(), 0, time.perf_counter() - started, internal=internal)

    def _build(
        self,
        started: float,
        progress: Progress | None,
        jobs: int | None,
        touched: list[str] | None = None,
    ) -> Outcome:
        from glossary_site.render import plan

        last = self._built if self._last_ok else None
        if self._last_ok:
            # keep what the last good build used; a failed build's partial use keeps it all
            self.cache.pages.carry_over()
            self.cache.bodies.carry_over()
        self._last_ok = False
        self._built = None
        scan = self._scan(last, touched or [])
        self.cache.files.clear()
        self.cache.files.update(scan.signatures)
        decoded = _Generations(self._decoded)
        analysis = analyse(scan, self.options, self.cache, decoded=decoded)
        self._decoded = decoded.now
        site, graph = analysis.site, analysis.graph
        outputs = plan(graph)
        renderer, found = self._keys(graph, site, outputs)
        self._check_collisions(graph, outputs, site, [path for path, _ in found])
        rendered, keys, redone = self._render(renderer, outputs, found, progress, jobs)
        copied = {item.path: item for item in [*site.static, *site.theme.assets]}
        previous = self.current
        changed = _changed(previous, rendered, keys, copied)
        self._generation += 1
        snapshot = Snapshot(
            self._generation,
            graph.config.base_path,
            rendered,
            keys,
            copied,
            sum(1 for p in rendered if p.endswith(".html")),
        )
        if self.options.out is not None:
            self._write_out(snapshot, scan)
        self.current = snapshot
        self._last_ok = True
        self._built = Built(scan, analysis, tuple(outputs), renderer)
        warnings = tuple(p for p in analysis.problems if p.severity == "warning")
        return Outcome(snapshot, changed, redone, time.perf_counter() - started, warnings)

    def _scan(self, last: Built | None, touched: list[str]) -> Any:
        """The site's files: after a good build, its scan with the files the watcher saw
        change read again when they are all pages it has (a tenth of a second less than
        looking at each of 10,000 files again), else every file looked at."""
        found = rescanned(last.scan, touched) if last is not None and touched else None
        return found[0] if found is not None else scan_site(self.root, self.cache.files)

    def _text_edit(self, touched: list[str], started: float) -> Outcome | None:
        """The rebuild after an edit of text alone (textedit.py), or None when the edit is
        more than that."""
        from glossary_site.render import keyed

        assert self._built is not None and self.current is not None
        edit = text_edit(self._built, touched, self.cache, self._decoded)
        if edit is None:
            return None
        before = self.current
        rendered = {path: block_of(before.rendered, path) for path in before.rendered}
        keys = dict(before.keys)
        changed = set(edit.gone)
        for path in edit.gone:
            del rendered[path], keys[path]
        renderer = edit.built.renderer
        for job in edit.todo:
            path, key, _ = keyed(renderer, job)
            if before.keys.get(path) == key:
                continue
            _, rendered[path] = _render_packed(renderer, job)
            keys[path] = key
            changed.add(path)
        self.cache.files.clear()
        self.cache.files.update(edit.built.scan.signatures)
        self._generation += 1
        snapshot = Snapshot(
            self._generation,
            before.base_path,
            PackedFiles(rendered),
            keys,
            before.copied,
            before.pages,
        )
        if self.options.out is not None:
            self._write_out(snapshot, edit.built.scan)
        self.current = snapshot
        self._built = edit.built
        problems = edit.built.analysis.problems
        warnings = tuple(p for p in problems if p.severity == "warning")
        seconds = time.perf_counter() - started
        redone = len(changed - edit.gone)
        return Outcome(snapshot, frozenset(changed), redone, seconds, warnings, "", True)

    def _keys(self, graph: Any, site: Any, outputs: list[Any]) -> tuple[Any, list[tuple[str, str]]]:
        """The renderer of this build and (path, key) of every output, reusing the last
        build's keys where their inputs cannot have changed (render.output_keys)."""
        from glossary_site.render import Renderer, output_keys

        salt = render_salt(site, graph)
        renderer = Renderer(graph, theme=site.theme, salt=salt, _env=self._environment(site.theme))
        renderer.prepare(self._card_memo(salt))
        found, self._key_memo, _ = output_keys(renderer, outputs, self._key_memo)
        return renderer, found

    def _check_collisions(
        self, graph: Any, outputs: list[Any], site: Any, paths: list[str]
    ) -> None:
        """build.py's collision check, from the paths of the last build that passed it."""
        checked, self._checked = self._checked, None
        self._checked = check_collisions_since(checked, graph, outputs, site, paths)

    def _render(
        self,
        renderer: Any,
        outputs: list[Any],
        found: list[tuple[str, str]],
        progress: Progress | None,
        jobs: int | None,
    ) -> tuple[PackedFiles, dict[str, str], int]:
        before = self.current
        built = self._last_build_output() if before is None else None
        rendered: dict[str, bytes] = {}
        keys: dict[str, str] = {}
        todo = []
        for job, (path, key) in zip(outputs, found, strict=True):
            keys[path] = key
            if before is not None and before.keys.get(path) == key:
                rendered[path] = block_of(before.rendered, path)
            elif built is not None and (data := built.read(path, key)) is not None:
                rendered[path] = pack(data)
            else:
                todo.append(job)
        done = len(outputs) - len(todo)

        def advance(n: int) -> None:
            nonlocal done
            done += n
            if progress:
                progress("render", done, len(outputs))

        workers = jobs if jobs is not None else (self.options.jobs or parallel.default_jobs())
        for path, block in parallel.iter_ordered(
            _render_packed, renderer, todo, workers, 32, advance
        ):
            rendered[path] = block
        return PackedFiles(rendered), keys, len(todo)

    def _environment(self, theme: Any) -> Any:
        """The Jinja environment of these templates: compiled once, until they change."""
        from glossary_site.render.renderer import environment

        if self._env is None or self._env[0] != theme.digest:
            self._env = (theme.digest, environment(theme))
        return self._env[1]

    def _last_build_output(self) -> _BuiltFiles | None:
        """The files `glossary build` last wrote, where the cache vouches for them: a first
        build reads those whose key still matches instead of rendering them (read only)."""
        from glossary_site.commands.build import output_folder

        out = output_folder(self.root, self.options)
        records = still_there(out, self.cache.previous_output(out))
        return _BuiltFiles(out, records) if records else None

    def _card_memo(self, salt: str) -> dict[str, bytes]:
        """Card digests made with these settings and templates: the cache's on the first
        build, then this session's own (a new salt starts an empty memo)."""
        if self._cards is None:
            self._cards = (salt, self.cache.cards(salt))
        elif self._cards[0] != salt:
            self._cards = (salt, {})
        return self._cards[1]

    def _write_out(self, snapshot: Snapshot, scan: Any) -> None:
        """With --out, mirror the snapshot into that folder the way `glossary build` does."""
        from glossary_site.commands.build import _check_output_location, output_folder

        out = output_folder(self.root, self.options)
        _check_output_location(self.root, out)
        earlier = self._records or self.cache.previous_output(out)
        staging = begin(out, earlier)
        try:
            for path in snapshot.rendered:
                key = snapshot.keys[path]
                same = staging.previous.get(path)
                fresh = not same or same.digest != key
                staging.put(path, key, snapshot.rendered[path] if fresh else None)
            for item in snapshot.copied.values():
                staging.copy(item.path, item.source, f"file:{item.size}:{item.mtime_ns}")
            staging.commit()
        except BaseException:
            staging.abort()
            raise
        staging.wait()
        self._records = dict(staging.written)
        self.cache.save(out, staging.written, "")

    def save_cache(self) -> None:
        """Persist the memos for the next `glossary serve` or `glossary build`."""
        self.cache.save()

    def tidy(self) -> int:
        """Free the cyclic garbage the builds so far left among their kept (frozen)
        objects, and the pages freed objects leave with the process; how many objects
        were freed."""
        freed = parallel.collect_kept()
        parallel.release_free_memory()
        return freed


@dataclass(frozen=True, slots=True)
class _BuiltFiles:
    """An output folder of `glossary build` and the records of its untouched files."""

    out: Path
    records: dict[str, Any]

    def read(self, path: str, key: str) -> bytes | None:
        """The file's bytes if it holds the output of this key, else None."""
        record = self.records.get(path)
        if record is None or record.digest != key:
            return None
        try:
            # the records come from the cache (untrusted): a path must stay inside `out`
            with open(os.path.join(self.out, *safe_parts(path)), "rb") as handle:
                data = handle.read()
        except (OSError, OutputError):
            return None
        return data if len(data) == record.size else None


class _Generations(MutableMapping[str, Any]):
    """Values of the last build, carried into this one as they are used (the rest goes)."""

    def __init__(self, before: dict[str, Any]):
        self.before = before
        self.now: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        if key not in self.now:
            self.now[key] = self.before[key]
        return self.now[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.now[key] = value

    def __delitem__(self, key: str) -> None:
        self.now.pop(key, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self.now)

    def __len__(self) -> int:
        return len(self.now)


def _render_packed(renderer: Any, job: Any) -> tuple[str, bytes]:
    """One output, rendered and packed (in the render worker: packing 320 MB of pages
    takes half a second of CPU, shared so among the cores)."""
    from glossary_site.render import render_job

    result = render_job(renderer, job)
    assert result.data is not None  # the renderer was given no previous keys
    return result.path, pack(result.data)


def _changed(
    before: Snapshot | None,
    rendered: Mapping[str, bytes],
    keys: dict[str, str],
    copied: dict[str, SourceFile],
) -> frozenset[str]:
    """Output paths whose bytes differ from the previous snapshot's, or that came or went."""
    if before is None:
        return frozenset([*rendered, *copied])
    changed = {p for p, k in keys.items() if before.keys.get(p) != k}
    changed |= set(before.rendered) - set(rendered)
    for path, item in copied.items():
        old = before.copied.get(path)
        if old is None or (old.size, old.mtime_ns, old.source) != (
            item.size,
            item.mtime_ns,
            item.source,
        ):
            changed.add(path)
    changed |= set(before.copied) - set(copied)
    return frozenset(changed)


def _relative(root: Path, filename: Any) -> str:
    if not filename:
        return ""
    try:
        return Path(str(filename)).resolve().relative_to(root).as_posix()
    except ValueError:
        return str(filename)

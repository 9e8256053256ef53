"""Stage 4, write: output files -> the output folder, so that no failure loses anything.

Files are first written to a temporary folder beside the output folder; the output folder
is only touched by `commit`, after everything else has succeeded. Two ways to commit:

- full (first build, or no trusted record of the previous output): the temporary folder
  holds the whole site; when the output folder holds nothing but what the last build
  wrote it is swapped in by two renames, otherwise moved in file by file like a sparse
  commit, so that files the build did not write (CNAME, .git/) stay where they are;
- sparse (the previous output is ours and unchanged since): the temporary folder holds
  only the files that changed; commit moves them in and deletes files no longer made.

The rule for the output folder: a build deletes only files that an earlier build wrote
there (the marker file lists them) and keeps every other file; `.git/` is never touched.
Builds into one output folder take turns (a lock file beside it).

Signals wait while a commit runs. A sparse commit writes a journal first, so that if the
process is killed mid-commit the next build finishes it before doing anything else.
Every path is checked to stay inside the output folder.

One module (about 390 lines) because staging, commit, undo and recovery share the
journal format and the signal handling; split, each half would be unsafe to change alone.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import glob
import json
import os
import shutil
import signal
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from glossary_site.errors import OutputError

MARKER = ".glossary-build"
MARKER_TEXT = (
    "This folder is written by `glossary build`. Each build replaces or deletes the files"
    " listed on the next line and keeps every other file.\n"
)
JOURNAL = ".glossary-commit.json"
BACKUP = ".glossary-backup"
TMP_TAG, OLD_TAG, LOCK_TAG = ".glossary-tmp-", ".glossary-old-", ".glossary-lock"
NEVER_TOUCHED = (".git",)  # top-level names no build writes, replaces or deletes


def marker_bytes(paths: Iterator[str] | list[str]) -> bytes:
    """The marker file: a line of explanation, then the sorted paths the build wrote."""
    listed = json.dumps(sorted(paths), ensure_ascii=False, separators=(",", ":"))
    return (MARKER_TEXT + listed + "\n").encode("utf-8", "surrogatepass")


def manifest(out: Path) -> set[str]:
    """The paths the last build wrote to `out`, from its marker file (nothing if unreadable)."""
    try:
        with open(out / MARKER, "rb") as handle:
            lines = handle.read().decode("utf-8", "surrogatepass").split("\n")
        listed = json.loads(lines[1]) if len(lines) > 1 else []
    except (OSError, ValueError, RecursionError):
        return set()
    if not isinstance(listed, list):
        return set()
    return {path for path in listed if isinstance(path, str) and _ours(path)}


def _ours(path: str) -> bool:
    """Whether a build may write or delete `path` (a valid path outside NEVER_TOUCHED)."""
    try:
        parts = safe_parts(path)
    except OutputError:
        return False
    return parts[0] not in NEVER_TOUCHED and parts[0] not in (MARKER, JOURNAL)


@dataclass(frozen=True, slots=True)
class Record:
    """What a build wrote at a path: the key of its content, its size and mtime."""

    digest: str
    size: int
    mtime_ns: int


@dataclass
class Staging:
    """The next state of the output folder, under construction beside it."""

    out: Path
    tmp: Path
    previous: Mapping[str, Record] = field(default_factory=dict)  # verified still there
    earlier: Mapping[str, Record] = field(default_factory=dict)  # all the last build wrote
    listed: set[str] = field(default_factory=set)  # the paths the marker in `out` lists
    written: dict[str, Record] = field(default_factory=dict)
    staged: list[str] = field(default_factory=list)
    reused: int = 0
    _dirs: set[str] = field(default_factory=set)
    _cleanup: threading.Thread | None = None
    _applying: bool = False

    @property
    def sparse(self) -> bool:
        """Whether only changed files are staged (the previous output is trusted)."""
        return bool(self.previous)

    def put(self, path: str, digest: str, data: bytes | None) -> None:
        """Add a file: new bytes, or None to keep the previous build's identical file."""
        if data is None:
            self._keep(path)
            return
        target = self._target(path)
        with _output_errors(self.out):
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
            finally:
                os.close(fd)
        self._record(path, digest, target)

    def copy(self, path: str, source: str, digest: str) -> None:
        """Add a file copied as it is (static files, theme assets)."""
        record = self.previous.get(path)
        if record is not None and record.digest == digest:
            self._keep(path)
            return
        target = self._target(path)
        with _output_errors(self.out):
            shutil.copyfile(source, target, follow_symlinks=True)
        self._record(path, digest, target)

    def commit(self) -> None:
        """Make the output folder what this build produced."""
        if self.sparse:
            self._commit_sparse()
        else:
            self._commit_full()

    def abort(self) -> None:
        """Throw the unfinished work away; the output folder is untouched.

        A sparse commit that failed half-way keeps its journal: the next build finishes it.
        """
        if not self._applying:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def wait(self) -> None:
        """Wait until a replaced output folder is deleted."""
        if self._cleanup is not None:
            self._cleanup.join()

    def _keep(self, path: str) -> None:
        record = self.previous.get(path)
        if record is None:
            raise OutputError(f"internal: {path} was reported unchanged but is not in the output")
        self.written[path] = record
        self.reused += 1

    def _record(self, path: str, digest: str, target: str) -> None:
        stat = os.stat(target)
        self.written[path] = Record(digest, stat.st_size, stat.st_mtime_ns)
        self.staged.append(path)

    def _target(self, path: str) -> str:
        parts = safe_parts(path)
        parent = "/".join(parts[:-1])
        if parent and parent not in self._dirs:
            with _output_errors(self.out):
                os.makedirs(self.tmp / parent, exist_ok=True)
            self._dirs.add(parent)
        return str(self.tmp.joinpath(*parts))

    def _commit_full(self) -> None:
        keep_in_place = self.out.is_dir() and bool(_foreign(self.out, self.listed))
        if keep_in_place:
            # the user's own files (CNAME, .git/) stay where they are: move ours in one by one
            self._commit_moves(self.staged)
            return
        (self.tmp / MARKER).write_bytes(marker_bytes(list(self.written)))
        old = self.out.with_name(f".{self.out.name}{OLD_TAG}{os.getpid()}")
        with _signals_blocked(), _output_errors(self.out):
            moved = self.out.exists()
            if moved:
                os.rename(self.out, old)
            try:
                os.rename(self.tmp, self.out)
            except OSError:
                if moved:
                    os.rename(old, self.out)  # put the previous output back
                raise
        if old.exists():
            # deleting thousands of old files is slow; the caller overlaps it with other work
            self._cleanup = threading.Thread(
                target=shutil.rmtree, args=(old,), kwargs={"ignore_errors": True}
            )
            self._cleanup.start()

    def _commit_sparse(self) -> None:
        self._commit_moves(self.staged)

    def _commit_moves(self, staged: list[str]) -> None:
        """Move staged files into `out` and delete files of earlier builds no longer made."""
        earlier = (set(self.earlier) | self.listed) - set(self.written)
        deletions = sorted(path for path in earlier if _ours(path))
        moves = list(staged)
        if set(self.written) != self.listed or not (self.out / MARKER).is_file():
            with _output_errors(self.out):
                (self.tmp / MARKER).write_bytes(marker_bytes(list(self.written)))
            moves.append(MARKER)
        if not moves and not deletions:
            shutil.rmtree(self.tmp, ignore_errors=True)
            return
        journal = {"moves": moves, "deletions": deletions}
        with _output_errors(self.out):
            _write_journal(self.tmp, journal)
        self._applying = True
        with _signals_blocked():
            try:
                self.out.mkdir(exist_ok=True)
                _apply(self.out, self.tmp, journal)
            except _Unrecoverable as exc:
                raise OutputError(
                    f"updating {self.out} failed half-way ({exc.__cause__}) and could not be "
                    "undone; the next build completes the update before anything else"
                ) from exc
            except OSError as exc:
                self._applying = False
                raise OutputError(
                    f"updating {self.out} failed half-way ({exc}); the previous output was "
                    "put back as it was"
                ) from exc
        self._applying = False
        shutil.rmtree(self.tmp, ignore_errors=True)


def _foreign(out: Path, listed: set[str]) -> list[str]:
    """Files in `out` that no earlier build wrote: the user's own (.git/ counted whole)."""
    found = []
    for dirpath, dirnames, filenames in os.walk(out):
        rel_dir = os.path.relpath(dirpath, out).replace(os.sep, "/")
        rel_dir = "" if rel_dir == "." else rel_dir + "/"
        if not rel_dir:
            found += [name for name in dirnames if name in NEVER_TOUCHED]
            dirnames[:] = [name for name in dirnames if name not in NEVER_TOUCHED]
        for name in filenames:
            path = rel_dir + name
            if path not in listed and path != MARKER:
                found.append(path)
        found += [rel_dir + n for n in dirnames if os.path.islink(os.path.join(dirpath, n))]
        if rel_dir and not filenames and not dirnames:
            found.append(rel_dir)  # an empty folder of the user's
    return found


def _write_journal(tmp: Path, journal: dict[str, list[str]]) -> None:
    """Write the journal whole or not at all: a crash mid-write leaves no journal."""
    part = tmp / (JOURNAL + ".part")
    with open(part, "w", encoding="utf-8") as handle:
        json.dump(journal, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(part, tmp / JOURNAL)


class _Unrecoverable(Exception):
    """A sparse commit failed and undoing it failed too: only rolling forward is left."""


def _apply(out: Path, tmp: Path, journal: dict[str, list[str]]) -> None:
    """Move staged files into `out` and stale ones out of it, all or nothing.

    Every file replaced or deleted is first moved into a backup inside `tmp`; if anything
    fails, the moves are undone in reverse. Safe to repeat after a crash (roll forward):
    files already moved are skipped.
    """
    backup = tmp / BACKUP
    done: list[tuple[str, str, bool]] = []  # (move|delete, path, there was an old file)
    made: list[Path] = []
    try:
        for path in journal["moves"]:
            parts = safe_parts(path)
            source, target = tmp.joinpath(*parts), out.joinpath(*parts)
            if not source.exists():
                continue  # moved already by an interrupted run of this same commit
            had_old = _stash(target, backup.joinpath(*parts))
            done.append(("stash", path, had_old))  # undone even if the move below fails
            made += _make_parents(out, parts)
            os.replace(source, target)
            done[-1] = ("move", path, had_old)
        for path in journal["deletions"]:
            parts = safe_parts(path)
            if _stash(out.joinpath(*parts), backup.joinpath(*parts)):
                done.append(("delete", path, True))
    except OSError as exc:
        try:
            _undo(out, tmp, done, made)
        except OSError as undo_error:
            raise _Unrecoverable() from undo_error
        raise exc
    for path in journal["deletions"]:
        _remove_empty_parents(out, safe_parts(path)[:-1])


def _stash(target: Path, backup: Path) -> bool:
    """Move `target` aside into the backup; False when there was nothing to move."""
    if not os.path.lexists(target):
        return False
    os.makedirs(backup.parent, exist_ok=True)
    os.replace(target, backup)
    return True


def _make_parents(out: Path, parts: list[str]) -> list[Path]:
    """Create the folders a new file needs; the ones created, outermost first."""
    created = []
    for depth in range(1, len(parts)):
        folder = out.joinpath(*parts[:depth])
        if not folder.exists():
            os.mkdir(folder)
            created.append(folder)
    return created


def _undo(out: Path, tmp: Path, done: list[tuple[str, str, bool]], made: list[Path]) -> None:
    for action, path, had_old in reversed(done):
        parts = safe_parts(path)
        target = out.joinpath(*parts)
        if action == "move":
            os.replace(target, tmp.joinpath(*parts))
        if had_old:
            os.replace(tmp.joinpath(BACKUP, *parts), target)
    for folder in reversed(made):
        with contextlib.suppress(OSError):
            os.rmdir(folder)


def _remove_empty_parents(out: Path, parts: list[str]) -> None:
    while parts:
        try:
            os.rmdir(out.joinpath(*parts))
        except OSError:
            return
        parts = parts[:-1]


def still_there(out: Path, records: Mapping[str, Record]) -> dict[str, Record]:
    """The records of the previous build whose files are still in `out`, untouched."""
    if not (out / MARKER).is_file():
        return {}
    kept = {}
    folder = os.fspath(out)
    for path, record in records.items():
        try:
            stat = os.lstat(os.path.join(folder, path))  # not pathlib: 13,000 paths at 10k
        except OSError:
            continue
        if stat.st_size == record.size and stat.st_mtime_ns == record.mtime_ns:
            kept[path] = record
    return kept


def safe_parts(path: str) -> list[str]:
    """The segments of a relative output path, refusing anything that could leave the folder."""
    parts = path.split("/")
    if (
        not path
        or path.startswith("/")
        or "\\" in path
        or "\x00" in path
        or any(p in ("", ".", "..") for p in parts)
        or ":" in parts[0]
    ):
        raise OutputError(f"refusing to write outside the output folder: {path!r}")
    return parts


def begin(out: Path, earlier: Mapping[str, Record] | None = None) -> Staging:
    """Prepare the temporary folder next to `out`, after checking `out` may be replaced.

    `earlier` is what the last build recorded writing to `out`; what is still there
    untouched can stay in place (a sparse commit).
    """
    out = Path(os.path.abspath(out))
    recover(out)
    _check_replaceable(out)
    tmp = out.with_name(f".{out.name}{TMP_TAG}{os.getpid()}")
    with _output_errors(out):
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
    earlier = dict(earlier or {})
    listed = manifest(out) if (out / MARKER).is_file() else set()
    return Staging(out, tmp, previous=still_there(out, earlier), earlier=earlier, listed=listed)


def _check_replaceable(out: Path) -> None:
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise OutputError(f"{out} exists and is not a folder; choose another --out")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise OutputError(
            f"{out} is not empty and was not written by glossary build (no {MARKER} file); "
            "refusing to replace it: empty it or choose another --out"
        )


def recover(out: Path) -> None:
    """Finish or undo what a build killed mid-way left behind next to `out`."""
    parent = out.parent
    if not parent.is_dir():
        return
    name = glob.escape(out.name)  # an output folder may be called `b[1]`
    for stale in sorted(parent.glob(f".{name}{OLD_TAG}*")):
        if not _dead(stale.name):
            continue
        if not out.exists():
            os.rename(stale, out)  # killed between the two renames of a full commit
        else:
            shutil.rmtree(stale, ignore_errors=True)
    for stale in sorted(parent.glob(f".{name}{TMP_TAG}*")):
        if not _dead(stale.name):
            continue
        journal = _read_journal(stale / JOURNAL)
        if journal is not None and out.is_dir():  # killed during a sparse commit: finish it
            try:
                _apply(out, stale, journal)
            except (OSError, _Unrecoverable) as exc:
                raise OutputError(
                    f"cannot finish the update of {out} that an interrupted build began "
                    f"({exc.__cause__ or exc}); its files are kept in {stale}"
                ) from exc
        elif (stale / BACKUP).is_dir() and out.is_dir():
            _restore_backups(out, stale / BACKUP)
        shutil.rmtree(stale, ignore_errors=True)


def _read_journal(path: Path) -> dict[str, list[str]] | None:
    """A commit journal, or None when there is none or it is not one whole and valid
    (empty, half-written, garbage): such a commit never began moving files."""
    try:
        journal = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(journal, dict) or set(journal) != {"moves", "deletions"}:
        return None
    for key in ("moves", "deletions"):
        paths = journal[key]
        if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
            return None
        try:
            for path in paths:
                safe_parts(path)
        except OutputError:
            return None
    return journal


def _restore_backups(out: Path, backup: Path) -> None:
    """Put back files a commit had moved aside, when its journal is gone: nothing is lost."""
    for dirpath, _dirnames, filenames in os.walk(backup):
        for name in filenames:
            source = Path(dirpath) / name
            rel = source.relative_to(backup)
            target = out / rel
            if not os.path.lexists(target):
                with contextlib.suppress(OSError):
                    os.makedirs(target.parent, exist_ok=True)
                    os.replace(source, target)


@contextlib.contextmanager
def output_lock(out: Path, notify: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the lock of output folder `out`: a second build into it waits, saying so.

    The lock file exists beside `out` only while a build holds it: the holder deletes it
    before letting go, and a waiter that then gets the lock of a deleted file tries again.
    """
    out = Path(os.path.abspath(out))
    lock = out.with_name(f".{out.name}{LOCK_TAG}")
    with _output_errors(out):
        out.parent.mkdir(parents=True, exist_ok=True)
    told = False
    while True:
        with _output_errors(out):
            fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if notify and not told:
                notify(f"waiting for another glossary build into {out} to finish...")
                told = True
            fcntl.flock(fd, fcntl.LOCK_EX)
        if _same_file(fd, lock):
            break
        os.close(fd)  # its holder deleted it as it finished: lock the next one
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(lock)
        os.close(fd)


def _same_file(fd: int, path: Path) -> bool:
    try:
        mine, there = os.fstat(fd), os.lstat(path)
    except OSError:
        return False
    return (mine.st_dev, mine.st_ino) == (there.st_dev, there.st_ino)


def _dead(name: str) -> bool:
    try:
        pid = int(name.rsplit("-", 1)[1])
    except (IndexError, ValueError):
        return True
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


@contextlib.contextmanager
def _signals_blocked() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    blocked = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextlib.contextmanager
def _output_errors(out: Path) -> Iterator[None]:
    try:
        yield
    except OutputError:
        raise
    except OSError as exc:
        reason = {
            errno.ENOSPC: "the disk is full",
            errno.EACCES: "permission denied",
            errno.EROFS: "the file system is read-only",
            errno.EDQUOT: "disk quota exceeded",
            errno.EPERM: "operation not permitted",
        }.get(exc.errno, exc.strerror or str(exc))
        where = exc.filename or out
        raise OutputError(
            f"cannot write {where}: {reason}; the previous output in {out} is untouched"
        ) from exc

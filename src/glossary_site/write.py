"""Stage 4, write: output files -> the output folder, atomically.

The new site is assembled in a temporary folder next to the output folder and swapped
in only when complete, so a failed or interrupted build leaves the previous output
exactly as it was. Files whose bytes did not change are hard-linked from the previous
output instead of rewritten. Every path is checked to stay inside the folder.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import signal
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .errors import OutputError

MARKER = ".glossary-build"
MARKER_TEXT = "This folder is written by `glossary build`; it is replaced on every build.\n"
TMP_TAG, OLD_TAG = ".glossary-tmp-", ".glossary-old-"


@dataclass(frozen=True, slots=True)
class Record:
    """What the previous build wrote at a path: content digest, size and mtime."""

    digest: str
    size: int
    mtime_ns: int


@dataclass
class Staging:
    """A new output folder under construction beside the old one."""

    out: Path
    tmp: Path
    previous: Mapping[str, Record] = field(default_factory=dict)
    written: dict[str, Record] = field(default_factory=dict)
    reused: int = 0
    _dirs: set[str] = field(default_factory=set)
    _cleanup: threading.Thread | None = None

    def put(self, path: str, digest: str, data: bytes | None) -> None:
        """Add a file: new bytes, or None to keep the previous build's identical file."""
        if data is None and self._link_previous(path, digest):
            return
        if data is None:
            raise OutputError(f"internal: no bytes for unchanged {path} and no previous copy")
        target = self._target(path)
        with _output_errors(self.out):
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
            finally:
                os.close(fd)
            self._record(path, digest, target)

    def copy(self, path: str, source: str, digest: str) -> None:
        """Add a static file, linked from the previous output when it is unchanged."""
        if self._link_previous(path, digest):
            return
        target = self._target(path)
        with _output_errors(self.out):
            shutil.copyfile(source, target, follow_symlinks=True)
            self._record(path, digest, target)

    def commit(self) -> None:
        """Swap the finished folder in; signals wait until the swap is done."""
        (self.tmp / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        old = self.out.with_name(f".{self.out.name}{OLD_TAG}{os.getpid()}")
        with _signals_blocked(), _output_errors(self.out):
            if self.out.exists():
                os.rename(self.out, old)
            os.rename(self.tmp, self.out)
        if old.exists():
            # deleting thousands of old files is slow; the caller overlaps it with other work
            self._cleanup = threading.Thread(target=shutil.rmtree, args=(old,),
                                             kwargs={"ignore_errors": True})
            self._cleanup.start()

    def wait(self) -> None:
        """Wait until the replaced output folder is deleted."""
        if self._cleanup is not None:
            self._cleanup.join()

    def abort(self) -> None:
        """Throw the unfinished folder away; the previous output is untouched."""
        shutil.rmtree(self.tmp, ignore_errors=True)

    def _link_previous(self, path: str, digest: str) -> bool:
        record = self.previous.get(path)
        if record is None or record.digest != digest:
            return False
        source = self.out / path
        try:
            stat = os.lstat(source)
        except OSError:
            return False
        if stat.st_size != record.size or stat.st_mtime_ns != record.mtime_ns or not \
                os.path.isfile(source) or os.path.islink(source):
            return False
        target = self._target(path)
        try:
            os.link(source, target)
        except OSError:  # no hard links here (FAT, some network shares): copy instead
            with _output_errors(self.out):
                shutil.copy2(source, target)
        self.written[path] = record
        self.reused += 1
        return True

    def _record(self, path: str, digest: str, target: str) -> None:
        stat = os.stat(target)
        self.written[path] = Record(digest, stat.st_size, stat.st_mtime_ns)

    def _target(self, path: str) -> str:
        parts = safe_parts(path)
        parent = "/".join(parts[:-1])
        if parent and parent not in self._dirs:
            with _output_errors(self.out):
                os.makedirs(self.tmp / parent, exist_ok=True)
            self._dirs.add(parent)
        return str(self.tmp.joinpath(*parts))


def still_there(out: Path, records: Mapping[str, Record]) -> dict[str, Record]:
    """The records of the previous build whose files are still in `out`, untouched."""
    kept = {}
    for path, record in records.items():
        try:
            stat = os.lstat(out / path)
        except OSError:
            continue
        if stat.st_size == record.size and stat.st_mtime_ns == record.mtime_ns:
            kept[path] = record
    return kept


def safe_parts(path: str) -> list[str]:
    """The segments of a relative output path, refusing anything that could leave the folder."""
    parts = path.split("/")
    if (not path or path.startswith("/") or "\\" in path or "\x00" in path
            or any(p in ("", ".", "..") for p in parts) or ":" in parts[0]):
        raise OutputError(f"refusing to write outside the output folder: {path!r}")
    return parts


def begin(out: Path) -> Staging:
    """Prepare a temporary folder next to `out`, after checking `out` may be replaced."""
    out = Path(os.path.abspath(out))
    _recover(out)
    _check_replaceable(out)
    tmp = out.with_name(f".{out.name}{TMP_TAG}{os.getpid()}")
    with _output_errors(out):
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
    return Staging(out, tmp)


def _check_replaceable(out: Path) -> None:
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise OutputError(f"{out} exists and is not a folder; choose another --out")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise OutputError(
            f"{out} is not empty and was not written by glossary build (no {MARKER} file); "
            "refusing to replace it: empty it or choose another --out"
        )


def _recover(out: Path) -> None:
    """Undo what a build killed mid-way left behind."""
    parent = out.parent
    if not parent.is_dir():
        return
    for stale in sorted(parent.glob(f".{out.name}{OLD_TAG}*")):
        if not out.exists() and _dead(stale.name):
            os.rename(stale, out)
        elif _dead(stale.name):
            shutil.rmtree(stale, ignore_errors=True)
    for stale in parent.glob(f".{out.name}{TMP_TAG}*"):
        if _dead(stale.name):
            shutil.rmtree(stale, ignore_errors=True)


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
        reason = {errno.ENOSPC: "the disk is full", errno.EACCES: "permission denied",
                  errno.EROFS: "the file system is read-only", errno.EDQUOT: "disk quota exceeded",
                  errno.EPERM: "operation not permitted"}.get(exc.errno, exc.strerror or str(exc))
        where = exc.filename or out
        raise OutputError(f"cannot write {where}: {reason}; the previous output in {out} "
                          "is untouched") from exc

"""Which files changed: watchfiles (Rust's notify: inotify, FSEvents, ReadDirectoryChanges)
watches content/, static/ and templates/ and hands over debounced batches, so an editor's
write-and-rename or a `git checkout` of hundreds of files is one batch, one rebuild.

The watched folders themselves may come and go (a deleted content/ folder, a new
templates/): each second without changes we look whether the set of folders changed and,
if so, watch the new set and report the change as a batch of its own.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Iterator
from pathlib import Path

FOLDERS = ("content", "static", "templates")
SETTLE_MS = 50  # a batch ends after this long without a new change: a save is seen 50-100 ms
# after it lands; 25 ms split a checkout of 300 files in two on a busy machine
LONGEST_MS = 1600  # ... or after this long whatever happens (a 500-file checkout)
POLL_SECONDS = 0.2  # how often the main thread looks up from waiting (Ctrl-C, stop)
CHECK_MS = 1000  # how often the set of watched folders is looked at when all is quiet
QUIET_SECONDS = 1.0  # without changes for this long after a batch: the quiet moment

Change = tuple[str, str]  # ("added" | "modified" | "deleted", path relative to the root)


def batches(
    root: Path, stop: threading.Event, started: threading.Event | None = None
) -> Iterator[list[Change]]:
    """Each batch of changes under the site's folders, until `stop` is set; `started` is
    set once the folders are watched."""
    import watchfiles

    root = root.resolve()
    names = {
        watchfiles.Change.added: "added",
        watchfiles.Change.modified: "modified",
        watchfiles.Change.deleted: "deleted",
    }
    watch_filter = watchfiles.DefaultFilter()
    while not stop.is_set():
        folders = _folders(root)
        if not folders:
            if started:
                started.set()
            time.sleep(CHECK_MS / 1000)
            if _folders(root):
                yield [("added", name) for name, _ in _folders(root)]
            continue
        found = folders
        if started:
            started.set()  # the watch is in place a few milliseconds later, long before
            # the first build (that the caller starts now) is done
        for changes in watchfiles.watch(
            *(root / name for name, _ in folders),
            watch_filter=watch_filter,
            debounce=LONGEST_MS,
            step=SETTLE_MS,
            rust_timeout=CHECK_MS,
            yield_on_timeout=True,
            stop_event=stop,
            raise_interrupt=False,
        ):
            if changes:
                yield sorted((names[kind], _relative(root, path)) for kind, path in changes)
            found = _folders(root)
            if found != folders:
                break
        if found != folders and not stop.is_set():
            yield [_folder_change(name, folders, found) for name in _differing(folders, found)]


class Watcher:
    """Watches on a thread of its own from the moment it starts, so that changes made
    during a (first) build are not lost: they wait in a queue for the next rebuild."""

    def __init__(self, root: Path, stop: threading.Event):
        self.stop = stop
        self._queue: queue.SimpleQueue[list[Change]] = queue.SimpleQueue()
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(root,), daemon=True)

    def start(self) -> None:
        """Start watching; returns once the watcher is in place."""
        self._thread.start()
        self._started.wait(5)

    def _run(self, root: Path) -> None:
        for batch in batches(root, self.stop, self._started):
            self._queue.put(batch)
        self._started.set()

    def changes(self, quiet: float = QUIET_SECONDS) -> Iterator[list[Change]]:
        """Each batch (with any batches already waiting merged in) until `stop` is set,
        and an empty batch once `quiet` seconds pass without changes after the start or
        after a batch: the moment for work that should not delay the next rebuild."""
        last = time.monotonic()
        armed = True
        while not self.stop.is_set():
            try:
                batch = self._queue.get(timeout=min(POLL_SECONDS, quiet))
            except queue.Empty:
                if armed and time.monotonic() - last >= quiet:
                    armed = False
                    yield []
                continue
            while not self._queue.empty():
                batch += self._queue.get()
            yield batch
            last = time.monotonic()
            armed = True


def _folders(root: Path) -> tuple[tuple[str, int], ...]:
    """The watched folders that exist, with their inode (a folder replaced is new)."""
    found = []
    for name in FOLDERS:
        try:
            stat = os.stat(root / name)
        except OSError:
            continue
        found.append((name, stat.st_ino))
    return tuple(found)


def _differing(
    before: tuple[tuple[str, int], ...], after: tuple[tuple[str, int], ...]
) -> list[str]:
    return sorted({name for name, _ in set(before) ^ set(after)})


def _folder_change(
    name: str, before: tuple[tuple[str, int], ...], after: tuple[tuple[str, int], ...]
) -> Change:
    present = {n for n, _ in after}
    was = {n for n, _ in before}
    kind = (
        "added"
        if name in present and name not in was
        else "deleted"
        if name not in present
        else "modified"
    )
    return (kind, name)


def _relative(root: Path, path: str) -> str:
    try:
        return Path(path).relative_to(root).as_posix()
    except ValueError:
        return path


def describe(changes: list[Change], root: Path) -> str:
    """A short account of a batch: `content/term/x.md edited`, or `3 files changed (...)`."""
    verbs = {"added": "added", "modified": "edited", "deleted": "deleted"}
    # an editor's or sed's temporary file, made and renamed away within the batch
    transient = {p for kind, p in changes if kind == "added" and not os.path.lexists(root / p)}
    paths = sorted({path for _, path in changes} - transient) or sorted(transient)
    changes = [(kind, path) for kind, path in changes if path in paths]
    if len(paths) == 1:
        kinds = {kind for kind, path in changes}
        verb = verbs[kinds.pop()] if len(kinds) == 1 else "replaced"
        return f"{paths[0]} {verb}"
    shown = ", ".join(paths[:3]) + (", ..." if len(paths) > 3 else "")
    return f"{len(paths)} files changed ({shown})"

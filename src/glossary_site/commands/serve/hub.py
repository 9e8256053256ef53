"""What the HTTP threads share with the rebuilding thread: the snapshot being served,
whether a rebuild is running, the problems of the last failed build, and the open tabs.

Requests wait while a rebuild runs, so a half-built site is never served; a snapshot is
replaced whole, by one assignment, when a rebuild succeeds.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass, field
from urllib.parse import unquote

from glossary_site.commands.serve.session import Snapshot

NOT_FOUND = "404.html"
WAIT_LIMIT = 120.0  # seconds a request waits for a rebuild before the last good site answers


@dataclass(eq=False)
class Tab:
    """One open page listening for events: its output path and the key it was served."""

    path: str
    key: str
    events: queue.SimpleQueue[tuple[str, str]] = field(default_factory=queue.SimpleQueue)


@dataclass
class Hub:
    """The served state; every method is safe to call from any thread."""

    snapshot: Snapshot | None = None
    problems: list[str] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)
    _busy: bool = False
    _ready: threading.Condition = field(default_factory=threading.Condition)
    _tabs: set[Tab] = field(default_factory=set)

    def rebuilding(self) -> None:
        """A rebuild starts: new requests wait until `publish`."""
        with self._ready:
            self._busy = True

    def publish(self, snapshot: Snapshot | None, problems: list[str]) -> None:
        """A rebuild ended: serve `snapshot` (None keeps the last good one), tell the tabs."""
        with self._ready:
            if snapshot is not None:
                self.snapshot = snapshot
            self.problems = problems
            self._busy = False
            self._ready.notify_all()
            tabs = list(self._tabs)
        for tab in tabs:
            key = self.served_key(tab.path)
            if key != tab.key:
                tab.key = key
                tab.events.put(("reload", ""))
            tab.events.put(("problems", _json_lines(problems)))

    def current(self) -> Snapshot | None:
        """The snapshot to answer with, after any running rebuild has finished."""
        with self._ready:
            self._ready.wait_for(lambda: not self._busy or self.stopping.is_set(), WAIT_LIMIT)
            return self.snapshot

    def served_key(self, path: str) -> str:
        """What a tab showing `path` was served: the file's key, or the 404 page's."""
        snapshot = self.snapshot
        if snapshot is None:
            return ""
        key = snapshot.key_of(path)
        if key is not None:
            return key
        return "missing:" + (snapshot.key_of(NOT_FOUND) or "")

    def open_tab(self, path: str, key: str) -> Tab:
        """Register a tab; it reloads at once if its page changed since it was served."""
        tab = Tab(path, key)
        with self._ready:
            self._tabs.add(tab)
            current = self.served_key(path)
            problems = list(self.problems)
        if current != key:
            tab.key = current
            tab.events.put(("reload", ""))
        if problems:
            tab.events.put(("problems", _json_lines(problems)))
        return tab

    def close_tab(self, tab: Tab) -> None:
        """Forget a tab whose connection closed."""
        with self._ready:
            self._tabs.discard(tab)

    def stop(self) -> None:
        """Wake everything that waits, so the server can stop within a second."""
        self.stopping.set()
        with self._ready:
            self._ready.notify_all()


def _json_lines(lines: list[str]) -> str:
    import json

    return json.dumps(lines, ensure_ascii=False)


def site_file(request_path: str, base_path: str) -> str | None:
    """The output path a request path names, or None when it names nothing we could serve.

    `..`, `.`, empty segments, NUL and backslashes (raw or percent-encoded) name nothing;
    a directory path names its index.html.
    """
    if not request_path.startswith(base_path):
        return None
    try:
        rest = unquote(request_path[len(base_path) :], errors="strict")
    except UnicodeDecodeError:
        return None
    parts = rest.split("/")
    if "\x00" in rest or "\\" in rest or any(p in ("", ".", "..") for p in parts[:-1]):
        return None
    if parts[-1] in (".", ".."):
        return None
    return rest + "index.html" if rest == "" or rest.endswith("/") else rest

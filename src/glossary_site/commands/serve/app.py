"""`glossary serve`: build once, serve, watch, rebuild; until Ctrl-C.

The main thread builds and watches (so Ctrl-C and SIGTERM reach it), the HTTP server
answers on its own threads. The socket is bound before the first build, so a port in use
is reported at once; requests that arrive during a build wait for it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from glossary_site.commands.build import BuildOptions, Progress
from glossary_site.commands.serve.hub import Hub
from glossary_site.commands.serve.server import PreviewServer
from glossary_site.commands.serve.session import Outcome, Session
from glossary_site.commands.serve.watch import Change, Watcher, describe
from glossary_site.write import parallel


@dataclass(frozen=True, slots=True)
class ServeOptions:
    """Where to listen and what to build."""

    build: BuildOptions = field(default_factory=BuildOptions)
    host: str = "127.0.0.1"
    port: int = 8000
    open_browser: bool = False


class Reporter(Protocol):
    """What the command line shows; the serve loop itself prints nothing."""

    def ready(self, url: str, outcome: Outcome) -> None: ...

    def rebuilt(self, what: str, outcome: Outcome) -> None: ...


def url_of(host: str, port: int, base_path: str) -> str:
    """The preview's address as a browser should be given it."""
    shown = "127.0.0.1" if host in ("", "0.0.0.0") else "[::1]" if host == "::" else host
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}{base_path}"


def file_roots(root: Path) -> list[Path]:
    """The folders copied files may be served from (links leading elsewhere are refused)."""
    from glossary_site.load.scan import default_theme_dir

    return [root / "static", root / "templates" / "assets", default_theme_dir() / "assets"]


def serve(
    root: Path,
    options: ServeOptions,
    reporter: Reporter,
    progress: Callable[[], AbstractContextManager[Progress | None]] | None = None,
    stop: threading.Event | None = None,
) -> None:
    """Serve `root` until interrupted (KeyboardInterrupt) or `stop` is set."""
    root = root.resolve()
    stop = stop or threading.Event()
    hub = Hub(stopping=stop)
    server = PreviewServer((options.host, options.port), hub, file_roots(root))
    thread: threading.Thread | None = None
    try:
        session = Session(root, options.build)
        watcher = Watcher(root, stop)
        watcher.start()
        hub.rebuilding()
        with progress() if progress else nullcontext() as bar:
            outcome = _publish(hub, session.start(bar))
        thread = threading.Thread(target=server.serve_forever, args=(0.2,), daemon=True)
        thread.start()
        base = session.current.base_path if session.current else "/"
        url = url_of(options.host, server.port, base)
        reporter.ready(url, outcome)
        if options.open_browser:
            import webbrowser

            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
        unsaved = outcome.ok
        del outcome  # files read back by the start (320 MB at 10,000 entries) go once settled
        if session.unsettled:
            unsaved = _settle(hub, session, reporter) and unsaved
        untidy = True
        # Saving the cache (up to a second at 10,000 entries) and a full garbage collection
        # (0.4 s) are done in a quiet moment: they never hold up the rebuild of the next
        # save in the editor, nor the requests right after a rebuild
        for changes in watcher.changes():
            if changes:
                # memos are saved after a successful build only (as `glossary build` does)
                unsaved = _rebuild(hub, session, changes, reporter)
                untidy = True
                continue
            if unsaved:
                session.save_cache()
                unsaved = False
            if untidy:
                session.tidy()
                untidy = False
    finally:
        hub.stop()
        if thread is not None:
            server.shutdown()
        server.server_close()


def _rebuild(hub: Hub, session: Session, changes: list[Change], reporter: Reporter) -> bool:
    """Rebuild after `changes`; whether it succeeded (and left memos to save)."""
    hub.rebuilding()
    try:
        outcome = session.build(touched=[path for _, path in changes])
    except BaseException:
        hub.publish(None, hub.problems)
        raise
    _publish(hub, outcome)
    reporter.rebuilt(describe(changes, session.root), outcome)
    return outcome.ok


def _settle(hub: Hub, session: Session, reporter: Reporter) -> bool:
    """Load the site behind the files served from the last `glossary build`, while they
    are served: requests do not wait, since what they are answered with does not change.
    Whether it succeeded."""
    outcome = session.settle()
    # served from now on even when no file changed: the same bytes, kept packed (the
    # files read back are let go, and the pages they held handed back)
    _publish(hub, outcome)
    parallel.release_free_memory()
    if not outcome.ok or outcome.changed:  # the files changed since: as after an edit
        reporter.rebuilt("site loaded", outcome)
    return outcome.ok


def _publish(hub: Hub, outcome: Outcome) -> Outcome:
    if outcome.ok:
        hub.publish(outcome.snapshot, [])
    else:
        lines = [p.format() for p in sorted(set(outcome.problems))] or [outcome.internal]
        hub.publish(None, lines)
    return outcome

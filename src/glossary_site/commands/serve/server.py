"""The preview's HTTP layer: the standard library's ThreadingHTTPServer.

Only the site's own files are served (the snapshot's rendered bytes, and static files and
theme assets read from their source, refused when a link leads out of their folder);
anything else gets the site's 404.html with status 404. HTML responses get the live-reload
script. Requests whose Host is neither the bound name, `localhost` nor an IP address are
refused: a DNS-rebinding page (a hostile name resolving to 127.0.0.1) must not read the
preview.
"""

from __future__ import annotations

import errno
import ipaddress
import mimetypes
import os
import socket
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from glossary_site.commands.serve import live
from glossary_site.commands.serve.hub import NOT_FOUND, Hub, site_file
from glossary_site.commands.serve.session import Snapshot

TEXT_TYPES = ("application/json", "application/xml", "application/atom+xml", "image/svg+xml")
PING_SECONDS = 15.0
POLL_SECONDS = 0.25  # how often a waiting event stream looks whether the server stops

mimetypes.add_type("application/atom+xml", ".xml", strict=False)  # feeds are Atom


class PortInUse(Exception):
    """The port is taken by another program."""


class PreviewServer(ThreadingHTTPServer):
    """A threading HTTP server that knows the hub and where files may come from."""

    daemon_threads = True  # an open event stream never holds the process at exit
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], hub: Hub, file_roots: list[Path]):
        self.hub = hub
        self.host_names = {address[0].lower(), "localhost"}
        self.file_roots = [os.path.realpath(root) for root in file_roots]
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        try:
            super().__init__(address, Handler)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise PortInUse(
                    f"port {address[1]} on {address[0]} is in use by another program; "
                    "choose another with --port (or --port 0 for any free one)"
                ) from None
            raise

    @property
    def port(self) -> int:
        """The port actually bound (--port 0 picks one)."""
        return int(self.server_address[1])


class Handler(BaseHTTPRequestHandler):
    """GET and HEAD of the site's files, and the live-reload event stream."""

    server: PreviewServer
    protocol_version = "HTTP/1.1"
    server_version = "glossary-serve"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the terminal shows rebuilds and problems, not every request."""

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def do_GET(self) -> None:
        self._answer(head=False)

    def _answer(self, head: bool) -> None:
        if not self._host_allowed():
            self._send(HTTPStatus.FORBIDDEN, b"Host not allowed\n", "text/plain", head=head)
            return
        url = urlsplit(self.path)
        if url.path == live.EVENTS and not head:
            self._events(parse_qs(url.query))
            return
        hub = self.server.hub
        snapshot = hub.current()
        if snapshot is None:
            body = live.problems_page(hub.problems or ["The first build is still running."])
            self._send(HTTPStatus.SERVICE_UNAVAILABLE, body, "text/html", head=head)
            return
        base = snapshot.base_path
        if url.path in ("/", base.rstrip("/")) and url.path != base:
            self._redirect(base, url.query, head)
            return
        path = site_file(url.path, base)
        if path is not None and snapshot.has(path):
            self._file(snapshot, path, head)
        elif (
            path is not None
            and not path.endswith("index.html")
            and snapshot.has(path + "/index.html")
        ):
            self._redirect(url.path + "/", url.query, head)
        else:
            self._not_found(snapshot, head)

    def _host_allowed(self) -> bool:
        host = self.headers.get("Host")
        if not host:
            return False
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        name = name.strip("[]").lower()
        if name in self.server.host_names:
            return True
        try:  # an IP address cannot be re-pointed by DNS
            ipaddress.ip_address(name)
        except ValueError:
            return False
        return True

    def _file(self, snapshot: Snapshot, path: str, head: bool) -> None:
        key = snapshot.key_of(path) or ""
        etag = f'"{key}"'
        kind = _content_type(path)
        if etag in _tags(self.headers.get("If-None-Match", "")):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.send_header("ETag", etag)
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            return
        data = snapshot.rendered.get(path)
        if data is None:
            data = self._read_copied(snapshot, path)
            if data is None:
                self._not_found(snapshot, head)
                return
        if kind == "text/html":
            data = live.inject(data, key)
        self._send(HTTPStatus.OK, data, kind, head=head, etag=etag)

    def _read_copied(self, snapshot: Snapshot, path: str) -> bytes | None:
        """A static file or asset's bytes, unless it vanished or now leads out of its folder."""
        source = snapshot.copied[path].source
        real = os.path.realpath(source)
        if not any(real.startswith(root + os.sep) for root in self.server.file_roots):
            return None
        try:
            with open(real, "rb") as handle:
                return handle.read()
        except OSError:
            return None

    def _not_found(self, snapshot: Snapshot, head: bool) -> None:
        page = snapshot.rendered.get(NOT_FOUND, b"<!DOCTYPE html><title>Not found</title>")
        key = "missing:" + (snapshot.key_of(NOT_FOUND) or "")
        self._send(HTTPStatus.NOT_FOUND, live.inject(page, key), "text/html", head=head)

    def _redirect(self, location: str, query: str, head: bool) -> None:
        target = location + (f"?{query}" if query else "")
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", target)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, status: HTTPStatus, data: bytes, kind: str, head: bool, etag: str = "") -> None:
        self.send_response(status)
        self.send_header("Content-Type", _with_charset(kind))
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        if etag:
            self.send_header("ETag", etag)
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def _events(self, query: dict[str, list[str]]) -> None:
        """The live-reload stream of one tab: `reload` and `problems` events."""
        hub = self.server.hub
        path = _tab_path(hub, query.get("path", ["/"])[0])
        tab = hub.open_tab(path, query.get("key", [""])[0])
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        idle = 0.0
        try:
            self.wfile.write(b"retry: 500\n\n")
            self.wfile.flush()
            while not hub.stopping.is_set():
                try:
                    name, data = tab.events.get(timeout=POLL_SECONDS)
                except Exception:  # queue.Empty: nothing yet
                    idle += POLL_SECONDS
                    if idle >= PING_SECONDS:  # find out whether the tab is gone
                        self.wfile.write(b": ping\n\n")
                        self.wfile.flush()
                        idle = 0.0
                    continue
                self.wfile.write(f"event: {name}\ndata: {data}\n\n".encode())
                self.wfile.flush()
        except OSError:
            pass  # the tab closed or reloaded
        finally:
            hub.close_tab(tab)


def _tab_path(hub: Hub, page: str) -> str:
    """The output path a tab's page names (the 404 page's when none). The snapshot is not
    kept: a stream lasts as long as its tab, and would keep a replaced snapshot's files
    alive (320 MB at 10,000 entries)."""
    snapshot = hub.current()
    base = snapshot.base_path if snapshot is not None else "/"
    return site_file(page, base) or NOT_FOUND + "?"


def _tags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


def _content_type(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    if name.endswith(".xml"):
        return "application/atom+xml" if name == "feed.xml" else "application/xml"
    kind, _ = mimetypes.guess_type(name, strict=False)
    return kind or "application/octet-stream"


def _with_charset(kind: str) -> str:
    if kind.startswith("text/") or kind in TEXT_TYPES or kind.endswith("javascript"):
        return f"{kind}; charset=utf-8"
    return kind

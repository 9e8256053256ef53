"""A `glossary serve` running in a thread of the test process, for HTTP and browser tests."""

from __future__ import annotations

import http.client
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conftest import SITES
from glossary_site.commands.build import BuildOptions
from glossary_site.commands.serve.app import ServeOptions, serve


@dataclass
class Recorder:
    """Collects what serve reports; tests wait on it."""

    url: str = ""
    lines: list[str] = field(default_factory=list)
    outcomes: list[Any] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def ready(self, url: str, outcome: Any) -> None:
        with self.changed:
            self.url = url
            self.outcomes.append(outcome)
            self.changed.notify_all()

    def rebuilt(self, what: str, outcome: Any) -> None:
        with self.changed:
            self.lines.append(what)
            self.outcomes.append(outcome)
            self.changed.notify_all()

    def wait_builds(self, count: int, timeout: float = 30) -> Any:
        """Wait until `count` builds (the first one included) have finished; the last."""
        with self.changed:
            assert self.changed.wait_for(lambda: len(self.outcomes) >= count, timeout), (
                f"only {len(self.outcomes)} builds after {timeout} s: {self.lines}"
            )
            return self.outcomes[-1]


@dataclass
class Preview:
    """A running preview of a site."""

    root: Path
    recorder: Recorder
    port: int
    base_path: str

    @property
    def url(self) -> str:
        return self.recorder.url

    def request(
        self, path: str, method: str = "GET", headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        """One raw request (the path is sent exactly as given)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            sent = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
            for name, value in sent.items():
                connection.putheader(name, value)
            connection.endheaders()
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def edit(self, rel: str, text: str) -> int:
        """Write a file the way an editor saves; the number of builds to wait for."""
        count = len(self.recorder.outcomes)
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.saving")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
        return count + 1

    def wait_for(self, path: str, text: str, timeout: float = 20) -> bytes:
        """Poll `path` until its body contains `text`."""
        deadline = time.monotonic() + timeout
        while True:
            _, _, body = self.request(path)
            if text.encode() in body or time.monotonic() > deadline:
                return body
            time.sleep(0.05)


@contextmanager
def running_preview(root: Path, **build: Any) -> Iterator[Preview]:
    """Serve `root` on a free port in a background thread until the block ends."""
    recorder = Recorder()
    stop = threading.Event()
    options = ServeOptions(BuildOptions(jobs=1, **build), port=0)
    failure: list[BaseException] = []

    def run() -> None:
        try:
            serve(root, options, recorder, stop=stop)
        except BaseException as exc:  # reported by the test, not lost in the thread
            failure.append(exc)
            with recorder.changed:
                recorder.changed.notify_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    recorder.wait_builds(1)
    assert not failure, failure
    port = int(recorder.url.split(":")[2].split("/")[0])
    base = "/" + recorder.url.split("/", 3)[3]
    try:
        yield Preview(root, recorder, port, base)
    finally:
        stop.set()
        thread.join(5)
        assert not thread.is_alive(), "serve did not stop"
        assert not failure, failure


def copy_basic(target: Path) -> Path:
    """The tests' basic site, copied (without build or cache)."""
    shutil.copytree(SITES / "basic", target, ignore=shutil.ignore_patterns("build", ".glossary-*"))
    return target

#!/usr/bin/env python3
"""Benchmark `glossary serve` on the shared synthetic corpus (default 10,000 entries).

    python benchmarks/serve.py                    # 10,000 entries, 20 edits of each kind
    python benchmarks/serve.py --entries 1000 --edits 5
    python benchmarks/serve.py --cold-reps 3      # cold start and cold build 3 times each

Measured as a browser sees it: the time from a file's save to the new text in the served
page, two ways. `reload event` (the default figure): as an open tab does, the page is
fetched, its live-reload stream opened with the page's key, the file saved; when the
stream says `reload` the page is fetched again and must show the new text. `polling`
(`--polling`, as many edits again, alternating with the others edit by edit): the page
is requested every 2 ms until it shows the new text (a request that arrives during a
rebuild waits for it). Scenarios:

  cold          `glossary serve --no-cache` from start to the first page answered, against
                `glossary build --no-cache` of the same corpus
  warm          `glossary serve` after a `glossary build` (cache and SITE/build filled), start
                to first page answered
  body edit     one definition's body edited (a different one each time)
  title edit    one entry's title edited: every page listing, linking to or mentioning it
                changes; the snapshot is published whole, so once the entry's page shows
                the new title every affected page does too (checked at the end)
  memory        the serving process's resident set (VmRSS now, VmHWM peak)

At the end the whole served site is compared with a fresh `glossary build --no-cache` of
the edited corpus, byte for byte (the injected reload script aside).
"""

from __future__ import annotations

import argparse
import http.client
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from corpus import GEN  # noqa: E402

TARGETS = {"body edit": 0.300, "title edit": 1.5, "warm start": 3.0}
SCRIPT = re.compile(rb"<script data-glossary-serve>.*?</script>", re.S)
EVENTS = "/__glossary-serve/events"  # the live-reload stream (commands/serve/live.py)


def glossary(*args: str) -> list[str]:
    return [sys.executable, "-m", "glossary_site", *args]


def generate(site: Path, entries: int) -> None:
    if (site / "content").is_dir():
        return
    command = [sys.executable, str(GEN), "--entries", str(entries), "--format", "glossary"]
    subprocess.run([*command, "--out", str(site)], check=True, capture_output=True)


def get(port: int, path: str) -> tuple[int, bytes]:
    status, _, body = fetch(port, path)
    return status, body


def fetch(port: int, path: str) -> tuple[int, str, bytes]:
    """Status, ETag and body of a page."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.getheader("ETag") or "", response.read()
    finally:
        connection.close()


class ReloadStream:
    """The live-reload stream an open tab of `path` holds (what the injected script opens)."""

    def __init__(self, port: int, path: str, etag: str):
        query = urllib.parse.urlencode({"path": path, "key": etag.strip('"')})
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.connection.request("GET", f"{EVENTS}?{query}")
        self.response = self.connection.getresponse()

    def wait_reload(self) -> None:
        while True:
            line = self.response.fp.readline()
            if not line:
                raise SystemExit("the live-reload stream closed")
            if line.strip() == b"event: reload":
                return

    def close(self) -> None:
        self.connection.close()


class Server:
    """A `glossary serve` subprocess."""

    def __init__(self, site: Path, *args: str):
        started = time.perf_counter()
        self.process = subprocess.Popen(
            glossary("serve", "--source", str(site), "--port", "0", *args),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.process.stdout is not None
        line = ""
        while "Serving at" not in line:
            line = self.process.stdout.readline()
            if not line:
                raise SystemExit("glossary serve exited before serving")
        url = line.split()[2]
        self.port = int(url.split(":")[2].split("/")[0])
        self.base = "/" + url.split("/", 3)[3]
        status, _ = get(self.port, self.base)
        self.ready = time.perf_counter() - started
        assert status == 200, status

    def memory_mb(self) -> tuple[float, float]:
        fields = {}
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            name, _, value = line.partition(":")
            fields[name] = value
        return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout=30)


def wait_for(port: int, path: str, text: bytes, limit: float = 120.0) -> float:
    """Seconds from now until `path` is served containing `text`."""
    started = time.perf_counter()
    while True:
        _, body = get(port, path)
        elapsed = time.perf_counter() - started
        if text in body:
            return elapsed
        if elapsed > limit:
            raise SystemExit(f"{path} never showed {text!r}")
        time.sleep(0.002)


def saved_and_seen(
    server: Server, url: str, path: Path, text: str, mark: bytes, poll: bool
) -> float:
    """Seconds from saving `text` into `path` to `url` showing `mark`."""
    if poll:
        path.write_text(text, encoding="utf-8")
        return wait_for(server.port, url, mark)
    _, etag, _ = fetch(server.port, url)
    stream = ReloadStream(server.port, url, etag)
    try:
        started = time.perf_counter()
        path.write_text(text, encoding="utf-8")
        while True:
            stream.wait_reload()
            _, etag, body = fetch(server.port, url)
            if mark in body:
                return time.perf_counter() - started
            stream.close()  # reloaded before the save was seen: a tab opens a new stream
            stream = ReloadStream(server.port, url, etag)
    finally:
        stream.close()


def timed_edits(
    server: Server,
    files: list[Path],
    polls: list[bool],
    edited: Callable[[int, str], tuple[str, str]],
) -> dict[bool, list[float]]:
    """Seconds to see each edit of `files` per way of waiting (polling or not), the ways
    alternating edit by edit so that both meet the same moments of the session.
    `edited(n, text)`: the n-th file's new text and the mark that shows it is served."""
    times: dict[bool, list[float]] = {poll: [] for poll in polls}
    for n, path in enumerate(files):
        poll = polls[n % len(polls)]
        text, mark = edited(n, path.read_text(encoding="utf-8"))
        url = f"{server.base}definition/{path.stem}/"
        times[poll].append(saved_and_seen(server, url, path, text, mark.encode(), poll))
        time.sleep(0.2)
    return times


def edit_bodies(
    server: Server, site: Path, count: int, polls: list[bool]
) -> dict[bool, list[float]]:
    """`count` body edits per way of waiting (timed_edits)."""
    files = sorted((site / "content/definition").glob("*.md"))[::7][: count * len(polls)]

    def edited(n: int, text: str) -> tuple[str, str]:
        mark = f"benchbody{n}x"
        return text + f"\nA closing line {mark}.\n", mark

    return timed_edits(server, files, polls, edited)


def edit_titles(
    server: Server, site: Path, count: int, polls: list[bool]
) -> dict[bool, list[float]]:
    """`count` title edits per way of waiting (timed_edits)."""
    files = sorted((site / "content/definition").glob("*.md"))[3::11][: count * len(polls)]

    def edited(n: int, text: str) -> tuple[str, str]:
        title = f"Benchtitle {n} Zq"
        return re.sub(r"(?m)^title: .*$", f'title: "{title}"', text, count=1), title

    return timed_edits(server, files, polls, edited)


def mismatches(server: Server, site: Path, work: Path) -> tuple[int, int]:
    """Files whose served bytes differ from a fresh build's, and files compared."""
    out = work / "check"
    subprocess.run(
        glossary("build", "-s", str(site), "-o", str(out), "--no-cache", "-q"), check=True
    )
    wrong = compared = 0
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out).as_posix()
        if not path.is_file() or rel == ".glossary-build":
            continue
        url = server.base + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)
        _, body = get(server.port, url)
        compared += 1
        wrong += SCRIPT.sub(b"", body) != path.read_bytes()
    return wrong, compared


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    # Started in the background (`cmd &` in a script, nohup), this process and so every
    # `glossary serve` it starts would ignore SIGINT, and stop() would wait in vain
    signal.signal(signal.SIGINT, signal.default_int_handler)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument(
        "--polling",
        action="store_true",
        help="also time as many edits by polling the page every 2 ms, alternating edit by edit",
    )
    parser.add_argument(
        "--cold-reps",
        type=int,
        default=1,
        help="cold starts and cold builds to time, alternating (medians; default 1)",
    )
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="serve-bench-"))
    site = work / "site"
    generate(site, args.entries)
    shutil.rmtree(site / ".glossary-cache", ignore_errors=True)
    rows = []
    builds, starts = [], []
    for _ in range(args.cold_reps):  # alternating, so that a change of load hits both
        shutil.rmtree(work / "cold", ignore_errors=True)
        cold = glossary("build", "-s", str(site), "-o", str(work / "cold"), "--no-cache", "-q")
        builds.append(timed(cold))
        server = Server(site, "--no-cache")
        server.stop()
        starts.append(server.ready)
    build_cold = statistics.median(builds)
    rows.append(
        (
            f"cold start (--no-cache, median of {len(starts)})",
            statistics.median(starts),
            f"<= build --no-cache {build_cold:.2f} s",
        )
    )
    # fills the cache, and SITE/build: a first serve reads the pages it still vouches for
    timed(glossary("build", "-s", str(site), "-q"))
    server = Server(site)
    rows.append(("warm start", server.ready, "<= 3.00 s"))
    try:
        polls = [False, True] if args.polling else [False]
        body_times = edit_bodies(server, site, args.edits, polls)
        title_times = edit_titles(server, site, args.edits, polls)
        bodies, titles = body_times[False], title_times[False]
        polled = (body_times[True], title_times[True]) if args.polling else None
        rss, peak = server.memory_mb()
        wrong, compared = mismatches(server, site, work)
    finally:
        server.stop()
    rows.append((f"body edit (median of {len(bodies)})", statistics.median(bodies), "<= 0.30 s"))
    rows.append((f"title edit (median of {len(titles)})", statistics.median(titles), "<= 1.50 s"))
    print(f"glossary serve, {args.entries:,} entries ({work})")
    for name, seconds, target in rows:
        print(f"  {name:32} {seconds:7.2f} s   target {target}")
    if len(starts) > 1:
        shown = ", ".join(f"{a:.1f}/{b:.1f}" for a, b in zip(starts, builds, strict=True))
        print(f"  {'cold start / build, each run':32} {shown} s")
    print(f"  {'body edits min / max':32} {min(bodies):.2f} / {max(bodies):.2f} s")
    print(f"  {'title edits min / max':32} {min(titles):.2f} / {max(titles):.2f} s")
    if polled is not None:
        for name, found in zip(("body", "title"), polled, strict=True):
            low, mid, high = min(found), statistics.median(found), max(found)
            print(f"  {name + ' edit, polling':32} {mid:7.2f} s   ({low:.2f} - {high:.2f})")
    print(f"  {'memory (RSS now / peak)':32} {rss:,.0f} / {peak:,.0f} MB   target < 1,000 MB")
    print(f"  {'served = fresh build':32} {compared - wrong:,} of {compared:,} files identical")


if __name__ == "__main__":
    main()

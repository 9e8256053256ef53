#!/usr/bin/env python3
"""Search and page-size figures on a generated corpus, in headless Chromium.

    python benchmarks/search.py                       # 10,000 entries
    python benchmarks/search.py --entries 10000,50000
    python benchmarks/search.py --entries 10000 --pages-only
    python benchmarks/search.py --entries 50000 --site DIR/build --reps 3   # a built site
    python benchmarks/search.py --site NEW/build --against OLD/build       # two, alternately
    python benchmarks/search.py --site DIR/build --server python,nginx      # both servers

For each size: generates the shared synthetic corpus, builds it cold (`--no-cache`,
in-process, one worker per core) and prints

- the cold build time and the time to compute and serialise the search index (the
  index's share of the build; target <= 10%),
- the largest HTML page of each kind (target: none over 300 KB raw),
- then, in Debian's Chromium (/usr/bin/chromium via Playwright) against a static HTTP
  server in a process of its own (`--server`: Python's http.server, the default, which
  speaks HTTP/1.0 with a new connection per file and no compression, and/or Debian's
  nginx with keep-alive and gzip level 6, as a static host serves; with both, each
  query's runs alternate between them), for each query (exact title, prefix, misspelt,
  alias-free body word ...): the gzipped bytes downloaded before the first results
  (every file that had arrived: page, CSS, scripts, manifest, shards, documents; each
  gzipped at level 6, as a static host would serve it) and the milliseconds from the
  query to the results, by mode: `cold` types into the box right after the page
  loaded (the manifest and engine load during the query unless search.js's warm-up
  after the load event has them in already),
  `warm` focuses the box first (search.js fetches the manifest and engine on focus) and
  types 0.5 s later, and `--modes` may add `settled`: typed 0.5 s after the load event
  without touching the box first (what the load event's warm-up alone gives). Each
  query runs in a fresh browser context (empty cache). Targets: 10k <= 100 KB and
  100 ms; 50k <= 250 KB and 200 ms.
"""

from __future__ import annotations

import argparse
import atexit
import gzip
import json
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import GEN  # noqa: E402

from glossary_site.commands.build import BuildOptions, build  # noqa: E402
from glossary_site.render.search import shard_name  # noqa: E402
from glossary_site.render.search import words as title_words  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
TARGETS = {10_000: (100_000, 100.0), 50_000: (250_000, 200.0)}
PAGE_LIMIT = 300_000
KINDS = [
    ("home", r"index\.html"),
    ("404", r"404\.html"),
    ("A-Z index", r"(area|term|definition)/index\.html"),
    ("resource page", r"area/[^/]+/resource/\d+/index\.html"),
    ("What links here", r"(term|definition)/[^/]+/links/(\d+/)?index\.html"),
    # a letter's folder is its one-character code (an entry with a one-letter slug aside)
    ("letter page", r"(area|term|definition)/[^/]/(letter/)?(\d+/)?index\.html"),
    ("letter page", r"(area|term|definition)/[^/]+/letter/(\d+/)?index\.html"),
    ("area", r"area/[^/]+/index\.html"),
    ("entry", r"(term|definition)/[^/]+/index\.html"),
    ("letter page", r"(term|definition)/[^/]/\d+/index\.html"),
]


NGINX = "/usr/sbin/nginx"
# what a static host does that Python's http.server does not: keep-alive connections
# (http.server speaks HTTP/1.0, one connection per file) and gzip on the fly
NGINX_CONF = """daemon off;
master_process off;
worker_processes 1;
pid {run}/nginx.pid;
error_log {run}/error.log;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    types {{ application/json json; }}
    access_log off;
    sendfile on;
    keepalive_timeout 65;
    gzip on;
    gzip_comp_level 6;
    gzip_min_length 256;
    gzip_types text/css application/javascript text/javascript application/json image/svg+xml;
    client_body_temp_path {run}/body;
    proxy_temp_path {run}/proxy;
    fastcgi_temp_path {run}/fastcgi;
    uwsgi_temp_path {run}/uwsgi;
    scgi_temp_path {run}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {out};
        index index.html;
        error_page 404 /404.html;
    }}
}}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def static_server(out: Path, kind: str = "python") -> tuple[subprocess.Popen[bytes], str]:
    """A static file server for `out` in a process of its own, and its base URL: Python's
    http.server (HTTP/1.0, a connection per file, no compression) or nginx (keep-alive,
    gzip level 6, as a static host serves)."""
    port = free_port()
    if kind == "nginx":
        run = Path(tempfile.mkdtemp(prefix="search-nginx-"))
        atexit.register(shutil.rmtree, run, True)
        conf = run / "nginx.conf"
        conf.write_text(NGINX_CONF.format(run=run, port=port, out=out.resolve()))
        command = [NGINX, "-p", str(run), "-c", str(conf)]
    else:
        command = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
        command += ["--directory", str(out)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.1):
                return server, base
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.05)
    server.terminate()
    raise SystemExit(f"the {kind} static server on port {port} did not start")


def generate(entries: int, where: Path) -> Path:
    out = where / f"site-{entries}"
    command = [sys.executable, str(GEN), "--entries", str(entries), "--format", "glossary"]
    subprocess.run([*command, "--out", str(out)], check=True, capture_output=True)
    return out


def index_seconds(graph: object) -> float:
    """Time to compute the index from the graph and serialise every part, as a build does."""
    from glossary_site.render import search

    search._MEMO.clear()
    started = time.perf_counter()
    index = search.search_index(graph)
    parts = [index.manifest, *index.titles.values(), *index.words.values(), *index.docs.values()]
    for part in parts:
        json.dumps(part, ensure_ascii=False, separators=(",", ":")).encode()
    return time.perf_counter() - started


def page_kind(rel: str) -> str:
    return next(name for name, pattern in KINDS if re.fullmatch(pattern, rel))


def largest_pages(out: Path) -> dict[str, tuple[int, str]]:
    found: dict[str, tuple[int, str]] = {}
    for path in out.rglob("*.html"):
        rel = path.relative_to(out).as_posix()
        kind, size = page_kind(rel), path.stat().st_size
        if size > found.get(kind, (0, ""))[0]:
            found[kind] = (size, rel)
    return found


def title_key(keys: set[str], word: str) -> str | None:
    """The title shard search.js loads for a word (its titleKey)."""
    two = shard_name(word, 2)
    if two in keys:
        return two
    if len(word) <= 2:
        return two + "_" if two + "_" in keys else None
    return shard_name(word, 3) if shard_name(word, 3) in keys else None


def queries(out: Path) -> list[tuple[str, str, str]]:
    """(label, query, title expected among the results) from the built index."""
    docs = {}
    for bucket in (out / "search/d").glob("*.json"):
        docs.update(json.loads(bucket.read_text(encoding="utf-8")))
    rng = random.Random(14)
    entries = sorted((d for d in docs.values() if d["k"] == "Definition"), key=lambda d: d["id"])
    doc = rng.choice([d for d in entries if len(d["t"].split()) >= 2])
    words = doc["t"].split()
    longest = max(words, key=len)
    typo = longest[:2] + longest[3:]  # a letter dropped after the first two
    misspelt = " ".join(typo if w == longest else w for w in words)
    found = [
        ("exact title", doc["t"], doc["t"]),
        ("prefix", " ".join([*words[:-1], words[-1][:4]]), doc["t"]),
        ("misspelt", misspelt, doc["t"]),
        ("summary word", doc["s"].split()[-2].strip(".,"), ""),
    ]
    # the heaviest query for titles: an exact title with a word in the largest title shard
    largest = max((out / "search/t").glob("*.json"), key=lambda f: f.stat().st_size).stem
    keys = set(json.loads((out / "search/manifest.json").read_text("utf-8"))["titles"])
    heavy = [d for d in entries if any(title_key(keys, w) == largest for w in title_words(d["t"]))]
    if heavy:  # the title alone, and its heavy word alone
        word = next(w for w in title_words(heavy[0]["t"]) if title_key(keys, w) == largest)
        found.append(("largest shard", heavy[0]["t"], heavy[0]["t"]))
        found.append(("largest word", word, ""))
    # the issue's own typo, "levrage ratio", on a two-word title starting with Leverage
    leverage = [d["t"] for d in entries if re.fullmatch(r"Leverage \w+", d["t"])]
    if leverage:
        found.append(("levrage", "levrage " + leverage[0].split()[1].lower(), leverage[0]))
    return found


def gzipped_size(out: Path, base: str, url: str) -> int:
    """The gzipped size (level 6, as a static host serves it) of the file a URL names."""
    from urllib.parse import unquote, urlsplit

    if not url.startswith(base):
        return 0
    path = unquote(urlsplit(url).path)
    file = out / path.lstrip("/")
    if path.endswith("/"):
        file = file / "index.html"
    return len(gzip.compress(file.read_bytes(), 6)) if file.is_file() else 0


def measure(
    browser: object, out: Path, base: str, url: str, query: str, mode: str
) -> tuple[int, float, list[str]]:
    # Bytes are counted from the files the URLs name, after the timed window: reading
    # each response's body over the DevTools protocol while the query runs slowed the
    # browser it measured (the figures before 2026-12-02 carry that cost).
    context = browser.new_context()
    tab = context.new_page()
    tab.goto(url, wait_until="load")
    if mode == "warm":
        tab.focus("form.search-form input[name=s]")
    if mode != "cold":
        tab.wait_for_timeout(500)
    ms, arrived = tab.evaluate(
        """query => new Promise(resolve => {
            const input = document.querySelector("form.search-form input[name=s]");
            const list = document.querySelector("[role=listbox]");
            const started = performance.now();
            list.addEventListener("search-results", () => {
                const now = performance.now();
                // what had arrived when the first results showed (the rest loads after)
                const arrived = performance.getEntriesByType("resource")
                    .filter(e => e.responseEnd <= now).map(e => e.name);
                resolve([now - started, [location.href, ...arrived]]);
            }, {once: true});
            input.focus();
            input.value = query;
            input.dispatchEvent(new Event("input", {bubbles: true}));
        })""",
        query,
    )
    # only what arrived before the first results showed counts: the documents of the
    # results past the first few load after them
    downloaded = sum(gzipped_size(out, base, u.split("?")[0]) for u in set(arrived))
    titles = tab.locator("[role=option] .search-title").all_inner_texts()
    context.close()
    return downloaded, ms, titles


def build_share(root: Path) -> None:
    """Build `root` cold in-process and print the search index's share of the build."""
    report = build(root, BuildOptions(use_cache=False))
    graph = report.retained[0].graph
    index = index_seconds(graph)
    share = index / report.seconds
    print(
        f"cold build {report.seconds:.1f} s; search index {index:.2f} s = {share:.1%} of it "
        f"(target <= 10%: {'met' if share <= 0.10 else 'NOT met'})"
    )


def load() -> str:
    """The machine's load averages: the times are wall times on a shared machine."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def run(
    entries: int,
    pages_only: bool,
    where: Path,
    site: Path | None = None,
    reps: int = 5,
    modes: tuple[str, ...] = ("cold", "warm"),
    against: Path | None = None,
    servers: tuple[str, ...] = ("python",),
) -> None:
    print(f"\n== {entries:,} entries", flush=True)
    if site is None:
        root = generate(entries, where)
        build_share(root)
        out = root / "build"
    else:
        out = site
        print(f"built site {out} (not rebuilt: no build-time share)")
    parts = list((out / "search").rglob("*.json"))
    print(
        f"index parts: {len(parts)} files, {sum(p.stat().st_size for p in parts) / 1e6:.1f} MB raw"
    )
    print("largest page of each kind (raw bytes):")
    for kind, (size, rel) in sorted(largest_pages(out).items(), key=lambda kv: -kv[1][0]):
        flag = "" if size <= PAGE_LIMIT else "  OVER 300 KB"
        print(f"  {kind:16} {size / 1000:8.1f} KB  /{rel}{flag}")
    if pages_only:
        return
    timed(out, reps, modes, against, servers, entries)


def timed(
    out: Path,
    reps: int,
    modes: tuple[str, ...],
    against: Path | None,
    servers: tuple[str, ...],
    entries: int,
) -> None:
    """Time each query in Chromium against `out` (and `against`), served by each of
    `servers`, every query's runs alternating between them."""
    from playwright.sync_api import sync_playwright

    # each static server runs in its own process, as a host's would: in this process its
    # threads waited for the interpreter lock held by the browser driver
    folders = [(out, "site"), *([(against, "against")] if against is not None else [])]
    if against is not None:  # the same content, built otherwise (another search.js, ...)
        print(f"against {against}: each query's runs alternate between the two sites")
    print(f"served by {', '.join(servers)}" + (", alternately" if len(servers) > 1 else ""))
    limit_bytes, limit_ms = TARGETS.get(entries, (None, None))
    entry_page = "/" + largest_pages(out)["entry"][1].removesuffix("index.html")
    sites: list[tuple[Path, subprocess.Popen[bytes], str, str]] = []
    try:
        for kind in servers:
            for folder, name in folders:
                server, base = static_server(folder, kind)
                label = " ".join(([name] if against else []) + ([kind] if len(servers) > 1 else []))
                sites.append((folder, server, base, label))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
            )
            print(f"{reps} runs each; ms: median (min-max); KB: largest; load average {load()}")
            print(
                "query                          page   mode  KB gzip  ms to results"
                "          expected found" + ("  site" if len(sites) > 1 else "")
            )
            worst = {(n, mode): [0.0, 0.0] for n in range(len(sites)) for mode in modes}
            for label, query, expected in queries(out):
                for page_name, path in (("home", "/"), ("entry", entry_page)):
                    for mode in modes:
                        runs: list[list[tuple[int, float, list[str]]]] = [[] for _ in sites]
                        for _ in range(reps):  # alternating: a load change hits all alike
                            for n, (folder, _server, base, _label) in enumerate(sites):
                                runs[n].append(
                                    measure(browser, folder, base, base + path, query, mode)
                                )
                        for n, site_runs in enumerate(runs):
                            kb = max(r[0] for r in site_runs)
                            times = sorted(r[1] for r in site_runs)
                            ms = statistics.median(times)
                            worst[n, mode] = [
                                max(worst[n, mode][0], kb),
                                max(worst[n, mode][1], ms),
                            ]
                            hits = [expected in r[2] for r in site_runs]
                            ok = "-" if not expected else ("yes" if all(hits) else "NO")
                            print(
                                f"{label:13} {query[:16]!r:18} {page_name:6} {mode:5} "
                                f"{kb / 1000:7.1f}  {ms:6.0f} ({times[0]:.0f}-{times[-1]:.0f})"
                                f"{'':8}{ok:3}    {sites[n][3]}",
                                flush=True,
                            )
            browser.close()
    finally:
        for _folder, server, _base, _label in sites:
            server.terminate()
            server.wait()
    print(f"load average after: {load()}")
    for (n, mode), (kb, ms) in worst.items():
        verdict = ""
        if limit_bytes:
            met = kb <= limit_bytes and ms <= limit_ms
            verdict = f" (targets {limit_bytes / 1000:.0f} KB, {limit_ms:.0f} ms: "
            verdict += "met)" if met else "NOT met)"
        name = sites[n][3] + " " if sites[n][3] else ""
        print(f"worst {name}{mode}: {kb / 1000:.1f} KB, median {ms:.0f} ms{verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", default="10000", help="comma-separated corpus sizes")
    parser.add_argument("--pages-only", action="store_true", help="skip the browser")
    parser.add_argument("--keep", action="store_true", help="keep the generated sites")
    parser.add_argument("--reps", type=int, default=5, help="runs of each query (median)")
    parser.add_argument(
        "--modes",
        default="cold,warm",
        help="comma-separated, of cold (typed right after the load event), warm (the box "
        "focused first, typed 0.5 s later), settled (typed 0.5 s after the load event)",
    )
    parser.add_argument(
        "--against",
        type=Path,
        help="with --site: another output folder of the same content (another search.js, "
        "say), measured alternately with it, each query's runs interleaved",
    )
    parser.add_argument(
        "--server",
        default="python",
        help="comma-separated, of python (http.server: HTTP/1.0, a connection per file, "
        "no compression) and nginx (Debian's, keep-alive and gzip level 6 as a static host "
        "serves; apt-get install nginx-light): with both, each query's runs alternate",
    )
    parser.add_argument(
        "--site",
        type=Path,
        help="measure this already built output folder (of a corpus of --entries entries) "
        "instead of generating and building one",
    )
    args = parser.parse_args()
    modes = tuple(args.modes.split(","))
    if not set(modes) <= {"cold", "warm", "settled"}:
        parser.error(f"--modes: one or more of cold, warm, settled, not {args.modes!r}")
    servers = tuple(args.server.split(","))
    if not set(servers) <= {"python", "nginx"}:
        parser.error(f"--server: one or more of python, nginx, not {args.server!r}")
    if "nginx" in servers and not Path(NGINX).exists():
        parser.error(f"--server nginx: no {NGINX} (apt-get install nginx-light)")
    if args.against and not args.site:
        parser.error("--against needs --site")
    if args.site:
        run(
            int(args.entries),
            args.pages_only,
            args.site,
            args.site,
            args.reps,
            modes,
            args.against,
            servers,
        )
        return
    where = Path(tempfile.mkdtemp(prefix="search-bench-"))
    try:
        for entries in [int(n) for n in args.entries.split(",")]:
            run(entries, args.pages_only, where, reps=args.reps, modes=modes, servers=servers)
    finally:
        if args.keep:
            print(f"sites kept in {where}")
        else:
            shutil.rmtree(where, ignore_errors=True)


if __name__ == "__main__":
    main()

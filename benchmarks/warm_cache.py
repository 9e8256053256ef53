"""Warm builds against the cache: how long reading and checking `.glossary-cache/` costs.

    python benchmarks/warm_cache.py --site /tmp/c1000 [--reps 3]
    python benchmarks/warm_cache.py --site /tmp/c10000 --read-only

--read-only skips the builds (the site must have a cache) and compares reading every
section as checked JSON with `marshal.loads` of the same values (the format before).

Builds the site once (cold, which writes the cache), then times, in fresh processes:
a build with nothing changed, a build after one definition's body changed, and a build
after the output was deleted (every page rendered again, every cache section read).
Prints the median of each, the cache's size on disk, and the CPU time of reading and
checking every cache section in-process (the part the cache format decides).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def _build(site: Path, *extra: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "glossary_site", "build", "-s", str(site), "-q", *extra],
        check=True,
    )
    return time.perf_counter() - started


def _read_everything(site: Path) -> float:
    """CPU seconds to read every section of the cache, as a warm build may."""
    from glossary_site.write import BuildCache

    started = time.process_time()
    cache = BuildCache(site)
    assert "0" not in cache.pages and "0" not in cache.bodies
    assert cache.graph and cache.files is not None
    cache.cards("")
    cache.previous_output(site / "build")
    return time.process_time() - started


def _compare_with_marshal(site: Path, reps: int) -> None:
    """CPU seconds: every cache file read and checked, against marshal.loads of its values."""
    import marshal

    from glossary_site.write import BuildCache

    sections = [p.name.removesuffix(".json") for p in (site / ".glossary-cache").glob("*.json")]
    cache = BuildCache(site)
    values = [marshal.dumps(cache._read(name)) for name in sections]
    checked, unsafe = [], []
    for _ in range(reps):
        started = time.process_time()
        for name in sections:
            cache._read(name)
        checked.append(time.process_time() - started)
        started = time.process_time()
        for value in values:
            marshal.loads(value)
        unsafe.append(time.process_time() - started)
    print(
        f"{len(sections)} sections: checked JSON {min(checked):.3f} s, "
        f"marshal {min(unsafe):.3f} s of CPU (best of {reps})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--site", type=Path, required=True)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--read-only", action="store_true")
    args = parser.parse_args()
    site: Path = args.site
    if args.read_only:
        _compare_with_marshal(site, max(args.reps, 5))
        return
    shutil.rmtree(site / ".glossary-cache", ignore_errors=True)
    shutil.rmtree(site / "build", ignore_errors=True)
    cold = _build(site)
    edited = sorted((site / "content/definition").glob("*.md"))[0]
    original = edited.read_text(encoding="utf-8")
    times: dict[str, list[float]] = {"nothing changed": [], "one edit": [], "output gone": []}
    for rep in range(args.reps):
        times["nothing changed"].append(_build(site))
        edited.write_text(original + f"\nOne more line {rep}.\n", encoding="utf-8")
        times["one edit"].append(_build(site))
        shutil.rmtree(site / "build")
        times["output gone"].append(_build(site))
    edited.write_text(original, encoding="utf-8")
    reads = [_read_everything(site) for _ in range(args.reps)]
    size = sum(p.stat().st_size for p in (site / ".glossary-cache").iterdir())
    print(f"cold {cold:.2f} s; cache {size / 1e6:.1f} MB")
    print(f"reading the whole cache: median {statistics.median(reads):.3f} s of CPU")
    for name, values in times.items():
        print(f"{name}: median {statistics.median(values):.2f} s of {len(values)}")


if __name__ == "__main__":
    main()

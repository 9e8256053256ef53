"""The garbage collector around long-lived builds (write/parallel.py): what a preview's
build keeps is frozen, so the collections after it skip it, and a quiet moment's
`collect_kept` still frees the cycles left among it; the pages freed objects leave with the
process are handed back (`release_free_memory`).

The collector is one per process, and other tests leave preview threads that build and
collect: each check runs in an interpreter of its own."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

PRELUDE = """
import gc, weakref
from glossary_site.write import parallel

class Node:
    def __init__(self):
        self.other = None

def cycle():
    a, b = Node(), Node()
    a.other, b.other = b, a
    return weakref.ref(a)

gc.collect()
"""

CHECKS = {
    "a kept build is frozen and the collector's state restored": """
gc.enable()
before = gc.get_freeze_count()
with parallel.collector_paused(keep=True):
    assert not gc.isenabled()
    kept = [{"n": n} for n in range(1000)]
assert gc.isenabled()
assert gc.get_freeze_count() >= before + len(kept), (before, gc.get_freeze_count())
gc.disable()
with parallel.collector_paused(keep=True):
    pass
assert not gc.isenabled()  # paused, not switched on by the pause
""",
    "without keep nothing is frozen": """
before = gc.get_freeze_count()
with parallel.collector_paused():
    kept = [{"n": n} for n in range(1000)]
assert gc.get_freeze_count() == before
""",
    "a frozen cycle waits for collect_kept": """
with parallel.collector_paused(keep=True):
    alive = cycle()
gc.collect()
assert alive() is not None  # frozen: an ordinary collection skips it
assert parallel.collect_kept() >= 2
assert alive() is None
assert gc.get_freeze_count() > 0  # what is left stays frozen
""",
    "frozen objects are still freed by their count": """
with parallel.collector_paused(keep=True):
    single = Node()
alive = weakref.ref(single)
del single
assert alive() is None
""",
    "freed pages go back to the system": """
import sys
if sys.platform.startswith("linux"):
    def rss_mb():
        return int(open("/proc/self/statm").read().split()[1]) * 4096 // 2**20

    # pages of 30 KB files, each followed by a small survivor: freeing the files leaves
    # holes the heap's own trimming (at its top) never hands back
    files, kept = [], []
    for n in range(7000):
        files.append(b"x" * 30_000 + bytes([n % 256]))
        kept.append(b"y" * 600 + bytes([n % 256]))
    del files
    before = rss_mb()
    parallel.release_free_memory()
    assert rss_mb() < before - 100, (before, rss_mb())
""",
}


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_collector(name: str) -> None:
    script = textwrap.dedent(PRELUDE) + textwrap.dedent(CHECKS[name])
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr

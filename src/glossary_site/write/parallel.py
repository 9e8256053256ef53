"""Map a pure function over many items on all cores.

The shared context (the link table, the graph) reaches each worker once: inherited by
fork where the platform allows it, pickled once per worker otherwise; never per item.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_context: Any = None
SERIAL_BELOW = 200  # items; below this, starting processes costs more than it saves


def default_jobs() -> int:
    """How many processes to use: the cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return max(1, os.cpu_count() or 1)


def iter_ordered(
    fn: Callable[[Any, T], R],
    context: Any,
    items: Sequence[T],
    jobs: int,
    chunk: int = 64,
    progress: Callable[[int], None] | None = None,
) -> Iterator[R]:
    """fn(context, item) for each item, on `jobs` processes, yielded in order as they arrive."""
    if jobs <= 1 or len(items) < SERIAL_BELOW:
        for item in items:
            yield fn(context, item)
            if progress:
                progress(1)
        return
    chunks = [(fn, items[i : i + chunk]) for i in range(0, len(items), chunk)]
    # Frozen objects are never traversed by the collector: forked workers then leave the
    # inherited heap alone instead of copying it, page by page, on their first collection.
    gc.freeze()
    try:
        with _pool(jobs, context) as pool:
            for results in pool.imap(_run_chunk, chunks):
                yield from results
                if progress:
                    progress(len(results))
    finally:
        gc.unfreeze()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: a build allocates a large, mostly acyclic heap,
    and the collector's repeated walks over it cost more than they ever free."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _pool(jobs: int, context: Any) -> Any:
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    return multiprocessing.get_context(method).Pool(jobs, initializer=_install, initargs=(context,))


def _install(context: Any) -> None:
    global _context
    _context = context
    gc.enable()  # workers render thousands of pages; their own garbage must still go
    # only the parent reacts to Ctrl-C or SIGTERM; it stops the pool and cleans up
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _run_chunk(task: tuple[Callable[[Any, Any], Any], Sequence[Any]]) -> list[Any]:
    fn, chunk = task
    return [fn(_context, item) for item in chunk]

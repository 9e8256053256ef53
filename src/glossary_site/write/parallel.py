"""Map a pure function over many items on all cores.

The shared context (the link table, the graph) reaches each worker once: inherited by
fork where the platform allows it, pickled once per worker otherwise; never per item.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
import multiprocessing
import multiprocessing.pool
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_context: Any = None
SHUTDOWN_SECONDS = 10.0  # the longest an interrupted pool may take to stop
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
    pool = _pool(jobs, context)
    finished = False
    try:
        for results in pool.imap(_run_chunk, chunks):
            yield from results
            if progress:
                progress(len(results))
        finished = True
    finally:
        _shut_down(pool, finished)
        gc.unfreeze()


def _shut_down(pool: Any, finished: bool) -> None:
    """Stop the pool without ever waiting for ever.

    After all results arrived the workers are idle and exit when told. Otherwise (an
    error, Ctrl-C, SIGTERM) a worker may be mid-task, or killed while it held the task
    queue's lock (an idle worker waits for a task holding it): `Pool.terminate` first
    takes that lock and would wait for ever. So the workers are killed, the lock freed if
    a dead worker kept it, and terminate given a bounded time in a helper thread.
    """
    if finished:
        pool.close()
        pool.join()
        return
    # The pool's handler thread replaces dead workers while the pool runs: stop it first,
    # or it forks new ones (with the signals still blocked) as fast as they are killed.
    handler = getattr(pool, "_worker_handler", None)
    if handler is not None:
        handler._state = multiprocessing.pool.TERMINATE
    _kill(list(getattr(pool, "_pool", [])))  # multiprocessing keeps its workers there
    lock = getattr(getattr(pool, "_inqueue", None), "_rlock", None)
    if lock is not None and not lock.acquire(False):
        with contextlib.suppress(ValueError):
            lock.release()  # held by a worker that is dead now
    elif lock is not None:
        lock.release()
    stopper = threading.Thread(target=pool.terminate, daemon=True)
    stopper.start()
    stopper.join(SHUTDOWN_SECONDS)
    # a worker forked before the handler stopped may still be starting with SIGTERM
    # blocked, and the interpreter's exit joins every child: SIGKILL cannot be blocked
    _kill([child for child in multiprocessing.active_children() if child.daemon])


def _kill(workers: list[Any]) -> None:
    """SIGKILL each worker process and reap it (bounded)."""
    for worker in workers:
        with contextlib.suppress(Exception):
            worker.kill()
    for worker in workers:
        with contextlib.suppress(Exception):
            worker.join(SHUTDOWN_SECONDS)


@contextlib.contextmanager
def collector_paused(keep: bool = False) -> Iterator[None]:
    """Pause the cyclic garbage collector: a build allocates a large, mostly acyclic heap,
    and the collector's repeated walks over it cost more than they ever free.

    `keep`: what was made lives on (a preview server's site), so it is frozen afterwards
    and the collections the next allocations trigger skip it. At 10,000 entries the first
    requests after a rebuild otherwise set off two or three full collections of 900,000
    objects, 0.4 s each, that found nothing to free, while the open tabs waited for their
    reload. Frozen objects are still freed when their count drops to zero; only cycles
    among them wait for `collect_kept`."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if keep:
            gc.freeze()
        if was_enabled:
            gc.enable()


def collect_kept() -> int:
    """Collect every generation, the frozen objects included, then freeze what is left
    again; how many objects were found unreachable. For a quiet moment: at 10,000
    entries it holds the interpreter for about 0.4 s."""
    gc.unfreeze()
    try:
        return gc.collect()
    finally:
        gc.freeze()


def release_free_memory() -> None:
    """Hand the heap's free pages back to the system, where the C library can (glibc's
    `malloc_trim`; elsewhere nothing happens). Freed objects of a few kilobytes leave
    their pages with the process otherwise: after a preview's site has loaded behind the
    320 MB of files it read back from the last build (10,000 entries), those files are
    let go but the process kept their pages, a third of its memory."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.lru_cache(maxsize=1)
def _malloc_trim() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None).malloc_trim  # glibc; musl has none
    except (OSError, AttributeError):
        return None


def _pool(jobs: int, context: Any) -> Any:
    """Worker processes, started with SIGINT and SIGTERM blocked: a signal arriving before
    a worker has set its own handlers would otherwise run the parent's handler inside the
    worker, which can leave the task queue's lock held and the pool unable to stop."""
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    blocked = {signal.SIGINT, signal.SIGTERM}
    main = threading.current_thread() is threading.main_thread()
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, blocked) if main else None
    try:
        pool = multiprocessing.get_context(method).Pool(
            jobs, initializer=_install, initargs=(context,)
        )
    except BaseException:
        if previous is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        raise
    try:
        if previous is not None:
            # a signal that arrived meanwhile is delivered here: stop the pool, then raise
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)
    except BaseException:
        _shut_down(pool, finished=False)
        raise
    return pool


def _install(context: Any) -> None:
    # first thing: only the parent reacts to Ctrl-C; SIGTERM ends a worker at once
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    global _context
    _context = context
    gc.enable()  # workers render thousands of pages; their own garbage must still go


def _run_chunk(task: tuple[Callable[[Any, Any], Any], Sequence[Any]]) -> list[Any]:
    fn, chunk = task
    return [fn(_context, item) for item in chunk]


class Background:
    """fn(*args) computed in a forked process while this one goes on: a one-shot build
    has a second core idle while it keys and writes pages, and the search index (a pass
    over every body's words) needs nothing of that work. Where fork is missing, or the
    process fails in any way, `result` computes it here instead: the same value, since
    fn is pure, only later."""

    def __init__(self, fn: Callable[..., R], *args: Any):
        self._fn, self._args = fn, args
        self._process: Any = None
        self._receive: Any = None
        if sys.platform.startswith("linux"):
            self._start()

    def _start(self) -> None:
        for stream in (sys.stdout, sys.stderr):  # or the child flushes a copy of their text
            with contextlib.suppress(Exception):
                stream.flush()
        context = multiprocessing.get_context("fork")
        receive, send = context.Pipe(duplex=False)
        blocked = {signal.SIGINT, signal.SIGTERM}
        main = threading.current_thread() is threading.main_thread()
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, blocked) if main else None
        try:
            process = context.Process(target=_background, args=(send, self._fn, self._args))
            process.daemon = True
            process.start()
        except OSError:
            receive.close()
            return
        finally:
            send.close()
            if previous is not None:
                signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        self._process, self._receive = process, receive

    def result(self) -> Any:
        """The value: received from the process, or computed here if it has none."""
        if self._process is not None:
            try:
                ok, value = self._receive.recv()
            except Exception:  # it died (killed, out of memory) or sent what cannot load
                ok, value = False, None
            finally:
                self.cancel(wait=True)
            if ok:
                return value
        return self._fn(*self._args)

    def cancel(self, wait: bool = False) -> None:
        """Stop the process if it still runs; `wait`: it has sent its value and is
        exiting, give it a moment first. Idempotent."""
        process, self._process = self._process, None
        if process is None:
            return
        self._receive.close()
        if wait:
            process.join(1.0)
        _kill([process])


def _background(send: Any, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and kills us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        value = (True, fn(*args))
    except BaseException:
        value = (False, None)  # the parent computes it again and reports what fails
    send.send(value)
    send.close()

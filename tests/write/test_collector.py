"""The garbage collector around long-lived builds (write/parallel.py): what a preview's
build keeps is frozen, so the collections after it skip it, and a quiet moment's
`collect_kept` still frees the cycles left among it."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from glossary_site.write import parallel


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


@pytest.fixture(autouse=True)
def _unfrozen() -> Iterator[None]:
    gc.collect()
    yield
    gc.unfreeze()
    gc.enable()


def _cycle() -> weakref.ref[_Node]:
    a, b = _Node(), _Node()
    a.other, b.other = b, a
    return weakref.ref(a)


def test_a_kept_build_is_frozen_and_the_collector_state_restored() -> None:
    gc.enable()
    before = gc.get_freeze_count()
    with parallel.collector_paused(keep=True):
        assert not gc.isenabled()
        kept = [{"n": n} for n in range(1000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() >= before + len(kept)
    gc.disable()
    with parallel.collector_paused(keep=True):
        pass
    assert not gc.isenabled()  # paused, not switched on by the pause


def test_without_keep_nothing_is_frozen() -> None:
    before = gc.get_freeze_count()
    with parallel.collector_paused():
        kept = [{"n": n} for n in range(1000)]
    assert gc.get_freeze_count() == before
    assert len(kept) == 1000


def test_a_frozen_cycle_waits_for_collect_kept() -> None:
    with parallel.collector_paused(keep=True):
        alive = _cycle()
    gc.collect()
    assert alive() is not None  # frozen: an ordinary collection skips it
    assert parallel.collect_kept() >= 2
    assert alive() is None
    assert gc.get_freeze_count() > 0  # what is left stays frozen


def test_frozen_objects_are_still_freed_by_their_count() -> None:
    with parallel.collector_paused(keep=True):
        single = _Node()
    alive = weakref.ref(single)
    del single
    assert alive() is None

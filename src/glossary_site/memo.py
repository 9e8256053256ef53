"""Keeping a derived value while what it is derived from stays equal: for a process that
builds again (glossary serve), where most of the site is as it was after an edit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def kept_while_equal(memo: list[Any], inputs: tuple[Any, ...], make: Callable[[], T]) -> T:
    """make(), or what it gave last time (`memo`: [inputs, value]) when the inputs are
    equal and dicts among them in the same order (what is derived from a dict follows
    its order). For a process that builds again (glossary serve): after a retitle or an
    edit of text most of the graph's edges are as they were, and comparing them costs a
    tenth of deriving from them again."""
    if memo and all(_same(a, b) for a, b in zip(memo[0], inputs, strict=True)):
        memo[0] = inputs  # the graph's own copies: the older equal ones can go
        return memo[1]  # type: ignore[no-any-return]
    value = make()
    memo[:] = [inputs, value]
    return value


def _same(a: Any, b: Any) -> bool:
    return a == b and (not isinstance(a, dict) or list(a) == list(b))

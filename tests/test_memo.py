"""kept_while_equal: the last value while the inputs are equal, dicts in the same order."""

from __future__ import annotations

from glossary_site.memo import kept_while_equal


def test_the_last_value_is_kept_while_the_inputs_are_equal_and_made_again_otherwise():
    memo: list = []
    made: list[int] = []

    def make(n: int) -> list[int]:
        made.append(n)
        return [n]

    first = kept_while_equal(memo, ({"a": 1, "b": 2}, [1]), lambda: make(1))
    again = kept_while_equal(memo, ({"a": 1, "b": 2}, [1]), lambda: make(2))
    assert again is first and made == [1]
    # equal dicts in another order: what is derived from a dict follows its order
    reordered = kept_while_equal(memo, ({"b": 2, "a": 1}, [1]), lambda: make(3))
    assert reordered == [3]
    changed = kept_while_equal(memo, ({"b": 2, "a": 1}, [2]), lambda: make(4))
    assert changed == [4] and made == [1, 3, 4]

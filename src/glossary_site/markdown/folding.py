"""Words as search compares them: folded (lower case, no accents), split at non-letters.

Here rather than in the search index so that a body's words are found once, when its
HTML is made (in parallel, and kept in the build cache with it), not again on every
build: a one-change build of 10,000 entries spent a third of its time re-reading bodies.
The theme's search.js folds and splits queries alike.
"""

from __future__ import annotations

import html
import re
import unicodedata

_WORD = re.compile(r"[^\W_]+")
_TAG = re.compile(r"<[^>]*>")


def fold(text: str) -> str:
    """Lower case without accents: how words are compared."""
    if text.isascii():  # the common case, twenty times faster
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The distinct folded words of a text, in order of first appearance. Whitespace
    tokens are deduplicated first: the regex then runs over each distinct token once."""
    tokens = " ".join(dict.fromkeys(text.split()))
    return list(dict.fromkeys(_WORD.findall(fold(tokens))))


def word_set(text: str) -> set[str]:
    """The distinct folded words of a text, unordered (for bodies: cheaper than `words`)."""
    return set(_WORD.findall(fold(" ".join(set(text.split())))))


def html_words(markup: str) -> str:
    """The distinct words of some HTML's text, sorted and joined by spaces (a compact,
    deterministic value for the build cache)."""
    return " ".join(sorted(word_set(html.unescape(_TAG.sub(" ", markup)))))

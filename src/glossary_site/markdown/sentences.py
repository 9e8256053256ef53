"""Plain-text sentence splitting for teasers ("Facet ⎊ first sentence"); no Markdown here."""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])|(?<=[。！？])")
_ABBREVIATIONS = (
    "e.g.",
    "i.e.",
    "etc.",
    "vs.",
    "approx.",
    "incl.",
    "cf.",
    "Dr.",
    "Mr.",
    "Ms.",
    "Mrs.",
    "No.",
    "St.",
)


def first_sentence(text: str) -> str:
    """The first sentence of the first paragraph, for "Facet ⎊ sentence" teasers."""
    paragraph = " ".join(text.strip().split("\n\n", 1)[0].split())
    for match in _SENTENCE_END.finditer(paragraph):
        candidate = paragraph[: match.end()].rstrip()
        if candidate.endswith(_ABBREVIATIONS) or re.search(r"(?:^|\s)[A-Z]\.$", candidate):
            continue
        return candidate
    return paragraph

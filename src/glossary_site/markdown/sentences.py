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
    """The first sentence of the first paragraph, for "Facet ⎊ sentence" teasers.

    Each candidate end is judged by the few characters before it, never by the text so far:
    a paragraph of initials ("A. B. C. ...") is a candidate end every three characters.
    """
    paragraph = " ".join(text.strip().split("\n\n", 1)[0].split())
    for match in _SENTENCE_END.finditer(paragraph):
        stop = match.end()
        while stop and paragraph[stop - 1].isspace():
            stop -= 1
        if paragraph.endswith(_ABBREVIATIONS, 0, stop) or _after_initial(paragraph, stop):
            continue
        return paragraph[:stop]
    return paragraph


def _after_initial(paragraph: str, stop: int) -> bool:
    """True when the text before `stop` ends with a lone capital and a period ("J.")."""
    return (
        stop >= 2
        and paragraph[stop - 1] == "."
        and "A" <= paragraph[stop - 2] <= "Z"
        and (stop == 2 or paragraph[stop - 3].isspace())
    )

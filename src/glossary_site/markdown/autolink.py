"""Auto-linking: the first mention of another page's title or alias becomes a link.

All titles and aliases are in one Aho-Corasick automaton (built once per build), so a
text is scanned once however many titles the site has. Each inline (a paragraph, a
heading, a table cell) is read as one visible string, so every check below looks at a
bounded neighbourhood of a match: the work is linear in the text, whatever it holds.

A mention is a whole word (leftmost-longest wins) that also passes the precision rules:
- never inside a URL, a domain name or an e-mail address, nor inside a word joined by
  `.`, `/`, `@` or `_` (`developer.mozilla.org`, `https://`, `a/b`, `snake_case`);
- an all-caps spelling (`CSS`, `MDN`) matches only in its own case;
- a one-word spelling that is also an everyday English word (`common_words.txt`)
  matches only when capitalised mid-sentence and not part of a longer capitalised name,
  or written exactly as a lower-case title; `auto_link: always` on the page lifts this.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, NamedTuple

from markdown_it.token import Token


@dataclass(frozen=True, slots=True)
class NameTarget:
    """What a lower-cased title or alias points to in running text, and how it may match.

    `free`: some spelling matches in any letter case. Otherwise the written text must
    pass the rule of one of `exact` (acronyms: own case only) or `proper` (everyday
    words: capitalised mid-sentence, or exactly as written when the spelling is lower
    case).
    """

    length: int
    target: str | None  # page to link, None when nothing may be linked for the name
    areas: tuple[str, ...]
    free: bool = True
    exact: tuple[str, ...] = ()
    proper: tuple[str, ...] = ()


@cache
def common_words() -> frozenset[str]:
    """The bundled list of the 10,000 most frequent English words (see its licence file)."""
    text = resources.files(__package__).joinpath("common_words.txt").read_text("utf-8")
    return frozenset(text.split())


def is_acronym(spelling: str) -> bool:
    """All cased letters upper case, at least two letters: CSS, MDN, HTTP/2."""
    letters = [ch for ch in spelling if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def is_everyday_word(spelling: str) -> bool:
    """One word that is also a common English word (Network, block, Tool)."""
    return " " not in spelling and spelling.lower() in common_words()


def name_target(
    key: str,
    spellings: Iterable[tuple[str, bool]],
    target: str | None,
    areas: tuple[str, ...],
) -> NameTarget:
    """The NameTarget of one lower-cased name from its spellings as written, each with
    whether its page sets `auto_link: always`."""
    exact: dict[str, None] = {}
    proper: dict[str, None] = {}
    free = False
    for spelling, always in spellings:
        spelling = " ".join(spelling.split())
        if is_acronym(spelling):
            exact[spelling] = None
        elif is_everyday_word(spelling) and not always:
            proper[spelling] = None
        else:
            free = True
    if free:
        return NameTarget(len(key), target, areas)
    return NameTarget(len(key), target, areas, False, tuple(exact), tuple(proper))


_TEXTUAL = {"text": None, "softbreak": "\n"}


@dataclass(slots=True)
class Linking:
    """What one page's auto-linking has done so far (first mention per target per page)."""

    names: Any  # pyahocorasick Automaton: lower-cased name -> NameTarget
    hrefs: Mapping[str, str]
    self_id: str
    linked: set[str]  # targets already linked on this page, explicitly or not
    left: int = 10**9  # auto-links this page may still add (auto_link_max)
    new_links: list[str] = field(default_factory=list)
    areas: dict[str, None] = field(default_factory=dict)


class _Run(NamedTuple):  # a tuple: made once per text run, and cheap to make
    """Consecutive text tokens of an inline: children[first:last], text[start:end]."""

    start: int
    end: int
    first: int
    last: int
    linkable: bool


def link_mentions(children: list[Token], linking: Linking, linkable: bool) -> list[Token]:
    """An inline token's children with the first mention of each target made a link.

    Mentions of areas are recorded in `linking.areas` even where nothing may be linked
    (headings, link text); links are added only where `linkable` and outside links.
    """
    text, runs = _visible(children, linkable)
    if not runs:
        return children
    starts = [run.start for run in runs]
    chosen: dict[int, list[tuple[int, int, str]]] = {}
    for start, end, name in find_mentions(text, linking.names, runs, starts):
        if name.areas:
            linking.areas.update(dict.fromkeys(a for a in name.areas if a != linking.self_id))
        target = name.target
        if target is None or target in linking.linked or linking.left <= 0:
            continue
        n = bisect_right(starts, start) - 1
        if not runs[n].linkable or target == linking.self_id:
            continue
        linking.linked.add(target)
        linking.new_links.append(target)
        linking.left -= 1
        chosen.setdefault(n, []).append((start - runs[n].start, end - runs[n].start, target))
    if not chosen:
        return children
    out: list[Token] = []
    done = 0
    for n, matches in chosen.items():
        run = runs[n]
        out.extend(children[done : run.first])
        out.extend(_emit(text[run.start : run.end], matches, linking.hrefs))
        done = run.last
    out.extend(children[done:])
    return out


def _visible(children: list[Token], linkable: bool) -> tuple[str, list[_Run]]:
    """The text a reader sees of an inline (softbreaks as newlines), and its text runs."""
    parts: list[str] = []
    runs: list[_Run] = []
    pos = 0
    depth = 0
    i = 0
    count = len(children)
    while i < count:
        child = children[i]
        if child.type in _TEXTUAL:
            j = i
            start = pos
            while j < count and children[j].type in _TEXTUAL:
                piece = children[j].content if children[j].type == "text" else "\n"
                parts.append(piece)
                pos += len(piece)
                j += 1
            runs.append(_Run(start, pos, i, j, linkable and depth == 0))
            i = j
            continue
        depth += _link_depth(child)
        piece = visible_text(child)
        parts.append(piece)
        pos += len(piece)
        i += 1
    return "".join(parts), runs


def _link_depth(token: Token) -> int:
    if token.type == "link_open":
        return 1
    if token.type == "link_close":
        return -1
    if token.type == "html_inline":
        tag = token.content.lower()
        if tag.startswith("<a ") or tag == "<a>":
            return 1
        if tag.startswith("</a"):
            return -1
    return 0


def visible_text(token: Token) -> str:
    """The text a reader sees of an inline token."""
    if token.type in ("text", "code_inline"):
        return token.content
    if token.type in ("softbreak", "hardbreak"):
        return " "
    if token.type == "wikilink":
        return token.meta["text"]
    return ""


def find_mentions(
    text: str,
    names: Any,
    runs: list[_Run] | None = None,
    starts: list[int] | None = None,
) -> list[tuple[int, int, NameTarget]]:
    """Mentions that pass the precision rules, each inside one text run (the whole text
    when no runs are given); overlapping ones resolved leftmost-longest."""
    lowered = _lower_same_length(text).replace("\n", " ")
    flat = text.replace("\n", " ")
    addresses = _address_spans(lowered)
    size = len(lowered)
    found = []
    for last, name in names.iter(lowered):
        start, end = last - name.length + 1, last + 1
        if runs and starts and not _in_one_run(runs, starts, start, end):
            continue
        left = lowered[start - 1] if start else " "
        right = lowered[end] if end < size else " "
        # the common case (spaces or plain punctuation around) needs no closer look
        plain = left in _PLAIN_LEFT and right in _PLAIN_RIGHT
        if not plain and not _whole_word(lowered, start, end):
            continue
        if addresses and _inside(addresses, start, end):
            continue
        if not name.free and not _case_allows(flat, start, end, name):
            continue
        found.append((start, end, name))
    found.sort(key=lambda m: (m[0], m[0] - m[1]))
    chosen, reach = [], 0
    for start, end, name in found:
        if start >= reach:
            chosen.append((start, end, name))
            reach = end
    return chosen


_PLAIN_LEFT = frozenset(" (\"'“‘«[")
_PLAIN_RIGHT = frozenset(" ,;!?)\"'”’»]")


def _in_one_run(runs: list[_Run], starts: list[int], start: int, end: int) -> bool:
    if len(runs) == 1:
        return runs[0].start <= start and end <= runs[0].end
    n = bisect_right(starts, start) - 1
    return n >= 0 and end <= runs[n].end


_JOINERS = "./@_"


def _whole_word(text: str, start: int, end: int) -> bool:
    """Not part of a longer word, nor of words joined by `.`, `/`, `@`, `_` or `://`."""
    left = text[start - 1] if start > 0 else " "
    right = text[end] if end < len(text) else " "
    if _joins(left, text[start]) or _joins(text[end - 1], right):
        return False
    if left in _JOINERS and start > 1 and _is_word(text[start - 2]):
        return False
    if right in _JOINERS and end + 1 < len(text) and _is_word(text[end + 1]):
        return False
    return not text.startswith("://", end)


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _joins(a: str, b: str) -> bool:
    """True when a and b are both word characters, i.e. the boundary is inside a word."""
    return _is_word(a) and _is_word(b)


_CHUNK = re.compile(r"\S+")


def _address_spans(lowered: str) -> list[tuple[int, int]]:
    """Spans of whitespace-separated chunks that are URLs, e-mail addresses or `www.`
    names; each chunk is looked at once, so this is linear in the text."""
    if "://" not in lowered and "@" not in lowered and "www." not in lowered:
        return []
    spans = []
    for chunk in _CHUNK.finditer(lowered):
        word = chunk.group()
        if "://" in word or "@" in word or word.startswith(("www.", "(www.", "<www.")):
            spans.append(chunk.span())
    return spans


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    if not spans:
        return False
    n = bisect_right(spans, (start, float("inf"))) - 1
    return n >= 0 and spans[n][0] <= start and end <= spans[n][1]


_SENTENCE_END = ".!?:…"
_OPENERS = "\"'“‘«([*_"
_LOOK = 40  # how far the case rules look around a match: bounded, so linear overall


def _case_allows(text: str, start: int, end: int, name: NameTarget) -> bool:
    written = text[start:end]
    if written in name.exact:
        return True
    if written in name.proper and written[:1].islower():
        return True
    return bool(name.proper) and written[:1].isupper() and _mid_sentence_name(text, start, end)


def _mid_sentence_name(text: str, start: int, end: int) -> bool:
    """Capitalised for a reason: not at a sentence start, and not one word of a longer
    capitalised name ("Recurrent Neural Network" is not a mention of "Network"). A
    capitalised everyday word opening the sentence ("Every Data set") is grammar."""
    i = _skip_back(text, start - 1, start - _LOOK)
    if i < 0 or text[i] in _SENTENCE_END:
        return False
    if text[i].isalpha():
        first = _word_start(text, i)
        if text[first].isupper():
            before = _skip_back(text, first - 1, first - _LOOK)
            opens = before < 0 or text[before] in _SENTENCE_END
            if not (opens and text[first : i + 1].lower() in common_words()):
                return False
    j = end
    ceiling = min(len(text), end + _LOOK)
    while j < ceiling and text[j].isspace():
        j += 1
    return not (j < len(text) and text[j].isupper())


def _skip_back(text: str, i: int, floor: int) -> int:
    """The index of the last character at or before `i` that is not a space or an opening
    quote or bracket; -1 at the start of the text or past `floor` (bounded look)."""
    floor = max(-1, floor)
    while i > floor and (text[i].isspace() or text[i] in _OPENERS):
        i -= 1
    return -1 if i <= floor else i


def _word_start(text: str, last: int) -> int:
    """Where the word ending at `last` starts (looked for within _LOOK)."""
    i = last
    floor = max(-1, last - _LOOK)
    while i > floor and text[i].isalpha():
        i -= 1
    return i + 1


def _lower_same_length(text: str) -> str:
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)


def _emit(text: str, chosen: list[tuple[int, int, str]], hrefs: Mapping[str, str]) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    for start, end, target in chosen:
        tokens.extend(_text_tokens(text[pos:start]))
        tokens.append(
            Token("link_open", "a", 1, attrs={"href": hrefs[target], "class": "autolink"})
        )
        tokens.extend(_text_tokens(text[start:end]))
        tokens.append(Token("link_close", "a", -1))
        pos = end
    tokens.extend(_text_tokens(text[pos:]))
    return tokens


def _text_tokens(text: str) -> list[Token]:
    tokens: list[Token] = []
    for n, piece in enumerate(text.split("\n")):
        if n:
            tokens.append(Token("softbreak", "br", 0))
        if piece:
            tokens.append(Token("text", "", 0, content=piece))
    return tokens


def name_key(text: str) -> str:
    """How a title or alias is matched in running text: lower case, single spaces."""
    return " ".join(_lower_same_length(text).split())

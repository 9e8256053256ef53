"""Auto-linking: the first mention of another page's title or alias becomes a link.

All titles and aliases are in one Aho-Corasick automaton (built once per build), so a
text is scanned once however many titles the site has. Matches are whole words,
case-insensitive, leftmost-longest; the token stream decides where links may go.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from markdown_it.token import Token


@dataclass(frozen=True, slots=True)
class NameTarget:
    """What a lower-cased title or alias points to in running text."""

    length: int
    target: str | None  # page to link, None when only areas carry the name
    areas: tuple[str, ...]


_TEXTUAL = {"text": None, "softbreak": "\n"}


@dataclass(slots=True)
class Linking:
    """What one page's auto-linking has done so far (first mention per target per page)."""

    names: Any  # pyahocorasick Automaton: lower-cased name -> NameTarget
    hrefs: Mapping[str, str]
    self_id: str
    linked: set[str]  # targets already linked on this page, explicitly or not
    new_links: list[str] = field(default_factory=list)
    areas: dict[str, None] = field(default_factory=dict)


def link_mentions(children: list[Token], linking: Linking, linkable: bool) -> list[Token]:
    """An inline token's children with the first mention of each target made a link.

    Mentions of areas are recorded in `linking.areas` even where nothing may be linked
    (headings, link text); links are added only where `linkable` and outside links.
    """
    out: list[Token] = []
    depth = 0
    i = 0
    while i < len(children):
        child = children[i]
        if child.type not in _TEXTUAL:
            depth += _link_depth(child)
            out.append(child)
            i += 1
            continue
        j = i
        while j < len(children) and children[j].type in _TEXTUAL:
            j += 1
        before, after = _char_before(children, i), _char_after(children, j)
        out.extend(_link_run(children[i:j], before, after, linking, linkable and depth == 0))
        i = j
    return out


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


def _char_before(children: list[Token], index: int) -> str:
    for i in range(index - 1, -1, -1):  # by index: slicing here made long bodies quadratic
        text = visible_text(children[i])
        if text:
            return text[-1]
    return " "


def _char_after(children: list[Token], index: int) -> str:
    for i in range(index, len(children)):
        text = visible_text(children[i])
        if text:
            return text[0]
    return " "


def _link_run(
    run: list[Token], before: str, after: str, linking: Linking, linkable: bool
) -> list[Token]:
    combined = "".join(tok.content if tok.type == "text" else "\n" for tok in run)
    chosen = []
    for start, end, name in find_mentions(combined, linking.names, before, after):
        linking.areas.update(dict.fromkeys(a for a in name.areas if a != linking.self_id))
        target = name.target
        if not linkable or target is None or target == linking.self_id:
            continue
        if target in linking.linked:
            continue
        linking.linked.add(target)
        linking.new_links.append(target)
        chosen.append((start, end, target))
    if not chosen:
        return run
    return _emit(combined, chosen, linking.hrefs)


def find_mentions(
    text: str, names: Any, before: str = " ", after: str = " "
) -> list[tuple[int, int, NameTarget]]:
    """Whole-word, case-insensitive mentions; overlapping ones resolved leftmost-longest."""
    lowered = _lower_same_length(text).replace("\n", " ")
    found = []
    for end, name in names.iter(lowered):
        start = end - name.length + 1
        left = lowered[start - 1] if start > 0 else before
        right = lowered[end + 1] if end + 1 < len(lowered) else after
        if _joins(left, lowered[start]) or _joins(lowered[end], right):
            continue
        found.append((start, end + 1, name))
    found.sort(key=lambda m: (m[0], m[0] - m[1]))
    chosen, reach = [], 0
    for start, end, name in found:
        if start >= reach:
            chosen.append((start, end, name))
            reach = end
    return chosen


def _joins(a: str, b: str) -> bool:
    """True when a and b are both word characters, i.e. the boundary is inside a word."""
    return (a.isalnum() or a == "_") and (b.isalnum() or b == "_")


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

"""Markdown to HTML with one configured markdown-it parser. Pure: no I/O, no globals.

Beyond CommonMark (+ tables, strikethrough, heading anchors) it does three things,
all in one pass over the token stream after parsing:
- `[[Target]]` / `[[Target|label]]` wiki links, resolved through the site's resolver;
- root-relative links to pages (`/term/x/`) checked and rewritten for the base path;
- auto-links: the first mention of another page's title or alias becomes a link,
  found with one Aho-Corasick automaton over the text (never one search per title).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin

from . import urls


@dataclass(frozen=True, slots=True)
class Resolution:
    """Where a reference leads: a page id, or why it leads nowhere."""

    target: str | None
    via: str = ""  # "id", "slug" or "name": how the reference matched
    message: str = ""
    code: str = ""
    suggestions: tuple[str, ...] = ()


class Resolver(Protocol):
    """Resolves references as written by authors (see resolve.RefIndex)."""

    def resolve(self, text: str) -> Resolution: ...

    def suggest(self, text: str) -> tuple[str, ...]: ...


@dataclass(frozen=True, slots=True)
class NameTarget:
    """What a lower-cased title or alias points to in running text."""

    length: int
    target: str | None  # page to link, None when only areas carry the name
    areas: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LinkTable:
    """Everything a body needs to know about the rest of the site; built once per build."""

    resolver: Resolver
    hrefs: Mapping[str, str]
    titles: Mapping[str, str]
    paths: Mapping[str, str]
    names: Any  # a pyahocorasick Automaton of lower-cased name -> NameTarget, or None
    base_path: str


@dataclass(frozen=True, slots=True)
class Options:
    """Per-page switches."""

    self_id: str
    allow_html: bool = False
    auto_link: bool = True


@dataclass(frozen=True, slots=True)
class BodyProblem:
    """A problem in a body, at a 0-based line of the Markdown text."""

    line: int
    message: str
    code: str
    suggestions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RenderedBody:
    """HTML plus what the body links to and which areas it mentions."""

    html: str
    text: str
    links: tuple[str, ...]
    areas_mentioned: tuple[str, ...]
    problems: tuple[BodyProblem, ...]

    def record(self) -> tuple[Any, ...]:
        """Builtin values only, for the build cache."""
        return (
            self.html,
            self.text,
            self.links,
            self.areas_mentioned,
            tuple((p.line, p.message, p.code, p.suggestions) for p in self.problems),
        )

    @classmethod
    def from_record(cls, record: tuple[Any, ...]) -> RenderedBody:
        """The inverse of `record`."""
        html, text, links, areas, problems = record
        return cls(html, text, tuple(links), tuple(areas), tuple(BodyProblem(*p) for p in problems))


@dataclass(frozen=True, slots=True)
class Section:
    """One Markdown document of a page: its text, the body line it starts on (0-based),
    and the level its top heading takes (2 under the page title, 3 inside a facet)."""

    text: str
    line_offset: int = 0
    heading_base: int = 2


@dataclass(slots=True)
class _PageState:
    options: Options
    table: LinkTable
    linked: set[str] = field(default_factory=set)
    links: dict[str, None] = field(default_factory=dict)
    areas: dict[str, None] = field(default_factory=dict)
    problems: list[BodyProblem] = field(default_factory=list)
    line_offset: int = 0
    heading_base: int = 2


def render(text: str, table: LinkTable, options: Options) -> RenderedBody:
    """Render one Markdown document."""
    return render_sections([Section(text)], table, options)[0]


def render_sections(
    sections: Iterable[Section], table: LinkTable, options: Options
) -> list[RenderedBody]:
    """Render the parts of one page in order, auto-linking each target once per page."""
    state = _PageState(options, table)
    md = _parser(options.allow_html)
    results = []
    for section in sections:
        state.line_offset = section.line_offset
        state.heading_base = section.heading_base
        state.links, state.areas, state.problems = {}, {}, []
        env = {"page": state}
        tokens = md.parse(section.text, env)
        html = md.renderer.render(tokens, md.options, env)
        results.append(
            RenderedBody(
                html,
                plain_text(tokens),
                tuple(state.links),
                tuple(state.areas),
                tuple(state.problems),
            )
        )
    return results


def h2_sections(text: str) -> list[tuple[str, int, int]]:
    """Top-level `## Heading` sections: (plain heading, first body line, end line), 0-based."""
    tokens = _parser(False).parse(text, {})
    heads = [
        (i, tok)
        for i, tok in enumerate(tokens)
        if tok.type == "heading_open" and tok.tag == "h2" and tok.level == 0 and tok.map
    ]
    total = text.count("\n") + 1
    sections = []
    for n, (i, tok) in enumerate(heads):
        end = heads[n + 1][1].map[0] if n + 1 < len(heads) else total
        sections.append((_inline_text(tokens[i + 1]), tok.map[1], end))
    return sections


def plain_text(tokens: list[Token]) -> str:
    """The readable text of a token stream, blocks separated by blank lines."""
    blocks = []
    for token in tokens:
        if token.type == "inline":
            blocks.append(_inline_text(token))
        elif token.type in ("fence", "code_block"):
            blocks.append(token.content.rstrip("\n"))
    return "\n\n".join(block for block in blocks if block)


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


@lru_cache(maxsize=4)
def _parser(allow_html: bool) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": allow_html}).enable(["table", "strikethrough"])
    md.validateLink = _safe_link
    md.inline.ruler.before("link", "wikilink", _wikilink_rule)
    md.add_render_rule("wikilink", _render_wikilink)
    md.core.ruler.push("site_links", _site_links)
    anchors_plugin(md, min_level=2, max_level=4, slug_func=urls.slugify)
    return md


_UNSAFE_SCHEMES = re.compile(r"^\s*(javascript|vbscript|file|data):", re.IGNORECASE)


def _safe_link(url: str) -> bool:
    return not _UNSAFE_SCHEMES.match(unquote(url))


def _wikilink_rule(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if not src.startswith("[[", pos):
        return False
    end = src.find("]]", pos + 2)
    if end == -1:
        return False
    inner = src[pos + 2 : end]
    if not inner.strip() or "[" in inner or "\n\n" in inner:
        return False
    if not silent:
        target, _, label = inner.partition("|")
        token = state.push("wikilink", "", 0)
        token.meta = {
            "target": " ".join(target.split()),
            "label": " ".join(label.split()),
            "pos": pos,
            "href": None,
            "text": " ".join(target.split()),
        }
    state.pos = end + 2
    return True


def _render_wikilink(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    meta = tokens[idx].meta
    text = escapeHtml(meta["text"])
    if not meta["href"]:
        return text
    return f'<a href="{escapeHtml(meta["href"])}" class="wikilink">{text}</a>'


def _site_links(state: StateCore) -> None:
    page: _PageState | None = state.env.get("page")
    if page is None:
        return
    _shift_headings(state.tokens, page.heading_base)
    inlines = [(i, tok) for i, tok in enumerate(state.tokens) if tok.type == "inline"]
    for _, parent in inlines:
        for child in parent.children or ():
            if child.type == "wikilink":
                _resolve_wikilink(child, parent, page)
            elif child.type == "link_open":
                _resolve_href(child, parent, page)
            elif child.type == "image":
                _prepare_image(child, page)
    if page.table.names is None:
        return
    for i, parent in inlines:
        in_heading = i > 0 and state.tokens[i - 1].type == "heading_open"
        linkable = page.options.auto_link and not in_heading
        parent.children = _auto_link(parent.children or [], page, linkable)


def _shift_headings(tokens: list[Token], base: int) -> None:
    """Move headings so the body's top level sits at `base`, keeping the page outline valid
    whatever level the author started at."""
    levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    if not levels or min(levels) == base:
        return
    shift = base - min(levels)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + shift)}"


def _line_of(parent: Token, pos: int, page: _PageState) -> int:
    start = parent.map[0] if parent.map else 0
    return page.line_offset + start + parent.content.count("\n", 0, max(pos, 0))


def _resolve_wikilink(token: Token, parent: Token, page: _PageState) -> None:
    meta = token.meta
    result = page.table.resolver.resolve(meta["target"])
    if result.target is None and result.message:
        page.problems.append(
            BodyProblem(
                _line_of(parent, meta["pos"], page), result.message, result.code, result.suggestions
            )
        )
    if result.target is None:
        meta["text"] = meta["label"] or meta["target"]
        return
    meta["href"] = page.table.hrefs[result.target]
    meta["text"] = meta["label"] or (
        meta["target"] if result.via == "name" else page.table.titles[result.target]
    )
    _note_link(page, result.target, explicit=True)


def _resolve_href(token: Token, parent: Token, page: _PageState) -> None:
    href = str(token.attrs.get("href", ""))
    if not href.startswith("/") or href.startswith("//"):
        return
    path, sep, rest = _split_fragment(href[1:])
    site_path = unquote(path)
    first = site_path.split("/", 1)[0]
    if first not in urls.KINDS or site_path.count("/") < 1 or site_path == f"{first}/":
        token.attrs["href"] = page.table.base_path + href[1:]
        return
    key = site_path if site_path.endswith("/") else site_path + "/"
    target = page.table.paths.get(key)
    if target is None:
        if page.table.resolver.resolve(site_path.strip("/")).message:
            line = _line_of(parent, parent.content.find(site_path), page)
            page.problems.append(
                BodyProblem(
                    line,
                    f"broken link to /{site_path}: no such page",
                    "broken-link",
                    page.table.resolver.suggest(site_path.strip("/")),
                )
            )
        return
    token.attrs["href"] = page.table.hrefs[target] + sep + rest
    _note_link(page, target, explicit=True)


def _split_fragment(href: str) -> tuple[str, str, str]:
    cut = min((i for i in (href.find("#"), href.find("?")) if i != -1), default=-1)
    return (href, "", "") if cut == -1 else (href[:cut], href[cut], href[cut + 1 :])


def _prepare_image(token: Token, page: _PageState) -> None:
    src = str(token.attrs.get("src", ""))
    if src.startswith("/") and not src.startswith("//"):
        token.attrs["src"] = page.table.base_path + src[1:]
    token.attrs["loading"] = "lazy"
    token.attrs["decoding"] = "async"


def _note_link(page: _PageState, target: str, explicit: bool) -> None:
    if target == page.options.self_id:
        return
    page.links.setdefault(target, None)
    if explicit:
        page.linked.add(target)


_TEXTUAL = {"text": None, "softbreak": "\n"}


def _auto_link(children: list[Token], page: _PageState, linkable: bool) -> list[Token]:
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
        out.extend(_link_run(children[i:j], before, after, page, linkable and depth == 0))
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


def _visible(token: Token) -> str:
    if token.type in ("text", "code_inline"):
        return token.content
    if token.type in ("softbreak", "hardbreak"):
        return " "
    if token.type == "wikilink":
        return token.meta["text"]
    return ""


def _char_before(children: list[Token], index: int) -> str:
    for token in reversed(children[:index]):
        text = _visible(token)
        if text:
            return text[-1]
    return " "


def _char_after(children: list[Token], index: int) -> str:
    for token in children[index:]:
        text = _visible(token)
        if text:
            return text[0]
    return " "


def _link_run(
    run: list[Token], before: str, after: str, page: _PageState, linkable: bool
) -> list[Token]:
    combined = "".join(tok.content if tok.type == "text" else "\n" for tok in run)
    chosen = []
    for start, end, name in find_mentions(combined, page.table.names, before, after):
        page.areas.update(dict.fromkeys(a for a in name.areas if a != page.options.self_id))
        target = name.target
        if not linkable or target is None or target == page.options.self_id:
            continue
        if target in page.linked:
            continue
        page.linked.add(target)
        _note_link(page, target, explicit=False)
        chosen.append((start, end, target))
    if not chosen:
        return run
    return _emit(combined, chosen, page.table.hrefs)


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


def _inline_text(token: Token) -> str:
    return "".join(_visible(child) for child in token.children or ()).strip()


def name_key(text: str) -> str:
    """How a title or alias is matched in running text: lower case, single spaces."""
    return " ".join(_lower_same_length(text).split())

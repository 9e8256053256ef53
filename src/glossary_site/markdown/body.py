"""Markdown to HTML with one configured markdown-it parser. Pure: no I/O, no globals.

Beyond CommonMark (+ tables, strikethrough, heading anchors, and mdit-py-plugins'
definition lists, footnotes, task lists and `!!! note` admonitions) it does three things,
all in one pass over the token stream after parsing:
- `[[Target]]` / `[[Target|label]]` wiki links, resolved through the site's resolver;
- root-relative links to pages (`/term/x/`) checked and rewritten for the base path;
- auto-links: the first mention of another page's title or alias becomes a link,
  found with one Aho-Corasick automaton over the text (never one search per title).

About 330 lines: the parser's extensions share one per-page state (`_PageState`) and
run in one pass; sentence splitting lives in `sentences.py`.
"""

from __future__ import annotations

import bisect
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
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from glossary_site import urls
from glossary_site.markdown import sanitize
from glossary_site.markdown.autolink import Linking, link_mentions, visible_text
from glossary_site.markdown.folding import html_words


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


class LocalFiles(Protocol):
    """The site's own files (static/, the theme's assets/) by site path, for bodies that
    link to them or show them."""

    def state(self, path: str) -> tuple[int, int] | None:
        """The file's (size, mtime_ns): what a cached body was rendered against; None when
        there is no such file."""
        ...

    def image_size(self, path: str) -> tuple[int, int] | None:
        """An image's (width, height), when its file says."""
        ...


@dataclass(frozen=True, slots=True)
class LinkTable:
    """Everything a body needs to know about the rest of the site; built once per build."""

    resolver: Resolver
    hrefs: Mapping[str, str]
    titles: Mapping[str, str]
    paths: Mapping[str, str]
    names: Any  # a pyahocorasick Automaton of lower-cased name -> NameTarget, or None
    base_path: str
    files: LocalFiles | None = None  # None: local files are neither checked nor measured


@dataclass(frozen=True, slots=True)
class Options:
    """Per-page switches."""

    self_id: str
    allow_html: bool = False
    auto_link: bool = True
    auto_link_max: int = 10  # auto-links on the whole page, first mentions in reading order
    page_ids: tuple[str, ...] = ()  # ids the page gives its own parts (an area's facets)


@dataclass(frozen=True, slots=True)
class BodyProblem:
    """A problem in a body, at a 0-based line of the Markdown text."""

    line: int
    message: str
    code: str
    suggestions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RenderedBody:
    """HTML plus what the body links to (`auto_links`: those it auto-linked) and which
    areas it mentions."""

    html: str
    text: str
    links: tuple[str, ...]
    areas_mentioned: tuple[str, ...]
    problems: tuple[BodyProblem, ...]
    auto_links: tuple[str, ...] = ()
    # the local files it links to or shows, with the (size, mtime_ns) it saw ((-1, -1): none)
    files: tuple[tuple[str, int, int], ...] = ()
    words: str = ""  # the distinct words of its text, for the search index (`html_words`)

    def record(self) -> tuple[Any, ...]:
        """Builtin values only, for the build cache."""
        return (
            self.html,
            self.text,
            self.links,
            self.areas_mentioned,
            tuple((p.line, p.message, p.code, p.suggestions) for p in self.problems),
            self.auto_links,
            self.files,
            self.words,
        )

    @classmethod
    def from_record(cls, record: tuple[Any, ...]) -> RenderedBody:
        """The inverse of `record`."""
        html, text, links, areas, problems, auto, files, words = record
        return cls(
            html,
            text,
            tuple(links),
            tuple(areas),
            tuple(BodyProblem(*p[:3], tuple(p[3])) for p in problems),
            tuple(auto),
            tuple((path, size, mtime) for path, size, mtime in files),
            str(words),
        )


@dataclass(frozen=True, slots=True)
class Section:
    """One Markdown document of a page: its text, the body line it starts on (0-based),
    and the level its top heading takes (2 under the page title, 3 inside a facet)."""

    text: str
    line_offset: int = 0
    heading_base: int = 2
    want_text: bool = False  # the plain text too (area facets feed FAQ answers and teasers)
    inline: bool = False  # one line of inline Markdown (a summary): no <p>, no auto-links


@dataclass(slots=True)
class _PageState:
    options: Options
    table: LinkTable
    linked: set[str] = field(default_factory=set)
    links: dict[str, None] = field(default_factory=dict)
    areas: dict[str, None] = field(default_factory=dict)
    problems: list[BodyProblem] = field(default_factory=list)
    auto_links: list[str] = field(default_factory=list)
    auto_left: int = 0
    line_offset: int = 0
    heading_base: int = 2
    auto_link_here: bool = True
    ids: set[str] = field(default_factory=set)  # element ids taken on the page so far
    files: dict[str, tuple[int, int]] = field(default_factory=dict)  # RenderedBody.files
    tried: dict[str, int] = field(default_factory=dict)  # see _unique_id


def render(text: str, table: LinkTable, options: Options) -> RenderedBody:
    """Render one Markdown document."""
    return render_sections([Section(text)], table, options)[0]


def render_sections(
    sections: Iterable[Section], table: LinkTable, options: Options
) -> list[RenderedBody]:
    """Render the parts of one page in order, auto-linking each target once per page."""
    state = _PageState(options, table, auto_left=options.auto_link_max)
    state.ids.update(THEME_IDS, options.page_ids)
    md = _parser(options.allow_html)
    results = []
    for section in sections:
        state.line_offset = section.line_offset
        state.heading_base = section.heading_base
        state.links, state.areas, state.problems, state.auto_links = {}, {}, [], []
        state.files = {}
        state.auto_link_here = not section.inline
        env = {"page": state}
        tokens = (md.parseInline if section.inline else md.parse)(section.text, env)
        if _TOO_DEEP in env:
            state.problems.append(_too_deep(section.line_offset + env[_TOO_DEEP], md))
        html = md.renderer.render(tokens, md.options, env)
        results.append(
            RenderedBody(
                html,
                plain_text(tokens) if section.want_text else "",
                tuple(state.links),
                tuple(state.areas),
                tuple(state.problems),
                tuple(state.auto_links),
                tuple((path, *seen) for path, seen in state.files.items()),
                html_words(html),
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


MORE = "<!--more-->"


@dataclass(frozen=True, slots=True)
class Lead:
    """A summary taken from a body: its Markdown, and the body lines (0-based) the page
    must not show again (the summary's own lines and the `<!--more-->` marker)."""

    markdown: str
    line: int  # where it starts in the body, 0-based
    hidden: tuple[int, ...]


def more_lines(text: str) -> tuple[int, ...]:
    """Body lines (0-based) that are a `<!--more-->` marker, outside code blocks."""
    if MORE not in text:
        return ()
    tokens = _parser(False).parse(text, {})
    in_code = {
        line
        for tok in tokens
        if tok.type in ("fence", "code_block") and tok.map
        for line in range(*tok.map)
    }
    return tuple(
        n for n, line in enumerate(text.split("\n")) if line.strip() == MORE and n not in in_code
    )


def lead(text: str) -> Lead | None:
    """The summary a body gives: the text before `<!--more-->`, else its first top-level
    paragraph; None when it has neither."""
    markers = more_lines(text)
    lines = text.split("\n")
    if markers:
        before = "\n".join(lines[: markers[0]]).strip()
        if before:
            start = next(n for n, line in enumerate(lines) if line.strip())
            return Lead(before, start, (*range(markers[0]), *markers))
    tokens = _parser(False).parse(text, {})
    for i, tok in enumerate(tokens):
        if tok.type == "paragraph_open" and tok.level == 0 and tok.map:
            content = tokens[i + 1].content.strip()
            if content and content != MORE:
                return Lead(content, tok.map[0], (*range(*tok.map), *markers))
    return None


_MARKUP = re.compile(r"[*_`\[\]<>&\\!~]")
_LINE_BREAKS = re.compile(r"[ \t\r\n]*[\r\n][ \t\r\n]*|[ \t]{2,}")


def has_markup(text: str) -> bool:
    """Whether a summary has Markdown (or characters HTML escapes) to render: most are plain
    words, used as they are without a Markdown pass."""
    return _MARKUP.search(text) is not None


def inline_plain(text: str) -> str:
    """Inline Markdown as plain text: what meta tags, feeds and JSON-LD carry."""
    if has_markup(text):
        tokens = _parser(False).parseInline(text, {})
        text = _inline_text(tokens[0]) if tokens else ""
    return _LINE_BREAKS.sub(" ", text).strip()


def plain_text(tokens: list[Token]) -> str:
    """The readable text of a token stream, blocks separated by blank lines."""
    blocks = []
    for token in tokens:
        if token.type == "inline":
            blocks.append(_inline_text(token))
        elif token.type in ("fence", "code_block"):
            blocks.append(token.content.rstrip("\n"))
    return "\n\n".join(block for block in blocks if block)


@lru_cache(maxsize=4)
def _parser(allow_html: bool) -> MarkdownIt:
    """One parser for structure and rendering: raw HTML is always parsed as HTML, then
    sanitized per page (`_raw_html`) unless the site allows it through."""
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.validateLink = _safe_link
    md.inline.ruler.before("link", "wikilink", _wikilink_rule)
    md.add_render_rule("wikilink", _render_wikilink)
    # what glossaries written for other generators use (Hugo's Goldmark, MkDocs' extensions)
    md.use(deflist_plugin).use(footnote_plugin).use(tasklists_plugin).use(admon_plugin)
    # right after inline parsing, before the plugins' core rules: the HTML they generate
    # (task list checkboxes) is ours, not the author's, and is not sanitized
    md.core.ruler.after("inline", "raw_html", _raw_html)
    md.core.ruler.push("site_links", _site_links)
    for rule in ("fence", "code_block"):
        md.add_render_rule(rule, _focusable(md.renderer.rules[rule]))
    md.core.ruler.push("anchor", _heading_ids)
    _watch_nesting(md)
    return md


def _focusable(default: Any) -> Any:
    """A code block renderer whose `<pre>` takes keyboard focus: a long line makes it
    scroll sideways, and a scrolling region must be reachable without a mouse (axe's
    scrollable-region-focusable)."""

    def render(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
        html: str = default(tokens, idx, options, env)
        return html.replace("<pre>", '<pre tabindex="0">', 1) if html.startswith("<pre>") else html

    return render


_TOO_DEEP = "too_deep"  # env key: the first line markdown-it drops for nesting too deep


def _watch_nesting(md: MarkdownIt) -> None:
    """Note where blocks nest deeper than markdown-it's limit: it drops the rest of such a
    block without a word (its guard against deep recursion), and an author must hear of it."""
    tokenize = md.block.tokenize
    limit = md.options.maxNesting

    def watched(state: Any, start: int, end: int) -> None:
        if state.level >= limit:  # markdown-it's own test, which then skips start..end
            line = state.skipEmptyLines(start)
            if line < end and state.sCount[line] >= state.blkIndent:
                state.env.setdefault(_TOO_DEEP, line)
        tokenize(state, start, end)

    md.block.tokenize = watched  # type: ignore[method-assign]


def _too_deep(line: int, md: MarkdownIt) -> BodyProblem:
    return BodyProblem(
        line,
        "quotes or lists nest too deeply here (Markdown's limit is "
        f"{md.options.maxNesting} levels, a list takes two): the text from this line to the "
        "end of the block would be dropped; nest less deeply",
        "too-deep",
    )


_UNSAFE_SCHEMES = re.compile(r"^\s*(javascript|vbscript|file|data):", re.IGNORECASE)


def _safe_link(url: str) -> bool:
    return not _UNSAFE_SCHEMES.match(unquote(url))


_WIKILINK = re.compile(r"\[\[([^\[\]]+)\]\]")


def _wikilink_rule(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if not src.startswith("[[", pos):
        return False
    inner = _wikilinks_of(state).get(pos)
    if inner is None or not inner.strip():
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
    state.pos = pos + len(inner) + 4
    return True


def _wikilinks_of(state: StateInline) -> dict[int, str]:
    """Every `[[...]]` of this inline text by start, found in one pass and kept for the text:
    searching for "]]" from each "[[" would make a text full of brackets quadratic."""
    cached = state.env.get("_wikilinks")
    if cached is None or cached[0] is not state.src:
        found = {m.start(): m.group(1) for m in _WIKILINK.finditer(state.src)}
        cached = (state.src, found)
        state.env["_wikilinks"] = cached
    return cached[1]


def _render_wikilink(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    meta = tokens[idx].meta
    text = escapeHtml(meta["text"])
    if not meta["href"]:
        return text
    return f'<a href="{escapeHtml(meta["href"])}" class="wikilink">{text}</a>'


def _raw_html(state: StateCore) -> None:
    """Raw HTML made harmless (sanitize.py): allowed tags cleaned, others turned into
    text tokens, so they read, auto-link and render as the text they were before."""
    page: _PageState | None = state.env.get("page")
    if page is not None and page.options.allow_html:
        return
    for token in state.tokens:
        if token.type == "html_block":
            token.content = sanitize.clean_block(token.content)
        elif token.type == "inline" and token.children:
            for child in token.children:
                if child.type == "html_inline":
                    _clean_inline(child)


def _clean_inline(token: Token) -> None:
    cleaned = sanitize.clean_tag(token.content)
    if cleaned.startswith("&lt;"):  # not allowed: the tag as text, escaped when rendered
        token.type, token.tag = "text", ""
    else:
        token.content = cleaned


def _site_links(state: StateCore) -> None:
    page: _PageState | None = state.env.get("page")
    if page is None:
        return
    _shift_headings(state.tokens, page.heading_base)
    inlines = [(i, tok) for i, tok in enumerate(state.tokens) if tok.type == "inline"]
    for _, parent in inlines:
        breaks = 0  # line breaks before the child: the line of a broken link, in one pass
        for child in parent.children or ():
            if child.type in ("softbreak", "hardbreak"):
                breaks += 1
            elif child.type == "html_inline":
                breaks += child.content.count("\n")
            elif child.type == "wikilink":
                _resolve_wikilink(child, parent, page)
            elif child.type == "link_open":
                _resolve_href(child, _first_line(parent, page) + breaks, page)
            elif child.type == "image":
                _prepare_image(child, _first_line(parent, page) + breaks, page)
    if page.table.names is None:
        return
    linking = Linking(
        page.table.names, page.table.hrefs, page.options.self_id, page.linked, page.auto_left
    )
    for i, parent in inlines:
        in_heading = i > 0 and state.tokens[i - 1].type == "heading_open"
        linkable = page.options.auto_link and page.auto_link_here and not in_heading
        parent.children = link_mentions(parent.children or [], linking, linkable)
    for target in linking.new_links:
        _note_link(page, target, explicit=False)
    page.auto_links += linking.new_links
    page.auto_left = linking.left
    page.areas.update(linking.areas)


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


def _first_line(parent: Token, page: _PageState) -> int:
    return page.line_offset + (parent.map[0] if parent.map else 0)


def _line_of(parent: Token, pos: int, page: _PageState) -> int:
    # the offsets of the inline's line breaks, found once: counting from the start for each
    # problem made a paragraph of a thousand broken links quadratic
    breaks = parent.meta.get("line_breaks")
    if breaks is None:
        breaks = parent.meta["line_breaks"] = [m.start() for m in _NEWLINE.finditer(parent.content)]
    return _first_line(parent, page) + bisect.bisect_left(breaks, max(pos, 0))


_NEWLINE = re.compile("\n")


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


def _resolve_href(token: Token, line: int, page: _PageState) -> None:
    href = str(token.attrs.get("href", ""))
    if not href.startswith("/") or href.startswith("//"):
        return
    path, sep, rest = _split_fragment(href[1:])
    site_path = unquote(path)
    first = site_path.split("/", 1)[0]
    if first not in urls.KINDS or site_path.count("/") < 1 or site_path == f"{first}/":
        token.attrs["href"] = page.table.base_path + href[1:]
        if "." in site_path.rsplit("/", 1)[-1] and not _file_exists(site_path, page):
            page.problems.append(
                BodyProblem(
                    line,
                    f"broken link to /{site_path}: static/{site_path} does not exist",
                    "missing-file",
                )
            )
        return
    key = site_path if site_path.endswith("/") else site_path + "/"
    target = page.table.paths.get(key)
    if target is None:
        if page.table.resolver.resolve(site_path.strip("/")).message:
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


# Heading ids, as mdit-py-plugins' anchors plugin gave them (h2-h4 after shifting, the
# slug of the heading's text and code, "-1", "-2", ... for repeats), without its loop that
# tries every suffix from 1 again for each repeat: 50,000 headings alike took minutes.
# Unlike the plugin, ids are unique on the whole page: across an area's facets, and apart
# from the ids the theme and the footnotes give their own elements, so a deep link
# (`#main`, `#fn1`) always reaches the heading it names.
_ANCHORED = ("h2", "h3", "h4")

# Ids of the default theme's own elements (templates/*.html, assets/*.js);
# tests/markdown/test_heading_ids.py checks the list against the theme.
THEME_IDS = frozenset(
    {
        "main",
        "browse",
        "header-search",
        "header-search-results",
        "home-search",
        "home-search-results",
        "gs-areas",
        "gs-backlinks",
        "gs-browse",
        "gs-discover",
        "gs-entries",
        "gs-glossary",
        "gs-latest",
        "gs-tip",
        "gs-tips",
    }
)
# numbered ids: footnotes' (fn1, fnref1; fnref1:2 is no slug) and search results' options
NUMBERED_IDS = re.compile(r"fn(?:ref)?\d+|(?:header|home)-search-results-\d+")


def _heading_ids(state: StateCore) -> None:
    tokens = state.tokens
    page: _PageState | None = state.env.get("page")
    taken = page.ids if page is not None else set()
    taken.update(
        str(token.attrGet("id"))
        for token in tokens
        if token.type == "heading_open" and token.attrGet("id")
    )
    # slug -> the last suffix tried for it (0: the bare slug)
    tried: dict[str, int] = page.tried if page is not None else {}
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or token.tag not in _ANCHORED or token.attrGet("id"):
            continue
        title = "".join(
            child.content
            for child in tokens[index + 1].children or ()
            if child.type in ("text", "code_inline")
        )
        token.attrSet("id", _unique_id(urls.slugify(title), taken, tried))


def _unique_id(slug: str, taken: set[str], tried: dict[str, int]) -> str:
    """The first of slug, slug-1, slug-2, ... not taken; the suffixes tried before for this
    slug are taken still, so the search goes on from the last one."""
    suffix = tried.get(slug, 0)
    candidate = f"{slug}-{suffix}" if suffix else slug
    while candidate in taken or NUMBERED_IDS.fullmatch(candidate):
        suffix += 1
        candidate = f"{slug}-{suffix}"
    taken.add(candidate)
    tried[slug] = suffix
    return candidate


def _split_fragment(href: str) -> tuple[str, str, str]:
    cut = min((i for i in (href.find("#"), href.find("?")) if i != -1), default=-1)
    return (href, "", "") if cut == -1 else (href[:cut], href[cut], href[cut + 1 :])


def _prepare_image(token: Token, line: int, page: _PageState) -> None:
    src = str(token.attrs.get("src", ""))
    if src.startswith("/") and not src.startswith("//"):
        token.attrs["src"] = page.table.base_path + src[1:]
        _local_image(token, unquote(_split_fragment(src[1:])[0]), line, page)
    token.attrs["loading"] = "lazy"
    token.attrs["decoding"] = "async"


def _local_image(token: Token, path: str, line: int, page: _PageState) -> None:
    """Check that a body's local image exists, as `image.src` is, and give it the width
    and height its file says (the browser then keeps its place while it loads)."""
    files = page.table.files
    if files is None:
        return
    if not _file_exists(path, page):
        message = f"image 'static/{path}' does not exist"
        page.problems.append(BodyProblem(line, message, "missing-image"))
        return
    size = files.image_size(path)
    if size is not None:
        token.attrs["width"], token.attrs["height"] = str(size[0]), str(size[1])


def _file_exists(path: str, page: _PageState) -> bool:
    """Whether a site path is one of the site's files or one the build writes; files are
    noted with what they were, so a cached body is rendered again when one changes."""
    files = page.table.files
    if files is None or urls.generated_file(path):
        return True
    state = files.state(path) if urls.relative_asset_problem(path) is None else None
    page.files[path] = state or (-1, -1)
    return state is not None


def _note_link(page: _PageState, target: str, explicit: bool) -> None:
    if target == page.options.self_id:
        return
    page.links.setdefault(target, None)
    if explicit:
        page.linked.add(target)


def _inline_text(token: Token) -> str:
    return "".join(visible_text(child) for child in token.children or ()).strip()

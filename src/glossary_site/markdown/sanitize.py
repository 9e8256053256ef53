"""Raw HTML in Markdown, made harmless: each tag is kept only if an allow-list says so.

markdown-it hands raw HTML over tag by tag (`html_inline`) or as a block of lines
(`html_block`). Each tag is cleaned on its own by nh3 (the Rust `ammonia` sanitizer):
unknown or dangerous tags (script, style, iframe, form, svg, ...) are shown as text,
as every tag was before; allowed tags keep only allowed attributes, and URLs only the
http(s) and mailto schemes or a relative path. Tag by tag, because a Markdown body
interleaves HTML with Markdown: `<details>` and its `</details>` are often in
different tokens, which a whole-fragment sanitizer would close or drop.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it.common.utils import escapeHtml

ALLOWED_TAGS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "blockquote",
        "br",
        "caption",
        "cite",
        "code",
        "col",
        "colgroup",
        "dd",
        "del",
        "details",
        "dfn",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "rp",
        "rt",
        "ruby",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "time",
        "tr",
        "u",
        "ul",
        "var",
        "wbr",
    }
)
_EVERYWHERE = {"class", "id", "title", "lang", "dir"}
ATTRIBUTES = {
    "*": _EVERYWHERE,
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "headers"},
    "th": {"colspan", "rowspan", "headers", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "time": {"datetime"},
    "details": {"open"},
    "q": {"cite"},
    "blockquote": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})

# a tag with quoted attribute values (which may hold '>'), or a comment, or a declaration
# (no run can cross a '<': a body of unclosed tags is scanned once, not once per tag)
_TAG = re.compile(
    r"<!--.*?(?:-->|\Z)|<[!?][^<>]*>|</?[A-Za-z][^\s/<>]*(?:\"[^\"]*\"|'[^']*'|[^'\"<>])*>", re.S
)
_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)")


def clean_tag(tag: str) -> str:
    """One raw tag as safe HTML: cleaned if allowed, else shown as text; comments vanish."""
    if tag.startswith("<!--"):
        return ""
    name = _NAME.match(tag)
    if name is None:
        return escapeHtml(tag)
    lowered = name.group(1).lower()
    if lowered not in ALLOWED_TAGS:
        return escapeHtml(tag)
    if tag.startswith("</"):
        return f"</{lowered}>"
    return _clean_open(tag, lowered)


@lru_cache(maxsize=4096)
def _clean_open(tag: str, name: str) -> str:
    import nh3  # only bodies with raw HTML pay for the import

    cleaned = nh3.clean(
        tag,
        tags=set(ALLOWED_TAGS),
        attributes={key: set(value) for key, value in ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )
    # nh3 closes what it opens ("<kbd>" -> "<kbd></kbd>"): keep the opening tag only
    if not cleaned.startswith(f"<{name}"):
        return escapeHtml(tag)
    return cleaned[: cleaned.index(">") + 1]


def clean_block(html: str) -> str:
    """A block of raw HTML lines, every tag cleaned; text between tags stays as written,
    except a '<' that opens no tag."""
    out, pos = [], 0
    for match in _TAG.finditer(html):
        out.append(html[pos : match.start()].replace("<", "&lt;"))
        out.append(clean_tag(match.group()))
        pos = match.end()
    out.append(html[pos:].replace("<", "&lt;"))
    return "".join(out)

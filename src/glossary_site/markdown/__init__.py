"""Markdown bodies: markdown-it-py with wiki links, site links, auto-links and line-accurate
problems.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from glossary_site._exports import lazy_exports

if TYPE_CHECKING:
    from glossary_site.markdown.autolink import NameTarget, name_key, name_target
    from glossary_site.markdown.body import (
        LinkTable,
        Options,
        RenderedBody,
        Resolution,
        h2_sections,
        render,
        render_sections,
    )
    from glossary_site.markdown.folding import fold, html_words, word_set, words
    from glossary_site.markdown.sentences import first_sentence

_EXPORTS = {
    "LinkTable": "body",
    "NameTarget": "autolink",
    "Options": "body",
    "RenderedBody": "body",
    "Resolution": "body",
    "first_sentence": "sentences",
    "fold": "folding",
    "html_words": "folding",
    "word_set": "folding",
    "words": "folding",
    "h2_sections": "body",
    "name_key": "autolink",
    "name_target": "autolink",
    "render": "body",
    "render_sections": "body",
}
__all__ = [
    "LinkTable",
    "NameTarget",
    "Options",
    "RenderedBody",
    "Resolution",
    "first_sentence",
    "fold",
    "h2_sections",
    "html_words",
    "name_key",
    "name_target",
    "render",
    "render_sections",
    "word_set",
    "words",
]
__getattr__ = lazy_exports(__name__, _EXPORTS)

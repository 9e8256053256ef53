"""Stage 2, resolve: references, wiki links, auto-links and recommendations into a `SiteGraph`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from glossary_site._exports import lazy_exports

if TYPE_CHECKING:
    from glossary_site.resolve.graph import SiteGraph, newest_first
    from glossary_site.resolve.recommend import discover_more
    from glossary_site.resolve.references import RefIndex, plural_variants, ref_key
    from glossary_site.resolve.site import link_table, resolve, text_edit

_EXPORTS = {
    "RefIndex": "references",
    "SiteGraph": "graph",
    "discover_more": "recommend",
    "link_table": "site",
    "newest_first": "graph",
    "plural_variants": "references",
    "ref_key": "references",
    "resolve": "site",
    "text_edit": "site",
}
__all__ = [
    "RefIndex",
    "SiteGraph",
    "discover_more",
    "link_table",
    "newest_first",
    "plural_variants",
    "ref_key",
    "resolve",
    "text_edit",
]
__getattr__ = lazy_exports(__name__, _EXPORTS)

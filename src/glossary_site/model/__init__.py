"""The content contract: front-matter models, the frozen loaded pages, site settings. No
I/O, no Jinja, no markdown-it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from glossary_site._exports import lazy_exports

if TYPE_CHECKING:
    from glossary_site.model.config import SiteConfig, normalize_base_url
    from glossary_site.model.meta import (
        MAX_DIMENSION,
        AreaMeta,
        EntryMeta,
        Frozen,
        parse_timestamp,
    )
    from glossary_site.model.pages import (
        Area,
        Author,
        Entry,
        Facet,
        Image,
        Page,
        Ref,
        author_of,
        image_of,
    )

_EXPORTS = {
    "Area": "pages",
    "AreaMeta": "meta",
    "Author": "pages",
    "Entry": "pages",
    "EntryMeta": "meta",
    "Facet": "pages",
    "Frozen": "meta",
    "MAX_DIMENSION": "meta",
    "Image": "pages",
    "Page": "pages",
    "Ref": "pages",
    "SiteConfig": "config",
    "author_of": "pages",
    "image_of": "pages",
    "normalize_base_url": "config",
    "parse_timestamp": "meta",
}
__all__ = [
    "MAX_DIMENSION",
    "Area",
    "AreaMeta",
    "Author",
    "Entry",
    "EntryMeta",
    "Facet",
    "Frozen",
    "Image",
    "Page",
    "Ref",
    "SiteConfig",
    "author_of",
    "image_of",
    "normalize_base_url",
    "parse_timestamp",
]
__getattr__ = lazy_exports(__name__, _EXPORTS)

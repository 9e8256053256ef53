"""Stage 1, load: scan the site's files, parse front matter and settings, and return a
`LoadedSite`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from glossary_site._exports import lazy_exports

if TYPE_CHECKING:
    from glossary_site.load.frontmatter import (
        ParseFailure,
        YamlMapping,
        decode,
        parse_mapping,
        split,
    )
    from glossary_site.load.scan import Scan, SourceFile, Theme, rescanned, scan_site
    from glossary_site.load.site import (
        LoadedSite,
        LoadOptions,
        image_size,
        load_site,
        parse_page,
        site_config,
        text_edited,
    )
    from glossary_site.load.validate import validate_meta

_EXPORTS = {
    "LoadOptions": "site",
    "LoadedSite": "site",
    "ParseFailure": "frontmatter",
    "Scan": "scan",
    "SourceFile": "scan",
    "Theme": "scan",
    "YamlMapping": "frontmatter",
    "decode": "frontmatter",
    "image_size": "site",
    "load_site": "site",
    "parse_mapping": "frontmatter",
    "parse_page": "site",
    "rescanned": "scan",
    "scan_site": "scan",
    "site_config": "site",
    "split": "frontmatter",
    "text_edited": "site",
    "validate_meta": "validate",
}
__all__ = [
    "LoadOptions",
    "LoadedSite",
    "ParseFailure",
    "Scan",
    "SourceFile",
    "Theme",
    "YamlMapping",
    "decode",
    "image_size",
    "load_site",
    "parse_mapping",
    "parse_page",
    "rescanned",
    "scan_site",
    "site_config",
    "split",
    "text_edited",
    "validate_meta",
]
__getattr__ = lazy_exports(__name__, _EXPORTS)

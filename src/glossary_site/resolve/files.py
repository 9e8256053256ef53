"""The site's own files as bodies see them: which exist, and how big local images are."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from glossary_site.load import LoadedSite, SourceFile, image_size


@dataclass(slots=True)
class SiteFiles:
    """static/ and the theme's assets/ by site path (a markdown `LocalFiles`). Images are
    measured when a body shows them, once per build (per worker process)."""

    files: Mapping[str, SourceFile]
    sizes: dict[str, tuple[int, int] | None] = field(default_factory=dict)

    def state(self, path: str) -> tuple[int, int] | None:
        found = self.files.get(path)
        return None if found is None else (found.size, found.mtime_ns)

    def image_size(self, path: str) -> tuple[int, int] | None:
        if path not in self.sizes:
            found = self.files.get(path)
            self.sizes[path] = None if found is None else image_size(found.source)
        return self.sizes[path]


def site_files(site: LoadedSite) -> SiteFiles:
    """The files a body may link to: the theme's assets, then static/ (which the output
    takes when both have a path)."""
    return SiteFiles({f.path: f for f in (*site.theme.assets, *site.static)})


def seen_unchanged(records: Iterable[Any], files: SiteFiles) -> bool:
    """Whether every local file a cached body saw (its records' `files`) is still as it
    was: a body showing an image that changed size, or linking to a file that came or
    went, is rendered again."""
    return all(
        (files.state(path) or (-1, -1)) == (size, mtime)
        for record in records
        for path, size, mtime in record[6]
    )

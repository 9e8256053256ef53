"""The persistent build cache in `.glossary-cache/` next to content/.

It stores builtin values (marshal: fast, and unlike pickle it never runs code) that are
pure functions of their keys: parsed pages keyed by file hash, rendered bodies keyed by
body hash and link-table digest, recommendations keyed by a digest of the graph they were
computed from; and what the last successful build wrote, with a fingerprint of its inputs.
Everything is salted with a hash of this package's code and of the versions of the
libraries that shape the output: a new version of either never reads an old cache. A
missing, corrupt or foreign cache is ignored; the cache never changes output.

The two big sections are split into shards so that one changed page rewrites one shard.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import marshal
import os
import sys
from collections.abc import Callable, Iterator, MutableMapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from glossary_site.write.staging import Record

FOLDER = ".glossary-cache"
SHARDS = 16


# Libraries whose upgrade can change a page: parsing, validation, Markdown, templates,
# escaping, auto-links, image sizes, suggestions.
OUTPUT_LIBRARIES = (
    "imagesize",
    "Jinja2",
    "markdown-it-py",
    "MarkupSafe",
    "mdit-py-plugins",
    "mdurl",
    "pyahocorasick",
    "pydantic",
    "pydantic-core",
    "PyYAML",
    "rapidfuzz",
    "tzdata",
)


@lru_cache(maxsize=1)
def code_salt() -> str:
    """A hash of this package's source, the Python version and the library versions."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(sys.version.encode())
    digest.update(repr(library_versions()).encode())
    package = Path(__file__).resolve().parents[1]
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def library_versions() -> tuple[tuple[str, str], ...]:
    """The installed version of each library in OUTPUT_LIBRARIES ("" when not found)."""
    versions = []
    for name in OUTPUT_LIBRARIES:
        try:
            versions.append((name, importlib.metadata.version(name)))
        except importlib.metadata.PackageNotFoundError:
            versions.append((name, ""))
    return tuple(versions)


def _shard(key: str) -> int:
    """Keys start with a hex digest: its first digit picks one of 16 even shards."""
    try:
        return int(key[0], 16)
    except (IndexError, ValueError):
        return 0


class Memo(MutableMapping[str, Any]):
    """A dict over last build's values that remembers which keys this build used.

    The previous values are read on first use: an up-to-date build never needs them.
    """

    def __init__(self, read: Callable[[], list[dict[str, Any]]]):
        self._read = read
        self._loaded: list[dict[str, Any]] | None = None
        self.used: dict[str, Any] = {}
        self.added: set[int] = set()

    @property
    def _previous(self) -> list[dict[str, Any]]:
        if self._loaded is None:
            self._loaded = self._read()
        return self._loaded

    def __getitem__(self, key: str) -> Any:
        if key not in self.used:
            self.used[key] = self._previous[_shard(key)][key]
        return self.used[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.used[key] = value
        self.added.add(_shard(key))

    def __delitem__(self, key: str) -> None:
        self.used.pop(key, None)
        self._previous[_shard(key)].pop(key, None)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and (key in self.used or key in self._previous[_shard(key)])

    def __iter__(self) -> Iterator[str]:
        return iter(self.used)

    def __len__(self) -> int:
        return len(self.used)

    def shards_to_write(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """The shards whose content this build changed (new keys, or keys no longer used)."""
        shards: list[dict[str, Any]] = [{} for _ in range(SHARDS)]
        for key, value in self.used.items():
            shards[_shard(key)][key] = value
        if self._loaded is None and not self.added:
            return  # never read, never written: nothing changed
        for index, shard in enumerate(shards):
            if index in self.added or len(shard) != len(self._previous[index]):
                yield index, shard


class BuildCache:
    """The cache of one site; a disabled cache remembers nothing."""

    def __init__(self, root: Path | None):
        self.folder = root / FOLDER if root is not None else None
        self.pages = Memo(lambda: self._read_shards("pages"))
        self.bodies = Memo(lambda: self._read_shards("bodies"))
        self._graph: dict[str, Any] | None = None
        self._graph_read = b""
        self._files: dict[str, Any] | None = None
        self._files_read: dict[str, Any] = {}
        self._cards: dict[str, Any] | None = None
        self._output: dict[str, Any] = self._read("output")

    @property
    def files(self) -> dict[str, Any]:
        """Stat signatures and digests of the page files the last build read."""
        if self._files is None:
            self._files = self._read("files")
            self._files_read = dict(self._files)
        return self._files

    @property
    def graph(self) -> dict[str, Any]:
        """Resolved references and recommendations of the last build (read on first use)."""
        if self._graph is None:
            self._graph = self._read("graph")
            self._graph_read = marshal.dumps(self._graph)  # nested values change in place
        return self._graph

    def cards(self, salt: str) -> dict[str, bytes]:
        """Card digests of the last build made with the same settings, templates and code."""
        if self._cards is None:
            stored = self._read("cards")
            self._cards = {
                "salt": salt,
                "digests": stored.get("digests", {}) if stored.get("salt") == salt else {},
            }
            self._cards_read = dict(self._cards["digests"])
        return self._cards["digests"]

    @classmethod
    def disabled(cls) -> BuildCache:
        """A cache that neither reads nor writes (`--no-cache`)."""
        return cls(None)

    def previous_output(self, out: Path) -> dict[str, Record]:
        """What the last successful build wrote to `out`, if it wrote there."""
        if self._output.get("out") != str(out.resolve()):
            return {}
        return {path: Record(*fields) for path, fields in self._output.get("records", {}).items()}

    def previous_summary(self, out: Path, fingerprint: str) -> tuple[Any, ...] | None:
        """The summary of the last build into `out`, if it read exactly these inputs."""
        if self._output.get("out") != str(out.resolve()):
            return None
        if self._output.get("fingerprint") != fingerprint:
            return None
        return self._output.get("summary")

    def save(
        self,
        out: Path | None = None,
        records: dict[str, Record] | None = None,
        fingerprint: str = "",
        summary: tuple[Any, ...] = (),
    ) -> None:
        """Persist what changed: used memo shards, the graph, and after a successful build
        what it wrote."""
        if self.folder is None:
            return
        for name, memo in (("pages", self.pages), ("bodies", self.bodies)):
            for index, shard in memo.shards_to_write():
                self._write(f"{name}-{index:02d}", shard)
        if self._graph is not None:
            snapshot = marshal.dumps(self._graph)
            if snapshot != self._graph_read:
                self._write("graph", self._graph)
                self._graph_read = snapshot
        if self._files is not None and self._files != self._files_read:
            self._write("files", self._files)
            self._files_read = dict(self._files)
        if self._cards is not None and self._cards["digests"] != self._cards_read:
            self._write("cards", self._cards)
            self._cards_read = dict(self._cards["digests"])
        if out is not None and records is not None:
            self._output = {
                "out": str(out.resolve()),
                "fingerprint": fingerprint,
                "summary": summary,
                "records": {path: (r.digest, r.size, r.mtime_ns) for path, r in records.items()},
            }
            self._write("output", self._output)

    def _read_shards(self, name: str) -> list[dict[str, Any]]:
        return [self._read(f"{name}-{index:02d}") for index in range(SHARDS)]

    def _read(self, section: str) -> dict[str, Any]:
        if self.folder is None:
            return {}
        try:
            with open(self.folder / f"{section}.marshal", "rb") as handle:
                # loads() of the whole file: load() on the file reads in small pieces, 7x slower
                salt, data = marshal.loads(handle.read())
        except Exception:  # a damaged cache is a cache miss, never a failed build
            return {}
        return data if salt == code_salt() and isinstance(data, dict) else {}

    def _write(self, section: str, data: dict[str, Any]) -> None:
        assert self.folder is not None
        try:
            self.folder.mkdir(exist_ok=True)
            (self.folder / ".gitignore").write_text("*\n", encoding="utf-8")
            tmp = self.folder / f".{section}.{os.getpid()}.tmp"
            with open(tmp, "wb") as handle:
                handle.write(marshal.dumps((code_salt(), data)))
            os.replace(tmp, self.folder / f"{section}.marshal")
        except OSError:
            pass  # an unwritable cache only costs speed next time

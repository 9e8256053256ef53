"""The persistent build cache in `.glossary-cache/` next to content/.

It stores values that are pure functions of their keys (parsed pages keyed by file
hash, rendered bodies keyed by body hash and link table digest) and what the previous
build wrote, so unchanged output is neither re-rendered nor rewritten. Everything is
salted with a hash of this package's code: a new version never reads an old cache.
A missing, corrupt or foreign cache is ignored; the cache never changes the output.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from collections.abc import Iterator, MutableMapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from .write import Record

FOLDER = ".glossary-cache"
SECTIONS = ("pages", "bodies", "output")


@lru_cache(maxsize=1)
def code_salt() -> str:
    """A hash of this package's source and the Python version."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(sys.version.encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


class Memo(MutableMapping[str, Any]):
    """A dict over last build's values that remembers which keys this build used."""

    def __init__(self, previous: dict[str, Any]):
        self._previous = previous
        self.used: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        if key not in self.used:
            self.used[key] = self._previous[key]
        return self.used[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.used[key] = value

    def __delitem__(self, key: str) -> None:
        self.used.pop(key, None)
        self._previous.pop(key, None)

    def __contains__(self, key: object) -> bool:
        return key in self.used or key in self._previous

    def __iter__(self) -> Iterator[str]:
        return iter(self.used)

    def __len__(self) -> int:
        return len(self.used)


class BuildCache:
    """The three cache sections of one site; a disabled cache remembers nothing."""

    def __init__(self, root: Path | None):
        self.folder = root / FOLDER if root is not None else None
        self.pages = Memo(self._read("pages"))
        self.bodies = Memo(self._read("bodies"))
        self._output: dict[str, Any] = self._read("output")

    @classmethod
    def disabled(cls) -> BuildCache:
        """A cache that neither reads nor writes (`--no-cache`)."""
        return cls(None)

    def previous_output(self, out: Path) -> dict[str, Record]:
        """What the last build wrote to `out`, if it wrote there."""
        if self._output.get("out") != str(out.resolve()):
            return {}
        return dict(self._output.get("records", {}))

    def save(self, out: Path | None = None, records: dict[str, Record] | None = None) -> None:
        """Persist what this build used (and wrote, after a successful build)."""
        if self.folder is None:
            return
        self._write("pages", self.pages.used)
        self._write("bodies", self.bodies.used)
        if out is not None and records is not None:
            self._write("output", {"out": str(out.resolve()), "records": records})

    def _read(self, section: str) -> dict[str, Any]:
        if self.folder is None:
            return {}
        try:
            with open(self.folder / f"{section}.pickle", "rb") as handle:
                salt, data = pickle.load(handle)
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
                pickle.dump((code_salt(), data), handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.folder / f"{section}.pickle")
        except OSError:
            pass  # an unwritable cache only costs speed next time

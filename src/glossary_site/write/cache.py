"""The persistent build cache in `.glossary-cache/` next to content/.

It stores builtin values as JSON that are pure functions of their keys: parsed pages
keyed by file hash, rendered bodies keyed by body hash and link-table digest,
recommendations keyed by a digest of the graph they were computed from; and what the
last successful build wrote, with a fingerprint of its inputs.
Everything is salted with a hash of this package's code and of the versions of the
libraries that shape the output: a new version of either never reads an old cache. A
missing, corrupt or foreign cache is ignored; the cache never changes output.

The cache is untrusted input (CI restores it from a cache store that pull requests can
write to): each file is JSON, which `json.loads` parses in time and memory proportional
to its size whatever the bytes (marshal and pickle can crash the interpreter or ask for
gigabytes from a few malformed bytes), and ends with a checksum of everything before it,
written last. A file whose checksum fails is dropped and that part of the cache rebuilt,
with one line saying so. With `GLOSSARY_CACHE_KEY` set (a CI secret) the checksum is a
keyed MAC: a cache forged without the key is dropped too. Symbolic links are never
followed, neither for `.glossary-cache` itself nor for a file inside it.

The two big sections are split into shards so that one changed page rewrites one shard.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import importlib.metadata
import json
import os
import stat
import sys
from collections.abc import Callable, Iterator, MutableMapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from glossary_site.write import parallel
from glossary_site.write.staging import Record

FOLDER = ".glossary-cache"
SHARDS = 16
FORMAT = b"glossary-cache 1"  # the first line of every cache file, with the code salt
KEY_VARIABLE = "GLOSSARY_CACHE_KEY"
SUFFIX = ".json"
_CHECKSUM = 32  # hex digits of the trailing checksum line


# Libraries whose upgrade can change a page: parsing, validation, Markdown, templates,
# escaping, auto-links, image sizes, suggestions.
OUTPUT_LIBRARIES = (
    "imagesize",
    "Jinja2",
    "markdown-it-py",
    "MarkupSafe",
    "mdit-py-plugins",
    "mdurl",
    "nh3",
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

    def carry_over(self) -> None:
        """Start another build in this process (`glossary serve`): the values this build
        used become the previous ones, so the next one keeps only what it uses in turn."""
        if not self.used and self._loaded is None:
            return
        shards: list[dict[str, Any]] = [{} for _ in range(SHARDS)]
        for key, value in self.used.items():
            shards[_shard(key)][key] = value
        changed = self.added | {
            i
            for i in range(SHARDS)
            if self._loaded is None or len(shards[i]) != len(self._loaded[i])
        }
        self._loaded, self.used, self.added = shards, {}, changed

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

    def written(self, index: int, shard: dict[str, Any]) -> None:
        """A shard as just saved: the previous values a later save compares with (a build
        saves after analysing and again at its end; the second need not write it again)."""
        self._previous[index] = shard
        self.added.discard(index)


class BuildCache:
    """The cache of one site; a disabled cache remembers nothing."""

    def __init__(self, root: Path | None):
        self.notes: list[str] = []  # why parts of the cache were not used, for the user
        self.dropped: list[str] = []
        self._read_any = False
        self.folder = root / FOLDER if root is not None else None
        if self.folder is not None and _not_a_plain_folder(self.folder):
            self.notes.append(
                f"{self.folder} is a symbolic link or not a folder; it is not followed: "
                "building without the cache"
            )
            self.folder = None
        self.pages = Memo(lambda: self._read_shards("pages"))
        self.bodies = Memo(lambda: self._read_shards("bodies"))
        self._graph: dict[str, Any] | None = None
        # a digest of the graph's encoding as last read or written (not the 13 MB encoding
        # itself, which a long preview would keep for nothing but this comparison)
        self._graph_read = b""
        self._graph_lent = False  # handed out since the last save: it may have changed
        self._files: dict[str, Any] | None = None
        self._files_read: dict[str, Any] = {}
        self._cards: dict[str, Any] | None = None
        self._output: dict[str, Any] = self._read("output")
        self._prefetched: parallel.Background | None = None
        self._prefetching: frozenset[str] = frozenset()
        self._fetched: dict[str, tuple[dict[str, Any], bytes, bool]] = {}

    def prefetch(self) -> None:
        """Start reading the bodies' shards and the graph (80 of the 95 MB a 10,000-entry
        site keeps) in another process while this one scans and loads the site: a build
        that renders anything reads them, and reading them here would leave the second
        core idle for 0.4 s. Checked there as here; what fails is dropped the same way."""
        if self.folder is not None and self._prefetched is None and not self._prefetching:
            sections = [*(f"bodies-{index:02d}" for index in range(SHARDS)), "graph"]
            self._prefetching = frozenset(sections)
            self._prefetched = parallel.Background(self._read_sections, sections)

    def stop_prefetch(self) -> None:
        """Stop reading ahead (a build that found nothing to do needs none of it)."""
        if self._prefetched is not None:
            self._prefetched.cancel()
            self._prefetched = None

    def _read_sections(self, sections: list[str]) -> dict[str, tuple[dict[str, Any], bytes, bool]]:
        """Each section as read: (value, digest of its JSON, whether it failed its checks)."""
        assert self.folder is not None
        found = {}
        for section in sections:
            data, payload, failed = _read_section(self.folder, section)
            found[section] = (data, _digest(payload), failed)
        return found

    def _fetched_section(self, section: str) -> tuple[dict[str, Any], bytes]:
        """A section and the digest of its JSON: read ahead, else now."""
        if self._prefetched is not None and section in self._prefetching:
            self._fetched = self._prefetched.result()
            self._prefetched = None
        if section not in self._fetched:
            data, payload = self._read_with_payload(section)
            return data, _digest(payload)
        data, digest, failed = self._fetched.pop(section)
        return self._taken(section, data, failed), digest

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
            self._graph, self._graph_read = self._fetched_section("graph")
        # nested values change in place: a save compares the encoding with what was read,
        # unless the graph was not handed out since the last save
        self._graph_lent = True
        return self._graph

    def cards(self, salt: str) -> dict[str, bytes]:
        """Card digests of the last build made with the same settings, templates and code."""
        if self._cards is None:
            stored = self._read("cards")
            digests = stored.get("digests") if stored.get("salt") == salt else None
            self._cards = {"salt": salt, "digests": _card_digests(digests)}
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
        try:
            return {
                path: Record(str(digest), int(size), int(mtime))
                for path, (digest, size, mtime) in self._output.get("records", {}).items()
            }
        except (TypeError, ValueError, AttributeError):
            self._drop("output")
            return {}

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
            for index, shard in list(memo.shards_to_write()):
                self._write(f"{name}-{index:02d}", shard)
                memo.written(index, shard)
            memo.added.clear()
        if self._graph is not None and self._graph_lent:
            snapshot = _encode(self._graph)
            digest = _digest(snapshot)
            if digest != self._graph_read:
                self._write("graph", self._graph, snapshot)
                self._graph_read = digest
            self._graph_lent = False
        if self._files is not None and self._files != self._files_read:
            self._write("files", self._files)
            self._files_read = dict(self._files)
        if self._cards is not None and self._cards["digests"] != self._cards_read:
            digests = {key: value.hex() for key, value in self._cards["digests"].items()}
            self._write("cards", {"salt": self._cards["salt"], "digests": digests})
            self._cards_read = dict(self._cards["digests"])
        if out is not None and records is not None:
            self._output = {
                "out": str(out.resolve()),
                "fingerprint": fingerprint,
                "summary": summary,
                "records": {path: (r.digest, r.size, r.mtime_ns) for path, r in records.items()},
            }
            self._write("output", self._output)

    def was_read(self) -> bool:
        """Whether any value of an earlier build was read from the cache."""
        return self._read_any

    def report(self) -> list[str]:
        """One line for each reason parts of the cache were not used (none: nothing to say)."""
        lines = list(self.notes)
        if self.dropped:
            lines.append(
                f"note: {FOLDER}: {', '.join(sorted(self.dropped))} failed their checks "
                "(damaged or not written by this build); those parts of the cache are rebuilt"
            )
        self.notes, self.dropped = [], []
        return lines

    def clear(self) -> None:
        """Delete every cache file (links included, never followed)."""
        self.stop_prefetch()
        self._fetched = {}
        if self.folder is None or _not_a_plain_folder(self.folder):
            return
        for entry in os.scandir(self.folder):
            if entry.name.endswith(SUFFIX) and not entry.is_dir(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)

    def _read_shards(self, name: str) -> list[dict[str, Any]]:
        return [self._fetched_section(f"{name}-{index:02d}")[0] for index in range(SHARDS)]

    def _read(self, section: str) -> dict[str, Any]:
        """One section, or {} when it is missing, foreign, or fails its checks (noted)."""
        return self._read_with_payload(section)[0]

    def _read_with_payload(self, section: str) -> tuple[dict[str, Any], bytes]:
        """One section and its JSON as stored (b"" when there is none): what the section
        was when read, to compare with without encoding the decoded value again."""
        if self.folder is None:
            return {}, b""
        data, payload, failed = _read_section(self.folder, section)
        return self._taken(section, data, failed), payload

    def _taken(self, section: str, data: dict[str, Any], failed: bool) -> dict[str, Any]:
        """A section as read, with its failure noted and whether any value was read."""
        if failed:
            self._drop(section)
        self._read_any = self._read_any or bool(data)
        return data

    def _drop(self, section: str) -> None:
        if section not in self.dropped:
            self.dropped.append(section)

    def _write(self, section: str, data: dict[str, Any], payload: bytes | None = None) -> None:
        assert self.folder is not None
        try:
            if not os.path.lexists(self.folder):
                self.folder.mkdir()
            if _not_a_plain_folder(self.folder):
                return  # replaced by a link since the build started: never write through it
            _write_no_follow(self.folder, ".gitignore", b"*\n")
            header = FORMAT + b" " + code_salt().encode()
            payload = _encode(data) if payload is None else payload
            checksum = _checksum(header, payload)
            _write_no_follow(
                self.folder, f"{section}{SUFFIX}", b"%s\n%s\n%s\n" % (header, payload, checksum)
            )
        except (OSError, ValueError):
            pass  # an unwritable cache only costs speed next time


def _another_version(header: bytes, salt_length: int) -> bool:
    """Whether a header is a well-formed one of another code version."""
    prefix = FORMAT + b" "
    salt = header[len(prefix) :]
    hexdigits = b"0123456789abcdef"
    return (
        header.startswith(prefix)
        and len(salt) == salt_length
        and all(byte in hexdigits for byte in salt)
    )


def _not_a_plain_folder(folder: Path) -> bool:
    """Whether `folder` exists as anything but a real folder (a link, a file)."""
    try:
        return not stat.S_ISDIR(os.lstat(folder).st_mode)
    except FileNotFoundError:
        return False


def _read_no_follow(path: Path) -> bytes:
    """A cache file's bytes; a symbolic link is refused (ELOOP), never followed."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    with open(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise OSError(f"{path} is not a regular file")
        return handle.read()


def _read_section(folder: Path, section: str) -> tuple[dict[str, Any], bytes, bool]:
    """A section's value and its JSON as stored ({} and b"" when there is none), and
    whether it failed its checks (one written by another version of this code is expected
    after an upgrade: no failure)."""
    try:
        raw = _read_no_follow(folder / f"{section}{SUFFIX}")
    except FileNotFoundError:
        return {}, b"", False
    except OSError:
        return {}, b"", True
    header, _, rest = raw.partition(b"\n")
    salt = code_salt().encode()
    if header != FORMAT + b" " + salt:
        return {}, b"", not _another_version(header, len(salt))
    decoded = _decode(header, rest)
    if decoded is None:
        return {}, b"", True
    data, payload = decoded
    return data, payload, False


def _write_no_follow(folder: Path, name: str, data: bytes) -> None:
    """Write `folder/name` whole through a new temporary file renamed over it: a symbolic
    link at either name is replaced, never written through."""
    tmp = folder / f".{name}.{os.getpid()}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    # the name carries our pid, so whatever is there is ours to remove; the open is inside
    # the try: a Ctrl-C right after it returns must not leave the file behind
    try:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        fd = os.open(tmp, flags, 0o644)
        with open(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, folder / name)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _secret() -> bytes:
    return os.environ.get(KEY_VARIABLE, "").encode()


def _checksum(header: bytes, payload: bytes) -> bytes:
    """Blake2b of the header and payload, keyed with GLOSSARY_CACHE_KEY when it is set."""
    key = hashlib.blake2b(_secret(), digest_size=32).digest() if _secret() else b""
    digest = hashlib.blake2b(header + b"\n" + payload, digest_size=_CHECKSUM // 2, key=key)
    return digest.hexdigest().encode()


def _digest(payload: bytes) -> bytes:
    return hashlib.blake2b(payload, digest_size=32).digest() if payload else b""


def _encode(data: Any) -> bytes:
    """JSON of builtin values: tuples become lists, sets sorted lists (readers accept both)."""
    # ASCII: file names may hold lone surrogates (undecodable bytes), which \u escapes keep
    return json.dumps(data, separators=(",", ":"), default=_plain).encode("ascii")


def _plain(value: Any) -> Any:
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"{type(value).__name__} is not stored in the cache")


def _decode(header: bytes, rest: bytes) -> tuple[dict[str, Any], bytes] | None:
    """The decoded payload and its bytes when its checksum holds and it parses as a JSON
    object, else None."""
    if len(rest) < _CHECKSUM + 2 or not rest.endswith(b"\n"):
        return None
    payload, sep, checksum = rest[:-1].rpartition(b"\n")
    if not sep or not hmac.compare_digest(checksum, _checksum(header, payload)):
        return None
    try:
        data = json.loads(payload)
    except (ValueError, RecursionError, MemoryError):
        return None
    return (data, payload) if isinstance(data, dict) else None


def _card_digests(stored: Any) -> dict[str, bytes]:
    """Card digests as the renderer keeps them (bytes); nothing when malformed."""
    if not isinstance(stored, dict):
        return {}
    try:
        return {key: bytes.fromhex(value) for key, value in stored.items()}
    except (TypeError, ValueError):
        return {}

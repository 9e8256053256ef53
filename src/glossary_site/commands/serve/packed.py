"""The served site's rendered files, kept compressed in memory.

At 10,000 entries the rendered files are about 320 MB of HTML and JSON: a third of what
the preview process held, and the difference between it staying under 1 GB or not over
a long session. LZ4's block mode keeps them in about 105 MB, packs them in ~0.5 s of CPU
(spread over the render workers) and unpacks a page in ~25 µs when it is asked for;
zlib's fastest level packs them smaller (78 MB) but takes four times as long.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import lz4.block


def pack(data: bytes) -> bytes:
    """One file's bytes as an LZ4 block (its size stored with it)."""
    return lz4.block.compress(data)


class PackedFiles(Mapping[str, bytes]):
    """Output path -> bytes, each kept as an LZ4 block and unpacked when read."""

    __slots__ = ("blocks",)

    def __init__(self, blocks: dict[str, bytes]):
        self.blocks = blocks  # output path -> pack(bytes)

    def __getitem__(self, path: str) -> bytes:
        return lz4.block.decompress(self.blocks[path])

    def __contains__(self, path: object) -> bool:
        return path in self.blocks

    def __iter__(self) -> Iterator[str]:
        return iter(self.blocks)

    def __len__(self) -> int:
        return len(self.blocks)


def block_of(files: Mapping[str, bytes], path: str) -> bytes:
    """A file's LZ4 block: as kept when `files` are packed, packed now when not (the files
    of the last `glossary build`, served as read until the site behind them is loaded)."""
    if isinstance(files, PackedFiles):
        return files.blocks[path]
    return pack(files[path])

"""The served files are kept compressed (packed.py) and read back byte for byte."""

from __future__ import annotations

from pathlib import Path

import lz4.block

from conftest import build_in, page, write_site
from glossary_site.commands.build import BuildOptions
from glossary_site.commands.serve.packed import PackedFiles, block_of, pack
from glossary_site.commands.serve.session import Session


def test_packed_files_read_back_as_they_were_given():
    raw = {"a/index.html": b"<p>" + b"word " * 500 + b"</p>", "empty.txt": b""}
    files = PackedFiles({path: pack(data) for path, data in raw.items()})
    assert dict(files) == raw
    assert "a/index.html" in files and "b/index.html" not in files
    assert files.get("b/index.html") is None
    assert len(files.blocks["a/index.html"]) < len(raw["a/index.html"]) / 10


def test_a_block_is_taken_as_kept_or_packed_from_raw_bytes():
    data = b"<html>" + b"x" * 1000 + b"</html>"
    packed = PackedFiles({"p": pack(data)})
    assert block_of(packed, "p") is packed.blocks["p"]
    assert lz4.block.decompress(block_of({"p": data}, "p")) == data


def test_a_session_keeps_its_files_packed_and_serves_a_builds_bytes(tmp_path: Path):
    body = "Margin is what traders post. " * 40 + "\n"
    root = write_site(
        tmp_path / "site",
        {f"content/definition/entry-{n}.md": page(f"Entry {n}", body=body) for n in range(3)},
    )
    outcome = Session(root, BuildOptions(jobs=1)).build(jobs=1)
    assert outcome.ok, outcome.problems
    served = outcome.snapshot.rendered
    assert isinstance(served, PackedFiles)
    built = build_in(root, out=tmp_path / "out").out
    html = "definition/entry-1/index.html"
    assert served[html] == (built / html).read_bytes()
    assert len(served.blocks[html]) < len(served[html]) / 2

"""Markdown bodies of the synthetic corpus (benchmarks/gen_corpus.py), for the micro-benchmarks."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from glossary_site.load import decode, split

HERE = Path(__file__).resolve().parent
# the project's own generator (the same corpus the tests and run.py use)
GEN = HERE / "gen_corpus.py"


KINDS = ("area", "term", "definition")


def corpus_bodies(entries: int, kinds: tuple[str, ...] = KINDS) -> list[str]:
    """The bodies of a generated corpus of `entries` entries, kind by kind, sorted by file."""
    out = Path(tempfile.mkdtemp(prefix="bodies-")) / "site"
    command = [sys.executable, str(GEN), "--entries", str(entries), "--format", "glossary"]
    subprocess.run([*command, "--out", str(out)], check=True, capture_output=True)
    try:
        files = [f for kind in kinds for f in sorted((out / "content" / kind).glob("*.md"))]
        return [split(decode(f.read_bytes())).body for f in files]
    finally:
        shutil.rmtree(out.parent, ignore_errors=True)

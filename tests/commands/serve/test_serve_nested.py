"""`glossary serve` and nested pages: the watcher sees files in new sub-folders, and a
rebuild after adding, editing or removing them serves what a fresh build writes."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from test_serve_equivalence import fresh_build, served_files

from conftest import page, write_site
from glossary_site.commands.build import BuildOptions
from glossary_site.commands.serve.session import Session
from glossary_site.commands.serve.watch import batches


def test_the_watcher_sees_pages_in_new_sub_folders(tmp_path: Path) -> None:
    """A new folder is reported (a rebuild scans the whole of content/, so pages made in it
    before its watch was in place are found), and edits inside it are reported by name."""
    root = write_site(tmp_path / "site", {"content/definition/css.md": page("CSS")})
    nested = root / "content/definition/block/deep/css.md"
    stop, started = threading.Event(), threading.Event()
    seen: list[tuple[str, str]] = []
    arrived = threading.Event()

    def watch() -> None:
        for batch in batches(root, stop, started):
            seen.extend(batch)
            arrived.set()

    def wait_for(change: Callable[[tuple[str, str]], bool]) -> bool:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if any(change(c) for c in list(seen)):
                return True
            arrived.wait(0.2)
            arrived.clear()
        return False

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    try:
        started.wait(5)
        time.sleep(0.3)
        nested.parent.mkdir(parents=True)
        nested.write_text(page("Deep"), encoding="utf-8")
        assert wait_for(lambda c: c[1].startswith("content/definition/block")), seen
        time.sleep(0.5)  # the new folders are watched by now
        nested.write_text(page("Deeper"), encoding="utf-8")
        path = "content/definition/block/deep/css.md"
        assert wait_for(lambda c: c[1] == path and c[0] != "deleted"), seen
    finally:
        stop.set()
        thread.join(10)


def test_rebuilds_with_nested_pages_equal_fresh_builds(tmp_path: Path) -> None:
    root = write_site(tmp_path / "site", {"content/definition/block.md": page("Block")})
    session = Session(root, BuildOptions(jobs=1, use_cache=False))
    assert session.build().ok
    nested = root / "content/definition/block/css.md"
    nested.parent.mkdir()
    nested.write_text(page("Block (CSS)"), encoding="utf-8")
    outcome = session.build(touched=["content/definition/block/css.md"])
    assert outcome.ok and "definition/block/css/index.html" in outcome.snapshot.rendered
    assert served_files(outcome.snapshot) == fresh_build(root)
    (root / "content/definition/block.md").write_text(page("Blocks"), encoding="utf-8")
    outcome = session.build(touched=["content/definition/block.md"])
    html = outcome.snapshot.rendered["definition/block/css/index.html"].decode()
    assert ">Blocks</a>" in html  # the breadcrumb follows the folder page's title
    assert served_files(outcome.snapshot) == fresh_build(root)
    nested.unlink()
    outcome = session.build(touched=["content/definition/block/css.md"])
    assert "definition/block/css/index.html" not in outcome.snapshot.rendered
    assert served_files(outcome.snapshot) == fresh_build(root)

"""`glossary serve` saves its cache in a quiet moment, never between an edit and its
rebuild: at 10,000 entries a save takes up to a second, which an author saving twice in a
row would otherwise wait for."""

from __future__ import annotations

import gc
import itertools
import threading
import time
from pathlib import Path

import pytest

from conftest import page, write_site
from glossary_site.commands.serve.session import Session
from glossary_site.commands.serve.watch import SETTLE_MS, Watcher
from serve_preview import copy_basic, running_preview


def test_the_watcher_marks_each_quiet_moment_once(tmp_path: Path) -> None:
    root = write_site(tmp_path / "site", {"content/definition/css.md": page("CSS")})
    stop = threading.Event()
    watcher = Watcher(root, stop)
    watcher.start()
    seen: list[tuple[float, list[tuple[str, str]]]] = []

    def collect() -> None:
        for batch in watcher.changes(quiet=0.4):
            seen.append((time.monotonic(), batch))

    thread = threading.Thread(target=collect, daemon=True)
    thread.start()
    try:
        time.sleep(1.2)  # started, then quiet: one mark, not one per 0.4 s
        assert [batch for _, batch in seen] == [[]]
        edited = time.monotonic()
        (root / "content/definition/css.md").write_text(
            page("CSS", body="Edited.\n"), encoding="utf-8"
        )
        time.sleep(1.5)
        after = [(at, batch) for at, batch in seen[1:]]
        assert [bool(batch) for _, batch in after] == [True, False], seen
        assert after[1][0] - after[0][0] >= 0.4
        assert after[0][0] >= edited
    finally:
        stop.set()
        thread.join(5)


def _quiet_calls(
    root: Path, monkeypatch: pytest.MonkeyPatch, method: str, frozen: list[int]
) -> list[int]:
    """How many builds had been reported each time the preview called Session.`method`
    while two edits were saved back to back and then left alone; `frozen` gets the
    collector's frozen count after the first edit's build."""
    calls: list[int] = []
    real = getattr(Session, method)
    with running_preview(root) as preview:
        outcomes = preview.recorder.outcomes
        monkeypatch.setattr(
            Session, method, lambda self: (calls.append(len(outcomes)), real(self))[1]
        )
        calls.clear()  # a call after the first build may have begun already
        path = "content/definition/premium.md"
        original = (root / path).read_text(encoding="utf-8")
        preview.recorder.wait_builds(preview.edit(path, original + "\nFirst edit.\n"))
        frozen.append(gc.get_freeze_count())
        preview.recorder.wait_builds(preview.edit(path, original + "\nSecond edit.\n"))
        between = list(calls)
        deadline = time.monotonic() + 10
        while 3 not in calls and time.monotonic() < deadline:
            time.sleep(0.1)
    assert between in ([], [1]), between  # the first build's, if it was quiet
    return calls


def test_the_cache_is_saved_when_quiet_not_between_edits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_basic(tmp_path / "site")
    saved_after = _quiet_calls(root, monkeypatch, "save_cache", [])
    assert saved_after[-1:] == [3], saved_after
    cache = root / ".glossary-cache"
    assert any(p.name.startswith("pages-") for p in cache.iterdir())


def test_a_burst_of_writes_is_one_batch(tmp_path: Path) -> None:
    """A `git checkout` of hundreds of files, or an editor's write and rename, arrives as
    one batch: one rebuild."""
    root = write_site(tmp_path / "site", {"content/definition/css.md": page("CSS")})
    stop = threading.Event()
    watcher = Watcher(root, stop)
    watcher.start()
    batches: list[list[tuple[str, str]]] = []

    def collect() -> None:
        batches.extend(batch for batch in watcher.changes(quiet=60) if batch)

    thread = threading.Thread(target=collect, daemon=True)
    thread.start()
    try:
        time.sleep(0.3)
        written = [time.monotonic()]
        for n in range(300):
            (root / f"content/definition/d-{n}.md").write_text(page(f"D {n}"), encoding="utf-8")
            written.append(time.monotonic())
        saved = root / "content/definition/.css.md.swp"
        saved.write_text(page("CSS", body="Saved.\n"), encoding="utf-8")
        saved.replace(root / "content/definition/css.md")
        written.append(time.monotonic())
        deadline = time.monotonic() + 10
        while not batches and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1.0)  # a second batch would have come by now
    finally:
        stop.set()
        thread.join(5)
    # a batch may end only where the writer itself stalled longer than the settle time (a
    # machine too busy to run it): on a normal machine, never
    stalls = sum(b - a > SETTLE_MS / 1000 for a, b in itertools.pairwise(written))
    assert len(batches) <= 1 + stalls, ([len(b) for b in batches], stalls)
    paths = {path for batch in batches for _, path in batch}
    assert {f"content/definition/d-{n}.md" for n in range(300)} <= paths
    assert "content/definition/css.md" in paths


def test_garbage_is_collected_when_quiet_and_builds_stay_frozen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rebuild's objects are frozen (the collections the next requests set off skip
    them); the full collection that frees their cycles waits for a quiet moment."""
    frozen: list[int] = []
    tidied_after = _quiet_calls(copy_basic(tmp_path / "site"), monkeypatch, "tidy", frozen)
    assert tidied_after[-1:] == [3], tidied_after
    assert frozen[0] > 0
    gc.unfreeze()

"""A preview started after `glossary build`, with nothing changed since, serves that build's
files at once and loads the site behind them while it answers (`Session.start`, `settle`)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from test_serve_equivalence import fresh_build, served_files

from conftest import build_in
from glossary_site.commands.build import BuildOptions
from glossary_site.commands.serve.session import Session
from glossary_site.write import cache as cache_module
from serve_preview import copy_basic, running_preview

SCRIPT = re.compile(rb"<script data-glossary-serve>.*?</script>", re.S)


def started(root: Path) -> tuple[Session, object]:
    session = Session(root, BuildOptions(jobs=1))
    return session, session.start(jobs=1)


def test_the_last_builds_files_are_served_then_the_site_settles_behind_them(tmp_path):
    root = copy_basic(tmp_path / "site")
    build_in(root)
    session, outcome = started(root)
    assert outcome.ok and outcome.read_back and session.unsettled
    assert served_files(outcome.snapshot) == fresh_build(root)
    served = session.current
    settled = session.settle(jobs=1)
    assert settled.ok and not session.unsettled
    assert settled.changed == frozenset() and settled.redone == 0
    assert settled.snapshot.rendered == served.rendered
    # then edits are incremental, text edits text-only
    path = root / "content/definition/premium.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    edited = session.build(jobs=1, touched=["content/definition/premium.md"])
    assert edited.text_only
    assert served_files(edited.snapshot) == fresh_build(root)


def test_the_settled_site_is_served_packed_and_no_tab_reloads(tmp_path):
    from glossary_site.commands.serve.app import _settle
    from glossary_site.commands.serve.hub import Hub
    from glossary_site.commands.serve.packed import PackedFiles

    root = copy_basic(tmp_path / "site")
    build_in(root)
    session, outcome = started(root)
    hub = Hub(snapshot=outcome.snapshot)
    assert not isinstance(hub.snapshot.rendered, PackedFiles)  # the files as read back
    tab = hub.open_tab("index.html", hub.served_key("index.html"))
    lines: list[str] = []

    class Quiet:
        def rebuilt(self, what: str, outcome: object) -> None:
            lines.append(what)

    assert _settle(hub, session, Quiet())
    # the same bytes, now kept packed: the files read back can be let go
    assert isinstance(hub.snapshot.rendered, PackedFiles)
    assert hub.snapshot.rendered == outcome.snapshot.rendered
    events = []
    while not tab.events.empty():
        events.append(tab.events.get())
    assert ("reload", "") not in events and not lines


def test_a_change_since_the_build_is_built(tmp_path):
    root = copy_basic(tmp_path / "site")
    build_in(root)
    path = root / "content/definition/premium.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    session, outcome = started(root)
    assert outcome.ok and not outcome.read_back and not session.unsettled
    assert served_files(outcome.snapshot) == fresh_build(root)


def test_a_touched_output_file_is_built(tmp_path):
    root = copy_basic(tmp_path / "site")
    build_in(root)
    page = root / "build/definition/premium/index.html"
    page.write_bytes(page.read_bytes().replace(b"Premium", b"Tampered"))
    _, outcome = started(root)
    assert outcome.ok and not outcome.read_back
    assert served_files(outcome.snapshot) == fresh_build(root)


def test_other_options_than_the_builds_are_built(tmp_path):
    root = copy_basic(tmp_path / "site")
    build_in(root)
    session = Session(root, BuildOptions(jobs=1, drafts=True))
    assert not session.start(jobs=1).read_back
    session = Session(root, BuildOptions(jobs=1, use_cache=False))
    assert not session.start(jobs=1).read_back


def test_a_forged_record_outside_the_output_folder_is_not_read(tmp_path):
    root = copy_basic(tmp_path / "site")
    build_in(root)
    secret = root / "secret.txt"
    secret.write_text("not for the web\n", encoding="utf-8")
    stat = secret.stat()
    output = root / ".glossary-cache/output.json"
    header, payload, _ = output.read_bytes().split(b"\n", 2)
    data = json.loads(payload)
    data["records"]["../secret.txt"] = ["x", stat.st_size, stat.st_mtime_ns]
    forged = json.dumps(data).encode()
    checksum = cache_module._checksum(header, forged)
    output.write_bytes(header + b"\n" + forged + b"\n" + checksum + b"\n")
    _, outcome = started(root)
    assert outcome.ok and not outcome.read_back
    assert all(b"not for the web" not in data for data in outcome.snapshot.rendered.values())
    assert served_files(outcome.snapshot) == fresh_build(root)


def test_a_preview_started_after_a_build_serves_it_and_rebuilds_edits(tmp_path):
    root = copy_basic(tmp_path / "site")
    build_in(root)
    expected = fresh_build(root)
    with running_preview(root) as preview:
        assert preview.recorder.outcomes[0].read_back
        status, _, body = preview.request(preview.base_path + "definition/premium/")
        assert status == 200
        assert SCRIPT.sub(b"", body) == expected["definition/premium/index.html"]
        rel = "content/definition/premium.md"
        text = (root / rel).read_text(encoding="utf-8")
        count = preview.edit(rel, text + "\nA line added while serving.\n")
        preview.recorder.wait_builds(count)
        body = preview.wait_for(preview.base_path + "definition/premium/", "while serving")
        assert b"A line added while serving." in body
    assert not (root / "build.glossary-tmp").exists()

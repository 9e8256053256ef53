"""`glossary serve` over HTTP: the bytes served, safe paths, Host checks, caching headers,
rebuilds seen through the server, and the command line (port in use, Ctrl-C)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import build_in, page, tree_bytes
from glossary_site.commands.serve.live import inject
from glossary_site.write import MARKER
from serve_preview import copy_basic, running_preview

SUB_SITE = """\
name: Basic Glossary
base_url: https://me.github.io/my-glossary/
per_page: 3
"""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = copy_basic(tmp_path / "site")
    (root / "content/site.yaml").write_text(SUB_SITE, encoding="utf-8")
    return root


def without_script(body: bytes) -> bytes:
    return re.sub(rb"<script data-glossary-serve>.*?</script>", b"", body, flags=re.S)


def test_serves_exactly_what_build_writes_under_the_base_path(site, tmp_path):
    build_in(site, out=tmp_path / "built")
    expected = tree_bytes(tmp_path / "built")
    expected.pop(MARKER)
    with running_preview(site) as preview:
        assert preview.url.endswith("/my-glossary/")
        for path, data in expected.items():
            url = "/my-glossary/" + path.removesuffix("index.html")
            status, headers, body = preview.request(url)
            assert status == 200, url
            if headers["Content-Type"].startswith("text/html"):
                assert body != data and b"EventSource" in body
                assert without_script(body) == data
            else:
                assert body == data, url
    assert not (site / "build").exists()


def test_paths_outside_the_site_answer_404_with_the_site_page(site):
    with running_preview(site) as preview:
        _, _, not_found = preview.request("/my-glossary/404.html")
        for path in [
            "/my-glossary/../content/site.yaml",
            "/my-glossary/%2e%2e/content/site.yaml",
            "/my-glossary/img/%2e%2e/%2e%2e/content/site.yaml",
            "/my-glossary/img%2F..%2F..%2Fcontent%2Fsite.yaml",
            "/my-glossary/img/chart.svg%00.html",
            "/my-glossary/img\\chart.svg",
            "/my-glossary//etc/passwd",
            "/my-glossary/no-such-page/",
            "/my-glossary/%ff%fe",
            "/elsewhere/",
        ]:
            status, headers, body = preview.request(path)
            assert status == 404, path
            assert headers["Content-Type"] == "text/html; charset=utf-8"
            assert without_script(body) == without_script(not_found), path


def test_a_static_file_turned_into_a_link_out_of_the_site_answers_404(site, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("do not serve", encoding="utf-8")
    with running_preview(site) as preview:
        status, _, _ = preview.request("/my-glossary/img/chart.svg")
        assert status == 200
        count = len(preview.recorder.outcomes) + 1
        chart = site / "static/img/chart.svg"
        chart.unlink()
        chart.symlink_to(secret)
        preview.recorder.wait_builds(count)
        status, _, body = preview.request("/my-glossary/img/chart.svg")
        assert status == 404
        assert b"do not serve" not in body


def test_foreign_host_headers_are_refused(site):
    with running_preview(site) as preview:
        for host in ["evil.example", f"evil.example:{preview.port}", "127.0.0.1.evil.example"]:
            status, _, body = preview.request("/my-glossary/", headers={"Host": host})
            assert status == 403, host
            assert b"Glossary" not in body
        for host in [f"localhost:{preview.port}", f"127.0.0.1:{preview.port}", "localhost"]:
            status, _, _ = preview.request("/my-glossary/", headers={"Host": host})
            assert status == 200, host


def test_redirects_to_the_folder_and_the_base_path(site):
    with running_preview(site) as preview:
        for path, location in [
            ("/my-glossary/term", "/my-glossary/term/"),
            ("/my-glossary/area/margin", "/my-glossary/area/margin/"),
            ("/my-glossary/area/margin?x=1", "/my-glossary/area/margin/?x=1"),
            ("/my-glossary", "/my-glossary/"),
            ("/", "/my-glossary/"),
        ]:
            status, headers, _ = preview.request(path)
            assert (status, headers["Location"]) == (301, location), path


def test_etag_answers_304_and_head_has_no_body(site):
    with running_preview(site) as preview:
        status, headers, body = preview.request("/my-glossary/definition/premium/")
        etag = headers["ETag"]
        assert status == 200 and etag.startswith('"')
        status, _, again = preview.request(
            "/my-glossary/definition/premium/", headers={"If-None-Match": etag}
        )
        assert (status, again) == (304, b"")
        status, head_headers, head_body = preview.request(
            "/my-glossary/definition/premium/", method="HEAD"
        )
        assert (status, head_body) == (200, b"")
        assert head_headers["Content-Length"] == str(len(body))
        preview.recorder.wait_builds(
            preview.edit(
                "content/definition/premium.md",
                page("Premium", body="New premium text.\n", areas=["options"]),
            )
        )
        status, headers, body = preview.request(
            "/my-glossary/definition/premium/", headers={"If-None-Match": etag}
        )
        assert status == 200 and headers["ETag"] != etag
        assert b"New premium text." in body


def test_content_types_carry_a_charset(site):
    with running_preview(site) as preview:
        for path, kind in [
            ("/my-glossary/", "text/html; charset=utf-8"),
            ("/my-glossary/sitemap.xml", "application/xml; charset=utf-8"),
            ("/my-glossary/feed.xml", "application/atom+xml; charset=utf-8"),
            ("/my-glossary/robots.txt", "text/plain; charset=utf-8"),
            ("/my-glossary/img/chart.svg", "image/svg+xml; charset=utf-8"),
        ]:
            status, headers, _ = preview.request(path)
            assert (status, headers["Content-Type"]) == (200, kind), path
        status, headers, _ = preview.request("/my-glossary/assets/site.css")
        assert headers["Content-Type"] == "text/css; charset=utf-8"


def test_edits_deletions_and_broken_files_through_the_server(site):
    with running_preview(site) as preview:
        url = "/my-glossary/definition/premium/"
        done = preview.edit(
            "content/definition/premium.md",
            page("Premium", body="Freshly edited premium.\n", areas=["options"]),
        )
        assert b"Freshly edited premium." in preview.wait_for(url, "Freshly edited premium.")
        preview.recorder.wait_builds(done)
        done = preview.edit("content/definition/premium.md", "---\ntitle: [\n---\n")
        outcome = preview.recorder.wait_builds(done)
        assert not outcome.ok
        assert [p.path for p in outcome.problems] == ["content/definition/premium.md"]
        assert "invalid YAML" in outcome.problems[0].message
        status, _, body = preview.request(url)
        assert status == 200 and b"Freshly edited premium." in body  # the last good site
        count = len(preview.recorder.outcomes) + 1
        (site / "content/definition/premium.md").unlink()
        (site / "content/term/option-leverage.md").write_text(
            (site / "content/term/option-leverage.md")
            .read_text(encoding="utf-8")
            .replace("premium", "price"),
            encoding="utf-8",
        )
        outcome = preview.recorder.wait_builds(count)
        while not outcome.ok:  # the two files may arrive in two batches
            count += 1
            outcome = preview.recorder.wait_builds(count)
        status, _, _ = preview.request(url)
        assert status == 404


def test_the_server_survives_a_deleted_content_folder(site, tmp_path):
    with running_preview(site) as preview:
        count = len(preview.recorder.outcomes) + 1
        saved = tmp_path / "saved-content"
        (site / "content").rename(saved)
        outcome = preview.recorder.wait_builds(count)
        assert not outcome.ok
        assert "no content/ folder" in outcome.problems[0].message
        status, _, _ = preview.request("/my-glossary/definition/premium/")
        assert status == 200
        count = len(preview.recorder.outcomes) + 1
        saved.rename(site / "content")
        outcome = preview.recorder.wait_builds(count)
        while not outcome.ok:
            count += 1
            outcome = preview.recorder.wait_builds(count)
        assert preview.request("/my-glossary/definition/premium/")[0] == 200


# ------------------------------------------------------------------ command line


def start_cli(site: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "glossary_site", "serve", "--source", str(site), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def test_a_port_in_use_is_a_clear_message(site):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = start_cli(site, "--port", str(port))
        _, err = process.communicate(timeout=60)
    assert process.returncode == 1
    assert f"port {port} on 127.0.0.1 is in use" in err
    assert "--port 0" in err


def test_ctrl_c_stops_within_a_second_leaving_nothing_behind(site):
    before = set(os.listdir(site))
    process = start_cli(site, "--port", "0")
    try:
        line = process.stdout.readline()
        while "Serving at" not in line:
            assert line, process.stderr.read()
            line = process.stdout.readline()
        url = line.split()[2]
        assert url.startswith("http://127.0.0.1:") and url.endswith("/my-glossary/")
        started = time.monotonic()
        process.send_signal(signal.SIGINT)
        process.wait(timeout=5)
        assert time.monotonic() - started < 1.0
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0
    after = set(os.listdir(site))
    assert after - before <= {".glossary-cache"}
    # Ctrl-C may come before the first cache save has begun (a busy machine): then there is
    # no cache folder, and nothing in it to leave behind either
    cache = site / ".glossary-cache"
    assert not [p for p in cache.iterdir() if p.name.endswith(".tmp")] if cache.exists() else True
    group = subprocess.run(["pgrep", "-g", str(process.pid)], capture_output=True, text=True)
    assert group.stdout.strip() == ""


def test_inject_puts_the_script_before_the_closing_body():
    page_bytes = b"<html><body><p>x</p></body></html>"
    injected = inject(page_bytes, "abc")
    assert injected.startswith(b"<html><body><p>x</p><script data-glossary-serve>")
    assert injected.endswith(b"</script></body></html>")
    assert b'"abc"' in injected

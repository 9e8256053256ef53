"""The `glossary build` command: summary line, options, exit codes 0/1/2."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import page, parse_html, run_cli, tree_bytes, write_site

SUMMARY = re.compile(
    r"Built (\d+) pages \((\d+) entries, (\d+) areas\) into (.+) in "
    r"\d+\.\d\d s: (\d+) files written, (\d+) unchanged\."
)


def summary(stdout: str) -> tuple[int, int, int, str, int, int]:
    """The fields of the one summary line; fails unless stdout is exactly that line."""
    lines = stdout.splitlines()
    assert len(lines) == 1, stdout
    match = SUMMARY.fullmatch(lines[0])
    assert match, lines[0]
    pages, entries, areas, where, written, unchanged = match.groups()
    return int(pages), int(entries), int(areas), where, int(written), int(unchanged)


def canonical(path: Path) -> str:
    [link] = [e for e in parse_html(path).iter("link") if e.get("rel") == "canonical"]
    return link.get("href")


# ----------------------------------------------------------------- success


def test_build_prints_one_summary_line_and_exits_0(copy_site, tmp_path):
    copy_site("basic")
    result = run_cli("build", "--source", "basic", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    files = tree_bytes(tmp_path / "basic" / "build")
    pages = sum(1 for name in files if name.endswith(".html"))
    assert summary(result.stdout) == (pages, 5, 2, "basic/build", len(files) - 1, 0)


def test_second_build_reports_files_unchanged(copy_site, tmp_path):
    copy_site("basic")
    first = summary(run_cli("build", "-s", "basic", cwd=tmp_path).stdout)
    second = summary(run_cli("build", "-s", "basic", cwd=tmp_path).stdout)
    assert second[:4] == first[:4]
    assert (second[4], second[5]) == (0, first[4])


def test_out_option_chooses_output_folder(copy_site, tmp_path):
    copy_site("basic")
    result = run_cli("build", "--source", "basic", "--out", "public", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert summary(result.stdout)[3] == "public"
    assert (tmp_path / "public" / "term" / "liquidation-price" / "index.html").is_file()
    assert (tmp_path / "public" / ".glossary-build").is_file()
    assert not (tmp_path / "basic" / "build").exists()


def test_build_runs_from_inside_the_site_folder(copy_site):
    root = copy_site("basic")
    result = run_cli("build", cwd=root)
    assert result.returncode == 0, result.stderr
    assert summary(result.stdout)[3] == "build"
    assert (root / "build" / "index.html").is_file()


def test_base_url_option_changes_canonical_urls(copy_site, tmp_path):
    root = copy_site("basic")
    result = run_cli(
        "build", "--source", "basic", "--base-url", "https://preview.test/docs", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    out = root / "build"
    assert canonical(out / "term/liquidation-price/index.html") == (
        "https://preview.test/docs/term/liquidation-price/"
    )
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://preview.test/docs/term/liquidation-price/</loc>" in sitemap
    assert "basic.test" not in sitemap
    assert "Sitemap: https://preview.test/docs/sitemap.xml" in (out / "robots.txt").read_text()


def test_base_url_with_path_prefixes_internal_links(copy_site, tmp_path):
    root = copy_site("basic")
    run_cli("build", "--source", "basic", "--base-url", "https://preview.test/docs/", cwd=tmp_path)
    doc = parse_html(root / "build/term/liquidation-price/index.html")
    hrefs = [a.get("href") for a in doc.iter("a") if (a.get("href") or "").startswith("/")]
    assert hrefs and all(h.startswith("/docs/") for h in hrefs), hrefs
    assert "/docs/definition/maintenance-margin/" in hrefs


def test_site_yaml_base_url_is_used_without_option(copy_site, tmp_path):
    root = copy_site("basic")
    run_cli("build", "--source", "basic", cwd=tmp_path)
    assert canonical(root / "build/term/liquidation-price/index.html") == (
        "https://basic.test/term/liquidation-price/"
    )


def test_drafts_option_includes_draft_pages(copy_site, tmp_path):
    root = copy_site("basic")
    result = run_cli("build", "--source", "basic", "--drafts", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert summary(result.stdout)[1] == 6
    assert (root / "build/definition/draft-entry/index.html").is_file()


def test_drafts_are_left_out_by_default(copy_site, tmp_path):
    root = copy_site("basic")
    result = run_cli("build", "--source", "basic", cwd=tmp_path)
    assert summary(result.stdout)[1] == 5
    assert not (root / "build/definition/draft-entry").exists()
    assert "draft-entry" not in (root / "build/sitemap.xml").read_text()
    assert not any("draft-entry" in p.read_text() for p in (root / "build/search").rglob("*.json"))


def test_quiet_prints_nothing_on_success(copy_site, tmp_path):
    root = copy_site("basic")
    result = run_cli("build", "--source", "basic", "--quiet", cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert (root / "build" / "index.html").is_file()


def test_verbose_prints_the_time_of_every_stage(copy_site, tmp_path):
    root = copy_site("basic")
    assert run_cli("build", "--source", str(root)).returncode == 0
    edited = root / "content/definition/premium.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nEdited.\n", encoding="utf-8")
    result = run_cli("build", "--source", str(root), "-v")
    assert result.returncode == 0, result.stderr
    stages = re.findall(r"([a-z+ ]+) (\d+\.\d\d) s", result.stdout.splitlines()[-1])
    assert [name.strip() for name, _ in stages] == [
        "scan",
        "load",
        "resolve",
        "save analysis",
        "keys",
        "search wait",
        "plan",
        "render+write",
        "commit",
        "save",
    ], result.stdout


def test_quiet_still_reports_content_errors(copy_site, tmp_path):
    root = copy_site("basic")
    (root / "content/term/option-leverage.md").write_bytes(b"")
    result = run_cli("build", "--source", "basic", "-q", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == "1 error"


def test_no_cache_build_writes_no_cache_folder(copy_site, tmp_path):
    root = copy_site("basic")
    result = run_cli("build", "--source", "basic", "--no-cache", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert not (root / ".glossary-cache").exists()


def test_jobs_and_debug_options_are_accepted(copy_site, tmp_path):
    copy_site("basic")
    result = run_cli("build", "--source", "basic", "--jobs", "2", "--debug", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    summary(result.stdout)


def test_warnings_are_counted_on_stderr_after_summary(tmp_path):
    write_site(
        tmp_path / "site",
        {
            "content/area/margin.md": "---\ntitle: Margin\npublished: 2026-01-01T00:00:00Z\n---\n"
            "## Risk\n\nIt can run out.\n",
            "content/term/x.md": page("X", areas=["margin"], related=["x"]),
        },
    )
    result = run_cli("build", "--source", "site", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    summary(result.stdout)
    assert result.stderr == "1 warning(s); run `glossary check` to see them\n"


# ------------------------------------------------------------ exit code 1


def test_content_error_exits_1_with_nothing_on_stdout(copy_site, tmp_path):
    root = copy_site("basic")
    (root / "content/definition/premium.md").write_text(
        page("Premium", published="2025-12-24T10:00"), encoding="utf-8"
    )
    result = run_cli("build", "--source", "basic", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.splitlines() == [
        "basic/content/definition/premium.md:4: 'published' '2025-12-24T10:00' has no time "
        "zone; add one, e.g. 2025-12-24T10:00:00+00:00, or write the date alone",
        "1 error",
    ]


def test_foreign_output_folder_exits_1_and_is_untouched(copy_site, tmp_path):
    copy_site("basic")
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("do not delete")
    result = run_cli("build", "--source", "basic", "--out", "mine", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == (
        f"error: {foreign} is not empty and was not written by glossary build (no "
        ".glossary-build file); refusing to replace it: empty it or choose another --out\n"
    )
    assert tree_bytes(foreign) == {"thesis.tex": b"do not delete"}


def test_out_inside_content_exits_1(copy_site, tmp_path):
    root = copy_site("basic")
    before = tree_bytes(root)
    result = run_cli("build", "--source", "basic", "--out", "basic/content", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == (
        f"error: refusing to build into {root / 'content'}: it would "
        "overwrite the site's own files; choose another --out\n"
    )
    assert tree_bytes(root) == before


def test_folder_without_content_exits_1(tmp_path):
    (tmp_path / "empty").mkdir()
    result = run_cli("build", "--source", "empty", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"empty/content:1: no content/ folder in {tmp_path / 'empty'}",
        "1 error",
    ]


# ------------------------------------------------------------ exit code 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--base-url", "ftp://x.test/"],
            "Error: Invalid value for '--base-url': 'ftp://x.test/' must be an absolute "
            "http(s) URL, e.g. https://example.org/",
        ),
        (
            ["--base-url", "preview.test/docs"],
            "Error: Invalid value for '--base-url': 'preview.test/docs' must be an absolute "
            "http(s) URL, e.g. https://example.org/",
        ),
        (["--source", "missing"], "Error: Invalid value for --source: 'missing' is not a folder"),
        (
            ["--jobs", "-1"],
            "Error: Invalid value for '--jobs' / '-j': -1 is not in the range x>=0.",
        ),
        (
            ["--jobs", "many"],
            "Error: Invalid value for '--jobs' / '-j': 'many' is not a valid integer range.",
        ),
        (["--frobnicate"], "Error: No such option '--frobnicate'."),
    ],
)
def test_usage_errors_exit_2(copy_site, tmp_path, args, message):
    copy_site("basic")
    full = ["--source", "basic", *args] if "--source" not in args else args
    result = run_cli("build", *full, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == message
    assert not (tmp_path / "basic" / "build").exists()


def test_source_that_is_a_file_exits_2(tmp_path):
    (tmp_path / "site.yaml").write_text("name: x\n")
    result = run_cli("build", "--source", "site.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert "site.yaml" in result.stderr.splitlines()[-1]


def test_unknown_command_exits_2(tmp_path):
    result = run_cli("biuld", cwd=tmp_path)
    assert result.returncode == 2
    assert "No such command 'biuld'" in result.stderr

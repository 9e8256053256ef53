"""Same content, same bytes: across hash seeds, worker counts, and with or without the cache."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import (
    SITES,
    area,
    build_in,
    generate_corpus,
    page,
    run_cli,
    search_records,
    tree_bytes,
    write_site,
)
from glossary_site.errors import ContentError


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """A generated 300-entry site (content/ only), shared read-only by this module."""
    out = generate_corpus(tmp_path_factory.mktemp("corpus") / "site", 300)
    assert len(list((out / "content").rglob("*.md"))) >= 300
    return out


def fresh_copy(source: Path, target: Path) -> Path:
    """A copy of a site's content (and static files), without any build or cache."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("build", ".glossary-cache"))
    return target


def cli_build(site: Path, out: Path, *args: str, seed: str = "0") -> dict[str, bytes]:
    result = run_cli(
        "build",
        "--source",
        str(site),
        "--out",
        str(out),
        "--quiet",
        *args,
        env={"PYTHONHASHSEED": seed},
    )
    assert result.returncode == 0, result.stderr
    return tree_bytes(out)


def definition_files(site: Path) -> list[Path]:
    return sorted((site / "content" / "definition").glob("*.md"))


# ------------------------------------------------- hash seeds and workers


def test_basic_site_builds_byte_identical_across_hash_seeds(tmp_path):
    one = cli_build(fresh_copy(SITES / "basic", tmp_path / "a"), tmp_path / "out1", seed="1")
    two = cli_build(fresh_copy(SITES / "basic", tmp_path / "b"), tmp_path / "out2", seed="2")
    assert len(one) > 20
    assert one == two


def test_generated_corpus_builds_byte_identical_across_hash_seeds(corpus, tmp_path):
    one = cli_build(fresh_copy(corpus, tmp_path / "a"), tmp_path / "out1", seed="1")
    two = cli_build(fresh_copy(corpus, tmp_path / "b"), tmp_path / "out2", seed="2")
    assert sum(1 for p in one if p.endswith(".html")) > 300
    assert one == two


def test_corpus_output_does_not_depend_on_worker_count(corpus, tmp_path):
    site = fresh_copy(corpus, tmp_path / "site")
    serial = cli_build(site, tmp_path / "serial", "--no-cache", "--jobs", "1", seed="3")
    parallel = cli_build(site, tmp_path / "parallel", "--no-cache", "--jobs", "4", seed="4")
    assert serial == parallel


# ---------------------------------------------------------------- the cache


def test_cached_unchanged_and_uncached_builds_are_identical(corpus, tmp_path):
    site = fresh_copy(corpus, tmp_path / "site")
    first = build_in(site)
    cold = tree_bytes(site / "build")
    second = build_in(site)
    assert (second.written, second.unchanged) == (0, first.files)
    warm = tree_bytes(site / "build")
    build_in(site, use_cache=False, out=tmp_path / "nocache")
    assert cold == warm == tree_bytes(tmp_path / "nocache")


def test_incremental_build_after_body_edit_equals_clean_build(corpus, tmp_path):
    site = fresh_copy(corpus, tmp_path / "site")
    build_in(site)
    before = tree_bytes(site / "build")
    edited = definition_files(site)[7]
    edited.write_text(
        edited.read_text(encoding="utf-8")
        + "\nA closing sentence added by the test, with **emphasis**.\n",
        encoding="utf-8",
    )
    report = build_in(site)
    assert 0 < report.written < report.files
    incremental = tree_bytes(site / "build")
    build_in(site, use_cache=False, out=tmp_path / "clean")
    assert incremental == tree_bytes(tmp_path / "clean")
    assert incremental != before


def test_incremental_build_after_title_edit_equals_clean_build(corpus, tmp_path):
    site = fresh_copy(corpus, tmp_path / "site")
    build_in(site)
    edited = definition_files(site)[3]
    lines = edited.read_text(encoding="utf-8").split("\n")
    lines = [
        f'title: "Renamed By The Test {i}"' if line.startswith("title:") else line
        for i, line in enumerate(lines)
    ]
    edited.write_text("\n".join(lines), encoding="utf-8")
    build_in(site)
    build_in(site, use_cache=False, out=tmp_path / "clean")
    assert tree_bytes(site / "build") == tree_bytes(tmp_path / "clean")


def test_incremental_build_after_base_url_change_equals_clean_build(tmp_path):
    site = fresh_copy(SITES / "basic", tmp_path / "site")
    build_in(site)
    build_in(site, base_url="https://preview.test/sub/")
    build_in(site, use_cache=False, base_url="https://preview.test/sub/", out=tmp_path / "clean")
    assert tree_bytes(site / "build") == tree_bytes(tmp_path / "clean")


def test_removed_page_disappears_from_cached_rebuild(tmp_path):
    site = fresh_copy(SITES / "basic", tmp_path / "site")
    build_in(site)
    (site / "content/term/option-leverage.md").unlink()
    (site / "content/definition/premium.md").write_text(
        page("Premium", areas=["options"]), encoding="utf-8"
    )
    build_in(site)
    assert not (site / "build/term/option-leverage").exists()
    build_in(site, use_cache=False, out=tmp_path / "clean")
    assert tree_bytes(site / "build") == tree_bytes(tmp_path / "clean")


def test_changed_static_file_is_copied_on_cached_rebuild(tmp_path):
    site = fresh_copy(SITES / "basic", tmp_path / "site")
    build_in(site)
    svg = site / "static/img/chart.svg"
    svg.write_text(svg.read_text() + "<!-- changed, and longer -->\n")
    build_in(site)
    assert (site / "build/img/chart.svg").read_bytes() == svg.read_bytes()


def test_cached_build_after_no_cache_build_succeeds_unchanged(tmp_path):
    site = fresh_copy(SITES / "basic", tmp_path / "site")
    build_in(site)
    build_in(site, use_cache=False)
    expected = tree_bytes(site / "build")
    build_in(site)
    assert tree_bytes(site / "build") == expected


def test_cli_cached_build_after_no_cache_build_exits_0(tmp_path):
    site = fresh_copy(SITES / "basic", tmp_path / "site")
    runs = [run_cli("build", "--source", str(site), *extra) for extra in ([], ["--no-cache"], [])]
    assert [r.returncode for r in runs] == [0, 0, 0], runs[-1].stderr


# ---------------------------------------------------------- cache vs drafts

DRAFT_SITE = {
    "content/area/margin.md": area("Margin"),
    "content/term/x.md": page("X", areas=["margin"], body="See [[wip]] for more.\n"),
    "content/definition/wip.md": page("Work In Progress", areas=["margin"], draft=True),
}
DRAFT_ERROR = (
    "content/term/x.md:8: 'wip' refers to the draft definition/wip; publish it or "
    "build with --drafts"
)


def test_cached_build_without_drafts_still_rejects_link_to_draft(tmp_path):
    site = write_site(tmp_path / "site", DRAFT_SITE)
    with pytest.raises(ContentError) as clean:
        build_in(site, use_cache=False)
    assert [p.format() for p in clean.value.problems] == [DRAFT_ERROR]
    build_in(site, drafts=True)  # fills the cache with bodies rendered with drafts included
    with pytest.raises(ContentError) as cached:
        build_in(site)
    assert [p.format() for p in cached.value.problems] == [DRAFT_ERROR]


def test_cached_build_with_drafts_accepts_link_rejected_before(tmp_path):
    site = write_site(tmp_path / "site", DRAFT_SITE)
    with pytest.raises(ContentError):
        build_in(site)  # fills the cache with the failing render
    build_in(site, drafts=True)
    html = (site / "build/term/x/index.html").read_text(encoding="utf-8")
    assert 'href="/definition/wip/"' in html


def test_cached_build_follows_an_area_alias_change(tmp_path):
    """An area's aliases appear only in the search index: its key must still change."""

    from conftest import area, build_in, page, write_site

    root = write_site(
        tmp_path / "site",
        {
            "content/area/margin.md": area("Margin", aliases=["collateral"]),
            "content/term/lev.md": page("Leverage", areas=["margin"]),
        },
    )
    build_in(root)
    (root / "content/area/margin.md").write_text(
        area("Margin", aliases=["haircuts"]), encoding="utf-8"
    )
    build_in(root)
    records = search_records(root / "build")
    assert [r["a"] for r in records if r["id"] == "area/margin"] == [["haircuts"]]


# ---------------------------------------------------------- what invalidates the cache


def test_library_upgrade_invalidates_cache(tmp_path, monkeypatch):
    # a new markdown-it-py or Jinja may render the same input differently
    from glossary_site.write import cache

    site = fresh_copy(SITES / "basic", tmp_path / "site")
    build_in(site)
    assert build_in(site).timings == {"up to date": 0.0}
    upgraded = tuple(
        (name, "999.0" if name == "markdown-it-py" else version)
        for name, version in cache.library_versions()
    )
    monkeypatch.setattr(cache, "library_versions", lambda: upgraded)
    cache.code_salt.cache_clear()
    try:
        report = build_in(site)
    finally:
        monkeypatch.undo()
        cache.code_salt.cache_clear()
    assert "up to date" not in report.timings
    assert report.unchanged == 0 and report.written == report.files


def test_no_change_build_does_not_load_the_stages(tmp_path):
    # the fast path answers before importing pydantic, Jinja or markdown-it
    site = fresh_copy(SITES / "basic", tmp_path / "site")
    heavy = ("pydantic", "jinja2", "markdown_it")

    def imported(run):
        assert run.returncode == 0, run.stderr
        names = {line.split("|")[-1].strip() for line in run.stderr.splitlines()}
        return {name for name in heavy if name in names}

    first = run_cli("build", "-q", "--source", str(site), env={"PYTHONPROFILEIMPORTTIME": "1"})
    second = run_cli("build", "-q", "--source", str(site), env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert imported(first) == set(heavy)
    assert imported(second) == set()


# ------------------------------------------- keys real glossaries bring (issue 12)


def _edit(site: Path, rel: str, old: str, new: str) -> None:
    path = site / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


PREMIUM = "content/definition/premium.md"
FORMAT_EDITS = {
    "page extra": [(PREMIUM, "areas: [options]", "areas: [options]\nextra: {status: old}")],
    "site extra": [("content/site.yaml", "per_page: 3", "per_page: 3\nextra: {org: x}")],
    "date alone, time zone": [
        (PREMIUM, "published: 2025-12-24T12:00:00+01:00", "published: 2025-12-24"),
        ("content/site.yaml", "per_page: 3", "per_page: 3\ntimezone: America/New_York"),
    ],
    "undated": [(PREMIUM, "published: 2025-12-24T12:00:00+01:00\n", "")],
    "raw html": [(PREMIUM, "The premium is all", "<kbd onclick='x'>K</kbd> The premium is all")],
    "summary from the body": [(PREMIUM, "summary: The price paid for an option.\n", "")],
    "summary with markdown, more marker": [
        (PREMIUM, "summary: The price", "summary: The *price*"),
        (PREMIUM, "The premium is all", "Lead.\n<!--more-->\nThe premium is all"),
    ],
}


@pytest.mark.parametrize("name", sorted(FORMAT_EDITS))
def test_incremental_build_after_format_key_edit_equals_clean_build(tmp_path, name):
    site = fresh_copy(SITES / "basic", tmp_path / "site")
    build_in(site)
    for rel, old, new in FORMAT_EDITS[name]:
        _edit(site, rel, old, new)
    build_in(site)
    build_in(site, use_cache=False, out=tmp_path / "clean")
    assert tree_bytes(site / "build") == tree_bytes(tmp_path / "clean")

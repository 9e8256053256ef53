"""Output a crawler and a host can trust: sitemap index past the URL limit, the Article
publisher's logo and image, SOURCE_DATE_EPOCH, and code blocks reachable by keyboard."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import (
    area,
    block,
    build_in,
    find_all,
    page,
    parse_html,
    run_cli,
    tree_bytes,
    write_site,
)
from glossary_site.errors import ContentError
from glossary_site.render import outputs, sitefiles

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "https://glossary.test/"
SVG = "<svg xmlns='http://www.w3.org/2000/svg' width='8' height='6'/>"


def _site(root: Path, entries: int = 12, site_yaml: str | None = None) -> Path:
    files = {"content/area/core.md": area("Core")}
    for n in range(entries):
        files[f"content/definition/entry-{n:02d}.md"] = page(f"Entry {n:02d}", areas=["core"])
    if site_yaml is None:
        return write_site(root, files)
    return write_site(root, files, site_yaml)


def _html_urls(out: Path) -> set[str]:
    pages = {p.relative_to(out).as_posix() for p in out.rglob("index.html")}
    return {BASE + p.removesuffix("index.html") for p in pages}


# ------------------------------------------------------------------ sitemap


def _linked_site(root: Path, entries: int, terms: range, linked: int, extra: str = "") -> Path:
    """An area of `entries` definitions and of terms linking to the first `linked` of them,
    3 entries a page and "What links here" past 2 backlinks."""
    body = " ".join(f"[[Entry {n:02d}]]" for n in range(linked))
    settings = "name: T\nbase_url: https://glossary.test/\nper_page: 3\nreferenced_by: 2\n"
    files = {"content/area/core.md": area("Core")}
    for n in range(entries):
        files[f"content/definition/entry-{n:02d}.md"] = page(f"Entry {n:02d}", areas=["core"])
    for n in terms:
        files[f"content/term/t-{n}.md"] = page(f"T {n}", areas=["core"], body=body)
    return write_site(root, files, settings + extra)


def _graph_of(root: Path):
    from glossary_site.load import LoadOptions, load_site, scan_site
    from glossary_site.resolve import resolve

    loaded = load_site(scan_site(root, {}), LoadOptions())
    assert loaded.site is not None
    graph = resolve(loaded.site).graph
    assert graph is not None
    return graph


@pytest.mark.parametrize("limit", [1, 5, 20, 29, 30, 31, 50_000])
def test_the_plan_has_as_many_sitemap_files_as_the_urls_need(tmp_path, monkeypatch, limit):
    """plan() counts the sitemap's URLs from its own jobs: the same count as sitemap_paths
    lists, with letter pages, resource pages and "What links here" pages among them."""
    monkeypatch.setattr(outputs, "SITEMAP_LIMIT", limit)
    root = _linked_site(tmp_path / "site", 12, range(3, 8), 3, "index_page_size: 4\n")
    graph = _graph_of(root)
    jobs = outputs.plan(graph)
    kinds = {job.kind for job in jobs}
    assert {"letter", "resource", "links"} <= kinds
    count = len(outputs.sitemap_paths(graph))
    expected = 1 if count <= limit else 1 + -(-count // limit)
    assert sum(job.kind == "sitemap" for job in jobs) == expected == outputs.sitemap_files(graph)


SITEMAP_EDITS = [
    # (file, old, new, what becomes of the list: kept, changed, or made again the same)
    ("content/definition/entry-06.md", 'title: "Entry 06"', 'title: "Renamed 06"', "kept"),
    ("content/definition/entry-02.md", "10:00:00+00:00", "11:00:00+01:00", "changed"),
    ("content/definition/entry-03.md", 'title: "Entry 03"', 'title: "E 03"\nslug: e3', "changed"),
    ("content/term/t-3.md", "[[Entry 00]]", "[[Entry 00]] [[Entry 04]]", "made again"),
    ("content/term/t-4.md", "[[Entry 00]]", "[[Entry 00]] [[Entry 04]]", "made again"),
    ("content/term/t-5.md", "[[Entry 00]]", "[[Entry 00]] [[Entry 04]]", "changed"),
    ("content/definition/entry-05.md", "areas:", "aliases: [Five]\nareas:", "kept"),
]


def test_a_kept_sitemap_list_equals_a_fresh_one_after_each_edit(tmp_path):
    """sitemap_paths keeps the last graph's list while what it is made of is equal (glossary
    serve): after each edit it equals the list made anew, and it is kept after a retitle."""
    root = _linked_site(tmp_path / "site", 8, range(3, 6), 2)
    last = outputs.sitemap_paths(_graph_of(root))
    for rel, old, new, becomes in SITEMAP_EDITS:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, rel
        path.write_text(text.replace(old, new), encoding="utf-8")
        now = _graph_of(root)
        kept = outputs.sitemap_paths(now)
        assert kept == outputs._sitemap_paths(now), rel
        assert (kept is last) == (becomes == "kept"), rel
        assert (kept != last) == (becomes == "changed"), rel  # a third links page
        last = kept


def test_sitemap_splits_into_an_index_past_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(outputs, "SITEMAP_LIMIT", 5)
    monkeypatch.setattr(sitefiles, "SITEMAP_LIMIT", 5)
    out = build_in(_site(tmp_path)).out
    index = ET.parse(out / "sitemap.xml").getroot()
    assert index.tag == f"{SM}sitemapindex"
    parts = [loc.text for loc in index.iter(f"{SM}loc")]
    # 1 home + 3 A-Z indexes + 1 area (+ 4 resource pages of 3) + 12 entries = 21 URLs
    assert parts == [f"{BASE}sitemap-{n}.xml" for n in range(1, 6)]
    listed = []
    for n in range(1, 6):
        part = ET.parse(out / f"sitemap-{n}.xml").getroot()
        assert part.tag == f"{SM}urlset"
        locs = [u.find(f"{SM}loc").text for u in part.iter(f"{SM}url")]
        assert 1 <= len(locs) <= 5
        listed += locs
    assert len(listed) == len(set(listed)) == 21
    assert set(listed) == _html_urls(out)
    assert f"Sitemap: {BASE}sitemap.xml" in (out / "robots.txt").read_text()


def test_sitemap_is_one_file_within_the_limit(tmp_path):
    out = build_in(_site(tmp_path)).out
    root = ET.parse(out / "sitemap.xml").getroot()
    assert root.tag == f"{SM}urlset"
    assert {u.find(f"{SM}loc").text for u in root.iter(f"{SM}url")} == _html_urls(out)
    assert not list(out.glob("sitemap-*.xml"))


# ------------------------------------------------------------------ Article


def _article(out: Path, path: str) -> dict:
    return block(parse_html(out / path / "index.html"), "Article")


def test_article_publisher_logo_defaults_to_the_favicon(tmp_path):
    out = build_in(_site(tmp_path, 1)).out
    article = _article(out, "definition/entry-00")
    logo = article["publisher"]["logo"]
    assert logo == {"@type": "ImageObject", "url": BASE + "assets/favicon.svg"}
    assert (out / "assets/favicon.svg").is_file()
    assert "image" not in article  # no site logo and no entry image: nothing to show


def test_site_logo_is_the_publisher_logo_and_the_image_of_entries_without_one(tmp_path):
    root = _site(tmp_path, 1, site_yaml=f"name: G\nbase_url: {BASE}sub/\nlogo: brand/logo.svg\n")
    write_site(
        root,
        {
            "static/brand/logo.svg": SVG,
            "static/pic.svg": SVG,
            "content/term/pictured.md": page(
                "Pictured", areas=["core"], image={"src": "pic.svg", "caption": "A picture."}
            ),
        },
        site_yaml=None,
    )
    out = build_in(root).out
    logo_url = BASE + "sub/brand/logo.svg"
    plain = _article(out, "definition/entry-00")
    assert plain["publisher"]["logo"] == {"@type": "ImageObject", "url": logo_url}
    assert plain["image"] == {"@type": "ImageObject", "url": logo_url}
    pictured = _article(out, "term/pictured")
    assert pictured["publisher"]["logo"]["url"] == logo_url
    assert pictured["image"]["url"] == BASE + "sub/pic.svg"
    # the reference pages' CollectionPage keeps its plain publisher
    collection = block(parse_html(out / "area/core/index.html"), "CollectionPage")
    assert collection["publisher"] == {"@type": "Organization", "name": "G"}


def test_remote_logo_and_a_missing_one(tmp_path):
    remote = _site(
        tmp_path / "a", 1, site_yaml=f"name: G\nbase_url: {BASE}\nlogo: https://cdn.test/l.png\n"
    )
    article = _article(build_in(remote).out, "definition/entry-00")
    assert article["publisher"]["logo"]["url"] == "https://cdn.test/l.png"
    missing = _site(tmp_path / "b", 1, site_yaml=f"name: G\nbase_url: {BASE}\n\nlogo: nope.png\n")
    with pytest.raises(ContentError) as caught:
        build_in(missing)
    assert [p.format() for p in caught.value.problems] == [
        "content/site.yaml:4: logo 'static/nope.png' does not exist"
    ]


# ------------------------------------------------------------------ dates


def test_no_output_depends_on_the_clock_or_source_date_epoch(tmp_path):
    root = _site(tmp_path / "site", 3)
    trees = []
    for n, epoch in enumerate(["", "0", "1700000000"]):
        out = tmp_path / f"out{n}"
        done = run_cli(
            "build", "-s", str(root), "-o", str(out), "--no-cache", env={"SOURCE_DATE_EPOCH": epoch}
        )
        assert done.returncode == 0, done.stderr
        trees.append(tree_bytes(out))
    assert trees[0] == trees[1] == trees[2]


def test_source_date_epoch_dates_the_feed_of_a_site_without_pages(tmp_path, monkeypatch):
    root = write_site(tmp_path, {})
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    build_in(root)
    assert "<updated>1970-01-01T00:00:00+00:00</updated>" in (root / "build/feed.xml").read_text()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build_in(root)  # the same input otherwise: SOURCE_DATE_EPOCH is part of the fingerprint
    assert "<updated>2023-11-14T22:13:20+00:00</updated>" in (root / "build/feed.xml").read_text()


def test_a_malformed_source_date_epoch_is_refused(tmp_path):
    done = run_cli("build", "-s", str(_site(tmp_path, 1)), env={"SOURCE_DATE_EPOCH": "yesterday"})
    assert done.returncode == 1
    assert "SOURCE_DATE_EPOCH='yesterday' is not a number of seconds" in done.stderr
    assert not (tmp_path / "build").exists()


# ------------------------------------------------------------------ code blocks


def test_code_blocks_take_keyboard_focus(tmp_path):
    long_line = "x = " + "1 + " * 200 + "1"
    body = f"Text.\n\n```python\n{long_line}\n```\n\n    indented code\n\nInline `code` stays.\n"
    root = write_site(tmp_path, {"content/term/code.md": page("Code", body=body)})
    doc = parse_html(build_in(root).out / "term/code/index.html")
    pres = find_all(doc, "pre")
    assert len(pres) == 2
    assert all(pre.get("tabindex") == "0" for pre in pres)

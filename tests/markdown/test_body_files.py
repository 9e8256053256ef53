"""Local images and file links in bodies are checked like `image.src` (issue 12): a
missing file is an error at the line of the Markdown token; local images get their width
and height; URLs keep the base_url's path."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import SITE_YAML, build_in, page, parse_html, png, tree_bytes, write_site
from glossary_site.errors import ContentError

SUB_YAML = SITE_YAML.replace("https://glossary.test/", "https://glossary.test/sub/")


def problems_of(root: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        build_in(root)
    return [p.format() for p in caught.value.problems]


def _images(html: Path) -> list[dict[str, str]]:
    return [dict(el.attrib) for el in parse_html(html).iter("img")]


def _hrefs(html: Path) -> list[str]:
    return [el.get("href") for el in parse_html(html).iter("a") if el.get("href")]


# page() puts the body on line 7 of the file
BROKEN_BODY = """\
Intro with ![chart](/images/chart.png) inline.

A paragraph that goes on
and shows ![missing](/images/gone.png "Gone") on its second line,
then links [the paper](/files/paper.pdf) and [notes](/files/notes%20v2.txt#top).

- a list item with [a zip](/downloads/a.zip?v=2)
"""


def test_missing_images_and_files_are_errors_at_their_lines(tmp_path):
    root = write_site(
        tmp_path / "site",
        {
            "content/term/t.md": page("T", body=BROKEN_BODY),
            "static/images/chart.png": png(4, 3),
            "static/files/paper.pdf": b"%PDF-1.4\n",
        },
    )
    assert problems_of(root) == [
        "content/term/t.md:10: image 'static/images/gone.png' does not exist",
        "content/term/t.md:11: broken link to /files/notes v2.txt: "
        "static/files/notes v2.txt does not exist",
        "content/term/t.md:13: broken link to /downloads/a.zip: "
        "static/downloads/a.zip does not exist",
    ]
    assert not (root / "build").exists()


def test_a_missing_image_in_an_area_facet_is_at_its_line(tmp_path):
    source = (
        "---\ntitle: Margin\npublished: 2025-12-01T09:00:00+00:00\n---\n"
        "## Mechanism\n\nIt works.\n\n![flow](/images/flow.svg)\n"
    )
    root = write_site(tmp_path / "site", {"content/area/margin.md": source})
    assert problems_of(root) == [
        "content/area/margin.md:9: image 'static/images/flow.svg' does not exist"
    ]


def test_local_images_get_their_size_and_the_base_path(tmp_path):
    body = (
        "![chart](/images/chart.png) and ![logo](https://cdn.test/logo.png)\n\n"
        "[paper](/files/paper.pdf), [feed](/feed.xml), [style](/assets/site.css), "
        "[search](/search/) and [home](/index.html).\n"
    )
    root = write_site(
        tmp_path / "site",
        {
            "content/term/t.md": page("T", body=body),
            "static/images/chart.png": png(40, 30),
            "static/files/paper.pdf": b"%PDF-1.4\n",
        },
        SUB_YAML,
    )
    build_in(root)
    html = root / "build/term/t/index.html"
    chart, remote = [i for i in _images(html) if i.get("alt") in ("chart", "logo")]
    assert (chart["src"], chart["width"], chart["height"]) == ("/sub/images/chart.png", "40", "30")
    assert remote["src"] == "https://cdn.test/logo.png" and "width" not in remote
    hrefs = _hrefs(html)
    for href in ("/sub/files/paper.pdf", "/sub/feed.xml", "/sub/assets/site.css", "/sub/search/"):
        assert href in hrefs


def test_an_image_the_file_gives_no_size_is_left_without_one(tmp_path):
    root = write_site(
        tmp_path / "site",
        {
            "content/term/t.md": page("T", body="![raw](/images/raw.bin)\n"),
            "static/images/raw.bin": b"not an image",
        },
    )
    build_in(root)
    (raw,) = [i for i in _images(root / "build/term/t/index.html") if i.get("alt") == "raw"]
    assert raw["src"] == "/images/raw.bin" and "width" not in raw and "height" not in raw


def test_cached_builds_follow_changes_to_the_files_bodies_show(tmp_path):
    root = write_site(
        tmp_path / "site",
        {
            "content/term/t.md": page("T", body="![c](/images/c.png) [pdf](/files/a.pdf)\n"),
            "static/images/c.png": png(4, 3),
            "static/files/a.pdf": b"%PDF-1.4\n",
        },
    )
    build_in(root)

    def same_as_clean(name: str) -> None:
        build_in(root, use_cache=False, out=tmp_path / name)
        assert tree_bytes(root / "build") == tree_bytes(tmp_path / name)

    image = root / "static/images/c.png"
    image.write_bytes(png(8, 6))
    os.utime(image, ns=(1, 1))  # whatever the clock: the size alone tells the change
    build_in(root)
    (img,) = [i for i in _images(root / "build/term/t/index.html") if i.get("alt") == "c"]
    assert (img["width"], img["height"]) == ("8", "6")
    same_as_clean("clean1")

    (root / "static/files/a.pdf").unlink()
    assert problems_of(root) == [
        "content/term/t.md:7: broken link to /files/a.pdf: static/files/a.pdf does not exist"
    ]
    (root / "static/files/a.pdf").write_bytes(b"%PDF-1.5\n")
    build_in(root)
    same_as_clean("clean2")

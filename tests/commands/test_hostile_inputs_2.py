"""Hardening, round two (issue #10, content): a megabyte of a hostile shape builds in time
like a megabyte of prose, or is a `path:line` error; oversized fields, overflowing image
sizes, collisions with generated pages and invisible titles are messages, never crashes."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from test_hostile_inputs import _prose, assert_problem_report, problems_of, site

from conftest import area, build_in, page, parse_html, run_cli, text_of, write_site
from glossary_site.errors import ContentError

MB = 1 << 20


def _cpu_build(root: Path) -> tuple[float, list[str]]:
    """CPU seconds of a serial in-process build (other processes on a busy machine do not
    count) and its problems, if it failed."""
    started = time.process_time()
    try:
        build_in(root, use_cache=False)
        found: list[str] = []
    except ContentError as exc:
        found = [p.format() for p in exc.problems]
    return time.process_time() - started, found


def _site_with(tmp_path: Path, name: str, files: dict[str, str]) -> Path:
    return write_site(
        tmp_path / name,
        {"content/area/alpha.md": area("Alpha"), "content/term/beta.md": page("Beta"), **files},
    )


@pytest.fixture(scope="module")
def prose_megabyte(tmp_path_factory: pytest.TempPathFactory) -> float:
    """CPU seconds to build a site with one megabyte of ordinary prose: the yardstick."""
    root = _site_with(
        tmp_path_factory.mktemp("prose"),
        "site",
        {"content/term/big.md": page("Big", body=_prose(MB), areas=["alpha"])},
    )
    took, found = min(_cpu_build(root) for _ in range(2))
    assert found == []
    return took


# Each ~1 MB; the first three ran for minutes before (the red-team stopped them at 60 s)
def _numbered(n: int) -> str:
    return "".join(f"## R {i}\n\n## R\n\n" for i in range(n // 15))


def _facets(n: int) -> str:
    return "".join(f"## F{i}\n\nx\n\n" for i in range(n // 12))


HOSTILE = {
    "repeated-headings": ("term", lambda n: "## Risk\n\n" * (n // 9)),
    "numbered-headings": ("term", _numbered),
    "area-of-initials": ("area", lambda n: "A. " * (n // 3)),
    "facet-per-line": ("area", _facets),
    "broken-links-in-one-paragraph": ("term", lambda n: "[a](/term/zz/) [[zz]]\n" * (n // 22)),
    "nested-quotes": ("term", lambda n: ">" * n + " deep\n"),
    "nested-list-markers": ("term", lambda n: "- " * (n // 2) + "deep\n"),
}


def _hostile_file(kind: str, body: str) -> dict[str, str]:
    if kind == "area":
        return {"content/area/big.md": area("Big", {"Mechanism": body})}
    return {"content/term/big.md": page("Big", body=body, areas=["alpha"])}


@pytest.mark.parametrize("shape", sorted(HOSTILE))
def test_a_megabyte_of_a_hostile_shape_builds_in_time_like_a_megabyte_of_prose(
    tmp_path, prose_megabyte, shape
):
    kind, make = HOSTILE[shape]
    body = make(MB)
    assert len(body) >= 0.95 * MB
    root = _site_with(tmp_path, shape, _hostile_file(kind, body))
    took, found = _cpu_build(root)
    bound = max(3.0, 40 * prose_megabyte)
    if took > bound:  # CPU time too grows on a machine busy with other work: the best of two
        took = min(took, _cpu_build(root)[0])
    # measured 0.3-4x the prose megabyte, and 12-17x for a paragraph of broken links (each
    # gets its own "did you mean" search), which at 15x failed on a busy machine; a
    # quadratic shape is hundreds of times slower
    assert took <= bound, {"prose": prose_megabyte, shape: took}
    if shape.startswith("nested"):
        assert len(found) == 1 and "nest too deeply" in found[0], found
        assert found[0].startswith("content/term/big.md:8: ")


def test_area_teaser_of_initials_is_the_whole_run(tmp_path):
    initials = "A. B. C. D. E. F. G. " * 20
    root = site(
        tmp_path,
        {
            "content/area/init.md": area("Init", {"Mechanism": initials}),
            "content/term/t.md": page("T", areas=["init"]),
        },
    )
    build_in(root, use_cache=False)
    doc = parse_html(root / "build/term/t/index.html")
    assert initials.strip() in " ".join(text_of(doc.find(".//body")).split())


def test_deep_nesting_is_reported_by_the_cli_at_its_line(tmp_path):
    body = "Intro.\n\n" + "> " * 30 + "lost text\n"
    root = site(tmp_path, {"content/term/deep.md": page("Deep", body=body, areas=["alpha"])})
    result = run_cli("build", "--no-cache", "--jobs", "1", cwd=root)
    assert_problem_report(result)
    assert result.stderr.startswith("content/term/deep.md:10: quotes or lists nest too deeply")
    assert not (root / "build").exists()


def test_deep_nesting_in_an_area_facet_is_reported_at_its_line(tmp_path):
    root = site(
        tmp_path,
        {"content/area/deep.md": area("Deep", {"One": "Fine.", "Two": "- " * 20 + "lost\n"})},
    )
    assert [p.split(": ", 1)[0] for p in problems_of(root)] == ["content/area/deep.md:12"]


# ------------------------------------------------------------------- size limits


@pytest.mark.parametrize(
    ("field", "value", "line", "limit"),
    [
        ("title", "T" * 5_000_000, 2, "1,000"),
        ("title", "T" * 1_001, 2, "1,000"),
        ("aliases", ["ok", "A" * 700_000], 5, "1,000"),
        ("related", ["R" * 2_000], 5, "1,000"),
        ("summary", "S" * 10_001, 3, "10,000"),
        ("author", {"name": "N" * 1_001}, 5, "1,000"),
    ],
)
def test_oversized_single_line_fields_are_errors_at_their_line(tmp_path, field, value, line, limit):
    fields = {"title": "Big", "summary": "Short."} | {field: value}
    title, summary = fields.pop("title"), fields.pop("summary")
    root = site(tmp_path, {"content/term/big.md": page(title, summary=summary, **fields)})
    found = problems_of(root)
    assert len(found) == 1, found
    assert found[0].startswith(f"content/term/big.md:{line}: '{field}")
    assert f"characters long; at most {limit} are allowed" in found[0]


def test_five_megabyte_title_is_an_error_from_the_cli_not_a_crash(tmp_path):
    # pyahocorasick freed a trie this deep recursively and died with signal 11
    root = site(tmp_path, {"content/term/big.md": page("T" * 5_000_000)})
    result = run_cli("build", "--no-cache", "--jobs", "1", cwd=root)
    assert_problem_report(result)
    assert result.stderr.startswith("content/term/big.md:2: 'title' is 5,000,000 characters")


def test_thousand_character_alias_still_auto_links(tmp_path):
    alias = "word " * 199 + "ends"
    root = site(
        tmp_path,
        {
            "content/term/long.md": page("Long", aliases=[alias], areas=["alpha"]),
            "content/term/user.md": page("User", areas=["alpha"], body=f"See {alias} here.\n"),
        },
    )
    build_in(root, use_cache=False)
    doc = parse_html(root / "build/term/user/index.html")
    hrefs = [a.get("href") for a in doc.iter("a")]
    assert "/term/long/" in hrefs


SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}"></svg>'


@pytest.mark.parametrize(
    ("width", "height"), [("9" * 400, "10"), ("10", "9" * 400), ("0.5", "10"), ("2000000", "5")]
)
def test_svg_sizes_that_overflow_or_make_no_sense_are_left_unknown(tmp_path, width, height):
    root = site(
        tmp_path,
        {
            "static/img/a.svg": SVG.format(w=width, h=height),
            "content/term/pic.md": page("Pic", areas=["alpha"], image={"src": "img/a.svg"}),
        },
    )
    build_in(root, use_cache=False)
    doc = parse_html(root / "build/term/pic/index.html")
    images = [i for i in doc.iter("img") if "a.svg" in i.get("src")]
    assert images and all(i.get("width") is None for i in images)


def test_svg_with_a_plain_size_still_gives_it(tmp_path):
    root = site(
        tmp_path,
        {
            "static/img/a.svg": SVG.format(w="640", h="480"),
            "content/term/pic.md": page("Pic", areas=["alpha"], image={"src": "img/a.svg"}),
        },
    )
    build_in(root, use_cache=False)
    doc = parse_html(root / "build/term/pic/index.html")
    images = [i for i in doc.iter("img") if "a.svg" in i.get("src")]
    assert [(i.get("width"), i.get("height")) for i in images][:1] == [("640", "480")]


def test_image_size_in_front_matter_beyond_a_million_pixels_is_an_error(tmp_path):
    image = {"src": "https://img.test/a.png", "width": 10**1000, "height": 5}
    root = site(tmp_path, {"content/term/pic.md": page("Pic", image=image)})
    found = problems_of(root)
    assert len(found) == 1 and found[0].startswith("content/term/pic.md:5: 'image.width'"), found


# -------------------------------------------------- collisions found before writing


@pytest.mark.parametrize(
    ("files", "at", "names"),
    [
        (
            {"content/term/index.html.md": page("Index Page")},
            "content/term/index.html.md:1: ",
            ["/term/index.html/", "/term/index.html (generated)"],
        ),
        (
            {
                "content/definition/good-thing.md": page("Good Thing"),
                "static/definition/good-thing": "a file where a folder goes\n",
            },
            "static/definition/good-thing:1: ",
            ["/definition/good-thing/ (from content/definition/good-thing.md)"],
        ),
        (
            {"static/term/index.html/inside.txt": "a folder where the index goes\n"},
            "static/term/index.html/inside.txt:1: ",
            ["/term/index.html (generated)"],
        ),
        (
            {"static/area/alpha/feed.xml/x.txt": "a folder where a feed goes\n"},
            "static/area/alpha/feed.xml/x.txt:1: ",
            ["/area/alpha/feed.xml (generated)"],
        ),
    ],
)
def test_file_where_a_folder_must_go_is_a_content_error_before_writing(tmp_path, files, at, names):
    root = site(tmp_path, files)
    (root / "build").mkdir()
    (root / "build/keep.txt").write_text("previous output\n")
    found = problems_of(root)
    assert len(found) == 1, found
    assert found[0].startswith(at) and all(name in found[0] for name in names), found
    assert "cannot both be published" in found[0]
    assert sorted(p.name for p in (root / "build").iterdir()) == ["keep.txt"]
    assert not any(p.name.startswith(".build.glossary-tmp") for p in root.iterdir())


@pytest.mark.parametrize("name", ["a:b.txt", "c:d/e.txt", "C:evil"])
def test_static_name_with_a_colon_at_the_top_is_a_content_error(tmp_path, name):
    root = site(tmp_path, {f"static/{name}": "x\n"})
    only = problems_of(root)
    assert len(only) == 1 and only[0].startswith(f"static/{name}:1: a name with ':'"), only


def test_static_name_with_a_colon_below_the_top_is_published(tmp_path):
    root = site(tmp_path, {"static/files/a:b.txt": "x\n"})
    build_in(root, use_cache=False)
    assert (root / "build/files/a:b.txt").read_text() == "x\n"


@pytest.mark.parametrize("url", ["https://example.org/?", "https://example.org/#"])
def test_base_url_with_an_empty_query_or_fragment_is_refused(tmp_path, url):
    root = site(tmp_path, {}, site_yaml=f"name: X\nbase_url: {url}\n")
    found = problems_of(root)
    assert len(found) == 1 and found[0].startswith("content/site.yaml:2: 'base_url'"), found
    assert "query string or fragment" in found[0]
    result = run_cli("build", "--no-cache", "--base-url", url, cwd=site(tmp_path / "o", {}))
    assert result.returncode == 2 and "--base-url" in result.stderr


# ------------------------------------------------------------- check reports all


def test_check_reports_errors_and_warnings_together_errors_first(tmp_path):
    root = site(
        tmp_path,
        {
            "content/term/broken.md": page("Broken", areas=["alpha"], related=["nowhere"]),
            "content/term/orphan.md": page("Orphan"),  # no area, nothing links here
        },
    )
    result = run_cli("check", "--no-cache", cwd=root)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.strip().splitlines()
    kinds = ["warning" if ": warning: " in line else "error" for line in lines[:-1]]
    assert "error" in kinds and "warning" in kinds, lines
    assert kinds == sorted(kinds), lines  # every error before every warning
    assert any("nowhere" in line for line in lines)
    assert any("content/term/orphan.md" in line and "orphan" in line for line in lines)
    assert lines[-1].startswith("1 error, ")


# ------------------------------------------------------------ scripts and invisibles


@pytest.mark.parametrize("slug", ["हिन्दी", "தமிழ்", "ภาษาไทย", "café-ü", "한국어"])
def test_slugs_in_scripts_with_combining_marks_build(tmp_path, slug):
    root = site(tmp_path, {f"content/term/{slug}.md": page("Script", areas=["alpha"])})
    build_in(root, use_cache=False)
    assert (root / f"build/term/{slug}/index.html").is_file()


@pytest.mark.parametrize("stem", ["\u0301abc", "a\u200bb", "-x", "a..b"])
def test_slugs_still_refuse_what_is_not_a_letter_or_digit_first(tmp_path, stem):
    root = site(tmp_path, {f"content/term/{stem}.md": page("Bad")})
    assert "cannot be a slug" in " ".join(problems_of(root))


@pytest.mark.parametrize(
    "title", ["\u200b", "\u200b\u200c\u200d\ufeff", "\u202e\u2066\u2069", "\u2060 \u00ad"]
)
def test_title_of_only_invisible_characters_is_refused(tmp_path, title):
    root = site(tmp_path, {"content/term/ghost.md": page(title)})
    found = problems_of(root)
    assert len(found) == 1 and found[0].startswith("content/term/ghost.md:2: 'title'"), found
    assert "no visible character" in found[0]


def test_title_with_a_zero_width_joiner_inside_words_is_fine(tmp_path):
    root = site(tmp_path, {"content/term/zwj.md": page("क्\u200dष Margin", areas=["alpha"])})
    build_in(root, use_cache=False)

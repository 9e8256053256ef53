"""Folders the build reads (content/, static/, templates/, templates/assets/) are followed
only to places inside the site: a link to a folder outside would publish what it holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import area, build_in, page, tree_bytes
from glossary_site.errors import ContentError

FILES = {
    "content/area/margin.md": area("Margin"),
    "content/term/leverage.md": page("Leverage", areas=["margin"]),
}
SECRET = b"-----BEGIN OPENSSH PRIVATE KEY-----\nTOP-SECRET\n"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the site holding a private key and a page."""
    folder = tmp_path / "outside"
    (folder / "term").mkdir(parents=True)
    (folder / "id_ed25519").write_bytes(SECRET)
    (folder / "term/secret.md").write_text(page("Outside Secret"), encoding="utf-8")
    (folder / "secret.html").write_text("TOP-SECRET {{ 1 }}", encoding="utf-8")
    return folder


def refused(root: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        build_in(root, use_cache=False)
    assert not (root / "build").exists()
    return [p.format() for p in caught.value.problems]


@pytest.mark.parametrize("folder", ["static", "templates/assets", "templates", "content"])
def test_a_read_folder_that_links_outside_the_site_is_refused(make_site, outside, folder):
    root = make_site({} if folder == "content" else FILES)
    target = root / folder
    if folder == "content":  # keep site.yaml reachable: it is read on its own
        (outside / "site.yaml").write_bytes((root / "content/site.yaml").read_bytes())
        (root / "content/site.yaml").unlink()
        target.rmdir()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.symlink_to(outside, target_is_directory=True)
    problems = refused(root)
    assert f"{folder}:1: symbolic link points outside the site folder; refused" in problems


def test_a_template_file_linking_outside_templates_is_refused(make_site, outside):
    root = make_site(FILES)
    (root / "templates").mkdir()
    (root / "templates/secret.html").symlink_to(outside / "secret.html")
    (root / "templates/404.html").write_text('{% include "secret.html" %}\n')
    problems = refused(root)
    assert any(
        line.startswith("templates/secret.html:1: symbolic link points outside templates/")
        for line in problems
    ), problems


def test_a_template_folder_linking_outside_is_not_entered(make_site, outside):
    root = make_site(FILES)
    (root / "templates").mkdir()
    (root / "templates/partials").symlink_to(outside, target_is_directory=True)
    report = build_in(root, use_cache=False)
    assert not any(
        SECRET in data or b"TOP-SECRET" in data for data in tree_bytes(report.out).values()
    )


def test_links_that_stay_inside_the_site_are_followed(make_site):
    root = make_site(FILES)
    (root / "shared/images").mkdir(parents=True)
    (root / "shared/images/logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (root / "static").symlink_to(root / "shared", target_is_directory=True)
    report = build_in(root, use_cache=False)
    assert (report.out / "images/logo.svg").is_file()


def test_nothing_of_an_outside_folder_is_ever_published(make_site, outside):
    root = make_site(FILES)
    (root / "static").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ContentError):
        build_in(root, use_cache=False)
    assert not (root / "build").exists()

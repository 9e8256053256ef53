"""`glossary new ... --parent FOLDER` writes a nested page; nested areas are known to --area."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import yaml

from conftest import area, build_in, page, run_cli, write_site
from glossary_site.commands.new import new_page
from glossary_site.errors import OutputError

NOW = datetime.fromisoformat("2026-03-04T05:06:07+00:00")


def _site(tmp_path: Path) -> Path:
    return write_site(
        tmp_path,
        {
            "content/area/web/styling.md": area("Styling"),
            "content/definition/block.md": page("Block"),
            "content/definition/block/networking.md": page("Block (networking)"),
        },
    )


def test_new_with_a_parent_writes_a_nested_page_that_builds(tmp_path: Path) -> None:
    root = _site(tmp_path)
    result = run_cli(
        "new",
        "definition",
        "CSS",
        "--parent",
        "block",
        "--area",
        "web/styling",
        "--source",
        str(root),
    )
    assert result.returncode == 0, result.stderr
    path = root / "content/definition/block/css.md"
    front = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
    assert front["title"] == "CSS" and front["areas"] == ["web/styling"]
    deeper = new_page(root, "term", "Tour", parent="/guides/deep/", now=NOW)
    assert deeper == root / "content/term/guides/deep/tour.md"
    # the placeholders are check's business; the build takes them as they are
    build_in(root, use_cache=False)
    assert (root / "build/definition/block/css/index.html").is_file()
    assert (root / "build/term/guides/deep/tour/index.html").is_file()


@pytest.mark.parametrize(
    ("kind", "title", "parent", "message"),
    [
        ("definition", "Networking", "block", "content/definition/block/networking.md already"),
        (
            "definition",
            "CSS",
            "Block",
            "--parent folder 'Block' differs from content/definition/block only by letter case",
        ),
        ("definition", "X", "term", "its first folder 'term' is a kind's name"),
        ("definition", "X", "bad name", "'bad name/x' cannot be a slug"),
        ("definition", "X", "/".join("abcdefghi"), "nests deeper than 8 folders"),
    ],
)
def test_new_refuses_a_bad_parent(
    tmp_path: Path, kind: str, title: str, parent: str, message: str
) -> None:
    root = _site(tmp_path)
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    with pytest.raises(OutputError) as caught:
        new_page(root, kind, title, parent=parent, now=NOW)
    assert message in str(caught.value)
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before

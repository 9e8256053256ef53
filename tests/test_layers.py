"""The import contracts in pyproject.toml hold, and a wrong-way import breaks them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(not LINT.exists(), reason="import-linter is not installed")


def lint(src: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT), "--config", str(REPO / "pyproject.toml"), "--no-cache"],
        cwd=src.parent,
        env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )


def copy_of_source(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    shutil.copytree(REPO / "src", src, ignore=shutil.ignore_patterns("__pycache__"))
    return src


def test_the_package_keeps_every_contract(tmp_path):
    result = lint(copy_of_source(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("render/views.py", "from glossary_site.commands import build", "one way"),
        ("load/site.py", "from glossary_site.resolve import resolve", "one way"),
        ("model/pages.py", "import jinja2", "neither Jinja"),
        ("render/cards.py", "import pathlib", "reads no files"),
    ],
)
def test_a_wrong_way_import_breaks_a_contract(tmp_path, module, line, contract):
    src = copy_of_source(tmp_path)
    target = src / "glossary_site" / module
    target.write_text(target.read_text() + f"\n{line}\n")
    result = lint(src)
    assert result.returncode == 1
    broken = result.stdout.split("Broken contracts")[-1]
    assert contract in broken

"""Golden output: the build of tests/sites/basic, file by file, against tests/expected/basic/.

After an intended change to the output, refresh the expected files with:

    GLOSSARY_UPDATE_GOLDEN=1 pytest tests/test_golden.py

and review the change with `git diff tests/expected`.
"""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

import pytest

from conftest import SITES, build_in, tree_bytes

EXPECTED = Path(__file__).parents[1] / "expected" / "basic"
# copied files, not generated: the theme's assets and the site's static files
SKIPPED = ("assets/", "img/", ".glossary-build")


def generated(folder: Path) -> dict[str, bytes]:
    return {path: data for path, data in tree_bytes(folder).items() if not path.startswith(SKIPPED)}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    root = tmp_path_factory.mktemp("golden") / "basic"
    shutil.copytree(
        SITES / "basic",
        root,
        ignore=shutil.ignore_patterns(".glossary-cache", "build"),
    )
    build_in(root)
    output = generated(root / "build")
    if os.environ.get("GLOSSARY_UPDATE_GOLDEN"):
        shutil.rmtree(EXPECTED, ignore_errors=True)
        for path, data in output.items():
            (EXPECTED / path).parent.mkdir(parents=True, exist_ok=True)
            (EXPECTED / path).write_bytes(data)
    return output


def test_the_same_files_are_produced(built):
    assert sorted(built) == sorted(generated(EXPECTED))


@pytest.mark.parametrize("path", sorted(generated(EXPECTED)) if EXPECTED.exists() else [])
def test_each_file_matches_the_expected_output(built, path):
    expected = (EXPECTED / path).read_bytes()
    actual = built.get(path, b"")
    if actual != expected:
        diff = difflib.unified_diff(
            expected.decode().splitlines(),
            actual.decode().splitlines(),
            f"expected/{path}",
            f"built/{path}",
            lineterm="",
            n=2,
        )
        pytest.fail(
            "output changed (refresh with GLOSSARY_UPDATE_GOLDEN=1 if intended):\n"
            + "\n".join(list(diff)[:80])
        )

"""The cache is untrusted input (CI restores it): it can be wrong, never harmful.

Whatever bytes `.glossary-cache/` holds, a build succeeds with exactly the output of a
`--no-cache` build, says in one line which parts it dropped, and never follows a link.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import build_in, linked_pages, page, run_cli, tree_bytes, write_site
from glossary_site.write import BuildCache
from glossary_site.write import cache as cache_module

FILES = linked_pages()

# marshal payloads from the red team: a self-referencing tuple (signal 11 when loaded) and
# a tuple header claiming 2**31 items (4 GB before the first item is read)
MARSHAL_BOMBS = [b"\xa9\x01r\x00\x00\x00\x00\x00\x00\x00", b"(\xff\xff\xff\x7f"]


@pytest.fixture
def site(make_site) -> Path:
    return make_site(FILES)


@pytest.fixture
def reference(site) -> dict[str, bytes]:
    """What a --no-cache build makes of the site: every cached build must equal it."""
    return tree_bytes(build_in(site, use_cache=False, out=site.parent / "reference").out)


def cache_files(site: Path) -> list[Path]:
    return sorted((site / ".glossary-cache").glob("*.json"))


def warm(site: Path) -> None:
    """Build twice with the cache, the second time after an edit: every section is written."""
    build_in(site)
    (site / "content/definition/mark-price.md").write_text(page("Mark Price", body="Edited."))
    build_in(site)


def rebuild(site: Path) -> tuple[int, str, dict[str, bytes]]:
    """A cached build from scratch output (so cached values are used), through the CLI."""
    out = site / "build"
    shutil.rmtree(out, ignore_errors=True)
    result = run_cli("build", "--jobs", "1", cwd=site)
    return result.returncode, result.stderr, tree_bytes(out)


def reference_after_edit(site: Path) -> dict[str, bytes]:
    return tree_bytes(build_in(site, use_cache=False, out=site.parent / "reference-edit").out)


# --------------------------------------------------------------- hostile bytes


def test_a_cache_file_with_one_byte_flipped_is_dropped_and_rebuilt(site):
    warm(site)
    expected = reference_after_edit(site)
    for path in cache_files(site):
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0x01
        path.write_bytes(bytes(data))
    code, err, tree = rebuild(site)
    assert code == 0, err
    assert tree == expected
    notes = [line for line in err.splitlines() if "failed their checks" in line]
    assert len(notes) == 1, err  # one line, naming the parts
    assert "pages-" in notes[0] or "bodies-" in notes[0] or "graph" in notes[0]


def test_cached_html_replaced_by_a_script_is_never_published(site):
    warm(site)
    expected = reference_after_edit(site)
    for path in cache_files(site):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("<p>", "<script>alert(1)</script><p>"), encoding="utf-8")
    code, err, tree = rebuild(site)
    assert code == 0, err
    assert tree == expected
    assert not any(b"alert(1)" in data for data in tree.values())


@pytest.mark.parametrize("bomb", MARSHAL_BOMBS, ids=["self-referencing", "huge-header"])
def test_marshal_bombs_in_the_cache_cannot_crash_or_explode_the_build(site, bomb):
    warm(site)
    expected = reference_after_edit(site)
    folder = site / ".glossary-cache"
    for path in cache_files(site):
        path.write_bytes(bomb)
        (folder / (path.stem + ".marshal")).write_bytes(bomb)  # the old format's name too
    code, err, tree = rebuild(site)
    assert code == 0, err
    assert tree == expected


def test_a_forged_cache_with_a_valid_checksum_but_wrong_shapes_is_cleared(site):
    warm(site)
    expected = reference_after_edit(site)
    header = cache_module.FORMAT + b" " + cache_module.code_salt().encode()
    for path in cache_files(site):
        payload = json.dumps({"a" * 40: [[["deep"]]], "records": 7, "summary": "x"}).encode()
        checksum = cache_module._checksum(header, payload)
        path.write_bytes(header + b"\n" + payload + b"\n" + checksum + b"\n")
    code, err, tree = rebuild(site)
    assert code == 0, err
    assert tree == expected


def test_with_a_cache_key_a_cache_signed_without_it_is_dropped(site, monkeypatch):
    warm(site)  # signed without a key
    expected = reference_after_edit(site)
    result = run_cli("build", "--jobs", "1", cwd=site, env={"GLOSSARY_CACHE_KEY": "ci-secret"})
    assert result.returncode == 0, result.stderr
    assert "failed their checks" in result.stderr
    assert tree_bytes(site / "build") == expected
    monkeypatch.setenv("GLOSSARY_CACHE_KEY", "ci-secret")
    assert BuildCache(site).files  # now signed with the key: read back
    monkeypatch.setenv("GLOSSARY_CACHE_KEY", "another")
    assert BuildCache(site).files == {}


def test_a_cached_build_equals_a_no_cache_build_byte_for_byte(site, reference):
    build_in(site)
    assert tree_bytes(site / "build") == reference
    code, err, tree = rebuild(site)
    assert code == 0 and err == ""
    assert tree == reference


# ------------------------------------------------------------- symbolic links


def test_a_symlinked_cache_folder_is_never_followed(site, tmp_path, reference):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("mine")
    (site / ".glossary-cache").symlink_to(elsewhere, target_is_directory=True)
    result = run_cli("build", "--jobs", "1", cwd=site)
    assert result.returncode == 0, result.stderr
    assert "is a symbolic link or not a folder; it is not followed" in result.stderr
    assert sorted(p.name for p in elsewhere.iterdir()) == ["keep.txt"]
    assert tree_bytes(site / "build") == reference


@pytest.mark.parametrize("name", [".gitignore", "output.json", "pages-00.json"])
def test_a_symlink_inside_the_cache_is_replaced_never_written_through(site, tmp_path, name):
    victim = tmp_path / "victim.txt"
    victim.write_text("do not overwrite\n")
    folder = site / ".glossary-cache"
    folder.mkdir()
    (folder / name).symlink_to(victim)
    build_in(site)
    (site / "content/term/leverage.md").write_text(page("Leverage", body="Changed."))
    build_in(site)
    assert victim.read_text() == "do not overwrite\n"
    assert not (folder / ".gitignore").is_symlink()


def test_a_cache_file_that_is_a_symlink_is_not_read(site, tmp_path):
    build_in(site)
    output = site / ".glossary-cache/output.json"
    copy = tmp_path / "output.json"
    copy.write_bytes(output.read_bytes())
    output.unlink()
    output.symlink_to(copy)
    cache = BuildCache(site)
    assert cache.previous_output(site / "build") == {}
    assert any("output" in line for line in cache.report())


# ------------------------------------------------------------- hypothesis

SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def cached_site(tmp_path_factory) -> tuple[Path, bytes, dict[str, bytes]]:
    """A site with a warm cache, the bytes of one of its cache files, its --no-cache output."""
    root = write_site(tmp_path_factory.mktemp("hostile") / "site", FILES)
    warm(root)
    original = (root / ".glossary-cache/files.json").read_bytes()
    return root, original, reference_after_edit(root)


def mutations(original: bytes) -> st.SearchStrategy[bytes]:
    """Hostile variants of a cache file: flipped, cut, spliced, random, deeply nested."""
    size = len(original)
    flip = st.tuples(st.integers(0, size - 1), st.integers(1, 255)).map(
        lambda f: original[: f[0]] + bytes([original[f[0]] ^ f[1]]) + original[f[0] + 1 :]
    )
    cut = st.integers(0, size).map(lambda n: original[:n])
    splice = st.tuples(st.integers(0, size), st.binary(max_size=64)).map(
        lambda s: original[: s[0]] + s[1] + original[s[0] :]
    )
    nested = st.integers(1, 200_000).map(lambda n: b"[" * n + b"]" * (n % 3))
    return st.one_of(
        flip, cut, splice, st.binary(max_size=256), nested, st.sampled_from(MARSHAL_BOMBS)
    )


@given(data=st.data())
@SETTINGS
def test_any_bytes_in_a_cache_file_read_as_a_miss_never_a_crash(cached_site, data):
    root, original, _ = cached_site
    target = root / ".glossary-cache/files.json"
    hostile = data.draw(mutations(original))
    target.write_bytes(hostile)
    try:
        cache = BuildCache(root)
        files = cache.files
        assert isinstance(files, dict)
        if hostile != original:
            assert files == {}
            if hostile.partition(b"\n")[0] == original.partition(b"\n")[0]:
                # (a header naming another code version is an upgrade's miss, not a doubt)
                assert cache.report(), "a damaged file is reported"
    finally:
        target.write_bytes(original)


@given(
    payload=st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
        ),
        max_leaves=30,
    )
)
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_a_build_over_any_validly_signed_json_equals_the_no_cache_build(cached_site, payload):
    root, _, expected = cached_site
    header = cache_module.FORMAT + b" " + cache_module.code_salt().encode()
    saved = {path: path.read_bytes() for path in cache_files(root)}
    try:
        for path in saved:
            body = json.dumps({"x": payload, "records": payload, "summary": payload}).encode()
            path.write_bytes(
                header + b"\n" + body + b"\n" + cache_module._checksum(header, body) + b"\n"
            )
        os.environ.pop("GLOSSARY_CACHE_KEY", None)
        shutil.rmtree(root / "build", ignore_errors=True)
        report = build_in(root)
        assert tree_bytes(report.out) == expected
    finally:
        for path, data in saved.items():
            path.write_bytes(data)

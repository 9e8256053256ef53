"""A generated 2,000-entry site: check and the full build (with auto-linking) finish."""

from __future__ import annotations

import json

import html5lib
import pytest

from conftest import generate_corpus, jsonld, run_cli

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return generate_corpus(tmp_path_factory.mktemp("scale") / "site", 2000)


def test_check_finishes_with_warnings_only(corpus):
    result = run_cli("check", "--source", str(corpus), "--no-cache", "--format", "json")
    assert result.returncode == 0, result.stderr
    findings = json.loads(result.stdout)
    # the corpus has a few titles shared by a term and a definition, on purpose
    assert {f["code"] for f in findings} <= {"near-duplicate", "orphan", "empty-area"}
    assert any(f["code"] == "near-duplicate" for f in findings)


def test_full_build_finishes_and_auto_links(corpus):
    result = run_cli("build", "--source", str(corpus), "--no-cache", "--quiet")
    assert result.returncode == 0, result.stderr
    out = corpus / "build"
    # entry pages, not the letter pages of the split index (definition/a/ ...)
    pages = sorted(p for p in (out / "definition").glob("*/index.html") if len(p.parent.name) > 1)
    assert len(pages) > 1000
    auto = sum('class="autolink"' in page.read_text(encoding="utf-8") for page in pages)
    assert auto > 100  # mentions of other entries' titles became links
    for page in pages[:: len(pages) // 50]:
        with open(page, "rb") as handle:
            doc = html5lib.parse(handle, namespaceHTMLElements=False)
        assert {block["@type"] for block in jsonld(doc)} >= {"Article", "BreadcrumbList"}

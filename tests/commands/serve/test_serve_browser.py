"""`glossary serve` in real headless Chromium: tabs reload by themselves when their page
changes (keeping their scroll position), stay put when it does not, show the overlay of a
failed rebuild and lose it once fixed, and show the 404 page when their entry goes."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import page
from serve_preview import copy_basic, running_preview

pytestmark = pytest.mark.browser

LONG_BODY = "\n\n".join(f"Paragraph {n} about the premium of options." for n in range(80))


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = copy_basic(tmp_path / "site")
    premium = page("Premium", areas=["options"], body=LONG_BODY + "\n\nOld closing line.\n")
    (root / "content/definition/premium.md").write_text(premium, encoding="utf-8")
    lonely = page("Lonely Entry", areas=["options"], body="Nothing links here.\n")
    (root / "content/definition/lonely-entry.md").write_text(lonely, encoding="utf-8")
    return root


def test_an_edit_reloads_its_tab_keeping_the_scroll_and_leaves_other_tabs(site, browser, tab):
    with running_preview(site) as preview:
        tab.goto(preview.url + "definition/premium/")
        other = browser.new_context().new_page()
        other.goto(preview.url + "area/margin/")
        other.evaluate("window.untouched = true")
        tab.evaluate("window.scrollTo(0, 1500)")
        tab.wait_for_function("window.scrollY >= 1000")
        tab.evaluate("window.before = true")
        tab.wait_for_timeout(300)  # the event stream is open
        preview.edit(
            "content/definition/premium.md",
            page("Premium", areas=["options"], body=LONG_BODY + "\n\nNew closing line.\n"),
        )
        tab.wait_for_selector("text=New closing line.", timeout=15_000)
        assert tab.evaluate("window.before === undefined")  # it reloaded by itself
        tab.wait_for_function("window.scrollY >= 1000")
        assert other.evaluate("window.untouched") is True
        other.context.close()
        assert tab.errors == []


def test_a_broken_file_shows_the_overlay_and_the_fix_clears_it(site, tab):
    with running_preview(site) as preview:
        tab.goto(preview.url + "definition/premium/")
        tab.wait_for_timeout(300)
        preview.edit("content/definition/premium.md", "---\ntitle: [\n---\n")
        overlay = tab.wait_for_selector("#glossary-serve-overlay", timeout=15_000)
        assert "content/definition/premium.md:" in overlay.inner_text()
        assert "invalid YAML" in overlay.inner_text()
        preview.edit(
            "content/definition/premium.md",
            page("Premium", areas=["options"], body="Fixed premium text.\n"),
        )
        tab.wait_for_selector("text=Fixed premium text.", timeout=15_000)
        tab.wait_for_selector("#glossary-serve-overlay", state="detached", timeout=15_000)


def test_a_tab_whose_entry_is_deleted_shows_the_404_page(site, tab):
    with running_preview(site) as preview:
        response = tab.goto(preview.url + "definition/lonely-entry/")
        assert response.status == 200
        tab.wait_for_timeout(300)
        done = len(preview.recorder.outcomes) + 1
        (site / "content/definition/lonely-entry.md").unlink()
        outcome = preview.recorder.wait_builds(done)
        assert outcome.ok, outcome.problems
        tab.wait_for_selector("h1:has-text('Page not found')", timeout=15_000)
        status, _, _ = preview.request("/definition/lonely-entry/")
        assert status == 404

"""resolve/site.py: after a change of names (a title, an alias, a page added), the last
build's resolved references are reused only where no changed index entry can reach them;
every result equals a build without the cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import area, page, write_site
from glossary_site.commands.build import BuildOptions, analyse
from glossary_site.errors import ContentError
from glossary_site.load import scan_site
from glossary_site.resolve import RefIndex
from glossary_site.resolve.references import changed_lookup_keys, lookup_keys
from glossary_site.write import BuildCache

BASE = {
    "content/area/margin.md": area("Margin"),
    "content/term/leverage-ratio.md": page("Leverage Ratio", areas=["margin"]),
    "content/definition/margin-process.md": page("Margin Process", areas=["margin"]),
    "content/definition/haircut.md": page("Haircut", areas=["margin"], aliases=["Valuation Cut"]),
    "content/definition/bystander.md": page("Bystander", areas=["Margin"], related=["haircut"]),
}


def outcome(root: Path, cache: BuildCache) -> tuple[object, ...]:
    """Each entry's resolved areas and related, and every problem, as text."""
    try:
        graph = analyse(scan_site(root), BuildOptions(jobs=1), cache).graph
    except ContentError as error:
        return ("failed", sorted(p.format() for p in error.problems))
    return (graph.entry_areas, graph.related)


def resolved_texts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts RefIndex.resolve is asked for from now on."""
    asked: list[str] = []
    resolve = RefIndex.resolve

    def recording(self: RefIndex, text: str) -> object:
        asked.append(text)
        return resolve(self, text)

    monkeypatch.setattr(RefIndex, "resolve", recording)
    return asked


@pytest.mark.parametrize(
    ("written", "edit"),
    [
        # the referenced title changes: the reference no longer resolves
        ("Leverage Ratio", {"content/term/leverage-ratio.md": page("Gearing", areas=["margin"])}),
        # a plural reference, its page retitled
        (
            "Margin Processes",
            {"content/definition/margin-process.md": page("Margin Flow", areas=["margin"])},
        ),
        # an alias taken away
        (
            "valuation cut",
            {"content/definition/haircut.md": page("Haircut", areas=["margin"])},
        ),
        # a second page with the same slug makes a slug reference ambiguous
        (
            "leverage-ratio",
            {"content/definition/leverage-ratio.md": page("Lev Ratio", areas=["margin"])},
        ),
        # a page newly titled as the reference reads: a title beats an alias
        (
            "Valuation Cut",
            {"content/term/valuation-cut.md": page("Valuation Cut", areas=["margin"])},
        ),
        # a new page whose id the reference names
        ("term/gearing", {"content/term/gearing.md": page("Gearing", areas=["margin"])}),
    ],
)
def test_a_change_of_names_reaching_a_reference_resolves_it_again(tmp_path, written, edit):
    files = {
        **BASE,
        "content/definition/subject.md": page("Subject", areas=["margin"], related=[written]),
    }
    root = write_site(tmp_path / "site", files)
    cache = BuildCache(root)
    outcome(root, cache)
    write_site(root, edit)
    assert outcome(root, cache) == outcome(root, BuildCache.disabled())


def test_references_no_changed_name_reaches_are_not_resolved_again(tmp_path, monkeypatch):
    files = {
        **BASE,
        "content/definition/subject.md": page(
            "Subject", areas=["margin"], related=["Leverage Ratio", "valuation cut"]
        ),
    }
    root = write_site(tmp_path / "site", files)
    cache = BuildCache(root)
    outcome(root, cache)
    asked = resolved_texts(monkeypatch)
    retitled = {"content/definition/margin-process.md": page("Margin Flow", areas=["margin"])}
    write_site(root, retitled)
    assert outcome(root, cache) == outcome(root, BuildCache.disabled())
    asked.clear()
    write_site(root, {"content/definition/margin-process.md": page("Margin Steps")})
    result = outcome(root, cache)
    assert "Leverage Ratio" not in asked and "valuation cut" not in asked
    assert result == outcome(root, BuildCache.disabled())


def test_a_reference_with_a_problem_is_resolved_again_after_any_change_of_names(tmp_path):
    files = {
        **BASE,
        "content/definition/subject.md": page("Subject", areas=["margin"], related=["Hair Cutt"]),
    }
    root = write_site(tmp_path / "site", files)
    cache = BuildCache(root)
    first = outcome(root, cache)
    assert first[0] == "failed" and "did you mean 'Haircut'" in str(first)
    # a new, closer name: the suggestion must name it
    write_site(root, {"content/term/hair-cutter.md": page("Hair Cutter", areas=["margin"])})
    assert outcome(root, cache) == outcome(root, BuildCache.disabled())


def test_lookup_keys_name_every_table_entry_a_reference_reads():
    assert set(lookup_keys(" Margin Processes ")) >= {
        "s\0Margin Processes",
        "n\0margin processes",
        "n\0margin process",
    }
    assert "i\0term/gearing" in lookup_keys("term/gearing")


def test_changed_lookup_keys_are_those_whose_entries_differ():
    before = RefIndex([_Page("term/a", "Alpha", ("Al",))], ()).state()
    after = RefIndex([_Page("term/a", "Beta", ("Al",))], (), ["definition/x"]).state()
    assert changed_lookup_keys(before, after) == {
        "n\0alpha",
        "n\0beta",
        "i\0definition/x",
        "s\0x",
    }


class _Page:
    def __init__(self, page_id: str, title: str, aliases: tuple[str, ...]):
        self.id, self.title, self.aliases = page_id, title, aliases
        self.kind, _, self.slug = page_id.partition("/")

"""A process that builds again (glossary serve) updates the search index instead of making
it anew: the update must equal the index made from nothing, part for part, byte for byte."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from conftest import area, page, write_site
from glossary_site.load import LoadOptions, load_site, scan_site
from glossary_site.render import search
from glossary_site.resolve import resolve

FILES = {
    "content/area/markets.md": area("Markets", {"Mechanism": "Markets match Leverage and Margin."}),
    "content/term/leverage.md": page(
        "Leverage", areas=["markets"], body="Borrowing to invest more than one has.\n"
    ),
    "content/definition/margin.md": page(
        "Margin", summary="Collateral.", areas=["markets"], body="Collateral against Leverage.\n"
    ),
    "content/definition/spread.md": page("Spread", body="A difference of two prices.\n"),
}
FILES.update(
    {
        f"content/definition/word-{n}.md": page(f"Word {n}", body=f"Common filler text {n}.\n")
        for n in range(150)  # more bodies than a word's body-only postings keep
    }
)

EDITS = [
    ("content/definition/spread.md", "two prices", "two prices and a premium"),
    ("content/definition/spread.md", "A difference of two prices.", "Nothing."),
    ("content/definition/margin.md", 'title: "Margin"', 'title: "Initial Margin"'),
    ("content/definition/margin.md", 'summary: "Collateral."', 'summary: "Filler deposit."'),
    ("content/term/leverage.md", 'title: "Leverage"', 'title: "Leverage"\naliases: ["Gearing"]'),
    ("content/definition/word-3.md", "Common filler text 3.", "Rare words only."),
    ("content/area/markets.md", "Markets match", "Markets pair common filler"),
    ("content/definition/word-7.md", 'title: "Word 7"', 'title: "Wonder 7"'),
    ("content/definition/word-8.md", 'title: "Word 8"', 'title: "Zebra 8"'),
    ("content/definition/word-9.md", 'title: "Word 9"', 'title: "Word 9"\naliases: ["Wo"]'),
]


def _graph(root: Path) -> Any:
    loaded = load_site(scan_site(root, {}), LoadOptions())
    assert loaded.site is not None
    result = resolve(loaded.site)
    assert result.graph is not None
    return result.graph


def _parts(index: search.SearchIndex) -> dict[str, str]:
    """Each part's JSON as the build writes it (the order of keys inside a part counts)."""
    found = {"manifest": index.manifest}
    found |= {f"t/{key}": value for key, value in index.titles.items()}
    found |= {f"w/{key}": value for key, value in index.words.items()}
    found |= {f"d/{key}": value for key, value in index.docs.items()}
    return {path: json.dumps(value, ensure_ascii=False) for path, value in found.items()}


@pytest.mark.parametrize("split", [None, 20], ids=["whole", "split-titles"])
@pytest.mark.parametrize(("rel", "old", "new"), EDITS)
def test_an_updated_index_equals_one_made_from_nothing(tmp_path, monkeypatch, rel, old, new, split):
    if split is not None:  # the 150 "Word" titles then split their group by three letters
        monkeypatch.setattr(search, "TITLE_SPLIT", split)
    root = write_site(tmp_path, FILES)
    search._MEMO.clear()
    before = search.search_index(_graph(root))
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    graph = _graph(root)
    updated = search.search_index(graph)  # from the last state
    assert search._MEMO["state"].index is updated
    search._MEMO.clear()
    fresh = search.search_index(graph)
    assert _parts(updated) == _parts(fresh)
    assert _parts(updated) != _parts(before)
    assert (split is not None) == ("t/wor" in _parts(fresh))


def test_edits_in_a_row_stay_equal_to_a_fresh_index(tmp_path):
    root = write_site(tmp_path, FILES)
    search._MEMO.clear()
    search.search_index(_graph(root))
    for rel, old, new in EDITS:
        path = root / rel
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
        graph = _graph(root)
        updated = search.search_index(graph)
        state = search._MEMO["state"]
        search._MEMO.clear()
        assert _parts(updated) == _parts(search.search_index(graph)), rel
        search._MEMO["state"] = state  # go on updating the kept state, not the fresh one


def test_pages_of_the_very_same_objects_are_not_made_again_but_settings_count(tmp_path):
    """A graph sharing its page objects with the last one (as glossary serve's are, for
    unchanged files) is updated from the pages that are not the same objects; a change of
    settings still remakes every document (the shared pages' URLs move with base_url)."""
    root = write_site(tmp_path, FILES)
    search._MEMO.clear()
    graph = _graph(root)
    search.search_index(graph)
    edited = dataclasses.replace(graph.pages["definition/margin"], title="Initial Margin")
    entries = tuple(edited if e.id == edited.id else e for e in graph.entries)
    retitled = dataclasses.replace(graph, entries=entries, pages={**graph.pages, edited.id: edited})
    assert search._MEMO["state"].changed_since(search.made_from(retitled)) == [edited.id]
    updated = search.search_index(retitled)
    search._MEMO.clear()
    assert _parts(updated) == _parts(search.search_index(retitled))
    assert '"Initial Margin"' in _parts(updated)["t/in"]

    config = retitled.config
    settings = {**config.model_dump(), "base_url": "https://x.test/sub/"}
    moved = dataclasses.replace(retitled, config=type(config).model_validate(settings))
    search.search_index(retitled)
    updated = search.search_index(moved)
    search._MEMO.clear()
    assert _parts(updated) == _parts(search.search_index(moved))
    assert '"/sub/definition/spread/"' in _parts(updated)["d/" + _bucket(updated, "Spread")]


def _bucket(index: search.SearchIndex, title: str) -> str:
    return next(
        str(b) for b, docs in index.docs.items() if any(d["t"] == title for d in docs.values())
    )


def test_a_summary_edit_keeps_every_title_shard_a_retitle_replaces_only_its_own(tmp_path):
    """Title shards hold no summary: an edit of it leaves them (the very objects, so the
    build does not write them again); a retitle replaces the shards of its words alone."""
    root = write_site(tmp_path, FILES)
    search._MEMO.clear()
    before = search.search_index(_graph(root))
    path = root / "content/definition/margin.md"
    path.write_text(path.read_text("utf-8").replace("Collateral.", "Filler deposit."), "utf-8")
    summary_edit = search.search_index(_graph(root))
    assert all(summary_edit.titles[k] is v for k, v in before.titles.items())
    path.write_text(path.read_text("utf-8").replace('"Margin"', '"Spread Margin"'), "utf-8")
    retitled = search.search_index(_graph(root))
    replaced = {k for k, v in retitled.titles.items() if before.titles.get(k) is not v}
    assert replaced == {"ma", "sp"}  # the shards holding its record, old or new

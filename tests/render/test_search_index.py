"""The search index in parts (render/search.py): manifest, title and word shards,
document files; stable ids so one change rewrites only the parts it touches."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import build_in, generate_corpus, search_records, tree_bytes
from glossary_site.markdown import fold, words
from glossary_site.render import search
from glossary_site.render.search import shard_name, stable_ids
from page_helpers import build_fixture_site


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture_site(tmp_path_factory.mktemp("search"))


def read(out: Path, rel: str) -> object:
    return json.loads((out / "search" / rel).read_text(encoding="utf-8"))


def test_words_are_folded_and_distinct_in_order() -> None:
    assert words("Éclair, ÉCLAIR and the_x-ray éclair") == ["eclair", "and", "the", "x", "ray"]
    assert fold("Straße") == "strasse"


def test_shard_names_are_safe_file_names() -> None:
    assert shard_name("leverage", 2) == "le"
    assert shard_name("leverage", 3) == "lev"
    assert shard_name("ж", 2) == "_d0b6"
    assert shard_name("a", 3) == "a"


def test_ids_are_stable_when_a_page_is_added() -> None:
    pages = [f"definition/d{n}" for n in range(500)]
    before, size = stable_ids(pages)
    after, size_after = stable_ids([*pages, "definition/new"])
    assert size == size_after == 1024
    moved = [p for p in pages if before[p] != after[p]]
    assert len(moved) <= 2  # at most the pages probing past the new one
    assert len(set(after.values())) == len(after)


def test_manifest_names_every_shard(out: Path) -> None:
    manifest = read(out, "manifest.json")
    assert manifest["titles"] == sorted(p.stem for p in (out / "search/t").glob("*.json"))
    assert manifest["words"] == sorted(p.stem for p in (out / "search/w").glob("*.json"))
    assert manifest["separator"] == " ⎊ "


def test_documents_hold_one_record_per_published_page(out: Path) -> None:
    records = search_records(out)
    ids = sorted(r["id"] for r in records)
    assert ids == sorted(
        [
            "area/margin",
            "area/options",
            "definition/initial-margin",
            "definition/maintenance-margin",
            "definition/premium",
            "term/liquidation-price",
            "term/option-leverage",
        ]
    )
    liq = next(r for r in records if r["id"] == "term/liquidation-price")
    assert liq == {
        "id": "term/liquidation-price",
        "t": "Liquidation Price",
        "u": "/term/liquidation-price/",
        "k": "Term",
        "s": "The price at which a leveraged position is closed by force.",
        "a": ["liq price"],
    }


def test_title_shards_hold_titles_and_aliases_by_their_words(out: Path) -> None:
    manifest = read(out, "manifest.json")
    ids, _ = stable_ids([r["id"] for r in search_records(out)])
    liq = ids["term/liquidation-price"]
    for key in ("li", "pr"):  # liquidation, liq, price
        # kind code 1 (term) and slug: the row's URL without its document
        record = [liq, "Liquidation Price", 1, "liquidation-price", ["liq price"]]
        assert record in read(out, f"t/{key}.json")
    assert all(r[0] != liq for r in read(out, "t/ma.json"))
    assert manifest["size"] == 64
    kind, label = manifest["kinds"][1]
    assert manifest["base"] + f"{kind}/liquidation-price/" == "/term/liquidation-price/"
    assert label == "Term"


def _title_key(keys: set[str], word: str) -> str | None:
    """The title shard search.js loads for a query word (its titleKey)."""
    two = shard_name(word, 2)
    if two in keys:
        return two
    if len(word) <= 2:
        return two + "_" if two + "_" in keys else None
    three = shard_name(word, 3)
    return three if three in keys else None


def test_large_title_shards_split_by_a_third_letter(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(search, "TITLE_SPLIT", 8)
    root = generate_corpus(tmp_path / "corpus", 120)
    title = root / "content/definition/de.md"  # a title of one two-letter word
    title.write_text(
        "---\ntitle: De\nsummary: Two letters.\npublished: 2025-01-01\n---\nBody.\n",
        encoding="utf-8",
    )
    build_in(root, use_cache=False)
    out = root / "build"
    keys = set(read(out, "manifest.json")["titles"])
    shards = {key: read(out, f"t/{key}.json") for key in keys}
    assert keys == {p.stem for p in (out / "search/t").glob("*.json")}
    assert all(len(records) <= 8 or len(key) > 2 for key, records in shards.items())
    split = {key[:2] for key in keys if len(key) == 3}
    assert split and not split & keys  # a split group has no two-letter shard left
    assert "de_" in keys and [r[1] for r in shards["de_"]] == ["De"]
    # every word of every title and alias leads search.js to a shard holding the page
    ids, _ = stable_ids([r["id"] for r in search_records(out)])
    for record in search_records(out):
        for word in words(" ".join([record["t"], *record["a"]])):
            held = [r[0] for r in shards[_title_key(keys, word)]]
            assert ids[record["id"]] in held, (word, record["t"])


def test_word_shards_say_where_a_word_is(out: Path) -> None:
    ids, _ = stable_ids([r["id"] for r in search_records(out)])
    premium, leverage = ids["definition/premium"], ids["term/option-leverage"]
    assert read(out, "w/buy.json")["buyer"] == [premium, 4]  # body only
    assert read(out, "w/und.json")["underlying"] == [leverage, 2]  # summary only
    postings = read(out, "w/pre.json")["premium"]
    assert postings[postings.index(premium) + 1] & 1  # in the title


def test_drafts_stay_out_of_every_part(tmp_path: Path) -> None:
    out = build_fixture_site(tmp_path)
    assert not any(
        "draft" in p.read_text(encoding="utf-8").lower() for p in (out / "search").rglob("*.json")
    )


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = generate_corpus(tmp_path_factory.mktemp("search-corpus") / "site", 300)
    build_in(root)
    return root


def changed_parts(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    keys = {k for k in before.keys() | after.keys() if k.startswith("search/")}
    return {k for k in keys if before.get(k) != after.get(k)}


def test_one_change_rewrites_only_the_parts_it_touches(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(corpus, root, ignore=shutil.ignore_patterns("build"))
    build_in(root)  # the cache now knows this output folder
    before = tree_bytes(root / "build")
    edited = sorted((root / "content/definition").glob("*.md"))[7]
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text + "\nZyzzyvaquark.\n", encoding="utf-8")  # one new word
    report = build_in(root)
    after = tree_bytes(root / "build")
    changed = changed_parts(before, after)
    assert changed == {"search/w/zyz.json", "search/manifest.json"}  # a new word, a new shard
    # the edited page, pages listing its card, and those two parts
    assert report.written < 20, report.written
    fresh = tmp_path / "fresh"
    shutil.copytree(root, fresh, ignore=shutil.ignore_patterns("build", ".glossary-cache"))
    build_in(fresh, use_cache=False)
    assert tree_bytes(fresh / "build") == after


def test_a_new_entry_rewrites_its_own_parts_not_the_index(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(corpus, root)
    before = tree_bytes(root / "build")
    (root / "content/definition/zz-new-entry.md").write_text(
        "---\ntitle: Quixotic Hedge\nsummary: A hedge nobody needs.\n"
        "published: 2026-01-02T10:00:00+00:00\n---\n\nBody words here.\n",
        encoding="utf-8",
    )
    build_in(root)
    after = tree_bytes(root / "build")
    changed = changed_parts(before, after)
    parts = [k for k in before if k.startswith("search/")]
    assert len(changed) < len(parts) // 10
    assert {"search/t/qu.json", "search/t/he.json"} <= changed
    fresh = tmp_path / "fresh"
    shutil.copytree(root, fresh, ignore=shutil.ignore_patterns("build", ".glossary-cache"))
    build_in(fresh, use_cache=False)
    assert tree_bytes(fresh / "build") == after
    assert re.search(r"Quixotic", json.dumps(search_records(root / "build")))

"""Bodies are rendered again only when a name they could mention changed, and the site
built that way equals one built from nothing."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conftest import build_in, page, tree_bytes, write_site
from glossary_site.load import LoadOptions, load_site, scan_site
from glossary_site.resolve import bodies, resolve
from glossary_site.resolve.bodies import name_tokens

FILES = {
    "content/term/leverage.md": page("Leverage", body="Borrowing to invest.\n"),
    "content/definition/margin.md": page("Margin", body="Collateral set against Leverage.\n"),
    "content/definition/spread.md": page("Spread", body="A difference of two prices.\n"),
    "content/definition/basis.md": page("Basis", body="See [[margin]] for the deposit.\n"),
    "content/definition/yield.md": page("Yield", body="Income as a share of the Price paid.\n"),
    "content/definition/escaped.md": page("Escaped", body="Written as Lever&#97;ge Ratio.\n"),
}


class Counting:
    """A serial mapper that remembers which pages it rendered."""

    def __init__(self) -> None:
        self.rendered: list[str] = []

    def __call__(self, fn: Any, context: Any, items: Any) -> list[Any]:
        self.rendered += [getattr(item, "page_id", "") for item in items]
        return [fn(context, item) for item in items]


def _resolve(root: Path, bodies: dict[str, Any], graph: dict[str, Any]) -> tuple[Any, list[str]]:
    loaded = load_site(scan_site(root, {}), LoadOptions())
    assert loaded.site is not None
    mapper = Counting()
    result = resolve(loaded.site, bodies, mapper, graph)
    assert result.graph is not None
    return result.graph, [r for r in mapper.rendered if r]


def _edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def _after_edit(root: Path, rel: str, old: str, new: str) -> tuple[Any, list[str]]:
    """The graph after an edit, and the bodies it rendered again (the first resolve, with
    empty memos, renders every body)."""
    bodies: dict[str, Any] = {}
    graph: dict[str, Any] = {}
    _, first = _resolve(root, bodies, graph)
    assert len(first) == len(FILES)
    _edit(root, rel, old, new)
    return _resolve(root, bodies, graph)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return write_site(tmp_path / "site", FILES)


def test_a_new_title_renders_only_the_bodies_that_could_mention_it(site):
    after, again = _after_edit(
        site, "content/definition/spread.md", 'title: "Spread"', 'title: "Price"'
    )
    # "price" is in the bodies of spread (its own file changed) and yield
    assert sorted(again) == ["definition/spread", "definition/yield"]
    assert 'href="/definition/spread/"' in after.bodies["definition/yield"].html


def test_a_retitled_page_renders_again_the_bodies_that_link_to_it_by_slug(site):
    after, again = _after_edit(
        site, "content/definition/margin.md", 'title: "Margin"', 'title: "Initial Margin"'
    )
    assert "definition/basis" in again  # [[margin]] shows the new title
    assert ">Initial Margin</a>" in after.bodies["definition/basis"].html
    assert "definition/spread" not in again


def test_a_mention_written_with_an_entity_counts_as_a_mention(site):
    after, again = _after_edit(
        site, "content/term/leverage.md", 'title: "Leverage"', 'title: "Leverage Ratio"'
    )
    assert "definition/escaped" in again
    assert 'href="/term/leverage/"' in after.bodies["definition/escaped"].html


def test_nothing_renders_again_when_no_name_changed(site):
    _, again = _after_edit(site, "content/definition/yield.md", "Income", "Revenue")
    assert again == ["definition/yield"]


def test_name_tokens_change_only_for_the_names_that_changed(site):
    loaded = load_site(scan_site(site, {}), LoadOptions())
    before = name_tokens(loaded.site)
    _edit(site, "content/definition/spread.md", 'title: "Spread"', 'title: "Price"')
    loaded = load_site(scan_site(site, {}), LoadOptions())
    after = name_tokens(loaded.site)
    changed = {t for t in before.keys() | after.keys() if before.get(t) != after.get(t)}
    assert changed == {"spread", "price", "\0definition/spread"}


@pytest.mark.parametrize(
    ("rel", "old", "new"),
    [
        ("content/definition/spread.md", 'title: "Spread"', 'title: "Price"'),
        ("content/definition/margin.md", 'title: "Margin"', 'title: "Initial Margin"'),
        ("content/term/leverage.md", 'title: "Leverage"', 'title: "Leverage Ratio"'),
        ("content/definition/yield.md", 'title: "Yield"', 'title: "Yield"\naliases: ["Income"]'),
        (
            "content/definition/basis.md",
            'title: "Basis"',
            'title: "Basis"\nauto_link_target: false',
        ),
    ],
)
def test_builds_after_a_name_change_equal_a_fresh_build(tmp_path, rel, old, new):
    cached = write_site(tmp_path / "cached", FILES)
    build_in(cached)
    _edit(cached, rel, old, new)
    build_in(cached)
    fresh = write_site(tmp_path / "fresh", FILES)
    _edit(fresh, rel, old, new)
    build_in(fresh, use_cache=False)
    assert tree_bytes(cached / "build") == tree_bytes(fresh / "build")


def test_a_process_decodes_a_record_once_and_never_serves_a_replaced_one(site):
    bodies: dict[str, Any] = {}
    graph: dict[str, Any] = {}
    first, _ = _resolve(site, bodies, graph)
    again, rendered = _resolve(site, bodies, graph)
    assert rendered == []
    # the same record: the same decoded body, not a copy
    assert again.bodies["definition/spread"] is first.bodies["definition/spread"]
    # a record replaced under the same key (a cache read anew, say) is decoded anew
    key = next(k for k, r in bodies.items() if "two prices" in r[2][0][0])
    names, digest, parts = bodies[key]
    part = list(parts[0])
    part[0] = part[0].replace("two prices", "three prices")
    bodies[key] = [names, digest, [part]]
    replaced, _ = _resolve(site, bodies, graph)
    assert "three prices" in replaced.bodies["definition/spread"].html


_TITLES = st.sampled_from(
    ["Spread", "Price", "price", "PRICE", "Yield", "Margin", "Initial Margin", "KYC", "kyc"]
)
_FACTS = st.tuples(
    _TITLES,
    st.lists(_TITLES, max_size=2).map(tuple),
    st.sampled_from([None, "always", False]),
    st.booleans(),
)


def _named(kind: str, slug: str, facts: tuple[Any, ...]) -> SimpleNamespace:
    """A page with just what names are made of."""
    title, aliases, auto_link, target = facts
    return SimpleNamespace(
        id=f"{kind}/{slug}",
        kind=kind,
        slug=slug,
        title=title,
        aliases=aliases,
        auto_link=auto_link,
        auto_link_target=target,
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), _FACTS), min_size=2))
def test_name_tokens_kept_between_calls_equal_those_made_anew(sites):
    """name_tokens redoes only the tokens of pages whose names changed since its last call:
    after any sequence of sites, what it returns equals a computation from nothing."""
    for pages in sites:
        entries = [_named("definition", slug, facts) for slug, facts in sorted(pages.items())]
        site = SimpleNamespace(areas=(), entries=tuple(entries))
        kept = name_tokens(site)
        bodies._TOKENS.clear()
        assert kept == name_tokens(site)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.dictionaries(st.sampled_from(["a", "b", "c", "d", "e"]), _FACTS), min_size=2),
    st.sampled_from([(), ("price",)]),
)
@example(  # a page added before another of the same name: spellings keep the pages' order
    [
        {"b": ("Price", (), None, True)},
        {"a": ("price", (), None, True), "b": ("Price", (), None, True)},
    ],
    (),
)
def test_the_automaton_a_process_updates_equals_one_made_anew(sites, exclude):
    """The automaton of names is updated in place from the last one (the keys of the pages
    whose names changed): after any sequence of sites it maps every name as one built
    from nothing does."""
    config = SimpleNamespace(auto_link_areas=True, auto_link_exclude=exclude)
    for pages in sites:
        made = [
            _named(kind, slug, facts)
            for slug, facts in sorted(pages.items())
            for kind in (["area"] if slug == "e" else ["definition", "term"][: 1 + (slug == "a")])
        ]
        updated = bodies._updated_automaton(made, config)
        fresh = bodies._name_automaton(made, config)
        assert (fresh is None) == (updated is None)
        if fresh is not None:
            assert sorted(updated.items()) == sorted(fresh.items())
            assert [m[1] for m in updated.iter("the price of kyc")] == [
                m[1] for m in fresh.iter("the price of kyc")
            ]


_WORDS = st.sampled_from(["air", "drop", "airdrop", "é", "margin", "x", "in", "ratio"])


@settings(max_examples=300, deadline=None)
@given(
    names=st.lists(st.lists(_WORDS, min_size=1, max_size=3).map(" ".join), max_size=4),
    text=st.lists(
        st.sampled_from(["air", "drop", "airdrop", "margin", "x", "in", "ratio", "-", "."]),
        max_size=12,
    ).map(" ".join),
)
def test_the_byte_search_of_a_plain_body_agrees_with_the_text_search(names, text):
    """_untouched tests the kept ASCII bodies as bytes, longest word of each name first,
    with names of other letters left out: the same answer as the test on text."""
    finder = bodies._Finder(sorted(set(names)))
    if finder.automaton is None:
        return
    assert finder.may_be_in_bytes(text.encode("ascii")) == finder.may_be_in(text)

"""The theme's search in real headless Chromium (Debian's package, driven by Playwright):
the combobox on every page, the index loaded in parts, `?s=` on any page."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import SITES, build_in, generate_corpus, page, write_site
from glossary_site.render import search as search_index

pytestmark = pytest.mark.browser
BOX = "form.search-form input[name=s]"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def serve(folder: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("browser") / "basic"
    shutil.copytree(SITES / "basic", root)
    build_in(root)
    yield from serve(root / "build")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A generated 150-entry site, where common words have more results than one list,
    built with title shards split past 8 records (as past 1,000 on a large site)."""
    root = generate_corpus(tmp_path_factory.mktemp("browser") / "corpus", 150)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search_index, "TITLE_SPLIT", 8)
        build_in(root)
    assert any(len(p.stem) == 3 for p in (root / "build/search/t").glob("*.json"))
    for url in serve(root / "build"):
        yield url, root / "build"


def result_titles(tab: object) -> list[str]:
    tab.wait_for_selector(
        "[role=listbox] [role=option], .search-status:not(:empty)", timeout=10_000
    )
    return tab.locator("[role=option] .search-title").all_inner_texts()


def search(tab: object, query: str) -> list[str]:
    """The titles listed for a query once every result's meaning line is in."""
    tab.fill(BOX, query)
    tab.wait_for_function(
        "q => document.querySelector('.search-status').textContent.includes(q)"
        " && document.querySelector('[role=listbox]').getAttribute('aria-busy') !== 'true'",
        arg=query,
    )
    return result_titles(tab)


def test_search_query_in_the_url_shows_matching_entries(tab, site_url):
    tab.goto(f"{site_url}/?s=margin")
    titles = result_titles(tab)
    assert {"Margin", "Maintenance Margin", "Initial Margin"} <= set(titles)
    assert tab.locator(BOX).input_value() == "margin"
    assert tab.errors == []


def test_query_in_the_url_works_on_any_page(tab, site_url):
    tab.goto(f"{site_url}/definition/premium/?s=liquidation")
    assert result_titles(tab)[0] == "Liquidation Price"
    assert tab.locator(BOX).get_attribute("aria-expanded") == "true"
    assert tab.errors == []


def test_exact_title_comes_first(tab, site_url):
    tab.goto(site_url + "/")
    assert search(tab, "premium")[0] == "Premium"
    tab.wait_for_function("location.search.includes('s=premium')")


def test_prefix_finds_titles(tab, site_url):
    tab.goto(site_url + "/")
    titles = search(tab, "liquid")
    tiers = tab.locator("[role=option]").evaluate_all("os => os.map(o => o.dataset.tier)")
    assert titles[0] == "Liquidation Price" and tiers[0] == "1"  # 1: a title prefix
    assert all(t in ("3", "4") for t in tiers[1:])  # others mention it in summary or body


def test_a_misspelt_query_finds_the_title(tab, site_url):
    tab.goto(site_url + "/")
    assert search(tab, "maintenence margn")[0] == "Maintenance Margin"


def test_aliases_find_their_page(tab, site_url):
    tab.goto(site_url + "/")
    assert search(tab, "liq price")[0] == "Liquidation Price"
    assert "Options Trading" in search(tab, "options")


def test_summary_only_and_body_only_matches_rank_after_titles(tab, site_url):
    tab.goto(site_url + "/")
    assert search(tab, "underlying") == ["Option Leverage"]  # only in its summary
    tiers = tab.locator("[role=option]").evaluate_all("os => os.map(o => o.dataset.tier)")
    assert tiers == ["3"]
    # in the bodies of Premium ("a buyer") and of the Options area ("Buyers risk")
    assert sorted(search(tab, "buyer")) == ["Options Trading", "Premium"]
    tiers = tab.locator("[role=option]").evaluate_all("os => os.map(o => o.dataset.tier)")
    assert tiers == ["4", "4"]


def test_results_show_kind_and_meaning_with_the_matched_words_marked(tab, site_url):
    tab.goto(site_url + "/")
    search(tab, "premium")
    first = tab.locator("[role=option]").first
    assert first.locator(".kind").inner_text() == "Definition"
    assert first.locator(".meaning").inner_text() == "Meaning ⎊ The price paid for an option."
    assert first.locator(".search-title mark").all_inner_texts() == ["Premium"]
    search(tab, "underlying")
    assert tab.locator("[role=option] .meaning mark").all_inner_texts() == ["underlying"]


def test_keyboard_moves_opens_and_closes(tab, site_url):
    tab.goto(f"{site_url}/term/option-leverage/")
    titles = search(tab, "margin")
    box = tab.locator(BOX)
    assert box.get_attribute("role") == "combobox"
    listbox_id = box.get_attribute("aria-controls")
    assert tab.locator(f"#{listbox_id}").get_attribute("role") == "listbox"
    tab.press(BOX, "ArrowDown")
    tab.press(BOX, "ArrowDown")
    active = box.get_attribute("aria-activedescendant")
    second = tab.locator("[role=option]").nth(1)
    assert active == second.get_attribute("id")
    assert second.get_attribute("aria-selected") == "true"
    tab.press(BOX, "ArrowUp")
    assert box.get_attribute("aria-activedescendant") == tab.locator(
        "[role=option]"
    ).first.get_attribute("id")
    tab.press(BOX, "Escape")
    assert box.get_attribute("aria-expanded") == "false"
    assert tab.locator(f"#{listbox_id}").is_hidden()
    tab.press(BOX, "ArrowDown")  # reopens on the first result
    assert box.get_attribute("aria-expanded") == "true"
    href = tab.locator("[role=option] a").first.get_attribute("href")
    tab.press(BOX, "Enter")
    tab.wait_for_url(f"**{href}")
    assert tab.title().startswith(titles[0])
    assert tab.errors == []


def test_the_index_is_loaded_in_parts(tab, site_url):
    fetched: list[str] = []
    tab.on("request", lambda request: fetched.append(request.url))
    tab.goto(site_url + "/")
    search(tab, "premium")
    parts = sorted(u.split("/search/", 1)[1] for u in fetched if "/search/" in u)
    assert "manifest.json" in parts
    assert "t/pr.json" in parts and "w/pre.json" in parts
    assert not any(p.startswith("t/ma") for p in parts)  # only the query's shards
    assert any(p.startswith("d/") for p in parts)


# when each part of the index was asked for, against the page's load event (ms)
LOADED_PARTS = """() => {
    const nav = performance.getEntriesByType("navigation")[0];
    return {load: nav.loadEventStart, parts: performance.getEntriesByType("resource")
        .filter(e => /\\/search\\/|minisearch/.test(e.name))
        .map(e => [e.name.replace(/^.*\\/(search|assets)\\//, ""), e.startTime])};
}"""

# resolves once the page has loaded and the browser has been idle after it
IDLE_AFTER_LOAD = """() => new Promise(resolve => {
    const idle = () => requestIdleCallback(() => setTimeout(resolve, 200));
    if (document.readyState === "complete") { idle(); }
    else { addEventListener("load", idle, {once: true}); }
})"""


def test_the_manifest_loads_with_the_page_and_the_engine_after_it_without_touching_the_box(
    tab, site_url
):
    tab.goto(f"{site_url}/definition/premium/")
    tab.wait_for_function(
        "names => names.every(n => performance.getEntriesByType('resource')"
        ".some(e => e.name.endsWith(n)))",
        arg=["/search/manifest.json", "/assets/minisearch.min.js"],
        timeout=5_000,
    )
    loaded = tab.evaluate(LOADED_PARTS)
    started = dict(loaded["parts"])
    assert sorted(started) == ["manifest.json", "minisearch.min.js"]
    # the manifest is fetched while the page loads (a fetch never delays the load event),
    # the engine, a script, only after the load event: the page never waits for them
    assert started["manifest.json"] < loaded["load"] <= started["minisearch.min.js"]
    assert tab.locator(BOX).evaluate("box => box !== document.activeElement")
    # a query then asks only for its shards and documents, not for the manifest again
    assert search(tab, "premium")[0] == "Premium"
    names = [name for name, _ in tab.evaluate(LOADED_PARTS)["parts"]]
    assert names.count("manifest.json") == 1 and names.count("minisearch.min.js") == 1
    assert "t/pr.json" in names
    assert tab.errors == []


def test_a_query_typed_right_after_load_shows_results_and_loads_each_part_once(tab, site_url):
    fetched: list[str] = []
    tab.on("request", lambda request: fetched.append(request.url))
    tab.goto(f"{site_url}/", wait_until="load")
    tab.fill(BOX, "maintenence margn")  # races the warm-up
    assert result_titles(tab)[0] == "Maintenance Margin"
    assert sum(u.endswith("/search/manifest.json") for u in fetched) == 1
    assert sum(u.endswith("/minisearch.min.js") for u in fetched) == 1
    assert tab.errors == []


def test_the_documents_of_title_matches_are_asked_for_before_the_word_shards_are_in(tab, site_url):
    held: list[object] = []  # the word shards' requests, answered only once a document is asked
    tab.route("**/search/w/*.json", lambda route: held.append(route))
    tab.goto(f"{site_url}/")
    tab.evaluate(IDLE_AFTER_LOAD)
    # "premium": one title match, fewer than the first results, and summary and body
    # matches: the title's document does not wait for the word shards
    with tab.expect_request("**/search/d/*.json", timeout=5_000):
        tab.fill(BOX, "premium")
    assert [route.request.url.rsplit("/", 1)[1] for route in held] == ["pre.json"]
    assert tab.locator("[role=option]").count() == 0  # no results before the word shards
    for route in held:
        route.continue_()
    assert result_titles(tab)[0] == "Premium"
    assert tab.errors == []


def test_title_matches_show_as_links_before_their_documents_and_meanings_fill_in(tab, site_url):
    """A title match's row (title, kind, link) comes from its title shard: it shows while
    every document file is held back, and its meaning line fills in when they come."""
    held: list[object] = []
    released: list[bool] = []
    tab.route(
        "**/search/d/*.json",
        lambda route: route.continue_() if released else held.append(route),
    )
    tab.goto(f"{site_url}/")
    tab.evaluate(IDLE_AFTER_LOAD)
    tab.fill(BOX, "margin")
    tab.wait_for_function("document.querySelector('.search-status').textContent.includes('margin')")
    assert held  # the documents were asked for, none answered
    options = tab.locator("[role=option]")
    titles = options.locator(".search-title").all_inner_texts()
    assert titles[0] == "Margin"
    assert {"Maintenance Margin", "Initial Margin"} <= set(titles)
    first = options.first
    assert first.locator("a.search-title").get_attribute("href") == "/area/margin/"
    assert first.locator(".kind").inner_text() == "Area"
    assert first.locator(".search-title mark").all_inner_texts() == ["Margin"]
    initial = options.filter(has_text="Initial Margin").first
    assert initial.locator("a").get_attribute("href") == "/definition/initial-margin/"
    assert initial.locator(".kind").inner_text() == "Definition"
    assert first.locator(".meaning").inner_text().strip() == "Meaning"  # its label alone
    assert tab.get_attribute("[role=listbox]", "aria-busy") == "true"
    height = first.evaluate("o => o.getBoundingClientRect().height")
    tab.press(BOX, "ArrowDown")  # the combobox works on the rows shown
    assert tab.locator(BOX).get_attribute("aria-activedescendant") == first.get_attribute("id")
    shown = len(titles)
    released.append(True)
    for route in held:
        route.continue_()
    tab.wait_for_selector("[role=listbox][aria-busy=false]")
    assert first.locator(".meaning").inner_text().startswith("Meaning ⎊ ")
    assert len(first.locator(".meaning").inner_text()) > len("Meaning ⎊ ")
    assert first.locator(".meaning[aria-busy=false]").count() == 1
    assert first.evaluate("o => o.getBoundingClientRect().height") == height  # no jump
    assert options.count() >= shown  # summary and body matches follow below
    assert options.locator(".search-title").all_inner_texts()[:shown] == titles
    assert first.get_attribute("aria-selected") == "true"
    tab.press(BOX, "Enter")
    tab.wait_for_url("**/area/margin/")
    assert tab.errors == []


def test_with_save_data_the_index_waits_until_the_box_is_reached_for(tab, site_url):
    tab.add_init_script("Object.defineProperty(navigator, 'connection', {value: {saveData: true}})")
    asked: list[str] = []  # requests as they start (Resource Timing lists them as they end)
    tab.on("request", lambda request: asked.append(request.url))
    tab.goto(f"{site_url}/definition/premium/")
    tab.evaluate(IDLE_AFTER_LOAD)
    assert not any("/search/" in u or "minisearch" in u for u in asked)
    with tab.expect_request("**/search/manifest.json", timeout=5_000):
        tab.hover(BOX)  # a pointer over the form, before any focus or key
    assert tab.locator(BOX).evaluate("box => box !== document.activeElement")
    assert tab.errors == []


def test_the_first_results_show_before_the_others_which_follow_in_rank_order(tab, corpus):
    url, out = corpus
    shards = [json.loads(f.read_text("utf-8")) for f in (out / "search/w").glob("*.json")]
    # a word in the summary or body of more pages than the list holds (MAX = 20)
    word = min(w for shard in shards for w, postings in shard.items() if len(postings) > 60)
    tab.add_init_script(
        """document.addEventListener("search-results", () => {
            window.firstShown = Array.from(document.querySelectorAll("[role=option]"),
                                           o => [o.id, o.textContent]);
            window.busy = document.querySelector("[role=listbox]").getAttribute("aria-busy");
        });"""
    )
    fetched: list[str] = []
    tab.on("request", lambda request: fetched.append(request.url))
    tab.goto(f"{url}/?s={word}")
    first = [tuple(o) for o in tab.wait_for_function("window.firstShown").json_value()]
    assert len(first) == 6 and tab.evaluate("window.busy") == "true"
    tab.wait_for_selector("[role=listbox][aria-busy=false]")
    options = tab.locator("[role=option]")
    shown = options.evaluate_all("os => os.map(o => [o.id, o.textContent])")
    assert len(shown) == 20 and [tuple(o) for o in shown[:6]] == first
    listbox = tab.get_attribute("[role=listbox]", "id")
    assert [o[0] for o in shown] == [f"{listbox}-{n}" for n in range(20)]
    assert tab.inner_text(".search-status") == f"20 results for \u201c{word}\u201d"
    assert sum("/search/d/" in u for u in fetched) <= 20
    tab.press(BOX, "ArrowUp")  # wraps to the last: the appended options take part
    assert tab.locator(BOX).get_attribute("aria-activedescendant") == shown[-1][0]
    assert tab.errors == []


def test_split_title_shards_still_find_exact_prefix_and_misspelt_titles(tab, corpus):
    url, out = corpus
    docs = {}
    for bucket in (out / "search/d").glob("*.json"):
        docs.update(json.loads(bucket.read_text("utf-8")))
    keys = set(json.loads((out / "search/manifest.json").read_text("utf-8"))["titles"])
    titles = sorted(
        d["t"]
        for d in docs.values()
        if len(d["t"].split()) == 2 and not {w.lower()[:2] for w in d["t"].split()} & keys
    )
    assert len(titles) >= 3  # both words in split groups
    tab.goto(url + "/")
    for title in titles[:3]:
        first, second = title.split()
        assert search(tab, title)[0] == title
        assert title in search(tab, f"{first} {second[:4]}")
        if len(second) > 4:  # a letter dropped past the third: one edit
            assert title in search(tab, f"{first} {second[:3]}{second[4:]}")
    fetched: list[str] = []
    tab.on("request", lambda request: fetched.append(request.url))
    tab.goto(url + "/")
    search(tab, titles[0])
    loaded = [u.rsplit("/", 1)[1] for u in fetched if "/search/t/" in u]
    manifest = json.loads((out / "search/manifest.json").read_text("utf-8"))
    sizes = dict(zip(manifest["titles"], manifest["title_sizes"], strict=True))
    smallest = min((w.lower()[:3] for w in titles[0].split()), key=sizes.__getitem__)
    assert loaded == [f"{smallest}.json"]  # only the smallest of the words' title shards
    assert tab.errors == []


# a title shard of 249 records; search.js ranks a query's exact and prefix matches there
# itself when they fill the list (MiniSearch indexes the shard only when typos can show)
ADJECTIVES = ["Blue", "Green", "Red", "Gold", "Iron", "Oak", "Pine", "Sand", "Salt", "Snow"]
ADJECTIVES += ["Stone", "Sun", "Tin", "Wave", "Wind", "Wolf", "Yew", "Zinc", "Ash", "Birch"]
ADJECTIVES += ["Clay", "Dawn", "Elm", "Fern"]
NOUNS = ["Ledger", "Swap", "Pool", "Vault", "Bond", "Lock", "Gate", "Path", "Line", "Desk"]
LARGE_SHARD_TITLES = [
    "Margin",
    "Margin Call",
    "Margin Callback Rule",
    "Marginal Cost",
    "Margins and Margin Calls",
    "Margins of Margin Debt",
    "Margin Marginalia",
    "Mark Price",
    "Marin Margin Desk",  # "marin": a typo of "margin" that MiniSearch scores too
    *(
        # 240 titles holding "margin", of 2, 3 and 4 words
        f"{adj} Margin"
        if n == 0
        else f"{adj} Margin {noun}"
        if n < 5
        else f"{adj} {noun} Margin Rule"
        for adj in ADJECTIVES
        for n, noun in enumerate(NOUNS)
    ),
]


@pytest.fixture(scope="module")
def large_shard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    root = tmp_path_factory.mktemp("browser") / "large"
    files = {
        f"content/definition/{title.lower().replace(' ', '-')}.md": page(
            title, summary=f"What {title.lower()} means."
        )
        for title in LARGE_SHARD_TITLES
    }
    write_site(root, files)
    build_in(root)
    assert len(json.loads((root / "build/search/t/ma.json").read_text("utf-8"))) > 200
    for url in serve(root / "build"):
        yield url, root / "build"


def search_all(tab: object, query: str) -> list[str]:
    """search(), then every result: the ones past the first 6 are appended later."""
    search(tab, query)
    tab.wait_for_selector("[role=listbox][aria-busy=false]")
    return tab.locator("[role=option] .search-title").all_inner_texts()


def shown_tiers(tab: object) -> list[int]:
    return [
        int(t)
        for t in tab.locator("[role=option]").evaluate_all("os => os.map(o => o.dataset.tier)")
    ]


def test_a_large_title_shard_ranks_exact_then_prefix_then_typo(tab, large_shard):
    url, _ = large_shard
    tab.goto(url + "/")
    # first: search() waits for the status to name the query, and the later ones name "marg"
    found = search_all(tab, "marg")
    assert all(any(w.startswith("marg") for w in t.lower().split()) for t in found[:6])
    assert set(shown_tiers(tab)) == {1}
    found = search_all(tab, "margin")
    assert found[0] == "Margin" and len(found) == 20
    assert shown_tiers(tab) == [0] * 20  # more exact titles than the list holds
    assert all("margin" in t.lower().split() for t in found)
    found = search_all(tab, "margin call")
    assert found[0] == "Margin Call"
    assert set(found[1:]) == {"Margin Callback Rule", "Margins and Margin Calls"}
    assert shown_tiers(tab) == [0, 1, 1]
    # the same shard's index, built for the first query, serves the next ones
    found = search_all(tab, "marginal")
    assert found[0] == "Marginal Cost" and "Margin Marginalia" in found
    assert search_all(tab, "margn call")[0] == "Margin Call"  # a typo: tier 2
    assert shown_tiers(tab)[0] == 2
    assert tab.errors == []


# logs, in order, the document files search.js asks for and MiniSearch's indexing and search
LOG_DOCUMENTS_AND_ENGINE = """
    window.events = [];
    const fetch = window.fetch;
    window.fetch = function (url, options) {
        const path = new URL(url, location).pathname;
        if (path.includes("/search/d/")) { window.events.push(path); }
        return fetch.call(this, url, options);
    };
    let engine;
    Object.defineProperty(window, "MiniSearch", {
        configurable: true,
        get() { return engine; },
        set(value) {
            for (const name of ["addAll", "search"]) {
                const method = value.prototype[name];
                value.prototype[name] = function (...args) {
                    window.events.push(name);
                    return method.apply(this, args);
                };
            }
            engine = value;
        },
    });
"""

# MiniSearch's own ranking of a title shard for a query, as search.js asked for it before
# it ranked exact and prefix matches itself: ids by tier, title equal to the query, score
MINISEARCH_RANKING = """async ([shard, query]) => {
    const fold = t => t.toLowerCase().normalize("NFKD").replace(/\\p{M}/gu, "");
    const split = t => fold(t).match(/[\\p{L}\\p{N}]+/gu) || [];
    const records = await (await fetch("/search/t/" + shard + ".json")).json();
    const mini = new MiniSearch({fields: ["t", "a"], idField: "id", tokenize: split,
                                 processTerm: t => t});
    mini.addAll(records.map(r => ({id: r[0], t: r[1], a: (r[4] || []).join(" ")})));
    const terms = Array.from(new Set(split(query)));
    const names = new Map(records.map(r => [r[0], [r[1], ...(r[4] || [])]
        .map(n => split(n).join(" "))]));
    const tier = hit => Math.max(...terms.map(t => hit.terms.includes(t) ? 0
        : hit.terms.some(w => w.startsWith(t)) ? 1 : 2));
    return mini.search(terms.join(" "), {boost: {t: 2}, prefix: true, combineWith: "AND",
                                         fuzzy: t => t.length > 3 ? 0.2 : false})
        .map(h => [tier(h), names.get(h.id).includes(terms.join(" ")) ? 0 : 1, -h.score, h.id])
        .sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2] || a[3] - b[3])
        .map(h => h[3]);
}"""


def test_exact_and_prefix_matches_that_fill_the_list_are_ranked_as_minisearch_ranks(
    tab, large_shard
):
    url, out = large_shard
    titles = {}
    for bucket in (out / "search/d").glob("*.json"):
        titles.update(
            {int(n): doc["t"] for n, doc in json.loads(bucket.read_text("utf-8")).items()}
        )
    tab.add_init_script(LOG_DOCUMENTS_AND_ENGINE)
    for query, shard in [("margin", "ma"), ("marg", "ma"), ("margin swap", "sw")]:
        tab.goto(url + "/")
        search(tab, query)
        # all 20: the first 6 show first, the others once their documents are in
        tab.wait_for_selector("[role=listbox][aria-busy=false]")
        shown = result_titles(tab)
        assert "addAll" not in tab.evaluate("window.events"), query  # no index built
        expected = tab.evaluate(MINISEARCH_RANKING, [shard, query])
        assert len(expected) > 20 and shown == [titles[n] for n in expected[:20]], query
    tab.goto(url + "/")  # a fresh status: the last one names "margin" too
    assert "Marin Margin Desk" in search_all(tab, "margin")  # its typo counted, as MiniSearch does
    assert tab.errors == []


def test_when_typos_can_show_minisearch_ranks_and_the_first_documents_load_meanwhile(
    tab, large_shard
):
    url, out = large_shard
    ids = {}
    for bucket in (out / "search/d").glob("*.json"):
        ids.update({doc["t"]: int(n) for n, doc in json.loads(bucket.read_text("utf-8")).items()})
    bits = json.loads((out / "search/manifest.json").read_text("utf-8"))["bucket_bits"]
    tab.add_init_script(LOG_DOCUMENTS_AND_ENGINE)
    # "blue": 10 titles, too few to fill the list without typos, enough for the first 6
    tab.goto(url + "/")
    first = search(tab, "blue")[:6]
    tab.wait_for_selector("[role=listbox][aria-busy=false]")
    events = tab.evaluate("window.events")
    needed = {f"/search/d/{ids[t] >> bits}.json" for t in first}
    # asked for before MiniSearch indexed the shard, and they were the ones shown first
    assert set(events[: events.index("addAll")]) == needed
    documents = [e for e in events if e.startswith("/search/d/")]
    assert len(documents) == len(set(documents))  # none twice
    # "margins": two exact titles, then typos: MiniSearch finds and ranks them
    tab.goto(url + "/")
    found = search(tab, "margins")
    assert set(found[:2]) == {"Margins and Margin Calls", "Margins of Margin Debt"}
    assert shown_tiers(tab)[:3] == [0, 0, 2] and "addAll" in tab.evaluate("window.events")
    assert tab.errors == []


def test_a_search_without_matches_says_so(tab, site_url):
    tab.goto(f"{site_url}/?s=zzzzqqq")
    tab.wait_for_selector(".search-status:not(:empty)")
    assert "No matches" in tab.inner_text(".search-status")
    assert tab.locator("[role=option]").count() == 0


def test_titles_are_shown_as_text_never_as_markup(tab, site_url):
    tab.goto(f"{site_url}/?s=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E")
    tab.wait_for_selector(".search-status:not(:empty)")
    assert tab.locator("main img, .search-results img").count() == 0
    assert tab.errors == []


def test_without_javascript_the_form_leads_to_the_indexes(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(f"{site_url}/definition/premium/")
    tab.fill("#header-search", "premium")
    tab.press("#header-search", "Enter")
    tab.wait_for_url("**/?s=premium#browse")
    hrefs = tab.locator("#browse a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert hrefs == ["/area/", "/term/", "/definition/"]
    context.close()

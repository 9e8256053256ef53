"""The search index, in parts a browser loads as a query needs them. Pure.

One search over 10,000 entries must not download the whole site's text, so the index
is split into small static files under `search/` (the theme's search.js reads them):

- `search/manifest.json`: which shards exist, the id space, the separator, the site's
  base path and the kinds (path and label by code).
- `search/t/<2 letters>.json`: title shards. Every page with a title or alias word
  starting with those two letters: `[id, title, kind code, slug, aliases]` (the slug
  URL-encoded; no aliases, no fifth item): what a result row needs but its meaning, so
  title matches show as soon as their shard is in. A query loads the title shards
  of its words' first two letters and ranks them with MiniSearch (exact, prefix, typo).
  A shard of more than TITLE_SPLIT pages is split by three letters instead (`t/dec.json`).
  A query of several words loads only the smallest of its words' title shards (the
  manifest holds their sizes): every title holding all the words is in each of them.
- `search/w/<3 letters>.json`: word shards. For each word starting with those letters,
  the pages that contain it with where (1 title or alias, 2 summary, 4 body), as a flat
  `[id, where, id, where, ...]`. Body-only matches of a word are capped (BODY_POSTINGS,
  lowest ids first): they rank last, and a word in every body says little.
- `search/d/<n>.json`: the documents, 32 id slots a file: what a result shows (title,
  URL, kind, meaning line) for the few ids a query displays; a title match's row is
  shown before its document is in, and its meaning line filled in when it is.

Ids are stable: a page's id is its own hash in an id space twice the page count (a
power of two), collisions probing upward in page-id order. Adding or editing one page
so changes only the shards of its words and its document file; each shard is its own
output with its own key, so a one-change build rewrites only the parts that change.
"""

from __future__ import annotations

import dataclasses
import hashlib
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from glossary_site import urls
from glossary_site.markdown import first_sentence, words
from glossary_site.resolve import SiteGraph

SEARCH_DIR = "search/"
MANIFEST = urls.SEARCH_MANIFEST
TITLE_KEY = 2  # letters naming a title shard
TITLE_SPLIT = 1000  # past this many records, a title shard splits by a third letter
WORD_KEY = 3  # letters naming a word shard
BUCKET_BITS = 5  # 32 id slots per document file
BODY_POSTINGS = 100  # body-only pages kept per word
SUMMARY_POSTINGS = 2000  # title or summary pages kept per word
KIND_CODES = {urls.AREA: 0, urls.TERM: 1, urls.DEFINITION: 2}
MANIFEST_VERSION = 2  # 2: title records carry kind and slug

_MEMO: dict[str, Any] = {}


@dataclass(frozen=True, slots=True)
class SearchIndex:
    """Every part of the search index, by output path."""

    manifest: dict[str, Any]
    titles: dict[str, list[list[Any]]]
    words: dict[str, dict[str, list[int]]]
    docs: dict[int, dict[str, dict[str, Any]]]


def shard_name(word: str, length: int) -> str:
    """File name of the shard holding `word`: its first letters, hex-escaped unless a-z0-9."""
    key = word[:length]
    return key if key.isascii() and key.isalnum() else "_" + key.encode().hex()


def stable_ids(page_ids: list[str]) -> tuple[dict[str, int], int]:
    """Each page's id in a power-of-two id space at least twice the page count."""
    size = 64
    while size < 2 * len(page_ids):
        size *= 2
    taken: set[int] = set()
    found = {}
    for page_id in sorted(page_ids):
        slot = int.from_bytes(hashlib.blake2b(page_id.encode(), digest_size=8).digest()) % size
        while slot in taken:
            slot = (slot + 1) % size
        taken.add(slot)
        found[page_id] = slot
    return found, size


def search_index(graph: SiteGraph) -> SearchIndex:
    """The index of the graph, computed once per graph (before render workers fork).

    A process that builds again (`glossary serve`) updates the last index for the pages
    whose words changed instead of making it anew: the same value, a fraction of the time.
    """
    memo = _MEMO.get("index")
    if memo is None or memo[0] is not graph:
        last = _MEMO.get("state")
        made = made_from(graph)
        state = None
        if last is not None and last.can_update(made, graph.config):
            state = last.updated(_records(graph, last.changed_since(made)), made)
        if state is None:
            state = _State.build(_records(graph, made), graph.config, made)
        _MEMO["state"] = state
        memo = _MEMO["index"] = (graph, state.index)
    return memo[1]


def made_from(graph: SiteGraph) -> dict[str, tuple[Any, Any]]:
    """What each page's record is made of besides the settings: the page and its body's
    words (an area: its sections). A process that builds again gets the very same objects
    for the pages whose files did not change, so records are made for the others alone."""
    made: dict[str, tuple[Any, Any]] = {a.id: (a, graph.area_sections[a.id]) for a in graph.areas}
    made.update((e.id, (e, graph.bodies[e.id])) for e in graph.entries)
    return made


def _records(graph: SiteGraph, ids: Iterable[str]) -> list[tuple[str, dict[str, Any], str]]:
    """(page id, document, body words) of these areas and entries."""
    config = graph.config
    sep = config.title_separator
    found = []
    for page_id in ids:
        page = graph.pages[page_id]
        if page.kind == urls.AREA:
            sections = graph.area_sections[page_id]
            teaser = f"{page.facets[0].name}{sep}{first_sentence(sections[1].text)}"
            body = " ".join(part.words for part in sections)
            found.append((page_id, _doc(config, page, teaser), body))
        else:
            found.append((page_id, _doc(config, page, page.summary), graph.bodies[page_id].words))
    return found


def _doc(config: Any, page: Any, summary: str) -> dict[str, Any]:
    return {
        "id": page.id,
        "t": page.title,
        "u": urls.href(config.base_path, urls.page_path(page.kind, page.slug)),
        "k": urls.LABELS[page.kind],
        "s": summary,
        "a": list(page.aliases),
    }


@dataclass(frozen=True, slots=True)
class _Page:
    """One page's part in the index."""

    n: int
    doc: dict[str, Any]
    body: str  # its body's words, as the body keeps them
    title_words: tuple[str, ...]
    summary_words: tuple[str, ...]
    body_words: frozenset[str]
    keys: frozenset[str]  # its title shards' two-letter keys

    def title_record(self) -> list[Any]:
        """`[id, title, kind code, slug, aliases]`: a result row but its meaning (the URL
        is the manifest's base, the kind's path and the slug; the meaning is 2-3 times the
        rest and would put a 50,000-entry site's largest shard over its byte budget)."""
        doc = self.doc
        kind, slug = doc["id"].split("/", 1)
        record = [self.n, doc["t"], KIND_CODES[kind], urls.encode(slug)]
        return [*record, doc["a"]] if doc["a"] else record


def _page(n: int, doc: dict[str, Any], body: str) -> _Page:
    title_words = tuple(words(" ".join([doc["t"], *doc["a"]])))
    keys = frozenset(shard_name(w, TITLE_KEY) for w in title_words)
    summary = tuple(words(doc["s"]))
    return _Page(n, doc, body, title_words, summary, frozenset(map(sys.intern, body.split())), keys)


@dataclass(frozen=True, slots=True)
class _State:
    """The index with what it was made of, so the next graph's index can be an update."""

    config: Any  # the settings the documents were made with
    made: dict[str, tuple[Any, Any]]  # made_from() of the graph the records came from
    size: int
    pages: dict[str, _Page]
    strong: dict[str, dict[int, int]]  # word -> id -> where (1 title, 2 summary)
    groups: dict[str, list[list[Any]]]  # title records by two letters, before any split
    index: SearchIndex

    @classmethod
    def build(
        cls,
        records: list[tuple[str, dict[str, Any], str]],
        config: Any,
        made: dict[str, tuple[Any, Any]],
    ) -> _State:
        ids, size = stable_ids([page_id for page_id, _, _ in records])
        pages = {page_id: _page(ids[page_id], doc, body) for page_id, doc, body in records}
        titles: dict[str, list[list[Any]]] = {}
        strong: dict[str, dict[int, int]] = {}
        docs: dict[int, dict[str, dict[str, Any]]] = {}
        for page in pages.values():
            docs.setdefault(page.n >> BUCKET_BITS, {})[str(page.n)] = page.doc
            for key in page.keys:
                titles.setdefault(key, []).append(page.title_record())
            _add_strong(strong, page)
        for key in titles:
            titles[key].sort(key=lambda record: record[0])
        groups, titles = titles, _split_titles(titles)
        docs = {bucket: _by_id(found) for bucket, found in docs.items()}
        weak = _weak(pages.values(), strong)
        shards: dict[str, dict[str, list[int]]] = {}
        for word in sorted(strong.keys() | weak.keys()):
            postings = _kept(strong.get(word, {}), weak.get(word, []))
            shards.setdefault(shard_name(word, WORD_KEY), {})[word] = postings
        manifest = _manifest(size, config, titles, shards)
        index = SearchIndex(manifest, titles, shards, docs)
        return cls(config, made, size, pages, strong, groups, index)

    def can_update(self, made: dict[str, tuple[Any, Any]], config: Any) -> bool:
        """Whether the same pages are indexed with the same settings (ids stay put)."""
        return (
            config == self.config
            and len(made) == len(self.pages)
            and all(page_id in self.pages for page_id in made)
        )

    def changed_since(self, made: dict[str, tuple[Any, Any]]) -> list[str]:
        """The pages not made of the very objects the last records were made of."""
        last = self.made
        return [
            page_id
            for page_id, sources in made.items()
            if not all(a is b for a, b in zip(sources, last[page_id], strict=True))
        ]

    def updated(
        self,
        records: list[tuple[str, dict[str, Any], str]],
        made: dict[str, tuple[Any, Any]] | None = None,
    ) -> _State:
        """The state for the same pages with some documents or bodies changed (those in
        `records`; `made`: what the pages are now made of, when that changed)."""
        changed = [
            (self.pages[page_id], _page(self.pages[page_id].n, doc, body))
            for page_id, doc, body in records
            if self.pages[page_id].doc != doc or self.pages[page_id].body != body
        ]
        made = self.made if made is None else made
        if not changed:
            return self if made is self.made else dataclasses.replace(self, made=made)
        pages = dict(self.pages)
        strong = dict(self.strong)
        old_index = self.index
        titles, shards, docs = dict(old_index.titles), dict(old_index.words), dict(old_index.docs)
        groups = dict(self.groups)
        touched_titles: set[str] = set()
        touched_words: set[str] = set()
        for old, new in changed:
            pages[new.doc["id"]] = new
            bucket = new.n >> BUCKET_BITS
            docs[bucket] = _by_id({**docs[bucket], str(new.n): new.doc})
            if old.title_record() != new.title_record():
                # a title shard holds no summary: an edit of the summary or body leaves it
                touched_titles.update(old.keys, new.keys)
            strong_words = {*old.title_words, *old.summary_words}
            strong_words |= {*new.title_words, *new.summary_words}
            if (old.title_words, old.summary_words) == (new.title_words, new.summary_words):
                strong_words = set()  # an edit of the body alone: its strong words stay
            for word in strong_words:
                found = {n: w for n, w in strong.get(word, {}).items() if n != old.n}
                where = (1 if word in new.title_words else 0) | (
                    2 if word in new.summary_words else 0
                )
                if where:
                    found[new.n] = where
                if found:
                    strong[word] = found
                else:
                    strong.pop(word, None)
            touched_words |= strong_words | (old.body_words ^ new.body_words)
        edited = {new.n for _, new in changed}
        for key in touched_titles:
            # a group's shards (one, or its split) are replaced as a whole
            for name in _split_titles({key: groups.get(key, [])}):
                titles.pop(name, None)
            kept = [r for r in groups.get(key, []) if r[0] not in edited]
            now = [new.title_record() for _, new in changed if key in new.keys]
            found_titles = sorted(kept + now, key=lambda r: r[0])
            if found_titles:
                groups[key] = found_titles
                titles.update(_split_titles({key: found_titles}))
            else:
                groups.pop(key, None)
        titles = dict(sorted(titles.items()))
        holding = _holding(pages.values(), touched_words)
        for word in touched_words:
            key = shard_name(word, WORD_KEY)
            shard = dict(shards.get(key, {}))
            body_ids = sorted(holding[word])
            limit = BODY_POSTINGS + len(strong.get(word, ()))
            postings = _kept(strong.get(word, {}), body_ids[:limit])
            if postings:
                shard[word] = postings
            else:
                shard.pop(word, None)
            if shard:
                shards[key] = dict(sorted(shard.items()))
            else:
                shards.pop(key, None)
        manifest = _manifest(self.size, self.config, titles, shards)
        index = SearchIndex(manifest, titles, shards, docs)
        return _State(self.config, made, self.size, pages, strong, groups, index)


def _holding(pages: Iterable[_Page], found: set[str]) -> dict[str, list[int]]:
    """The ids of the pages whose bodies hold each of these words, in one pass over the
    pages (a set intersection each) rather than one pass per word."""
    holding: dict[str, list[int]] = {word: [] for word in found}
    for page in pages:
        for word in found.intersection(page.body_words):
            holding[word].append(page.n)
    return holding


def _by_id(docs: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """A document file's records in id order: the same whatever order pages came in."""
    return dict(sorted(docs.items(), key=lambda item: int(item[0])))


def _add_strong(strong: dict[str, dict[int, int]], page: _Page) -> None:
    for where, found in ((1, page.title_words), (2, page.summary_words)):
        for word in found:
            pages = strong.setdefault(word, {})
            pages[page.n] = pages.get(page.n, 0) | where


def _weak(pages: Any, strong: dict[str, dict[int, int]]) -> dict[str, list[int]]:
    """Each word's body-only candidates: the first pages by id whose body holds it.

    Body-only postings keep the first pages by id: an order no edit of another page
    moves, so an edit changes only the shards of the words it adds or removes; a word
    whose list is full is left out by a set difference, so common words cost nothing
    past their first few hundred pages."""
    weak: dict[str, list[int]] = {}
    full: set[str] = set()
    for page in sorted(pages, key=lambda p: p.n):
        for word in page.body_words - full:
            found = weak.get(word)
            if found is None:
                found = weak[word] = []
            found.append(page.n)
            if len(found) >= BODY_POSTINGS + len(strong.get(word, ())):
                full.add(word)
    return weak


def _manifest(
    size: int,
    config: Any,
    titles: dict[str, list[list[Any]]],
    shards: dict[str, dict[str, list[int]]],
) -> dict[str, Any]:
    return {
        "version": MANIFEST_VERSION,
        "size": size,
        "bucket_bits": BUCKET_BITS,
        "title_key": TITLE_KEY,
        "word_key": WORD_KEY,
        "separator": config.title_separator,
        # a title record's URL: base + the kind's path + "/" + its slug + "/"
        "base": config.base_path,
        "kinds": [[kind, urls.LABELS[kind]] for kind in sorted(KIND_CODES, key=KIND_CODES.get)],
        "titles": sorted(titles),
        # records per title shard: a query of several words loads only its smallest
        "title_sizes": [len(titles[key]) for key in sorted(titles)],
        "words": sorted(shards),
    }


def _split_titles(titles: dict[str, list[list[Any]]]) -> dict[str, list[list[Any]]]:
    """Title shards, those of more than TITLE_SPLIT records split by their words' first
    three letters (`de` into `dea`, `dec`, ...): at 50,000 entries a two-letter shard
    would weigh 120 KB gzipped. search.js asks for the two-letter shard when the manifest
    lists it, else for the three-letter one; a query word of two letters in a split group
    gets `<ab>_`, the pages whose title has that very word (it finds no longer title words
    by prefix: those start at its third letter)."""
    found: dict[str, list[list[Any]]] = {}
    for key, records in titles.items():
        if len(records) <= TITLE_SPLIT:
            found[key] = records
            continue
        for record in records:
            title_words = words(" ".join([record[1], *(record[4] if len(record) > 4 else ())]))
            names = (_split_name(w) for w in title_words if shard_name(w, TITLE_KEY) == key)
            for name in dict.fromkeys(names):
                found.setdefault(name, []).append(record)
    return found


def _split_name(word: str) -> str:
    """A word's shard in a split group: its first three letters, or `<ab>_` for the word
    of two letters itself (no other shard name ends with `_`)."""
    if len(word) > TITLE_KEY:
        return shard_name(word, TITLE_KEY + 1)
    return shard_name(word, TITLE_KEY) + "_"


def _kept(strong: dict[int, int], weak: list[int]) -> list[int]:
    """A word's postings as id, where: title and summary pages first (capped), then
    body-only pages by id (capped)."""
    flat: list[int] = []
    for n in sorted(strong)[:SUMMARY_POSTINGS]:
        flat += [n, strong[n]]
    kept = 0
    for n in weak:
        if kept == BODY_POSTINGS:
            break
        if n not in strong:
            flat += [n, 4]
            kept += 1
    return flat


def title_path(key: str) -> str:
    """Output path of a title shard."""
    return f"{SEARCH_DIR}t/{key}.json"


def word_path(key: str) -> str:
    """Output path of a word shard."""
    return f"{SEARCH_DIR}w/{key}.json"


def docs_path(bucket: int) -> str:
    """Output path of a document file."""
    return f"{SEARCH_DIR}d/{bucket}.json"


def search_jobs(graph: SiteGraph) -> list[tuple[str, str, int]]:
    """(kind, key, number) of every part of the index."""
    index = search_index(graph)
    jobs = [("search", "", 0)]
    jobs += [("search_titles", key, 0) for key in index.manifest["titles"]]
    jobs += [("search_words", key, 0) for key in index.manifest["words"]]
    jobs += [("search_docs", "", bucket) for bucket in sorted(index.docs)]
    return jobs


def edited_search_jobs(
    graph: SiteGraph, before: SiteGraph, ids: Iterable[str]
) -> tuple[list[tuple[str, str, int]], list[tuple[str, str, int]]]:
    """Every part of the index of `graph`, and those that may differ from the parts of
    `before`'s index: `graph` is `before` with these entries' documents or bodies changed,
    so the index of `before` (this process has it) is updated for them alone."""
    old = search_index(before)
    last = _MEMO.get("state")
    if last is not None and last.index is old:
        pages, bodies, config = graph.pages, graph.bodies, graph.config
        records = [(i, _doc(config, pages[i], pages[i].summary), bodies[i].words) for i in ids]
        state = last.updated(records)
        _MEMO["state"] = state
        _MEMO["index"] = (graph, state.index)
    new = search_index(graph)
    jobs = search_jobs(graph)
    changed = [job for job in jobs if _part_of(new, *job) is not _part_of(old, *job)]
    return jobs, changed


def _part_of(index: SearchIndex, kind: str, key: str, number: int) -> Any:
    match kind:
        case "search_titles":
            return index.titles.get(key)
        case "search_words":
            return index.words.get(key)
        case "search_docs":
            return index.docs.get(number)
    return index.manifest


def part_path(kind: str, key: str, number: int) -> str:
    """The output path of one part of the index."""
    match kind:
        case "search_titles":
            return title_path(key)
        case "search_words":
            return word_path(key)
        case "search_docs":
            return docs_path(number)
    return MANIFEST


def part(graph: SiteGraph, kind: str, key: str, number: int) -> Any:
    """The JSON value of one part of the index."""
    index = search_index(graph)
    match kind:
        case "search_titles":
            return index.titles[key]
        case "search_words":
            return index.words[key]
        case "search_docs":
            return index.docs[number]
    return index.manifest

"""Bodies: Markdown to HTML with links, rendered only when what they read changed.

A body's HTML is a function of its own file and of the site's names: every title, alias,
slug and id it could mention or refer to. Keying each body on all of the site's names
(as this module once did) re-rendered all 10,000 bodies when one title changed. Instead a
body is kept under a key of its own file and settings, with the digest of the names it was
rendered under; when the names change, it is reused if none of the names that changed
could touch it:

- its text (raw, and with entities and backslash escapes undone, lower case, spaces
  collapsed) contains none of the changed names, slugs or ids as a substring: a superset
  of every mention the auto-linker and the reference resolver could match;
- none of the pages it links to changed title (a wiki link's label is its target's title);
- it had no problems (a broken reference's "did you mean" reads every name).

Which names changed is known by comparing each name's owners (the pages that carry it,
with what decides how it links) with those of the last build, kept in the graph cache.
A body rendered under older names than the last build's is rendered again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import html
from collections import defaultdict
from collections.abc import Callable, Iterable, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

import ahocorasick
import lz4.block

from glossary_site import urls
from glossary_site.errors import Problem
from glossary_site.load import LoadedSite
from glossary_site.markdown import (
    LinkTable,
    Options,
    RenderedBody,
    name_key,
    name_target,
)
from glossary_site.markdown import body as markdown
from glossary_site.model import Area, Entry, Page, SiteConfig
from glossary_site.resolve.files import SiteFiles, seen_unchanged, site_files
from glossary_site.resolve.recommend import Mapper
from glossary_site.resolve.references import RefIndex

RECORD_FIELDS = 8  # RenderedBody.record's length
KIND_RANK = {urls.TERM: 0, urls.DEFINITION: 1, urls.AREA: 2}
VALID = "bodies_valid"  # the graph cache's entry: {body key: names digest}, see render_bodies
TOKENS = "name_tokens"  # the graph cache's entry: {"names": digest, "tokens": {name: digest}}
_PAGE = "\0"  # prefix of the token that stands for a page's title where it is linked

# A process that builds again (glossary serve) keeps, for the last names digest, the
# automaton of names (1.5 s to build at 10,000 entries), and for each body record it has
# checked, the record and its parts: the next build reuses them while the memo holds that
# very record. Pure functions of their keys, so never a different output.
_AUTOMATA: dict[str, Any] = {}
_CHECKED: dict[str, tuple[Any, list[RenderedBody]]] = {}


@dataclass(frozen=True, slots=True)
class RenderedBodies:
    """Every page's rendered body (areas: one per section) and its content digest."""

    bodies: dict[str, RenderedBody]
    sections: dict[str, tuple[RenderedBody, ...]]
    digests: dict[str, str]  # page id -> digest of its rendered parts (equal: same output)
    table: LinkTable
    summaries: dict[str, str]  # entry id -> its summary's HTML, when the summary has markup


def link_table(
    site: LoadedSite,
    index: RefIndex,
    with_names: bool = True,
    files: SiteFiles | None = None,
    names: str | None = None,
) -> LinkTable:
    """Everything bodies need to link to other pages (auto-linking needs `with_names`)
    and to the site's files. `names`, the site's names digest, lets a process reuse the
    automaton it built for the same names."""
    base = site.config.base_path
    pages = [*site.areas, *site.entries]
    return LinkTable(
        resolver=index,
        hrefs={p.id: urls.href(base, urls.page_path(p.kind, p.slug)) for p in pages},
        titles={p.id: p.title for p in pages},
        paths={urls.page_path(p.kind, p.slug): p.id for p in pages},
        names=_names_of(pages, site.config, names) if with_names else None,
        base_path=base,
        files=files if files is not None else site_files(site),
    )


def _names_of(pages: Sequence[Page], config: SiteConfig, names: str | None) -> Any:
    if names is None:
        return _name_automaton(pages, config)
    if names not in _AUTOMATA:
        _AUTOMATA.clear()
        _AUTOMATA[names] = _updated_automaton(pages, config)
    return _AUTOMATA[names]


# A name's member: (page id, kind, the name as written, auto_link: always, may be a target)
_Member = tuple[str, str, str, bool, bool]


def _name_automaton(pages: Sequence[Page], config: SiteConfig) -> Any:
    """One Aho-Corasick automaton of every title and alias, built once per build.

    Every name is there (area mentions feed the Glossary box); only names of pages that
    may be targets (`_is_target`) and not in `auto_link_exclude` lead to a link."""
    groups: dict[tuple[str, int], list[_Member]] = defaultdict(list)
    for page in pages:
        for named, member in _members_of(page.id, _name_facts_of(page, config)):
            groups[named].append(member)
    excluded = {name_key(name) for name in config.auto_link_exclude}
    automaton = ahocorasick.Automaton()
    for key in sorted({key for key, _ in groups}):
        if len(key) >= 2:
            titles, aliases = groups.get((key, 0), []), groups.get((key, 1), [])
            automaton.add_word(key, _key_target(key, titles, aliases, excluded))
    if len(automaton) == 0:
        return None
    automaton.make_automaton()
    return automaton


def _name_facts_of(page: Page, config: SiteConfig) -> tuple[Any, ...]:
    return (
        page.kind,
        page.title,
        page.aliases,
        page.auto_link == "always",
        _is_target(page, config),
    )


def _members_of(page_id: str, facts: tuple[Any, ...]) -> list[tuple[tuple[str, int], _Member]]:
    """((name key, 0 for a title or 1 for an alias), member) of each name of a page."""
    kind, title, aliases, always, target = facts
    return [
        ((name_key(title), 0), (page_id, kind, title, always, target)),
        *(((name_key(alias), 1), (page_id, kind, alias, always, target)) for alias in aliases),
    ]


def _key_target(key: str, titles: list[_Member], aliases: list[_Member], excluded: set[str]) -> Any:
    """What a mention of `key` leads to: its titles' pages first, else its aliases'."""
    named = titles or aliases
    every = [*titles, *aliases]
    areas = tuple(sorted({m[0] for m in every if m[1] == urls.AREA}))
    targets = [m for m in named if m[4]]
    target = None if key in excluded or not targets else _link_target(targets)
    return name_target(key, [(m[2], m[3]) for m in every], target, areas)


class _Grouped:
    """What every page contributes (`members_of(page id, facts)`: (key, item) pairs),
    grouped by key and kept between the calls of a process that builds again: an update
    re-groups only the pages whose facts changed, and names the keys it touched."""

    def __init__(self, members_of: Callable[[str, Any], list[tuple[Any, Any]]]):
        self.members_of = members_of
        self.facts: dict[str, Any] = {}
        self.groups: dict[Any, list[Any]] = defaultdict(list)

    def far_from(self, facts: dict[str, Any]) -> bool:
        """Whether these pages are mostly others (another site): grouping anew is cheaper."""
        return len(facts.keys() ^ self.facts.keys()) > len(facts) // 2 + 64

    def update(self, facts: dict[str, Any]) -> set[Any]:
        touched = set()
        for page_id, then in self.facts.items():
            if facts.get(page_id) != then:
                for key, item in self.members_of(page_id, then):
                    self.groups[key].remove(item)
                    touched.add(key)
        for page_id, now in facts.items():
            if self.facts.get(page_id) != now:
                for key, item in self.members_of(page_id, now):
                    self.groups[key].append(item)
                    touched.add(key)
        for key in touched:
            if not self.groups[key]:
                del self.groups[key]
        self.facts = facts
        return touched


# The last automaton _updated_automaton made, the excluded names it was made with, and
# the members of each name key: a retitle updates the keys of the pages whose names
# changed instead of building the automaton of 20,000 names again.
_NAMES: dict[str, Any] = {}


def _updated_automaton(pages: Sequence[Page], config: SiteConfig) -> Any:
    """_name_automaton's automaton, made from the last one a process made by updating the
    keys of the pages whose names changed (the last one is changed in place: only the
    build that asked for it had it)."""
    excluded = {name_key(name) for name in config.auto_link_exclude}
    facts = {page.id: _name_facts_of(page, config) for page in pages}
    state = _NAMES
    if not state or state["excluded"] != excluded or state["grouped"].far_from(facts):
        state.update(
            excluded=excluded, grouped=_Grouped(_members_of), automaton=ahocorasick.Automaton()
        )
    groups, automaton = state["grouped"].groups, state["automaton"]
    touched = {key for key, _ in state["grouped"].update(facts)}
    order = {page.id: n for n, page in enumerate(pages)}
    for key in touched:
        titles, aliases = groups.get((key, 0), []), groups.get((key, 1), [])
        titles.sort(key=lambda m: order[m[0]])
        aliases.sort(key=lambda m: order[m[0]])
        if key in automaton:
            automaton.remove_word(key)
        if (titles or aliases) and len(key) >= 2:
            automaton.add_word(key, _key_target(key, titles, aliases, excluded))
    if len(automaton) == 0:
        return None
    if touched or automaton.kind != ahocorasick.AHOCORASICK:
        automaton.make_automaton()
    return automaton


def _is_target(page: Page, config: SiteConfig) -> bool:
    if page.kind == urls.AREA and not config.auto_link_areas:
        return False
    return page.auto_link_target


def _link_target(named: list[_Member]) -> str | None:
    best = min(KIND_RANK[m[1]] for m in named)
    preferred = [m for m in named if KIND_RANK[m[1]] == best]
    return preferred[0][0] if len(preferred) == 1 else None


# ------------------------------------------------------------------- rendering


@dataclass(frozen=True, slots=True)
class _BodyJob:
    page_id: str
    sections: tuple[markdown.Section, ...]
    options: Options


def _render_job(table: LinkTable, job: _BodyJob) -> list[RenderedBody]:
    return markdown.render_sections(job.sections, table, job.options)


def render_bodies(
    site: LoadedSite,
    index: RefIndex,
    names: str,
    memo: MutableMapping[str, Any],
    mapper: Mapper,
    cached: MutableMapping[str, Any],
) -> tuple[RenderedBodies, list[Problem]]:
    """Every page's body, reusing those of `memo` (body key -> [names digest, content
    digest, parts]) that the names changed since cannot touch."""
    pages = [*site.areas, *site.entries]
    keys = {page.id: body_key(page, site.config) for page in pages}
    files = site_files(site)
    # a body showing an image that changed size, or linking to a file that came or went,
    # renders again
    kept = {page.id: _stored(memo, keys[page.id], files) for page in pages}
    # bodies found untouched by a change of names keep their record as it was (rewriting
    # 10,000 records costs more than the check); the names they are now known to be valid
    # under are noted here instead
    valid = cached.get(VALID)
    valid = valid if isinstance(valid, dict) else {}
    under = {p.id: valid.get(keys[p.id], kept[p.id][0]) for p in pages if kept[p.id] is not None}
    stale = [p for p in pages if p.id in under and under[p.id] != names]
    previous = cached.get(TOKENS)
    tokens = None
    if stale or not isinstance(previous, dict) or previous.get("names") != names:
        tokens = name_tokens(site)
    if stale and isinstance(previous, dict) and isinstance(previous.get("tokens"), dict):
        for page in _untouched(site, stale, kept, under, previous, tokens or {}):
            under[page.id] = names
    if tokens is not None:
        cached[TOKENS] = {"names": names, "tokens": tokens}
    missing = [_body_job(page, site) for page in pages if under.get(page.id) != names]
    # the automaton of names is only worth building when something renders
    table = link_table(site, index, with_names=bool(missing), files=files, names=names)
    if missing:
        for job, rendered in zip(missing, mapper(_render_job, table, missing), strict=True):
            parts = [part.record() for part in rendered]
            record = [names, _parts_digest(parts), parts]
            memo[keys[job.page_id]] = kept[job.page_id] = record
    cached[VALID] = {
        keys[p.id]: names for p in pages if kept[p.id] is not None and kept[p.id][0] != names
    }
    return _collect(pages, kept, keys, table)


def _stored(memo: MutableMapping[str, Any], key: str, files: SiteFiles) -> list[Any] | None:
    """A memo record [names digest, content digest, parts] whose local files are as they
    were, or None when absent, stale or not of that shape (the cache is untrusted: a wrong
    shape renders again)."""
    record = memo.get(key) if key in memo else None
    checked = _CHECKED.get(key)
    if checked is not None and checked[0] is record:
        return record if seen_unchanged(record[2], files) else None
    if not (
        isinstance(record, list | tuple)
        and len(record) == 3
        and isinstance(record[0], str)
        and isinstance(record[1], str)
        and isinstance(record[2], list | tuple)
        and all(_part_shaped(part) for part in record[2])
    ):
        return None
    record = record if isinstance(record, list) else list(record)
    return record if seen_unchanged(record[2], files) else None


def _part_shaped(part: Any) -> bool:
    """Whether a cached part has RenderedBody.record's fields, its files as triples."""
    return (
        isinstance(part, list | tuple)
        and len(part) == RECORD_FIELDS
        and isinstance(part[6], list | tuple)
        and all(isinstance(seen, list | tuple) and len(seen) == 3 for seen in part[6])
    )


def _collect(
    pages: list[Page], kept: dict[str, Any], keys: dict[str, str], table: LinkTable
) -> tuple[RenderedBodies, list[Problem]]:
    problems: list[Problem] = []
    bodies: dict[str, RenderedBody] = {}
    sections: dict[str, tuple[RenderedBody, ...]] = {}
    digests: dict[str, str] = {}
    summaries: dict[str, str] = {}
    for page in pages:
        record = kept[page.id]
        digests[page.id] = record[1]
        rendered = _parts(keys[page.id], record)
        problems += _part_problems(page, rendered)
        if page.kind == urls.AREA:
            sections[page.id] = tuple(rendered)
            continue
        bodies[page.id], summary = _entry_body(rendered)
        if summary is not None:
            summaries[page.id] = summary
    if len(_CHECKED) > 2 * len(keys) + 64:  # bodies edited away, or another site's
        current = set(keys.values())
        for key in [k for k in _CHECKED if k not in current]:
            del _CHECKED[key]
    return RenderedBodies(bodies, sections, digests, table, summaries), problems


def _part_problems(page: Page, rendered: list[RenderedBody]) -> list[Problem]:
    """The problems of a page's rendered parts, at their lines in its file."""
    return [
        Problem(page.path, page.body_line + p.line, p.message, p.code, suggestions=p.suggestions)
        for part in rendered
        for p in part.problems
    ]


def _entry_body(rendered: list[RenderedBody]) -> tuple[RenderedBody, str | None]:
    """An entry's body with the links and mentions of its summary's Markdown (one page, one
    set of edges), and that summary's HTML when it was rendered apart (it has markup)."""
    if len(rendered) == 1:
        return rendered[0], None
    body, summary = rendered
    links = tuple(dict.fromkeys((*body.links, *summary.links)))
    areas = tuple(dict.fromkeys((*body.areas_mentioned, *summary.areas_mentioned)))
    return dataclasses.replace(body, links=links, areas_mentioned=areas), summary.html


def text_edited(
    rendered: RenderedBodies,
    site: LoadedSite,
    ids: Sequence[str],
    names: str,
    memo: MutableMapping[str, Any],
) -> RenderedBodies | None:
    """The bodies after edits to the text of these entries alone (`site`: the site after
    them; its names did not change, so every other body stays as it is). None when an
    edited body's edges changed (what it links to, the areas it mentions: the graph
    changes with them) or it has a problem (the build fails and reports every problem).
    """
    edited = {e.id: e for e in site.entries if e.id in ids}
    table = rendered.table
    if table.names is None:  # the last build rendered nothing: it needed no automaton
        everything = [*site.areas, *site.entries]
        table = dataclasses.replace(table, names=_names_of(everything, site.config, names))
    bodies, digests = dict(rendered.bodies), dict(rendered.digests)
    summaries = dict(rendered.summaries)
    for page_id in ids:
        page = edited[page_id]
        parts = [part.record() for part in _render_job(table, _body_job(page, site))]
        record = [names, _parts_digest(parts), parts]
        key = body_key(page, site.config)
        memo[key] = record
        body, summary = _entry_body(_parts(key, record))
        previous = rendered.bodies[page_id]
        if not _clean(parts) or (body.links, body.areas_mentioned) != (
            previous.links,
            previous.areas_mentioned,
        ):
            return None
        bodies[page_id], digests[page_id] = body, record[1]
        if summary is not None:
            summaries[page_id] = summary
    return RenderedBodies(bodies, dict(rendered.sections), digests, table, summaries)


def _parts(key: str, record: list[Any]) -> list[RenderedBody]:
    """A record's parts, decoded once per record a process sees."""
    checked = _CHECKED.get(key)
    if checked is not None and checked[0] is record:
        return checked[1]
    rendered = [RenderedBody.from_record(part) for part in record[2]]
    _CHECKED[key] = (record, rendered)
    return rendered


def _parts_digest(parts: list[Any]) -> str:
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def body_key(page: Page, config: SiteConfig) -> str:
    """What a body's HTML depends on besides the site's names: its file (digest), its
    switches, and the settings that decide how names link."""
    options = _options(page, config)
    text = repr(
        (
            page.id,
            page.digest,
            config.allow_html,
            options.auto_link,
            options.auto_link_max,
            config.base_path,
            config.auto_link_areas,
            config.auto_link_exclude,
        )
    )
    return hashlib.blake2b(text.encode(), digest_size=20).hexdigest()


def _options(page: Page, config: SiteConfig) -> Options:
    auto = config.auto_link if page.auto_link is None else bool(page.auto_link)
    limit = config.auto_link_max if page.auto_link_max is None else page.auto_link_max
    return Options(page.id, config.allow_html, auto, limit)


def _body_job(page: Page, site: LoadedSite) -> _BodyJob:
    options = _options(page, site.config)
    if isinstance(page, Area):
        # the area page gives each facet's section the facet's slug as its id
        anchors = tuple(urls.slugify(f.name) for f in page.facets)
        options = dataclasses.replace(options, page_ids=anchors)
        facets = [
            markdown.Section(f.markdown, f.line - page.body_line, 3, want_text=True)
            for f in page.facets
        ]
        return _BodyJob(page.id, (markdown.Section(page.intro), *facets), options)
    body = markdown.Section(site.texts[page.id])
    assert isinstance(page, Entry)
    if not markdown.has_markup(page.summary_markdown):
        return _BodyJob(page.id, (body,), options)
    offset = page.summary_line - page.body_line
    summary = markdown.Section(page.summary_markdown, offset, inline=True)
    return _BodyJob(page.id, (body, summary), options)


# ---------------------------------------------------------- which names changed


def name_tokens(site: LoadedSite) -> dict[str, str]:
    """Every name a body could mention or refer to (lower-cased titles and aliases, slugs,
    ids), each with a digest of its owners: what decides where a mention of it leads.
    Plus, per page, a token for its title where it is linked.

    A process that builds again keeps the owners of the last call and redoes only the
    tokens of pages whose names changed (a retitle: a handful of 40,000)."""
    facts = {page.id: _name_facts(page) for page in [*site.areas, *site.entries]}
    state = _TOKENS
    if not state or state["grouped"].far_from(facts):
        state.update(grouped=_Grouped(_owned), tokens={})
    owners, tokens = state["grouped"].groups, state["tokens"]
    for token in state["grouped"].update(facts):
        if token in owners:
            tokens[token] = _owners_digest(owners[token])
        else:
            tokens.pop(token, None)
    return dict(tokens)  # a copy: the caller keeps it as the last build's


# the owners of each token (grouped by page) and the token digests of the last call
_TOKENS: dict[str, Any] = {}


def _name_facts(page: Page) -> tuple[Any, ...]:
    return (page.title, page.aliases, page.slug, page.auto_link, page.auto_link_target)


def _owned(page_id: str, facts: tuple[Any, ...]) -> list[tuple[str, tuple[Any, ...]]]:
    """(token, owner) of each name a page with these facts carries."""
    title, aliases, slug, auto_link, auto_link_target = facts
    linking = (page_id, auto_link, auto_link_target)
    return [
        (name_key(title), ("title", title, *linking)),
        *((name_key(alias), ("alias", alias, *linking)) for alias in aliases),
        (name_key(slug), ("slug", page_id)),
        (name_key(page_id), ("id", page_id)),
        (_PAGE + page_id, ("page", title)),
    ]


def _owners_digest(found: list[tuple[Any, ...]]) -> str:
    return hashlib.blake2b(repr(sorted(found, key=repr)).encode(), digest_size=8).hexdigest()


def _untouched(
    site: LoadedSite,
    stale: Iterable[Page],
    kept: dict[str, Any],
    under: dict[str, str],
    previous: dict[str, Any],
    tokens: dict[str, str],
) -> list[Page]:
    """The stale bodies (valid under the last build's names) that no changed name can
    touch."""
    before = previous["tokens"]
    changed = _changed_tokens(before, tokens)
    pages = [p for p in stale if under[p.id] == previous.get("names")]
    retitled = {t[len(_PAGE) :] for t in changed if t.startswith(_PAGE)}
    finder = _Finder(sorted(t for t in changed if not t.startswith(_PAGE) and t))
    found = []
    for page in pages:
        parts = kept[page.id][2]
        if not _clean(parts) or any(t in retitled for part in parts for t in part[2]):
            continue
        probe = _probe(page, site)
        if probe is not None:  # plain text: the probe is what mentions_any would search
            if not (finder.may_be_in_bytes(probe) and finder.found_in(probe.decode("ascii"))):
                found.append(page)
        elif not finder.mentions_any(_page_text(page, site)):
            found.append(page)
    return found


# A process that builds again keeps, per page file (by digest), the text _untouched
# searches (name_key's form: lower case, single spaces) when the text is plain (ASCII, no
# entity or escape: undoing them changes nothing), or None: after a retitle every body is
# searched for the changed names, and reading and preparing 10,000 texts again each time
# cost more than the search itself. Kept compressed with LZ4 (its fast block mode): 45 MB
# of text at 10,000 entries is 23 MB so and all of it inflates in 0.03 s; zlib's fastest
# level kept 16 MB but took 0.2 s, half of a retitle's whole search for names.
_PROBES: dict[str, bytes | None] = {}


def _probe(page: Page, site: LoadedSite) -> bytes | None:
    """The page's text in name_key's form as ASCII bytes, or None when it is not plain."""
    if page.digest in _PROBES:
        kept = _PROBES[page.digest]
        return None if kept is None else lz4.block.decompress(kept)
    text = _page_text(page, site)
    probe = name_key(text).encode("ascii") if _plain(text) else None
    if page.digest:
        if len(_PROBES) > 100_000:
            _PROBES.clear()
        _PROBES[page.digest] = None if probe is None else lz4.block.compress(probe)
    return probe


def _changed_tokens(before: dict[str, Any], now: dict[str, str]) -> set[str]:
    """The tokens whose owners differ: compared as sets of pairs (40,000 names at 10,000
    entries), or one by one where the cache held something unhashable."""
    try:
        return {token for token, _ in before.items() ^ now.items()}
    except TypeError:
        return {t for t in before.keys() | now.keys() if before.get(t) != now.get(t)}


class _Finder:
    """Finds whether a body could mention any of some lower-cased names."""

    def __init__(self, names: list[str]):
        self.pieces = [name.split() for name in names]
        # longest first: the likeliest to be missing, so most bodies stop at one test; a
        # name with other letters than ASCII is never in an ASCII text
        self.ascii_pieces = [
            sorted((p.encode() for p in pieces), key=len, reverse=True)
            for pieces in self.pieces
            if all(p.isascii() for p in pieces)
        ]
        self.automaton = None
        if names:
            self.automaton = ahocorasick.Automaton()
            for name in names:
                self.automaton.add_word(name, name)
            self.automaton.make_automaton()

    def may_be_in(self, lowered: str) -> bool:
        """Whether a lower-cased plain text holds every word of some name (it does
        whenever it holds the name)."""
        return self.automaton is not None and any(
            all(p in lowered for p in pieces) for pieces in self.pieces
        )

    def may_be_in_bytes(self, lowered: bytes) -> bool:
        """may_be_in for a lower-cased plain ASCII text as bytes."""
        for pieces in self.ascii_pieces:
            for piece in pieces:
                if piece not in lowered:
                    break
            else:
                return True
        return False

    def found_in(self, key: str) -> bool:
        """Whether a text in name_key's form holds one of the names."""
        return self.automaton is not None and any(True for _ in self.automaton.iter(key))

    def mentions_any(self, text: str) -> bool:
        """Searched as written and with entities and backslash escapes undone, lower case,
        whitespace collapsed. Plain ASCII text is first tried with substring tests of each
        name's words (they hold whenever the name is there): most bodies stop at that."""
        if self.automaton is None:
            return False
        if _plain(text) and not self.may_be_in(text.lower()):
            return False
        raw = name_key(text)
        plain = name_key(html.unescape(text.replace("\\", "")))
        return self.found_in(f"{raw}\n{plain}")


def _plain(text: str) -> bool:
    """ASCII without entities or backslash escapes: undoing them changes nothing."""
    return text.isascii() and "&" not in text and "\\" not in text


def _clean(parts: Sequence[Any]) -> bool:
    """Whether no part of a body had a problem (record field 4)."""
    return all(not part[4] for part in parts)


def _page_text(page: Page, site: LoadedSite) -> str:
    if isinstance(page, Area):
        return "\n".join([page.intro, *(f.markdown for f in page.facets)])
    assert isinstance(page, Entry)
    return f"{site.texts[page.id]}\n{page.summary_markdown}"

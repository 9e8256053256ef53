"""How references resolve: `kind/slug`, a unique slug, then a title or alias.

A nested page's slug is its whole path (`block/css`): its last part alone (`css`) is not
a slug, so adding `block/css` never changes what an existing `[[css]]` means.

Titles and aliases compare case-insensitively, ignoring punctuation and a plural "s"/"es".
A reference that names two pages is ambiguous; one that names none gets "did you mean"
suggestions from rapidfuzz, written in the style the author used.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from glossary_site import urls
from glossary_site.markdown import Resolution
from glossary_site.model import Page

BROKEN_TARGET = "broken-target"
_SLUG_LIKE = re.compile(r"[a-z0-9][a-z0-9-]*(?:/[a-z0-9][a-z0-9-]*)*")  # `css`, `block/css`


def ref_key(text: str) -> str:
    """How references compare: case-folded words without punctuation."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.findall(r"[^\W_]+", text))


def plural_variants(key: str) -> list[str]:
    """The key with its last word made singular or plural ("ratio" <-> "ratios", "-es")."""
    variants = [key + "s", key + "es"]
    if key.endswith("es"):
        variants.append(key[:-2])
    if key.endswith("s"):
        variants.append(key[:-1])
    return [v for v in variants if v]


def lookup_keys(text: str) -> tuple[str, ...]:
    """The table entries resolving `text` reads (`_Lookup.find`, `_names_broken_page`),
    as keys of `changed_lookup_keys`: while none of them changed, neither did its result
    (a reference that resolved to a page; a failed one also reads every name for its
    suggestions)."""
    text = text.strip()
    key = ref_key(text)
    keys = ["s\0" + urls.normalize_slug(text), *("n\0" + v for v in [key, *plural_variants(key)])]
    qualified = _qualified(text)
    if qualified:
        keys.append("i\0" + qualified)
    return tuple(keys)


def changed_lookup_keys(before: Sequence[Any], after: Sequence[Any]) -> set[str]:
    """The keys (as `lookup_keys` names them) whose entries differ between two states of a
    RefIndex: ids, slugs, titles and aliases of pages and drafts, and broken pages."""
    changed: set[str] = set()
    for old, new in zip(before[:2], after[:2], strict=True):
        for prefix, a, b in (("i", old[0], new[0]), ("s", old[1], new[1])):
            changed.update(f"{prefix}\0{k}" for k in a.keys() | b.keys() if a.get(k) != b.get(k))
        for a, b in ((old[2], new[2]), (old[3], new[3])):
            changed.update(f"n\0{k}" for k in a.keys() | b.keys() if a.get(k) != b.get(k))
    for page_id in set(before[2]) ^ set(after[2]):
        changed.update((f"i\0{page_id}", f"s\0{page_id.partition('/')[2]}"))
    return changed


class RefIndex:
    """Looks references up; picklable, so workers can resolve wiki links."""

    def __init__(self, pages: Iterable[Page], drafts: Iterable[Page], broken: Iterable[str] = ()):
        self.pages = _Lookup(pages)
        self.drafts = _Lookup(drafts)
        self.broken = frozenset(broken)
        self._choices: dict[str, list[tuple[str, str]]] = {}

    def state(self) -> tuple[Any, ...]:
        """The index as builtin values, for the build cache."""
        return (self.pages.state(), self.drafts.state(), self.broken)

    @classmethod
    def from_state(cls, state: tuple[Any, ...]) -> RefIndex:
        """The inverse of `state`."""
        index = cls((), ())
        index.pages, index.drafts = _Lookup.from_state(state[0]), _Lookup.from_state(state[1])
        index.broken = frozenset(state[2])
        return index

    def resolve(self, text: str) -> Resolution:
        """Resolve a related entry or wiki link: entries first, then areas."""
        return self._resolve(text, (urls.TERM, urls.DEFINITION), (urls.AREA,))

    def resolve_area(self, text: str) -> Resolution:
        """Resolve an item of an entry's `areas` list: areas only."""
        return self._resolve(text, (urls.AREA,))

    def _resolve(self, text: str, *scopes: tuple[str, ...]) -> Resolution:
        text = text.strip()
        found = self.pages.find(text, scopes)
        if found.target or found.message:
            return found
        draft = self.drafts.find(text, scopes)
        if draft.target:
            return Resolution(
                None,
                message=f"'{text}' refers to the draft {draft.target}; "
                "publish it or build with --drafts",
                code="draft-reference",
            )
        if self._names_broken_page(text, scopes):
            return Resolution(None, code=BROKEN_TARGET)  # that file's own error is reported
        found = self._suggestions(text, scopes)
        hint = f"; did you mean {_suggestion_list(found)}?" if found else ""
        suggestions = tuple(_unique_suggestions(found))
        return Resolution(
            None,
            message=f"'{text}' does not match any page{hint}",
            code="unresolved-reference",
            suggestions=suggestions,
        )

    def _names_broken_page(self, text: str, scopes: Sequence[tuple[str, ...]]) -> bool:
        kinds = {k for scope in scopes for k in scope}
        qualified = _qualified(text)
        if qualified:
            return qualified in self.broken
        slug = urls.normalize_slug(text.strip())
        return any(f"{kind}/{slug}" in self.broken for kind in kinds)

    def suggest(
        self,
        text: str,
        scopes: Sequence[tuple[str, ...]] = ((urls.TERM, urls.DEFINITION, urls.AREA),),
    ) -> tuple[str, ...]:
        """Up to three references close to `text`, ranked by rapidfuzz, written in its style
        (as `kind/slug` where two would read the same)."""
        return tuple(_unique_suggestions(self._suggestions(text, scopes)))

    def _suggestions(self, text: str, scopes: Sequence[tuple[str, ...]]) -> list[tuple[str, str]]:
        """(as written in `text`'s style, page id) of up to three pages close to `text`."""
        from rapidfuzz import fuzz, process, utils  # only a site with broken references pays

        kinds = tuple(k for scope in scopes for k in scope)
        choices = self._choices_for(kinds)
        matches = process.extract(
            text,
            [c for c, _ in choices],
            scorer=fuzz.WRatio,
            processor=utils.default_process,
            limit=12,
            score_cutoff=60,
        )
        picked: dict[str, str] = {}
        for choice, _score, index in matches:
            picked.setdefault(choices[index][1], choice)
            if len(picked) == 3:
                break
        return [(self._styled(text, page_id, name), page_id) for page_id, name in picked.items()]

    def _styled(self, text: str, page_id: str, name: str) -> str:
        if "/" in text and _qualified(text):
            return page_id
        if _SLUG_LIKE.fullmatch(text.strip()):
            slug = page_id.split("/", 1)[1]
            return slug if len(self.pages.slugs.get(slug, [])) == 1 else page_id
        return self.pages.names[page_id][0] if name == page_id else name

    def _choices_for(self, kinds: tuple[str, ...]) -> list[tuple[str, str]]:
        key = ",".join(kinds)
        if key not in self._choices:
            self._choices[key] = self.pages.choices(kinds)
        return self._choices[key]


class _Lookup:
    """The three lookup tables of a set of pages."""

    def __init__(self, pages: Iterable[Page]):
        self.ids: dict[str, str] = {}
        self.slugs: dict[str, list[str]] = defaultdict(list)
        self.titles: dict[str, list[str]] = defaultdict(list)
        self.aliases: dict[str, list[str]] = defaultdict(list)
        self.names: dict[str, tuple[str, tuple[str, ...]]] = {}
        for page in sorted(pages, key=lambda p: p.id):
            self.ids[page.id] = page.kind
            self.slugs[page.slug].append(page.id)
            self.titles[ref_key(page.title)].append(page.id)
            for alias in page.aliases:
                self.aliases[ref_key(alias)].append(page.id)
            self.names[page.id] = (page.title, page.aliases)

    def state(self) -> tuple[Any, ...]:
        return (self.ids, dict(self.slugs), dict(self.titles), dict(self.aliases), self.names)

    @classmethod
    def from_state(cls, state: tuple[Any, ...]) -> _Lookup:
        lookup = cls(())
        ids, slugs, titles, aliases, names = state
        lookup.ids = ids
        lookup.slugs.update(slugs)
        lookup.titles.update(titles)
        lookup.aliases.update(aliases)
        lookup.names = names
        return lookup

    def find(self, text: str, scopes: Sequence[tuple[str, ...]]) -> Resolution:
        qualified = _qualified(text)
        if qualified in self.ids:
            kind = self.ids[qualified]
            if any(kind in scope for scope in scopes):
                return Resolution(qualified, via="id")
            allowed = " or ".join(k for scope in scopes for k in scope)
            return Resolution(
                None,
                message=f"'{text}' is a {kind}; only {allowed} pages belong here",
                code="wrong-kind",
            )
        for scope in scopes:
            hit = self._unique(text, self.slugs.get(urls.normalize_slug(text), []), scope, "slug")
            if hit.target or hit.message:
                return hit
        key = ref_key(text)
        for scope in scopes:
            for candidates in (self.titles, self.aliases):
                for variant in [key, *plural_variants(key)]:
                    hit = self._unique(text, candidates.get(variant, []), scope, "name")
                    if hit.target or hit.message:
                        return hit
        return Resolution(None)

    def _unique(self, text: str, ids: list[str], scope: tuple[str, ...], via: str) -> Resolution:
        ids = [i for i in ids if self.ids[i] in scope]
        if len(ids) == 1:
            return Resolution(ids[0], via=via)
        if len(ids) > 1:
            return Resolution(
                None,
                message=f"'{text}' is ambiguous: it names "
                f"{_quoted_list(ids, 'and')}; write one of them",
                code="ambiguous-reference",
                suggestions=tuple(ids),
            )
        return Resolution(None)

    def choices(self, kinds: tuple[str, ...]) -> list[tuple[str, str]]:
        out = []
        for page_id, kind in self.ids.items():
            if kind not in kinds:
                continue
            title, aliases = self.names[page_id]
            out += [(page_id, page_id), (title, page_id)] + [(a, page_id) for a in aliases]
        return out


def _qualified(text: str) -> str:
    kind, sep, slug = text.strip().strip("/").partition("/")
    return f"{kind}/{urls.normalize_slug(slug)}" if sep and kind in urls.KINDS else ""


def _twins(found: list[tuple[str, str]]) -> set[str]:
    """Suggestions that read the same as another (two pages titled 'CSS')."""
    seen: dict[str, int] = defaultdict(int)
    for shown, _ in found:
        seen[shown.casefold()] += 1
    return {shown for shown, _ in found if seen[shown.casefold()] > 1}


def _unique_suggestions(found: list[tuple[str, str]]) -> list[str]:
    """Suggestions a tool can write back: `kind/slug` where two would read the same."""
    twins = _twins(found)
    return [page_id if shown in twins else shown for shown, page_id in found]


def _suggestion_list(found: list[tuple[str, str]]) -> str:
    """'X', 'CSS' (definition/css) or 'CSS' (area/css): never the same text twice alone."""
    twins = _twins(found)
    items = [f"'{shown}'" + (f" ({pid})" if shown in twins else "") for shown, pid in found]
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


def _quoted_list(items: Sequence[str], last: str = "or") -> str:
    quoted = [f"'{item}'" for item in items]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} {last} {quoted[-1]}"

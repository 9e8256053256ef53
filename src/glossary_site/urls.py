"""The only place URL and output-path rules live.

A page's path is site-relative without a leading slash ("term/leverage/"); `href`
makes it root-relative for links, `absolute` makes it a full URL from base_url.
Output files are the path plus "index.html" for directory-style paths.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from urllib.parse import quote, unquote

AREA, TERM, DEFINITION = "area", "term", "definition"
KINDS = (AREA, TERM, DEFINITION)
ENTRY_KINDS = (TERM, DEFINITION)
LABELS = {AREA: "Area", TERM: "Term", DEFINITION: "Definition"}
PLURALS = {AREA: "Areas", TERM: "Terms", DEFINITION: "Definitions"}

# Files the generator writes itself; static files may not take these names.
SEARCH_MANIFEST = "search/manifest.json"  # and the rest of the index under search/
SITEMAP = "sitemap.xml"
FEED = "feed.xml"
ROBOTS = "robots.txt"
NOT_FOUND = "404.html"
REDIRECTS = "_redirects"  # Netlify's (and Cloudflare Pages') list of redirects
ASSETS = "assets/"

_SLUG = re.compile(r"[^\W_](?:[\w-]|\.(?![.]))*\Z")
_SAFE_URL_CHARS = "/-._~!$&'()*+,;=:@"
MAX_SLUG = 150
MAX_DEPTH = 8  # folders below content/<kind>/ at most
FOLDER_PAGES = ("index", "_index")  # a folder's own page: index.md (Hugo: also _index.md)


def page_path(kind: str, slug: str) -> str:
    """Path of a term, definition or area page: `term/leverage/`."""
    return f"{kind}/{slug}/"


def resource_path(area_slug: str, number: int) -> str:
    """Path of page `number` of an area's paginated entry list."""
    return f"{AREA}/{area_slug}/resource/{number}/"


def index_path(kind: str) -> str:
    """Path of the A-Z index of a kind: `term/`."""
    return f"{kind}/"


def letter_path(kind: str, code: str, number: int = 1, *, nested: bool = False) -> str:
    """Path of page `number` of a split A-Z index's letter: `definition/a/`, `definition/a/2/`.
    `nested` (when a page of the kind has the letter's code as its slug) moves it to
    `definition/a/letter/` so it never takes that page's place."""
    base = f"{kind}/{code}/" + ("letter/" if nested else "")
    return base if number == 1 else f"{base}{number}/"


def links_path(kind: str, slug: str, number: int = 1) -> str:
    """Path of page `number` of an entry's "What links here" list."""
    base = f"{kind}/{slug}/links/"
    return base if number == 1 else f"{base}{number}/"


def area_feed_path(area_slug: str) -> str:
    """Path of an area's Atom feed."""
    return f"{AREA}/{area_slug}/{FEED}"


def output_file(path: str) -> str:
    """The file written for a path: directories get `index.html`."""
    return f"{path}index.html" if path == "" or path.endswith("/") else path


@lru_cache(maxsize=65536)
def encode(path: str) -> str:
    """Percent-encode a site path for use in a URL (non-ASCII slugs stay valid)."""
    return quote(path, safe=_SAFE_URL_CHARS)


def href(base_path: str, path: str) -> str:
    """Root-relative link to a site path, honouring a base_url with a sub-path."""
    return base_path + encode(path)


def absolute(base_url: str, path: str) -> str:
    """Absolute URL of a site path; base_url always ends with '/'."""
    return base_url + encode(path)


def normalize_slug(stem: str) -> str:
    """The slug of a file name: its stem in Unicode NFC form."""
    return unicodedata.normalize("NFC", stem)


def file_slug(rel: str) -> str:
    """The slug of a page file `content/<kind>/<path>.md`: its path below the kind's folder
    without the suffix, in NFC (`block/css`). In a sub-folder, `index.md` (or Hugo's
    `_index.md`) is the folder's own page: `block/index.md` is `block`."""
    parts = rel.split("/")[2:]
    parts[-1] = parts[-1].rsplit(".", 1)[0]
    if len(parts) > 1 and parts[-1] in FOLDER_PAGES:
        parts.pop()
    return normalize_slug("/".join(parts))


def slug_problem(slug: str) -> str | None:
    """Why a slug (`css`, or `block/css` for a nested page) cannot be one, or None."""
    parts = slug.split("/")
    if len(parts) > MAX_DEPTH + 1:
        return f"'{slug}' nests deeper than {MAX_DEPTH} folders"
    if len(parts) > 1 and parts[0] in KINDS:
        return f"'{slug}' cannot be a slug: its first folder '{parts[0]}' is a kind's name"
    for part in parts:
        problem = _segment_problem(part)
        if problem:
            return problem.replace(f"'{part}'", f"'{slug}'", 1)
    return None


def _segment_problem(slug: str) -> str | None:
    """Why a file or folder name cannot be part of a slug, or None when it can."""
    if len(slug) > MAX_SLUG:
        return f"file name is too long for a URL ({len(slug)} characters, at most {MAX_SLUG})"
    if not _SLUG.match(_without_marks(slug)):
        return (
            f"'{slug}' cannot be a slug: use letters, digits and hyphens, "
            "starting with a letter or digit"
        )
    return None


def _without_marks(slug: str) -> str:
    """The slug with each combining mark that follows a letter or digit dropped: Hindi's
    vowel signs and viramas, Tamil's pulli, are part of the letters they sit on (regex
    `\\w` knows only some of them). A mark that starts the slug stays and is refused."""
    if not any(unicodedata.category(ch).startswith("M") for ch in slug):
        return slug
    kept = [slug[0]]
    for ch in slug[1:]:
        if unicodedata.category(ch).startswith("M") and kept[-1].isalnum():
            continue
        kept.append(ch)
    return "".join(kept)


def slugify(text: str) -> str:
    """A readable, URL-safe id for text, keeping non-ASCII letters (used for anchors)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    words = re.findall(r"[^\W_]+", text)
    return "-".join(words) or "section"


def relative_asset_problem(path: str) -> str | None:
    """Why `path` is not a safe path relative to static/, or None when it is."""
    decoded = unquote(path)
    if not path or "\x00" in decoded:
        return "is empty or contains a NUL character"
    if "\\" in decoded:
        return "must use '/' separators, not backslashes"
    if decoded.startswith("/") or re.match(r"[A-Za-z]:", decoded):
        return "must be relative to static/ (no leading '/' or drive letter)"
    parts = decoded.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return "must not contain '..', '.' or empty path segments"
    return None


def redirect_id(kind: str, written: str) -> str:
    """The page id an old address in `redirect_from` names: `old-slug` (or a nested
    `folder/old-slug`) is of the page's own kind, `kind/old-slug` of that kind; slashes
    around it are ignored."""
    old_kind, slug = _old_address(kind, written)
    return f"{old_kind}/{normalize_slug(slug)}"


def redirect_problem(written: str) -> str | None:
    """Why `written` is not an old address for `redirect_from`, or None."""
    _, slug = _old_address("", written)
    if not slug:
        return "is not an old address: write old-slug or kind/old-slug (definition/old-name)"
    return slug_problem(normalize_slug(slug))


def _old_address(kind: str, written: str) -> tuple[str, str]:
    """(kind, slug) of an old address: a first part that is a kind's name is the kind (no
    folder of pages may have such a name, so `term/x` is never the nested page `term/x`)."""
    parts = written.strip("/").split("/")
    if len(parts) > 1 and parts[0] in KINDS:
        return parts[0], "/".join(parts[1:])
    return kind, "/".join(parts)


def generated_file(path: str) -> bool:
    """Whether a site path (no leading '/') names a file the build writes itself: a page's
    index.html, the sitemap (and its parts), the feed, robots.txt, 404.html, the search index."""
    return (
        path in (SITEMAP, FEED, ROBOTS, NOT_FOUND)
        or path.rsplit("/", 1)[-1] == "index.html"
        or path.startswith("search/")
        or re.fullmatch(r"sitemap-\d+\.xml", path) is not None
    )


def is_remote(url: str) -> bool:
    """True for absolute http(s) URLs."""
    return url.startswith(("https://", "http://"))

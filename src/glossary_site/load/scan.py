"""Finding, reading and hashing a site's input files: the first half of stage 1.

Nothing is parsed here. A page file whose (size, mtime, ctime, inode) equals what the
last build recorded keeps its digest and is not read again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISREG
from typing import Any

from glossary_site import urls
from glossary_site.errors import Problem
from glossary_site.load.frontmatter import ParseFailure, decode
from glossary_site.load.git import GitState, git_state

SITE_FILE = "content/site.yaml"
MARKDOWN_SUFFIXES = (".md", ".markdown")
IGNORED_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}
PARSER_VERSION = "4"
Signature = tuple[int, int, int, int, str]


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file copied as it is: its absolute source and its path in the output."""

    source: str
    path: str
    size: int
    mtime_ns: int


@dataclass(frozen=True, slots=True)
class Theme:
    """Template sources (site folder first, default theme last) and theme assets."""

    layers: tuple[tuple[tuple[str, str], ...], ...]
    assets: tuple[SourceFile, ...]
    digest: str


@dataclass(frozen=True, slots=True)
class PageSource:
    """A page file, its digest, and its bytes when they were read (None: known unchanged)."""

    kind: str
    rel: str
    path: str
    raw: bytes | None
    digest: str


@dataclass(frozen=True, slots=True)
class Scan:
    """Every input file of a site, read and hashed but not parsed yet."""

    root: str
    config_raw: bytes | None
    sources: tuple[PageSource, ...]
    static: tuple[SourceFile, ...]
    theme: Theme
    problems: tuple[Problem, ...]
    signatures: dict[str, Signature] = field(default_factory=dict)
    git: GitState | None = None  # the commit the site is at: pages without dates use it


def default_theme_dir() -> Path:
    """The theme shipped inside the wheel, or the repository's templates/ when run from source."""
    package = Path(__file__).resolve().parents[1]
    packaged = package / "templates"
    return packaged if packaged.is_dir() else package.parents[1] / "templates"


def scan_site(root: Path, known: Mapping[str, Signature] | None = None) -> Scan:
    """Find every input file under `root` (content/, static/, templates/), without parsing.

    `known` maps page files to (size, mtime, ctime, inode, digest) from the last build: a
    file whose stat is unchanged keeps its digest and is not read again (ctime cannot be
    set back, so an edited file always differs).
    """
    problems: list[Problem] = []
    config_path = root / SITE_FILE
    config_raw = config_path.read_bytes() if config_path.is_file() else None
    signatures: dict[str, Signature] = {}
    sources = _page_sources(root, problems, known or {}, signatures)
    static, static_problems = _static_files(_site_folder(root, "static", problems), "static")
    theme = _load_theme(root, problems)
    return Scan(
        str(root),
        config_raw,
        tuple(sources),
        tuple(static),
        theme,
        tuple(problems + static_problems),
        signatures,
        git_state(root),
    )


def _stray(rel: str, name: str, is_dir: bool) -> Problem:
    from rapidfuzz import process

    if is_dir:
        match = process.extractOne(name, urls.KINDS, score_cutoff=60)
        hint = f"; did you mean '{match[0]}'?" if match else f"; use {', '.join(urls.KINDS)}"
        return Problem(rel, 1, f"unknown content folder '{name}'{hint}", "stray-file")
    return Problem(
        rel, 1, "pages belong in content/area/, content/term/ or content/definition/", "stray-file"
    )


def _kind_sources(
    kind: str,
    folder: Path,
    real_content: str,
    problems: list[Problem],
    known: Mapping[str, tuple[Any, ...]],
    signatures: dict[str, Signature],
    under: str = "",
) -> list[PageSource]:
    """The pages of content/<kind>/, sub-folders included: `under` is the folder path
    below content/<kind>/ ("block/") that this call reads."""
    sources = []
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        rel = f"content/{kind}/{under}{entry.name}"
        if _ignored(entry.name):
            continue
        if _is_folder(entry):
            refusal = _folder_refusal(entry, kind, under, real_content)
            if refusal:
                problems.append(Problem(rel, 1, refusal, "stray-file"))
                continue
            sources += _kind_sources(
                kind,
                Path(entry.path),
                real_content,
                problems,
                known,
                signatures,
                f"{under}{urls.normalize_slug(entry.name)}/",
            )
            continue
        refusal = _refusal(entry, real_content, "the content folder", page=True)
        if refusal:
            problems.append(Problem(rel, 1, refusal, "stray-file"))
            continue
        try:
            stat = entry.stat()
            stamp = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
            seen = known.get(rel)
            if seen is not None and tuple(seen[:4]) == stamp:
                raw, digest = None, seen[4]
            else:
                raw = read_file(entry.path)
                digest = _digest(raw)
        except OSError as exc:
            problems.append(Problem(rel, 1, f"cannot be read: {exc.strerror}", "io"))
            continue
        signatures[rel] = (*stamp, digest)
        sources.append(PageSource(kind, rel, entry.path, raw, digest))
    return sources


def _is_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # a link that loops: _refusal says so
        return False


def _folder_refusal(
    entry: os.DirEntry[str], kind: str, under: str, real_content: str
) -> str | None:
    """Why a sub-folder of content/<kind>/ cannot hold nested pages, or None when it can."""
    if entry.is_symlink() and not _inside(entry.path, real_content):
        return "symbolic link points outside the content folder; refused"
    if entry.is_symlink():
        # a link could loop, or show the same pages under two addresses: not entered, as
        # sub-folders of templates/ that are links are not
        return "a folder that is a symbolic link is not entered; move the pages here"
    name = urls.normalize_slug(entry.name)
    if not under and name in urls.KINDS:
        return (
            f"a folder in content/{kind}/ may not be named '{name}': a reference "
            f"'{name}/...' names a page of that kind; rename the folder"
        )
    if under.count("/") >= urls.MAX_DEPTH:
        return f"folders nest at most {urls.MAX_DEPTH} deep in content/{kind}/"
    problem = urls.slug_problem(name)
    return problem.replace("file name", "folder name") if problem else None


def _ignored(name: str) -> bool:
    """Editors' and operating systems' own files, never content."""
    return (
        name in IGNORED_NAMES
        or name.startswith((".#", "._"))  # Emacs locks, macOS resource forks
        or name.endswith(("~", ".swp", ".swo", ".tmp"))
        or (name.startswith(".") and not name.endswith(MARKDOWN_SUFFIXES))
    )


def _refusal(entry: os.DirEntry[str], real_root: str, where: str, page: bool) -> str | None:
    """Why a directory entry cannot be used as an input file, or None when it can."""
    try:
        if entry.is_symlink() and not _inside(entry.path, real_root):
            return f"symbolic link points outside {where}; refused"
        if entry.is_dir():
            return "sub-folders are not supported here"
        if not entry.is_file():
            return "not a regular file (a pipe, device or broken link); refused"
    except OSError as exc:  # a link that loops, or that vanished
        return f"cannot be read: {exc.strerror}"
    if not page and "\\" in entry.name:  # a page's name is checked as a slug instead
        return "file names may not contain backslashes"
    if page and not entry.name.endswith(MARKDOWN_SUFFIXES):
        return "not a Markdown page (.md)"
    return None


def read_file(path: str) -> bytes:
    """The bytes of a file."""
    with open(path, "rb") as handle:
        return handle.read()


def _digest(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=20, person=PARSER_VERSION.encode()).hexdigest()


def _inside(path: str, real_root: str) -> bool:
    real = os.path.realpath(path)
    return real == real_root or real.startswith(real_root + os.sep)


def _site_folder(root: Path, rel: str, problems: list[Problem]) -> Path | None:
    """`root/rel` when it is a folder that is, or leads to, a place inside the site.

    A folder the build reads (content/, static/, templates/, templates/assets/) may be a
    symbolic link only to somewhere inside the site folder: CI builds pull requests, and a
    link to a folder outside would publish whatever it holds.
    """
    folder = root / rel
    if not folder.is_dir():
        return None
    if not _inside(str(folder), os.path.realpath(root)):
        problems.append(
            Problem(rel, 1, "symbolic link points outside the site folder; refused", "symlink")
        )
        return None
    return folder


def _page_sources(
    root: Path,
    problems: list[Problem],
    known: Mapping[str, tuple[Any, ...]],
    signatures: dict[str, Signature],
) -> list[PageSource]:
    content = _site_folder(root, "content", problems)
    sources: list[PageSource] = []
    if content is None:
        return sources
    real_content = os.path.realpath(content)
    for entry in sorted(os.scandir(content), key=lambda e: e.name):
        rel = f"content/{entry.name}"
        if entry.name.startswith(".") or entry.name in IGNORED_NAMES or rel == SITE_FILE:
            continue
        if entry.is_symlink() and not _inside(entry.path, real_content):
            problems.append(
                Problem(
                    rel, 1, "symbolic link points outside the content folder; refused", "symlink"
                )
            )
        elif entry.is_dir() and entry.name in urls.KINDS:
            sources += _kind_sources(
                entry.name, Path(entry.path), real_content, problems, known, signatures
            )
        else:
            problems.append(_stray(rel, entry.name, entry.is_dir()))
    return sources


# ------------------------------------------------------------ static, theme


def _static_files(
    folder: Path | None, prefix: str, out_prefix: str = ""
) -> tuple[list[SourceFile], list[Problem]]:
    files: list[SourceFile] = []
    problems: list[Problem] = []
    if folder is None or not folder.is_dir():
        return files, problems
    real_root = os.path.realpath(folder)
    for dirpath, _dirnames, _filenames in os.walk(folder):
        rel_dir = os.path.relpath(dirpath, folder).replace(os.sep, "/")
        rel_dir = "" if rel_dir == "." else rel_dir + "/"
        for entry in sorted(os.scandir(dirpath), key=lambda e: e.name):
            if entry.name in IGNORED_NAMES or entry.is_dir(follow_symlinks=False):
                continue  # os.walk descends into real folders itself
            rel = f"{prefix}/{rel_dir}{entry.name}"
            refusal = _refusal(entry, real_root, f"{prefix}/", page=False)
            if refusal:
                problems.append(Problem(rel, 1, refusal, "stray-file"))
                continue
            try:
                stat = entry.stat()
            except OSError as exc:
                problems.append(Problem(rel, 1, f"cannot be read: {exc.strerror}", "io"))
                continue
            files.append(
                SourceFile(
                    entry.path, out_prefix + rel_dir + entry.name, stat.st_size, stat.st_mtime_ns
                )
            )
    return files, problems


def _load_theme(root: Path, problems: list[Problem]) -> Theme:
    site_templates = _site_folder(root, "templates", problems)
    folders = [(site_templates, True), (default_theme_dir(), False)]
    unique: list[tuple[Path, bool]] = []
    for folder, own in folders:
        if folder is None or not folder.is_dir():
            continue
        if all(not folder.samefile(seen) for seen, _ in unique):
            unique.append((folder, own))
    layers, assets, digest = [], {}, hashlib.blake2b(digest_size=20)
    for folder, own in unique:
        layers.append(tuple(_templates(folder, problems)))
        # the site's assets folder must stay inside the site; the shipped theme is ours
        asset_folder = _site_folder(root, "templates/assets", problems) if own else None
        if not own:
            asset_folder = folder / "assets"
        found, asset_problems = _static_files(asset_folder, "templates/assets", "assets/")
        problems += asset_problems
        for item in found:
            assets.setdefault(item.path, item)
    for layer in layers:
        for rel, source in layer:
            digest.update(f"{rel}\0{source}\0".encode())
        digest.update(b"\1")
    return Theme(
        tuple(layers), tuple(sorted(assets.values(), key=lambda a: a.path)), digest.hexdigest()
    )


def _templates(folder: Path, problems: list[Problem]) -> list[tuple[str, str]]:
    """The template files under `folder` (not assets/), as (relative name, text).

    Sub-folders that are symbolic links are not entered, and a file that is a symbolic
    link to somewhere outside the folder is refused: `{% include %}` would publish it.
    """
    real_root = os.path.realpath(folder)
    layer = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        rel_dir = os.path.relpath(dirpath, folder).replace(os.sep, "/")
        rel_dir = "" if rel_dir == "." else rel_dir + "/"
        if rel_dir.startswith("assets/"):
            dirnames.clear()
            continue
        for name in sorted(filenames):
            rel, path = rel_dir + name, os.path.join(dirpath, name)
            if name in IGNORED_NAMES or not os.path.isfile(path):
                continue
            if os.path.islink(path) and not _inside(path, real_root):
                problems.append(
                    Problem(
                        f"templates/{rel}",
                        1,
                        "symbolic link points outside templates/; refused",
                        "symlink",
                    )
                )
                continue
            try:
                layer.append((rel, decode(read_file(path))))
            except ParseFailure as failure:
                problems.append(Problem(f"templates/{rel}", failure.line, failure.message, "parse"))
    return sorted(layer)


# ------------------------------------------------------- a few files again


def rescanned(scan: Scan, rels: Iterable[str]) -> tuple[Scan, tuple[PageSource, ...]] | None:
    """The scan with these page files read again, and their new sources (`glossary
    serve`, told by its watcher which files changed), or None when that is not enough to
    know the site: a file that is not one of the scan's pages, or is no longer a regular
    file, or a new commit.

    A file in content/ that exists neither now nor in the scan (an editor's temporary file,
    made and renamed away) changes nothing and is passed over."""
    root = Path(scan.root)
    at = {source.rel: n for n, source in enumerate(scan.sources)}
    sources = list(scan.sources)
    signatures = dict(scan.signatures)
    read = []
    for rel in dict.fromkeys(rels):
        if rel not in at:
            if not _transient(scan, rel):
                return None
            continue
        source = sources[at[rel]]
        try:
            stat = os.lstat(source.path)
            if not S_ISREG(stat.st_mode):
                return None
            raw = read_file(source.path)
        except OSError:
            return None
        stamp = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
        signatures[rel] = (*stamp, _digest(raw))
        sources[at[rel]] = PageSource(source.kind, rel, source.path, raw, signatures[rel][4])
        read.append(sources[at[rel]])
    if git_state(root) != scan.git:
        return None
    return dataclasses.replace(scan, sources=tuple(sources), signatures=signatures), tuple(read)


def _transient(scan: Scan, rel: str) -> bool:
    """Whether a changed path the scan has no page for is of no consequence: in content/,
    gone, never a problem of the scan, and no folder its pages were in."""
    return (
        rel.startswith("content/")
        and rel != SITE_FILE
        and not os.path.lexists(Path(scan.root) / rel)
        and all(p.path != rel for p in scan.problems)
        and not any(source.rel.startswith(rel + "/") for source in scan.sources)
    )

"""`glossary new term|definition|area "Title"`: a page file with its front matter filled in.

The slug comes from the title by the same rule as heading anchors (`urls.slugify`:
NFKC, case-folded, letters of any script kept, other runs of characters become one
hyphen). The summary (or an area's first facet) is a placeholder that `glossary check`
reports until it is replaced, so a page cannot be published half-written by mistake.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from glossary_site import urls
from glossary_site.errors import OutputError

# What `new` writes where the author has to write; `glossary check` looks for it.
PLACEHOLDER = "TODO:"
MARKDOWN_SUFFIXES = (".md", ".markdown")


def new_page(
    root: Path,
    kind: str,
    title: str,
    areas: Sequence[str] = (),
    now: datetime | None = None,
    parent: str = "",
) -> Path:
    """Write `content/<kind>/<slug>.md` under `root` and return its path; with `parent`
    (`block`), the nested page `content/<kind>/block/<slug>.md`."""
    content = root / "content"
    if not content.is_dir():
        raise OutputError(
            f"no content/ folder in '{root}': run `glossary init` to start a site, "
            "or pass --source with the site's folder"
        )
    title = " ".join(title.split())
    slug = _nested(parent, slug_for(title))
    if areas and kind == urls.AREA:
        raise OutputError("--area is for terms and definitions; an area belongs to no area")
    areas = _known_areas(content, areas)
    _check_clash(content, slug, title)
    _check_folders(content, kind, slug)
    published = (now or datetime.now().astimezone()).isoformat(timespec="seconds")
    text = page_text(kind, title, published, areas)
    path = content / kind / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        raise OutputError(f"content/{kind}/{slug}.md already exists; not overwritten") from None
    return path


def slug_for(title: str) -> str:
    """The slug a title gets, or an OutputError saying why it cannot have one."""
    if not any(ch.isalnum() for ch in title):
        raise OutputError(f"{title!r} has no letters or digits to make a file name from")
    slug = urls.slugify(title)
    problem = urls.slug_problem(slug)
    if problem:
        raise OutputError(f"the title {title!r} gives the slug '{slug}', but {problem}")
    return slug


def _nested(parent: str, slug: str) -> str:
    """The slug of a page in the folder `parent` (`block` -> `block/css`), checked."""
    parent = urls.normalize_slug(parent.strip().strip("/"))
    if not parent:
        return slug
    nested = f"{parent}/{slug}"
    problem = urls.slug_problem(nested)
    if problem:
        raise OutputError(f"--parent '{parent}' cannot hold the page: {problem}")
    return nested


def _check_folders(content: Path, kind: str, slug: str) -> None:
    """Refuse a parent folder whose name differs from an existing one only by letter case:
    on a case-insensitive host the two are one folder."""
    folder = content / kind
    for name in slug.split("/")[:-1]:
        if not folder.is_dir():
            return
        for entry in sorted(os.listdir(folder)):
            other = urls.normalize_slug(_without_suffix(entry))
            if other.casefold() == name.casefold() and other != name:
                existing = _rel(content, folder / entry)
                raise OutputError(
                    f"--parent folder '{name}' differs from {existing} only by "
                    "letter case (the same URL on many hosts); write it as that one is written"
                )
        folder = folder / name


def _without_suffix(name: str) -> str:
    return next((name[: -len(s)] for s in MARKDOWN_SUFFIXES if name.endswith(s)), name)


def _rel(content: Path, path: Path) -> str:
    return "content/" + path.relative_to(content).as_posix()


def _known_areas(content: Path, areas: Sequence[str]) -> list[str]:
    """The areas' slugs as their files spell them; an OutputError names any missing."""
    known = {slug.casefold(): slug for slug, _ in _pages(content, urls.AREA)}
    missing = [a for a in areas if a.casefold() not in known]
    if missing:
        have = ", ".join(sorted(known.values())) or "none yet"
        raise OutputError(
            f"no area with the slug {', '.join(repr(a) for a in missing)} in content/area/ "
            f'(areas: {have}); create one with `glossary new area "Title"`'
        )
    return [known[a.casefold()] for a in areas]


def _check_clash(content: Path, slug: str, title: str) -> None:
    """Refuse a slug that an existing page of any kind has, letter case aside: the same
    slug of another kind would make `[[slug]]` references to that page ambiguous."""
    for kind in urls.KINDS:
        for existing, name in _pages(content, kind):
            if existing.casefold() != slug.casefold():
                continue
            if existing != slug:
                raise OutputError(
                    f"the title {title!r} gives the slug '{slug}', which clashes with {name} "
                    "(slugs that differ only by letter case are the same URL on many hosts)"
                )
            raise OutputError(
                f"the title {title!r} gives the slug '{slug}', which {name} already has; "
                "choose another title (nothing was written)"
            )


def _pages(content: Path, kind: str) -> list[tuple[str, str]]:
    """(slug, content/... path) of every page of a kind, in sub-folders too (folders that
    are symbolic links are not entered, as the build does not enter them)."""
    found = []
    for dirpath, dirnames, filenames in os.walk(content / kind):
        dirnames.sort()
        for name in sorted(filenames):
            if name.endswith(MARKDOWN_SUFFIXES):
                rel = _rel(content, Path(dirpath) / name)
                found.append((urls.file_slug(rel), rel))
    return found


def page_text(kind: str, title: str, published: str, areas: Sequence[str] = ()) -> str:
    """The new file: front matter, and a body to replace."""
    quoted = json.dumps(title, ensure_ascii=False)  # a JSON string is a YAML string
    lines = ["---", f"title: {quoted}"]
    if kind == urls.AREA:
        lines += [f"published: {published}", "---", ""]
        lines += [
            "## Overview",
            "",
            f"{PLACEHOLDER} say in a sentence or two what {title} covers. Each `## Facet`",
            "section becomes a question on the area page.",
            "",
        ]
        return "\n".join(lines)
    summary = f"{PLACEHOLDER} say in one sentence what {title} means."
    lines += [f"summary: {json.dumps(summary, ensure_ascii=False)}", f"published: {published}"]
    if areas:
        lines.append(f"areas: {json.dumps(list(areas), ensure_ascii=False)}")
    lines += [
        "---",
        "",
        f"Write about {title} here. Link another entry by its title in double square brackets.",
        "",
    ]
    return "\n".join(lines)

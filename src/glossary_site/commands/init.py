"""`glossary init`: a new site that checks and builds cleanly, with a CI workflow.

The starter files are plain text kept in this module (no templating of user input into
code: the name and base URL go into YAML through `json.dumps`, which YAML reads as a
quoted string). Existing files are never overwritten, `--force` or not.
"""

# ruff: noqa: E501  (the starter files keep their own line lengths: YAML keys, an SVG)

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from glossary_site import __version__
from glossary_site.errors import OutputError

DEFAULT_BASE_URL = "https://example.org/"
WORKFLOW = ".github/workflows/glossary.yml"
REQUIREMENTS = "requirements.txt"
DIST = "glossary-site"


@dataclass(frozen=True, slots=True)
class InitReport:
    """What `init` did, paths relative to the site folder."""

    root: Path
    written: tuple[str, ...]
    kept: tuple[str, ...]  # already there (with --force): left as they were


def init_site(
    root: Path, name: str | None = None, base_url: str | None = None, force: bool = False
) -> InitReport:
    """Write a starter site into `root`, refusing a non-empty folder unless `force`."""
    if root.exists() and not root.is_dir():
        raise OutputError(f"'{root}' exists and is not a folder")
    if root.is_dir() and any(root.iterdir()) and not force:
        raise OutputError(
            f"'{root}' is not empty; choose an empty or new folder, or pass --force "
            "to add the starter files that are missing (existing files are never overwritten)"
        )
    files = starter_files(name or default_name(root), base_url or DEFAULT_BASE_URL)
    files[REQUIREMENTS] = requirements(installed_from())
    written, kept = [], []
    for rel, text in files.items():
        (written if _write_new(root / rel, text) else kept).append(rel)
    return InitReport(root, tuple(written), tuple(kept))


def default_name(root: Path) -> str:
    """A site name from the folder's name: `my-glossary` gives "My Glossary"."""
    words = Path(os.path.abspath(root)).name.replace("_", " ").replace("-", " ").split()
    return " ".join(w[:1].upper() + w[1:] for w in words) or "My Glossary"


def _write_new(path: Path, text: str) -> bool:
    """Write `path` unless it exists (also when it appears meanwhile); True when written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        return False
    return True


# ------------------------------------------------ how CI installs glossary-site
#
# glossary-site is not on PyPI, so `pip install glossary-site==<version>` would fail in
# the workflow. The site's requirements.txt names the tool the way it was installed
# here, when that way works on another machine (PEP 610's direct_url.json): a git URL
# at the installed commit, a wheel's URL, or a local clone's `origin` remote at its
# HEAD commit. Otherwise it holds a line that fails with a comment saying what to write.


@dataclass(frozen=True, slots=True)
class Source:
    """Where glossary-site came from, as far as it can be reinstalled elsewhere."""

    requirement: str | None  # a pip requirement that works on another machine, if any
    note: str  # how it was found, for the comment above it


def installed_from() -> Source:
    """How the running glossary-site was installed (PEP 610), as a portable requirement."""
    try:
        found = metadata.distribution(DIST)
    except metadata.PackageNotFoundError:
        return Source(None, "glossary-site is not installed as a package here")
    text = found.read_text("direct_url.json")
    try:
        direct = json.loads(text) if text else None
    except ValueError:
        direct = None
    return source_of(direct, found.version, _checkout)


def source_of(
    direct: dict[str, Any] | None,
    version: str,
    checkout: Callable[[Path], tuple[str, str] | None],
) -> Source:
    """The portable requirement for a PEP 610 record (None: installed from an index).
    `checkout(path)` gives a local folder's (remote URL, commit) or None."""
    if not isinstance(direct, dict):
        return Source(f"{DIST}=={version}", f"installed from a package index as {version}")
    url = str(direct.get("url", ""))
    vcs = direct.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") == "git" and _remote(url):
        commit = vcs.get("commit_id", "")
        where = _with_subdirectory(f"git+{_remote(url)}@{commit}", direct)
        return Source(f"{DIST} @ {where}", f"installed from git, commit {commit}")
    archive = direct.get("archive_info")
    if isinstance(archive, dict) and urlsplit(url).scheme in ("http", "https"):
        hashes = archive.get("hashes") or {}
        digest = f"#sha256={hashes['sha256']}" if "sha256" in hashes else ""
        return Source(f"{DIST} @ {url.split('#')[0]}{digest}", "installed from this URL")
    if isinstance(direct.get("dir_info"), dict) and urlsplit(url).scheme == "file":
        found = checkout(Path(unquote(urlsplit(url).path)))
        if found and _remote(found[0]):
            remote, commit = found
            return Source(
                f"{DIST} @ git+{_remote(remote)}@{commit}",
                f"installed from a local clone; its origin remote at its HEAD commit "
                f"{commit[:12]} (push that commit, or name a tag or branch)",
            )
        return Source(None, "installed from a local folder that is no git clone with a remote")
    return Source(None, f"installed from {url or 'an unknown place'}")


def _remote(url: str) -> str | None:
    """A git remote as a URL pip can fetch from another machine (scp-like `git@host:path`
    becomes https, which a CI runner can read without a key), or None for a local one."""
    url = url.removeprefix("git+")
    scp = re.fullmatch(r"[\w.-]+@([\w.-]+):(?!/)(.+)", url)
    if scp:
        return f"https://{scp[1]}/{scp[2]}"
    if urlsplit(url).scheme in ("https", "http", "ssh", "git") and urlsplit(url).hostname:
        return url
    return None


def _with_subdirectory(url: str, direct: dict[str, Any]) -> str:
    sub = direct.get("subdirectory")
    return f"{url}#subdirectory={sub}" if isinstance(sub, str) and sub else url


def _checkout(folder: Path) -> tuple[str, str] | None:
    """The `origin` remote URL and HEAD commit of a git clone, or None."""
    try:
        remote, commit = (
            subprocess.run(
                ["git", "-C", str(folder), *args],
                capture_output=True,
                text=True,
                timeout=10,
                check=True,
            ).stdout.strip()
            for args in (["remote", "get-url", "origin"], ["rev-parse", "HEAD"])
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return (remote, commit) if remote and re.fullmatch(r"[0-9a-f]{40,64}", commit) else None


def requirements(source: Source) -> str:
    """The site's requirements.txt: what the workflow installs."""
    head = (
        "# The tool that builds this site. The GitHub Actions workflow\n"
        "# (.github/workflows/glossary.yml) runs `pip install -r requirements.txt`.\n"
        "# glossary-site is not published on PyPI: name it by a source you control, e.g.\n"
        "#   glossary-site @ git+https://github.com/OWNER/glossary-site@v0.1.0   (tag, branch or commit)\n"
        "#   glossary-site @ https://example.org/glossary_site-0.1.0-py3-none-any.whl\n"
        "# (a wheel from `pip wheel --no-deps PATH-TO-CLONE`, uploaded where CI can fetch it).\n"
    )
    if source.requirement:
        return f"{head}#\n# Written by `glossary init`: {source.note}.\n{source.requirement}\n"
    return (
        f"{head}#\n# `glossary init` could not tell a source that works elsewhere ({source.note}):\n"
        "# REPLACE the next line with one of the forms above, or CI's install step fails.\n"
        f"{DIST}=={__version__}\n"
    )


def starter_files(name: str, base_url: str) -> dict[str, str]:
    """Every file of a new site, by path relative to the site folder."""
    return {
        "content/site.yaml": _site_yaml(name, base_url),
        "content/area/basics.md": AREA,
        "content/term/glossary.md": TERM,
        "content/definition/headword.md": DEFINITION,
        "static/images/headword.svg": IMAGE,
        ".gitignore": GITIGNORE,
        "README.md": _readme(name),
        WORKFLOW: workflow(),
    }


def _site_yaml(name: str, base_url: str) -> str:
    return (
        "# Site settings: every key is described in glossary-site's README.\n"
        f"name: {json.dumps(name, ensure_ascii=False)}\n"
        "# Where the site is published. A sub-path works (https://me.github.io/my-glossary/);\n"
        "# `glossary build --base-url URL` overrides it for one build (preview deploys).\n"
        f"base_url: {json.dumps(base_url, ensure_ascii=False)}\n"
        "language: en\n"
    )


AREA = """\
---
title: Basics
published: 2026-01-01T09:00:00+00:00
---

## Overview

Basics gathers the words every reader of this glossary meets first. Each area is a topic
hub: its `## Facet` sections become questions on the area page.

## Scope

The scope of Basics is how a glossary is put together: entries, their headwords and the
links between them.
"""

TERM = """\
---
title: Glossary
summary: An alphabetical list of the words of one field, each with its meaning.
published: 2026-01-01T10:00:00+00:00
areas: [basics]
related: [definition/headword]
image: {src: images/headword.svg, width: 1200, height: 630, caption: "A glossary entry: a headword and its meaning"}
---

A glossary explains the words of one field. Every entry starts with a [[headword]], the
word or phrase being explained, followed by its meaning.

## Terms and definitions

Terms like this one are long-form articles. Definitions are short entries. Both belong
to one or more areas and link to each other by title, for example [[Headword]].
"""

DEFINITION = """\
---
title: Headword
summary: The word or phrase that a glossary entry explains.
published: 2026-01-01T11:00:00+00:00
areas: [basics]
related: [term/glossary]
aliases: [lemma]
---

The headword is the title of an entry. Other entries may mention it by title or by one
of its aliases, and those mentions become links.
"""

IMAGE = """\
<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630" viewBox="0 0 1200 630">
  <rect width="1200" height="630" fill="#f4f1ea"/>
  <text x="120" y="300" font-family="Georgia, serif" font-size="96" fill="#222">Headword</text>
  <text x="120" y="400" font-family="Georgia, serif" font-size="40" fill="#555">the word or phrase an entry explains</text>
</svg>
"""

GITIGNORE = """\
# glossary build output and its cache
build/
.glossary-cache/
"""


def _readme(name: str) -> str:
    return f"""\
# {name}

A glossary built with [glossary-site](https://pypi.org/project/glossary-site/).

## Writing

```
content/site.yaml                 site settings (name, base_url, ...)
content/area/<slug>.md            areas: topic hubs, one `## Facet` section per question
content/term/<slug>.md            terms: long-form articles
content/definition/<slug>.md      definitions: short entries
static/                           files copied to the site as they are (images, ...)
```

Start a page with `glossary new term|definition|area "Title" [--area SLUG]`: it writes
the file with its front matter filled in. Replace the summary it leaves (`glossary check`
flags it until you do), then write the body. Link to other pages with `[[Title]]`.

## Checking and building

```sh
glossary check --strict     # broken or ambiguous links, near-duplicates, orphans
glossary build              # the site, into build/
glossary serve              # preview at http://127.0.0.1:8000/ (if your version has it)
```

## Publishing

`.github/workflows/glossary.yml` checks and builds the site on every push and pull
request, and publishes `build/` to GitHub Pages from the default branch. Turn it on once
under the repository's Settings, Pages, Source: "GitHub Actions". The published build
uses the address GitHub Pages gives the site, so project pages under a sub-path
(`https://you.github.io/<repository>/`) keep their links and styles.
`.glossary-cache/` and `build/` are cached between runs, so a change to one page rebuilds
only what it touches. The workflow installs glossary-site from `requirements.txt`: keep
the line there pointing at the version you build with (a git URL with a tag or commit,
or a wheel's URL; glossary-site is not on PyPI).
"""


def workflow(version: str = __version__) -> str:
    """The GitHub Actions workflow: check and build on every push and pull request,
    publish to GitHub Pages from the default branch, keep `.glossary-cache/` warm."""
    return f"""\
# Checks and builds the glossary on every push and pull request; publishes build/ to
# GitHub Pages from the default branch (Settings > Pages > Source: GitHub Actions).
name: glossary

on:
  push:
  pull_request:

permissions:
  contents: read
  pages: write
  id-token: write

# one publish at a time; a newer push waits instead of cancelling a deploy half-way
concurrency:
  group: glossary-${{{{ github.ref }}}}
  cancel-in-progress: false

env:
  GLOSSARY_SITE_VERSION: "{version}"
  PUBLISH: ${{{{ github.event_name == 'push' && github.ref_name == github.event.repository.default_branch }}}}

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - name: Check out (full history)
        uses: actions/checkout@v4
        with:
          fetch-depth: 0

      - name: Set up Python
        uses: actions/setup-python@v5
        with:
          python-version: "3.12"

      # requirements.txt names glossary-site by a source CI can fetch (it is not on PyPI)
      - name: Install glossary-site
        run: python -m pip install -r requirements.txt

      # The build cache and the last output, keyed on the tool (its version and the
      # requirements.txt that pins it) and the content, restored from the newest earlier
      # run with the same tool: a change then rebuilds
      # and rewrites only the pages it touches (build/ is what lets unchanged pages stay).
      - name: Restore the build cache
        uses: actions/cache@v4
        with:
          path: |
            .glossary-cache
            build
          key: glossary-${{{{ runner.os }}}}-${{{{ env.GLOSSARY_SITE_VERSION }}}}-${{{{ hashFiles('requirements.txt') }}}}-${{{{ hashFiles('content/**', 'static/**', 'templates/**') }}}}
          restore-keys: |
            glossary-${{{{ runner.os }}}}-${{{{ env.GLOSSARY_SITE_VERSION }}}}-${{{{ hashFiles('requirements.txt') }}}}-

      - name: Check
        run: glossary check --strict

      - name: Configure GitHub Pages
        id: pages
        if: env.PUBLISH == 'true'
        uses: actions/configure-pages@v5

      # On the default branch, build for the address GitHub Pages serves the site at
      # (a project site lives under /<repository>/); otherwise use site.yaml's base_url.
      - name: Build
        run: glossary build ${{PAGES_URL:+--base-url "$PAGES_URL/"}}
        env:
          PAGES_URL: ${{{{ steps.pages.outputs.base_url }}}}

      - name: Upload the site
        if: env.PUBLISH == 'true'
        uses: actions/upload-pages-artifact@v3
        with:
          path: build

  deploy:
    needs: build
    if: github.event_name == 'push' && github.ref_name == github.event.repository.default_branch
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{{{ steps.deployment.outputs.page_url }}}}
    steps:
      - name: Publish to GitHub Pages
        id: deployment
        uses: actions/deploy-pages@v4
"""

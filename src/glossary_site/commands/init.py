"""`glossary init`: a new site that checks and builds cleanly, with a CI workflow.

The starter files are plain text kept in this module (no templating of user input into
code: the name and base URL go into YAML through `json.dumps`, which YAML reads as a
quoted string). Existing files are never overwritten, `--force` or not.
"""

# ruff: noqa: E501  (the starter files keep their own line lengths: YAML keys, an SVG)

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from glossary_site import __version__
from glossary_site.errors import OutputError

DEFAULT_BASE_URL = "https://example.org/"
WORKFLOW = ".github/workflows/glossary.yml"


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
only what it touches.
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

      - name: Install glossary-site
        run: python -m pip install "glossary-site==${{{{ env.GLOSSARY_SITE_VERSION }}}}"

      # The build cache and the last output, keyed on the tool's version and the content,
      # restored from the newest earlier run of the same version: a change then rebuilds
      # and rewrites only the pages it touches (build/ is what lets unchanged pages stay).
      - name: Restore the build cache
        uses: actions/cache@v4
        with:
          path: |
            .glossary-cache
            build
          key: glossary-${{{{ runner.os }}}}-${{{{ env.GLOSSARY_SITE_VERSION }}}}-${{{{ hashFiles('content/**', 'static/**', 'templates/**') }}}}
          restore-keys: |
            glossary-${{{{ runner.os }}}}-${{{{ env.GLOSSARY_SITE_VERSION }}}}-

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

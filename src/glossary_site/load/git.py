"""Page dates from git history, for pages that do not write `published` (Hugo's
`enableGitInfo`, MkDocs' git-revision-date plugin).

Two commands per build at most: `git rev-parse` (in the scan, so a new commit changes the
input fingerprint) and one `git log` over content/ for the whole site, cached by HEAD.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

# no pager, no colours, no user configuration that changes the output format
_ENV = {"GIT_PAGER": "cat", "GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C"}


@dataclass(frozen=True, slots=True)
class GitState:
    """The commit a site folder is at, and whether its history is cut short."""

    head: str
    shallow: bool


def git_state(root: Path) -> GitState | None:
    """HEAD and shallowness when `root` is inside a git work tree with a commit, else None."""
    if not any((folder / ".git").exists() for folder in (root, *root.parents)):
        return None  # not a repository: no process started
    out = _git(root, "rev-parse", "--is-shallow-repository", "HEAD")
    if out is None:
        return None
    lines = out.split()
    if len(lines) != 2:
        return None
    return GitState(head=lines[1], shallow=lines[0] == "true")


def file_dates(root: Path) -> dict[str, tuple[str, str]]:
    """Each committed file under content/ (relative to `root`) -> (first, last) author date
    as ISO 8601. Earliest and latest, not first and last listed: independent of log order."""
    out = _git(
        root,
        "-c",
        "core.quotepath=off",
        "log",
        "-z",
        "--no-renames",
        "--relative",
        "--format=%x01%aI",
        "--name-only",
        "--",
        "content",
    )
    dates: dict[str, tuple[str, str]] = {}
    if not out:
        return dates
    moment: datetime | None = None
    stamp = ""
    for token in out.split("\0"):
        token = token.lstrip("\n")
        if token.startswith("\x01"):
            stamp = token[1:]
            moment = datetime.fromisoformat(stamp)
        elif token and moment is not None:
            first, last = dates.get(token, (stamp, stamp))
            if moment < datetime.fromisoformat(first):
                first = stamp
            if moment > datetime.fromisoformat(last):
                last = stamp
            dates[token] = (first, last)
    return dates


def _git(root: Path, *args: str) -> str | None:
    executable = shutil.which("git")
    if executable is None:
        return None
    try:
        result = subprocess.run(
            [executable, *args],
            cwd=root,
            capture_output=True,
            env={**os.environ, **_ENV},
            timeout=120,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if result.returncode != 0:
        return None
    return result.stdout.decode("utf-8", "surrogateescape")

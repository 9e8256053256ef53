"""`glossary init` and `glossary new`: from an empty folder to a site that checks and builds,
the refusals, and the GitHub Actions workflow that init writes."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

from conftest import jsonld, parse_html, run_cli
from glossary_site import __version__
from glossary_site.commands.init import (
    REQUIREMENTS,
    WORKFLOW,
    Source,
    _checkout,
    init_site,
    requirements,
    source_of,
)
from glossary_site.commands.init import installed_from as source_of_running
from glossary_site.commands.new import PLACEHOLDER, new_page

XHTML = ""  # parse_html does not namespace elements


def _fill_placeholders(root: Path) -> None:
    """What an author does after `glossary new`: replace the placeholder text."""
    for path in (root / "content").rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        text = re.sub(
            rf'"{PLACEHOLDER} say in one sentence what (.+?) means\."', r'"\1, explained."', text
        )
        text = re.sub(
            rf"{PLACEHOLDER} say in a sentence or two what (.+?) covers\.", r"\1 is a topic.", text
        )
        path.write_text(text, encoding="utf-8")


def test_init_new_check_build_from_an_empty_folder(tmp_path):
    site = tmp_path / "my-glossary"
    result = run_cli("init", str(site), "--base-url", "https://me.github.io/my-glossary/")
    assert result.returncode == 0, result.stderr
    for rel in ("content/site.yaml", ".gitignore", "README.md", WORKFLOW, REQUIREMENTS):
        assert f"wrote {os.path.join(str(site), rel)}" in result.stdout
    assert 'glossary new term "Your First Term" --area basics' in result.stdout
    assert "glossary build" in result.stdout
    assert (site / "static").is_dir()
    assert set((site / ".gitignore").read_text().split()) >= {"build/", ".glossary-cache/"}
    settings = yaml.safe_load((site / "content/site.yaml").read_text())
    assert settings["name"] == "My Glossary"
    assert settings["base_url"] == "https://me.github.io/my-glossary/"

    steps = [
        ("area", "Market Structure", []),
        ("term", "Order Book", ["--area", "market-structure"]),
        ("definition", "Bid–Ask Spread", ["--area", "market-structure", "--area", "basics"]),
    ]
    for kind, title, extra in steps:
        made = run_cli("new", kind, title, *extra, "--source", str(site))
        assert made.returncode == 0, made.stderr
        assert made.stdout.strip().endswith(f"content/{kind}/{_slug(title)}.md")
    definition = (site / "content/definition/bid-ask-spread.md").read_text(encoding="utf-8")
    assert 'title: "Bid–Ask Spread"' in definition
    assert 'areas: ["market-structure", "basics"]' in definition

    # the placeholders are flagged until they are written
    flagged = run_cli("check", "--strict", "--format", "json", "--source", str(site))
    assert flagged.returncode == 1
    found = {
        (str(Path(f["file"]).relative_to(site)), f["code"]) for f in json.loads(flagged.stdout)
    }
    assert found == {
        ("content/area/market-structure.md", "placeholder"),
        ("content/term/order-book.md", "placeholder"),
        ("content/definition/bid-ask-spread.md", "placeholder"),
    }

    _fill_placeholders(site)
    checked = run_cli("check", "--strict", "--source", str(site))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    built = run_cli("build", "--source", str(site))
    assert built.returncode == 0, built.stderr
    out = site / "build"
    for path in ("term/order-book", "definition/bid-ask-spread", "area/market-structure"):
        assert (out / path / "index.html").is_file()
    term = parse_html(out / "term/glossary/index.html")
    css = [
        link.get("href") for link in term.iter(f"{XHTML}link") if link.get("rel") == "stylesheet"
    ]
    assert css and all(href.startswith("/my-glossary/") for href in css)
    article = next(b for b in jsonld(term) if b.get("@type") == "Article")
    assert article["headline"].startswith("Glossary")


def _slug(title: str) -> str:
    return {"Market Structure": "market-structure", "Order Book": "order-book"}.get(
        title, "bid-ask-spread"
    )


def test_new_fills_in_the_front_matter(tmp_path):
    init_site(tmp_path)
    now = datetime.fromisoformat("2026-03-04T05:06:07.891+05:30")
    path = new_page(tmp_path, "term", "  Théta   Décay ", ["BASICS"], now=now)
    assert path == tmp_path / "content/term/théta-décay.md"
    front = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
    assert front["title"] == "Théta Décay"
    assert front["summary"].startswith(PLACEHOLDER)
    assert front["areas"] == ["basics"]
    assert front["published"] == datetime.fromisoformat("2026-03-04T05:06:07+05:30")
    area = new_page(tmp_path, "area", "Risk: Part 2", now=now)
    assert area.name == "risk-part-2.md"
    assert "\n## Overview\n" in area.read_text(encoding="utf-8")


def test_new_uses_the_local_offset_by_default(tmp_path):
    init_site(tmp_path)
    result = run_cli(
        "new", "definition", "Spread", "--source", str(tmp_path), env={"TZ": "Asia/Kolkata"}
    )
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "content/definition/spread.md").read_text(encoding="utf-8")
    assert re.search(r"^published: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+05:30$", text, re.M)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["term", "Glossary"], "content/term/glossary.md already has"),
        (["definition", "GLOSSARY"], "content/term/glossary.md already has"),
        (["term", "Basics"], "content/area/basics.md already has"),
        (["term", "?!"], "has no letters or digits"),
        (["term", "Fresh", "--area", "nowhere"], "no area with the slug 'nowhere'"),
        (["area", "Fresh", "--area", "basics"], "--area is for terms and definitions"),
    ],
)
def test_new_refuses(tmp_path, args, message):
    init_site(tmp_path)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    result = run_cli("new", *args, "--source", str(tmp_path))
    assert result.returncode == 1
    assert message in result.stderr
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_new_refuses_a_slug_differing_only_by_letter_case(tmp_path):
    init_site(tmp_path)
    (tmp_path / "content/definition/headword.md").rename(
        tmp_path / "content/definition/Headword.md"
    )
    result = run_cli("new", "definition", "headword", "--source", str(tmp_path))
    assert result.returncode == 1
    assert "clashes with content/definition/Headword.md" in result.stderr
    assert "letter case" in result.stderr


def test_new_outside_a_site(tmp_path):
    result = run_cli("new", "term", "Anything", "--source", str(tmp_path))
    assert result.returncode == 1
    assert "no content/ folder" in result.stderr and "glossary init" in result.stderr


def test_init_refuses_a_non_empty_folder(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    result = run_cli("init", str(tmp_path))
    assert result.returncode == 1
    assert "is not empty" in result.stderr and "--force" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_init_force_never_overwrites(tmp_path):
    (tmp_path / "README.md").write_text("my own readme")
    (tmp_path / "content").mkdir()
    (tmp_path / "content/site.yaml").write_text("name: Mine\nbase_url: https://mine.example/\n")
    result = run_cli("init", str(tmp_path), "--force", "--name", "Other")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "README.md").read_text() == "my own readme"
    assert (tmp_path / "content/site.yaml").read_text().startswith("name: Mine")
    assert "(already there)" in result.stdout
    assert (tmp_path / WORKFLOW).is_file()
    assert run_cli("check", "--strict", "--source", str(tmp_path)).returncode == 0


def test_init_refuses_a_file(tmp_path):
    (tmp_path / "file").write_text("x")
    result = run_cli("init", str(tmp_path / "file"))
    assert result.returncode != 0
    assert (tmp_path / "file").read_text() == "x"


# ------------------------------------------------------------- the workflow


def _workflow(root: Path) -> dict:
    return yaml.safe_load((root / WORKFLOW).read_text(encoding="utf-8"))


def test_workflow_structure(tmp_path):
    init_site(tmp_path)
    flow = _workflow(tmp_path)
    triggers = flow.get("on", flow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert set(triggers) == {"push", "pull_request"}
    steps = flow["jobs"]["build"]["steps"]
    uses = {s["uses"].split("@")[0]: s for s in steps if "uses" in s}
    assert set(uses) == {
        "actions/checkout",
        "actions/setup-python",
        "actions/cache",
        "actions/configure-pages",
        "actions/upload-pages-artifact",
    }
    assert uses["actions/checkout"]["with"]["fetch-depth"] == 0
    cache = uses["actions/cache"]["with"]
    assert cache["path"].split() == [".glossary-cache", "build"]
    assert "hashFiles('content/**'" in cache["key"] and "GLOSSARY_SITE_VERSION" in cache["key"]
    assert cache["restore-keys"].strip() in cache["key"]
    assert flow["env"]["GLOSSARY_SITE_VERSION"] == __version__
    install = next(s for s in steps if s.get("name") == "Install glossary-site")
    assert install["run"].split() == ["python", "-m", "pip", "install", "-r", REQUIREMENTS]
    assert (tmp_path / REQUIREMENTS).is_file()
    assert "hashFiles('requirements.txt')" in cache["key"]
    assert uses["actions/upload-pages-artifact"]["with"]["path"] == "build"
    # cache before check, check before build, build before upload
    order = [s.get("uses", s.get("run", "")).split("@")[0] for s in steps]
    assert order.index("actions/cache") < order.index("glossary check --strict")
    assert order.index("glossary check --strict") < _index_of(order, "glossary build")
    assert _index_of(order, "glossary build") < order.index("actions/upload-pages-artifact")
    deploy = flow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
    assert "default_branch" in deploy["if"] and "push" in deploy["if"]
    assert deploy["environment"]["name"] == "github-pages"
    assert flow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}


def _index_of(order: list[str], prefix: str) -> int:
    return next(i for i, item in enumerate(order) if item.startswith(prefix))


@pytest.mark.parametrize("pages_url", ["", "https://me.github.io/my-glossary"])
def test_workflow_commands_run_against_the_initd_site(tmp_path, pages_url):
    """Each `glossary` command of the workflow, run by bash as the runner does, with the
    Pages step's output (empty on a pull request, the project-pages URL on the default branch)."""
    site = tmp_path / "site"
    init_site(site)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    launcher = bin_dir / "glossary"
    launcher.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m glossary_site "$@"\n')
    launcher.chmod(0o755)
    steps = _workflow(site)["jobs"]["build"]["steps"]
    commands = [s for s in steps if s.get("run", "").startswith("glossary ")]
    assert [s["run"].split()[1] for s in commands] == ["check", "build"]
    for step in commands:
        env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
        env.update({k: pages_url for k in step.get("env", {})})
        bash = shutil.which("bash") or "/bin/bash"
        done = subprocess.run(
            [bash, "-ec", step["run"]], cwd=site, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, (step["run"], done.stdout, done.stderr)
    home = parse_html(site / "build/index.html")
    canonical = next(link for link in home.iter(f"{XHTML}link") if link.get("rel") == "canonical")
    assert canonical.get("href") == (pages_url + "/" if pages_url else "https://example.org/")


# ----------------------------------------------- how the workflow gets the tool

SHA = "0123456789abcdef0123456789abcdef01234567"


def _requirement_lines(text: str) -> list[Requirement]:
    """The requirements of a requirements.txt, parsed as pip parses each (PEP 508)."""
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return [Requirement(line) for line in lines]


def _no_checkout(folder: Path) -> None:
    raise AssertionError(f"no git lookup expected, asked about {folder}")


@pytest.mark.parametrize(
    ("direct", "checkout", "expected"),
    [
        # installed from an index (no direct_url.json): that version, from that index
        (None, _no_checkout, "glossary-site==0.1.0"),
        (
            {
                "url": "https://github.com/o/glossary-site.git",
                "vcs_info": {"vcs": "git", "commit_id": SHA, "requested_revision": "main"},
            },
            _no_checkout,
            f"glossary-site @ git+https://github.com/o/glossary-site.git@{SHA}",
        ),
        (
            {
                "url": "ssh://git@example.org/o/g.git",
                "vcs_info": {"vcs": "git", "commit_id": SHA},
                "subdirectory": "tool",
            },
            _no_checkout,
            f"glossary-site @ git+ssh://git@example.org/o/g.git@{SHA}#subdirectory=tool",
        ),
        (
            {
                "url": "https://example.org/w/glossary_site-0.1.0-py3-none-any.whl",
                "archive_info": {"hashes": {"sha256": "ab" * 32}},
            },
            _no_checkout,
            "glossary-site @ https://example.org/w/glossary_site-0.1.0-py3-none-any.whl#sha256="
            + "ab" * 32,
        ),
        # `pip install .` from a clone: the clone's origin at its HEAD, readable by CI
        (
            {"url": "file:///home/me/glossary-site", "dir_info": {}},
            lambda folder: (
                ("git@github.com:me/glossary-site.git", SHA)
                if folder == Path("/home/me/glossary-site")
                else None
            ),
            f"glossary-site @ git+https://github.com/me/glossary-site.git@{SHA}",
        ),
        # nothing another machine can fetch: a local remote, no clone, a local wheel
        (
            {"url": "file:///home/me/gs", "dir_info": {"editable": True}},
            lambda f: ("/srv/git/gs.git", SHA),
            None,
        ),
        ({"url": "file:///home/me/gs", "dir_info": {}}, lambda f: None, None),
        (
            {"url": "file:///tmp/glossary_site-0.1.0-py3-none-any.whl", "archive_info": {}},
            _no_checkout,
            None,
        ),
    ],
)
def test_requirements_name_the_tool_by_a_source_ci_can_fetch(direct, checkout, expected):
    source = source_of(direct, "0.1.0", checkout)
    assert source.requirement == expected
    [found] = _requirement_lines(requirements(source))
    assert found.name == "glossary-site"
    if expected is None:  # a line that fails loudly, with a comment saying what to write
        assert str(found) == f"glossary-site=={__version__}"
        assert "REPLACE the next line" in requirements(source)
    else:
        assert str(found) == expected
        assert "REPLACE" not in requirements(source)


def test_a_local_clone_is_named_by_its_origin_remote_and_head(tmp_path):
    clone = tmp_path / "glossary-site"
    clone.mkdir()
    git = ["git", "-C", str(clone), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    (clone / "pyproject.toml").write_text("[project]\nname = 'glossary-site'\n")
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "one"], check=True)
    assert _checkout(clone) is None  # no remote yet
    subprocess.run([*git, "remote", "add", "origin", "https://example.org/me/gs.git"], check=True)
    head = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True).stdout
    assert _checkout(clone) == ("https://example.org/me/gs.git", head.strip())
    source = source_of({"url": clone.as_uri(), "dir_info": {}}, "0.1.0", _checkout)
    assert source.requirement == f"glossary-site @ git+https://example.org/me/gs.git@{head.strip()}"
    assert _checkout(tmp_path / "nowhere") is None


def test_init_writes_the_requirements_of_the_running_install(tmp_path):
    init_site(tmp_path)
    text = (tmp_path / REQUIREMENTS).read_text(encoding="utf-8")
    [found] = _requirement_lines(text)
    assert found.name == "glossary-site"
    assert text == requirements(source_of_running())
    assert isinstance(source_of_running(), Source)

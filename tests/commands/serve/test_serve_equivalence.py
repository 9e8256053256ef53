"""After any sequence of edits, the preview serves what a fresh `glossary build` writes.

A hypothesis state machine edits a small site at random (bodies with wiki links, titles,
aliases, areas, renames, deletions, additions, broken files and their fixes, site
settings, a template override, static files) and after each step compares the session's
snapshot with a fresh `--no-cache` build of the same folder, file by file and byte by
byte; when the fresh build fails, the rebuild must fail with the same problems and keep
serving the last good snapshot.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from conftest import area, build_in, page, tree_bytes, write_site
from glossary_site.commands.build import BuildOptions
from glossary_site.commands.serve.session import Session, Snapshot
from glossary_site.errors import ContentError
from glossary_site.write import MARKER
from serve_preview import copy_basic

AREAS = ["margin", "options", "risk"]
TITLES = ["Initial Margin", "Premium", "Strike", "Mark Price", "Funding Rate", "Leverage"]
WORDS = ["margin", "premium", "strike", "price", "the", "leverage", "rate", "funding", "a"]

SITE = """\
name: {name}
base_url: https://glossary.test/sub/
per_page: {per_page}
"""


def served_files(snapshot: Snapshot) -> dict[str, bytes]:
    """Every file the snapshot serves, as bytes (copied files read from their source)."""
    files = dict(snapshot.rendered)
    for path, item in snapshot.copied.items():
        files[path] = Path(item.source).read_bytes()
    return files


def fresh_build(root: Path) -> dict[str, bytes] | tuple:
    """A fresh, uncached build's files, or the problems it stops with."""
    out = Path(tempfile.mkdtemp(prefix="fresh-"))
    try:
        build_in(root, out=out / "build", use_cache=False)
    except ContentError as exc:
        return exc.problems
    else:
        files = tree_bytes(out / "build")
        files.pop(MARKER)
        return files
    finally:
        shutil.rmtree(out, ignore_errors=True)


slugs = st.sampled_from(["alpha", "beta", "gamma", "delta", "epsilon"])
kinds = st.sampled_from(["term", "definition"])
bodies = st.lists(
    st.one_of(
        st.sampled_from(WORDS),
        st.sampled_from(TITLES).map(lambda t: f"[[{t}]]"),
        st.sampled_from(TITLES),
    ),
    max_size=12,
).map(lambda words: " ".join(words) + "\n")


@settings(
    max_examples=8,
    stateful_step_count=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
class ServeMatchesFreshBuild(RuleBasedStateMachine):
    """The session's snapshot equals a fresh build after every step."""

    @initialize()
    def make_site(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="serve-eq-")) / "site"
        files: dict[str, str | bytes] = {
            f"content/area/{name}.md": area(name.title()) for name in AREAS
        }
        for index, slug in enumerate(["alpha", "beta", "gamma"]):
            files[f"content/definition/{slug}.md"] = page(
                TITLES[index], areas=[AREAS[index]], body=f"About {TITLES[index + 1]}.\n"
            )
        files["static/notes.txt"] = "hello\n"
        write_site(self.root, files, SITE.format(name="Test", per_page=2))
        self.session = Session(self.root, BuildOptions(jobs=1))
        self.touched: list[str] = []
        self.last_good: Snapshot | None = None
        self.rebuild()

    def teardown(self) -> None:
        shutil.rmtree(self.root.parent, ignore_errors=True)

    def pages(self) -> list[Path]:
        return sorted((self.root / "content").glob("*/*.md"))

    def entries(self) -> list[Path]:
        return [p for p in self.pages() if p.parent.name != "area"]

    def write(self, rel: str, text: str) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.touched.append(rel)

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def rebuild(self) -> None:
        outcome = self.session.build(jobs=1, touched=self.touched)
        self.touched = []
        expected = fresh_build(self.root)
        if isinstance(expected, tuple):
            assert not outcome.ok, "the preview rebuilt a site that `glossary build` refuses"
            assert outcome.problems == expected
            assert self.session.current is self.last_good
        else:
            assert outcome.ok, outcome.problems or outcome.internal
            assert served_files(outcome.snapshot) == expected
            self.last_good = outcome.snapshot

    # ------------------------------------------------------------ edits

    @rule(slug=slugs, kind=kinds, title=st.sampled_from(TITLES), body=bodies)
    def add_or_replace_entry(self, slug: str, kind: str, title: str, body: str) -> None:
        self.write(f"content/{kind}/{slug}.md", page(title, body=body, areas=[AREAS[0]]))
        self.rebuild()

    @rule(data=st.data(), body=bodies)
    def edit_body(self, data: st.DataObject, body: str) -> None:
        if not self.entries():
            return
        path = data.draw(st.sampled_from(self.entries()))
        text = path.read_text(encoding="utf-8")
        head, sep, _ = text.rpartition("---\n")
        self.write(self.rel(path), head + sep + "\n" + body)
        self.rebuild()

    @rule(data=st.data(), word=st.sampled_from([*WORDS, "zebra", "quokka"]))
    def add_a_word(self, data: st.DataObject, word: str) -> None:
        """Mostly an edit of text alone (textedit.py), unless the word links or mentions."""
        if not self.entries():
            return
        path = data.draw(st.sampled_from(self.entries()))
        text = path.read_text(encoding="utf-8")
        self.write(self.rel(path), text.rstrip("\n") + f" {word}\n")
        self.rebuild()

    @rule(
        data=st.data(),
        title=st.sampled_from(TITLES),
        aliases=st.lists(st.sampled_from(WORDS), max_size=2),
    )
    def change_title_and_aliases(self, data: st.DataObject, title: str, aliases: list[str]) -> None:
        if not self.entries():
            return
        path = data.draw(st.sampled_from(self.entries()))
        areas = data.draw(st.lists(st.sampled_from(AREAS), min_size=1, max_size=2, unique=True))
        self.write(self.rel(path), page(title, aliases=aliases, areas=areas, body=f"On {title}.\n"))
        self.rebuild()

    @rule(data=st.data(), new_slug=slugs)
    def rename(self, data: st.DataObject, new_slug: str) -> None:
        if not self.entries():
            return
        path = data.draw(st.sampled_from(self.entries()))
        new = path.with_name(f"{new_slug}.md")
        if new.exists():
            return
        path.rename(new)
        self.touched += [self.rel(path), self.rel(new)]
        self.rebuild()

    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        if not self.entries():
            return
        path = data.draw(st.sampled_from(self.entries()))
        path.unlink()
        self.touched.append(self.rel(path))
        self.rebuild()

    @rule(
        data=st.data(),
        broken=st.sampled_from(["---\ntitle: [\n---\n", "no front matter", "---\ntitle: X\n---\n"]),
    )
    def break_a_file(self, data: st.DataObject, broken: str) -> None:
        path = data.draw(st.sampled_from(self.pages()))
        self.write(self.rel(path), broken)
        self.rebuild()

    @rule(data=st.data())
    def fix_broken_files(self, data: st.DataObject) -> None:
        for path in self.pages():
            text = path.read_text(encoding="utf-8")
            if "summary:" in text or (path.parent.name == "area" and "## " in text):
                continue
            if path.parent.name == "area":
                self.write(self.rel(path), area(path.stem.title()))
            else:
                self.write(self.rel(path), page(path.stem.title(), areas=[AREAS[1]]))
        self.rebuild()

    @rule(
        area_name=st.sampled_from(AREAS),
        title=st.sampled_from(["Margin", "Options", "Risk", "Hedging"]),
    )
    def retitle_area(self, area_name: str, title: str) -> None:
        self.write(f"content/area/{area_name}.md", area(title))
        self.rebuild()

    @rule(name=st.sampled_from(["Test", "Other"]), per_page=st.sampled_from([1, 2, 30]))
    def change_settings(self, name: str, per_page: int) -> None:
        self.write("content/site.yaml", SITE.format(name=name, per_page=per_page))
        self.rebuild()

    @rule(footer=st.sampled_from(["", "Preview footer", "{{ missing_variable }}"]))
    def override_footer(self, footer: str) -> None:
        rel = "templates/base.html"
        if footer:
            self.write(
                rel,
                '{% extends "default/base.html" %}{% block footer %}' + footer + "{% endblock %}",
            )
        elif (self.root / rel).exists():
            (self.root / rel).unlink()
            self.touched.append(rel)
        self.rebuild()

    @rule(text=st.sampled_from(["hello\n", "changed\n", ""]))
    def edit_static(self, text: str) -> None:
        if text:
            self.write("static/notes.txt", text)
        elif (self.root / "static/notes.txt").exists():
            (self.root / "static/notes.txt").unlink()
            self.touched.append("static/notes.txt")
        self.rebuild()

    @invariant()
    def nothing_written_into_the_site(self) -> None:
        assert not (self.root / "build").exists()


TestServeMatchesFreshBuild = ServeMatchesFreshBuild.TestCase


def test_a_first_build_reads_intact_files_of_the_last_build_and_renders_the_rest(tmp_path):
    root = copy_basic(tmp_path / "site")
    build_in(root)
    tampered = root / "build/definition/premium/index.html"
    tampered.write_bytes(tampered.read_bytes().replace(b"Premium", b"Tampered"))
    outcome = Session(root, BuildOptions(jobs=1)).build(jobs=1)
    assert outcome.ok
    assert 0 < outcome.redone < len(outcome.snapshot.rendered) / 2
    assert served_files(outcome.snapshot) == fresh_build(root)
    assert b"Tampered" not in outcome.snapshot.rendered["definition/premium/index.html"]

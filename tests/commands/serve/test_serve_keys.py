"""A full rebuild of `glossary serve` keys again only the outputs whose inputs can have
changed (render.output_keys) and checks output collisions again only when the output paths
or the static files changed. Both memos must give what computing everything gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_serve_equivalence import fresh_build, served_files

from conftest import SITE_YAML, area, page, write_site
from glossary_site.commands import build as build_module
from glossary_site.commands.build import BuildOptions
from glossary_site.commands.serve.session import Outcome, Session
from glossary_site.render import Renderer, keyed, output_keys
from glossary_site.render.outputs import parent_pages

# each relation a card is listed by is, for some page, the only one listing that card there
FILES: dict[str, str | bytes] = {
    "content/area/margin.md": area("Margin", {"Mechanism": "Not [[term/leverage]]. It is more."}),
    "content/area/margin/intraday.md": area("Intraday Margin"),
    "content/area/risk.md": area("Risk"),
    "content/definition/initial-margin.md": page(
        "Initial Margin",
        areas=["margin"],
        related=["leverage"],
        body="Collateral first, or a [[definition/margin-call]].\n",
    ),
    "content/definition/premium.md": page(
        "Premium",
        areas=["margin", "risk"],
        body="Paid: [[definition/initial-margin]].\n",
    ),
    "content/term/leverage.md": page(
        "Leverage", areas=["risk"], body="Borrowing to trade: [[definition/premium]].\n"
    ),
    "content/definition/margin-call.md": page("Margin Call", areas=["margin"]),
    "content/definition/margin-call/variation.md": page("Variation Call", areas=["risk"]),
    "content/term/haircut.md": page("Haircut", body="A cut: [[definition/margin-call]].\n"),
    # two pages linking to the nested page: it has a "What links here" page
    "content/term/spread.md": page("Spread", body="See [[definition/margin-call/variation]].\n"),
    "content/term/basis.md": page("Basis", body="See [[definition/margin-call/variation]].\n"),
}


def retitle(session: Session, root: Path, rel: str, old: str, new: str) -> Outcome:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(f'title: "{old}"', f'title: "{new}"'), encoding="utf-8")
    return session.build(jobs=1, touched=[rel])


def fresh_keys(session: Session) -> list[tuple[str, str]]:
    """(path, key) of every output of the last build, each computed anew."""
    assert session._built is not None
    renderer = session._built.renderer
    return [keyed(renderer, job)[:2] for job in session._built.outputs]


@pytest.fixture
def served(tmp_path: Path) -> tuple[Session, Path]:
    # two pages link to the margin call: more than "Referenced by" shows, so it has a
    # "What links here" page
    root = write_site(tmp_path / "site", FILES, SITE_YAML + "referenced_by: 1\n")
    session = Session(root, BuildOptions(jobs=1))
    assert session.build(jobs=1).ok
    graph = session._built.analysis.graph
    # the fixture has every relation a listed card comes by
    assert "term/leverage" in graph.related["definition/initial-margin"]
    assert "definition/premium" in graph.backlinks["definition/initial-margin"]
    assert "definition/premium" in graph.links["term/leverage"]
    assert "area/margin" in graph.glossary["definition/premium"]
    assert parent_pages(graph, "definition/margin-call/variation") == ("definition/margin-call",)
    assert parent_pages(graph, "area/margin/intraday") == ("area/margin",)
    assert "definition/margin-call" in graph.links["term/haircut"]
    assert graph.links["area/margin"] == ("term/leverage",)
    assert any(job.kind == "links" for job in session._built.outputs)
    return session, root


@pytest.mark.parametrize(
    ("rel", "old", "new"),
    [
        # listed as related, linked to (hover definitions), linking (Referenced by), members
        ("content/definition/premium.md", "Premium", "Option Premium"),
        # a parent: the breadcrumbs of the nested page
        ("content/definition/margin-call.md", "Margin Call", "Call for Margin"),
        # an area: the glossary box of its members, the A-Z index of areas
        ("content/area/risk.md", "Risk", "Market Risk"),
    ],
)
def test_a_title_edit_rekeys_what_lists_the_page_and_keeps_the_rest(served, rel, old, new):
    session, root = served
    before = session._key_memo
    outcome = retitle(session, root, rel, old, new)
    assert outcome.ok, outcome.problems or outcome.internal
    assert session._built is not None
    renderer, jobs = session._built.renderer, list(session._built.outputs)
    found, _, computed = output_keys(renderer, jobs, before)
    assert found == fresh_keys(session)  # nothing that lists the page keeps a stale key
    assert computed < len(jobs) // 2  # and the pages that cannot have changed kept theirs
    assert served_files(outcome.snapshot) == fresh_build(root)
    # a second rebuild from the memo the first one left is the same again
    outcome = retitle(session, root, rel, new, old)
    assert [(p, outcome.snapshot.keys[p]) for p, _ in fresh_keys(session)] == fresh_keys(session)
    assert served_files(outcome.snapshot) == fresh_build(root)


def test_every_output_listing_a_changed_card_is_keyed_again(served):
    """Whatever relation lists a page (related, glossary box, Discover More, Referenced by,
    the body's links, breadcrumbs, an area's members), a new card of it re-keys the list."""
    session, _ = served
    assert session._built is not None
    old, jobs = session._built.renderer, list(session._built.outputs)
    memo = output_keys(old, jobs)[1]
    for page_id in old.graph.pages:
        digests = {**old._digests, page_id: b"the card of this page changed"}
        renderer = Renderer(old.graph, theme=old.theme, salt=old.salt, _env=old._env)
        renderer._digests.update(digests)
        found, _, computed = output_keys(renderer, jobs, memo)
        assert found == [keyed(renderer, job)[:2] for job in jobs], page_id
        assert computed < len(jobs) // 2


def test_new_settings_key_everything_again(served):
    session, root = served
    before = session._key_memo
    settings = root / "content/site.yaml"
    settings.write_text(settings.read_text().replace("referenced_by: 1", "referenced_by: 2"))
    outcome = session.build(jobs=1, touched=["content/site.yaml"])
    assert outcome.ok
    jobs = list(session._built.outputs)
    found, _, computed = output_keys(session._built.renderer, jobs, before)
    assert computed == len(jobs) and found == fresh_keys(session)
    assert served_files(outcome.snapshot) == fresh_build(root)


def test_collisions_are_checked_again_when_paths_or_static_files_change(served, monkeypatch):
    session, root = served
    calls = []
    check = build_module._check_collisions
    monkeypatch.setattr(build_module, "_check_collisions", lambda *a: calls.append(1) or check(*a))
    outcome = retitle(session, root, "content/term/leverage.md", "Leverage", "Gearing")
    assert outcome.ok and "search/t/ge.json" in outcome.changed  # a new path, and harmless
    assert calls == []  # so no full check: the static files are those of a build that passed
    (root / "content/term/index.html.md").write_text(page("Index Page"))
    outcome = session.build(jobs=1, touched=["content/term/index.html.md"])
    assert not outcome.ok and "cannot both be published" in outcome.problems[0].message
    (root / "content/term/index.html.md").unlink()
    assert session.build(jobs=1, touched=["content/term/index.html.md"]).ok
    (root / "static/definition").mkdir(parents=True)
    (root / "static/definition/premium").write_text("a file where a folder goes\n")
    outcome = session.build(jobs=1, touched=["static/definition/premium"])
    assert not outcome.ok and "cannot both be published" in outcome.problems[0].message
    assert len(calls) == 3  # the page, the first build after a failed one, the static file
    (root / "static/definition/premium").unlink()
    outcome = session.build(jobs=1, touched=["static/definition/premium"])
    assert outcome.ok and served_files(outcome.snapshot) == fresh_build(root)

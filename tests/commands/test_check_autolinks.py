"""`glossary check --auto-links`: per target, how many pages auto-link it."""

from __future__ import annotations

import json

from conftest import page, run_cli, write_site

FILES = {
    "content/definition/margin-call.md": page("Margin Call"),
    "content/definition/mark-price.md": page("Mark Price"),
    "content/definition/funding.md": page("Funding Rate"),
    "content/term/a.md": page("Alpha", body="A margin call at the mark price.\n"),
    "content/term/b.md": page("Beta", body="Another margin call; a funding rate.\n"),
    "content/term/c.md": page("Gamma", body="Margin call again, then [[Mark Price]].\n"),
}


def test_targets_most_linked_first_in_text(tmp_path):
    root = write_site(tmp_path, FILES)
    result = run_cli("check", "--auto-links", "--source", str(root))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "5 auto-links on 6 pages (0.8 per page, at most 2 on one page)"
    rows = [line.split()[:2] for line in lines[2:]]
    assert rows == [
        ["3", "definition/margin-call"],
        ["1", "definition/funding"],
        ["1", "definition/mark-price"],
    ]


def test_json_report(tmp_path):
    root = write_site(tmp_path, FILES)
    result = run_cli("check", "--auto-links", "--format", "json", "--source", str(root))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["links"] == 5 and report["pages"] == 6 and report["most_on_one_page"] == 2
    assert report["targets"][0] == {
        "target": "definition/margin-call",
        "title": "Margin Call",
        "file": "content/definition/margin-call.md",
        "pages": 3,
    }
    # an explicit wiki link is not an auto-link
    assert {t["target"]: t["pages"] for t in report["targets"]}["definition/mark-price"] == 1


def test_a_site_with_errors_reports_them_instead(tmp_path):
    files = {**FILES, "content/term/d.md": page("Delta", related=["Nowhere"])}
    root = write_site(tmp_path, files)
    result = run_cli("check", "--auto-links", "--source", str(root))
    assert result.returncode == 1
    assert "content/term/d.md" in result.stderr and "Nowhere" in result.stderr

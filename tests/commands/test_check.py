"""check.py and `glossary check`: findings, severities, exit codes, JSON."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import area, page, run_cli, write_site
from glossary_site.commands.check import CheckOptions, check


def findings(root: Path, **options) -> list[tuple[str, int, str, str]]:
    return [
        (p.path, p.line, p.severity, p.code)
        for p in check(root, CheckOptions(use_cache=False, jobs=1, **options))
    ]


def healthy(tmp_path: Path, **extra: str) -> Path:
    files = {
        "content/area/margin.md": area("Margin"),
        "content/term/leverage-ratio.md": page(
            "Leverage Ratio", areas=["margin"], related=["initial-margin"]
        ),
        "content/definition/initial-margin.md": page(
            "Initial Margin", areas=["margin"], related=["leverage-ratio"]
        ),
    }
    files.update(extra)
    return write_site(tmp_path / "site", files)


def test_a_healthy_site_has_no_findings(tmp_path):
    root = healthy(tmp_path)
    assert findings(root) == []
    result = run_cli("check", "--source", str(root), "--no-cache")
    assert result.returncode == 0
    assert result.stdout.strip() == "No problems found."


def test_near_duplicate_titles_are_warned_about(tmp_path):
    root = healthy(
        tmp_path,
        **{
            "content/term/leverage-ratios.md": page(
                "Leverage Ratios", areas=["margin"], related=["leverage-ratio"]
            )
        },
    )
    problems = check(root, CheckOptions(use_cache=False, jobs=1))
    [dup] = [p for p in problems if p.code == "near-duplicate"]
    assert dup.path == "content/term/leverage-ratios.md" and dup.line == 2
    assert dup.severity == "warning"
    assert dup.message.startswith(
        "'Leverage Ratios' is nearly the same as 'Leverage Ratio' "
        "(content/term/leverage-ratio.md, 97% similar)"
    )
    assert dup.suggestions == ("term/leverage-ratio",)


def test_an_alias_naming_the_other_silences_the_duplicate(tmp_path):
    root = healthy(
        tmp_path,
        **{
            "content/term/leverage-ratios.md": page(
                "Leverage Ratios",
                areas=["margin"],
                related=["leverage-ratio"],
                aliases=["Leverage Ratio"],
            )
        },
    )
    assert "near-duplicate" not in [code for *_, code in findings(root)]


def test_orphans_entries_without_areas_and_empty_areas(tmp_path):
    root = healthy(
        tmp_path,
        **{
            "content/definition/lonely.md": page("Lonely"),
            "content/area/empty.md": area("Empty Area"),
        },
    )
    assert findings(root) == [
        ("content/area/empty.md", 1, "warning", "empty-area"),
        ("content/definition/lonely.md", 1, "warning", "no-areas"),
        ("content/definition/lonely.md", 1, "warning", "orphan"),
    ]


def test_self_reference_is_reported(tmp_path):
    root = healthy(
        tmp_path,
        **{
            "content/definition/initial-margin.md": page(
                "Initial Margin", areas=["margin"], related=["leverage-ratio", "initial-margin"]
            )
        },
    )
    assert ("content/definition/initial-margin.md", 6, "warning", "self-reference") in findings(
        root
    )


def test_warnings_exit_zero_and_strict_turns_them_into_errors(tmp_path):
    root = healthy(tmp_path, **{"content/definition/lonely.md": page("Lonely")})
    relaxed = run_cli("check", "--source", str(root), "--no-cache")
    assert relaxed.returncode == 0
    assert f"{root}/content/definition/lonely.md:1: warning: orphan" in relaxed.stdout
    strict = run_cli("check", "--source", str(root), "--no-cache", "--strict")
    assert strict.returncode == 1
    assert f"{root}/content/definition/lonely.md:1: orphan" in strict.stdout


def test_errors_exit_one(tmp_path):
    root = healthy(
        tmp_path,
        **{
            "content/definition/broken.md": page(
                "Broken", areas=["margin"], related=["no-such-page"]
            )
        },
    )
    result = run_cli("check", "--source", str(root), "--no-cache")
    assert result.returncode == 1
    assert (
        "content/definition/broken.md:6: related: 'no-such-page' does not match"
        in result.stdout + result.stderr
    )


def test_json_format_lists_every_field(tmp_path):
    root = healthy(
        tmp_path,
        **{
            "content/definition/broken.md": page(
                "Broken", areas=["margin"], related=["leverage-rato"]
            )
        },
    )
    result = run_cli("check", "--source", str(root), "--no-cache", "--format", "json")
    data = json.loads(result.stdout)
    broken = next(f for f in data if f["code"] == "unresolved-reference")
    assert broken == {
        "file": f"{root}/content/definition/broken.md",
        "line": 6,
        "severity": "error",
        "code": "unresolved-reference",
        "message": broken["message"],
        "suggestions": broken["suggestions"],
    }
    assert broken["suggestions"] == ["leverage-ratio"]


def test_check_reports_load_errors_too(tmp_path):
    root = healthy(tmp_path, **{"content/term/bad.md": "---\ntitle: [unclosed\n---\n"})
    result = run_cli("check", "--source", str(root), "--no-cache")
    assert result.returncode == 1
    assert f"{root}/content/term/bad.md:" in result.stderr + result.stdout


def test_check_writes_no_output_folder(tmp_path):
    root = healthy(tmp_path)
    run_cli("check", "--source", str(root))
    assert not (root / "build").exists()

"""Problems found in content, as values that carry their file and line."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True, slots=True)
class Problem:
    """One finding: `path:line: message`, where path is relative to the site root."""

    path: str
    line: int
    message: str
    code: str = field(default="error", compare=False)
    severity: Severity = field(default="error", compare=False)
    suggestions: tuple[str, ...] = field(default=(), compare=False)

    def format(self) -> str:
        """The one-line form shown to authors: `content/term/x.md:7: message`."""
        label = "warning: " if self.severity == "warning" else ""
        return f"{_printable(self.path)}:{self.line}: {label}{_printable(self.message)}"

    def as_dict(self) -> dict[str, object]:
        """The machine-readable form used by `glossary check --format json`."""
        return {
            "file": self.path,
            "line": self.line,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "suggestions": list(self.suggestions),
        }

    @classmethod
    def from_fields(cls, fields: Any) -> Problem:
        """The inverse of its fields as a list (how the build cache keeps them)."""
        path, line, message, code, severity, suggestions = fields
        return cls(path, line, message, code, severity, tuple(suggestions))

    def as_warning(self) -> Problem:
        """The same finding at warning severity."""
        return Problem(self.path, self.line, self.message, self.code, "warning", self.suggestions)

    def as_error(self) -> Problem:
        """The same finding at error severity (for `check --strict`)."""
        return Problem(self.path, self.line, self.message, self.code, "error", self.suggestions)


def _printable(text: str) -> str:
    """Text on one line: control characters (a newline in a file name) are escaped."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode() for ch in text)


class ContentError(Exception):
    """Raised by a stage when content problems stop the build; carries all of them."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems: tuple[Problem, ...] = tuple(sorted(set(problems)))
        super().__init__(format_problems(self.problems))

    def __reduce__(self) -> tuple[type, tuple[tuple[Problem, ...]]]:
        # raised in a worker process, it must arrive whole in the parent
        return (ContentError, (self.problems,))


class OutputError(Exception):
    """The output folder cannot be written (permissions, full disk, not ours to replace)."""


def errors_only(problems: Iterable[Problem]) -> list[Problem]:
    """The problems that stop a build."""
    return [p for p in problems if p.severity == "error"]


def format_problems(problems: Iterable[Problem], errors_first: bool = False) -> str:
    """All problems, sorted by file and line (errors before warnings if asked), then a count."""
    items = sorted(set(problems), key=lambda p: (errors_first and p.severity != "error", p))
    lines = [p.format() for p in items]
    errors = sum(1 for p in items if p.severity == "error")
    warnings = len(items) - errors
    lines.append(_count_line(errors, warnings))
    return "\n".join(lines)


def _count_line(errors: int, warnings: int) -> str:
    parts = []
    if errors:
        parts.append(f"{errors} error{'s' if errors != 1 else ''}")
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return ", ".join(parts) if parts else "no problems"

"""Split a page into YAML front matter and Markdown body; parse YAML keeping each key's line.

PyYAML's loaders forget where values came from and silently accept duplicate keys,
so we compose the node tree ourselves and build plain values from it, recording the
file line of every key and list item. Timestamps stay strings: the model parses them,
keeping the offset exactly as written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

try:  # the C parser is ~10x faster; fall back to pure Python where libyaml is missing
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader

Path = tuple[str | int, ...]
MAX_DEPTH = 40


class ParseFailure(Exception):
    """A problem found while reading one file: its 1-based line and message."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True, slots=True)
class SplitPage:
    """A page's front matter text and body, with the file lines where each starts."""

    front: str
    front_line: int
    body: str
    body_line: int


@dataclass(frozen=True, slots=True)
class YamlMapping:
    """Plain values from YAML plus the file line of every key and list item."""

    data: dict[str, Any]
    lines: dict[Path, int]

    def line(self, path: Path, default: int) -> int:
        """The line of `path`, or of its nearest recorded parent."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return default


def decode(raw: bytes) -> str:
    """UTF-8 text with any BOM removed and line endings normalised to `\\n`."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        bad = raw[exc.start]
        raise ParseFailure(
            before.count(b"\n") + 1, f"not valid UTF-8 (byte 0x{bad:02x}); save the file as UTF-8"
        ) from None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    nul = text.find("\x00")
    if nul != -1:
        raise ParseFailure(text.count("\n", 0, nul) + 1, "contains a NUL character")
    return text


def split(text: str) -> SplitPage:
    """Separate the `---` fenced front matter from the body."""
    if not text.strip():
        raise ParseFailure(1, "empty file: a page starts with '---', its front matter, and '---'")
    first_end = text.find("\n")
    first = text if first_end == -1 else text[:first_end]
    if first.rstrip() != "---":
        raise ParseFailure(1, "missing front matter: the file must start with a '---' line")
    pos = first_end + 1 if first_end != -1 else len(text)
    start = pos
    while True:
        end = text.find("\n", pos)
        line = text[pos:] if end == -1 else text[pos:end]
        if line.rstrip() in ("---", "..."):
            break
        if end == -1:
            raise ParseFailure(1, "front matter is not closed: add a '---' line after it")
        pos = end + 1
    body_start = len(text) if end == -1 else end + 1
    body_line = text.count("\n", 0, body_start) + 1
    return SplitPage(text[start:pos], 2, text[body_start:], body_line)


def parse_mapping(source: str, first_line: int) -> YamlMapping:
    """Parse YAML text that must be a mapping; lines are reported relative to the file."""
    root = _compose(source, first_line)
    if root is None:
        return YamlMapping({}, {})
    if not isinstance(root, yaml.MappingNode):
        kind = "a list" if isinstance(root, yaml.SequenceNode) else "a single value"
        raise ParseFailure(
            first_line + root.start_mark.line,
            f"front matter must be a mapping of 'key: value' lines, found {kind}",
        )
    lines: dict[Path, int] = {}
    data = _build(root, (), lines, first_line, set(), 0)
    return YamlMapping(data, lines)


def _compose(source: str, first_line: int) -> yaml.Node | None:
    try:
        return yaml.compose(source, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        raise ParseFailure(*_yaml_message(exc, source, first_line)) from None
    except yaml.YAMLError as exc:  # reader errors carry a position, not a mark
        position = getattr(exc, "position", 0) or 0
        line = first_line + source.count("\n", 0, position)
        raise ParseFailure(line, f"invalid YAML: {exc}") from None


def _yaml_message(exc: yaml.MarkedYAMLError, source: str, first_line: int) -> tuple[int, str]:
    mark = exc.problem_mark or exc.context_mark
    line_index = mark.line if mark else 0
    problem = exc.problem or "could not be parsed"
    message = f"invalid YAML: {problem}"
    if exc.context and exc.context_mark and mark and exc.context_mark.line != mark.line:
        message += f" ({exc.context} at line {first_line + exc.context_mark.line})"
    lines = source.split("\n")
    if 0 <= line_index < len(lines) and "\t" in lines[line_index]:
        message += "; indent with spaces, YAML does not allow tabs"
    return first_line + line_index, message


_SCALARS = {
    "tag:yaml.org,2002:null": lambda node: None,
    "tag:yaml.org,2002:str": lambda node: node.value,
    "tag:yaml.org,2002:timestamp": lambda node: node.value,
    # YAML 1.2 booleans: `title: No` or `yes` stays text, only true/false are booleans
    "tag:yaml.org,2002:bool": lambda node: (
        node.value.lower() == "true" if node.value.lower() in ("true", "false") else node.value
    ),
    "tag:yaml.org,2002:int": lambda node: _CONSTRUCTOR.construct_yaml_int(node),
    "tag:yaml.org,2002:float": lambda node: _CONSTRUCTOR.construct_yaml_float(node),
}
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


def _build(
    node: yaml.Node, path: Path, lines: dict[Path, int], offset: int, seen: set[int], depth: int
) -> Any:
    line = offset + node.start_mark.line
    if depth > MAX_DEPTH:
        raise ParseFailure(line, "front matter is nested too deeply")
    if id(node) in seen:
        raise ParseFailure(line, "YAML anchors and aliases (&name, *name) are not supported")
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        return _build_mapping(node, path, lines, offset, seen, depth)
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, child in enumerate(node.value):
            lines[(*path, index)] = offset + child.start_mark.line
            items.append(_build(child, (*path, index), lines, offset, seen, depth + 1))
        return items
    build = _SCALARS.get(node.tag)
    if build is None:
        raise ParseFailure(line, f"unsupported YAML tag {node.tag!r}")
    try:
        return build(node)
    except (ValueError, yaml.YAMLError):
        raise ParseFailure(line, f"invalid value {node.value!r}") from None


def _build_mapping(
    node: yaml.MappingNode,
    path: Path,
    lines: dict[Path, int],
    offset: int,
    seen: set[int],
    depth: int,
) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key_line = offset + key_node.start_mark.line
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
            raise ParseFailure(key_line, "keys must be plain names")
        key = key_node.value
        if key in result:
            first = lines[(*path, key)]
            raise ParseFailure(key_line, f"duplicate key '{key}' (first given at line {first})")
        lines[(*path, key)] = key_line
        result[key] = _build(value_node, (*path, key), lines, offset, seen, depth + 1)
    return result

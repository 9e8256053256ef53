"""frontmatter.py: decode bytes, split off the front matter, parse YAML keeping lines."""

from __future__ import annotations

import pytest

from glossary_site.load import ParseFailure, decode, parse_mapping, split


def failure(fn, *args) -> ParseFailure:
    with pytest.raises(ParseFailure) as caught:
        fn(*args)
    return caught.value


# ------------------------------------------------------------------ decode


def test_decode_strips_utf8_bom():
    assert decode(b"\xef\xbb\xbf---\ntitle: x\n") == "---\ntitle: x\n"


def test_decode_normalises_crlf_and_lone_cr_to_newlines():
    assert decode(b"a\r\nb\rc\n") == "a\nb\nc\n"


def test_decode_reports_line_of_invalid_utf8_byte():
    problem = failure(decode, b"---\ntitle: ok\nsummary: caf\xe9\n---\n")
    assert problem.line == 3
    assert problem.message == "not valid UTF-8 (byte 0xe9); save the file as UTF-8"


def test_decode_counts_lines_after_bom_for_invalid_byte():
    problem = failure(decode, b"\xef\xbb\xbf---\r\ntitle: ok\r\n\xff\r\n")
    assert problem.line == 3


def test_decode_bad_byte_line_counts_lone_cr_line_breaks():
    # decode treats a lone CR as a line break everywhere else, so the reported
    # line of a bad byte must count CR-only line endings too
    problem = failure(decode, b"---\rtitle: ok\r\xff\r---\r")
    assert problem.line == 3


def test_decode_refuses_nul_character_at_its_line():
    problem = failure(decode, b"---\ntitle: a\nsummary: b\x00c\n---\n")
    assert (problem.line, problem.message) == (3, "contains a NUL character")


# ------------------------------------------------------------------- split


def test_split_returns_front_matter_body_and_lines():
    parts = split("---\ntitle: x\nsummary: y\n---\n\nBody line.\n")
    assert parts.front == "title: x\nsummary: y\n"
    assert parts.front_line == 2
    assert parts.body == "\nBody line.\n"
    assert parts.body_line == 5


def test_split_accepts_yaml_document_end_marker_as_closing_fence():
    parts = split("---\ntitle: x\n...\nBody\n")
    assert parts.front == "title: x\n"
    assert parts.body == "Body\n"


def test_split_accepts_closing_fence_at_end_of_file_without_newline():
    parts = split("---\ntitle: x\n---")
    assert parts.front == "title: x\n"
    assert parts.body == ""


def test_split_only_first_closing_fence_ends_front_matter():
    parts = split("---\ntitle: x\n---\nabove\n\n---\n\nbelow\n")
    assert parts.front == "title: x\n"
    assert "below" in parts.body and "---" in parts.body


@pytest.mark.parametrize("text", ["", "   \n\n"])
def test_split_refuses_empty_file(text):
    problem = failure(split, text)
    assert (problem.line, problem.message) == (
        1,
        "empty file: a page starts with '---', its front matter, and '---'",
    )


def test_split_refuses_file_without_front_matter():
    problem = failure(split, "# Just markdown\n\n---\n")
    assert (problem.line, problem.message) == (
        1,
        "missing front matter: the file must start with a '---' line",
    )


def test_split_refuses_unclosed_front_matter():
    problem = failure(split, "---\ntitle: x\nsummary: y\n")
    assert (problem.line, problem.message) == (
        1,
        "front matter is not closed: add a '---' line after it",
    )


# ----------------------------------------------------------- parse_mapping


def test_parse_mapping_records_file_line_of_every_key():
    mapping = parse_mapping("title: x\nsummary: y\n\npublished: 2026-01-01T00:00:00Z\n", 2)
    assert mapping.lines[("title",)] == 2
    assert mapping.lines[("summary",)] == 3
    assert mapping.lines[("published",)] == 5


def test_parse_mapping_records_line_of_every_list_item():
    mapping = parse_mapping("title: x\nrelated:\n  - a\n  - b\n\n  - c\n", 2)
    assert mapping.data["related"] == ["a", "b", "c"]
    assert [mapping.lines[("related", i)] for i in range(3)] == [4, 5, 7]


def test_parse_mapping_records_nested_mapping_key_lines():
    mapping = parse_mapping("title: x\nimage:\n  src: a.png\n  width: 3\n", 2)
    assert mapping.lines[("image", "src")] == 4
    assert mapping.lines[("image", "width")] == 5
    assert mapping.line(("image", "height"), 1) == 3  # falls back to the parent key


def test_parse_mapping_keeps_timestamps_as_written_strings():
    mapping = parse_mapping("published: 2026-01-02T10:00:00+01:00\nday: 2026-01-02\n", 2)
    assert mapping.data == {"published": "2026-01-02T10:00:00+01:00", "day": "2026-01-02"}


def test_parse_mapping_builds_plain_scalars():
    mapping = parse_mapping("a: 3\nb: true\nc: ~\nd: 1.5\ne: text\n", 2)
    assert mapping.data == {"a": 3, "b": True, "c": None, "d": 1.5, "e": "text"}


def test_parse_mapping_of_empty_front_matter_is_empty():
    mapping = parse_mapping("", 2)
    assert mapping.data == {} and mapping.lines == {}


def test_parse_mapping_refuses_duplicate_key_naming_first_line():
    problem = failure(parse_mapping, "title: x\nsummary: y\ntitle: z\n", 2)
    assert (problem.line, problem.message) == (4, "duplicate key 'title' (first given at line 2)")


def test_parse_mapping_refuses_duplicate_nested_key():
    problem = failure(parse_mapping, "image:\n  src: a.png\n  src: b.png\n", 2)
    assert (problem.line, problem.message) == (4, "duplicate key 'src' (first given at line 3)")


def test_parse_mapping_refuses_yaml_aliases():
    problem = failure(parse_mapping, "title: &t X\nsummary: *t\n", 2)
    assert problem.message == "YAML anchors and aliases (&name, *name) are not supported"


def test_parse_mapping_refuses_merge_keys():
    problem = failure(parse_mapping, "base: &b {a: 1}\nother:\n  <<: *b\n", 2)
    assert problem.message == "keys must be plain names"
    assert problem.line == 4


def test_parse_mapping_refuses_tab_indentation_with_hint():
    problem = failure(parse_mapping, "title: x\nimage:\n\tsrc: a.png\n", 2)
    assert problem.line == 4
    assert problem.message.startswith("invalid YAML: ")
    assert problem.message.endswith("; indent with spaces, YAML does not allow tabs")


def test_parse_mapping_reports_unclosed_quote_naming_the_opening_line():
    problem = failure(parse_mapping, 'title: "X\nsummary: y\n', 2)
    assert problem.message.startswith("invalid YAML: ")
    assert "quoted scalar at line 2" in problem.message


@pytest.mark.parametrize(
    ("source", "found"), [("- a\n- b\n", "a list"), ("just text\n", "a single value")]
)
def test_parse_mapping_refuses_non_mapping_front_matter(source, found):
    problem = failure(parse_mapping, source, 2)
    assert problem.line == 2
    assert problem.message == f"front matter must be a mapping of 'key: value' lines, found {found}"


def test_parse_mapping_refuses_non_scalar_keys():
    problem = failure(parse_mapping, "? [a, b]\n: value\n", 2)
    assert problem.message == "keys must be plain names"


def test_parse_mapping_refuses_python_object_tags():
    problem = failure(parse_mapping, "title: !!python/name:os.system x\n", 2)
    assert problem.message.startswith("unsupported YAML tag ")
    assert problem.line == 2


def test_parse_mapping_refuses_deep_nesting():
    problem = failure(parse_mapping, "x: " + "[" * 60 + "]" * 60 + "\n", 2)
    assert problem.message == "front matter is nested too deeply"


def test_bom_and_crlf_file_parses_with_same_lines_as_plain_file():
    plain = b"---\ntitle: x\nsummary: y\ntitle: z\n---\n"
    windows = b"\xef\xbb\xbf" + plain.replace(b"\n", b"\r\n")
    for raw in (plain, windows):
        parts = split(decode(raw))
        problem = failure(parse_mapping, parts.front, parts.front_line)
        assert problem.line == 4

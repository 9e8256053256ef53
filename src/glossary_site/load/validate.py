"""Front matter validated against the `model.meta` models; every failure a `path:line` problem."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from glossary_site.errors import Problem
from glossary_site.load.frontmatter import YamlMapping
from glossary_site.model.meta import Frozen, M


def validate_meta(model: type[M], mapping: YamlMapping, path: str) -> M | list[Problem]:
    """Validate front matter against `model`; every failure becomes a `path:line` problem."""
    try:
        return model.model_validate(mapping.data)
    except ValidationError as exc:
        return [_problem(model, err, mapping, path) for err in exc.errors()]


def flat_lines(mapping: YamlMapping) -> dict[str, int]:
    """Key paths as dotted strings ("related.2") mapped to their lines."""
    return {".".join(str(part) for part in key): line for key, line in mapping.lines.items()}


def _problem(model: type[Frozen], err: Any, mapping: YamlMapping, path: str) -> Problem:
    loc = tuple(err["loc"])
    line = mapping.line(loc, 1)
    kind = err["type"]
    name = _display(loc)
    if kind == "missing":
        return Problem(path, 1, f"missing required field '{name}'", "missing-field")
    if kind == "extra_forbidden":
        return _unknown_field(model, loc, line, path)
    return Problem(path, line, f"'{name}' {_explain(err)}", "invalid-field")


# Keys other generators (Hugo, Jekyll, MkDocs, Zola, Docusaurus) use for one of ours: a site
# moving in gets the right name, not the nearest spelling ('date' is closest to 'draft').
FOREIGN_KEYS = {
    "date": "published",
    "lastmod": "modified",
    "tags": "areas",
    "categories": "areas",
    "aka": "aliases",
    "synonyms": "aliases",
    "description": "summary",
    "short_description": "summary",
    "excerpt": "summary",
    "weight": "extra",
    "slug": "extra",
    "id": "extra",
    "full_link": "extra",
}


def _unknown_field(model: type[Frozen], loc: tuple, line: int, path: str) -> Problem:
    known = sorted(_fields_at(model, loc[:-1]))
    key = str(loc[-1])
    foreign = FOREIGN_KEYS.get(key) if len(loc) == 1 else None
    if foreign in known:
        return _foreign_field(key, foreign, line, path)
    from rapidfuzz import fuzz, process  # only a site with this mistake pays for the import

    match = process.extractOne(key, known, scorer=fuzz.ratio, score_cutoff=60)
    if match:
        hint = f"; did you mean '{match[0]}'?"
        suggestions: tuple[str, ...] = (match[0],)
    else:
        hint = f"; known fields: {', '.join(known)}"
        suggestions = ()
    return Problem(
        path, line, f"'{key}' is not a known field{hint}", "unknown-field", suggestions=suggestions
    )


def _foreign_field(key: str, ours: str, line: int, path: str) -> Problem:
    if ours == "extra":
        hint = f"keep what other generators use under 'extra:', e.g. extra: {{{key}: ...}}"
        suggestion = f"extra.{key}"
    else:
        hint = f"other generators' '{key}' is '{ours}' here"
        suggestion = ours
    return Problem(
        path,
        line,
        f"'{key}' is not a known field; {hint}",
        "unknown-field",
        suggestions=(suggestion,),
    )


def _fields_at(model: type[BaseModel], loc: tuple) -> set[str]:
    current: type[BaseModel] = model
    for part in loc:
        if not isinstance(part, str):
            continue
        annotation = current.model_fields[part].annotation
        nested = [a for a in getattr(annotation, "__args__", (annotation,)) if _is_model(a)]
        if not nested:
            break
        current = nested[0]
    return set(current.model_fields)


def _is_model(candidate: Any) -> bool:
    return isinstance(candidate, type) and issubclass(candidate, BaseModel)


def _display(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "front matter"


_EXPLAIN = {
    "string_type": "must be text",
    "list_type": "must be a list, e.g. [first, second]",
    "tuple_type": "must be a list, e.g. [first, second]",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "model_type": "must be a mapping of 'key: value' pairs",
    "model_attributes_type": "must be a mapping of 'key: value' pairs",
    "dict_type": "must be a mapping of 'key: value' pairs",
    "greater_than": "must be greater than {gt}",
    "greater_than_equal": "must be at least {ge}",
}


def _explain(err: Any) -> str:
    template = _EXPLAIN.get(err["type"])
    if template:
        return template.format(**err.get("ctx", {}))
    message = str(err["msg"])
    return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")

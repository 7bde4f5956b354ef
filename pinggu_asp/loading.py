"""Reading declarations from JSON or YAML into the model, with errors that name the field."""

from __future__ import annotations

import difflib
import json
import typing
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from . import yaml_fast
from .model import Declaration, semantic_issues


class InputError(Exception):
    """Input the engine refuses. ``problems`` are ``(field path, reason)`` pairs."""

    def __init__(self, source: str, problems: list[tuple[str, str]]) -> None:
        self.source = source
        self.problems = problems
        lines = [f"{path}: {reason}" if path else reason for path, reason in problems]
        super().__init__(f"{source}: invalid declaration\n  " + "\n  ".join(lines))


class _DecimalLoader(yaml.SafeLoader):
    """YAML with exact decimals: `1234.56` becomes Decimal('1234.56'), never a binary float."""


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    text = loader.construct_scalar(node)
    try:
        return Decimal(str(text).replace("_", ""))
    except Exception:
        return loader.construct_yaml_float(node)


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


def _construct_date_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    # An unquoted date stays text so the model checks it and names the field:
    # PyYAML would raise a bare ValueError for 2025-02-30, with no field path.
    return loader.construct_scalar(node)


_DecimalLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_date_text)


def _construct_unique_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> Any:
    # A key given twice is a mistake in a declaration (which value did the
    # enterprise mean?); JSON input refuses it too.
    loader.flatten_mapping(node)
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} appears twice in one mapping", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=True)


_DecimalLoader.add_constructor("tag:yaml.org,2002:map", _construct_unique_mapping)


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"key {key!r} appears twice")
        out[key] = value
    return out


def parse_text(text: str, source: str = "<input>", fmt: str | None = None) -> Any:
    """Parse JSON or YAML text into plain data (floats as Decimal)."""
    kind = fmt or ("json" if source.endswith((".json", ".jsonl")) else "yaml")
    try:
        if kind == "json":
            return json.loads(text, parse_float=Decimal, object_pairs_hook=_no_duplicate_keys)
        return yaml_fast.load(text, _DecimalLoader)
    except (json.JSONDecodeError, ValueError) as exc:
        raise InputError(source, [("", f"not valid {kind.upper()}: {exc}")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        if mark is not None:
            # The file, line and column an editor jumps to (1-based), then what is wrong there.
            where = f"{source}:{mark.line + 1}:{mark.column + 1}"
            problem = getattr(exc, "problem", None) or str(exc)
            context = getattr(exc, "context", None)
            reason = (f"{where} (line {mark.line + 1}, column {mark.column + 1}): not valid YAML: {problem}"
                      + (f" ({context})" if context else ""))
            raise InputError(source, [("", reason)]) from None
        raise InputError(source, [("", f"not valid YAML: {exc}")]) from None


def format_location(loc: tuple[int | str, ...]) -> str:
    """('annual', 2, 'gross_output') -> 'annual[2].gross_output'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            text = "schema" if part == "schema_" else str(part)
            out += f".{text}" if out else text
    return out


def _field_path(error: Any) -> str:
    # Pydantic's before-validators add no location of their own; the function
    # name that names the model class after a union is noise for a reader.
    loc = tuple(part for part in error["loc"] if not (isinstance(part, str) and part.startswith("function-")))
    return format_location(loc)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models an annotation holds: Model, list[Model], Model | None, dict[str, Model]."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def _field_names_at(loc: tuple[Any, ...]) -> list[str]:
    """The field names the model at a location accepts (by alias), for "did you mean"."""
    models: list[type[BaseModel]] = [Declaration]
    for part in loc:
        if not isinstance(part, str):
            continue  # a list index or a dict key keeps the item's model
        nxt: list[type[BaseModel]] = []
        for model in models:
            for name, field in model.model_fields.items():
                if part in (name, field.alias):
                    nxt += _models_in(field.annotation)
        models = nxt
    return sorted({field.alias or name for model in models for name, field in model.model_fields.items()})


def _message(error: Any) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        near = difflib.get_close_matches(str(loc[-1]), _field_names_at(loc[:-1]), n=1) if loc else []
        return "unknown field" + (f"; did you mean {near[0]}?" if near else "")
    if kind == "missing":
        return "required field is missing"
    if kind in ("enum", "literal_error"):
        # Echo the value given, so the reader sees the typo beside the allowed values.
        return f"{error['input']!r} is not allowed: {error['msg'][0].lower()}{error['msg'][1:]}"
    return str(error["msg"])


def declaration_from_data(data: Any, source: str = "<input>") -> Declaration:
    if not isinstance(data, dict):
        raise InputError(source, [("", "a declaration must be a mapping of fields")])
    try:
        decl = Declaration.model_validate(data)
    except ValidationError as exc:
        problems = [(_field_path(error), _message(error)) for error in exc.errors(include_url=False)]
        raise InputError(source, problems) from None
    issues = semantic_issues(decl)
    if issues:
        raise InputError(source, [(issue.path, issue.reason) for issue in issues])
    return decl


def load_declaration(path: Path) -> Declaration:
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(source, [("", "no such file")]) from None
    except UnicodeDecodeError:
        raise InputError(source, [("", "not UTF-8 text")]) from None
    except OSError as exc:
        raise InputError(source, [("", f"cannot be read: {exc.strerror}")]) from None
    return declaration_from_data(parse_text(text, source), source)

"""Every document the tests see is checked against the published schemas (issue 19 §5).

conftest.py wraps support.decide and the CLI runner with ``check_document``, so each
pinggu-result/1 (and whatif, summary) the suite produces validates against the
strict form of its schema: one type per key, and no key the model does not name.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import jsonschema

from pinggu_asp.schemas import SCHEMA_IDS, generate, strict

BY_ID = {schema_id: name for name, schema_id in SCHEMA_IDS.items() if name != "declaration"}


@lru_cache(maxsize=None)
def validator(name: str) -> jsonschema.Draft202012Validator:
    """The reference validator (python-jsonschema), for the tests of the schemas themselves."""
    schema = strict(generate(name))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@lru_cache(maxsize=None)
def _fast(name: str) -> Any:
    """The validator the hook uses on every document: jsonschema-rs, a few milliseconds a result where
    the reference validator takes half a second (the suite decides thousands of declarations)."""
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - brought by the test extras
        return validator(name)
    return jsonschema_rs.Draft202012Validator(strict(generate(name)))


class SchemaMismatch(AssertionError):
    pass


def check_document(doc: Any) -> None:
    """Raise if a document that names one of the published schemas does not validate against it."""
    if not isinstance(doc, dict) or doc.get("schema") not in BY_ID:
        return
    errors = list(_fast(BY_ID[doc["schema"]]).iter_errors(doc))
    if errors:
        def where(error: Any) -> str:
            path = getattr(error, "instance_path", None) or getattr(error, "absolute_path", None) or []
            return "/".join(map(str, path)) or "<top>"

        lines = sorted(f"{where(e)}: {e.message[:300]}" for e in errors)[:10]
        raise SchemaMismatch(f"{doc['schema']} does not match its published schema:\n" + "\n".join(lines))
    wrong = money_key_types(doc)
    if wrong:
        raise SchemaMismatch(f"{doc['schema']}: money keys of more than one type:\n" + "\n".join(wrong[:10]))


def money_key_types(doc: Any, path: str = "") -> list[str]:
    """Where a money key breaks the naming contract (README "Money in the JSON documents"):
    ``*_yuan`` and ``*_fen`` are integers, ``*_yuan_decimal`` a decimal string, or null."""
    wrong: list[str] = []
    if isinstance(doc, dict):
        for key, value in doc.items():
            here = f"{path}/{key}"
            if isinstance(key, str) and value is not None:
                if key.endswith(("_yuan", "_fen")) and (isinstance(value, bool) or not isinstance(value, int)):
                    wrong.append(f"{here}: {value!r} is not an integer")
                elif key.endswith("_yuan_decimal") and not isinstance(value, str):
                    wrong.append(f"{here}: {value!r} is not a decimal string")
            wrong += money_key_types(value, here)
    elif isinstance(doc, list):
        for index, value in enumerate(doc):
            wrong += money_key_types(value, f"{path}/{index}")
    return wrong


def check_text(text: str) -> None:
    """A CLI's output: one JSON document, or JSON Lines; anything else is not a document."""
    stripped = text.strip()
    if not stripped.startswith("{"):
        return
    try:
        check_document(json.loads(stripped))
        return
    except ValueError:
        pass
    for line in stripped.splitlines():
        try:
            doc = json.loads(line)
        except ValueError:
            return
        check_document(doc)

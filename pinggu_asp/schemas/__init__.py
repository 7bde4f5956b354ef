"""The published JSON Schemas: ``pinggu-asp schema declaration|result|whatif|summary``.

Each is generated from a pydantic model (the declaration's own model, and the
models in ``models.py`` for the documents the tool writes). The generated files
are committed beside this module, so they ship in the wheel and a reader can
fetch them without running anything; tests/test_schemas.py checks that they
equal what the models generate, and that the tool's outputs validate.

    python -m pinggu_asp.schemas     # regenerate the committed files
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel

NAMES = ("declaration", "result", "whatif", "summary")
SCHEMA_IDS = {"declaration": "pinggu-declaration/1", "result": "pinggu-result/1", "whatif": "pinggu-whatif/1",
              "summary": "pinggu-summary/1"}


def _model(name: str) -> type[BaseModel]:
    from . import models

    if name == "declaration":
        from ..declaration import Declaration

        return Declaration
    documents: dict[str, type[BaseModel]] = {"result": models.Result, "whatif": models.Whatif,
                                              "summary": models.Summary}
    return documents[name]


def generate(name: str) -> dict[str, Any]:
    """The JSON Schema of one document, generated from its model."""
    if name not in NAMES:
        raise KeyError(name)
    schema = _model(name).model_json_schema(mode="validation", by_alias=True)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_IDS[name], **schema}


def dumps(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def file_name(name: str) -> str:
    return f"{name}.schema.json"


def committed(name: str) -> str:
    """The schema file shipped in the package."""
    return (resources.files(__name__) / file_name(name)).read_text(encoding="utf-8")


def strict(schema: Any) -> Any:
    """The same schema refusing keys it does not name: the tests use it so that a key added to a
    document without its model fails (the published schema accepts added keys, SPEC §6)."""
    if isinstance(schema, dict):
        out = {key: strict(value) for key, value in schema.items()}
        if "properties" in out and out.get("additionalProperties") is True:
            out["additionalProperties"] = False
        return out
    if isinstance(schema, list):
        return [strict(item) for item in schema]
    return schema


def write_all(directory: Path | None = None) -> None:
    directory = directory or Path(__file__).resolve().parent
    for name in NAMES:
        (directory / file_name(name)).write_text(dumps(generate(name)), encoding="utf-8")

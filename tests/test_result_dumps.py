"""dumps/dumps_line (orjson for result documents) give json's bytes exactly, and fall back where orjson cannot."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from pinggu_asp.engine.decide import check
from pinggu_asp.engine.result import SCHEMA, dumps, dumps_line
from pinggu_asp.loading import load_declaration
from support import EXAMPLE, ruleset


def _json_line(doc: Any) -> str:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def _json(doc: Any) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def test_a_real_result_is_json_byte_for_byte() -> None:
    result = check(load_declaration(EXAMPLE), ruleset())
    assert dumps_line(result) == _json_line(result)
    assert dumps(result) == _json(result)


# Text as a declaration may hold it: any character, control characters, U+2028, quotes, backslashes.
_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(st.dictionaries(st.text(), _values, max_size=6))
def test_any_result_shaped_document_is_json_byte_for_byte(body: dict[str, Any]) -> None:
    doc = {"schema": SCHEMA, **body}
    assert dumps_line(doc) == _json_line(doc)
    assert dumps(doc) == _json(doc)


def test_what_orjson_refuses_goes_by_json() -> None:
    doc = {"schema": SCHEMA, "alternatives_count": 2**80, "name": "\ud800"}
    assert dumps_line(doc) == _json_line(doc)
    assert dumps(doc) == _json(doc)


def test_other_documents_go_by_json() -> None:
    doc = {"schema": "pinggu-rules/1", "x": 1e16}
    assert dumps_line(doc) == _json_line(doc) and "1e+16" in dumps_line(doc)

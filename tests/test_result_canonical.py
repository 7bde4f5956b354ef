"""The declaration's canonical JSON (its sha256 is every result's provenance.declaration_sha256) is
json's bytes exactly, whatever text the declaration holds: orjson writes it, json where orjson refuses."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from pinggu_asp.declaration import Declaration
from pinggu_asp.engine.result import canonical_declaration
from pinggu_asp.loading import load_declaration
from support import EXAMPLE

BASE = load_declaration(EXAMPLE)


def _json(decl: Declaration) -> str:
    return json.dumps(decl.model_dump(mode="json", by_alias=True), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _named(name: str, locality: str) -> Declaration:
    enterprise = BASE.enterprise.model_copy(update={"name": name, "locality": locality})
    return BASE.model_copy(update={"enterprise": enterprise})


def test_the_example_is_json_byte_for_byte() -> None:
    assert canonical_declaration(BASE) == _json(BASE)


def test_control_characters_separators_astral_and_lone_surrogates() -> None:
    every_ascii = "".join(chr(i) for i in range(0x80))
    for name in (every_ascii, "\u2028\u2029\ufeff\ue000\uffff", "平谷\U0001f600", 'x"). #show.\n', "\ud800 lone"):
        decl = _named(name, name[::-1])
        assert canonical_declaration(decl) == _json(decl), repr(name)


@given(st.text(), st.text())
def test_any_text_is_json_byte_for_byte(name: str, locality: str) -> None:
    decl = _named(name, locality)
    assert canonical_declaration(decl) == _json(decl)

"""JSON text with no more brackets than the nesting limit skips the walk over its containers (loading.parse_located):
the answer is the walk's own at every depth around the limit, brackets in strings included."""

from __future__ import annotations

import json

import pytest

from pinggu_asp.loading import MAX_NESTING, InputError, _nesting_problem, parse_text


def _refused(text: str) -> bool:
    try:
        parse_text(text, "decl.json", fmt="json")
    except InputError as exc:
        assert "nested more than" in str(exc)
        return True
    return False


@pytest.mark.parametrize("depth", range(MAX_NESTING - 3, MAX_NESTING + 4))
@pytest.mark.parametrize("padding", ["", '"[[[{{{"', '"]]]}}}"'])
def test_the_shortcut_agrees_with_the_walk(depth: int, padding: str) -> None:
    # The root object is one level; ``depth`` lists inside it, a string of brackets beside them.
    text = '{"a": ' + "[" * depth + "]" * depth + (f', "b": {padding}' if padding else "") + "}"
    expected = _nesting_problem(json.loads(text)) is not None
    assert _refused(text) is expected
    assert expected is (depth + 1 > MAX_NESTING)

"""render/formats.py: the one dispatcher of an explanation's formats (the CLI and the service call it)."""

from __future__ import annotations

import pytest

from pinggu_asp.render.explain import build, dumps
from pinggu_asp.render.formats import FORMATS, render_explanation
from pinggu_asp.render.text import FILE_WIDTH, render_clause_tree
from support import baseline, decide


@pytest.fixture(scope="module")
def model() -> dict:
    return build(decide(baseline()), None)


def test_json_is_the_explanation_document(model: dict) -> None:
    assert render_explanation(model, "json", "zh") == dumps(model)


def test_every_format_renders_and_an_unknown_one_is_refused(model: dict) -> None:
    assert all(render_explanation(model, fmt, "en", for_file=True) for fmt in FORMATS)
    with pytest.raises(ValueError, match="pdf.*known: text, json, md, html"):
        render_explanation(model, "pdf", "en")


def test_text_for_a_file_is_laid_out_at_the_file_width_not_the_terminals(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    result = decide(baseline())
    clause = next(c["clause"] for c in result["clauses"])
    tree = build(result, clause)
    in_file = render_explanation(tree, "text", "en", clause=clause, for_file=True)
    assert in_file == render_clause_tree(tree, "en", width=FILE_WIDTH)
    assert render_explanation(tree, "text", "en", clause=clause) == render_clause_tree(tree, "en", width=60) != in_file

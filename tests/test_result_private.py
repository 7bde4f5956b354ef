"""Each result document is its own: build_result reuses work across results (entries, derivations, the
parameters block), never the objects it returns, so a caller that changes one result changes no other.

Results of generated declarations are built twice from the same answers; every list and object of the
first set is then changed, and the second set must still serialise to the bytes the first one had.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from pinggu_asp.engine import solve  # noqa: E402
from pinggu_asp.engine.answer import read  # noqa: E402
from pinggu_asp.engine.result import build_result, dumps_line  # noqa: E402
from population import valid_declarations  # noqa: E402
from support import ruleset  # noqa: E402


def _spoil(value: Any) -> int:
    """Change every list and object inside ``value`` (depth first); how many were changed."""
    changed = 0
    if isinstance(value, dict):
        for inner in value.values():
            changed += _spoil(inner)
        for key in list(value):
            value[key] = "spoilt"
        value["spoilt"] = True
        return changed + 1
    if isinstance(value, list):
        for inner in value:
            changed += _spoil(inner)
        value.append("spoilt")
        return changed + 1
    return changed


def test_changing_a_result_changes_no_other_result() -> None:
    rules = ruleset()
    decls = valid_declarations(60, 8)
    derived = solve.solve_many(decls, rules)
    answers = [(decl, read(outcome)) for decl, outcome in zip(decls, derived, strict=True)
               if not isinstance(outcome, solve.EngineError)]
    assert len(answers) > 40
    first = [build_result(decl, answer, rules) for decl, answer in answers]
    lines = [dumps_line(result) for result in first]
    second = [build_result(decl, answer, rules) for decl, answer in answers]
    assert [dumps_line(result) for result in second] == lines  # the same answers, the same bytes
    assert sum(_spoil(result) for result in first) > 1000
    assert [dumps_line(result) for result in second] == lines
    third = [build_result(decl, answer, rules) for decl, answer in answers]
    assert [dumps_line(result) for result in third] == lines

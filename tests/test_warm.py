"""The warm engine (pinggu_asp/warm.py) gives exactly engine.check's result: byte for byte, member after member."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pinggu_asp import warm
from pinggu_asp.api import as_declaration, ruleset_for
from pinggu_asp.engine import check, check_many
from pinggu_asp.result import dumps
from pinggu_asp.solve import EngineError
from pinggu_asp.warm import WarmEngine
from pinggu_asp.whatif import apply_changes

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from generate import valid_declarations  # noqa: E402

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "declaration.yaml"

VARIANTS = [
    [],
    ["annual[2025].gross_output=96000000"],
    ["annual[2025].gross_output=96599999"],  # one yuan under Art 3's 5% growth
    ["annual[2025].gross_output=96600000"],
    ["enterprise.credit_good=false"],
    ["orders[o-1]=null"],
    ["annual[2025].rd_expense=150000000000"],
]


def _same(results: list, expected: list) -> None:
    assert len(results) == len(expected)
    for got, want in zip(results, expected, strict=True):
        if isinstance(want, EngineError):
            assert isinstance(got, EngineError) and str(got) == str(want)
        else:
            assert dumps(got) == dumps(want)


def test_what_if_variants_warm_are_byte_identical_to_cold() -> None:
    # Three members a Control, so the run also crosses two replacements of the Control.
    engine = WarmEngine(members_per_control=3)
    rules = ruleset_for()
    decl = as_declaration(EXAMPLE)
    for changes in VARIANTS:
        variant = apply_changes(decl, changes)
        assert dumps(engine.check(variant, rules)) == dumps(check(variant, rules)), changes


def test_generated_declarations_warm_are_byte_identical_to_cold() -> None:
    engine = WarmEngine(members_per_control=16)
    rules = ruleset_for()
    decls = valid_declarations(24, seed=11)
    _same(engine.check_many(decls, rules), check_many(decls, rules, group_size=1))


def test_readings_and_a_reform_get_their_own_warm_control() -> None:
    engine = WarmEngine()
    decl = as_declaration(EXAMPLE)
    for rules in (ruleset_for(interpretations=["I-output-stack"]), ruleset_for(), ruleset_for(
            interpretations=["I-upgrade-full", "I-events-whole-year"])):
        assert dumps(engine.check(decl, rules)) == dumps(check(decl, rules))


def test_an_engine_error_is_given_in_place_and_the_next_member_is_unharmed(monkeypatch: pytest.MonkeyPatch) -> None:
    # No valid declaration makes today's rules fail, so the selection is made to fail once.
    engine = WarmEngine()
    rules = ruleset_for()
    fine = as_declaration(EXAMPLE)
    expected = check(fine, rules)
    real_select = warm.select
    calls = {"n": 0}

    def select_failing_once(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise EngineError("the selection found no optimal set of awards")
        return real_select(*args, **kwargs)

    monkeypatch.setattr(warm, "select", select_failing_once)
    first, failed, after = engine.check_many([fine, fine, fine], rules)
    assert isinstance(failed, EngineError) and "no optimal set" in str(failed)
    assert isinstance(first, dict) and isinstance(after, dict)
    assert dumps(first) == dumps(expected) and dumps(after) == dumps(expected)

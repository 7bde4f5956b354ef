"""Grounding a group of declarations in one Control decides each exactly as it would be decided alone."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml
from clingo import ast

from pinggu_asp.declaration import Declaration
from pinggu_asp.engine.decide import check, check_many
from pinggu_asp.engine.grouping import GroupedProgram, cached_group_program, dependent_signatures, group_program
from pinggu_asp.engine.solve import EngineError, solve, solve_many
from pinggu_asp.loading import declaration_from_data
from support import ruleset

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from generate import valid_declarations  # noqa: E402

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "declaration.yaml"


def _parse(text: str) -> list[ast.AST]:
    statements: list[ast.AST] = []
    ast.parse_string(text, statements.append)
    return statements


def test_dependence_follows_bodies_negation_and_aggregates() -> None:
    program = _parse(
        """
        table(a). table(b).
        shared(X) :- table(X).
        direct(X) :- declared(X).
        through_negation :- not direct(a).
        through_count(N) :- N = #count { X : direct(X) }.
        mixed(X) :- table(X), direct(X).
        """
    )
    dependent = dependent_signatures(program)
    assert ("declared", 1) in dependent  # supplied by Python: no rule derives it
    assert {("direct", 1), ("through_negation", 0), ("through_count", 1), ("mixed", 1)} <= dependent
    assert ("table", 1) not in dependent and ("shared", 1) not in dependent


def test_pools_are_unpooled_before_arity_is_read() -> None:
    grouped = group_program(_parse("pair(1,2; 3,4). p(X) :- pair(X,_), declared(X)."))
    assert ("pair", 2) not in grouped.dependent
    assert ("p", 1) in grouped.dependent


def test_group_decides_each_member_as_alone() -> None:
    rules = ruleset()
    decls = valid_declarations(40, seed=7)
    together = solve_many(decls, rules)
    for decl, grouped in zip(decls, together, strict=True):
        try:
            alone = solve(decl, rules)
        except EngineError as exc:
            assert isinstance(grouped, EngineError) and str(grouped) == str(exc)
            continue
        assert not isinstance(grouped, EngineError)
        assert grouped.atoms == alone.atoms
        assert grouped.chosen == alone.chosen
        assert grouped.alternatives == alone.alternatives


def test_check_many_equals_check_whatever_the_group_size() -> None:
    rules = ruleset()
    decls = valid_declarations(25, seed=11)
    one_by_one = []
    for decl in decls:
        try:
            one_by_one.append(check(decl, rules))
        except EngineError as exc:
            one_by_one.append(str(exc))
    for size in (1, 4, 25):
        got = [r if isinstance(r, dict) else str(r) for r in check_many(decls, rules, group_size=size)]
        assert got == one_by_one


def _alone(decl: Declaration) -> dict[str, object] | str:
    try:
        return check(decl, ruleset())
    except EngineError as exc:
        return f"EngineError: {exc}"


def test_members_at_the_largest_amounts_are_decided_as_alone() -> None:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    for row in data["annual"]:
        row.update(gross_output=10**15 - row["year"], rd_expense=10**15, rd_expense_pinggu=10**15)
    huge = declaration_from_data(data)
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["other_pinggu_support"] = [{"basis": "output:2025", "policy": "p", "amount": 10**15, "status": "eligible"}]
    competing = declaration_from_data(data)
    decls = valid_declarations(6, seed=3)
    group = [*decls[:3], huge, competing, *decls[3:]]
    results = [r if isinstance(r, dict) else f"EngineError: {r}" for r in check_many(group, ruleset())]
    assert results == [_alone(d) for d in group]


@pytest.mark.parametrize("size", [2, 9])
def test_members_are_independent_of_their_neighbours(size: int) -> None:
    rules = ruleset()
    decls = valid_declarations(size, seed=size)
    forward = check_many(decls, rules)
    backward = check_many(list(reversed(decls)), rules)
    assert forward == list(reversed(backward))


def _rules(grouped: GroupedProgram) -> list[str]:
    # Parsing text back opens with a ``#program base.`` of its own; the rules are what must match.
    return [str(s) for s in grouped.statements if str(s) != "#program base."]


def test_the_cached_rewrite_is_the_rewrite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PINGGU_ASP_CACHE", str(tmp_path))
    statements, digest = ruleset().program()
    fresh = group_program(statements)
    first = cached_group_program(statements, digest)  # rewrites and stores
    assert len(list(tmp_path.glob("grouped-*.json"))) == 1
    again = cached_group_program(statements, digest)  # parsed back from the file
    assert [str(s) for s in first.statements] == [str(s) for s in fresh.statements]
    assert _rules(again) == _rules(fresh)
    assert again.dependent == fresh.dependent and again.externals == fresh.externals


def test_a_damaged_or_unwritable_cache_costs_only_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PINGGU_ASP_CACHE", str(tmp_path))
    statements, digest = ruleset().program()
    cached_group_program(statements, digest)
    (stored,) = tmp_path.glob("grouped-*.json")
    stored.write_text('{"format": 1, "program": "p(. broken', encoding="utf-8")
    repaired = cached_group_program(statements, digest)
    assert _rules(repaired) == _rules(group_program(statements))
    blocked = tmp_path / "file"
    blocked.write_text("not a directory", encoding="utf-8")
    monkeypatch.setenv("PINGGU_ASP_CACHE", str(blocked / "sub"))
    assert cached_group_program(statements, digest).dependent == repaired.dependent

"""The group's facts and grounding (issue 18): parameters shared per set, members as alone, Controls freed at once."""

from __future__ import annotations

import dataclasses
import gc

import clingo

from pinggu_asp.engine.facts import MemberFacts, group_text
from pinggu_asp.engine.grouping import MEMBER, MEMBER_PARAMETERS, PARAMETER_FACTS, PARAMETER_SET
from pinggu_asp.engine.solve import EngineError, grounded_control, group_members, solve, solve_many
from pinggu_asp.loading import load_declaration
from support import EXAMPLE, ruleset


def _with(params: dict, name: str, fen: int) -> dict:
    changed = dict(params)
    changed[name] = dataclasses.replace(params[name], value=fen)
    return changed


def test_members_with_other_parameters_in_force_get_their_own() -> None:
    """Two parameter sets in one group (as a dated reform gives): each member decides with its own, as alone."""
    rules = ruleset()
    decl = load_declaration(EXAMPLE)
    shipped = rules.parameters.in_force(decl.declaration_date)
    reformed = _with(_with(shipped, "art5_first_max", 10_000_000), "art17_minimum", 2_000_000_000)
    params = [shipped, reformed, shipped, reformed]
    together = solve_many([decl] * 4, rules, params)
    alone = [solve(decl, rules, p) for p in (shipped, reformed)]
    assert alone[0].atoms != alone[1].atoms  # the reform changes the decision, so the test can fail
    for index, outcome in enumerate(together):
        assert not isinstance(outcome, EngineError)
        assert outcome.atoms == alone[index % 2].atoms
        assert outcome.chosen == alone[index % 2].chosen


def test_each_parameter_set_is_added_once() -> None:
    rules = ruleset()
    decl = load_declaration(EXAMPLE)
    shipped = rules.parameters.in_force(decl.declaration_date)
    reformed = _with(shipped, "art5_first_max", 10_000_000)
    members = group_members([decl] * 5, rules, [shipped, shipped, reformed, shipped, reformed])
    text, _ = group_text(members, MEMBER, MEMBER_PARAMETERS, PARAMETER_SET)
    lines = text.splitlines()
    assert sorted(line for line in lines if line.startswith(PARAMETER_SET)) == [f"{PARAMETER_SET}(0).", f"{PARAMETER_SET}(1)."]
    assert [line for line in lines if line.startswith(MEMBER_PARAMETERS)] == [
        f"{MEMBER_PARAMETERS}({e},{p})." for e, p in enumerate([0, 0, 1, 0, 1])
    ]
    assert sum(line.startswith("param_money(") for line in lines) == 2 * sum(p.kind == "money" for p in shipped.values())
    # Members on the same date share the very Symbols of their parameters.
    assert members[0].parameters is members[1].parameters


def test_parameter_predicates_carry_the_set_not_the_member() -> None:
    grouped = ruleset().grouped()
    assert not PARAMETER_FACTS & grouped.dependent
    decl = load_declaration(EXAMPLE)
    ctl = grounded_control(grouped, group_members([decl, decl], ruleset()))
    money = [a.symbol for a in ctl.symbolic_atoms.by_signature("param_money", 3)]
    assert money and {s.arguments[0] for s in money} == {clingo.Number(0)}


def test_an_unread_fact_is_an_error() -> None:
    grouped = ruleset().grouped()
    member = MemberFacts((), [clingo.Function("no_rule_reads_this", [clingo.Number(1)])])
    try:
        grounded_control(grouped, [member])
    except EngineError as exc:
        assert "no_rule_reads_this/1" in str(exc)
    else:
        raise AssertionError("an unread fact was accepted")


def test_the_control_is_freed_when_the_group_is_decided() -> None:
    """No reference cycle holds a Control: with the collector off, none is left after a group."""
    rules = ruleset()
    decl = load_declaration(EXAMPLE)
    solve_many([decl], rules)
    gc.collect()
    gc.disable()
    try:
        solve_many([decl, decl], rules)
        assert not [o for o in gc.get_objects() if isinstance(o, clingo.Control)]
    finally:
        gc.enable()

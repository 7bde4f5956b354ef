"""The facts made once and reused (parameter sets, recurring facts) are the facts made afresh."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from pathlib import Path

from pinggu_asp.engine import facts
from pinggu_asp.engine.facts import MemberFacts, group_text, member_facts, parameter_facts
from pinggu_asp.engine.grouping import MEMBER, MEMBER_PARAMETERS, PARAMETER_SET
from support import ruleset

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from generate import valid_declarations  # noqa: E402


def _fresh_parameter_facts(params: dict) -> list[str]:
    return [str(fact) for fact in facts._parameter_facts(params)]


def test_equal_parameters_on_other_dates_give_the_same_facts_once() -> None:
    rules = ruleset()
    first = rules.parameters.in_force(dt.date(2025, 3, 1))
    second = rules.parameters.in_force(dt.date(2025, 9, 30))
    assert first is not second and first == second
    made = parameter_facts(first)
    assert parameter_facts(second) is made  # one tuple for one content
    assert [str(fact) for fact in made] == _fresh_parameter_facts(second)


def test_a_changed_parameter_is_a_new_set_of_facts() -> None:
    params = ruleset().parameters.in_force(dt.date(2025, 6, 1))
    cap = params["art3_cap"]
    changed = {**params, "art3_cap": dataclasses.replace(cap, value=cap.value + 100)}
    before, after = parameter_facts(params), parameter_facts(changed)
    assert before is not after
    assert [str(f) for f in after] == _fresh_parameter_facts(changed)
    assert [str(f) for f in before] != [str(f) for f in after]


def test_the_cache_is_bounded() -> None:
    params = ruleset().parameters.in_force(dt.date(2025, 6, 1))
    cap = params["art3_cap"]
    for step in range(facts._PARAMETER_FACTS_CACHE_SIZE + 10):
        parameter_facts({**params, "art3_cap": dataclasses.replace(cap, value=cap.value + step)})
        assert len(facts._PARAMETER_FACTS_CACHE) <= facts._PARAMETER_FACTS_CACHE_SIZE


def test_cached_member_facts_are_the_facts_built_afresh() -> None:
    """Each recurring fact (year, date, flag, sector, industry, an item's id and flags, a value) read from the cache
    equals one built now."""
    rules = ruleset()
    for decl in valid_declarations(40, seed=3):
        params = rules.parameters.in_force(decl.declaration_date)
        facts._unary_number.cache_clear()
        facts._string_fact.cache_clear()
        facts._enterprise_fact.cache_clear()
        facts._constant_fact.cache_clear()
        for cache in (facts._string, facts._item, facts._item_flag, facts._item_constant, facts._item_bool,
                      facts._item_number, facts._val):
            cache.cache_clear()
        fresh = [str(f) for f in member_facts(decl, params)]
        again = [str(f) for f in member_facts(decl, params)]  # now from the caches
        assert again == fresh
        assert f"declaration_date({decl.declaration_date:%Y%m%d})" in fresh


def test_a_group_adds_a_parameter_set_once_across_dates() -> None:
    rules = ruleset()
    members = []
    for day in (dt.date(2025, 3, 1), dt.date(2025, 9, 30)):
        decl = valid_declarations(1, seed=5)[0].model_copy(update={"declaration_date": day})
        params = rules.parameters.in_force(day)
        members.append(MemberFacts(parameter_facts(params), list(member_facts(decl, params))))
    text, _ = group_text(members, MEMBER, MEMBER_PARAMETERS, PARAMETER_SET)
    assert text.count(f"{PARAMETER_SET}(") == 1
    assert f"{MEMBER_PARAMETERS}(0,0)." in text and f"{MEMBER_PARAMETERS}(1,0)." in text


def test_parameter_sets_apart_ground_to_the_atoms_of_the_one_text() -> None:
    """``group_text``'s ``apart`` (each parameter set's facts as statements parsed once per process, as
    ``solve.grounded_control`` adds them) grounds to exactly the atoms of the whole group as one text, for a
    group with two parameter sets, and again from the statements kept from the first time."""
    import clingo

    from pinggu_asp.engine.grouping import add_statements

    rules = ruleset()
    decls = valid_declarations(6, seed=5)
    params = rules.parameters.in_force(decls[0].declaration_date)
    cap = params["art3_cap"]
    other = {**params, "art3_cap": dataclasses.replace(cap, value=cap.value + 1)}
    members = [MemberFacts(parameter_facts(other if i % 2 else params), list(member_facts(d, params)))
               for i, d in enumerate(decls)]

    def atoms(apart: bool) -> tuple[set[str], set[str]]:
        parsed: list = []
        text, names = group_text(members, MEMBER, MEMBER_PARAMETERS, PARAMETER_SET, parsed if apart else None)
        assert bool(parsed) == apart and (len(parsed) == 2 if apart else True)
        ctl = clingo.Control(["--warn=none"])
        for statements in parsed:
            add_statements(ctl, statements)
        ctl.add("base", [], text)
        ctl.ground([("base", [])])
        return {str(a.symbol) for a in ctl.symbolic_atoms}, names

    whole = atoms(False)
    assert atoms(True) == whole
    assert atoms(True) == whole  # the statements kept from the first time
    assert any(a.startswith("param_money(") for a in whole[0])

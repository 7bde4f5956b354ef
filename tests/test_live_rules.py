"""The grouped program restricted to the rules a group's facts can fire (engine/live.py, issue 18).

- Toy programs: a dead chain goes, a negated or aggregate-only body literal never makes a rule dead, a
  constraint or an optimisation with a dead body goes, a rule reading an external stays, and the answer sets
  are those of the whole program, with no message of clingo's that the whole program does not give.
- The engine on a population (groups of 1, 7 and 64, conflicts and ties, a 10^11-yuan member, an engine
  error): the same ground atoms, the same log and the same decisions with and without the restriction.
- The table travels with the cached program, so a cold process restricts without walking the rules.
- A declaration with almost no facts.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import clingo
import pytest
from clingo import ast

from pinggu_asp.declaration import Declaration
from pinggu_asp.engine import grouping, live
from pinggu_asp.engine.facts import group_text
from pinggu_asp.engine.grouping import GroupedProgram, cached_group_program
from pinggu_asp.engine.solve import (
    MEMBER,
    MEMBER_PARAMETERS,
    PARAMETER_SET,
    EngineError,
    decide_group,
    default_ruleset,
    grounded_control,
    group_members,
)
from pinggu_asp.loading import declaration_from_data
from support import baseline, set_annual

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from population import valid_declarations  # noqa: E402
from tied_declarations import tied_declarations  # noqa: E402


def _parse(text: str) -> list[ast.AST]:
    out: list[ast.AST] = []
    ast.parse_string(text, out.append)
    return out


def _kept(text: str, supplied: set[tuple[str, int]]) -> tuple[list[str], list[tuple[str, int]]]:
    statements = _parse(text)
    tab = live.table(statements)
    kept, undefined = live.live_statements(tab, tab.numbers(name for name, _ in supplied))
    return [str(statements[i]) for i in kept], undefined


def test_a_dead_chain_is_dropped_and_its_heads_are_declared_defined() -> None:
    program = "p :- q. r :- p. s :- r, t. t. u :- not q."
    kept, undefined = _kept(program, set())
    assert kept == ["#program base.", "t.", "u :- not q."]
    assert undefined == [("p", 0), ("r", 0), ("s", 0)]
    # Once q is supplied, the chain fires: everything stays.
    kept, undefined = _kept(program, {("q", 0)})
    assert len(kept) == 6 and undefined == []


def test_negated_aggregate_and_conditional_literals_never_make_a_rule_dead() -> None:
    program = """
    a :- not q(1).
    b :- #count { X : q(X) } = 0.
    c :- x(Y) : q(Y).
    d :- not not q(2).
    x(1).
    """
    kept, _ = _kept(program, set())
    assert len(kept) == 6  # every rule and the #program


def test_a_constraint_or_an_optimisation_with_a_dead_body_is_dropped() -> None:
    program = ":- q(X), x(X). :~ q(X). [X@1, X] #minimize { 1,X : q(X), x(X) }. :- x(X), not q(X). x(1)."
    kept, _ = _kept(program, set())
    assert kept == ["#program base.", "#false :- x(X); not q(X).", "x(1)."]
    kept, _ = _kept(program, {("q", 1)})
    assert len(kept) == 6


def test_a_rule_reading_an_external_stays_and_so_does_every_other_kind_of_statement() -> None:
    program = """
    #external e.
    #external f(X) : g(X).
    w :- e.
    v(X) :- f(X).
    #show w/0.
    #defined z/1.
    #const n = 3.
    """
    kept, undefined = _kept(program, set())
    assert "w :- e." in kept and "v(X) :- f(X)." not in kept and undefined == [("v", 1)]
    assert sum(1 for line in kept if line.startswith(("#external", "#show", "#defined", "#const"))) == 5
    kept, _ = _kept(program, {("g", 1)})
    assert "v(X) :- f(X)." in kept


def test_a_choice_head_derives_its_atoms_and_a_cycle_without_support_is_dead() -> None:
    program = "{ p(X) : q(X) } :- r(X). s(X) :- p(X). a :- b. b :- a. c :- a, r(1)."
    kept, _ = _kept(program, {("r", 1)})
    assert "s(X) :- p(X)." in kept  # p may hold: the choice's own condition q is not read as a body
    assert not any(line.startswith(("a :-", "b :-", "c :-")) for line in kept)


def test_a_head_it_cannot_name_leaves_the_program_whole() -> None:
    with pytest.raises(live.Unjudgeable):
        live.table(_parse("-p :- a. b :- -p."))
    grouped = GroupedProgram(tuple(_parse("-p :- a. b :- -p. c :- d.")), frozenset(), ())
    assert grouped.live_table is None
    assert live.restricted(grouped, ["a"]) is grouped


def _models(text: str, facts: str) -> tuple[list[list[str]], list[str]]:
    log: list[str] = []
    ctl = clingo.Control(["0"], logger=lambda code, message: log.append(f"{code.name}: {message}"))
    ctl.add("base", [], text + "\n" + facts)
    ctl.ground([("base", [])])
    models: list[list[str]] = []
    ctl.solve(on_model=lambda m: models.append(sorted(map(str, m.symbols(atoms=True)))))
    return sorted(models), sorted({re.sub(r"<block>:[0-9:-]+: ", "", line) for line in log})


@pytest.mark.parametrize("facts", ["", "q(1).", "q(1). q(2). r(2).", "r(1). s."])
def test_a_toy_program_restricted_has_the_same_answer_sets_and_log(facts: str) -> None:
    program = """
    p(X) :- q(X).  t(X) :- p(X), r(X).  { u(X) } :- t(X).  :- u(X), not s.
    v :- #count { X : p(X) } >= 2.  w(X) :- r(X), not p(X).  :~ u(X). [1@1, X]
    y :- z.  z :- y.  m :- not y.  n :- y, q(1).  k :- q(X) : r(X).
    """
    statements = _parse(program)
    supplied = {sig for sig in [("q", 1), ("r", 1), ("s", 0)] if f"{sig[0]}(" in facts or f"{sig[0]}." in facts}
    tab = live.table(statements)
    kept, undefined = live.live_statements(tab, tab.numbers(name for name, _ in supplied))
    restricted = "\n".join([*(str(statements[i]) for i in kept), *(f"#defined {n}/{a}." for n, a in undefined)])
    assert len(kept) < len(statements)
    models, log = _models(restricted, facts)
    whole_models, whole_log = _models(program, facts)
    assert models == whole_models
    # No message the whole program does not give (the #defined added for what goes); a dead rule's own
    # "atom does not occur in any rule head" goes with it.
    assert set(log) <= set(whole_log)


# -- the engine ---------------------------------------------------------------------------------------------


def _hard() -> list[Declaration]:
    """A 10^11-yuan member, one whose weights overflow (an engine error), ties, one with almost no facts."""
    big = baseline()
    set_annual(big, 2024, gross_output=300_000_000_000)
    set_annual(big, 2025, gross_output=318_000_000_000)
    odd = baseline()
    set_annual(odd, 2024, gross_output=200_000_000)
    set_annual(odd, 2025, gross_output=220_000_000)
    odd["other_pinggu_support"] = [{"basis": "output:2025", "policy": "p", "amount": "999999999999999.99",
                                    "status": "eligible"}]
    bare = baseline(annual=[{"year": 2025}])
    return [declaration_from_data(d) for d in (big, odd, bare)]


def _population() -> list[Declaration]:
    return _hard() + tied_declarations(12, seed=5) + valid_declarations(57, seed=27)


def _whole(grouped: GroupedProgram, names: Any) -> GroupedProgram:
    return grouped


def _restricted(grouped: GroupedProgram, decls: Sequence[Declaration]) -> live.LiveProgram:
    _, names = group_text(group_members(decls, default_ruleset()), MEMBER, MEMBER_PARAMETERS, PARAMETER_SET)
    rules = live.restricted(grouped, names | {MEMBER, MEMBER_PARAMETERS, PARAMETER_SET})
    assert isinstance(rules, live.LiveProgram)
    return rules


def _grounding(decls: Sequence[Declaration]) -> tuple[list[str], list[str]]:
    ruleset = default_ruleset()
    log: list[str] = []
    ctl = grounded_control(ruleset.grouped(), group_members(decls, ruleset), 0,
                           lambda code, message: log.append(f"{code.name}: {message}"))
    atoms = sorted(f"{atom.symbol}{'.' if atom.is_fact else ''}" for atom in ctl.symbolic_atoms)
    return atoms, log


@pytest.mark.parametrize("size", [1, 7, 64])
def test_a_group_grounds_the_same_atoms_and_decides_the_same_with_and_without_the_restriction(
    size: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    decls = _population()
    groups = [decls[i : i + size] for i in range(0, len(decls), size)][: max(1, 24 // size)] if size > 1 else \
        [[d] for d in decls[:6]]
    ruleset = default_ruleset()
    grouped = ruleset.grouped()
    restricted_runs = [(_grounding(group), decide_group(grouped, group_members(group, ruleset))) for group in groups]
    kept = [_restricted(grouped, group).kept for group in groups if size == 1]
    monkeypatch.setattr(live, "restricted", _whole)
    errors = conflicts = 0
    for group, (grounding, decided) in zip(groups, restricted_runs, strict=True):
        assert _grounding(group) == grounding
        whole = decide_group(grouped, group_members(group, ruleset))
        for a, b in zip(decided, whole, strict=True):
            if isinstance(b, EngineError):
                assert isinstance(a, EngineError) and str(a) == str(b)
                errors += 1
            else:
                assert a == b
                conflicts += bool(b.get("component"))
    assert errors >= 1 and conflicts >= 1
    # Each member alone had rules dropped (so the comparison above compared something).
    assert all(len(indices) < len(grouped.statements) for indices in kept)


def test_the_summary_programme_is_restricted_too() -> None:
    import dataclasses

    from pinggu_asp.batch.summary import SUMMARY_SHOWS

    ruleset = dataclasses.replace(default_ruleset(), shown=SUMMARY_SHOWS)
    pruned = ruleset.grouped()
    assert pruned.live_table is not None
    (bare,) = _hard()[2:]
    assert len(_restricted(pruned, [bare]).kept) < len(pruned.live_table.kinds)


def test_a_declaration_with_almost_no_facts_drops_most_rules_and_is_decided_as_with_all() -> None:
    (bare,) = _hard()[2:]
    ruleset = default_ruleset()
    grouped = ruleset.grouped()
    _, names = group_text(group_members([bare], ruleset), MEMBER, MEMBER_PARAMETERS, PARAMETER_SET)
    rules = live.restricted(grouped, names | {MEMBER, MEMBER_PARAMETERS, PARAMETER_SET})
    assert isinstance(rules, live.LiveProgram)
    tab = grouped.live_table
    assert tab is not None
    rule_count = sum(1 for kind in tab.kinds if kind == live.RULE)
    kept_rules = sum(1 for i in rules.kept if tab.kinds[i] == live.RULE)
    assert kept_rules < rule_count
    # The same restriction is the same object (memoised), and another set of names another.
    assert live.restricted(grouped, sorted(names | {MEMBER, MEMBER_PARAMETERS, PARAMETER_SET})) is rules
    assert live.restricted(grouped, names | {MEMBER}) is not rules


# -- the cache ----------------------------------------------------------------------------------------------


def test_the_table_travels_with_the_cached_program_and_a_cold_process_never_parses_the_rules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PINGGU_ASP_CACHE", str(tmp_path))
    ruleset = default_ruleset()
    source = ruleset.program()[0]
    made = cached_group_program(source, "live-test")
    (written,) = tmp_path.glob("grouped-*.json")

    def never() -> list[ast.AST]:
        raise AssertionError("a cached program was made again")

    loaded = cached_group_program(never, "live-test")
    assert not loaded.has_statements
    assert loaded.live_table == made.live_table and made.live_table is not None and made.live_table.one_line
    names = {"enterprise", "annual", "support_year", "declaration_date", MEMBER, MEMBER_PARAMETERS, PARAMETER_SET}
    from_cache = live.restricted(loaded, names)
    from_rules = live.restricted(made, names)
    assert isinstance(from_cache, live.LiveProgram) and isinstance(from_rules, live.LiveProgram)
    # The first Control of the process gets the kept lines as text, parsing nothing.
    ctl = clingo.Control()
    from_cache.add_to(ctl)
    assert not loaded.has_statements
    assert from_cache.text == "\n".join(str(stm) for stm in from_rules.statements)
    # Parsed back from the text, the statements line up with the table (clingo's leading #program aside).
    lines = loaded.text.split("\n")
    assert [str(stm) for stm in loaded.aligned_statements()] == lines
    assert [str(stm) for stm in from_cache.statements] == [str(stm) for stm in from_rules.statements]
    # A cache without a table (null) is used whole; a damaged one is made again.
    document = json.loads(written.read_text(encoding="utf-8"))
    document.pop("sha256")
    document["live"] = None
    written.write_text(json.dumps({"sha256": grouping._content_digest(document), **document}), encoding="utf-8")
    without = cached_group_program(never, "live-test")
    assert without.live_table is None and live.restricted(without, names) is without
    # A table that is not one (with a digest that matches it) is never used: the program is made again.
    document["live"] = {"signatures": [["p", 1]], "statements": [[9, [], []]], "one_line": True}
    written.write_text(json.dumps({"sha256": grouping._content_digest(document), **document}), encoding="utf-8")
    assert cached_group_program(lambda: source, "live-test").live_table == made.live_table


def test_text_and_statements_give_the_same_grounding() -> None:
    ruleset = default_ruleset()
    decls = valid_declarations(3, seed=4)
    members = group_members(decls, ruleset)
    text, names = group_text(members, MEMBER, MEMBER_PARAMETERS, PARAMETER_SET)
    loaded = GroupedProgram(None, ruleset.grouped().dependent, ruleset.grouped().externals,
                            ruleset.grouped().parameters, text=ruleset.grouped().text,
                            live=ruleset.grouped().live_table)
    rules = live.restricted(loaded, names | {MEMBER, MEMBER_PARAMETERS, PARAMETER_SET})
    grounded = []
    for _ in range(2):  # the first as text, the second as statements
        ctl = clingo.Control()
        rules.add_to(ctl)
        ctl.add("base", [], text)
        ctl.ground([("base", [])])
        grounded.append(sorted(str(atom.symbol) for atom in ctl.symbolic_atoms))
    assert loaded.has_statements
    assert grounded[0] == grounded[1]


def test_statements_that_do_not_line_up_with_the_table_are_added_whole() -> None:
    statements = tuple(_parse("p :- q. r :- p. t."))
    other = live.table(_parse("p :- q. r :- p. t. u :- t."))
    grouped = GroupedProgram(statements, frozenset(), (), live=other)
    rules = live.restricted(grouped, [])
    assert isinstance(rules, live.LiveProgram)
    assert rules.statements == grouped.statements


def test_the_memo_of_restrictions_is_bounded() -> None:
    grouped = GroupedProgram(tuple(_parse(" ".join(f"p{i} :- q{i}." for i in range(80)))), frozenset(), ())
    made = [live.restricted(grouped, [f"q{i}"]) for i in range(live.MEMO_LIMIT + 10)]
    assert len(live._memo) <= live.MEMO_LIMIT
    assert live.restricted(grouped, [f"q{live.MEMO_LIMIT + 9}"]) is made[-1]  # the latest are kept
    assert live.restricted(grouped, ["q0"]) is not made[0]  # the oldest went, and is made again

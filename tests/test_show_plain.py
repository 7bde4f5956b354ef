"""The grouped program shows every member's atoms plainly (grouping._show_plain): reading keeps each member's own.

A solve with only some members open shows the closed members' atoms as well,
and a parameter set's atoms are shown once, with the set first; the reader
(``solve._Group.split``) must give each asked member exactly its own atoms
and its own set's, whatever else the model shows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from pathlib import Path

from pinggu_asp.engine.grouping import ACTIVE
from pinggu_asp.engine.raw_symbols import shown_ids
from pinggu_asp.engine.solve import EngineError, _Budget, ground_group, group_members, solve_many
from support import ruleset

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from generate import valid_declarations  # noqa: E402


def test_the_rewrite_shows_plainly() -> None:
    grouped = ruleset().grouped()
    assert "#show chosen/2." in grouped.text  # chosen/1 with the member first
    assert "#show round_unit/2." in grouped.text  # round_unit/1 with the parameter set first
    assert ACTIVE not in "".join(line for line in grouped.text.splitlines() if line.startswith("#show"))


def test_members_solved_with_others_closed_read_as_with_all_open() -> None:
    rules = ruleset()
    decls = valid_declarations(9, seed=5)
    group, _ = ground_group(rules.grouped(), group_members(decls, rules))
    everyone = [group.atoms(raw) for raw in group.optimum(range(len(decls)), _Budget(None))]
    some = [1, 4, 7]
    ids: list[list[int]] = []

    def on_model(model: object) -> bool:
        ids[:] = [shown_ids(model)]  # type: ignore[arg-type]
        return True

    group.ctl.configuration.solve.opt_mode = "opt"  # type: ignore[union-attr]
    group.ctl.solve(assumptions=group._open(some), on_model=on_model)  # type: ignore[call-overload]
    # A shown atom's slot: its member's number, or a negative number for a parameter set's or the group's.
    closed = {n for (n, _), _ in map(group.reader.shown, ids[0]) if n >= 0} - set(some)
    assert closed, "the closed members' atoms are shown too: the case is exercised"
    for index, raw in zip(some, group.split(ids[0], some), strict=True):
        assert group.atoms(raw) == everyone[index], index


def test_members_of_different_parameter_sets_each_read_their_own() -> None:
    rules = ruleset()
    decls = valid_declarations(6, seed=13)
    params = rules.parameters.in_force(dt.date(2025, 9, 30))
    unit = params["art17_round_unit"]
    finer = {**params, "art17_round_unit": dataclasses.replace(unit, value=unit.value // 10)}
    chosen = [params if i % 2 else finer for i in range(len(decls))]
    together = solve_many(decls, rules, chosen)
    units = set()
    for decl, p, grouped in zip(decls, chosen, together, strict=True):
        alone = solve_many([decl], rules, [p])[0]
        if isinstance(alone, EngineError):
            assert isinstance(grouped, EngineError) and str(grouped) == str(alone)
            continue
        assert not isinstance(grouped, EngineError)
        assert grouped.atoms == alone.atoms
        (round_unit,) = grouped.atoms["round_unit"]
        units.add(str(round_unit))
    assert len(units) == 2


def test_a_group_of_one_parameter_set_shows_its_atoms_once() -> None:
    rules = ruleset()
    decls = valid_declarations(5, seed=2)
    group, _ = ground_group(rules.grouped(), group_members(decls, rules))
    ids: list[list[int]] = []
    group.ctl.configuration.solve.opt_mode = "opt"  # type: ignore[union-attr]
    group.ctl.solve(assumptions=group._open(range(len(decls))),  # type: ignore[call-overload]
                    on_model=lambda m: ids.__setitem__(slice(None), [shown_ids(m)]) or True)
    names = [name.strip() for (_, name), _ in map(group.reader.shown, ids[0])]  # " name": the group's
    assert names.count("round_unit") == 1
    assert len(set(group.sets.values())) == 1 and len(group.sets) == len(decls)
    assert all("round_unit" in raw for raw in group.split(ids[0], range(len(decls))))


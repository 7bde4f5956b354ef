"""Ties settled per independent conflict, alternatives factored, the time budget (issue 17 §2); one solve per group (issue 18).

- 20 independent ties (two other policies of equal amount on each of 20 approvals)
  are decided with their alternatives factored: 20 conflicts of 2 choices, so
  2^20 − 1 other equally good whole sets, the first 20 listed.
- The chosen set and the listed alternatives are those of the former selection
  (solve 1 with select.lp's tie-break levels, solve 2 optN: tests/legacy_selection.py)
  on generated declarations full of conflicts and ties.
- The caps say what they cut (alternatives_truncated, a count of None).
- One optimisation over a group gives each member the optimum it has alone
  (the separable optimum), and a group decides each member atom for atom as
  alone, for groups of 1, 7, 256 and 1,000.
- A declaration that overruns its time budget gets an EngineError (check exits
  3); in a batch its line gets an engine-error record and the others are decided.
No timing assertions: benchmarks/bench_ties.py prints the figures.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner

from batch_support import batch, read_jsonl, write_lines
from legacy_selection import Legacy, legacy_decide
from pinggu_asp import api
from pinggu_asp.cli import app
from pinggu_asp.declaration import Declaration
from pinggu_asp.engine import solve as solve_module
from pinggu_asp.engine.decide import check
from pinggu_asp.engine.facts import declaration_facts
from pinggu_asp.engine.solve import Derived, EngineError, _Budget, decide_group, ground_group, solve
from pinggu_asp.loading import InputError, declaration_from_data
from support import assert_same_outcome, baseline, ruleset
from tied_declarations import tied_declarations, ties_data


def _facts(decls: Sequence[Declaration]) -> list[list[object]]:
    rules = ruleset()
    return [list(declaration_facts(d, rules.parameters.in_force(d.declaration_date))) for d in decls]


def _decide(decls: Sequence[Declaration], **options: object) -> list[Derived | EngineError]:
    return decide_group(ruleset().grouped(), _facts(decls), **options)  # type: ignore[arg-type]


def test_twenty_independent_ties_are_decided_and_factored() -> None:
    result = check(declaration_from_data(ties_data(20)), ruleset())
    groups = result["alternative_groups"]
    assert len(groups) == 20
    for i, group in enumerate(groups):
        first, second = (f"p{i}a", 2 * i), (f"p{i}b", 2 * i + 1)
        assert [(c.get("policy"), c.get("other_pinggu_support")) for c in group["candidates"][:2]] == [first, second]
        assert group["candidates"][2]["clause"] == "art10.class3_device"
        # The fixed order prefers the first candidate: policy a; policy b is the other equally good choice.
        assert [c["policy"] for c in group["chosen"]] == [f"p{i}a"]
        assert [[c["policy"] for c in choice] for choice in group["choices"]] == [[f"p{i}b"]]
        assert group["count"] == 2
    assert result["alternatives_count"] == 2**20 - 1
    assert result["alternatives_truncated"] is True
    assert len(result["alternatives"]) == 20
    outcomes = [s["outcome"] for s in result["other_support"]]
    assert outcomes == ["chosen", "not_chosen"] * 20
    # Every listed whole set is as good as the chosen one, and none is the chosen one.
    chosen = {json.dumps(a, sort_keys=True) for a in result["awards"]}
    assert all(alt["total_yuan"] == result["total_yuan"] for alt in result["alternatives"])
    assert all({json.dumps(a, sort_keys=True) for a in alt["chosen"]} != chosen for alt in result["alternatives"])


@pytest.mark.parametrize("n", [1, 3, 5, 9])
def test_factored_alternatives_are_the_former_list(n: int) -> None:
    """Up to 2^9 − 1 = 511 other sets: the former selection scanned them all, so its first 20 are exact."""
    decl = declaration_from_data(ties_data(n))
    (new,) = _decide([decl])
    (old,) = legacy_decide(ruleset().grouped(), _facts([decl]))
    assert isinstance(new, Derived) and isinstance(old, Legacy) and old.complete
    assert new.chosen == old.chosen and new.atoms == old.atoms
    assert new.alternatives == old.alternatives
    assert new.alternatives_truncated == old.truncated
    assert new.alternatives_count == 2**n - 1


def _population(count: int) -> list[Declaration]:
    from population import population

    out = []
    for line in population(count, seed=8):
        try:
            out.append(declaration_from_data(json.loads(line)))
        except (ValueError, InputError):
            pass  # the population's deliberately invalid lines
    return out


def test_the_chosen_set_and_alternatives_are_the_former_ones_on_generated_conflicts() -> None:
    decls = tied_declarations(100, seed=17) + _population(60)
    new = _decide(decls)
    old = legacy_decide(ruleset().grouped(), _facts(decls))
    tied = 0
    for index, (a, b) in enumerate(zip(new, old, strict=True)):
        if isinstance(b, EngineError):
            assert isinstance(a, EngineError), index
            continue
        assert isinstance(a, Derived), (index, a)
        assert a.chosen == b.chosen, index
        assert a.atoms == b.atoms, index
        if b.complete:
            assert a.alternatives == b.alternatives, index
            assert a.alternatives_truncated == b.truncated, index
            assert a.alternatives_count == len(b.alternatives) if not b.truncated else a.alternatives_count > 20
        tied += bool(a.alternatives)
    assert tied >= 10, "the population should hold ties"


def test_caps_say_what_they_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    decl = declaration_from_data(ties_data(3))
    (full,) = _decide([decl])
    assert isinstance(full, Derived) and full.alternatives_count == 7 and not full.alternatives_truncated
    # Each conflict's enumeration stops at one choice: the count is unknown, the fixed order still decides.
    monkeypatch.setattr(solve_module, "CHOICES_SCAN", 1)
    (cut,) = _decide([decl])
    assert isinstance(cut, Derived)
    assert cut.chosen == full.chosen and cut.atoms == full.atoms
    assert cut.alternatives_count is None and cut.alternatives_truncated
    # Every conflict was cut, so none is known to have a single choice: all are listed, with no count.
    assert len(cut.alternative_groups) == 5 and all(g.count is None for g in cut.alternative_groups)
    monkeypatch.undo()
    # Fewer choices listed than exist, fewer conflicts listed than exist: counts stay exact, the flag says so.
    monkeypatch.setattr(solve_module, "CHOICES_LIMIT", 0)
    (unlisted,) = _decide([decl])
    assert isinstance(unlisted, Derived) and unlisted.alternatives_truncated and unlisted.alternatives_count == 7
    assert all(g.others == [] and g.count == 2 for g in unlisted.alternative_groups)
    monkeypatch.undo()
    monkeypatch.setattr(solve_module, "GROUPS_LIMIT", 2)
    (fewer,) = _decide([decl])
    assert isinstance(fewer, Derived) and len(fewer.alternative_groups) == 2 and fewer.alternatives_truncated
    assert fewer.alternatives == full.alternatives


def test_the_separable_optimum() -> None:
    """One optimisation over a group with conflicts gives each member an optimum it has alone."""
    decls = tied_declarations(30, seed=5)
    group, _ = ground_group(ruleset().grouped(), _facts(decls))
    together = group.optimum(range(len(decls)), _Budget(None))
    with_conflict = 0
    for index, (decl, raw) in enumerate(zip(decls, together, strict=True)):
        atoms = group.atoms(raw, ["chosen", "component"])
        picked = frozenset(a.arguments[0] for a in atoms.get("chosen", []))
        try:
            alone = solve(decl, ruleset())
        except EngineError:
            continue
        with_conflict += bool(atoms.get("component"))
        # Equally good alone: the set chosen alone or one of its alternatives (all listed here: few ties).
        assert alone.alternatives_count is not None and alone.alternatives_count <= 20, index
        assert picked == alone.chosen or picked in alone.alternatives, index
    assert with_conflict >= 5


@pytest.mark.parametrize("size", [1, 7])
def test_grouped_is_alone_atom_for_atom(size: int) -> None:
    decls = tied_declarations(size, seed=size)
    for decl, grouped in zip(decls, _decide(decls), strict=True):
        (alone,) = _decide([decl])
        assert_same_outcome(grouped, alone)


@pytest.mark.parametrize("size", [256, pytest.param(1000, marks=pytest.mark.slow)])
def test_a_large_group_decides_each_member_as_alone(size: int) -> None:
    """One group of ``size`` with its shared optimisation, against each member solved alone.

    Alone: its own choices open and every other member's closed, in groups of
    25 (``test_grouping.py`` holds that equal to a Control of its own; a solve's
    start-up grows with the grounding, so 1,000 such solves in one Control of
    1,000 would take minutes).
    """
    decls = tied_declarations(size, seed=size)
    alone: list[Derived | EngineError] = []
    for start in range(0, size, 25):
        alone += _decide(decls[start : start + 25], together=False)
    grouped = _decide(decls)
    assert sum(isinstance(d, Derived) and bool(d.atoms.get("component")) for d in grouped) >= size // 10
    assert sum(isinstance(d, Derived) and bool(d.alternative_groups) for d in grouped) >= size // 20
    for a, b in zip(grouped, alone, strict=True):
        assert_same_outcome(a, b)


def test_a_group_past_its_shared_limit_is_halved_and_keeps_every_alternative(monkeypatch: pytest.MonkeyPatch) -> None:
    """A shared optimisation that overruns is split in halves, not abandoned: each member still gets its
    conflicts (``component``) and alternatives, as alone. Parts of more than 5 members are made to overrun."""
    decls = tied_declarations(40, seed=40)
    alone = _decide(decls, together=False)
    real = solve_module._Group.optimum
    parts: list[int] = []

    def optimum(self: object, members: object, budget: _Budget, fixed: Sequence[int] = ()) -> object:
        chosen = list(members)  # type: ignore[call-overload]
        if not fixed:
            parts.append(len(chosen))
            if len(chosen) > 5:
                raise solve_module._Overrun
        return real(self, chosen, budget, fixed)  # type: ignore[arg-type]

    monkeypatch.setattr(solve_module._Group, "optimum", optimum)
    grouped = _decide(decls)
    assert sorted(parts, reverse=True) == [40] + [20] * 2 + [10] * 4 + [5] * 8  # halved down to 5, never 1
    assert sum(isinstance(d, Derived) and bool(d.atoms.get("component")) for d in grouped) >= 4
    assert sum(isinstance(d, Derived) and bool(d.alternative_groups) for d in grouped) >= 2
    for a, b in zip(grouped, alone, strict=True):
        assert_same_outcome(a, b)


def test_a_members_budget_counts_its_own_solves_not_the_others(monkeypatch: pytest.MonkeyPatch) -> None:
    """Members solved one after another (every shared part overruns) each get their whole budget: a clock
    that moves 1 s per solve, 30 members and a 5 s budget decide every member. Under a deadline counted
    from when a member's budget was made, those solved first ran out while the others were solved."""
    decls = tied_declarations(30, seed=3)
    clock = [0.0]

    class Clock:
        @staticmethod
        def monotonic() -> float:
            return clock[0]

    real = solve_module._Group.optimum

    def optimum(self: object, members: object, budget: _Budget, fixed: Sequence[int] = ()) -> object:
        chosen = list(members)  # type: ignore[call-overload]
        if len(chosen) > 1 and not fixed:
            raise solve_module._Overrun
        out = real(self, chosen, budget, fixed)  # type: ignore[arg-type]
        clock[0] += 1.0
        return out

    monkeypatch.setattr(solve_module, "time", Clock)
    monkeypatch.setattr(solve_module._Group, "optimum", optimum)
    decided = _decide(decls, time_limit=5.0)
    assert clock[0] >= 30
    assert all(isinstance(d, Derived) for d in decided), [str(d) for d in decided if isinstance(d, EngineError)]
    # The budget still binds: one second of solving is more than a budget of half a second.
    clock[0] = 0.0
    budget = _Budget(0.5)
    budget.charge(1.0)
    with pytest.raises(solve_module._Overrun):
        budget.left()


def test_a_declaration_past_its_time_budget_is_an_engine_error() -> None:
    with pytest.raises(EngineError, match="could not decide within"):
        api.assess(ties_data(32), time_limit=1e-6)
    # The same declaration is decided within the default budget.
    assert api.assess(ties_data(32))["alternatives_count"] == 2**32 - 1


def test_check_past_its_time_limit_exits_3(tmp_path: Path) -> None:
    path = tmp_path / "ties.json"
    path.write_text(json.dumps(ties_data(32), ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(path), "--time-limit", "0.001"])
    assert result.exit_code == 3
    assert "could not decide within 0.001 s" in result.output
    assert "Traceback" not in result.output


def test_in_a_batch_the_overrun_gets_its_record_and_the_others_are_decided(tmp_path: Path) -> None:
    easy = json.dumps(baseline(), ensure_ascii=False)
    hard = json.dumps(ties_data(32), ensure_ascii=False)
    source = write_lines(tmp_path / "in.jsonl", [easy, hard, easy])
    output = tmp_path / "out.jsonl"
    result = batch(source, "-o", output, "--jobs", 1, "--time-limit", "0.001")
    assert result.exit_code == 0, result.output
    records = read_jsonl(output)
    assert [r["schema"] for r in records] == ["pinggu-result/1", "pinggu-error/1", "pinggu-result/1"]
    assert records[1]["kind"] == "engine" and "could not decide within" in records[1]["errors"][0]["message"]
    assert "1 engine errors" in result.stderr


def test_in_the_service_an_overrun_line_does_not_fail_its_group(monkeypatch: pytest.MonkeyPatch) -> None:
    import dataclasses

    from pinggu_asp.service import work

    real = work.ruleset
    monkeypatch.setattr(work, "ruleset", lambda i, p: dataclasses.replace(real(i, p), time_limit=1e-6))
    easy = json.dumps(baseline(), ensure_ascii=False).encode()
    hard = json.dumps(ties_data(32), ensure_ascii=False).encode()
    lines = work.do_batch_group([(1, easy), (2, hard), (3, easy)], [], None)
    records = [json.loads(line) for line in lines]
    assert [r["schema"] for r in records] == ["pinggu-result/1", "pinggu-error/1", "pinggu-result/1"]
    assert "could not decide within" in records[1]["errors"][0]["message"]


def test_the_first_whole_sets_are_the_first_of_the_product_in_order() -> None:
    """``_first_sets`` against sorting the whole product, on random disjoint parts (empty choices included)."""
    import itertools
    import random

    from pinggu_asp.engine.solve import _first_sets
    from pinggu_asp.engine.symbols import num

    rng = random.Random(3)
    for _ in range(300):
        universe = list(range(rng.randint(1, 9)))
        rng.shuffle(universe)
        parts: list[list[frozenset]] = []  # type: ignore[type-arg]
        while universe:
            own = [universe.pop() for _ in range(min(len(universe), rng.randint(1, 3)))]
            choices = {frozenset(num(x) for x in own if rng.random() < 0.5) for _ in range(rng.randint(1, 4))}
            parts.append(sorted(choices, key=sorted))
        product = sorted({frozenset().union(*combo) for combo in itertools.product(*parts)}, key=sorted)
        limit = rng.randint(1, 6)
        assert _first_sets(parts, limit) == product[:limit]


@pytest.mark.parametrize("knob", ["_SUM_BOUND", "GROUP_SOLVE_LIMIT"])
def test_a_group_that_cannot_share_its_optimisation_is_solved_member_by_member(
        knob: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Sums that could pass 64 bits, or a shared optimisation past its bound: each member alone, same answers."""
    decls = tied_declarations(7, seed=70)
    shared = _decide(decls)
    monkeypatch.setattr(solve_module, knob, 0 if knob == "_SUM_BOUND" else 1e-9)
    for a, b in zip(_decide(decls), shared, strict=True):
        assert_same_outcome(a, b)


def test_the_selection_program_is_select_lps_optimisation_alone() -> None:
    """The settling Control gets every optimisation statement and the rules they reach, and nothing else."""
    from clingo.ast import ASTType

    from pinggu_asp.engine.solve import selection_program

    grouped = ruleset().grouped()
    program = selection_program(grouped)
    minimize = [str(s) for s in grouped.statements if s.ast_type == ASTType.Minimize]
    assert minimize and [str(s) for s in program if s.ast_type == ASTType.Minimize] == minimize
    rules = [str(s) for s in program if s.ast_type == ASTType.Rule]
    heads = sorted({r.split("(")[0].strip("{ ") for r in rules})
    assert heads == ["#false :- chosen", "chosen", "chosen_chunk", "rank", "too_many_chunks", "weight_chunk"]
    # What grounding decides (candidates, conflicts, weights, components) is given, never derived again.
    assert not any(r.startswith(("candidate(", "conflict(", "weight_parts(", "component(", "status(")) for r in rules)


def test_a_constraint_the_selection_cannot_see_is_refused() -> None:
    """A constraint on the choice that reads what the settling Control is not given is an error, never ignored."""
    from clingo import ast

    from pinggu_asp.engine.grouping import GroupedProgram
    from pinggu_asp.engine.solve import selection_program

    grouped = ruleset().grouped()
    extra: list[ast.AST] = []
    ast.parse_string("#false :- chosen(E__,X); payable(E__,C,S,K); X = award(C,S).", extra.append)
    widened = GroupedProgram(grouped.statements + tuple(extra[1:]), grouped.dependent, grouped.externals,
                             grouped.parameters)
    with pytest.raises(EngineError, match="the selection reads"):
        selection_program(widened)


def test_when_the_shared_solve_with_fixed_sets_fails_each_member_is_read_alone(
        monkeypatch: pytest.MonkeyPatch) -> None:
    decls = tied_declarations(30, seed=5)
    shared = _decide(decls)
    real = solve_module._Group.optimum
    calls = [0]

    def overrun_when_fixed(self: object, members: object, budget: object, fixed: Sequence[int] = ()) -> object:
        if fixed:
            calls[0] += 1
            raise solve_module._Overrun
        return real(self, members, budget, fixed)  # type: ignore[arg-type]

    monkeypatch.setattr(solve_module._Group, "optimum", overrun_when_fixed)
    for a, b in zip(_decide(decls), shared, strict=True):
        assert_same_outcome(a, b)
    assert calls[0] >= 1, "some member's fixed-order set should differ from the group optimum's"


def test_the_settling_control_is_freed_at_once() -> None:
    """No reference cycle keeps the selection's small Control (or the group's) alive until a gc pass."""
    import gc

    import clingo

    def controls() -> int:
        return sum(isinstance(o, clingo.Control) for o in gc.get_objects())

    decls = tied_declarations(30, seed=5)
    _decide(decls)
    gc.collect()
    gc.disable()
    try:
        before = controls()
        for _ in range(2):
            outcomes = _decide(decls)
            assert sum(isinstance(d, Derived) and bool(d.alternative_groups) for d in outcomes) >= 1
        del outcomes
        assert controls() == before
    finally:
        gc.enable()


def test_the_selection_program_is_kept_on_disk_and_a_damaged_copy_is_made_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new process reads the settling Control's program from the cache (no walk of the grouped rules); a cache
    file that does not match its digest is never used, but made again, and the program is the same."""
    from pinggu_asp.engine import solve as solve_module
    from pinggu_asp.engine.solve import selection_grouped, selection_program

    monkeypatch.setenv("PINGGU_ASP_CACHE", str(tmp_path))
    grouped = ruleset().grouped()
    expected = _texts(selection_program(grouped))
    monkeypatch.setattr(solve_module, "_selection_programs", {})
    made = selection_grouped(grouped)
    assert _texts(made.statements) == expected
    (path,) = tmp_path.glob("selection-*.json")
    walks = [0]

    def counted(program: object) -> object:
        walks[0] += 1
        return selection_program(program)  # type: ignore[arg-type]

    monkeypatch.setattr(solve_module, "selection_program", counted)
    monkeypatch.setattr(solve_module, "_selection_programs", {})
    assert _texts(selection_grouped(grouped).statements) == expected
    assert walks[0] == 0  # read back, not walked again
    path.write_text(path.read_text(encoding="utf-8").replace("chosen", "chosex"), encoding="utf-8")
    monkeypatch.setattr(solve_module, "_selection_programs", {})
    assert _texts(selection_grouped(grouped).statements) == expected
    assert walks[0] == 1


def _texts(statements: Sequence[object]) -> list[str]:
    # Parsed back from text, a program opens with clingo's own ``#program base.`` besides the one it holds.
    return [str(s) for s in statements if str(s) != "#program base."]

"""The selection as it stood before alternatives were factored (commit 60aa426), kept to compare against.

Each member alone: solve 1, the optimum with select.lp's tie-break levels
(``1@-R`` per candidate rank) on; solve 2, optN over the equal optima with the
tie-break off, at most ALTERNATIVES_SCAN of them, sorted by their candidates
and cut at ALTERNATIVES_LIMIT. The optimum with the tie-break levels on is a
single set (any two sets differ at some rank's level), so it does not depend
on the optimisation strategy; usc is used only because clasp's default
branch-and-bound does not finish on many ties (that was the defect).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from clingo import Symbol

from pinggu_asp.engine.grouping import GroupedProgram
from pinggu_asp.engine.raw_symbols import shown_ids
from pinggu_asp.engine.solve import EngineError, _Budget, _group_of, grounded_control
from pinggu_asp.engine.symbols import Term

ALTERNATIVES_LIMIT = 20
ALTERNATIVES_SCAN = 1000


@dataclass
class Legacy:
    atoms: dict[str, list[Term]]
    chosen: frozenset[Term]
    alternatives: list[frozenset[Term]]
    truncated: bool
    complete: bool  # every other optimal set was scanned, so the list does not depend on the search


def legacy_decide(grouped: GroupedProgram, members: Sequence[Iterable[Symbol]]) -> list[Legacy | EngineError]:
    # The facts grounded as the engine grounds them (parameters shared per set), then solved the old way.
    ctl = grounded_control(grouped, [list(facts) for facts in members])
    lookup = ctl.symbolic_atoms
    # The engine's reading of the group (each member's parameter set included), its solves the old way.
    group, _ = _group_of(ctl, grouped, len(members))
    active, tiebreak = group.active, group.tiebreak
    choices: list[list[tuple[int, Term]]] = [[] for _ in members]
    for atom in lookup.by_signature("chosen", 2):
        member, candidate = atom.symbol.arguments
        choices[member.number].append((atom.literal, group.reader.term(candidate)))
    out: list[Legacy | EngineError] = []
    for index in range(len(members)):
        assume = [lit if i == index else -lit for i, lit in enumerate(active)]
        ctl.configuration.solve.opt_mode = "opt"  # type: ignore[union-attr]
        best: list[int] | None = None
        with ctl.solve(assumptions=[*assume, tiebreak], yield_=True) as handle:  # type: ignore[call-overload]
            for model in handle:
                best = shown_ids(model)
            result = handle.get()
        if best is None or not result.exhausted:
            out.append(EngineError("no optimum"))
            continue
        atoms = group.atoms(group.split(best, [index])[0])
        if atoms.get("money_overflow") or atoms.get("rule_error"):
            out.append(EngineError("overflow or rule error"))
            continue
        chosen = frozenset(sym.arguments[0] for sym in atoms.get("chosen", []))
        ctl.configuration.solve.opt_mode = "optN"  # type: ignore[union-attr]
        others: set[frozenset[Term]] = set()
        with ctl.solve(assumptions=[*assume, -tiebreak], yield_=True) as handle:  # type: ignore[call-overload]
            for model in handle:
                if not model.optimality_proven:
                    continue
                picked = frozenset(c for lit, c in choices[index] if model.is_true(lit))
                if picked != chosen:
                    others.add(picked)
                if len(others) >= ALTERNATIVES_SCAN:
                    break
        listed = sorted(others, key=sorted)[:ALTERNATIVES_LIMIT]
        out.append(Legacy(atoms, chosen, listed, len(others) > ALTERNATIVES_LIMIT, len(others) < ALTERNATIVES_SCAN))
    return out


__all__ = ["Legacy", "legacy_decide", "_Budget"]

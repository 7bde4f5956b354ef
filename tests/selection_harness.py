"""The real select.lp on synthetic conflict graphs, and a brute force to check it against.

A `Problem` is a handful of candidates: this measure's awards (a clause id, the
basis keys it rests on and its payable amount in fen) and competing support
under other Pinggu policies (`other_support(I, Basis, Policy, eligible)` with
its amount). `run_select` loads asp_rules/money.lp, input.lp, select.lp and
show.lp, adds the facts that award.lp and the article files would derive
through clingo's symbol API, and runs pinggu_asp.engine.solve.decide_group: the same
grouped program and selection the engine runs. `brute_force` enumerates every subset.

SPEC §4.2: the chosen set has no two candidates sharing a basis (unless a
stack_pair lets two awards stack), the largest total benefit, then the most
paid by this measure; among the sets still equal, a fixed order decides, and
the others are listed as alternatives.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations
from math import gcd

from clingo import Function, Number, String, Symbol, ast

from pinggu_asp.engine.facts import money
from pinggu_asp.engine.grouping import GroupedProgram, group_program
from pinggu_asp.engine.solve import EngineError, decide_group
from pinggu_asp.policy.rules_files import rules_dir

ROUND_UNIT_FEN = 1000 * 100  # parameters.yaml art17_round_unit: 1,000 yuan

# Atoms award.lp and the article files would otherwise provide.
_DECLARE = "#defined eligible/2. #defined payable/3. #defined blocked/2. #defined below_minimum/2."


@dataclass(frozen=True)
class Award:
    clause: int
    bases: tuple[int, ...]
    fen: int


@dataclass(frozen=True)
class Other:
    bases: int
    fen: int


@dataclass
class Problem:
    awards: list[Award]
    others: list[Other] = field(default_factory=list)
    stack_pairs: list[tuple[int, int]] = field(default_factory=list)

    def weight_unit(self) -> int:
        """As pinggu_asp.engine.facts.weight_unit: the largest unit that measures every candidate exactly."""
        unit = ROUND_UNIT_FEN
        for other in self.others:
            unit = gcd(unit, other.fen)
        for award in self.awards:
            assert award.fen % unit == 0, "awards are whole multiples of the Art 17 unit"
        return max(unit, 1)


def clause_sym(i: int) -> Symbol:
    return Function("c", [Number(i)])


SUBJECT = Function("s")


def basis_sym(b: int) -> Symbol:
    return Function("b", [Number(b)])


def award_sym(i: int) -> Symbol:
    return Function("award", [clause_sym(i), SUBJECT])


def other_sym(j: int) -> Symbol:
    return Function("other", [Number(j)])


def facts(problem: Problem) -> list[Symbol]:
    out = [Function("weight_unit", [Number(problem.weight_unit())])]
    for i, award in enumerate(problem.awards):
        key = Function("amount", [Number(i)])
        out.append(Function("eligible", [clause_sym(i), SUBJECT]))
        out.append(Function("payable", [clause_sym(i), SUBJECT, key]))
        out.append(Function("val", [key, money(award.fen)]))
        for b in award.bases:
            out.append(Function("basis", [clause_sym(i), SUBJECT, basis_sym(b)]))
    for j, other in enumerate(problem.others):
        out.append(Function("other_support", [Number(j), basis_sym(other.bases), String(f"policy {j}"),
                                              Function("eligible")]))
        out.append(Function("val", [Function("other_support", [Number(j)]), money(other.fen)]))
    for a, b in problem.stack_pairs:
        out.append(Function("stack_pair", [clause_sym(a), clause_sym(b)]))
    return out


@dataclass
class Outcome:
    atoms: dict[str, list[Symbol]]
    chosen: frozenset[Symbol]
    alternatives: list[frozenset[Symbol]]
    truncated: bool
    messages: list[str]


@lru_cache(maxsize=1)
def _program() -> GroupedProgram:
    statements: list[ast.AST] = []
    ast.parse_files([str(rules_dir() / name) for name in ("money.lp", "input.lp", "select.lp", "show.lp")],
                    statements.append)
    ast.parse_string(_DECLARE, statements.append)
    return group_program(statements)


def run_select(problem: Problem, seed: int = 0) -> Outcome:
    messages: list[str] = []
    outcome = decide_group(_program(), [facts(problem)], seed=seed, messages=messages)[0]
    if isinstance(outcome, EngineError):
        raise outcome
    # The engine hands back Terms (pinggu_asp/engine/symbols.py); the brute force below speaks clingo symbols.
    return Outcome(
        {name: [t.symbol() for t in atoms] for name, atoms in outcome.atoms.items()},
        frozenset(t.symbol() for t in outcome.chosen),
        [frozenset(t.symbol() for t in alt) for alt in outcome.alternatives],
        outcome.alternatives_truncated,
        messages,
    )


# Brute force ---------------------------------------------------------------


def candidates(problem: Problem) -> dict[Symbol, tuple[frozenset[int], int, bool]]:
    """Each candidate: its basis keys, its amount in fen, and whether this measure pays it."""
    out: dict[Symbol, tuple[frozenset[int], int, bool]] = {}
    for i, award in enumerate(problem.awards):
        out[award_sym(i)] = (frozenset(award.bases), award.fen, True)
    for j, other in enumerate(problem.others):
        if other.fen > 0:
            out[other_sym(j)] = (frozenset([other.bases]), other.fen, False)
    return out


def conflicts(problem: Problem, x: Symbol, y: Symbol) -> bool:
    cands = candidates(problem)
    if x == y or not (cands[x][0] & cands[y][0]):
        return False
    if x.name == "award" and y.name == "award":
        a, b = x.arguments[0].arguments[0].number, y.arguments[0].arguments[0].number
        if (a, b) in problem.stack_pairs or (b, a) in problem.stack_pairs:
            return False
    return True


def score(problem: Problem, chosen: frozenset[Symbol]) -> tuple[int, int]:
    """(total benefit to the enterprise, this measure's own total), both exact in fen."""
    cands = candidates(problem)
    return sum(cands[x][1] for x in chosen), sum(cands[x][1] for x in chosen if cands[x][2])


def brute_force(problem: Problem) -> tuple[tuple[int, int], list[frozenset[Symbol]]]:
    """The best score and every conflict-free set that reaches it."""
    cands = sorted(candidates(problem))
    best: tuple[int, int] | None = None
    optimal: list[frozenset[Symbol]] = []
    for n in range(len(cands) + 1):
        for subset in combinations(cands, n):
            if any(conflicts(problem, x, y) for x, y in combinations(subset, 2)):
                continue
            s = frozenset(subset)
            sc = score(problem, s)
            if best is None or sc > best:
                best, optimal = sc, [s]
            elif sc == best:
                optimal.append(s)
    assert best is not None
    return best, optimal


def tiebreak_choice(problem: Problem, optimal: list[frozenset[Symbol]]) -> frozenset[Symbol]:
    """select.lp's fixed order: prefer the set holding the first candidate (clingo's symbol order), then the next…"""
    order = sorted(candidates(problem))
    return max(optimal, key=lambda s: tuple(x in s for x in order))

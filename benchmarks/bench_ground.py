"""Grounding alone, for rule directories side by side: prints CPU ms and ground atoms a declaration, asserts nothing.

    python benchmarks/bench_ground.py [--count 1000] [--seed 8] [--group 128] [--rounds 3] [--shares] [RULES_DIR ...]

Each RULES_DIR is a copy of ``asp_rules/`` (default: this checkout's), e.g. the
rules of another commit: ``git archive <commit> asp_rules | tar -x -C /tmp/old``.
The same groups of ``benchmarks/population.py`` declarations (the valid ones)
are added and grounded under each directory in turn, round after round, so that
the other work on this shared machine falls on every variant alike; the lowest
round of each is printed. Only the rule files differ between the variants: the
facts, the grouping and the Control's options are this checkout's. CPU time
(``time.process_time``) of ``solve.grounded_control`` (making the Control,
adding the rules and the facts, grounding) and of ``Control.ground`` alone.

``--shares`` also prints, for the first rules directory, the ground atoms a
declaration of money.lp's demand chain whose key involves the parameters and
constants alone (``val(param(art3_cap))``, ``floor_to(param(..),U)``,
``plus(param(..),fen(1))``, ...): the most that grounding the parameters'
derivations once per parameter set, rather than once per member, could remove.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import clingo  # noqa: E402
from clingo import ast  # noqa: E402
from profile_stages import _materialised  # noqa: E402

from pinggu_asp.engine import solve  # noqa: E402
from pinggu_asp.engine.grouping import GroupedProgram, group_program  # noqa: E402
from pinggu_asp.policy.pack import program_files  # noqa: E402
from population import valid_declarations  # noqa: E402


def _program(rules: Path) -> GroupedProgram:
    """The grouped program of a rules directory: its own file list where it differs (an older checkout's)."""
    names = [n for n in program_files() if (rules / n).exists()]
    names += sorted(p.name for p in rules.glob("*.lp") if p.name not in names)
    statements: list[ast.AST] = []
    ast.parse_files([str(rules / n) for n in names], statements.append)
    return group_program(statements)


def _timed(grouped: GroupedProgram, groups: list[list[object]]) -> tuple[float, float, int]:
    """CPU seconds of adding and grounding every group, of grounding alone, and the ground atoms."""
    real = clingo.Control.ground
    spent = [0.0]

    def ground(self: clingo.Control, parts: object, context: object = None) -> None:
        start = time.process_time()
        real(self, parts)  # type: ignore[arg-type]
        spent[0] += time.process_time() - start

    total = 0.0
    atoms = 0
    clingo.Control.ground = ground  # type: ignore[method-assign,assignment]
    try:
        for members in groups:
            start = time.process_time()
            ctl = solve.grounded_control(grouped, members)  # type: ignore[arg-type]
            total += time.process_time() - start
            atoms += len(ctl.symbolic_atoms)
            del ctl
    finally:
        clingo.Control.ground = real  # type: ignore[method-assign]
    return total, spent[0], atoms


# money.lp's keys built from parameters and constants alone; any other name is a member's amount.
_PARAMETER_KEYS = frozenset(
    {"param", "fen", "zero", "times", "div", "floor_to", "minus", "monus", "plus", "min", "int"}
)
_MONEY_PREDICATES = frozenset({
    "want", "want_times", "want_div", "want_floor_to", "want_monus", "want_min", "want_ceil_short",
    "val", "sum_limbs", "sum_top", "bad_factor", "money_overflow",
})


def _parameters_only(term: clingo.Symbol) -> bool:
    if term.type != clingo.SymbolType.Function:
        return True
    if term.name == "param":
        return True
    return term.name in _PARAMETER_KEYS and all(_parameters_only(a) for a in term.arguments)


def _shares(grouped: GroupedProgram, groups: list[list[object]], count: int) -> None:
    """The money atoms a declaration whose key is the parameters' alone, by predicate, of all ground atoms."""
    shared: Counter[str] = Counter()
    atoms = 0
    for members in groups:
        ctl = solve.grounded_control(grouped, members)  # type: ignore[arg-type]
        for atom in ctl.symbolic_atoms:
            atoms += 1
            sym = atom.symbol
            # Grouped atoms carry the member first; the key follows.
            if sym.name in _MONEY_PREDICATES and len(sym.arguments) >= 2 and _parameters_only(sym.arguments[1]):
                shared[sym.name] += 1
        del ctl
    total = sum(shared.values())
    print(
        f"money atoms over parameters alone, a declaration: {total / count:.1f} of {atoms / count:.1f} "
        f"({100 * total / max(atoms, 1):.1f}%)"
    )
    for name, n in shared.most_common():
        print(f"  {name:<20} {n / count:>6.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--group", type=int, default=128)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--shares", action="store_true", help="the parameter-only money atoms a declaration")
    parser.add_argument("rules", nargs="*", type=Path, default=[HERE.parent / "asp_rules"])
    args = parser.parse_args()
    decls = valid_declarations(args.count, args.seed)
    ruleset = solve.default_ruleset()
    groups = []
    for start in range(0, len(decls), args.group):
        chunk = decls[start : start + args.group]
        groups.append([_materialised(m) for m in solve.group_members(chunk, ruleset)])
    programs = [_program(r) for r in args.rules]
    best: list[tuple[float, float]] = [(float("inf"), float("inf"))] * len(programs)
    atoms = [0] * len(programs)
    gc.collect()
    for _ in range(args.rounds):
        for i, grouped in enumerate(programs):
            total, ground, atoms[i] = _timed(grouped, groups)
            best[i] = (min(best[i][0], total), min(best[i][1], ground))
    n = len(decls)
    print(f"declarations {n} (count {args.count}, seed {args.seed}), groups of {args.group}, "
          f"lowest of {args.rounds} rounds, clingo {clingo.__version__}")
    print(f"{'rules':<40} {'add+ground ms':>14} {'ground ms':>10} {'atoms':>8}")
    for rules, (total, ground), count in zip(args.rules, best, atoms, strict=True):
        print(f"{str(rules):<40} {total * 1000 / n:>14.3f} {ground * 1000 / n:>10.3f} {count / n:>8.1f}")
    if args.shares:
        _shares(programs[0], groups, n)


if __name__ == "__main__":
    main()

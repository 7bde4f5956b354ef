"""Where a group's time goes, stage by stage: prints CPU ms per declaration, asserts nothing.

    python benchmarks/profile_stages.py [--count 1000] [--seed 8] [--group 32] [--repeat 1] [--atoms]

On ``--count`` declarations of ``benchmarks/population.py`` (the valid ones),
decided in groups of ``--group`` as the batch does, one process, the stages are:
- facts:    the members' facts built (clingo Symbols) and rendered as the engine adds them;
- add:      a Control made, the grouped rules and the facts added;
- ground:   ``Control.ground``;
- solve:    everything ``solve.decide_group`` does after grounding (solving, reading the atoms);
- read:     the answers' atoms into records (``answer.read``), once per declaration;
- document: ``build_result`` from those records and its JSON line (``dumps_line``);
- digest:   the summary's digest straight from the records (``summary.digest_answer``), the
            work a batch with ``--summary`` and no ``-o`` does instead of the document.
  "  reading" is the part of solve spent in ``_Group.split``, ``.atoms`` and ``.answer`` (the answer read into
  Terms, and into the records ``answer.read`` takes as they are where the engine makes them).
"in all" is every stage but digest and "  reading" (a batch writing results digests the document it built).
CPU time (``time.process_time``) rather than wall time, so that other work on
this shared machine moves the figures less; compare figures of the same run.
``--atoms`` also counts the ground atoms a declaration, by predicate.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import clingo  # noqa: E402

from pinggu_asp.batch.summary import digest_answer  # noqa: E402
from pinggu_asp.declaration import Declaration  # noqa: E402
from pinggu_asp.engine import solve  # noqa: E402
from pinggu_asp.engine.answer import read  # noqa: E402
from pinggu_asp.engine.raw_symbols import forget_readers  # noqa: E402
from pinggu_asp.engine.result import build_result, dumps_line  # noqa: E402
from population import valid_declarations  # noqa: E402

# Part of "solve", printed under it and not added again to the total.
_READ = "  reading"


def _materialised(member: Any) -> Any:
    """A member's facts built now, whatever form the engine hands them in (Symbols, or ``MemberFacts``)."""
    if hasattr(member, "own"):
        return type(member)(member.parameters, list(member.own))
    return list(member)


def _add(grouped: Any, members: Any) -> clingo.Control:
    """A Control with the rules and the facts, not yet grounded: ``solve.grounded_control`` less its last call."""
    real = clingo.Control.ground
    clingo.Control.ground = lambda self, parts, context=None: None  # type: ignore[method-assign]
    try:
        return solve.grounded_control(grouped, members)
    finally:
        clingo.Control.ground = real  # type: ignore[method-assign]


def _returning(ctl: clingo.Control, real: Callable[..., clingo.Control]) -> Callable[..., clingo.Control]:
    """``solve.grounded_control`` as a stand-in that hands back the Control grounded here the first time, so only
    the rest is timed; any later call grounds anew (and is timed as solving)."""
    handed: list[clingo.Control] = [ctl]

    def stand_in(*args: object, **kwargs: object) -> clingo.Control:
        return handed.pop() if handed else real(*args, **kwargs)

    return stand_in


def _lap(spent: dict[str, float], stage: str, since: float) -> float:
    now = time.process_time()
    spent[stage] += now - since
    return now


def profile(decls: list[Declaration], group: int, atoms: bool) -> tuple[dict[str, float], Counter[str]]:
    ruleset = solve.default_ruleset()
    grouped = ruleset.grouped()
    solve.solve_many(decls[:2], ruleset)  # the rules parsed and rewritten once, outside the figures
    forget_readers()
    spent: dict[str, float] = dict.fromkeys(("facts", "add", "ground", "solve", _READ, "read", "document", "digest"), 0.0)
    counted: Counter[str] = Counter()
    reading = _reading_timed(spent)

    real_ground_group = solve.grounded_control
    for start in range(0, len(decls), group):
        members_decls = decls[start : start + group]
        clock = time.process_time()
        # Facts: materialised here, so that "add" holds only what clingo does with them.
        members = [_materialised(m) for m in solve.group_members(members_decls, ruleset)]
        clock = _lap(spent, "facts", clock)
        ctl = _add(grouped, members)
        clock = _lap(spent, "add", clock)
        ctl.ground([("base", [])])
        clock = _lap(spent, "ground", clock)
        if atoms:
            counted.update(a.symbol.name for a in ctl.symbolic_atoms)
        solve.grounded_control = _returning(ctl, real_ground_group)  # type: ignore[assignment]
        clock = time.process_time()
        try:
            derived = solve.decide_group(grouped, members)
        finally:
            solve.grounded_control = real_ground_group
        del ctl
        clock = _lap(spent, "solve", clock)
        answers = [(decl, read(outcome)) for decl, outcome in zip(members_decls, derived, strict=True)
                   if not isinstance(outcome, solve.EngineError)]
        clock = _lap(spent, "read", clock)
        for decl, answer in answers:
            dumps_line(build_result(decl, answer, ruleset))
        clock = _lap(spent, "document", clock)
        for decl, answer in answers:
            digest_answer(answer, decl, {})
        _lap(spent, "digest", clock)
    reading()
    per = {stage: seconds * 1000 / len(decls) for stage, seconds in spent.items()}
    return per, counted


def _reading_timed(spent: dict[str, float]) -> Callable[[], None]:
    """Time ``_Group.split``, ``.atoms`` and ``.answer`` (where there is one) into ``spent[_READ]``; returns the undo."""
    real = {name: getattr(solve._Group, name) for name in ("split", "atoms", "answer") if hasattr(solve._Group, name)}

    def timed(method: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            start = time.process_time()
            try:
                return method(*args, **kwargs)
            finally:
                spent[_READ] += time.process_time() - start
        return run

    for name, method in real.items():
        setattr(solve._Group, name, timed(method))

    def undo() -> None:
        for name, method in real.items():
            setattr(solve._Group, name, method)
    return undo


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--group", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=1, help="runs; the lowest figure of each stage is printed")
    parser.add_argument("--atoms", action="store_true", help="count ground atoms a declaration, by predicate")
    args = parser.parse_args()
    decls = valid_declarations(args.count, args.seed)
    gc.collect()
    best: dict[str, float] = {}
    counted: Counter[str] = Counter()
    for _ in range(args.repeat):
        forget_readers()  # else a repeat reads every atom from the last run's reader
        per, counted = profile(decls, args.group, args.atoms)
        best = {stage: min(ms, best.get(stage, ms)) for stage, ms in per.items()}
    print(f"declarations {len(decls)} (count {args.count}, seed {args.seed}), groups of {args.group}, "
          f"clingo {clingo.__version__}")
    print(f"{'stage':<10} {'CPU ms/decl':>12}")
    for stage, ms in best.items():
        print(f"{stage:<10} {ms:>12.3f}")
    print(f"{'in all':<10} {sum(ms for stage, ms in best.items() if stage not in ('digest', _READ)):>12.3f}")
    if args.atoms:
        total = sum(counted.values())
        print(f"\nground atoms a declaration: {total / len(decls):.1f}")
        for name, n in counted.most_common(25):
            print(f"  {name:<28} {n / len(decls):>8.1f}")


if __name__ == "__main__":
    main()

"""The engine's designs side by side: one Control per declaration against groups grounded together.

    python benchmarks/bench_engine.py [--count N] [--seed S] [--sizes 1,8,16,32,64]

Prints, for each group size, the CPU time per declaration of solving (facts,
grounding, both solves, reading the atoms) and of the whole check (with the
result document), and checks that every size gives the same documents as
size 1. CPU time rather than wall time, so that other work on the machine
moves the figures less. Asserts nothing about speed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import valid_declarations  # noqa: E402

from pinggu_asp.engine.decide import check_many  # noqa: E402
from pinggu_asp.engine.solve import default_ruleset, solve_many  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=256)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sizes", default="1,8,16,32,64")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    ruleset = default_ruleset()
    decls = valid_declarations(args.count, args.seed)
    solve_many(decls[:2], ruleset)  # parse and rewrite the rules once, outside the figures

    print(f"declarations  {len(decls)}")
    print(f"{'group':>6} {'solve ms/decl':>14} {'check ms/decl':>14} {'same as 1':>10}")
    reference = None
    for size in sizes:
        t0 = time.process_time()
        for start in range(0, len(decls), size):
            solve_many(decls[start : start + size], ruleset)
        solve_ms = (time.process_time() - t0) * 1000 / len(decls)
        t0 = time.process_time()
        results = check_many(decls, ruleset, group_size=size)
        check_ms = (time.process_time() - t0) * 1000 / len(decls)
        keyed = [r if isinstance(r, dict) else str(r) for r in results]
        reference = keyed if reference is None else reference
        print(f"{size:>6} {solve_ms:>14.2f} {check_ms:>14.2f} {str(keyed == reference):>10}")


if __name__ == "__main__":
    main()

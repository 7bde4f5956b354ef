"""Throughput of `check` on generated declarations: prints its figures, asserts nothing.

    python benchmarks/bench_check.py [--count N] [--seed S] [--cold N]

Each declaration is random but valid (benchmarks/generate.py): outputs and R&D up
to 10^11 yuan, missing facts, ratings, approvals, orders, projects, competing
policies and earlier awards.
The figures are wall-clock per declaration (validation, grounding, both solves,
rendering) on this machine, and the share spent in each phase.

First, the cold start: `pinggu-asp check examples/declaration.yaml` (and
`--version`) in a new process each, wall and CPU (the child's user + system
time), median of --cold runs, against issue 18's target (at most 0.35 s).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_cold import cold_runs  # noqa: E402
from generate import declaration  # noqa: E402

from pinggu_asp.engine.result import build_result  # noqa: E402
from pinggu_asp.engine.solve import default_ruleset, solve  # noqa: E402
from pinggu_asp.loading import declaration_from_data  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
TARGET_COLD_S = 0.35


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cold", type=int, default=5, help="new processes for the cold-start figures (0: none)")
    args = parser.parse_args()
    if args.cold:
        for label, cli_args in (("cold check", ["check", "examples/declaration.yaml"]), ("cold --version", ["--version"])):
            wall, cpu = cold_runs(cli_args, args.cold, dict(os.environ))
            target = f"   (target: at most {TARGET_COLD_S * 1000:.0f} ms)" if label == "cold check" else ""
            print(f"{label:<19} {wall * 1000:.0f} ms wall, {cpu * 1000:.0f} ms CPU, median of {args.cold}{target}")
    rng = random.Random(args.seed)
    ruleset = default_ruleset()
    datas = [declaration(rng, i) for i in range(args.count)]

    phases = {"validate": 0.0, "solve": 0.0, "render": 0.0}
    per_decl: list[float] = []
    granted = 0
    start = time.perf_counter()
    for data in datas:
        t0 = time.perf_counter()
        decl = declaration_from_data(data)
        t1 = time.perf_counter()
        derived = solve(decl, ruleset)
        t2 = time.perf_counter()
        result = build_result(decl, derived, ruleset)
        t3 = time.perf_counter()
        phases["validate"] += t1 - t0
        phases["solve"] += t2 - t1
        phases["render"] += t3 - t2
        per_decl.append(t3 - t0)
        granted += len(result["awards"])
    total = time.perf_counter() - start

    per_decl_ms = sorted(t * 1000 for t in per_decl)
    print(f"declarations        {args.count}")
    print(f"awards granted      {granted}")
    print(f"total               {total:.2f} s   ({args.count / total:.1f} declarations/s on one core)")
    print(f"per declaration     median {statistics.median(per_decl_ms):.1f} ms, "
          f"p95 {per_decl_ms[int(0.95 * (len(per_decl_ms) - 1))]:.1f} ms, max {per_decl_ms[-1]:.1f} ms")
    for name, seconds in phases.items():
        print(f"  {name:<17} {seconds / total * 100:5.1f} %")
    print(f"100,000 declarations at this rate: {100_000 / (args.count / total) / 60:.1f} min on one core")


if __name__ == "__main__":
    main()

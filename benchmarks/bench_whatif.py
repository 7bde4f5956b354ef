"""What-if and reach speed: prints its figures, asserts nothing.

    python benchmarks/bench_whatif.py [--repeat N]

- cold: a new process deciding the example with `pinggu-asp check` (start-up, import, rules, solve),
  wall and CPU (the children's user + system time), against the target of issue 18;
- warm variant: in one process, after a first call, one `whatif` with one changed fact (the unchanged
  declaration's result is remembered, so one decision), against the target; wall and the process's CPU
  (all its threads: clingo solves in a thread of its own), which other work on a shared machine leaves alone;
- the same, as a service worker runs it: the Control made ahead between requests (engine/spare.py);
- the same variant decided by `engine.check` alone (the decision without the what-if around it);
- reach over one fact: `reach(..., vary=[that fact])` on a declaration that misses Art 3;
- reach over every fact of the clause, for comparison;
- why a warm Control (multi-shot) is not used for a variant: the rules alone, grounded again as a later step of one
  Control (as a new request's would be, to see its facts), cost about what they cost in a fresh Control; CPU ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import pinggu_asp  # noqa: E402

EXAMPLE = REPO / "examples" / "declaration.yaml"

# Issue 18's targets, printed beside the figures.
TARGET_COLD_S = 0.35
TARGET_WARM_MS = 50.0


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--cold", type=int, default=5, help="new processes for the cold figure")
    args = parser.parse_args()

    cold = []
    cold_cpu = []
    for _ in range(max(3, args.cold)):
        before = os.times()
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pinggu_asp.cli", "check", str(EXAMPLE)], check=True,
                       capture_output=True)
        cold.append(time.perf_counter() - t0)
        after = os.times()
        cold_cpu.append(after.children_user + after.children_system - before.children_user - before.children_system)

    pinggu_asp.whatif(EXAMPLE, changes=["annual[2025].gross_output=96000000"])  # warm up
    warm = []
    warm_cpu = []  # the process's CPU (every thread's), which the other work on a shared machine does not inflate
    for i in range(args.repeat):
        c0, t0 = time.process_time(), time.perf_counter()
        pinggu_asp.whatif(EXAMPLE, changes=[f"annual[2025].gross_output={96_000_000 + i}"])
        warm.append(time.perf_counter() - t0)
        warm_cpu.append(time.process_time() - c0)

    # As a service worker runs it: the Control made ahead and the last one freed between requests
    # (engine/spare.py), outside the timed call, as in the gap between a user's what-ifs.
    from pinggu_asp.api import ruleset_for
    from pinggu_asp.engine import spare
    from pinggu_asp.engine.solve import control_arguments

    spare.enable()
    ahead = []
    ahead_cpu = []
    try:
        for i in range(args.repeat):
            spare.expect(ruleset_for().grouped(), control_arguments())
            spare.idle()
            c0, t0 = time.process_time(), time.perf_counter()
            pinggu_asp.whatif(EXAMPLE, changes=[f"annual[2025].gross_output={98_000_000 + i}"])
            ahead.append(time.perf_counter() - t0)
            ahead_cpu.append(time.process_time() - c0)
    finally:
        spare.enable(False)

    from pinggu_asp.analysis.whatif import apply_changes
    from pinggu_asp.api import as_declaration
    from pinggu_asp.engine.decide import check

    rules = ruleset_for()
    decl = as_declaration(EXAMPLE)
    check(decl, rules)
    by_check = []
    for i in range(args.repeat):
        variant = apply_changes(decl, [f"annual[2025].gross_output={97_000_000 + i}"])
        t0 = time.perf_counter()
        check(variant, rules)
        by_check.append(time.perf_counter() - t0)

    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    for row in data["annual"]:
        if row["year"] == 2025:
            row["gross_output"] = 96_000_000
    one = []
    for _ in range(max(3, args.repeat // 4)):
        t0 = time.perf_counter()
        doc = pinggu_asp.reach(data, "art3.output_growth", vary=["annual[2025].gross_output"])
        one.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    every = pinggu_asp.reach(data, "art3.output_growth")
    every_s = time.perf_counter() - t0

    warm_step, fresh = _rules_grounding(max(3, args.repeat // 2))

    print(f"cold check (new process)         {_median_ms(cold):8.1f} ms median of {len(cold)}, "
          f"{_median_ms(cold_cpu):.0f} ms CPU   (target: at most {TARGET_COLD_S * 1000:.0f} ms)")
    print(f"warm whatif variant              {_median_ms(warm):8.1f} ms median of {len(warm)}, "
          f"{_median_ms(warm_cpu):.1f} ms CPU   (target: at most {TARGET_WARM_MS:.0f} ms)")
    print(f"  speed-up over cold               {statistics.median(cold) / statistics.median(warm):8.1f} x")
    print(f"  in a service worker              {_median_ms(ahead):8.1f} ms median of {len(ahead)}, "
          f"{_median_ms(ahead_cpu):.1f} ms CPU   (its Control made ahead between requests)")
    print(f"  its decision by engine.check     {_median_ms(by_check):8.1f} ms median of {len(by_check)}")
    print(f"reach, one fact                   {_median_ms(one):8.1f} ms median of {len(one)} "
          f"({doc['verified_runs']} re-solves; found {doc['changes'][0]['to']:,})")
    print(f"reach, every fact of the clause   {every_s * 1000:8.1f} ms ({every['verified_runs']} re-solves, "
          f"{len(every['changes'])} changes)")
    print(f"the rules alone, no facts: fresh Control {fresh:.1f} ms CPU (added and grounded); "
          f"again as a later step of a warm Control {warm_step:.1f} ms CPU (grounded)")


def _rules_grounding(repeat: int) -> tuple[float, float]:
    """Median CPU ms of grounding the grouped rules as step k (k = 2, 3, ...) of one Control, and in a fresh one."""
    import clingo

    from pinggu_asp.api import ruleset_for
    from pinggu_asp.engine.solve import CLINGO_OPTIONS

    text = ruleset_for().grouped().text
    step_text = "\n".join(line for line in text.splitlines() if line.strip() != "#program base.")
    warm = clingo.Control(list(CLINGO_OPTIONS))
    warm.add("step", ["k"], step_text)
    warm.ground([("step", [clingo.Number(1)])])
    steps, fresh = [], []
    for k in range(2, repeat + 2):
        t0 = time.process_time()
        warm.ground([("step", [clingo.Number(k)])])
        steps.append(time.process_time() - t0)
        t0 = time.process_time()
        ctl = clingo.Control(list(CLINGO_OPTIONS))
        ctl.add("base", [], text)
        ctl.ground([("base", [])])
        fresh.append(time.process_time() - t0)
    return _median_ms(steps), _median_ms(fresh)


if __name__ == "__main__":
    main()

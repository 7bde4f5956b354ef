"""Python's garbage collector in a long-lived engine process: prints its figures, asserts nothing.

    python benchmarks/bench_gc.py [--count N] [--rounds R]

Decides the same declarations (benchmarks/population.py) in one process, in
turn with the collector as it is, after ``gc.freeze()`` of everything alive at
start-up, and switched off while a group of 32 is decided. Each chunk's
results are serialised and dropped, as a batch worker does. Figures are CPU ms per declaration (``time.process_time``), the median
of the rounds; rounds alternate so a drift of the machine hits each alike.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from pinggu_asp.engine.decide import check_many  # noqa: E402
from pinggu_asp.engine.result import dumps_line  # noqa: E402
from pinggu_asp.engine.solve import default_ruleset  # noqa: E402
from pinggu_asp.loading import InputError, declaration_from_data  # noqa: E402
from population import write_population  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "population.jsonl"
        write_population(path, args.count)
        lines = path.read_text(encoding="utf-8").splitlines()
    decls = []
    for line in lines:
        try:
            decls.append(declaration_from_data(json.loads(line)))
        except (InputError, ValueError):
            continue
    ruleset = default_ruleset()
    check_many(decls[:32], ruleset)  # warm: rules parsed, model built

    # As a worker does: a chunk is decided, its lines written, and nothing kept.
    def as_is() -> None:
        for start in range(0, len(decls), 32):
            for result in check_many(decls[start : start + 32], ruleset):
                dumps_line(result) if isinstance(result, dict) else None

    def off_per_group() -> None:
        for start in range(0, len(decls), 32):
            gc.disable()
            try:
                for result in check_many(decls[start : start + 32], ruleset):
                    dumps_line(result) if isinstance(result, dict) else None
            finally:
                gc.enable()

    figures: dict[str, list[float]] = {"collector as it is": [], "gc.freeze() after start-up": [],
                                       "collector off per group of 32": []}
    collector: dict[str, list[float]] = {name: [] for name in figures}
    # The collector's own CPU time, from its start and stop callbacks: steadier than the totals.
    spent = {"start": 0.0, "sum": 0.0}

    def timing(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            spent["start"] = time.process_time()
        else:
            spent["sum"] += time.process_time() - spent["start"]

    gc.callbacks.append(timing)
    for _ in range(args.rounds):
        for name in figures:
            gc.unfreeze()
            gc.collect()
            if name.startswith("gc.freeze"):
                gc.freeze()
            run = off_per_group if name.startswith("collector off") else as_is
            spent["sum"] = 0.0
            t0 = time.process_time()
            run()
            figures[name].append((time.process_time() - t0) / len(decls) * 1000)
            collector[name].append(spent["sum"] / len(decls) * 1000)
    print(f"{len(decls)} declarations, {args.rounds} rounds; CPU ms per declaration (median, min-max), "
          "and of it the collector's")
    for name, values in figures.items():
        print(f"  {name:<32} {statistics.median(values):6.2f}   ({min(values):.2f}-{max(values):.2f})   "
              f"collector {statistics.median(collector[name]):.2f}")


if __name__ == "__main__":
    main()

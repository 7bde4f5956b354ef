"""What-if and reach speed: prints its figures, asserts nothing.

    python benchmarks/bench_whatif.py [--repeat N]

- cold: a new process deciding the example with `pinggu-asp check` (start-up, import, rules, solve);
- warm variant: in one process, after a first call, one `whatif` with one changed fact (the unchanged
  declaration's result is remembered, so one decision);
- reach over one fact: `reach(..., vary=[that fact])` on a declaration that misses Art 3;
- reach over every fact of the clause, for comparison.
"""

from __future__ import annotations

import argparse
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


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    cold = []
    for _ in range(3):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pinggu_asp.cli", "check", str(EXAMPLE)], check=True,
                       capture_output=True)
        cold.append(time.perf_counter() - t0)

    pinggu_asp.whatif(EXAMPLE, changes=["annual[2025].gross_output=96000000"])  # warm up
    warm = []
    for i in range(args.repeat):
        t0 = time.perf_counter()
        pinggu_asp.whatif(EXAMPLE, changes=[f"annual[2025].gross_output={96_000_000 + i}"])
        warm.append(time.perf_counter() - t0)

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

    print(f"cold check (new process)         {_median_ms(cold):8.1f} ms median of {len(cold)}")
    print(f"warm whatif variant              {_median_ms(warm):8.1f} ms median of {len(warm)}")
    print(f"  speed-up over cold               {statistics.median(cold) / statistics.median(warm):8.1f} x")
    print(f"reach, one fact                   {_median_ms(one):8.1f} ms median of {len(one)} "
          f"({doc['verified_runs']} re-solves; found {doc['changes'][0]['to']:,})")
    print(f"reach, every fact of the clause   {every_s * 1000:8.1f} ms ({every['verified_runs']} re-solves, "
          f"{len(every['changes'])} changes)")


if __name__ == "__main__":
    main()

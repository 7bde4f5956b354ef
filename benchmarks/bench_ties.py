"""A declaration with N independent ties, decided: prints seconds per N, asserts nothing.

    python benchmarks/bench_ties.py [--sizes 8,16,20,32] [--repeat 3]

Each declaration is the example with N approvals, each claimed by two other
Pinggu policies of equal amount (tests/tied_declarations.py): N independent
conflicts, 2^N equally good whole sets. Before alternatives were factored, N=16
took 50 s and N>=17 did not finish. The figures are wall-clock seconds for
`engine.check` (grounding, the selection, the result document), the best of
--repeat runs, and the same for the example declaration alone (no ties) as the
floor; the difference is what the ties cost.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from pinggu_asp.engine.decide import check  # noqa: E402
from pinggu_asp.engine.solve import default_ruleset  # noqa: E402
from pinggu_asp.loading import declaration_from_data  # noqa: E402
from tied_declarations import ties_data  # noqa: E402


def _best(data: dict[str, object], repeat: int) -> tuple[float, dict[str, object]]:
    rules = default_ruleset()
    decl = declaration_from_data(data)
    best, result = float("inf"), {}
    for _ in range(repeat):
        start = time.perf_counter()
        result = check(decl, rules)
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="8,16,20,32")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    _best(ties_data(1), 1)  # warm: the rules parsed and rewritten once
    floor, _ = _best(yaml.safe_load((ROOT / "examples" / "declaration.yaml").read_text(encoding="utf-8")), args.repeat)
    print(f"example declaration (no ties): {floor:.3f} s")
    print(f"{'N':>4} {'seconds':>8} {'over the floor':>15} {'other equal sets':>18} {'conflicts listed':>17}")
    for n in (int(x) for x in args.sizes.split(",")):
        seconds, result = _best(ties_data(n), args.repeat)
        print(f"{n:>4} {seconds:>8.3f} {seconds - floor:>15.3f} {result['alternatives_count']:>18,} "
              f"{len(result['alternative_groups']):>17}")


if __name__ == "__main__":
    main()

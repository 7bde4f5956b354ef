"""The pure-Python comparator against the engine, side by side: prints agreement and time; asserts nothing.

    python benchmarks/check_pure_python.py [--count N] [--seed S] [--show K] [--boundaries]

Both decide the same generated declarations (benchmarks/generate.py). Agreement
is on what each grants (clause, basis, amount) and the total, and, as a finer
second reading, on every listed clause's status and condition statuses. The
times are per declaration on one core: the engine is `pinggu_asp.api.assess`
(validation, grounding, both solves, rendering); the comparator is
`pure_python_eval.evaluate` on the same dict (it assumes a valid declaration,
so the product's validation time is printed on its own line too).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from boundary_cases import at_boundaries  # noqa: E402
from generate import declaration  # noqa: E402
from pure_python_eval import evaluate  # noqa: E402

from pinggu_asp.api import InputError, assess  # noqa: E402
from pinggu_asp.loading import declaration_from_data  # noqa: E402


def granted(result: dict[str, Any]) -> tuple[list[tuple[str, str, str]], str]:
    """The granted set and total, normalised so that both sides compare as data."""
    awards = sorted((a["clause"], a["basis"], str(a["amount_yuan"])) for a in result["awards"])
    return awards, str(result["total_yuan"])


def clause_view(result: dict[str, Any]) -> dict[tuple[str, str], tuple[str, tuple[tuple[str, str], ...]]]:
    """Each listed clause's status and condition statuses, keyed by clause and subject."""
    return {
        (c["clause"], c["subject"]): (c["status"], tuple(sorted((k["id"], k["status"]) for k in c["conditions"])))
        for c in result["clauses"]
    }


def differences(engine: dict[str, Any], python: dict[str, Any]) -> list[str]:
    """What differs, in words; empty when the two agree on awards, total, statuses and conditions."""
    out: list[str] = []
    if granted(engine) != granted(python):
        out.append(f"awards/total: engine {granted(engine)} vs python {granted(python)}")
    ours, theirs = clause_view(python), clause_view(engine)
    for key in sorted(set(ours) | set(theirs)):
        if ours.get(key) != theirs.get(key):
            out.append(f"{key}: engine {theirs.get(key)} vs python {ours.get(key)}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--show", type=int, default=5, help="print the first K disagreements in full")
    parser.add_argument("--boundaries", action="store_true",
                        help="move every other declaration onto the clauses' edges (benchmarks/boundary_cases.py)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    datas = [declaration(rng, i) for i in range(args.count)]
    if args.boundaries:
        datas = [at_boundaries(rng, d) if i % 2 else d for i, d in enumerate(datas)]

    engine_times: list[float] = []
    python_times: list[float] = []
    validate_times: list[float] = []
    invalid = agree_awards = agree_all = 0
    shown = 0
    for index, data in enumerate(datas):
        t0 = time.perf_counter()
        try:
            engine = assess(data)
        except InputError:
            invalid += 1
            continue
        t1 = time.perf_counter()
        python = evaluate(data)
        t2 = time.perf_counter()
        declaration_from_data(data)
        validate_times.append(time.perf_counter() - t2)
        engine_times.append(t1 - t0)
        python_times.append(t2 - t1)
        diff = differences(engine, python)
        agree_awards += granted(engine) == granted(python)
        agree_all += not diff
        if diff and shown < args.show:
            shown += 1
            print(f"declaration {index} (seed {args.seed}):")
            for line in diff:
                print(f"  {line}")

    decided = len(engine_times)
    engine_ms = statistics.median(engine_times) * 1000 if engine_times else 0.0
    python_ms = statistics.median(python_times) * 1000 if python_times else 0.0
    print(f"declarations              {args.count} ({invalid} invalid, skipped)")
    print(f"awards and total agree    {agree_awards} / {decided}")
    print(f"every status agrees       {agree_all} / {decided}")
    print(f"engine (assess)           median {engine_ms:.2f} ms, mean {sum(engine_times) / max(decided, 1) * 1000:.2f} ms per declaration")
    print(f"pure Python (evaluate)    median {python_ms:.3f} ms, mean {sum(python_times) / max(decided, 1) * 1000:.3f} ms per declaration")
    validate_ms = statistics.median(validate_times) * 1000 if validate_times else 0.0
    print(f"  (validation alone        median {validate_ms:.3f} ms: the product's pydantic model, inside assess;")
    print("   evaluate assumes valid input)")
    if python_ms:
        print(f"engine / pure Python      {engine_ms / python_ms:.0f}x (median)")


if __name__ == "__main__":
    main()

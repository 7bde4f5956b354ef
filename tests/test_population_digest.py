"""500 generated declarations give, line for line, the results the engine gave before (issue 18).

The digests in tests/data/population-500.sha256 were written by
``python benchmarks/compare_engines.py --write-digests tests/data/population-500.sha256``
from the engine as it stood before the population-speed work; a change meant to
alter results regenerates them with that command and says why in its commit.

A digest cannot show what changed. On a failure the test prints the first
differing declaration and its result; with ``PINGGU_ASP_REFERENCE`` naming a
checkout of the engine the digests came from (and ``PINGGU_ASP_REFERENCE_PYTHON``
its interpreter, default this one) it also prints a diff of that line's JSON.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from compare_engines import describe_difference, line_digests, population_file, run_engine  # noqa: E402

DIGESTS = ROOT / "tests" / "data" / "population-500.sha256"


def _stored() -> tuple[int, int, list[str]]:
    header, *digests = DIGESTS.read_text(encoding="utf-8").splitlines()
    words = header.replace(",", " ").split()
    return int(words[words.index("count") + 1]), int(words[words.index("seed") + 1]), digests


def test_population_results_unchanged(tmp_path: Path) -> None:
    count, seed, expected = _stored()
    population = population_file(tmp_path, count, seed)
    lines = run_engine(population, ROOT, sys.executable)
    actual = line_digests(lines)
    assert len(actual) == len(expected), f"{len(actual)} result lines, {len(expected)} expected"
    differing = [i for i, (a, b) in enumerate(zip(expected, actual, strict=True)) if a != b]
    if differing:
        first = differing[0]
        declaration = population.read_text(encoding="utf-8").splitlines()[first]
        print(f"{len(differing)} of {count} lines differ; the first is line {first + 1}.")
        print(f"declaration:\n{declaration}")
        reference = os.environ.get("PINGGU_ASP_REFERENCE")
        if reference:
            python = os.environ.get("PINGGU_ASP_REFERENCE_PYTHON", sys.executable)
            before = run_engine(population, Path(reference), python)[first]
            print(describe_difference(first + 1, before, lines[first]))
        else:
            print(f"result now:\n{lines[first]}")
    assert not differing, f"{len(differing)} of {count} result lines differ from the stored digests (see the output)"

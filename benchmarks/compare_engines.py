"""Two engines on the same generated population: every result line must be byte-identical.

    python benchmarks/compare_engines.py --count 5000 --reference /work/main --reference-python /work/venv/bin/python
    python benchmarks/compare_engines.py --write-digests tests/data/population-500.sha256

The population is ``benchmarks/population.py``'s (fixed seed: every clause,
boundaries, 10^10-10^11 yuan, conflicts, a few invalid lines). Each engine runs
``pinggu-asp batch --jobs 1`` in its own process on the same input file, from
the checkout named (``--reference``) or from this one, and the output lines are
compared byte for byte. The one field that may differ is the rules' own digest
(``provenance.rules_sha256``): it names the rule files' text, which changes with
any edit to them, so it is replaced by a placeholder before comparing and before
digesting.

``--write-digests FILE`` stores the sha256 of each line (as compared) for
tests/test_population_digest.py; after an intended change of results,
regenerate it with the command above and say why in the commit.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from population import write_population  # noqa: E402

DIGEST_COUNT = 500
DIGEST_SEED = 18
_PLACEHOLDER = '"rules_sha256":"-"'


def masked(line: str) -> str:
    """The line with the rules' digest replaced: the only field an edit of the rules' text changes by itself."""
    start = line.find('"rules_sha256":"')
    if start < 0:
        return line
    end = line.index('"', start + len('"rules_sha256":"'))
    return line[:start] + _PLACEHOLDER + line[end + 1 :]


def run_engine(population: Path, checkout: Path, python: str) -> list[str]:
    """``pinggu-asp batch`` of ``checkout`` (imported from there, whatever is installed) on ``population``."""
    with tempfile.TemporaryDirectory(prefix="compare-engines-") as folder:
        out = Path(folder) / "results.jsonl"
        env = dict(os.environ, PYTHONPATH=str(checkout), PINGGU_ASP_CACHE=str(Path(folder) / "cache"))
        # -P: no current directory on sys.path, so only ``checkout`` supplies pinggu_asp.
        command = [python, "-P", "-m", "pinggu_asp.cli", "batch", str(population), "-o", str(out), "--jobs", "1"]
        done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0 or not out.exists():
            raise SystemExit(f"{checkout}: batch failed ({done.returncode}): {done.stderr[-2000:]}")
        return [masked(line) for line in out.read_text(encoding="utf-8").splitlines()]


def line_digests(lines: list[str]) -> list[str]:
    return [hashlib.sha256(line.encode("utf-8")).hexdigest() for line in lines]


def describe_difference(number: int, expected: str, actual: str) -> str:
    """The first differing line's declaration and a diff of its JSON, indented so that it reads."""

    def pretty(line: str) -> list[str]:
        try:
            return json.dumps(json.loads(line), ensure_ascii=False, indent=1, sort_keys=True).splitlines()
        except ValueError:
            return [line]

    diff = difflib.unified_diff(pretty(expected), pretty(actual), "expected", "actual", lineterm="", n=2)
    return f"line {number} differs:\n" + "\n".join(list(diff)[:200])


def population_file(folder: Path, count: int, seed: int) -> Path:
    path = folder / f"population-{count}-{seed}.jsonl"
    write_population(path, count, seed)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=None, help="declarations (default 2000, or 500 for digests)")
    parser.add_argument("--seed", type=int, default=None, help=f"population seed (default {DIGEST_SEED})")
    parser.add_argument("--reference", type=Path, help="the checkout to compare against, e.g. /work/main")
    parser.add_argument("--reference-python", default=sys.executable, help="its interpreter (clingo, pydantic, ...)")
    parser.add_argument("--write-digests", type=Path, help="store this checkout's line digests and stop")
    args = parser.parse_args()
    seed = DIGEST_SEED if args.seed is None else args.seed

    with tempfile.TemporaryDirectory(prefix="compare-population-") as folder:
        if args.write_digests is not None:
            count = DIGEST_COUNT if args.count is None else args.count
            lines = run_engine(population_file(Path(folder), count, seed), ROOT, sys.executable)
            header = f"# compare_engines.py --write-digests: count {count} seed {seed}, sha256 of each masked line\n"
            args.write_digests.parent.mkdir(parents=True, exist_ok=True)
            args.write_digests.write_text(header + "\n".join(line_digests(lines)) + "\n", encoding="utf-8")
            print(f"wrote {len(lines)} digests to {args.write_digests}")
            return
        if args.reference is None:
            parser.error("give --reference CHECKOUT or --write-digests FILE")
        count = 2000 if args.count is None else args.count
        population = population_file(Path(folder), count, seed)
        expected = run_engine(population, args.reference.resolve(), args.reference_python)
        actual = run_engine(population, ROOT, sys.executable)
    differing = [i for i, (a, b) in enumerate(zip(expected, actual, strict=False)) if a != b]
    print(f"declarations {count} (seed {seed}): reference {len(expected)} lines, this checkout {len(actual)} lines, "
          f"{len(differing)} differ")
    if differing:
        print(describe_difference(differing[0] + 1, expected[differing[0]], actual[differing[0]]))
    if differing or len(expected) != len(actual):
        raise SystemExit(1)


if __name__ == "__main__":
    main()

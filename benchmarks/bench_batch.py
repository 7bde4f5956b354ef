"""Throughput and memory of `pinggu-asp batch` on generated populations: prints its figures, asserts nothing.

    python benchmarks/bench_batch.py [--sizes 1000,10000,100000] [--jobs N] [--sample 200] [--seed 8]

For each size it writes a population (benchmarks/population.py: every clause
exercised, a share at thresholds, outputs up to 10^11 yuan, 0.5% invalid
lines), runs the batch command in a subprocess as an analyst would (JSON Lines
out, with the summary), and reports declarations per second, wall time and the
peak memory of the whole process tree (the command and its workers, sampled
with psutil; without psutil, the largest single process from getrusage).

In the same run it times, on a sample of the same declarations:
- today's one-by-one engine: `engine.check` in a loop, in one process;
- the pure-Python evaluation of the same clauses, if benchmarks/pure_python_eval.py is present
  (`evaluate(declaration_dict) -> dict`, written for comparison, not part of the product);
and prints the batch's time per declaration as a ratio to each.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from pinggu_asp.engine.decide import check  # noqa: E402
from pinggu_asp.engine.solve import default_ruleset  # noqa: E402
from pinggu_asp.loading import InputError, declaration_from_data, parse_text  # noqa: E402
from population import write_population  # noqa: E402


def _tree_rss(pid: int) -> int | None:
    try:
        import psutil
    except ImportError:
        return None
    try:
        root = psutil.Process(pid)
        total = root.memory_info().rss
        for child in root.children(recursive=True):
            try:
                total += child.memory_info().rss
            except psutil.Error:
                pass
        return int(total)
    except psutil.Error:
        return 0


def run_batch(source: Path, output: Path, summary: Path, jobs: int | None) -> dict[str, Any]:
    command = [sys.executable, "-m", "pinggu_asp.cli", "batch", str(source), "-o", str(output), "--summary", str(summary)]
    if jobs:
        command += ["--jobs", str(jobs)]
    peak = [0]
    start = time.perf_counter()
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    sampled = [True]

    def sample() -> None:
        while process.poll() is None:
            rss = _tree_rss(process.pid)
            if rss is None:
                sampled[0] = False
                return
            peak[0] = max(peak[0], rss)
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = process.communicate()
    wall = time.perf_counter() - start
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"batch failed ({process.returncode}): {stderr}")
    if not sampled[0]:
        # ru_maxrss of children: the largest single process (kilobytes on Linux)
        peak[0] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return {"wall": wall, "peak_bytes": peak[0], "tree": sampled[0], "stderr": stderr.strip()}


def sample_declarations(source: Path, count: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    with source.open(encoding="utf-8") as handle:
        for line in handle:
            try:
                data = parse_text(line, "sample.jsonl", fmt="json")
                declaration_from_data(data)
            except InputError:
                continue
            out.append(data)
            if len(out) == count:
                break
    return out


def one_by_one(datas: list[dict[str, Any]]) -> float:
    """Seconds per declaration for today's engine, one `check` after another (validation included)."""
    ruleset = default_ruleset()
    check(declaration_from_data(datas[0]), ruleset)  # the rules parsed once, as a long-running process would
    start = time.perf_counter()
    for data in datas:
        check(declaration_from_data(data), ruleset)
    return (time.perf_counter() - start) / len(datas)


def pure_python(datas: list[dict[str, Any]]) -> float | None:
    try:
        module = importlib.import_module("pure_python_eval")
    except ImportError:
        return None
    evaluate = module.evaluate
    start = time.perf_counter()
    for data in datas:
        evaluate(json.loads(json.dumps(data, default=str)))
    return (time.perf_counter() - start) / len(datas)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated population sizes")
    parser.add_argument("--jobs", type=int, default=None, help="passed to batch (default: every core)")
    parser.add_argument("--sample", type=int, default=200, help="declarations timed one by one and in pure Python")
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]

    print(f"machine: {os.cpu_count()} cores; batch --jobs {args.jobs or 'all'}; sample {args.sample}")
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        folder = Path(tmp)
        rows = []
        per_decl_one = per_decl_pure = None
        for size in sizes:
            source = folder / f"population-{size}.jsonl"
            write_population(source, size, args.seed)
            if per_decl_one is None:
                datas = sample_declarations(source, args.sample)
                per_decl_one = one_by_one(datas)
                per_decl_pure = pure_python(datas)
            figures = run_batch(source, folder / f"out-{size}.jsonl", folder / f"summary-{size}.json", args.jobs)
            rows.append((size, figures))
            (folder / f"out-{size}.jsonl").unlink()
            source.unlink()

        assert per_decl_one is not None
        print(f"one-by-one engine.check: {per_decl_one * 1000:.1f} ms/declaration ({1 / per_decl_one:.1f}/s, one core)")
        if per_decl_pure is None:
            print("pure-Python evaluation: benchmarks/pure_python_eval.py not present")
        else:
            print(f"pure-Python evaluation: {per_decl_pure * 1000:.3f} ms/declaration ({1 / per_decl_pure:.0f}/s, one core)")
        print()
        print(f"{'declarations':>12} {'wall s':>9} {'decl/s':>9} {'ms/decl':>8} {'peak MB':>8} "
              f"{'vs one-by-one':>14} {'vs pure Python':>15}")
        for size, f in rows:
            per = f["wall"] / size
            vs_one = f"{per_decl_one / per:.2f}x"
            vs_pure = "-" if per_decl_pure is None else f"{per_decl_pure / per:.3f}x"
            peak = f"{f['peak_bytes'] / 2**20:.0f}" + ("" if f["tree"] else "*")
            print(f"{size:>12} {f['wall']:>9.1f} {size / f['wall']:>9.1f} {per * 1000:>8.2f} {peak:>8} "
                  f"{vs_one:>14} {vs_pure:>15}")
        print("\nratios: how many times faster the batch is per declaration (above 1: faster)."
              + ("" if all(f["tree"] for _, f in rows) else "\n* largest single process (psutil missing)"))


if __name__ == "__main__":
    main()

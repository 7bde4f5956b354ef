"""Throughput and memory of `pinggu-asp batch` on generated populations: prints its figures, asserts nothing.

    python benchmarks/bench_batch.py [--sizes 1000,10000,100000] [--jobs N] [--sample 200] [--seed 8]
                                     [--summary-only] [--dask]

For each size it writes a population (benchmarks/population.py: every clause
exercised, a share at thresholds, outputs up to 10^11 yuan, 0.5% invalid
lines), runs the batch command in a subprocess as an analyst would (JSON Lines
out, with the summary), and reports declarations per second, wall time, the
CPU time of the whole process tree (the command, its fork server and its
workers: this process is their subreaper, so every one of them is waited for
and counted) and the peak memory of the tree (sampled with psutil; without
psutil, the largest single process from getrusage). CPU ms a declaration is
the tree's CPU time over the declarations: what a declaration costs one core,
the figure the issue's targets are stated in, and less moved than wall time by
other work on a shared machine.

``--summary-only`` also runs each size with ``--summary`` and no ``-o`` (no
result document is built); ``--dask`` also runs it on a Dask ``LocalCluster``
of ``--jobs`` (default 2) single-threaded worker processes through ``--cluster``,
their CPU time read from the workers and their nannies with psutil.

In the same run it times, on a sample of the same declarations:
- today's one-by-one engine: `engine.check` in a loop, in one process;
- the pure-Python evaluation of the same clauses, if benchmarks/pure_python_eval.py is present
  (`evaluate(declaration_dict) -> dict`, written for comparison, not part of the product);
and prints the batch's time per declaration as a ratio to each, by wall time
and by CPU time (CPU ms a declaration a core against the pure-Python CPU ms).
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import importlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
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


_PR_SET_CHILD_SUBREAPER = 36


def become_subreaper() -> bool:
    """Orphans of this process's descendants (the batch's fork server, its workers) become its children, so that
    reaping them adds their CPU time to RUSAGE_CHILDREN. Linux only; elsewhere the workers may go uncounted."""
    try:
        return ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _children() -> set[int]:
    try:
        import psutil
    except ImportError:
        return set()
    return {child.pid for child in psutil.Process().children()}


def _reap_all(before: set[int], limit: float = 30.0) -> None:
    """Wait for every descendant the run left (a fork server exits when the batch has gone), so that their CPU
    time is counted; the children this process had before the run (a Dask cluster's) are left alone."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        with contextlib.suppress(ChildProcessError):
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        if not _children() - before:
            return
        time.sleep(0.05)


def _cpu_of(processes: list[Any]) -> float:
    total = 0.0
    for process in processes:
        with contextlib.suppress(Exception):
            times = process.cpu_times()
            total += times.user + times.system
    return total


@contextlib.contextmanager
def local_cluster(workers: int) -> Iterator[tuple[str, list[Any]]]:
    """A Dask LocalCluster of single-threaded worker processes: its address and its processes (nannies and workers)."""
    import psutil
    from distributed import LocalCluster

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        me = psutil.Process()
        yield cluster.scheduler_address, [p for p in me.children(recursive=True)]


def run_batch(source: Path, output: Path | None, summary: Path, jobs: int | None,
              cluster: tuple[str, list[Any]] | None = None) -> dict[str, Any]:
    command = [sys.executable, "-m", "pinggu_asp.cli", "batch", str(source), "--summary", str(summary)]
    if output is not None:
        command += ["-o", str(output)]
    if cluster is not None:
        command += ["--cluster", cluster[0]]
    elif jobs:
        command += ["--jobs", str(jobs)]
    peak = [0]
    before = _children()
    cpu_before = _children_cpu()
    cluster_before = _cpu_of(cluster[1]) if cluster is not None else 0.0
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
    _reap_all(before)
    cpu = _children_cpu() - cpu_before + (_cpu_of(cluster[1]) - cluster_before if cluster is not None else 0.0)
    if process.returncode != 0:
        raise SystemExit(f"batch failed ({process.returncode}): {stderr}")
    if not sampled[0]:
        # ru_maxrss of children: the largest single process (kilobytes on Linux)
        peak[0] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return {"wall": wall, "cpu": cpu, "peak_bytes": peak[0], "tree": sampled[0], "stderr": stderr.strip()}


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


def one_by_one(datas: list[dict[str, Any]]) -> tuple[float, float]:
    """Seconds per declaration for today's engine, one `check` after another (validation included): wall, CPU."""
    ruleset = default_ruleset()
    check(declaration_from_data(datas[0]), ruleset)  # the rules parsed once, as a long-running process would
    start, cpu = time.perf_counter(), time.process_time()
    for data in datas:
        check(declaration_from_data(data), ruleset)
    return (time.perf_counter() - start) / len(datas), (time.process_time() - cpu) / len(datas)


def pure_python(datas: list[dict[str, Any]]) -> tuple[float, float] | None:
    """Seconds per declaration of the pure-Python evaluation: wall, CPU."""
    try:
        module = importlib.import_module("pure_python_eval")
    except ImportError:
        return None
    evaluate = module.evaluate
    start, cpu = time.perf_counter(), time.process_time()
    for data in datas:
        evaluate(json.loads(json.dumps(data, default=str)))
    return (time.perf_counter() - start) / len(datas), (time.process_time() - cpu) / len(datas)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated population sizes")
    parser.add_argument("--jobs", type=int, default=None, help="passed to batch (default: every core)")
    parser.add_argument("--sample", type=int, default=200, help="declarations timed one by one and in pure Python")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--summary-only", action="store_true",
                        help="also run each size with --summary and no -o (no result document built)")
    parser.add_argument("--dask", action="store_true",
                        help="also run each size on a Dask LocalCluster of --jobs (default 2) worker processes")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    counted = become_subreaper()

    print(f"machine: {os.cpu_count()} cores; batch --jobs {args.jobs or 'all'}; sample {args.sample}")
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp, contextlib.ExitStack() as stack:
        folder = Path(tmp)
        cluster = stack.enter_context(local_cluster(args.jobs or 2)) if args.dask else None
        rows = []
        per_one = per_pure = None
        for size in sizes:
            source = folder / f"population-{size}.jsonl"
            write_population(source, size, args.seed)
            if per_one is None:
                datas = sample_declarations(source, args.sample)
                per_one = one_by_one(datas)
                per_pure = pure_python(datas)
            output = folder / f"out-{size}.jsonl"
            rows.append((size, "results", run_batch(source, output, folder / f"summary-{size}.json", args.jobs)))
            output.unlink()
            if args.summary_only:
                rows.append((size, "summary only",
                             run_batch(source, None, folder / f"summary-only-{size}.json", args.jobs)))
            if cluster is not None:
                rows.append((size, "dask results", run_batch(source, output, folder / f"summary-dask-{size}.json",
                                                             args.jobs, cluster)))
                output.unlink()
            source.unlink()

        assert per_one is not None
        print(f"one-by-one engine.check: {per_one[0] * 1000:.1f} ms/declaration ({1 / per_one[0]:.1f}/s, one core; "
              f"CPU {per_one[1] * 1000:.1f} ms)")
        if per_pure is None:
            print("pure-Python evaluation: benchmarks/pure_python_eval.py not present")
        else:
            print(f"pure-Python evaluation: {per_pure[0] * 1000:.3f} ms/declaration ({1 / per_pure[0]:.0f}/s, one core; "
                  f"CPU {per_pure[1] * 1000:.3f} ms)")
        print()
        print(f"{'declarations':>12} {'output':>13} {'wall s':>8} {'decl/s':>8} {'ms/decl':>8} {'CPU s':>8} "
              f"{'CPU ms/decl':>11} {'peak MB':>8} {'vs one-by-one':>14} {'vs pure Python':>15} {'CPU vs pure':>12}")
        for size, output_kind, f in rows:
            per = f["wall"] / size
            cpu_per = f["cpu"] / size
            vs_one = f"{per_one[0] / per:.2f}x"
            vs_pure = "-" if per_pure is None else f"{per_pure[0] / per:.3f}x"
            cpu_vs_pure = "-" if per_pure is None else f"{cpu_per / per_pure[1]:.1f}x slower"
            peak = f"{f['peak_bytes'] / 2**20:.0f}" + ("" if f["tree"] else "*")
            print(f"{size:>12} {output_kind:>13} {f['wall']:>8.1f} {size / f['wall']:>8.1f} {per * 1000:>8.2f} "
                  f"{f['cpu']:>8.1f} {cpu_per * 1000:>11.2f} {peak:>8} {vs_one:>14} {vs_pure:>15} {cpu_vs_pure:>12}")
        print("\nratios: how many times faster the batch is per declaration (above 1: faster); CPU vs pure: the tree's "
              "CPU ms a declaration over the pure-Python evaluation's, both on one core."
              + ("" if counted else "\nCPU: this platform has no subreaper; the workers' time may be missing.")
              + ("" if all(f["tree"] for _, _, f in rows) else "\n* largest single process (psutil missing)")
              + ("\ndask: the peak is the command's tree only (the cluster's workers are this process's)."
                 if cluster is not None else ""))


if __name__ == "__main__":
    main()

"""Worker memory over a long batch: the resident size of the batch's worker processes after N declarations.

    python benchmarks/bench_memory.py                      # after 2,000 and 20,000 declarations
    python benchmarks/bench_memory.py --counts 500 5000 --no-recycle

The batch's local workers are replaced every ``WORKER_CHUNKS`` chunks
(``pinggu_asp/batch/run.py``), because clingo never frees a symbol once made and
each declaration brings symbols of its own. The acceptance: the RSS after the
last count is within 20% of the RSS after the first. ``--no-recycle`` keeps
each worker for the whole run, to show the growth the recycling prevents.
Not a test: it prints its figures.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pinggu_asp.batch import run as batch_run  # noqa: E402
from pinggu_asp.batch.reading import Item  # noqa: E402
from pinggu_asp.batch.run import Plan  # noqa: E402
from pinggu_asp.engine.solve import default_ruleset  # noqa: E402
from population import population  # noqa: E402


def _items(count: int, seed: int) -> Iterator[Item]:
    for number, line in enumerate(population(count, seed), start=1):
        yield Item({"line": number}, text=line)


def _worker_rss() -> list[float]:
    """MiB resident of each live worker: the fork server's children (the fork server and the resource tracker
    are this process's own children)."""
    me = os.getpid()
    sizes = []
    for child in psutil.Process(me).children(recursive=True):
        try:
            if child.ppid() != me:
                sizes.append(child.memory_info().rss / 2**20)
        except psutil.NoSuchProcess:
            continue
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--counts", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (default 1: one worker's growth)")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--no-recycle", action="store_true", help="keep every worker for the whole run")
    args = parser.parse_args()
    if args.no_recycle:
        batch_run.WORKER_CHUNKS = None  # type: ignore[assignment]
    counts = sorted(args.counts)
    plan = Plan(baseline=default_ruleset(), lines=True, digests=True)
    start = time.perf_counter()
    checkpoints = iter(counts)
    target = next(checkpoints)
    figures: list[tuple[int, float]] = []
    print(f"workers: {args.jobs}, chunk: {batch_run.CHUNK} declarations, "
          f"recycled every {batch_run.WORKER_CHUNKS or 'never'} chunks", flush=True)
    outcomes = _run(plan, counts[-1], args)
    # Sampled once a chunk, the last live reading kept: at a multiple of WORKER_CHUNKS chunks the
    # worker has just been retired and its successor not yet started, so a reading then finds none.
    seen = 0.0
    for done, _ in enumerate(outcomes, start=1):
        if done % batch_run.CHUNK == 0 or done == target:
            seen = max(_worker_rss(), default=0.0) or seen
        if done == target:
            rss = seen
            figures.append((done, rss))
            print(f"{done:>7,} declarations: worker RSS {rss:7.1f} MiB  ({time.perf_counter() - start:,.0f} s)",
                  flush=True)
            target = next(checkpoints, 0)
    if len(figures) >= 2:
        first, last = figures[0][1], figures[-1][1]
        print(f"growth from {figures[0][0]:,} to {figures[-1][0]:,}: {100 * (last - first) / first:+.1f}% "
              f"(acceptance: within 20%)")


def _run(plan: Plan, count: int, args: argparse.Namespace) -> Iterator[object]:
    """The batch's own pool path (``run`` with jobs >= 2 uses worker processes; jobs=1 stays in-process)."""
    if args.jobs > 1:
        yield from batch_run.run(_items(count, args.seed), plan, jobs=args.jobs)
        return
    # One worker: the same pool the batch makes, with max_workers=1.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=batch_run.watch_parent,
                             initargs=(os.getpid(),), max_tasks_per_child=batch_run.WORKER_CHUNKS) as pool:
        chunks = batch_run._chunks(_items(count, args.seed), batch_run.CHUNK)
        yield from batch_run._in_order(lambda chunk: pool.submit(batch_run.decide_chunk, plan, chunk),
                                       lambda future: future.result(), chunks, window=2)


if __name__ == "__main__":
    main()

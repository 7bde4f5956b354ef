"""--cluster: the same batch on a Dask LocalCluster of two worker processes gives the same files as a local run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from batch_support import batch, generated

SLOW_CHUNKS = Path(__file__).parent / "data" / "slow_chunks_preload.py"
distributed = pytest.importorskip("distributed", reason="Dask is the optional [cluster] extra; pip install '.[cluster]'")


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def test_a_cluster_run_writes_what_a_local_run_writes(scheduler: str, tmp_path: Path) -> None:
    source = generated(tmp_path / "in.jsonl", 60, seed=3, invalid=0.05)
    local, remote = tmp_path / "local.jsonl", tmp_path / "remote.jsonl"
    local_summary, remote_summary = tmp_path / "local.json", tmp_path / "remote.json"
    assert batch(source, "-o", local, "--summary", local_summary, "--jobs", 1).exit_code == 0
    result = batch(source, "-o", remote, "--summary", remote_summary, "--cluster", scheduler, "--chunk-size", 7)
    assert result.exit_code == 0, result.output
    assert remote.read_bytes() == local.read_bytes()
    assert remote_summary.read_bytes() == local_summary.read_bytes()


def test_an_unreachable_scheduler_writes_nothing_and_exits_2(tmp_path: Path) -> None:
    source = generated(tmp_path / "in.jsonl", 2, seed=3)
    output = tmp_path / "out.jsonl"
    result = batch(source, "-o", output, "--cluster", "tcp://127.0.0.1:9")
    assert result.exit_code == 2, result.output
    assert "cannot reach a Dask scheduler" in result.stderr
    assert not output.exists()


def test_workers_the_cluster_replaces_lose_nothing(tmp_path: Path) -> None:
    # `dask worker --lifetime ... --lifetime-restart`, as the README advises (clingo never frees a
    # symbol, so a worker kept for a whole population would only grow): the one worker is replaced
    # mid-batch, and the batch still writes what a local run writes.
    # Each of the 20 chunks is held back 0.4 s in the worker (tests/data/slow_chunks_preload.py), so
    # the batch outlives a worker's 5 s life on any machine: on a fast one, 400 declarations were
    # decided within the first worker's life and no worker was ever replaced. The life is longer
    # than a worker's start (about 2 s): a replacement whose life ends while it is still joining
    # the scheduler is never replaced itself (dask/distributed#4752), and the batch then waits
    # for a worker that does not come.
    source = generated(tmp_path / "in.jsonl", 400, seed=5)
    local, remote = tmp_path / "local.jsonl", tmp_path / "remote.jsonl"
    assert batch(source, "-o", local, "--jobs", 1).exit_code == 0
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None,
                                  lifetime="5s", lifetime_restart=True, preload=[str(SLOW_CHUNKS)]) as cluster:
        result = batch(source, "-o", remote, "--cluster", cluster.scheduler_address, "--chunk-size", 20)
        events = cluster.scheduler.get_events("all")
    assert result.exit_code == 0, result.output
    assert sum(1 for _, event in events if event.get("action") == "add-worker") >= 2  # it was replaced
    assert remote.read_bytes() == local.read_bytes()


def test_a_chunk_the_cluster_loses_is_a_clear_error_and_nothing_is_written(
        scheduler: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from concurrent.futures import CancelledError

    from pinggu_asp.batch import run

    def lost(*args: object, **kwargs: object) -> object:
        raise CancelledError("decide_chunk-1 cancelled for reason: already forgotten.")
        yield  # a generator, as _in_order is

    monkeypatch.setattr(run, "_in_order", lost)
    source = generated(tmp_path / "in.jsonl", 4, seed=3)
    output = tmp_path / "out.jsonl"
    result = batch(source, "-o", output, "--cluster", scheduler)
    assert result.exit_code == 2, result.output
    assert "the cluster lost a chunk of the batch" in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert not output.exists()


def _no_worker_wait(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    from pinggu_asp.batch import run

    monkeypatch.setattr(run, "NO_WORKER_WAIT", seconds)
    monkeypatch.setattr(run, "CLUSTER_POLL", 0.2)


def test_a_cluster_with_no_worker_is_a_clear_error_in_bounded_time(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Before the bound, a batch on a cluster whose workers were all gone waited for ever.
    _no_worker_wait(monkeypatch, 2.0)
    source = generated(tmp_path / "in.jsonl", 4, seed=3)
    output, summary = tmp_path / "out.jsonl", tmp_path / "summary.json"
    with distributed.LocalCluster(n_workers=0, processes=True, dashboard_address=None) as cluster:
        result = batch(source, "-o", output, "--summary", summary, "--cluster", cluster.scheduler_address)
    assert result.exit_code == 2, result.output
    assert "the cluster has had no worker for 2 s" in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert not output.exists() and not summary.exists()


def test_a_worker_that_joins_within_the_wait_is_waited_for(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    _no_worker_wait(monkeypatch, 60.0)
    source = generated(tmp_path / "in.jsonl", 12, seed=4)
    local, remote = tmp_path / "local.jsonl", tmp_path / "remote.jsonl"
    assert batch(source, "-o", local, "--jobs", 1).exit_code == 0
    with distributed.LocalCluster(n_workers=0, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        joining = threading.Timer(1.5, cluster.scale, args=(1,))
        joining.start()
        try:
            result = batch(source, "-o", remote, "--cluster", cluster.scheduler_address, "--chunk-size", 5)
        finally:
            joining.join()
    assert result.exit_code == 0, result.output
    assert remote.read_bytes() == local.read_bytes()

"""Stopping a batch: SIGTERM ends its workers and removes its staged output; a batch killed outright (SIGKILL)
leaves no worker running either, because each worker watches for its batch to go."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from batch_support import generated

DECLARATIONS = 6000  # 10 s of work on two workers on the fastest machine yet: always mid-way when signalled


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated(tmp_path_factory.mktemp("signals") / "in.jsonl", DECLARATIONS, seed=5)


def _start(population: Path, out: Path) -> tuple[subprocess.Popen[bytes], list[psutil.Process]]:
    """A batch on two workers in its own session, once its workers are deciding and its output is staged."""
    process = subprocess.Popen(
        [sys.executable, "-m", "pinggu_asp.cli", "batch", str(population), "-o", str(out / "out.jsonl"), "-j", "2"],
        start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    parent = psutil.Process(process.pid)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        tree = parent.children(recursive=True)
        if list(out.glob(".out.jsonl.*.tmp")) and sum(1 for p in tree if _cpu(p) > 0.5) >= 2:
            return process, tree
        time.sleep(0.2)
    process.kill()
    raise AssertionError("the batch never got its workers going")


def _cpu(process: psutil.Process) -> float:
    try:
        return process.cpu_times().user
    except psutil.NoSuchProcess:
        return 0.0


def _running(tree: list[psutil.Process], within: float) -> list[psutil.Process]:
    deadline = time.monotonic() + within
    while True:
        alive = [p for p in tree if _alive(p)]
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.1)


def _alive(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_sigterm_stops_the_workers_and_removes_the_staged_output(population: Path, tmp_path: Path) -> None:
    out = tmp_path
    process, tree = _start(population, out)
    assert len(tree) >= 2
    os.kill(process.pid, signal.SIGTERM)
    status = process.wait(timeout=60)
    left = _running(tree, within=10)
    for stray in left:
        stray.kill()
    assert status == 128 + signal.SIGTERM
    assert left == [], [p.pid for p in left]
    assert list(out.iterdir()) == []  # neither the staged .tmp nor a partial output
    assert process.stderr is not None and b"Traceback" not in process.stderr.read()


def test_sigkill_of_the_batch_leaves_no_worker_running(population: Path, tmp_path: Path) -> None:
    process, tree = _start(population, tmp_path)
    os.kill(process.pid, signal.SIGKILL)
    assert process.wait(timeout=10) == -signal.SIGKILL
    left = _running(tree, within=5)
    for stray in left:
        stray.kill()
    assert left == [], [p.pid for p in left]


def test_the_unwinding_after_sigterm_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """SIGTERM arms a watchdog that ends the process after STOP_GRACE seconds, whatever holds the unwinding
    (a process pool's manager thread that interpreter exit would join forever, CPython gh-132969)."""
    from pinggu_asp.batch import command

    armed: list[tuple[float, object, tuple[object, ...], bool]] = []

    class Timer:
        def __init__(self, seconds: float, function: object, args: tuple[object, ...]) -> None:
            self.seconds, self.function, self.args, self.daemon = seconds, function, args, False

        def start(self) -> None:
            armed.append((self.seconds, self.function, self.args, self.daemon))

    monkeypatch.setattr(command.threading, "Timer", Timer)
    with pytest.raises(SystemExit) as stop:
        command._terminated(signal.SIGTERM, None)
    assert stop.value.code == 128 + signal.SIGTERM
    assert armed == [(command.STOP_GRACE, os._exit, (128 + signal.SIGTERM,), True)]

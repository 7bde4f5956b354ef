"""Engine work in worker processes, with a time limit that frees the worker.

A thread that runs past its limit cannot be stopped, so the engine runs in
processes (``anyio.to_process``). When a request passes its limit, the wait is
cancelled and anyio kills that worker process (SIGKILL) and drops it from the
pool; then a warm-up takes the slot, so a fresh worker is ready (when no other is
idle) before the next request runs. A worker that died (out of memory, say) is
handled alike and the request gets 503. Workers are reused between requests and keep nothing
from one request to the next except the parsed rules.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

import anyio
from anyio import to_process

T = TypeVar("T")


class OverTime(Exception):
    """The work ran past the time limit; its worker was killed."""


class WorkerLost(Exception):
    """The worker process died before it answered."""


class Workers:
    def __init__(self, count: int, time_limit: float) -> None:
        self.count = count
        self.time_limit = time_limit
        self._slots: anyio.CapacityLimiter | None = None
        self._processes: anyio.CapacityLimiter | None = None
        self._warm: Callable[[], Any] | None = None
        self._replacing: set[asyncio.Task[None]] = set()

    def _limiters(self) -> tuple[anyio.CapacityLimiter, anyio.CapacityLimiter]:
        if self._slots is None or self._processes is None:
            self._slots = anyio.CapacityLimiter(self.count)
            self._processes = anyio.CapacityLimiter(self.count)
        return self._slots, self._processes

    async def run(self, func: Callable[..., T], *args: Any) -> T:
        """``func(*args)`` in a worker; the limit counts from when a worker takes it, not the wait in the queue."""
        slots, processes = self._limiters()
        async with slots:
            try:
                with anyio.fail_after(self.time_limit):
                    return await to_process.run_sync(func, *args, cancellable=True, limiter=processes)
            except TimeoutError:
                self._replace()
                raise OverTime from None
            except anyio.BrokenWorkerProcess:
                self._replace()
                raise WorkerLost from None

    def _replace(self) -> None:
        """Start a fresh worker for the one killed, so the next request does not pay for its start."""
        if self._warm is not None:
            task = asyncio.get_running_loop().create_task(self._warm_one(self._warm))
            self._replacing.add(task)
            task.add_done_callback(self._replacing.discard)

    async def start(self, warm: Callable[[], Any]) -> None:
        """Start every worker now, so the first requests do not pay for importing the engine."""
        self._warm = warm
        async with anyio.create_task_group() as group:
            for _ in range(self.count):
                group.start_soon(self._warm_one, warm)

    async def _warm_one(self, warm: Callable[[], Any]) -> None:
        # Under a slot: a request waits for the fresh worker (outside its time limit)
        # rather than starting a second one inside it.
        slots, processes = self._limiters()
        async with slots:
            await to_process.run_sync(warm, cancellable=True, limiter=processes)

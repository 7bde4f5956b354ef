"""Micro-batching: /v1/check requests that arrive together are decided as one group by one worker.

A check's cost is mostly the grounding of the rules, paid once per group
whatever its size (``solve.decide_group``); so a worker that takes every request
waiting when it comes free answers many for little more than the price of one.
A request arriving at an idle service waits ``window`` seconds for others to
join, and is then decided (alone, if none came). Under load the requests that
queue while the workers are busy form the next groups, of at most ``max_group``.
Each request gets its own reply, exactly what it would get alone
(tests/test_service_batching.py).

The groups are kept even between the workers. Measured under 32 clients on 2
workers (the load of benchmarks/bench_serve.py), taking whatever waited split the
clients into a large cohort and a small one (groups of 4 formed 21 times in 59)
that kept its own worker busy paying a group's fixed cost for a few requests,
at 24 CPU ms a declaration against 11 in a group of 32. So a worker that comes
free while another is deciding waits (at most ``max_wait``) until its fair
share of the requests in the service has queued, or until another group ends;
and workers that are free together split what waits between them. A request to
an idle or lightly loaded service (at most ``LIGHT_LOAD`` requests a worker)
never waits beyond ``window``.

Bounded: within a group each member's selection has its own time limit
(``decide_group``); a group that passes the worker's time limit, or whose
worker dies, is decided again member by member, so a hostile or slow request
costs only itself its answer (it alone gets 503).
"""

from __future__ import annotations

import asyncio
import math
from collections import deque
from collections.abc import Callable, Sequence

from .pool import OverTime, WorkerLost, Workers
from .work import Reply

# Seconds a free worker waits for its fair share of the queue while another decides; a group of 32 takes ~0.4 s.
# Measured under 32 clients on 2 workers (CPU ms a request in the workers): 16.6 with 0.25 s, 18.2 with no wait
# (groups settled at 10-11), 19.0 with 0.02 s.
MAX_WAIT = 0.25
# Requests per worker in the service up to which nobody waits: a light load is answered at once.
LIGHT_LOAD = 2


class Batcher:
    def __init__(self, workers: Workers, group: Callable[[Sequence[bytes]], list[Reply]],
                 alone: Callable[[bytes], Reply], window: float, max_group: int, max_wait: float = MAX_WAIT) -> None:
        self._workers = workers
        self._group = group
        self._alone = alone
        self.window = window
        self.max_group = max_group
        self.max_wait = max_wait
        self._pending: deque[tuple[bytes, asyncio.Future[Reply]]] = deque()
        self._dispatchers: set[asyncio.Task[None]] = set()
        self._deciding = 0  # groups being decided now
        self._in_flight = 0  # requests in them
        self._changed: asyncio.Event | None = None  # set when a request queues or a group ends
        self.groups: list[int] = []  # the size of each group sent, most recent last (for the tests)

    async def submit(self, body: bytes) -> Reply:
        """This request's reply; raises OverTime or WorkerLost as ``Workers.run`` does."""
        future: asyncio.Future[Reply] = asyncio.get_running_loop().create_future()
        self._pending.append((body, future))
        self._poke()
        # One dispatcher per worker at most: each holds one worker at a time.
        if len(self._dispatchers) < self._workers.count:
            task = asyncio.get_running_loop().create_task(self._dispatch())
            self._dispatchers.add(task)
            task.add_done_callback(self._dispatchers.discard)
        return await future

    def _poke(self) -> None:
        if self._changed is not None:
            self._changed.set()

    def _take(self) -> list[tuple[bytes, asyncio.Future[Reply]]]:
        share = self._share()
        taken: list[tuple[bytes, asyncio.Future[Reply]]] = []
        while self._pending and len(taken) < share:
            body, future = self._pending.popleft()
            if not future.done():  # a client that went away is not decided
                taken.append((body, future))
        return taken

    def _share(self) -> int:
        """An even share of the requests in the service (waiting or being decided) for each worker: a worker
        that comes free while another decides takes no more, so the next round's groups stay even."""
        return min(self.max_group, max(1, math.ceil((len(self._pending) + self._in_flight) / self._workers.count)))

    async def _fair_share(self) -> None:
        """While another worker decides, wait until this one's even share of the service's requests has queued,
        another group has ended, or ``max_wait`` has passed."""
        if len(self._pending) + self._in_flight <= LIGHT_LOAD * self._workers.count:
            return  # lightly loaded: a free worker decides what waits at once
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.max_wait
        while self._deciding:
            remaining = deadline - loop.time()
            if len(self._pending) >= self._share() or remaining <= 0:
                return
            if self._changed is None:
                self._changed = asyncio.Event()
            self._changed.clear()
            deciding = self._deciding
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                return
            if self._deciding < deciding:  # a group ended: its worker and this one share what waits
                return

    async def _dispatch(self) -> None:
        await asyncio.sleep(self.window)
        while self._pending:
            await self._fair_share()
            taken = self._take()
            if taken:
                await self._decide(taken)

    async def _decide(self, taken: list[tuple[bytes, asyncio.Future[Reply]]]) -> None:
        self.groups.append(len(taken))
        del self.groups[:-1000]
        self._deciding += 1
        self._in_flight += len(taken)
        try:
            await self._decide_group(taken)
        finally:
            self._deciding -= 1
            self._in_flight -= len(taken)
            self._poke()

    async def _decide_group(self, taken: list[tuple[bytes, asyncio.Future[Reply]]]) -> None:
        try:
            if len(taken) == 1:
                replies = [await self._workers.run(self._alone, taken[0][0])]
            else:
                replies = await self._workers.run(self._group, [body for body, _ in taken])
        except (OverTime, WorkerLost) as exc:
            if len(taken) == 1:
                _settle(taken[0][1], exc)
                return
            # Each alone, so that the one that overran (or killed its worker) is the only one refused.
            await asyncio.gather(*(self._one(body, future) for body, future in taken))
            return
        except Exception as exc:  # noqa: BLE001 - every waiting request learns of it (500)
            for _, future in taken:
                _settle(future, exc)
            return
        for (_, future), reply in zip(taken, replies, strict=True):
            _settle(future, reply)

    async def _one(self, body: bytes, future: asyncio.Future[Reply]) -> None:
        try:
            _settle(future, await self._workers.run(self._alone, body))
        except Exception as exc:  # noqa: BLE001 - handed to the request's handler
            _settle(future, exc)


def _settle(future: asyncio.Future[Reply], outcome: Reply | BaseException) -> None:
    if future.done():
        return
    if isinstance(outcome, BaseException):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)

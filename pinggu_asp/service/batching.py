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
free waits (at most ``max_wait``) until its fair share of the requests in the
service has queued: an even part of their peak over the last ``PEAK_WINDOW``
seconds, since the clients of a group just answered are still on their way
back; it stops waiting once neither a request has come nor a group ended for
``QUIET`` seconds. A request to an idle or lightly loaded service (at most
``LIGHT_LOAD`` requests a worker) never waits beyond ``window``.

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
# Seconds for which the service's load (requests waiting or being decided) is remembered at its peak, and a
# share is an even part of that peak rather than of the load of the moment: the clients of a group just
# answered are still on their way back (their responses read, their next requests sent), and a worker that
# sized its share by the load of the moment took the few already back. Measured under 32 clients on 2
# workers (bench_serve, on a machine shared with other work): 159 groups for 2,000 requests (14 of 4, 5 of 2)
# where 125 of 16 would do, and the cohorts, once split, stayed split (groups of 16, 4, 12 in turn); with the
# peak (and QUIET at 0.1 s) 125 of 16 in two runs, and the workers' CPU 10.4-10.6 ms a request against 11.9-12.8.
# QUIET at 0.02 s split the cohorts again (21 groups of 4), at 0.05 s a few (3 of 2).
PEAK_WINDOW = 0.5
# Seconds without a new request or a group's end (whose clients then come back) after which a free worker
# stops waiting for its share: the load has fallen (the end of a burst, a few clients left), and the requests
# waiting are all that is coming soon.
QUIET = 0.1


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
        # (time, load) at each request's arrival, loads decreasing: their first is the peak of PEAK_WINDOW.
        self._peaks: deque[tuple[float, int]] = deque()
        self._stirred = 0.0  # when a request last arrived or a group last ended (the event loop's clock)
        self.groups: list[int] = []  # the size of each group sent, most recent last (for the tests)

    async def submit(self, body: bytes) -> Reply:
        """This request's reply; raises OverTime or WorkerLost as ``Workers.run`` does."""
        future: asyncio.Future[Reply] = asyncio.get_running_loop().create_future()
        self._pending.append((body, future))
        self._note_load()
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

    def _note_load(self) -> None:
        now = self._stirred = asyncio.get_running_loop().time()
        load = len(self._pending) + self._in_flight
        peaks = self._peaks
        while peaks and peaks[-1][1] <= load:
            peaks.pop()
        peaks.append((now, load))

    def _load(self) -> int:
        """The requests in the service (waiting or being decided): at most, over the last PEAK_WINDOW seconds."""
        peaks = self._peaks
        since = asyncio.get_running_loop().time() - PEAK_WINDOW
        while peaks and peaks[0][0] < since:
            peaks.popleft()
        now = len(self._pending) + self._in_flight
        return max(now, peaks[0][1]) if peaks else now

    def _share(self) -> int:
        """An even share of the requests in the service (at their recent peak) for each worker: a worker that
        comes free takes no more, so the next round's groups stay even, and no fewer while more are coming."""
        return min(self.max_group, max(1, math.ceil(self._load() / self._workers.count)))

    async def _fair_share(self) -> None:
        """Wait until this worker's even share of the service's requests has queued, or neither a request has come
        nor a group ended for QUIET seconds, or ``max_wait`` has passed."""
        if self._load() <= LIGHT_LOAD * self._workers.count:
            return  # lightly loaded: a free worker decides what waits at once
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.max_wait
        while True:
            now = loop.time()
            if len(self._pending) >= self._share() or now >= deadline:
                return
            quiet = self._stirred + QUIET
            if now >= quiet:
                return
            timeout = min(deadline, quiet) - now
            if self._changed is None:
                self._changed = asyncio.Event()
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), timeout)
            except TimeoutError:
                pass

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
            self._stirred = asyncio.get_running_loop().time()  # its clients are on their way back
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

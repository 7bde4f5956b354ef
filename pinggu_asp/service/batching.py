"""Micro-batching: /v1/check requests that arrive together are decided as one group by one worker.

A check's cost is mostly the grounding of the rules, paid once per group
whatever its size (``solve.decide_group``); so a worker that takes every request
waiting when it comes free answers many for little more than the price of one.
A request arriving at an idle service waits ``window`` seconds for others to
join, and is then decided (alone, if none came). Under load no one waits on
purpose: the requests that queue while the workers are busy form the next
groups, of at most ``max_group``. Each request gets its own reply, exactly what
it would get alone (tests/test_service_batching.py).

Bounded: within a group each member's selection has its own time limit
(``decide_group``); a group that passes the worker's time limit, or whose
worker dies, is decided again member by member, so a hostile or slow request
costs only itself its answer (it alone gets 503).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Sequence

from .pool import OverTime, WorkerLost, Workers
from .work import Reply


class Batcher:
    def __init__(self, workers: Workers, group: Callable[[Sequence[bytes]], list[Reply]],
                 alone: Callable[[bytes], Reply], window: float, max_group: int) -> None:
        self._workers = workers
        self._group = group
        self._alone = alone
        self.window = window
        self.max_group = max_group
        self._pending: deque[tuple[bytes, asyncio.Future[Reply]]] = deque()
        self._dispatchers: set[asyncio.Task[None]] = set()
        self.groups: list[int] = []  # the size of each group sent, most recent last (for the tests)

    async def submit(self, body: bytes) -> Reply:
        """This request's reply; raises OverTime or WorkerLost as ``Workers.run`` does."""
        future: asyncio.Future[Reply] = asyncio.get_running_loop().create_future()
        self._pending.append((body, future))
        # One dispatcher per worker at most: each holds one worker at a time.
        if len(self._dispatchers) < self._workers.count:
            task = asyncio.get_running_loop().create_task(self._dispatch())
            self._dispatchers.add(task)
            task.add_done_callback(self._dispatchers.discard)
        return await future

    def _take(self) -> list[tuple[bytes, asyncio.Future[Reply]]]:
        taken: list[tuple[bytes, asyncio.Future[Reply]]] = []
        while self._pending and len(taken) < self.max_group:
            body, future = self._pending.popleft()
            if not future.done():  # a client that went away is not decided
                taken.append((body, future))
        return taken

    async def _dispatch(self) -> None:
        await asyncio.sleep(self.window)
        while self._pending:
            taken = self._take()
            if taken:
                await self._decide(taken)

    async def _decide(self, taken: list[tuple[bytes, asyncio.Future[Reply]]]) -> None:
        self.groups.append(len(taken))
        del self.groups[:-1000]
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

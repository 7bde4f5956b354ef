"""Engine work in worker processes, with a time limit that frees the worker and a lifetime in requests.

A thread that runs past its limit cannot be stopped, so the engine runs in
processes. When a request passes its limit, its worker is killed (SIGKILL) and
dropped; then a warm-up takes the slot, so a fresh worker is ready (when no
other is idle) before the next request runs. A worker that died (out of memory,
say) is handled alike and the request gets 503. Workers are reused between
requests and keep nothing from one request to the next except the parsed
rules and the modules; after ``recycle_after`` requests a worker is retired
and a fresh one takes its slot, so whatever a long life gathers (fragmented
memory, caches of other requests' readings) never grows without bound.

Each worker runs ``_serve``: it reads pickled
``(function, args)`` on its standard input and writes ``RETURN <n>`` or
``EXCEPTION <n>`` and n pickled bytes on its standard output (anyio's own
process pool has the same protocol but no way to retire a worker).
"""

from __future__ import annotations

import asyncio
import os
import pickle
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import anyio
from anyio.abc import ByteReceiveStream, ByteSendStream, Process
from anyio.streams.buffered import BufferedByteReceiveStream

T = TypeVar("T")

# Requests a worker answers before it is replaced by a fresh one.
RECYCLE_AFTER = 2000
# Seconds a new worker may take to start (import the engine and read the rules) before it counts as lost.
START_LIMIT = 120.0


class OverTime(Exception):
    """The work ran past the time limit; its worker was killed."""


class WorkerLost(Exception):
    """The worker process died before it answered."""


class _Raised(Exception):
    """The function raised in the worker (which answered, and is fine): ``error`` is what it raised."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(error)
        self.error = error


@dataclass(eq=False)  # each worker is itself: kept in a set by identity
class _Worker:
    process: Process
    stdin: ByteSendStream
    stdout: BufferedByteReceiveStream
    served: int = 0
    successor: bool = False  # a fresh worker is being started to take its place
    retire: bool = False  # stop it once it has answered the request it is on

    async def call(self, func: Callable[..., T], args: tuple[Any, ...]) -> T:
        await self.stdin.send(pickle.dumps((func, args), protocol=pickle.HIGHEST_PROTOCOL))
        header = await self.stdout.receive_until(b"\n", 64)
        status, length = header.split(b" ")
        payload = pickle.loads(await self.stdout.receive_exactly(int(length)))
        if status == b"EXCEPTION":
            raise _Raised(cast(BaseException, payload))
        if status != b"RETURN":
            raise RuntimeError(f"unexpected answer from a worker: {header!r}")
        return cast(T, payload)

    async def stop(self, kill: bool) -> None:
        """Kill it (it may be mid-request), or let it finish: closing its input (EOF) ends its loop."""
        with anyio.CancelScope(shield=True):
            if kill:
                try:
                    self.process.kill()
                except ProcessLookupError:  # pragma: no cover - already gone
                    pass
            try:
                await self.process.aclose()  # closes its pipes, then waits for it
            except (OSError, anyio.BrokenResourceError, anyio.ClosedResourceError):  # pragma: no cover
                pass


async def _spawn() -> _Worker:
    process = await anyio.open_process([sys.executable, "-u", "-c", f"from {__name__} import _serve; _serve()"],
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    worker = _Worker(process, cast(ByteSendStream, process.stdin),
                     BufferedByteReceiveStream(cast(ByteReceiveStream, process.stdout)))
    try:
        with anyio.fail_after(START_LIMIT):
            if await worker.stdout.receive_exactly(6) != b"READY\n":
                raise WorkerLost
    except BaseException:
        await worker.stop(kill=True)
        raise
    return worker


class Workers:
    def __init__(self, count: int, time_limit: float, recycle_after: int = RECYCLE_AFTER) -> None:
        self.count = count
        self.time_limit = time_limit
        self.recycle_after = recycle_after
        self._slots: anyio.CapacityLimiter | None = None
        self._idle: list[_Worker] = []
        self._all: set[_Worker] = set()
        self._warm: Callable[[], Any] | None = None
        self._replacing: set[asyncio.Task[None]] = set()
        self.started = 0  # worker processes started, for the tests and the log
        self._stopping = False

    def _limiter(self) -> anyio.CapacityLimiter:
        if self._slots is None:
            self._slots = anyio.CapacityLimiter(self.count)
        return self._slots

    async def _new(self) -> _Worker:
        worker = await _spawn()
        self._all.add(worker)
        self.started += 1
        try:
            if self._warm is not None:
                await worker.call(self._warm, ())
        except BaseException:
            self._all.discard(worker)
            await worker.stop(kill=True)
            raise
        return worker

    async def run(self, func: Callable[..., T], *args: Any) -> T:
        """``func(*args)`` in a worker; the limit counts from when a worker takes it, not the wait in the queue."""
        async with self._limiter():
            try:
                worker = self._take() or await self._new()
            except Exception:  # noqa: BLE001 - a worker that cannot start is a lost one (503)
                raise WorkerLost from None
            try:
                with anyio.fail_after(self.time_limit):
                    result = await worker.call(func, args)
            except TimeoutError:
                self._retire(worker, kill=True)
                raise OverTime from None
            except (anyio.EndOfStream, anyio.IncompleteRead, anyio.BrokenResourceError, anyio.ClosedResourceError,
                    OSError, ValueError, pickle.UnpicklingError):
                self._retire(worker, kill=True)
                raise WorkerLost from None
            except _Raised as raised:
                self._done(worker)
                raise raised.error from None
            except BaseException:
                self._retire(worker, kill=True)  # cancelled mid-request: it may still be working
                raise
            self._done(worker)
            return result

    def _take(self) -> _Worker | None:
        """An idle worker that is still alive (one may have died idle, out of memory say), or None."""
        while self._idle:
            worker = self._idle.pop()
            if worker.process.returncode is None:
                return worker
            self._all.discard(worker)
            self._background(worker.stop(kill=True))
        return None

    def _done(self, worker: _Worker) -> None:
        worker.served += 1
        if worker.retire:
            self._all.discard(worker)
            self._background(worker.stop(kill=False))
            return
        self._idle.append(worker)
        if worker.served >= self.recycle_after and not worker.successor and not self._stopping:
            # The old worker keeps answering while its successor starts beside it, so no request waits for a start.
            worker.successor = True
            self._background(self._succeed(worker))

    async def _succeed(self, old: _Worker) -> None:
        try:
            new = await self._new()
        except Exception:  # noqa: BLE001 - the old worker goes on; the next answer tries again
            old.successor = False
            return
        if old not in self._all:  # killed meanwhile (its slot was refilled by then)
            self._all.discard(new)
            await new.stop(kill=False)
            return
        if old in self._idle:
            self._idle.remove(old)
            self._all.discard(old)
            self._background(old.stop(kill=False))
        else:
            old.retire = True
        self._idle.append(new)

    def _retire(self, worker: _Worker, kill: bool) -> None:
        """Stop this worker and start a fresh one in its slot, so the next request does not pay for its start."""
        self._all.discard(worker)
        self._background(worker.stop(kill))
        if self._warm is not None and not self._stopping:
            self._background(self._warm_one())

    def _background(self, work: Any) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._replacing.add(task)
        task.add_done_callback(self._replacing.discard)

    async def start(self, warm: Callable[[], Any]) -> None:
        """Start every worker now, so the first requests do not pay for importing the engine."""
        self._warm = warm
        async with anyio.create_task_group() as group:
            for _ in range(self.count):
                group.start_soon(self._warm_one)

    async def _warm_one(self) -> None:
        # Under a slot: a request waits for the fresh worker (outside its time limit)
        # rather than starting a second one inside it.
        async with self._limiter():
            try:
                self._idle.append(await self._new())
            except Exception:  # noqa: BLE001 - the next request starts one itself, or gets 503
                pass

    async def stop(self) -> None:
        """Stop every worker (the service is shutting down)."""
        # Starts are cancelled, stops run to their end (shielded), and both are awaited here:
        # a process left to the collector after the event loop closed could not be closed any more.
        self._stopping = True
        pending = list(self._replacing)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        workers, self._idle = list(self._all), []
        self._all.clear()
        for worker in workers:
            await worker.stop(kill=True)

    def pids(self) -> set[int]:
        return {worker.process.pid for worker in self._all}


# Work a worker does after each reply is sent and before it reads the next request
# (registered in the worker by its warm-up, e.g. freeing the last request's Controls).
_AFTER_REPLY: list[Callable[[], object]] = []


def after_each_reply(hook: Callable[[], object]) -> None:
    """Run ``hook`` in this worker after each reply is written (the idle gap between requests)."""
    if hook not in _AFTER_REPLY:
        _AFTER_REPLY.append(hook)


def _after_reply() -> None:
    for hook in list(_AFTER_REPLY):
        try:
            hook()
        except Exception:  # noqa: BLE001 - idle work is an optimisation: the next request does it itself
            _AFTER_REPLY.remove(hook)


def _serve() -> None:
    """The worker's loop: one pickled call in, its pickled answer out, until the input closes."""
    stdin = sys.stdin.buffer
    # The answers go on a duplicate of standard output; the engine's own output
    # (clingo's, a stray print) goes to /dev/null and never into an answer.
    out = os.fdopen(os.dup(1), "wb")
    devnull = open(os.devnull, "w")  # noqa: SIM115 - for the worker's lifetime
    os.dup2(devnull.fileno(), 1)
    os.dup2(devnull.fileno(), 2)
    sys.stdin, sys.stdout, sys.stderr = open(os.devnull), devnull, devnull  # noqa: SIM115
    out.write(b"READY\n")
    out.flush()
    while True:
        try:
            func, args = pickle.load(stdin)
        except EOFError:
            return
        try:
            status, payload = b"RETURN", pickle.dumps(func(*args), pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # noqa: BLE001 - handed back to the caller, as the function raised it
            try:
                status, payload = b"EXCEPTION", pickle.dumps(exc, pickle.HIGHEST_PROTOCOL)
            except Exception:  # noqa: BLE001 - an exception that does not pickle
                status, payload = b"EXCEPTION", pickle.dumps(RuntimeError(repr(exc)), pickle.HIGHEST_PROTOCOL)
        out.write(b"%s %d\n" % (status, len(payload)))
        out.write(payload)
        out.flush()
        _after_reply()


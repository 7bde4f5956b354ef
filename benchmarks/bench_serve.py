"""Load test of `pinggu-asp serve` on 127.0.0.1: many concurrent clients, every answer checked.

    python benchmarks/bench_serve.py [--requests 2000] [--concurrency 32] [--workers N] [--distinct 50] [--rest 40]
                                     [--client h11|httpx]

Starts the server on a free port, decides each distinct declaration one by one
in this process (what `pinggu-asp check` prints), then sends the requests from
concurrent clients and compares every answer with that text, byte for byte. Prints
requests per second and p50/p99 latency, against issue 18's targets; then the
latency of single requests sent one at a time to the idle service (at rest).
Exits 1 if any answer differs.

The clients run in this process, on the same cores as the service, so the
benchmark also prints the CPU a request costs in the service's process tree
(the server and its workers) and in this client, with psutil (a test extra's
dependency); without psutil those lines are left out. The clients are h11
connections (``--client h11``, the default: the HTTP/1.1 parser the service
itself runs on, over asyncio streams, keep-alive), which take about a fifth of
the CPU a request that httpx clients (``--client httpx``) take; on a machine
whose cores the clients share with the service, that CPU is the service's to
lose, so both are offered and the figures say which ran.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import h11
import httpx

try:
    import psutil
except ImportError:  # pragma: no cover - the CPU split is left out
    psutil = None

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "benchmarks"))

from generate import declaration  # noqa: E402

from pinggu_asp.api import assess  # noqa: E402
from pinggu_asp.engine.result import dumps  # noqa: E402
from pinggu_asp.loading import parse_text  # noqa: E402
from serving import running_server  # noqa: E402

_JSON = "application/json"


class _H11Client:
    """One keep-alive HTTP/1.1 connection to the service, framed by h11; ``post`` as httpx's, status and body."""

    def __init__(self, base: str) -> None:
        host_port = base.split("://", 1)[1]
        self.host, port = host_port.rsplit(":", 1)
        self.port = int(port)
        self.conn = h11.Connection(h11.CLIENT)
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        conn = self.conn
        self.writer.write(conn.send(h11.Request(method="POST", target=path, headers=[
            ("Host", self.host), ("Content-Type", _JSON), ("Content-Length", str(len(body)))]))
            + conn.send(h11.Data(data=body)) + conn.send(h11.EndOfMessage()))
        status, chunks = 0, []
        while True:
            event = conn.next_event()
            if event is h11.NEED_DATA:
                conn.receive_data(await self.reader.read(1 << 16))
            elif isinstance(event, h11.Response):
                status = event.status_code
            elif isinstance(event, h11.Data):
                chunks.append(bytes(event.data))
            elif isinstance(event, h11.EndOfMessage):
                break
            elif isinstance(event, h11.ConnectionClosed):
                raise ConnectionError("the service closed the connection mid-answer")
        conn.start_next_cycle()
        return status, b"".join(chunks)

    async def aclose(self) -> None:
        if self.writer is not None:
            self.writer.close()
            await self.writer.wait_closed()


class _HttpxClient:
    """The same, through an httpx client (heavier: about five times the CPU a request)."""

    def __init__(self, base: str) -> None:
        self.http = httpx.AsyncClient(base_url=base, timeout=120)

    async def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        response = await self.http.post(path, content=body, headers={"Content-Type": _JSON})
        return response.status_code, response.content

    async def aclose(self) -> None:
        await self.http.aclose()


_CLIENTS = {"h11": _H11Client, "httpx": _HttpxClient}
_Client = _H11Client | _HttpxClient


def _bodies(distinct: int) -> tuple[list[tuple[bytes, bytes]], float]:
    """(request body, the CLI's text) for the example and generated declarations, decided one by one
    in this process; and the seconds that took per declaration."""
    example = (REPO / "examples" / "declaration.yaml").read_text(encoding="utf-8")
    decls: list[object] = [example]
    decls += [declaration(random.Random(seed), seed) for seed in range(distinct - 1)]
    out = []
    start = time.perf_counter()
    for decl in decls:
        data = parse_text(decl) if isinstance(decl, str) else decl
        out.append((json.dumps({"declaration": decl}, ensure_ascii=False).encode(), dumps(assess(data)).encode()))
    return out, (time.perf_counter() - start) / len(decls)


async def _at_rest(base: str, bodies: list[tuple[bytes, bytes]], count: int,
                   kind: type[_Client]) -> tuple[list[float], int]:
    """One client, one request at a time: each answered by an idle service."""
    latencies: list[float] = []
    wrong = 0
    http = kind(base)
    try:
        for i in range(count):
            body, expected = bodies[i % len(bodies)]
            start = time.perf_counter()
            status, content = await http.post("/v1/check", body)
            latencies.append(time.perf_counter() - start)
            wrong += status != 200 or content != expected
            await asyncio.sleep(0.05)  # truly at rest: nothing of the last request still running
    finally:
        await http.aclose()
    return latencies, wrong


async def _load(base: str, bodies: list[tuple[bytes, bytes]], requests: int,
                concurrency: int, kind: type[_Client]) -> tuple[list[float], int, float, float]:
    """Latencies, wrong answers, wall seconds and this process's CPU seconds of the load.

    The clients are made before the clock starts: making one (httpx builds an SSL context) takes ~50 ms of
    this process's CPU with the event loop held, so made as each client started, the first requests waited
    for all 32 to be made (latencies of 0.8-2.1 s, the whole of the p99) and the wall time held 1.6 s of it."""
    latencies: list[float] = []
    wrong = 0
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(requests):
        queue.put_nowait(i)

    async def client(http: _Client) -> None:
        nonlocal wrong
        while True:
            try:
                i = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            body, expected = bodies[i % len(bodies)]
            start = time.perf_counter()
            status, content = await http.post("/v1/check", body)
            latencies.append(time.perf_counter() - start)
            if status != 200 or content != expected:
                wrong += 1

    clients = [kind(base) for _ in range(concurrency)]
    try:
        start, cpu = time.perf_counter(), time.process_time()
        await asyncio.gather(*(client(http) for http in clients))
        return latencies, wrong, time.perf_counter() - start, time.process_time() - cpu
    finally:
        for http in clients:
            await http.aclose()


# Issue 18's targets, printed beside the figures.
TARGET_RPS = 150
TARGET_P99_MS = 500
TARGET_REST_MS = 60


def _server_process(port: str) -> Any:
    """The service's process (this process's child listening on ``port``), or None without psutil."""
    if psutil is None:
        return None
    for child in psutil.Process().children():
        try:
            if "serve" in child.cmdline() and port in child.cmdline():
                return child
        except psutil.Error:
            continue
    return None


def _tree_cpu(process: Any) -> dict[str, float]:
    """CPU seconds (user + system) of the server and of its workers, each summed over the tree."""
    out = {"server": 0.0, "workers": 0.0}
    if process is None:
        return out
    for proc in [process, *process.children(recursive=True)]:
        try:
            times = proc.cpu_times()
        except psutil.Error:
            continue  # a worker that was replaced: its CPU is lost to the figure (it undercounts)
        out["server" if proc.pid == process.pid else "workers"] += times.user + times.system
    return out


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="engine worker processes")
    parser.add_argument("--distinct", type=int, default=50, help="distinct declarations cycled through")
    parser.add_argument("--rest", type=int, default=40, help="single requests at rest, one at a time (0: none)")
    parser.add_argument("--client", choices=sorted(_CLIENTS), default="h11",
                        help="the clients' HTTP library (h11: lean, the default; httpx: about five times the CPU)")
    args = parser.parse_args()

    bodies, per_check = _bodies(args.distinct)
    with running_server(["--workers", str(args.workers)]) as base:
        server = _server_process(base.rsplit(":", 1)[1])
        before = _tree_cpu(server)
        latencies, wrong, wall, client_cpu = asyncio.run(
            _load(base, bodies, args.requests, args.concurrency, _CLIENTS[args.client]))
        after = _tree_cpu(server)
        rest, rest_wrong = asyncio.run(
            _at_rest(base, bodies, args.rest, _CLIENTS[args.client])) if args.rest else ([], 0)
    wrong += rest_wrong
    print(f"requests        {args.requests} from {args.concurrency} concurrent clients, "
          f"{args.workers} worker process(es), {len(bodies)} distinct declarations, {args.client} clients")
    print(f"wall            {wall:.2f} s")
    print(f"throughput      {args.requests / wall:.1f} req/s   (target: at least {TARGET_RPS} req/s)")
    print(f"latency p50     {_percentile(latencies, 50) * 1000:.0f} ms")
    print(f"latency p99     {_percentile(latencies, 99) * 1000:.0f} ms   (target: at most {TARGET_P99_MS} ms)")
    print(f"latency mean    {statistics.fmean(latencies) * 1000:.0f} ms")
    if server is not None:
        per = {k: (after[k] - before[k]) * 1000 / args.requests for k in after}
        service_ms = per["server"] + per["workers"]
        cores = os.cpu_count() or 1
        print(f"CPU a request   {service_ms:.2f} ms in the service ({per['server']:.2f} its server process, "
              f"{per['workers']:.2f} its workers), {client_cpu * 1000 / args.requests:.2f} ms in these clients")
        print(f"                at {cores} cores, the service alone would answer at most "
              f"{cores * 1000 / service_ms:.0f} req/s (clients elsewhere)")
    if rest:
        print(f"at rest         median {_percentile(rest, 50) * 1000:.0f} ms, p90 {_percentile(rest, 90) * 1000:.0f} ms "
              f"of {len(rest)} single requests   (target: at most {TARGET_REST_MS} ms)")
    print(f"in-process check (one by one, for scale): {per_check * 1000:.0f} ms per declaration")
    total = args.requests + len(rest)
    print(f"answers equal to the one-by-one result: {total - wrong}/{total}")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())

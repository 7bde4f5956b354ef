"""Micro-batched /v1/check: requests decided together each get their own answer; a bad one costs only itself.

And the worker processes are recycled after their number of requests, the service answering throughout.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient

from pinggu_asp.api import assess
from pinggu_asp.engine.result import dumps
from pinggu_asp.service import Settings, create_app
from pinggu_asp.service.batching import Batcher
from pinggu_asp.service.pool import OverTime
from pinggu_asp.service.work import JSON, Reply
from support import EXAMPLE, REPO

sys.path.insert(0, str(REPO / "benchmarks"))
from generate import declaration as generated  # noqa: E402


def _post_all(client: TestClient, bodies: Sequence[dict[str, Any]]) -> list[Any]:
    """Every body posted to /v1/check at once, from as many threads; the responses in order."""
    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(lambda body: client.post("/v1/check", json=body), bodies))


def test_64_concurrent_different_declarations_each_get_their_own_result() -> None:
    datas = [generated(random.Random(seed), seed) for seed in range(100, 164)]
    expected = [dumps(assess(data)) for data in datas]
    assert len(set(expected)) == len(expected)  # 64 different answers: a mix-up could not go unseen
    settings = Settings(workers=2, check_window=0.05)  # a wide window: the requests surely meet in groups
    with TestClient(create_app(settings)) as client:
        responses = _post_all(client, [{"declaration": data} for data in datas])
        groups = list(client.app.state.checks.groups)  # type: ignore[attr-defined]
    assert [r.status_code for r in responses] == [200] * 64
    for index, (response, text) in enumerate(zip(responses, expected, strict=True)):
        assert response.text == text, f"request {index} got another declaration's answer"
    assert sum(groups) == 64 and max(groups) > 1, groups


def test_a_refused_request_in_a_group_costs_only_itself() -> None:
    good = [generated(random.Random(seed), seed) for seed in (7, 8, 9)]
    early = dict(good[0], declaration_date="2020-01-01")  # before its own ratings: refused by the model
    bodies: list[dict[str, Any]] = [
        {"declaration": good[0]},
        {"declaration": {"schema": "pinggu-declaration/1"}},  # invalid: fields missing
        {"declaration": good[1]},
        {"declaration": early},
        {"declaration": good[2], "interpretations": ["no-such-reading"]},
        {"declaration": good[2]},
        {"declaration": EXAMPLE.read_text(encoding="utf-8"), "interpretations": []},
    ]
    with TestClient(create_app(Settings(workers=1, check_window=0.2))) as client:
        responses = _post_all(client, bodies)
        alone = [client.post("/v1/check", json=body) for body in bodies]  # each decided by itself
    assert [r.status_code for r in responses] == [200, 422, 200, 422, 422, 200, 200]
    assert [r.text for r in responses] == [r.text for r in alone]
    assert json.loads(responses[1].text)["errors"][0]["field"].startswith("declaration")
    assert responses[0].text == dumps(assess(good[0]))


class _FakeWorkers:
    """Workers whose group overruns when it holds a "slow" body, as does that body alone."""

    count = 1

    def __init__(self) -> None:
        self.calls: list[str] = []

    async def run(self, func: Any, arg: Any) -> Any:
        self.calls.append(func.__name__)
        bodies = arg if isinstance(arg, list) else [arg]
        if b"slow" in bodies:
            raise OverTime
        replies = [Reply(200, JSON, body.decode()) for body in bodies]
        return replies if isinstance(arg, list) else replies[0]


def _group(bodies: Sequence[bytes]) -> list[Reply]:  # stands for work.do_check_group
    raise AssertionError("not called: the fake workers answer")


def _alone(body: bytes) -> Reply:  # stands for work.do_check
    raise AssertionError("not called: the fake workers answer")


def test_a_group_past_its_time_limit_is_decided_again_member_by_member() -> None:
    async def scenario() -> tuple[list[Any], list[str]]:
        workers = _FakeWorkers()
        batcher = Batcher(workers, _group, _alone, window=0.01, max_group=32)  # type: ignore[arg-type]
        outcomes = await asyncio.gather(*(batcher.submit(body) for body in (b"a", b"slow", b"c")),
                                        return_exceptions=True)
        return outcomes, workers.calls

    outcomes, calls = asyncio.run(scenario())
    assert calls == ["_group", "_alone", "_alone", "_alone"]
    assert [o.text if isinstance(o, Reply) else type(o) for o in outcomes] == ["a", OverTime, "c"]


class _TwoWorkers:
    """Two workers whose every call takes a while, as a group would."""

    count = 2

    async def run(self, func: Any, arg: Any) -> Any:
        await asyncio.sleep(0.05)
        bodies = arg if isinstance(arg, list) else [arg]
        replies = [Reply(200, JSON, body.decode()) for body in bodies]
        return replies if isinstance(arg, list) else replies[0]


def test_requests_waiting_together_are_split_evenly_between_the_free_workers() -> None:
    async def scenario() -> tuple[list[Reply], list[int]]:
        batcher = Batcher(_TwoWorkers(), _group, _alone, window=0.01, max_group=32)  # type: ignore[arg-type]
        bodies = [str(i).encode() for i in range(32)]
        replies = await asyncio.gather(*(batcher.submit(body) for body in bodies))
        return list(replies), batcher.groups

    replies, groups = asyncio.run(scenario())
    assert [reply.text for reply in replies] == [str(i) for i in range(32)]
    assert groups == [16, 16]


def test_a_worker_that_comes_free_waits_for_its_share_rather_than_deciding_a_few_alone() -> None:
    # 4 requests, then 28 while both groups of 2 are deciding: the worker that comes free first takes its
    # even share (16 of the 32 the service held at its peak), not all 28; the other waits for its own share
    # rather than deciding the 12 left while 4 more are on their way.
    async def scenario() -> list[int]:
        batcher = Batcher(_TwoWorkers(), _group, _alone, window=0.01, max_group=32)  # type: ignore[arg-type]
        first = [asyncio.ensure_future(batcher.submit(b"a")) for _ in range(4)]
        await asyncio.sleep(0.02)
        later = [asyncio.ensure_future(batcher.submit(b"b")) for _ in range(28)]
        await asyncio.gather(*first)
        again = [asyncio.ensure_future(batcher.submit(b"c")) for _ in range(4)]
        await asyncio.gather(*later, *again)
        return batcher.groups

    groups = asyncio.run(scenario())
    assert groups[:2] == [2, 2], groups
    assert groups == [2, 2, 16, 16], groups


def test_clients_coming_back_one_by_one_make_full_groups_again() -> None:
    # 32 clients, each sending its next request a moment (staggered by client) after its answer: the
    # answered cohort comes back a few at a time, and neither worker takes those few as a group of its own.
    async def scenario() -> list[int]:
        batcher = Batcher(_TwoWorkers(), _group, _alone, window=0.002, max_group=32)  # type: ignore[arg-type]

        async def client(i: int) -> None:
            for _ in range(4):
                await batcher.submit(str(i).encode())
                await asyncio.sleep(0.001 * (i % 16))

        await asyncio.gather(*(client(i) for i in range(32)))
        return batcher.groups

    groups = asyncio.run(scenario())
    assert sum(groups) == 128 and groups[:-2] == [16] * (len(groups) - 2), groups


def test_a_request_after_a_burst_is_decided_alone_once_no_more_come() -> None:
    # The peak of the burst is remembered, but nothing is being decided and nothing more arrives: the lone
    # request goes alone rather than waiting for a share that will not come.
    async def scenario() -> list[int]:
        batcher = Batcher(_TwoWorkers(), _group, _alone, window=0.002, max_group=32, max_wait=30.0)  # type: ignore[arg-type]
        await asyncio.gather(*(batcher.submit(b"a") for _ in range(32)))
        await batcher.submit(b"b")
        return batcher.groups

    assert asyncio.run(scenario()) == [16, 16, 1]


@pytest.mark.skipif(sys.platform != "linux", reason="process ids as the pool reports them")
def test_workers_are_recycled_after_their_number_of_requests_and_answers_stay_right() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    expected = dumps(assess(EXAMPLE))
    with TestClient(create_app(Settings(workers=1, recycle_after=2))) as client:
        workers = client.app.state.workers  # type: ignore[attr-defined]
        first = workers.pids()
        answers = [client.post("/v1/check", json={"declaration": text}) for _ in range(3)]
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and (workers.pids() & first or len(workers.pids()) != 1):
            time.sleep(0.1)
        later = workers.pids()
        answers.append(client.post("/v1/check", json={"declaration": text}))
    assert [a.status_code for a in answers] == [200] * 4 and {a.text for a in answers} == {expected}
    assert workers.started >= 2
    assert len(later) == 1 and not later & first  # the first worker retired; its successor answers


class _SlowAndFast:
    """Two workers: a call holding b"slow" takes long, others a moment; notes how many ran beside b"b"'s."""

    count = 2

    def __init__(self) -> None:
        self.running = 0
        self.beside_b: list[int] = []

    async def run(self, func: Any, arg: Any) -> Any:
        bodies = arg if isinstance(arg, list) else [arg]
        if b"b" in bodies:
            self.beside_b.append(self.running)
        self.running += 1
        try:
            await asyncio.sleep(1.0 if b"slow" in bodies else 0.02)
        finally:
            self.running -= 1
        replies = [Reply(200, JSON, body.decode()) for body in bodies]
        return replies if isinstance(arg, list) else replies[0]


def test_a_lightly_loaded_service_decides_at_once() -> None:
    # Three requests in the service (two being decided slowly, one waiting) are few: the worker that comes
    # free takes the one waiting at once, beside the slow group, rather than waiting for its share.
    async def scenario() -> tuple[list[int], list[int]]:
        workers = _SlowAndFast()
        batcher = Batcher(workers, _group, _alone, window=0.005, max_group=32, max_wait=30.0)  # type: ignore[arg-type]
        first = [asyncio.ensure_future(batcher.submit(body)) for body in (b"slow", b"slow", b"f", b"f")]
        await asyncio.sleep(0.01)  # the slow pair and the fast pair are each being decided
        await asyncio.gather(*first, batcher.submit(b"b"))
        return workers.beside_b, batcher.groups

    beside_b, groups = asyncio.run(scenario())
    assert groups == [2, 2, 1]
    assert beside_b == [1]  # decided while the slow pair still was

"""A group's clingo Control is freed when the group is done, even when a member's selection fails:
no reference cycle keeps it (and its grounded program) alive until a garbage-collection pass."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from typing import Any

import clingo
import pytest

from pinggu_asp.batch import run as batch_run
from pinggu_asp.batch.reading import Item
from pinggu_asp.batch.run import Plan
from pinggu_asp.engine import solve
from pinggu_asp.engine.solve import EngineError, solve_many
from pinggu_asp.loading import declaration_from_data
from support import baseline, ruleset


@pytest.fixture
def no_gc() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _controls() -> int:
    return sum(isinstance(o, clingo.Control) for o in gc.get_objects())


def test_a_failed_member_does_not_keep_its_groups_control_alive(monkeypatch: pytest.MonkeyPatch, no_gc: None) -> None:
    real = solve._settle
    calls = [0]

    def flaky(*args: Any) -> Any:
        calls[0] += 1
        if calls[0] % 2 == 0:
            raise EngineError("the selection found no optimal set of awards")
        return real(*args)

    monkeypatch.setattr(solve, "_settle", flaky)
    decls = [declaration_from_data(baseline()) for _ in range(4)]
    before = _controls()
    for _ in range(3):
        outcomes = solve_many(decls, ruleset())
        assert sum(isinstance(o, EngineError) for o in outcomes) == 2
    del outcomes
    assert _controls() == before


def test_a_group_that_fails_whole_keeps_nothing_alive(monkeypatch: pytest.MonkeyPatch, no_gc: None) -> None:
    def broken(*args: Any) -> Any:
        raise EngineError("the rules failed to ground")

    monkeypatch.setattr(batch_run, "check_many", broken)
    decls = [declaration_from_data(baseline()) for _ in range(3)]
    outcomes = batch_run.decide_each(decls, ruleset())
    assert all(isinstance(o, EngineError) and o.__traceback__ is None for o in outcomes)


def test_recycled_workers_lose_no_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    # clingo never frees a symbol, so local workers are replaced every WORKER_CHUNKS chunks; here after each one.
    monkeypatch.setattr(batch_run, "WORKER_CHUNKS", 1)
    items = [Item({"line": n}, text="{not json" if n % 2 else json.dumps(baseline())) for n in range(1, 7)]
    outcomes = list(batch_run.run(items, Plan(baseline=ruleset()), jobs=2, chunk_size=1))
    assert [o.where["line"] for o in outcomes] == [1, 2, 3, 4, 5, 6]
    assert [o.error is None for o in outcomes] == [False, True] * 3

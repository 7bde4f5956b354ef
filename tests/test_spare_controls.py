"""Controls made ahead and freed late (engine/spare.py): the same answers, nothing held without bound."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pinggu_asp.engine import spare
from pinggu_asp.engine.decide import check, check_many
from pinggu_asp.engine.result import dumps
from pinggu_asp.engine.solve import EngineError, control_arguments, grounded_control, solve_many
from pinggu_asp.loading import declaration_from_data
from pinggu_asp.service import pool
from support import REPO, baseline, ruleset, set_annual


@pytest.fixture
def enabled() -> Iterator[None]:
    spare.enable()
    try:
        yield
    finally:
        spare.enable(False)


def _declarations() -> list[dict[str, object]]:
    grown = set_annual(baseline(), 2024, gross_output=30_000_000_000)
    return [baseline(), grown, baseline(enterprise={**baseline()["enterprise"], "name": 'x"). #show.\n%'})]


def test_off_unless_asked() -> None:
    spare.enable(False)
    check(declaration_from_data(baseline()), ruleset())
    assert spare.held() == (0, 0)
    spare.idle()
    assert spare.held() == (0, 0)


def test_answers_are_the_same_with_spares(enabled: None) -> None:
    rules = ruleset()
    decls = [declaration_from_data(d) for d in _declarations()]
    spare.enable(False)
    plain = [dumps(check(d, rules)) for d in decls]
    spare.enable()
    spare.expect(rules.grouped(), control_arguments())
    spare.idle()
    assert spare.held() == (1, 0)
    ahead = []
    for decl in decls:
        ahead.append(dumps(check(decl, rules)))
        assert spare.held() == (0, 1)  # the spare was taken; the grounded Control waits to be freed
        spare.idle()
        assert spare.held() == (1, 0)
    assert ahead == plain


def test_a_spare_of_the_recent_requests_common_statements_gives_the_same_answers(enabled: None) -> None:
    # After the first, each spare holds only the statements live for all of the last requests; a request whose
    # facts can fire others has them added when it takes the spare. Lone requests and groups alike.
    import random
    import sys

    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate import declaration as generated

    rules = ruleset()
    decls = [declaration_from_data(d) for d in _declarations()]
    decls += [declaration_from_data(generated(random.Random(seed), seed)) for seed in range(8)]
    spare.enable(False)
    plain = [dumps(check(d, rules)) for d in decls]
    grouped_plain = [dumps(r) for r in check_many(decls[:6], rules)]
    spare.enable()
    spare.expect(rules.grouped(), control_arguments())
    spare.idle()
    assert spare.statements_held() == [None]  # no request yet: the whole program
    ahead = []
    for decl in decls + decls[::-1]:
        ahead.append(dumps(check(decl, rules)))
        spare.idle()
    assert ahead == plain + plain[::-1]
    held = spare.statements_held()
    tab = rules.grouped().live_table
    assert tab is not None and held[0] is not None and held[0] < len(tab.kinds)
    assert [dumps(r) for r in check_many(decls[:6], rules)] == grouped_plain
    spare.idle()
    assert [dumps(r) for r in check_many(decls[:6], rules)] == grouped_plain


def test_a_spare_serves_only_its_program_and_arguments(enabled: None) -> None:
    grouped = ruleset().grouped()
    spare.expect(grouped, control_arguments(seed=0))
    spare.idle()
    other_seed = grounded_control(grouped, [], seed=1)
    assert spare.held()[0] == 1  # a Control with another seed was made anew; the spare still waits
    del other_seed
    same = grounded_control(grouped, [], seed=0)
    assert spare.held()[0] == 0
    assert same.is_conflicting is False


def test_grounding_messages_reach_the_request_that_took_the_spare(enabled: None) -> None:
    grouped = ruleset().grouped()
    spare.expect(grouped, control_arguments())
    spare.idle()
    heard: list[str] = []
    ctl = spare.control(grouped, control_arguments(), lambda code, message: heard.append(message))
    ctl.add("base", [], "unsafe(X) :- not group_member(X).")
    with pytest.raises(RuntimeError):
        ctl.ground([("base", [])])
    assert any("unsafe" in m for m in heard)


def test_retired_controls_are_bounded_without_an_idle_gap(enabled: None) -> None:
    decls = [declaration_from_data(baseline()) for _ in range(2)]
    for _ in range(5):
        outcomes = solve_many(decls, ruleset())
        assert not any(isinstance(o, EngineError) for o in outcomes)
    assert spare.held()[1] <= spare.RETIRED_LIMIT
    spare.idle()
    assert spare.held()[1] == 0


def test_a_failing_idle_hook_is_dropped_not_fatal(monkeypatch: pytest.MonkeyPatch) -> None:
    hooks: list[object] = []
    monkeypatch.setattr(pool, "_AFTER_REPLY", hooks)

    def fails() -> None:
        raise MemoryError

    ran: list[int] = []
    pool.after_each_reply(fails)
    pool.after_each_reply(fails)
    pool.after_each_reply(lambda: ran.append(1))
    assert len(hooks) == 2
    pool._after_reply()
    assert hooks and fails not in hooks  # dropped: the next request does that work itself
    pool._after_reply()
    assert ran == [1, 1]

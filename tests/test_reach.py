"""--reach (issue 9): the smallest declared number that qualifies, verified by the rules at it and one yuan short."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

import pinggu_asp
from pinggu_asp.cli import app
from support import EXAMPLE


def example() -> dict[str, Any]:
    return yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))


def annual(data: dict[str, Any], year: int, **fields: int) -> dict[str, Any]:
    for row in data["annual"]:
        if row["year"] == year:
            row.update(fields)
    return data


def qualifies(data: dict[str, Any], clause: str, field: str, value: int) -> bool:
    """Independently of reach: decide the declaration with the field at the value, and read the clause."""
    doc = pinggu_asp.whatif(data, changes=[f"{field}={value}"])
    entries = [c for c in doc["after"]["clauses"] if c["clause"] == clause]
    return any(all(k["status"] == "pass" for k in e["conditions"]) for e in entries)


def only(doc: dict[str, Any], field: str) -> dict[str, Any]:
    (found,) = [c for c in doc["changes"] if c["field"] == field]
    return found


KITCHEN_ORDER = {
    "id": "o-9", "program": "central_kitchen", "counterparty": "某区内企业", "counterparty_kind": "other",
    "counterparty_in_pinggu": True, "counterparty_affiliated": False, "signed_date": "2025-09-10",
    "executed": {"2025": 4_000_000}, "supported_years": [],
}


@pytest.mark.parametrize(
    "clause, prepare, field, expected",
    [
        # 2024 output 92,000,000 × 105% = 96,600,000, inclusive (达到5%（含）).
        ("art3.output_growth", lambda d: annual(d, 2025, gross_output=96_000_000),
         "annual[2025].gross_output", 96_600_000),
        # 2024 R&D 4,600,000 × 110% = 5,060,000, inclusive.
        ("art5.growth", lambda d: annual(d, 2025, rd_expense=4_700_000), "annual[2025].rd_expense", 5_060_000),
        # Art 9: more than 5,000,000 (超过, exclusive): one yuan over.
        ("art9.procurement", lambda d: d["orders"].append(copy.deepcopy(KITCHEN_ORDER)),
         "orders[o-9].executed.2025", 5_000_001),
        # Art 12: more than 20,000,000 (超过, exclusive): one yuan over.
        ("art12.oem_orders", lambda d: d["orders"][0].update(executed={"2025": 15_000_000}),
         "orders[o-1].executed.2025", 20_000_001),
    ],
)
def test_reach_finds_the_exact_boundary(clause: str, prepare: Any, field: str, expected: int) -> None:
    data = example()
    prepare(data)
    doc = pinggu_asp.reach(data, clause, vary=[field])
    assert doc["schema"] == "pinggu-reach/1" and doc["clause"] == clause
    assert doc["already_qualifies"] is False
    found = only(doc, field)
    assert found["to"] == expected and found["verified"] is True
    assert qualifies(data, clause, field, expected)
    assert not qualifies(data, clause, field, expected - 1)


def test_reach_over_every_fact_includes_lowering_last_year() -> None:
    # At 96,000,000, last year's output may instead fall to 96,000,000 / 1.05 = 91,428,571.43: the largest
    # whole yuan that passes is 91,428,571.
    data = annual(example(), 2025, gross_output=96_000_000)
    doc = pinggu_asp.reach(data, "art3.output_growth")
    assert only(doc, "annual[2025].gross_output")["to"] == 96_600_000
    lowered = only(doc, "annual[2024].gross_output")
    assert lowered["to"] == 91_428_571 and lowered["verified"]
    assert qualifies(data, "art3.output_growth", "annual[2024].gross_output", 91_428_571)
    assert not qualifies(data, "art3.output_growth", "annual[2024].gross_output", 91_428_572)


def test_a_clause_no_number_can_rescue() -> None:
    # Art 11 needs a global-first certificate or the reviewers' finding: no declared number gives either.
    doc = pinggu_asp.reach(example(), "art11.leading_enterprise")
    assert doc["changes"] == []
    ids = {b["id"] for b in doc["blocked_by"]}
    assert {"art11.global_first_certificate", "art11.leading_recognized"} <= ids
    assert all(b["phrase_zh"] for b in doc["blocked_by"] if b["kind"] == "condition")


def test_a_gate_stands_in_the_way() -> None:
    data = annual(example(), 2025, gross_output=96_000_000)
    data["enterprise"]["credit_good"] = False
    doc = pinggu_asp.reach(data, "art3.output_growth")
    assert doc["changes"] == []
    assert any(b["kind"] == "gate" for b in doc["blocked_by"])


def test_a_clause_already_qualifying_says_so_and_exits_0() -> None:
    result = CliRunner().invoke(app, ["whatif", str(EXAMPLE), "--reach", "art4.breakthrough", "--lang", "en"])
    assert result.exit_code == 0
    assert "already passes" in result.output


def test_vary_of_a_field_that_is_not_a_number_is_exit_2() -> None:
    result = CliRunner().invoke(
        app, ["whatif", str(EXAMPLE), "--reach", "art3.output_growth", "--vary", "enterprise.name"]
    )
    assert result.exit_code == 2
    assert "enterprise.name" in result.output


def _one_at_a_time(probe: Any, start: int, direction: int, limit: int) -> int | None:
    """The search as it asked one value at a time before probes were grouped: the reference."""
    step, failing = 1, start
    while True:
        trial = failing + direction * step
        if (direction > 0 and trial > limit) or (direction < 0 and trial < 0):
            trial = limit if direction > 0 else 0
            if trial == failing or not probe(trial):
                return None
            passing = trial
            break
        if probe(trial):
            passing = trial
            break
        failing, step = trial, step * 2
    while abs(passing - failing) > 1:
        middle = (passing + failing) // 2
        passing, failing = (middle, failing) if probe(middle) else (passing, middle)
    return passing


def test_grouped_probes_find_what_asking_one_at_a_time_finds() -> None:
    # Boundaries one crossing or several (a condition the number also moves), either direction, near and at
    # the limits: the value found is the same, since the values gone by are those of one at a time.
    import random

    from pinggu_asp.analysis.reach import _boundary

    rng = random.Random(18)
    limit = 10**15
    for case in range(400):
        direction = rng.choice((1, -1))
        start = rng.choice((0, 5, 1000, 96_000_000, limit - 3, limit)) if case % 2 else rng.randrange(limit)
        cuts = sorted(rng.randrange(limit + 1) for _ in range(rng.choice((1, 1, 2, 5))))
        if case % 7 == 0:
            cuts = [start + direction * rng.randrange(1, 40)]

        def passes(value: int, cuts: list[int] = cuts) -> bool:
            return sum(value >= cut for cut in cuts) % 2 == 1

        asked: list[int] = []

        def grouped(values: list[int], passes: Any = passes, asked: list[int] = asked) -> list[bool]:
            asked.extend(values)
            return [passes(v) for v in values]

        expected = _one_at_a_time(passes, start, direction, limit)
        assert _boundary(grouped, start, direction, limit) == expected, (start, direction, cuts)
        assert all(0 <= v <= limit for v in asked)

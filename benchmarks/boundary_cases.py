"""Push generated declarations onto the edges of the clauses: T − 1 fen, T, T + 1 fen, and the dates around them.

Used by tests/test_pure_python_agrees.py and benchmarks/check_pure_python.py
(`--boundaries`) so that the engine and the pure-Python comparator meet every
threshold, window edge, look-back anniversary, rounding step and tie, not only
the comfortable middle that benchmarks/generate.py mostly produces.

    at_boundaries(rng, data) -> a modified deep copy, still a valid declaration

The values are written from the law's numbers (SPEC §0.2, §2, §4.1), not read
from parameters.yaml, so a wrong parameter would show as a disagreement.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal
from typing import Any

FEN = Decimal("0.01")


def _money(value: Decimal) -> str:
    return str(value.quantize(FEN))


def _near(rng: random.Random, value: Decimal) -> str:
    """The value itself, or one fen either side (money is never negative)."""
    return _money(max(value + rng.choice([-FEN, Decimal(0), Decimal(0), FEN]), Decimal(0)))


def _annual(data: dict[str, Any], year: int) -> dict[str, Any]:
    for record in data["annual"]:
        if record["year"] == year:
            return record  # type: ignore[no-any-return]
    record = {"year": year}
    data["annual"].append(record)
    return record


def _declared(data: dict[str, Any]) -> dt.date:
    return dt.date.fromisoformat(str(data["declaration_date"]))


def _art3(rng: random.Random, data: dict[str, Any]) -> None:
    y = data["support_year"]
    base = Decimal(rng.choice([0, 1_000_000, 2_000_000, 57_000_000, 10**9, 987_654_321_00]))
    _annual(data, y - 1)["gross_output"] = _money(base)
    # Exactly +5%, or around it; or an increment whose 0.5% lands on the Art 17 steps.
    grown = base * Decimal("1.05") if rng.random() < 0.6 else base + Decimal(rng.choice([1_999_999, 2_000_000, 2_199_999]))
    _annual(data, y)["gross_output"] = _near(rng, grown)


def _art4(rng: random.Random, data: dict[str, Any]) -> None:
    y = data["support_year"]
    _annual(data, y)["gross_output"] = _near(rng, Decimal(100_000_000))
    choice = rng.random()
    if choice < 0.3:
        _annual(data, y - 1)["gross_output"] = _near(rng, Decimal(100_000_000))
    elif choice < 0.6:
        # No earlier year: first time rests on the commissioning year, or is unknown.
        data["annual"] = [r for r in data["annual"] if r["year"] >= y]
        data["enterprise"]["commissioned_year"] = rng.choice([y, y - 1])
    else:
        data["enterprise"]["commissioned_year"] = y


def _art5(rng: random.Random, data: dict[str, Any]) -> None:
    y = data["support_year"]
    if rng.random() < 0.5:
        _annual(data, y)["rd_expense"] = _near(rng, Decimal(5_000_000))
        _annual(data, y - 1)["rd_expense"] = _money(Decimal(rng.choice([0, 4_000_000, 5_000_000])))
    else:
        base = Decimal(rng.choice([0, 4_132_231, 4_200_000, 10_000_000, 90_000_000]))
        _annual(data, y - 2)["rd_expense"] = _money(base)
        _annual(data, y - 1)["rd_expense"] = _near(rng, base * Decimal("1.1"))
        _annual(data, y)["rd_expense"] = _near(rng, base * Decimal("1.21"))


def _orders(rng: random.Random, data: dict[str, Any]) -> None:
    y = data["support_year"]
    program = rng.choice(["central_kitchen", "auto_parts"])
    threshold = Decimal(5_000_000 if program == "central_kitchen" else 20_000_000)
    if rng.random() < 0.7:
        data["enterprise"]["sectors"] = sorted(set(data["enterprise"]["sectors"]) | {program})
    first = rng.choice([Decimal(1), threshold / 2, threshold / 3])
    signed = rng.choice(["2025-08-28", "2025-08-29", "2025-09-30"])
    orders = []
    for index, amount in enumerate([first, threshold - first]):
        order: dict[str, Any] = {
            "id": f"ob-{index}", "program": program, "counterparty": f"边界{index}",
            "signed_date": signed if index == 0 else "2025-09-01",
            "executed": {y: _near(rng, amount) if index else _money(amount)},
            "supported_years": rng.choice([[], [], [y - 1], [y - 2], [y - 2, y - 1], [y]]),
        }
        if program == "auto_parts":
            order["counterparty_kind"] = rng.choice(["nev_oem", "nev_tier1", "nev_oem"])
        else:
            order["counterparty_in_pinggu"] = True
            order["counterparty_affiliated"] = False
        orders.append(order)
    data["orders"] = [o for o in data.get("orders", []) if o["signed_date"] <= str(_declared(data))] + orders


def _art11(rng: random.Random, data: dict[str, Any]) -> None:
    y = data["support_year"]
    data["enterprise"]["leading_recognized"] = True
    for year in (y - 1, y):
        _annual(data, year)["rd_expense_pinggu"] = _near(rng, Decimal(15_000_000))
    data["approvals"] = [a for a in data.get("approvals", []) if a["id"] != "ab-1"] + [{
        "id": "ab-1", "kind": "class3_device", "date": rng.choice(["2019-05-05", "2025-08-28", "2025-10-10"]),
        "first_time": True, **({"global_first": rng.random() < 0.8} if rng.random() < 0.8 else {}),
    }]


def _art13(rng: random.Random, data: dict[str, Any]) -> None:
    y = data["support_year"]
    project: dict[str, Any] = {
        "id": "pb-1", "field": "synthetic_biology", "tech_transfer": True, "in_pinggu": True, "kind": "production",
        # 5,000,000 is the threshold; 199,999.80 × 5% is 9,999.99 (below the Art 17 minimum).
        "fixed_asset_investment": _near(rng, Decimal(rng.choice([5_000_000, 60_000_000, 59_999_980]))),
        "output": {y: _near(rng, Decimal(20_000_000))},
    }
    if rng.random() < 0.85:
        project["commissioned_date"] = rng.choice([f"{y - 1}-12-31", f"{y}-01-01", f"{y}-03-01"])
    data["investment_projects"] = [project]


def _ratings(rng: random.Random, data: dict[str, Any]) -> None:
    y = data["support_year"]
    kinds = ["beijing_advanced_smart_factory", "national_smart_benchmark", "wef_lighthouse", "beijing_green_factory",
             "national_green_factory", "emission_grade", "beijing_service_integration_pilot"]
    ratings = []
    for index in range(rng.randint(1, 3)):
        kind = rng.choice(kinds)
        rating: dict[str, Any] = {
            "id": f"rb-{index}", "kind": kind,
            "date": rng.choice(["2025-08-28", "2025-08-29", f"{y}-12-31", f"{y - 1}-06-01", f"{y}-10-10"]),
        }
        if kind == "emission_grade":
            rating["grade"] = rng.choice(["leading", "A", "B", "C"])
            if rng.random() < 0.8:
                rating["previous_grade"] = rng.choice(["none", "D", "C", "B", "A"])
        ratings.append(rating)
    data["ratings"] = ratings
    if rng.random() < 0.5:
        family, clause = rng.choice([("green", "art7.green_beijing"), ("smart", "art6.beijing_advanced"),
                                     ("emission", "art7.emission_c")])
        data["prior_awards"] = [{
            "clause": clause, "basis": f"rating:{family}:{y - 1}", "year": y - 1,
            "amount": rng.choice([300_000, "491000.01", 500_000, "1995000.50"]),
        }]


def _look_back(rng: random.Random, data: dict[str, Any]) -> None:
    declared = _declared(data)
    edge = declared.replace(year=declared.year - 3)
    day = edge + dt.timedelta(days=rng.choice([-1, 0, 1]))
    if rng.random() < 0.5:
        data["penalties"] = [{"date": day.isoformat(), "kind": rng.choice(["major_administrative", "criminal"])}]
    else:
        data["fraud_findings"] = [{"date": day.isoformat()}]


def _competitor(rng: random.Random, data: dict[str, Any]) -> None:
    y = data["support_year"]
    # Equal to a fixed award (a tie the measure must win), or a fen more.
    data["other_pinggu_support"] = [{
        "basis": rng.choice([f"output:{y}", f"rd:{y}", f"rating:smart:{y}", f"procurement:auto_parts:{y}"]),
        "policy": "边界政策", "amount": rng.choice([300_000, "300000.01", 500_000, "299999.99", 0]),
        "status": rng.choice(["eligible", "eligible", "received"]),
    }]


def _window(rng: random.Random, data: dict[str, Any]) -> None:
    # The validity window's last days; events must not postdate the declaration, so drop them.
    data["support_year"] = 2027
    data["declaration_date"] = rng.choice(["2027-08-28", "2027-08-29", "2027-08-27"])
    for record in data["annual"]:
        record["year"] += 2027 - 2025
    for name in ("ratings", "approvals", "orders", "standards", "investment_projects", "other_pinggu_support",
                 "prior_awards"):
        data[name] = []


EDGES: list[Callable[[random.Random, dict[str, Any]], None]] = [
    _art3, _art4, _art5, _orders, _art11, _art13, _ratings, _look_back, _competitor,
]


def at_boundaries(rng: random.Random, data: dict[str, Any]) -> dict[str, Any]:
    """A copy of a support-year-2025 declaration moved onto one to three edges (or the window's end)."""
    out = copy.deepcopy(data)
    if out["support_year"] != 2025:
        return out
    if rng.random() < 0.05:
        _window(rng, out)
        return out
    for edge in rng.sample(EDGES, rng.randint(1, 3)):
        edge(rng, out)
    return out

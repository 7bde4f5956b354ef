"""Random but valid declarations, for the benchmark and for the property tests.

Every field of pinggu-declaration/1 appears with some probability, optional
facts are sometimes left out, and amounts range from 0 to 10^11 yuan, so the
rules meet missing facts, boundaries, ties, competing policies and blocks.
"""

from __future__ import annotations

import random
from typing import Any

from pinggu_asp.declaration import Declaration
from pinggu_asp.loading import InputError, declaration_from_data

RATING_KINDS = [
    "beijing_advanced_smart_factory", "national_smart_benchmark", "national_smart_demo_factory",
    "excellence_smart_factory", "leading_smart_factory", "wef_lighthouse", "emission_grade",
    "beijing_green_factory", "national_green_factory", "beijing_service_integration_pilot",
]
GRADES = ["leading", "A", "B", "C", "D", "none"]
APPROVAL_KINDS = [
    "innovative_drug", "improved_drug", "generic_drug", "tcm_classical_formula", "class3_device",
    "class2_device", "vet_drug",
]
CLAUSES_PAID_BEFORE = [
    ("art3.output_growth", "output"), ("art5.growth", "rd"), ("art7.green_beijing", "rating:green"),
    ("art11.leading_enterprise", "rd"),
]


def _maybe(rng: random.Random, p: float = 0.8) -> bool:
    return rng.random() < p


def _date(rng: random.Random, year: int, months: tuple[int, int] = (1, 12)) -> str:
    return f"{year}-{rng.randint(*months):02d}-{rng.randint(1, 28):02d}"


def _amount(rng: random.Random, low: int, high: int) -> int | str:
    value = rng.randint(low, high)
    # Now and then with fen, as a decimal string: amounts are exact to the fen.
    return f"{value}.{rng.randint(0, 99):02d}" if rng.random() < 0.1 else value


def declaration(rng: random.Random, index: int = 0, support_year: int = 2025) -> dict[str, Any]:
    """One declaration for `support_year`, declared in the spring of the following year."""
    year = support_year
    base_output = rng.choice([0, rng.randint(10**6, 10**8), rng.randint(10**8, 10**11)])
    base_rd = rng.choice([0, rng.randint(10**5, 10**7), rng.randint(10**7, 10**9)])
    annual = []
    output, rd = base_output, base_rd
    for y in range(year - 3, year + 1):
        record: dict[str, Any] = {"year": y}
        if _maybe(rng, 0.9):
            record["gross_output"] = output
        if _maybe(rng, 0.85):
            record["rd_expense"] = rd
        if _maybe(rng, 0.6):
            record["rd_expense_pinggu"] = rd * rng.randint(50, 100) // 100
        if y == year or _maybe(rng, 0.85):
            annual.append(record)
        output = output * rng.randint(90, 130) // 100
        rd = rd * rng.randint(90, 130) // 100
    enterprise: dict[str, Any] = {
        "credit_code": "91110117MA01C4QX37",
        "name": f"企业{index}",
        "registered_in_pinggu": _maybe(rng, 0.97),
        "operating_in_pinggu": _maybe(rng, 0.97),
        "industry_code": rng.choice(["C3670", "3670", "C2710", "H6241", "C1310"]),
        "strategic_fit": _maybe(rng, 0.97),
        "stable_in_beijing": _maybe(rng, 0.97),
        "related_output_abnormal": not _maybe(rng, 0.97),
        "credit_good": _maybe(rng, 0.97),
        "locality": rng.choice(["马坊镇", "兴谷街道", "中关村平谷园"]),
        "sectors": rng.sample(["central_kitchen", "pharma", "auto_parts", "synthetic_biology"], rng.randint(0, 2)),
    }
    if _maybe(rng, 0.2):
        enterprise["manufacturing_finding"] = _maybe(rng, 0.8)
    if _maybe(rng, 0.7):
        enterprise["commissioned_year"] = rng.choice([2010, 2020, year - 1, year])
    if _maybe(rng, 0.5):
        enterprise["leading_recognized"] = _maybe(rng, 0.3)
    data: dict[str, Any] = {
        "schema": "pinggu-declaration/1",
        "support_year": year,
        "declaration_date": _date(rng, year + 1, (1, 4)) if year < 2027 else "2027-08-01",
        "enterprise": enterprise,
        "annual": annual,
    }
    if _maybe(rng, 0.1):
        data["penalties"] = [{"date": _date(rng, rng.choice([2021, 2023, 2024])), "kind": "major_administrative"}]
    if _maybe(rng, 0.05):
        data["fraud_findings"] = [{"date": _date(rng, rng.choice([2020, 2024]))}]
    last_event = min(year, 2026)
    ratings = []
    for r in range(rng.randint(0, 3)):
        kind = rng.choice(RATING_KINDS)
        rating: dict[str, Any] = {"id": f"r-{r}", "kind": kind, "date": _date(rng, rng.choice([year - 1, last_event]))}
        if kind == "emission_grade":
            rating["grade"] = rng.choice(GRADES)
            if _maybe(rng):
                rating["previous_grade"] = rng.choice(GRADES)
        ratings.append(rating)
    data["ratings"] = ratings
    approvals = []
    for a in range(rng.randint(0, 3)):
        kind = rng.choice(APPROVAL_KINDS)
        approval: dict[str, Any] = {"id": f"a-{a}", "kind": kind, "date": _date(rng, rng.choice([2020, year - 1, last_event]))}
        for flag in ("first_time", "production_license", "industrialized", "global_first", "ai", "emergency"):
            if _maybe(rng, 0.6):
                approval[flag] = _maybe(rng)
        if kind == "vet_drug" and _maybe(rng):
            approval["vet_class"] = rng.randint(1, 3)
        approvals.append(approval)
    data["approvals"] = approvals
    orders = []
    for o in range(rng.randint(0, 3)):
        program = rng.choice(["central_kitchen", "auto_parts"])
        order: dict[str, Any] = {
            "id": f"o-{o}", "program": program, "counterparty": f"对方{o}",
            "signed_date": _date(rng, rng.choice([2025, last_event]), (8, 12)),
            "executed": {year: _amount(rng, 10**6, 3 * 10**7)},
            "supported_years": rng.choice([[], [], [year - 1], [year - 2, year - 1]]),
        }
        if program == "auto_parts":
            order["counterparty_kind"] = rng.choice(["nev_oem", "nev_tier1", "other"])
        else:
            order["counterparty_in_pinggu"] = _maybe(rng, 0.9)
            order["counterparty_affiliated"] = not _maybe(rng, 0.9)
        orders.append(order)
    data["orders"] = orders
    if _maybe(rng, 0.2):
        data["standards"] = [{
            "id": "s-1", "field": rng.choice(["central_kitchen", "other"]), "level": "group",
            "lead_drafter": _maybe(rng), "implemented_date": _date(rng, last_event),
        }]
    if _maybe(rng, 0.2):
        project: dict[str, Any] = {
            "id": "p-1", "field": "synthetic_biology", "tech_transfer": _maybe(rng), "in_pinggu": _maybe(rng),
            "kind": rng.choice(["production", "production", "data_center"]),
            "fixed_asset_investment": _amount(rng, 10**6, 10**8), "output": {year: _amount(rng, 10**6, 5 * 10**7)},
        }
        if _maybe(rng):
            project["commissioned_date"] = _date(rng, year - 1)
        data["investment_projects"] = [project]
    if _maybe(rng, 0.3):
        basis = rng.choice([f"output:{year}", f"rd:{year}", f"rating:smart:{year}"])
        data["other_pinggu_support"] = [{
            "basis": basis, "policy": "其他政策", "amount": rng.randint(1, 60) * 10_000,
            "status": rng.choice(["eligible", "eligible", "received"]),
        }]
    if _maybe(rng, 0.15):
        clause, kind = rng.choice(CLAUSES_PAID_BEFORE)
        prior_year = rng.choice([year - 1, year])
        basis = f"{kind}:{prior_year}"
        data["prior_awards"] = [{"clause": clause, "basis": basis, "year": prior_year, "amount": 300_000}]
    return data


def valid_declarations(count: int, seed: int) -> list[Declaration]:
    """``count`` validated declarations from ``seed``: the generated ones the model accepts, in order."""
    rng = random.Random(seed)
    out: list[Declaration] = []
    index = 0
    while len(out) < count:
        try:
            out.append(declaration_from_data(declaration(rng, index)))
        except InputError:
            pass
        index += 1
    return out

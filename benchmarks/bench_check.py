"""Throughput of `check` on generated declarations: prints its figures, asserts nothing.

    python benchmarks/bench_check.py [--count N] [--seed S]

Each declaration is random but valid: outputs and R&D from 10^6 to 10^11 yuan,
a few ratings, approvals, orders and projects, sometimes a competing policy.
The figures are wall-clock per declaration (validation, grounding, both solves,
rendering) on this machine, and the share spent in each phase.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pinggu_asp.loading import declaration_from_data  # noqa: E402
from pinggu_asp.result import build_result  # noqa: E402
from pinggu_asp.solve import default_ruleset, solve  # noqa: E402

RATING_KINDS = [
    "beijing_advanced_smart_factory", "national_smart_benchmark", "wef_lighthouse", "emission_grade",
    "beijing_green_factory", "national_green_factory", "beijing_service_integration_pilot",
]
APPROVAL_KINDS = ["innovative_drug", "generic_drug", "class3_device", "class2_device", "vet_drug", "tcm_classical_formula"]


def _date(rng: random.Random, year: int) -> str:
    return f"{year}-{rng.randint(9, 12):02d}-{rng.randint(1, 28):02d}"


def declaration(rng: random.Random, index: int) -> dict[str, Any]:
    base_output = rng.randint(10**6, 10**11)
    base_rd = rng.randint(10**5, 10**9)
    annual = []
    output, rd = base_output, base_rd
    for year in (2023, 2024, 2025):
        annual.append({"year": year, "gross_output": output, "rd_expense": rd, "rd_expense_pinggu": rd})
        output = output * rng.randint(90, 130) // 100
        rd = rd * rng.randint(90, 130) // 100
    data: dict[str, Any] = {
        "schema": "pinggu-declaration/1",
        "support_year": 2025,
        "declaration_date": "2026-04-10",
        "enterprise": {
            "credit_code": "91110117MA01C4QX37",
            "name": f"企业{index}",
            "registered_in_pinggu": True,
            "operating_in_pinggu": True,
            "industry_code": "C3670",
            "strategic_fit": True,
            "stable_in_beijing": True,
            "related_output_abnormal": False,
            "credit_good": rng.random() > 0.05,
            "locality": "马坊镇",
            "sectors": rng.sample(["central_kitchen", "pharma", "auto_parts", "synthetic_biology"], rng.randint(0, 2)),
            "commissioned_year": rng.choice([2016, 2020, 2025]),
            "leading_recognized": rng.random() > 0.8,
        },
        "annual": annual,
        "ratings": [],
        "approvals": [],
        "orders": [],
        "other_pinggu_support": [],
    }
    for r in range(rng.randint(0, 3)):
        kind = rng.choice(RATING_KINDS)
        rating: dict[str, Any] = {"id": f"r-{r}", "kind": kind, "date": _date(rng, 2025)}
        if kind == "emission_grade":
            rating.update(grade=rng.choice(["A", "B", "C"]), previous_grade="D")
        data["ratings"].append(rating)
    for a in range(rng.randint(0, 3)):
        kind = rng.choice(APPROVAL_KINDS)
        approval: dict[str, Any] = {"id": f"a-{a}", "kind": kind, "date": _date(rng, 2025), "first_time": True}
        if kind.endswith("_drug") and kind != "vet_drug":
            approval.update(production_license=True, industrialized=True)
        if kind == "class3_device":
            approval["global_first"] = rng.random() > 0.5
        if kind == "class2_device":
            approval.update(ai=True, emergency=False)
        if kind == "vet_drug":
            approval["vet_class"] = rng.randint(1, 3)
        data["approvals"].append(approval)
    for o in range(rng.randint(0, 3)):
        program = rng.choice(["central_kitchen", "auto_parts"])
        order: dict[str, Any] = {
            "id": f"o-{o}", "program": program, "counterparty": "对方", "signed_date": _date(rng, 2025),
            "executed": {2025: rng.randint(10**6, 10**8)}, "supported_years": [],
        }
        if program == "auto_parts":
            order["counterparty_kind"] = rng.choice(["nev_oem", "nev_tier1", "other"])
        else:
            order.update(counterparty_in_pinggu=True, counterparty_affiliated=False)
        data["orders"].append(order)
    if rng.random() < 0.3:
        data["other_pinggu_support"].append(
            {"basis": "output:2025", "policy": "其他政策", "amount": rng.randint(1, 50) * 10_000, "status": "eligible"}
        )
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    ruleset = default_ruleset()
    datas = [declaration(rng, i) for i in range(args.count)]

    phases = {"validate": 0.0, "solve": 0.0, "render": 0.0}
    per_decl: list[float] = []
    granted = 0
    start = time.perf_counter()
    for data in datas:
        t0 = time.perf_counter()
        decl = declaration_from_data(data)
        t1 = time.perf_counter()
        derived = solve(decl, ruleset)
        t2 = time.perf_counter()
        result = build_result(decl, derived, ruleset)
        t3 = time.perf_counter()
        phases["validate"] += t1 - t0
        phases["solve"] += t2 - t1
        phases["render"] += t3 - t2
        per_decl.append(t3 - t0)
        granted += len(result["awards"])
    total = time.perf_counter() - start

    per_decl_ms = sorted(t * 1000 for t in per_decl)
    print(f"declarations        {args.count}")
    print(f"awards granted      {granted}")
    print(f"total               {total:.2f} s   ({args.count / total:.1f} declarations/s on one core)")
    print(f"per declaration     median {statistics.median(per_decl_ms):.1f} ms, "
          f"p95 {per_decl_ms[int(0.95 * (len(per_decl_ms) - 1))]:.1f} ms, max {per_decl_ms[-1]:.1f} ms")
    for name, seconds in phases.items():
        print(f"  {name:<17} {seconds / total * 100:5.1f} %")
    print(f"100,000 declarations at this rate: {100_000 / (args.count / total) / 60:.1f} min on one core")


if __name__ == "__main__":
    main()

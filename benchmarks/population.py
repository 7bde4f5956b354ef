"""A seeded population of declarations for the batch benchmark and tests: realistic, with every clause exercised.

Most declarations come from ``generate.declaration`` (random but valid). On top:
- a share is aimed at one clause each, in turn, so every clause of the measures is met and granted;
- a share sits exactly on a threshold (5% growth, 100,000,000 yuan, 5,000,000 yuan, ...), or one fen short;
- a share has outputs of 10^10 to 10^11 yuan;
- a few lines are invalid (broken JSON, negative money, a wrong check character, no support-year record),
  so a batch meets error records in the middle of its input.

    python benchmarks/population.py --count 100000 --seed 8 -o population.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import declaration  # noqa: E402

_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code(index: int) -> str:
    """A distinct, valid GB 32100 code per index (prefix 91110117, Pinggu)."""
    body = "91110117"
    n = index
    tail = ""
    for _ in range(9):
        n, digit = divmod(n, 31)
        tail = _CREDIT_CHARS[digit] + tail
    first17 = body + tail
    total = sum(_CREDIT_CHARS.index(ch) * w for ch, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return first17 + _CREDIT_CHARS[(31 - total % 31) % 31]


def _record(data: dict[str, Any], year: int) -> dict[str, Any]:
    for record in data["annual"]:
        if record["year"] == year:
            return record
    record = {"year": year}
    data["annual"].append(record)
    data["annual"].sort(key=lambda r: r["year"])
    return record


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    """Every gate passes: the aimed clause then depends on its own conditions."""
    ent = data["enterprise"]
    ent.update(registered_in_pinggu=True, operating_in_pinggu=True, industry_code="C3670", strategic_fit=True,
               stable_in_beijing=True, related_output_abnormal=False, credit_good=True)
    ent.pop("manufacturing_finding", None)
    for name in ("penalties", "fraud_findings", "other_pinggu_support", "prior_awards"):
        data.pop(name, None)
    return data


def _aim(rng: random.Random, data: dict[str, Any], target: int) -> None:
    """Shape a declaration so that one clause (target, in turn) is met."""
    y = data["support_year"]
    ent = data["enterprise"]
    date = f"{min(y, 2026)}-11-0{rng.randint(1, 9)}" if y < 2026 else f"{y}-0{rng.randint(1, 6)}-01"
    kind = target % 20
    if kind == 0:  # Art 3: growth of 5% or more
        prev = rng.randint(10**7, 10**9)
        _record(data, y - 1)["gross_output"] = prev
        _record(data, y)["gross_output"] = prev * rng.randint(106, 140) // 100
    elif kind == 1:  # Art 4 breakthrough / new plant
        for r in data["annual"]:
            r["gross_output"] = rng.randint(10**6, 5 * 10**7)
        _record(data, y)["gross_output"] = rng.randint(10**8, 3 * 10**8)
        if rng.random() < 0.5:
            ent["commissioned_year"] = y
    elif kind == 2:  # Art 5 first 5m
        for r in data["annual"]:
            r["rd_expense"] = rng.randint(10**5, 4 * 10**6)
        _record(data, y)["rd_expense"] = rng.randint(5 * 10**6 + 1, 2 * 10**7)
    elif kind == 3:  # Art 5 growth
        prev = rng.randint(6 * 10**6, 10**8)
        for offset in (3, 2):
            _record(data, y - offset)["rd_expense"] = prev // 2
        _record(data, y - 1)["rd_expense"] = prev
        _record(data, y)["rd_expense"] = prev * rng.randint(111, 150) // 100
    elif kind in (4, 5, 6):  # Art 6
        kinds = {4: "beijing_advanced_smart_factory", 5: "national_smart_benchmark", 6: "wef_lighthouse"}
        data["ratings"] = [{"id": "r-aim", "kind": kinds[kind], "date": date}]
    elif kind == 7:  # Art 7 emission grades
        grade, previous = rng.choice([("A", "B"), ("B", "C"), ("C", "D"), ("leading", "A")])
        data["ratings"] = [{"id": "r-aim", "kind": "emission_grade", "grade": grade, "previous_grade": previous,
                            "date": date}]
    elif kind == 8:  # Art 7 green
        data["ratings"] = [{"id": "r-aim", "kind": rng.choice(["beijing_green_factory", "national_green_factory"]),
                            "date": date}]
    elif kind == 9:  # Art 8
        data["ratings"] = [{"id": "r-aim", "kind": "beijing_service_integration_pilot", "date": date}]
    elif kind == 10:  # Art 9 procurement
        ent["sectors"] = ["central_kitchen"]
        data["orders"] = [{"id": "o-aim", "program": "central_kitchen", "counterparty": "本区企业",
                           "counterparty_in_pinggu": True, "counterparty_affiliated": False,
                           "signed_date": f"{min(y, 2025)}-09-15", "executed": {str(y): rng.randint(5 * 10**6 + 1, 10**8)},
                           "supported_years": []}]
    elif kind == 11:  # Art 9 standard
        ent["sectors"] = ["central_kitchen"]
        data["standards"] = [{"id": "s-aim", "field": "central_kitchen", "level": "group", "lead_drafter": True,
                              "implemented_date": date}]
    elif kind in (12, 13, 14, 15):  # Art 10
        ent["sectors"] = ["pharma"]
        approval: dict[str, Any] = {"id": "a-aim", "date": date, "first_time": True}
        choice = {12: ["innovative_drug", "improved_drug"], 13: ["generic_drug", "tcm_classical_formula"],
                  14: ["class3_device", "class2_device"], 15: ["vet_drug"]}[kind]
        approval["kind"] = rng.choice(choice)
        if approval["kind"] in ("innovative_drug", "improved_drug", "generic_drug"):
            approval.update(production_license=True, industrialized=True)
        if approval["kind"] == "class3_device":
            approval["global_first"] = rng.random() < 0.5
        if approval["kind"] == "class2_device":
            approval.update(ai=True, emergency=rng.random() < 0.5)
        if approval["kind"] == "vet_drug":
            approval["vet_class"] = rng.randint(1, 3)
        data["approvals"] = [approval]
    elif kind == 16:  # Art 11
        ent["leading_recognized"] = True
        for offset in (1, 0):
            r = _record(data, y - offset)
            r["rd_expense"] = r["rd_expense_pinggu"] = rng.randint(15 * 10**6 + 1, 10**8)
    elif kind == 17:  # Art 12
        ent["sectors"] = ["auto_parts"]
        data["orders"] = [{"id": "o-aim", "program": "auto_parts", "counterparty": "整车企业",
                           "counterparty_kind": rng.choice(["nev_oem", "nev_tier1"]),
                           "signed_date": f"{min(y, 2025)}-09-15",
                           "executed": {str(y): rng.randint(2 * 10**7, 5 * 10**8)}, "supported_years": []}]
    elif kind == 18:  # Art 13
        ent["sectors"] = ["synthetic_biology"]
        data["investment_projects"] = [{"id": "p-aim", "field": "synthetic_biology", "tech_transfer": True,
                                        "in_pinggu": True, "kind": "production",
                                        "fixed_asset_investment": rng.randint(10**7, 10**9),
                                        "commissioned_date": f"{y - 1}-06-01",
                                        "output": {str(y): rng.randint(2 * 10**7, 10**9)}}]
    else:  # outputs of 10^10 - 10^11 yuan
        prev = rng.randint(10**10, 9 * 10**10)
        _record(data, y - 1)["gross_output"] = prev
        _record(data, y)["gross_output"] = min(10**11, prev * rng.randint(100, 130) // 100)


def _boundary(rng: random.Random, data: dict[str, Any]) -> None:
    """Exactly on a threshold, or one fen short of it."""
    y = data["support_year"]
    short = rng.random() < 0.5
    which = rng.randrange(4)
    if which == 0:  # Art 3: 5% growth exactly (prev a multiple of 20 keeps it whole)
        prev = rng.randint(10**5, 10**8) * 20
        _record(data, y - 1)["gross_output"] = prev
        _record(data, y)["gross_output"] = f"{prev * 105 // 100 - 1}.99" if short else prev * 105 // 100
    elif which == 1:  # Art 4: 100,000,000 yuan
        _record(data, y)["gross_output"] = "99999999.99" if short else 100_000_000
    elif which == 2:  # Art 5: more than 5,000,000 yuan
        _record(data, y)["rd_expense"] = 5_000_000 if short else "5000000.01"
    else:  # Art 11: more than 15,000,000 yuan in Pinggu
        data["enterprise"]["leading_recognized"] = True
        for offset in (1, 0):
            _record(data, y - offset)["rd_expense_pinggu"] = 15_000_000 if short else "15000000.01"
            _record(data, y - offset).setdefault("rd_expense", 20_000_000)


INVALID_KINDS = ("broken_json", "negative_money", "check_character", "no_support_year_record")


def _invalid(rng: random.Random, data: dict[str, Any], index: int) -> str:
    kind = INVALID_KINDS[index % len(INVALID_KINDS)]
    if kind == "broken_json":
        return json.dumps(data, ensure_ascii=False)[:-7]
    if kind == "negative_money":
        data["annual"][-1]["gross_output"] = -rng.randint(1, 10**6)
    elif kind == "check_character":
        code = data["enterprise"]["credit_code"]
        data["enterprise"]["credit_code"] = code[:17] + ("0" if code[17] != "0" else "1")
    else:
        data["annual"] = [r for r in data["annual"] if r["year"] != data["support_year"]]
    return json.dumps(data, ensure_ascii=False)


def population(count: int, seed: int = 8, *, aimed: float = 0.4, boundary: float = 0.1,
               invalid: float = 0.005) -> Iterator[str]:
    """``count`` JSON lines, the same for the same seed."""
    rng = random.Random(seed)
    for index in range(count):
        year = rng.choice([2025, 2025, 2025, 2026])
        data = declaration(rng, index, support_year=year)
        data["enterprise"]["credit_code"] = credit_code(index)
        roll = rng.random()
        if roll < aimed:
            _aim(rng, _clean(data), index)
        elif roll < aimed + boundary:
            _boundary(rng, _clean(data))
        if rng.random() < invalid:
            yield _invalid(rng, data, index)
        else:
            yield json.dumps(data, ensure_ascii=False)



def valid_declarations(count: int, seed: int = 8) -> list[Any]:
    """The population's lines that validate, as declarations (the few invalid ones left out)."""
    from pinggu_asp.loading import InputError, declaration_from_data, parse_text

    out = []
    for line in population(count, seed):
        try:
            out.append(declaration_from_data(parse_text(line, "population.jsonl")))
        except (InputError, ValueError):
            continue
    return out

def write_population(path: Path, count: int, seed: int = 8, **shares: float) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for line in population(count, seed, **shares):
            handle.write(line + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--invalid", type=float, default=0.005, help="share of invalid lines")
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args()
    write_population(args.output, args.count, args.seed, invalid=args.invalid)


if __name__ == "__main__":
    main()

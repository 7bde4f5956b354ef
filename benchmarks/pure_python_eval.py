"""A straightforward pure-Python evaluation of the Pinggu measures: the batch benchmark's comparator.

NOT PART OF THE PRODUCT. The product decides with the answer-set programs in
asp_rules/; this module exists so that `benchmarks/` can measure the engine
against "the same clauses written as plain Python" (issue 8, item 4) and so that
tests can check the two readings agree (tests/test_pure_python_agrees.py). It is
written from /work/shared/policy/SPEC.md (default interpretations of §7 only) as
a competent programmer would write it: exact integer arithmetic in fen, no
clingo, no pinggu_asp import, nothing cached but the parameters file.

    evaluate(declaration: dict) -> dict

`declaration` is the parsed pinggu-declaration/1 document as it is written
(the dict of examples/declaration.yaml or of a JSON line: money as int, float or
decimal string, dates as ISO strings or `datetime.date`, year maps keyed by int
or four-digit string). The validated model's `model_dump(mode="json",
by_alias=True)` has the same shape and is accepted too. The declaration is
assumed valid (validation is the product's job, loading.py).

The result has, for every clause the product lists (ids as the engine's):
status, conditions with observed and required values, the amount in yuan after
caps and Art 17 rounding; the chosen non-conflicting award set with the most
favourable total (Art 18 从优不重复, brute force per group of candidates that
share a basis), and the total.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

PARAMETERS_FILE = Path(__file__).resolve().parent.parent / "asp_rules" / "parameters.yaml"

PASS, FAIL, UNKNOWN = "pass", "fail", "unknown"
FEN = 100  # fen per yuan

# SPEC §5: where several apply, the first wins.
STATUS_ORDER = ("not_applicable", "barred", "ineligible", "undetermined", "blocked", "below_minimum")

GRADE_RANK = {"none": 0, "D": 1, "C": 2, "B": 3, "A": 4, "leading": 4}

# Arts 6-8 (SPEC §3, §3.1): clause -> (family, rating kinds it names, grades or None, cap parameter).
RATING_CLAUSES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...] | None, str]] = {
    "art6.beijing_advanced": ("smart", ("beijing_advanced_smart_factory",), None, "art6_beijing_advanced_max"),
    "art6.national": (
        "smart",
        ("national_smart_benchmark", "national_smart_demo_factory", "excellence_smart_factory", "leading_smart_factory"),
        None,
        "art6_national_max",
    ),
    "art6.lighthouse": ("smart", ("wef_lighthouse",), None, "art6_lighthouse_max"),
    "art7.emission_a": ("emission", ("emission_grade",), ("A", "leading"), "art7_emission_a_max"),
    "art7.emission_b": ("emission", ("emission_grade",), ("B",), "art7_emission_b_max"),
    "art7.emission_c": ("emission", ("emission_grade",), ("C",), "art7_emission_c_max"),
    "art7.green_beijing": ("green", ("beijing_green_factory",), None, "art7_green_beijing_max"),
    "art7.green_national": ("green", ("national_green_factory",), None, "art7_green_national_max"),
    "art8.integration_pilot": ("integration", ("beijing_service_integration_pilot",), None, "art8_integration_max"),
}

# Art 10: approval kind -> clause, cap parameter, the condition ids of its checks.
DRUG_KINDS = {
    "innovative_drug": ("art10.innovative_drug", "art10_innovative_drug_max"),
    "improved_drug": ("art10.improved_drug", "art10_improved_drug_max"),
    "generic_drug": ("art10.generic_drug", "art10_generic_drug_max"),
}
VET_AMOUNTS = {1: "art10_vet_class1_amount", 2: "art10_vet_class2_amount", 3: "art10_vet_class3_amount"}


# --- parameters -------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _parameter_file(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)["parameters"]  # type: ignore[no-any-return]


@lru_cache(maxsize=64)
def parameters_on(day: dt.date, path: str = str(PARAMETERS_FILE)) -> dict[str, Any]:
    """Each parameter's value in force on `day`: money in fen, rates as Fractions, dates, ints."""
    out: dict[str, Any] = {}
    for name, spec in _parameter_file(path).items():
        values = sorted((_to_date(since), value) for since, value in spec["values"].items())
        dated = [item for item in values if item[0] <= day] or values[:1]
        value = dated[-1][1]
        kind = spec["kind"]
        if kind == "money":
            out[name] = fen(value)
        elif kind == "rate":
            numerator, denominator = str(value).split("/")
            out[name] = Fraction(int(numerator), int(denominator))
        elif kind == "date":
            out[name] = _to_date(value)
        else:
            out[name] = int(value)
    return out


# --- reading the declaration ------------------------------------------------------------------


def fen(value: Any) -> int:
    """Money (int, float, Decimal or decimal string, in yuan) as integer fen, exactly."""
    amount = Decimal(str(value)) * FEN
    if amount != amount.to_integral_value():
        raise ValueError(f"money with more than two decimal places: {value!r}")
    return int(amount)


def yuan(amount_fen: int) -> int | str:
    """Fen as yuan: an int when whole, else a decimal string (no floats on money)."""
    if amount_fen % FEN == 0:
        return amount_fen // FEN
    return str(Decimal(amount_fen) / FEN)


def _to_date(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip())


def _year_map(value: Any) -> dict[int, int]:
    return {int(year): fen(amount) for year, amount in (value or {}).items()}


def _years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` earlier; from 29 February into a common year, 28 February."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


class _Facts:
    """The declaration, read once into plain values (fen, dates, years)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.year: int = int(data["support_year"])
        self.declared: dt.date = _to_date(data["declaration_date"])
        self.enterprise: dict[str, Any] = data["enterprise"]
        self.sectors = set(self.enterprise.get("sectors") or [])
        commissioned = self.enterprise.get("commissioned_year")
        self.commissioned_year: int | None = None if commissioned is None else int(commissioned)
        self.output: dict[int, int] = {}
        self.rd: dict[int, int] = {}
        self.rd_pinggu: dict[int, int] = {}
        self.annual_years: set[int] = set()
        for record in data.get("annual") or []:
            year = int(record["year"])
            self.annual_years.add(year)
            for field, target in (("gross_output", self.output), ("rd_expense", self.rd), ("rd_expense_pinggu", self.rd_pinggu)):
                if record.get(field) is not None:
                    target[year] = fen(record[field])
        self.penalties = [_to_date(p["date"]) for p in data.get("penalties") or []]
        self.fraud = [_to_date(f["date"]) for f in data.get("fraud_findings") or []]
        self.ratings = [dict(r, date=_to_date(r["date"])) for r in data.get("ratings") or []]
        self.approvals = [dict(a, date=_to_date(a["date"])) for a in data.get("approvals") or []]
        self.orders = [
            dict(o, signed_date=_to_date(o["signed_date"]), executed=_year_map(o.get("executed")))
            for o in data.get("orders") or []
        ]
        self.standards = [dict(s, implemented_date=_to_date(s["implemented_date"])) for s in data.get("standards") or []]
        self.projects = [
            dict(
                p,
                fixed_asset_investment=fen(p["fixed_asset_investment"]),
                output=_year_map(p.get("output")),
                commissioned_date=None if p.get("commissioned_date") is None else _to_date(p["commissioned_date"]),
            )
            for p in data.get("investment_projects") or []
        ]
        self.other = [dict(s, amount=fen(s["amount"])) for s in data.get("other_pinggu_support") or []]
        self.prior = [dict(a, amount=fen(a["amount"])) for a in data.get("prior_awards") or []]


# --- conditions --------------------------------------------------------------------------------


def _cond(cid: str, status: str, observed: Any, required: Any) -> dict[str, Any]:
    return {"id": cid, "status": status, "observed": observed, "required": required}


def _threshold(cid: str, value: int | None, threshold: int, strict: bool) -> dict[str, Any]:
    """`达到`/`以上`/`（含）` is ≥; `超过`/`超` is > (SPEC §0.2). Values in fen."""
    if value is None:
        return _cond(cid, UNKNOWN, None, yuan(threshold))
    ok = value > threshold if strict else value >= threshold
    return _cond(cid, PASS if ok else FAIL, yuan(value), yuan(threshold))


def _growth(cid: str, current: int | None, previous: int | None, rate: Fraction) -> dict[str, Any]:
    """(cur − prev) / prev ≥ rate; a base of 0 fails (SPEC §0.6); a missing figure is unknown."""
    if current is None:
        return _cond(cid, UNKNOWN, None, None)
    if previous is None:
        return _cond(cid, UNKNOWN, yuan(current), None)
    required = previous * (1 + rate)
    if previous == 0:
        return {**_cond(cid, FAIL, yuan(current), 0), "note": "base year is 0: growth from nothing is not growth"}
    least = -(-required.numerator // required.denominator)  # the least passing figure, in whole fen
    return _cond(cid, PASS if current >= required else FAIL, yuan(current), yuan(least))


def _flag(cid: str, value: Any, wanted: bool = True) -> dict[str, Any]:
    if value is None:
        return _cond(cid, UNKNOWN, None, wanted)
    return _cond(cid, PASS if value is wanted else FAIL, value, wanted)


def _none_of(cid: str, found: list[Any]) -> dict[str, Any]:
    return _cond(cid, FAIL if found else PASS, len(found), 0)


# --- the evaluator ---------------------------------------------------------------------------


class _Evaluation:
    def __init__(self, data: dict[str, Any], parameters: str) -> None:
        self.f = _Facts(data)
        self.p = parameters_on(self.f.declared, parameters)
        f, p = self.f, self.p
        self.window = (p["window_start"], p["window_end"])
        # SPEC §1 I-events-in-window: a one-off event counts for Y when dated in Y and in the window.
        self.event_from = max(dt.date(f.year, 1, 1), p["window_start"])
        self.event_to = min(dt.date(f.year, 12, 31), p["window_end"])
        self.clauses: list[dict[str, Any]] = []

    def in_year(self, day: dt.date) -> bool:
        return self.event_from <= day <= self.event_to

    def in_window(self, day: dt.date) -> bool:
        return self.window[0] <= day <= self.window[1]

    def rounded(self, amount_fen: int) -> int:
        unit = self.p["art17_round_unit"]
        return amount_fen // unit * unit

    def add(self, clause: str, subject: str, conditions: list[dict[str, Any]], amount_fen: int | None,
            cap_fen: int, payer: str = "district", bases: list[str] | None = None) -> None:
        self.clauses.append({
            "clause": clause,
            "article": int(clause.split(".")[0][3:]),
            "subject": subject,
            "bases": bases or [subject],
            "conditions": conditions,
            "amount_fen": amount_fen,
            "cap_yuan": yuan(cap_fen),
            "payer": payer,
        })

    def prior_of(self, clause: str) -> list[dict[str, Any]]:
        return [a for a in self.f.prior if a["clause"] == clause]

    def prior_on(self, basis: str) -> list[dict[str, Any]]:
        return [a for a in self.f.prior if a["basis"] == basis]

    # SPEC §2 -----------------------------------------------------------------------------
    def gates(self) -> list[dict[str, Any]]:
        f, p, e = self.f, self.p, self.f.enterprise
        gates = [
            {**_cond("A21-declared-in-window", PASS if self.in_window(f.declared) else FAIL,
                     f.declared.isoformat(), [d.isoformat() for d in self.window]), "effect": "not_applicable"},
            {**_cond("A21-support-year", PASS if self.window[0].year <= f.year <= self.window[1].year else FAIL,
                     f.year, [self.window[0].year, self.window[1].year]), "effect": "not_applicable"},
        ]
        for gid, field, wanted in (
            ("G-registered", "registered_in_pinggu", True),
            ("G-operating", "operating_in_pinggu", True),
            ("G-strategic-fit", "strategic_fit", True),
            ("G-stable", "stable_in_beijing", True),
            ("G-related-output", "related_output_abnormal", False),
            ("G-credit", "credit_good", True),
        ):
            gates.append({**_flag(gid, e.get(field), wanted), "effect": "barred"})
        finding = e.get("manufacturing_finding")
        if finding is not None:
            gates.append({**_flag("G-manufacturing", finding), "effect": "barred"})
        else:
            code = str(e["industry_code"])
            section, digits = (code[0], code[1:]) if code[0].isalpha() else ("", code)
            lo, hi = p["manufacturing_division_min"], p["manufacturing_division_max"]
            ok = section in ("C", "") and lo <= int(digits[:2]) <= hi
            gates.append({**_cond("G-manufacturing", PASS if ok else FAIL, code, [lo, hi]), "effect": "barred"})
        # 近3年: a penalty counts when D − 3 years < d ≤ D.
        since = _years_before(f.declared, p["penalty_lookback_years"])
        counted = [d for d in f.penalties if since < d <= f.declared]
        gates.append({**_none_of("G-no-penalty", counted), "effect": "barred"})
        # 自发现之日起3年内: a finding bars when D − 3 years ≤ d ≤ D.
        since = _years_before(f.declared, p["fraud_ban_years"])
        bars = [d for d in f.fraud if since <= d <= f.declared]
        gates.append({**_none_of("G-no-fraud-ban", bars), "effect": "barred"})
        return gates

    # SPEC §0.7 ---------------------------------------------------------------------------
    def first_time(self, cid: str, clause: str, metric: dict[int, int], threshold: int) -> dict[str, Any]:
        earlier = sorted(y for y in metric if y < self.f.year)
        reached = [y for y in earlier if metric[y] >= threshold]
        if reached:
            return _cond(cid, FAIL, {"reached_in": reached[0]}, yuan(threshold))
        if self.prior_of(clause):
            return _cond(cid, FAIL, {"prior_award": clause}, yuan(threshold))
        if earlier:
            return _cond(cid, PASS, {"years_looked_at": earlier}, yuan(threshold))
        if self.f.commissioned_year == self.f.year:
            return _cond(cid, PASS, {"commissioned_in": self.f.year}, yuan(threshold))
        return _cond(cid, UNKNOWN, None, yuan(threshold))

    # Art 3 ---------------------------------------------------------------------------------
    def art3(self) -> None:
        f, p, y = self.f, self.p, self.f.year
        cur, prev = f.output.get(y), f.output.get(y - 1)
        amount = None
        if cur is not None and prev is not None and cur >= prev:
            amount = min(int((cur - prev) * p["art3_rate"]), p["art3_cap"])
        self.add("art3.output_growth", f"output:{y}", [_growth("art3.growth", cur, prev, p["art3_growth_min"])],
                 amount, p["art3_cap"])

    # Art 4 ---------------------------------------------------------------------------------
    def art4(self) -> None:
        f, p, y = self.f, self.p, self.f.year
        threshold = p["art4_output_threshold"]
        prior_art4 = [a for a in f.prior if a["clause"].startswith("art4.")]
        for clause, cap_name in (("art4.breakthrough", "art4_breakthrough_max"), ("art4.new_plant", "art4_new_plant_max")):
            conditions = [
                _threshold("art4.output_100m", f.output.get(y), threshold, strict=False),
                self.first_time("art4.first_time", clause, f.output, threshold),
                _none_of("art4.no_prior_award", prior_art4),
            ]
            if clause == "art4.new_plant":
                if f.commissioned_year is None:
                    conditions.append(_cond("art4.commissioned_in_year", UNKNOWN, None, y))
                else:
                    conditions.append(_cond("art4.commissioned_in_year", PASS if f.commissioned_year == y else FAIL,
                                            f.commissioned_year, y))
            self.add(clause, f"output:{y}", conditions, p[cap_name], p[cap_name])

    # Art 5 ---------------------------------------------------------------------------------
    def art5(self) -> None:
        f, p, y = self.f, self.p, self.f.year
        self.add("art5.first_5m", f"rd:{y}", [
            _threshold("art5.rd_5m", f.rd.get(y), p["art5_first_threshold"], strict=False),
            self.first_time("art5.first_time", "art5.first_5m", f.rd, p["art5_first_threshold"]),
        ], p["art5_first_max"], p["art5_first_max"])
        cur, prev = f.rd.get(y), f.rd.get(y - 1)
        amount = None
        if cur is not None and prev is not None and cur >= prev:
            amount = min(int((cur - prev) * p["art5_rate"]), p["art5_cap"])
        self.add("art5.growth", f"rd:{y}", [
            # I-prior-year-is-Y: "上年度" is the support year.
            _threshold("art5.prior_year_rd_5m", cur, p["art5_prior_year_threshold"], strict=False),
            _growth("art5.growth_y", cur, prev, p["art5_growth_min"]),
            _growth("art5.growth_y_minus_1", prev, f.rd.get(y - 2), p["art5_growth_min"]),
        ], amount, p["art5_cap"])

    # Arts 6-8 (SPEC §3.1) ------------------------------------------------------------------
    def ratings(self) -> None:
        f, p, y = self.f, self.p, self.f.year
        for clause, (family, kinds, grades, cap_name) in RATING_CLAUSES.items():
            titles = [r for r in f.ratings if r["kind"] in kinds and (grades is None or r.get("grade") in grades)]
            if not titles:
                continue
            short = clause.split(".")[1]
            prefix = f"{clause.split('.')[0]}.{short}"
            best: tuple[int, dt.date, str, list[dict[str, Any]]] | None = None
            for title in titles:
                conditions = [_cond(f"{prefix}_in_year", PASS if self.in_year(title["date"]) else FAIL,
                                    {"rating": title["id"], "date": title["date"].isoformat()},
                                    [self.event_from.isoformat(), self.event_to.isoformat()])]
                # 新获评: no earlier rating of the same kind. Emission grades are upgrades, not
                # titles (I-emission-upgrade, SPEC §3.1): earlier ratings do not block them.
                if grades is None:
                    held = [r for r in f.ratings if r["kind"] == title["kind"] and r["date"] < title["date"]]
                    conditions.append(_none_of(f"{prefix}_new", held))
                if grades is not None:
                    previous = title.get("previous_grade")
                    if previous is None:
                        conditions.append(_cond(f"{prefix}_upgrade", UNKNOWN, None, {"previous_grade_below": title["grade"]}))
                    else:
                        ok = GRADE_RANK[previous] < GRADE_RANK[title["grade"]]
                        conditions.append(_cond(f"{prefix}_upgrade", PASS if ok else FAIL,
                                                {"previous_grade": previous, "grade": title["grade"]},
                                                {"previous_grade_below": title["grade"]}))
                conditions.append(_none_of(f"{prefix}_not_paid", self.prior_of(clause)))
                # The reported title: the one that satisfies most (dated in Y 9, new 3, upgrade 2 or
                # unknown 1), then the earliest, then the least id; one without a failure always wins.
                by_id = {c["id"]: c["status"] for c in conditions}
                points = (9 if by_id[f"{prefix}_in_year"] == PASS else 0) + (3 if by_id.get(f"{prefix}_new", PASS) == PASS else 0)
                points += {PASS: 2, UNKNOWN: 1, FAIL: 0}[by_id.get(f"{prefix}_upgrade", PASS)]
                key = (-points, title["date"], title["id"], conditions)
                if best is None or key[:3] < best[:3]:
                    best = key
            assert best is not None
            # I-upgrade-difference: a higher title pays what the family was not paid yet.
            paid = sum(a["amount"] for a in f.prior if a["basis"].startswith(f"rating:{family}:"))
            amount = max(p[cap_name] - paid, 0)
            self.add(clause, f"rating:{family}:{y}", best[3], amount, p[cap_name])

    # Arts 9 and 12: qualifying orders (SPEC §3.2) --------------------------------------------
    def qualifying_sum(self, program: str) -> int:
        f, y = self.f, self.f.year
        total = 0
        for order in f.orders:
            if order["program"] != program:
                continue
            if program == "central_kitchen":
                if order.get("counterparty_in_pinggu") is not True or order.get("counterparty_affiliated") is not False:
                    continue
            elif order.get("counterparty_kind") not in ("nev_oem", "nev_tier1"):
                continue
            if not self.in_window(order["signed_date"]) or y not in order["executed"]:
                continue
            # 同一订单最多连续支持不超过2年: earlier support must be one run ending in Y−1, shorter
            # than the limit; support in Y or later excludes the order.
            supported = set(order.get("supported_years") or [])
            run = 0
            while (y - 1 - run) in supported:
                run += 1
            if any(s >= y for s in supported) or len(supported) != run or run >= self.p["order_max_consecutive_years"]:
                continue
            total += order["executed"][y]
        return total

    def art9_12(self) -> None:
        f, p, y = self.f, self.p, self.f.year
        for clause, program, prefix, threshold, rate, cap in (
            ("art9.procurement", "central_kitchen", "art9", "art9_procurement_threshold", "art9_procurement_rate",
             "art9_procurement_cap"),
            ("art12.oem_orders", "auto_parts", "art12", "art12_order_threshold", "art12_rate", "art12_cap"),
        ):
            if program not in f.sectors and not any(o["program"] == program for o in f.orders):
                continue
            total = self.qualifying_sum(program)
            in_sector = program in f.sectors
            self.add(clause, f"procurement:{program}:{y}", [
                _cond(f"{prefix}.sector_{program}", PASS if in_sector else FAIL, in_sector, True),
                _threshold(f"{prefix}.orders_sum", total, p[threshold], strict=True),
            ], min(int(total * p[rate]), p[cap]), p[cap])

    def art9_standards(self) -> None:
        p = self.p
        for standard in self.f.standards:
            basis = f"standard:{standard['id']}"
            day = standard["implemented_date"]
            self.add("art9.standard", basis, [
                _cond("art9.standard_field", PASS if standard["field"] == "central_kitchen" else FAIL,
                      standard["field"], "central_kitchen"),
                _flag("art9.standard_lead_drafter", standard.get("lead_drafter")),
                _cond("art9.standard_implemented", PASS if self.in_year(day) else FAIL, day.isoformat(),
                      [self.event_from.isoformat(), self.event_to.isoformat()]),
                _none_of("art9.standard_not_paid", self.prior_on(basis)),
            ], p["art9_standard_max"], p["art9_standard_max"])

    # Art 10 --------------------------------------------------------------------------------
    def art10(self) -> None:
        p = self.p
        for a in self.f.approvals:
            kind, basis = a["kind"], f"approval:{a['id']}"
            once = _none_of("art10.once_per_approval", self.prior_on(basis))
            in_year = (PASS if self.in_year(a["date"]) else FAIL, a["date"].isoformat(),
                       [self.event_from.isoformat(), self.event_to.isoformat()])
            if kind in DRUG_KINDS:
                clause, cap_name = DRUG_KINDS[kind]
                conditions = [
                    _cond("art10.drug_in_year", *in_year),
                    _flag("art10.drug_first_time", a.get("first_time")),
                    _flag("art10.drug_production_license", a.get("production_license")),
                    _flag("art10.drug_industrialized", a.get("industrialized")),
                ]
                amount, cap = p[cap_name], p[cap_name]
            elif kind == "tcm_classical_formula":
                clause = "art10.tcm_classical"
                conditions = [_cond("art10.tcm_in_year", *in_year), _flag("art10.tcm_first_time", a.get("first_time"))]
                amount = cap = p["art10_tcm_classical_max"]
            elif kind == "class3_device":
                clause = "art10.class3_device"
                conditions = [_cond("art10.class3_in_year", *in_year), _flag("art10.class3_first_time", a.get("first_time"))]
                amount = cap = p["art10_class3_device_max"]
            elif kind == "class2_device":
                clause = "art10.class2_device"
                flags = [a.get("ai"), a.get("emergency")]
                either = PASS if True in flags else (UNKNOWN if None in flags else FAIL)
                conditions = [
                    _cond("art10.class2_in_year", *in_year),
                    _flag("art10.class2_first_time", a.get("first_time")),
                    _cond("art10.class2_ai_or_emergency", either, {"ai": flags[0], "emergency": flags[1]}, True),
                ]
                amount = cap = p["art10_class2_device_max"]
            elif kind == "vet_drug":
                clause = "art10.vet_drug"
                vet_class = a.get("vet_class")
                if vet_class is None:
                    conditions = [_cond("art10.vet_class", UNKNOWN, None, [1, 3])]
                    amount, cap = None, p["art10_vet_class1_amount"]
                else:
                    ok = vet_class in VET_AMOUNTS
                    conditions = [_cond("art10.vet_class", PASS if ok else FAIL, vet_class, [1, 3])]
                    amount = p[VET_AMOUNTS[vet_class]] if ok else None
                    cap = amount if amount is not None else p["art10_vet_class1_amount"]
                conditions.append(_cond("art10.vet_in_year", *in_year))
            else:
                continue
            conditions.append(once)
            self.add(clause, basis, conditions, amount, cap)

    # Art 11 (I-art11-rd-basis) ---------------------------------------------------------------
    def art11(self) -> None:
        f, p, y = self.f, self.p, self.f.year
        class3 = [a for a in f.approvals if a["kind"] == "class3_device" and a["date"] <= f.declared]
        touched = any(a["kind"] == "class3_device" for a in f.approvals) or f.enterprise.get("leading_recognized") is True
        if not touched:
            return
        certificates = sorted(a["id"] for a in class3 if a.get("global_first") is True)
        open_ones = sorted(a["id"] for a in class3 if a.get("global_first") is None)
        if certificates:
            certificate = _cond("art11.global_first_certificate", PASS, certificates[0], f.declared.isoformat())
        elif open_ones:
            certificate = _cond("art11.global_first_certificate", UNKNOWN, None, f.declared.isoformat())
        else:
            certificate = _cond("art11.global_first_certificate", FAIL, 0, f.declared.isoformat())
        threshold = p["art11_rd_threshold"]
        self.add("art11.leading_enterprise", f"rd:{y}", [
            _flag("art11.leading_recognized", f.enterprise.get("leading_recognized")),
            certificate,
            _threshold("art11.rd_pinggu_y_minus_1", f.rd_pinggu.get(y - 1), threshold, strict=True),
            _threshold("art11.rd_pinggu_y", f.rd_pinggu.get(y), threshold, strict=True),
            _none_of("art11.no_prior_award", self.prior_of("art11.leading_enterprise")),
        ], p["art11_max"], p["art11_max"], payer="district+locality")

    # Art 13 --------------------------------------------------------------------------------
    def art13(self) -> None:
        p, y = self.p, self.f.year
        for project in self.f.projects:
            basis = f"investment:{project['id']}"
            commissioned = project["commissioned_date"]
            if commissioned is None:
                started = _cond("art13.commissioned", UNKNOWN, None, y)
            else:
                started = _cond("art13.commissioned", PASS if commissioned.year <= y else FAIL, commissioned.isoformat(), y)
            investment = project["fixed_asset_investment"]
            excluded = ("industrial_real_estate", "data_center")
            self.add("art13.synbio_project", basis, [
                _cond("art13.field", PASS if project["field"] == "synthetic_biology" else FAIL, project["field"],
                      "synthetic_biology"),
                _flag("art13.tech_transfer", project.get("tech_transfer")),
                _flag("art13.in_pinggu", project.get("in_pinggu")),
                _cond("art13.project_kind", FAIL if project["kind"] in excluded else PASS, project["kind"], list(excluded)),
                _threshold("art13.investment_5m", investment, p["art13_investment_min"], strict=False),
                started,
                _threshold("art13.output_20m", project["output"].get(y), p["art13_output_min"], strict=False),
                _none_of("art13.not_paid", self.prior_on(basis)),
            ], min(int(investment * p["art13_rate"]), p["art13_cap"]), p["art13_cap"])

    # Statuses (SPEC §5) and the selection (SPEC §4.2) -----------------------------------------
    def run(self) -> dict[str, Any]:
        f, p = self.f, self.p
        gates = self.gates()
        self.art3()
        self.art4()
        self.art5()
        self.ratings()
        self.art9_12()
        self.art9_standards()
        self.art10()
        self.art11()
        self.art13()

        not_applicable = any(g["status"] == FAIL and g["effect"] == "not_applicable" for g in gates)
        barred = any(g["status"] == FAIL and g["effect"] == "barred" for g in gates)
        gate_unknown = any(g["status"] == UNKNOWN for g in gates)
        received = {s["basis"] for s in f.other if s["status"] == "received"}
        prior_bases = {a["basis"] for a in f.prior}
        candidates: list[tuple[tuple[Any, ...], set[str], int, dict[str, Any] | None]] = []
        for clause in self.clauses:
            statuses = {c["status"] for c in clause["conditions"]}
            amount = clause.pop("amount_fen")
            payable = None if amount is None else self.rounded(amount)
            clause["amount_yuan"] = None if payable is None else yuan(payable)
            if not_applicable:
                status = "not_applicable"
            elif barred:
                status = "barred"
            elif FAIL in statuses:
                status = "ineligible"
            elif UNKNOWN in statuses or gate_unknown:
                status = "undetermined"
            # Art 18 不能重复享受: support another Pinggu policy paid on the basis, or an award these
            # measures already paid on it (rating families excepted: they pay the difference, §3.1).
            elif any(b in received or (b in prior_bases and not b.startswith("rating:")) for b in clause["bases"]):
                status = "blocked"
            elif payable is None or payable < p["art17_minimum"]:
                status = "below_minimum"
            else:
                status = "candidate"
                candidates.append(((1, clause["clause"], clause["subject"]), set(clause["bases"]), payable, clause))
            clause["status"] = status
        for index, support in enumerate(f.other):
            if support["status"] == "eligible" and support["amount"] > 0:
                candidates.append(((0, index), {support["basis"]}, support["amount"], None))

        chosen = _most_favourable(candidates)
        for key, _bases, _amount, entry in candidates:
            if entry is not None:
                entry["status"] = "granted" if key in chosen else "superseded"
        awards = [
            {"clause": c["clause"], "basis": c["bases"][0], "bases": c["bases"], "amount_yuan": c["amount_yuan"],
             "payer": c["payer"]}
            for c in self.clauses if c["status"] == "granted"
        ]
        awards.sort(key=lambda a: (a["clause"], a["basis"]))
        total = sum(fen(a["amount_yuan"]) for a in awards)
        return {
            "schema": "pure-python-eval/1",
            "support_year": f.year,
            "awards": awards,
            "total_yuan": yuan(total),
            "clauses": sorted(self.clauses, key=lambda c: (c["clause"], c["subject"])),
            "gates": gates,
            "other_support_chosen": sorted(key[1] for key in chosen if key[0] == 0),
        }


def _most_favourable(candidates: list[tuple[tuple[Any, ...], set[str], int, dict[str, Any] | None]]) -> set[tuple[Any, ...]]:
    """Art 18 从优不重复: the non-conflicting set with the largest benefit, then the most paid by this
    measure, then (for a fixed answer) preferring candidates earlier in a fixed order. Brute force
    over each group of candidates that share bases, since the groups do not interact."""
    # Group the candidates that share a basis, directly or through others (union-find).
    parent = list(range(len(candidates)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for i, (_key, bases, _amount, _clause) in enumerate(candidates):
        for basis in bases:
            if basis in owner:
                parent[root(i)] = root(owner[basis])
            else:
                owner[basis] = i
    groups: dict[int, list[int]] = {}
    for i in range(len(candidates)):
        groups.setdefault(root(i), []).append(i)
    chosen: set[tuple[Any, ...]] = set()
    for group in groups.values():
        members = sorted(group, key=lambda i: candidates[i][0])
        best: tuple[int, int, list[bool]] | None = None
        best_set: tuple[int, ...] = ()
        for size in range(len(members) + 1):
            for subset in itertools.combinations(members, size):
                claimed: list[str] = [b for i in subset for b in candidates[i][1]]
                if len(claimed) != len(set(claimed)):
                    continue
                benefit = sum(candidates[i][2] for i in subset)
                measure = sum(candidates[i][2] for i in subset if candidates[i][3] is not None)
                order = [i in subset for i in members]
                score = (benefit, measure, order)
                if best is None or score > best:
                    best, best_set = score, subset
        chosen.update(candidates[i][0] for i in best_set)
    return chosen


# Read the shipped parameters at import, so that no call to evaluate pays for the YAML parse.
_parameter_file(str(PARAMETERS_FILE))


def evaluate(declaration: dict[str, Any], *, parameters: str | Path | None = None) -> dict[str, Any]:
    """Decide one valid pinggu-declaration/1 (as a dict) under the default readings; no side effects.

    `parameters` is a parameters file in the format of asp_rules/parameters.yaml (a reform), read
    once and cached; by default the shipped one.
    """
    return _Evaluation(declaration, str(PARAMETERS_FILE if parameters is None else parameters)).run()

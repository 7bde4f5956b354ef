"""第十条 支持医药健康产业发展: drug, TCM, device and veterinary-drug approvals.

One entry per declared approval of a kind the article names, on basis approval:<id>.
Each kind is granted when every condition passes, fails one condition at a time,
and is undetermined when an optional flag is missing. The approval must count
for the support year (dated in Y and inside the validity window, which opens on
2025-08-29), and each approval is paid once.
Expected conclusion: every kind pays its cap ("不超过", up to) or, for vet drugs,
the fixed sum of its class. The boundaries (window, support year), once per approval, each flag
false and the ai-or-emergency table are cases in tests/cases/art10.yaml; what stays here is what a
case cannot state (up to, caps, the missing field named, notes, observed values, sources).
"""

from __future__ import annotations

from typing import Any

import pytest

from support import baseline, clause, condition, decide, statuses

IN_WINDOW = "2025-09-15"

# kind -> (clause id, the flags that make it pass, its amount, the conditions it has)
KINDS: dict[str, tuple[str, dict[str, Any], int, set[str]]] = {
    "innovative_drug": (
        "art10.innovative_drug",
        {"first_time": True, "production_license": True, "industrialized": True},
        3_000_000,
        {"art10.drug_in_year", "art10.drug_first_time", "art10.drug_production_license",
         "art10.drug_industrialized", "art10.once_per_approval"},
    ),
    "improved_drug": (
        "art10.improved_drug",
        {"first_time": True, "production_license": True, "industrialized": True},
        2_000_000,
        {"art10.drug_in_year", "art10.drug_first_time", "art10.drug_production_license",
         "art10.drug_industrialized", "art10.once_per_approval"},
    ),
    "generic_drug": (
        "art10.generic_drug",
        {"first_time": True, "production_license": True, "industrialized": True},
        1_000_000,
        {"art10.drug_in_year", "art10.drug_first_time", "art10.drug_production_license",
         "art10.drug_industrialized", "art10.once_per_approval"},
    ),
    "tcm_classical_formula": (
        "art10.tcm_classical",
        {"first_time": True},
        200_000,
        {"art10.tcm_in_year", "art10.tcm_first_time", "art10.once_per_approval"},
    ),
    "class3_device": (
        "art10.class3_device",
        {"first_time": True},
        3_000_000,
        {"art10.class3_in_year", "art10.class3_first_time", "art10.once_per_approval"},
    ),
    "class2_device": (
        "art10.class2_device",
        {"first_time": True, "ai": True},
        1_000_000,
        {"art10.class2_in_year", "art10.class2_first_time", "art10.class2_ai_or_emergency",
         "art10.once_per_approval"},
    ),
    "vet_drug": (
        "art10.vet_drug",
        {"vet_class": 1},
        1_500_000,
        {"art10.vet_in_year", "art10.vet_class", "art10.once_per_approval"},
    ),
}

# (kind, flag, the condition that flag decides)
FLAG_CONDITIONS = [
    ("innovative_drug", "first_time", "art10.drug_first_time"),
    ("innovative_drug", "production_license", "art10.drug_production_license"),
    ("innovative_drug", "industrialized", "art10.drug_industrialized"),
    ("improved_drug", "first_time", "art10.drug_first_time"),
    ("improved_drug", "production_license", "art10.drug_production_license"),
    ("improved_drug", "industrialized", "art10.drug_industrialized"),
    ("generic_drug", "first_time", "art10.drug_first_time"),
    ("generic_drug", "production_license", "art10.drug_production_license"),
    ("generic_drug", "industrialized", "art10.drug_industrialized"),
    ("tcm_classical_formula", "first_time", "art10.tcm_first_time"),
    ("class3_device", "first_time", "art10.class3_first_time"),
    ("class2_device", "first_time", "art10.class2_first_time"),
]

IN_YEAR_CONDITION = {kind: next(c for c in conds if c.endswith("_in_year")) for kind, (_, _, _, conds) in KINDS.items()}


def approval(kind: str, date: str = IN_WINDOW, aid: str = "a-1", **overrides: Any) -> dict[str, Any]:
    """An approval of kind that passes every condition, with overrides (None removes a flag)."""
    item: dict[str, Any] = {"id": aid, "kind": kind, "date": date, **KINDS[kind][1]}
    for name, value in overrides.items():
        if value is None:
            item.pop(name, None)
        else:
            item[name] = value
    return item


def decide_one(kind: str, interpretations: tuple[str, ...] = (), prior_awards: list[dict[str, Any]] | None = None,
               **overrides: Any) -> dict[str, Any]:
    data = baseline(approvals=[approval(kind, **overrides)], prior_awards=prior_awards or [])
    return clause(decide(data, interpretations), KINDS[kind][0], "approval:a-1")


# --- granted ------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(k for k in KINDS if k != "vet_drug"))
def test_capped_kinds_pay_up_to(kind: str) -> None:
    """"不超过 X": reviewers may grant less, so the result says up to, and the cap is the amount."""
    entry = decide_one(kind)
    assert entry["up_to"] is True
    assert entry["cap_yuan"] == KINDS[kind][2]


def test_vet_drug_is_a_fixed_sum_not_up_to() -> None:
    """"分别一次性给予150万元、100万元、50万元" names the sum: no ceiling."""
    entry = decide_one("vet_drug")
    assert entry["status"] == "granted"
    assert entry["up_to"] is False


@pytest.mark.parametrize("vet_class,amount", [(1, 1_500_000), (2, 1_000_000), (3, 500_000)])
def test_vet_class_selects_the_sum(vet_class: int, amount: int) -> None:
    """一、二、三类新兽药 pay 150万, 100万 and 50万 respectively."""
    entry = decide_one("vet_drug", vet_class=vet_class)
    assert entry["status"] == "granted"
    assert entry["amount_yuan"] == amount
    # The cap shown is the sum this class can be paid, not the clause's largest.
    assert entry["cap_yuan"] == amount
    assert condition(entry, "art10.vet_class")["observed"] == vet_class


def test_vet_drug_needs_no_first_time() -> None:
    """The vet sentence says "获得", not "首次取得": a vet drug with first_time false is still granted."""
    entry = decide_one("vet_drug", first_time=False)
    assert entry["status"] == "granted"
    assert not any("first_time" in c["id"] for c in entry["conditions"])


def test_vet_class_missing_is_undetermined() -> None:
    """Without vet_class the sum cannot be known: undetermined, naming the missing field."""
    entry = decide_one("vet_drug", vet_class=None)
    assert entry["status"] == "undetermined"
    cond = condition(entry, "art10.vet_class")
    assert cond["status"] == "unknown"
    assert cond["missing"] == "approvals[a-1].vet_class"


# --- one condition at a time ---------------------------------------------------


@pytest.mark.parametrize("kind,flag,cond_id", FLAG_CONDITIONS)
def test_flag_missing_is_undetermined(kind: str, flag: str, cond_id: str) -> None:
    """One required flag left out makes that condition unknown, never false."""
    entry = decide_one(kind, **{flag: None})
    assert entry["status"] == "undetermined"
    assert {c for c, s in statuses(entry).items() if s != "pass"} == {cond_id}
    assert condition(entry, cond_id)["missing"] == f"approvals[a-1].{flag}"


# --- class II devices: ai or emergency ----------------------------------------


def test_class2_unknown_names_a_missing_flag() -> None:
    """ai false and emergency not declared: the explanation names approvals[a-1].emergency."""
    entry = decide_one("class2_device", ai=False)
    cond = condition(entry, "art10.class2_ai_or_emergency")
    assert cond["missing"] == "approvals[a-1].emergency"


# --- once per approval -----------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_prior_award_on_the_same_approval_is_ineligible(kind: str) -> None:
    """"一次性": an award already paid on approval:a-1 ends the clause for it."""
    prior = [{"clause": KINDS[kind][0], "basis": "approval:a-1", "year": 2025, "amount": 100_000}]
    entry = decide_one(kind, prior_awards=prior)
    assert entry["status"] == "ineligible"
    cond = condition(entry, "art10.once_per_approval")
    assert cond["status"] == "fail"
    assert cond["observed"] == {"prior_award": 0}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_outside_window_and_prior_award_each_fail_alone(kind: str) -> None:
    """One condition at a time: the in-year test and once-per-approval each fail with everything else passing."""
    entry = decide_one(kind, date="2025-08-28")
    assert {c for c, s in statuses(entry).items() if s != "pass"} == {IN_YEAR_CONDITION[kind]}
    assert condition(entry, IN_YEAR_CONDITION[kind])["notes"] == ["outside_validity_window(20250828)"]
    prior = [{"clause": KINDS[kind][0], "basis": "approval:a-1", "year": 2024, "amount": 100_000}]
    entry = decide_one(kind, prior_awards=prior)
    assert {c for c, s in statuses(entry).items() if s != "pass"} == {"art10.once_per_approval"}


# --- every condition names the declared field it read -----------------------------


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_condition_names_its_source_field(kind: str) -> None:
    """Auditors can trace each condition to a declared field (SPEC §5): none is left without one."""
    entry = decide_one(kind)
    sources = {c["id"]: c["source_field"] for c in entry["conditions"]}
    assert all(sources.values()), sources
    assert sources[IN_YEAR_CONDITION[kind]] == "approvals[a-1].date"
    assert sources["art10.once_per_approval"] == "prior_awards"


def test_sources_of_vet_class_and_class2_kind() -> None:
    """vet_class reads approvals[<id>].vet_class; ai-or-emergency names the true flag, or the approval when none is."""
    assert condition(decide_one("vet_drug", vet_class=2), "art10.vet_class")["source_field"] == "approvals[a-1].vet_class"
    cond = condition(decide_one("class2_device", ai=None, emergency=True), "art10.class2_ai_or_emergency")
    assert cond["source_field"] == "approvals[a-1].emergency"
    cond = condition(decide_one("class2_device", ai=False, emergency=False), "art10.class2_ai_or_emergency")
    assert cond["source_field"] == "approvals[a-1]"


def test_prior_award_source_names_the_award() -> None:
    """A failed once-per-approval names the prior award it found."""
    prior = [{"clause": "art10.class3_device", "basis": "approval:a-1", "year": 2024, "amount": 3_000_000}]
    cond = condition(decide_one("class3_device", prior_awards=prior), "art10.once_per_approval")
    assert cond["source_field"] == "prior_awards[0]"

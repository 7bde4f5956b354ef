"""第十条 支持医药健康产业发展: drug, TCM, device and veterinary-drug approvals.

One entry per declared approval of a kind the article names, on basis approval:<id>.
Each kind is granted when every condition passes, fails one condition at a time,
and is undetermined when an optional flag is missing. The approval must count
for the support year (dated in Y and inside the validity window, which opens on
2025-08-29), and each approval is paid once.
Expected conclusion: every kind pays its cap ("不超过", up to) or, for vet drugs,
the fixed sum of its class.
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


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_granted_when_every_condition_passes(kind: str) -> None:
    """Each kind with all its conditions met is granted its cap (vet drugs: the class-1 sum)."""
    cid, _, amount, conds = KINDS[kind]
    data = baseline(approvals=[approval(kind)])
    result = decide(data)
    entry = clause(result, cid, "approval:a-1")
    assert entry["status"] == "granted"
    assert entry["amount_yuan"] == amount
    assert entry["basis"] == "approval:a-1" and entry["bases"] == ["approval:a-1"]
    assert entry["payer"] == "district"
    assert set(statuses(entry)) == conds
    assert set(statuses(entry).values()) == {"pass"}
    assert result["total_yuan"] == amount
    assert result["totals_by_article"] == {"10": amount}


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
def test_flag_false_is_ineligible(kind: str, flag: str, cond_id: str) -> None:
    """One required flag declared false fails exactly that condition."""
    entry = decide_one(kind, **{flag: False})
    assert entry["status"] == "ineligible"
    failed = {c for c, s in statuses(entry).items() if s == "fail"}
    assert failed == {cond_id}


@pytest.mark.parametrize("kind,flag,cond_id", FLAG_CONDITIONS)
def test_flag_missing_is_undetermined(kind: str, flag: str, cond_id: str) -> None:
    """One required flag left out makes that condition unknown, never false."""
    entry = decide_one(kind, **{flag: None})
    assert entry["status"] == "undetermined"
    assert {c for c, s in statuses(entry).items() if s != "pass"} == {cond_id}
    assert condition(entry, cond_id)["missing"] == f"approvals[a-1].{flag}"


# --- class II devices: ai or emergency ----------------------------------------


@pytest.mark.parametrize(
    "ai,emergency,status",
    [
        (True, None, "pass"),  # ai alone suffices
        (None, True, "pass"),  # emergency alone suffices
        (False, True, "pass"),
        (True, False, "pass"),
        (False, False, "fail"),  # neither kind: ineligible
        (False, None, "unknown"),  # one is false, the other not declared
        (None, False, "unknown"),
        (None, None, "unknown"),
    ],
)
def test_class2_ai_or_emergency(ai: bool | None, emergency: bool | None, status: str) -> None:
    """"人工智能医疗器械或应急审批医疗器械": pass if either is true, fail if both false, else unknown."""
    entry = decide_one("class2_device", ai=ai, emergency=emergency)
    assert condition(entry, "art10.class2_ai_or_emergency")["status"] == status
    assert entry["status"] == {"pass": "granted", "fail": "ineligible", "unknown": "undetermined"}[status]


def test_class2_unknown_names_a_missing_flag() -> None:
    """ai false and emergency not declared: the explanation names approvals[a-1].emergency."""
    entry = decide_one("class2_device", ai=False)
    cond = condition(entry, "art10.class2_ai_or_emergency")
    assert cond["missing"] == "approvals[a-1].emergency"


# --- the approval counts for the support year ------------------------------------


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_dated_2025_08_28_is_outside_the_window(kind: str) -> None:
    """The measures apply from 2025-08-29; an approval of the day before does not count for 2025."""
    entry = decide_one(kind, date="2025-08-28")
    assert entry["status"] == "ineligible"
    cond = condition(entry, IN_YEAR_CONDITION[kind])
    assert cond["status"] == "fail"
    assert cond["observed"] == "2025-08-28"


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_dated_2025_08_29_is_inside_the_window(kind: str) -> None:
    """The first day of the window counts (inclusive)."""
    entry = decide_one(kind, date="2025-08-29")
    assert entry["status"] == "granted"
    assert condition(entry, IN_YEAR_CONDITION[kind])["status"] == "pass"


def test_dated_before_window_counts_under_events_whole_year() -> None:
    """Under I-events-whole-year any date in 2025 counts, so 2025-08-28 is granted."""
    entry = decide_one("class3_device", interpretations=("I-events-whole-year",), date="2025-08-28")
    assert entry["status"] == "granted"


def test_dated_in_the_next_year_does_not_count_for_this_one() -> None:
    """An approval of 2026-01-05 is a one-off event of 2026, not of support year 2025."""
    entry = decide_one("innovative_drug", date="2026-01-05")
    assert entry["status"] == "ineligible"
    assert condition(entry, "art10.drug_in_year")["status"] == "fail"


def test_approval_of_an_earlier_year_is_listed_but_ineligible() -> None:
    """Every declared approval is listed (SPEC §5), whatever its date; an old one fails the year test."""
    entry = decide_one("tcm_classical_formula", date="2020-03-01")
    assert entry["status"] == "ineligible"


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


def test_prior_award_of_another_clause_on_the_approval_also_counts() -> None:
    """Once per approval whatever the clause: an earlier Art 11 award resting on approval:a-1 ends it."""
    prior = [{"clause": "art11.leading_enterprise", "basis": "approval:a-1", "year": 2025, "amount": 10_000_000}]
    entry = decide_one("class3_device", prior_awards=prior)
    assert condition(entry, "art10.once_per_approval")["status"] == "fail"


def test_prior_award_on_another_approval_does_not_count() -> None:
    """An award on approval:a-9 says nothing about approval:a-1."""
    prior = [{"clause": "art10.class3_device", "basis": "approval:a-9", "year": 2025, "amount": 3_000_000}]
    entry = decide_one("class3_device", prior_awards=prior)
    assert entry["status"] == "granted"


# --- several approvals ----------------------------------------------------------


def test_each_approval_is_its_own_entry_and_award() -> None:
    """"每个批件": two innovative drugs and a vet drug make three awards that do not conflict."""
    data = baseline(
        approvals=[
            approval("innovative_drug", aid="d-1"),
            approval("innovative_drug", aid="d-2", date="2025-12-01"),
            approval("vet_drug", aid="v-1", vet_class=3),
        ]
    )
    result = decide(data)
    assert clause(result, "art10.innovative_drug", "approval:d-1")["status"] == "granted"
    assert clause(result, "art10.innovative_drug", "approval:d-2")["status"] == "granted"
    assert clause(result, "art10.vet_drug", "approval:v-1")["amount_yuan"] == 500_000
    assert result["total_yuan"] == 6_500_000
    assert result["totals_by_payer"] == {"district": 6_500_000}


def test_no_approvals_lists_no_art10_clause() -> None:
    """Art 10 is listed only per declared approval."""
    result = decide(baseline())
    assert not [c for c in result["clauses"] if c["article"] == 10]


# --- the year boundary, one condition at a time -------------------------------------


@pytest.mark.parametrize("date,status", [("2025-12-31", "granted"), ("2026-01-01", "ineligible")])
def test_year_boundary_of_the_support_year(date: str, status: str) -> None:
    """Dated 2025-12-31 counts for 2025; 2026-01-01 is an event of 2026 and fails only the in-year condition."""
    for kind in sorted(KINDS):
        entry = decide_one(kind, date=date)
        assert entry["status"] == status, kind
        failing = {c for c, s in statuses(entry).items() if s != "pass"}
        assert failing == (set() if status == "granted" else {IN_YEAR_CONDITION[kind]}), kind


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_outside_window_and_prior_award_each_fail_alone(kind: str) -> None:
    """One condition at a time: the in-year test and once-per-approval each fail with everything else passing."""
    entry = decide_one(kind, date="2025-08-28")
    assert {c for c, s in statuses(entry).items() if s != "pass"} == {IN_YEAR_CONDITION[kind]}
    assert condition(entry, IN_YEAR_CONDITION[kind])["notes"] == ["outside_validity_window(20250828)"]
    prior = [{"clause": KINDS[kind][0], "basis": "approval:a-1", "year": 2024, "amount": 100_000}]
    entry = decide_one(kind, prior_awards=prior)
    assert {c for c, s in statuses(entry).items() if s != "pass"} == {"art10.once_per_approval"}


def test_class2_neither_ai_nor_emergency_fails_alone() -> None:
    """"人工智能医疗器械或应急审批医疗器械": both false fails that condition and nothing else."""
    entry = decide_one("class2_device", ai=False, emergency=False)
    assert entry["status"] == "ineligible"
    assert {c for c, s in statuses(entry).items() if s != "pass"} == {"art10.class2_ai_or_emergency"}


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

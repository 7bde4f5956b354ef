"""Gates on every clause (SPEC §2): 第二条 (registered, operating, manufacturing, strategic fit),
第十六条 (stable, related output, credit, no penalty in 近3年), 第十五条 (3-year fraud ban).

A failed gate makes every clause `barred` while the clauses' own conditions are still
reported. Date arithmetic: "D − 3 years" is the same calendar day, 29 Feb -> 28 Feb;
a penalty counts when D−3y < d ≤ D, a fraud finding bars when D−3y ≤ d ≤ D.
"""

import pytest

from support import baseline, clause, condition, decide, gate, set_annual, statuses


def eligible():
    """Art 3 granted: 200,000,000 -> 220,000,000 (+10%), amount 100,000."""
    data = baseline()
    set_annual(data, 2024, gross_output=200_000_000)
    set_annual(data, 2025, gross_output=220_000_000)
    return data


def test_baseline_passes_every_gate():
    result = decide(eligible())
    assert {g["id"]: g["status"] for g in result["gates"]} == {
        "A21-declared-in-window": "pass",
        "A21-support-year": "pass",
        "G-credit": "pass",
        "G-manufacturing": "pass",
        "G-no-fraud-ban": "pass",
        "G-no-penalty": "pass",
        "G-operating": "pass",
        "G-registered": "pass",
        "G-related-output": "pass",
        "G-stable": "pass",
        "G-strategic-fit": "pass",
    }
    assert clause(result, "art3.output_growth")["status"] == "granted"


FLAG_GATES = [
    ("G-registered", "registered_in_pinggu", False),
    ("G-operating", "operating_in_pinggu", False),
    ("G-strategic-fit", "strategic_fit", False),
    ("G-stable", "stable_in_beijing", False),
    ("G-related-output", "related_output_abnormal", True),
    ("G-credit", "credit_good", False),
]


@pytest.mark.parametrize("gate_id, field, bad", FLAG_GATES, ids=[g[0] for g in FLAG_GATES])
def test_flag_gate_fails_and_bars_every_clause(gate_id, field, bad):
    data = eligible()
    data["enterprise"][field] = bad
    result = decide(data)
    assert gate(result, gate_id)["status"] == "fail"
    assert gate(result, gate_id)["effect"] == "barred"
    others = [g for g in result["gates"] if g["id"] != gate_id]
    assert all(g["status"] == "pass" for g in others)
    assert {c["status"] for c in result["clauses"]} == {"barred"}
    assert result["awards"] == [] and result["total_yuan"] == 0
    # The clause's own conditions are still evaluated and reported.
    assert statuses(clause(result, "art3.output_growth")) == {"art3.growth": "pass"}


@pytest.mark.parametrize(
    "code, finding, expected",
    [
        pytest.param("C3670", None, "pass", id="C3670-section-C-passes"),
        pytest.param("3670", None, "pass", id="3670-bare-digits-division-36-passes"),
        pytest.param("H6241", None, "fail", id="H6241-catering-fails"),
        pytest.param("H6241", True, "pass", id="H6241-with-reviewers-finding-true-passes"),
        pytest.param("C3670", False, "fail", id="C3670-with-reviewers-finding-false-fails"),
        pytest.param("1200", None, "fail", id="division-12-mining-fails"),
        pytest.param("B1200", None, "fail", id="B1200-fails"),
        pytest.param("1310", None, "pass", id="division-13-first-of-section-C-passes"),
        pytest.param("C1310", None, "pass", id="C1310-passes"),
        pytest.param("C4320", None, "pass", id="division-43-last-of-section-C-passes"),
        pytest.param("4320", None, "pass", id="4320-passes"),
        pytest.param("4411", None, "fail", id="division-44-electricity-fails"),
        pytest.param("D4411", None, "fail", id="D4411-fails"),
    ],
)
def test_manufacturing_gate(code, finding, expected):
    data = eligible()
    data["enterprise"]["industry_code"] = code
    if finding is not None:
        data["enterprise"]["manufacturing_finding"] = finding
    result = decide(data)
    assert gate(result, "G-manufacturing")["status"] == expected
    status = clause(result, "art3.output_growth")["status"]
    assert status == ("granted" if expected == "pass" else "barred")


# --- 第十六条 近3年: D − 3 years < d ≤ D, for D = 2026-04-10 -------------------------


@pytest.mark.parametrize(
    "day, counts",
    [
        pytest.param("2023-04-10", False, id="2023-04-10-exactly-3-years-is-outside"),
        pytest.param("2023-04-11", True, id="2023-04-11-is-inside"),
        pytest.param("2026-04-10", True, id="on-the-declaration-date-counts"),
        pytest.param("2026-04-11", False, id="after-the-declaration-date-is-ignored"),
        pytest.param("2021-06-30", False, id="long-ago-is-ignored"),
    ],
)
@pytest.mark.parametrize("kind", ["major_administrative", "criminal"])
def test_penalty_window(day, counts, kind):
    data = eligible()
    data["penalties"] = [{"date": day, "kind": kind, "note": "x"}]
    result = decide(data)
    g = gate(result, "G-no-penalty")
    assert g["status"] == ("fail" if counts else "pass")
    assert g["required"] == ["2023-04-10", "2026-04-10"]
    assert clause(result, "art3.output_growth")["status"] == ("barred" if counts else "granted")
    if counts:
        assert g["evidence"]


# --- 第十五条 自发现之日起3年内: D − 3 years ≤ d ≤ D -------------------------------------


@pytest.mark.parametrize(
    "day, bars",
    [
        pytest.param("2023-04-09", False, id="2023-04-09-ban-over"),
        pytest.param("2023-04-10", True, id="2023-04-10-last-day-of-ban-bars"),
        pytest.param("2026-04-10", True, id="found-on-the-declaration-date-bars"),
        pytest.param("2026-04-11", False, id="after-the-declaration-date-is-ignored"),
    ],
)
def test_fraud_ban_window(day, bars):
    data = eligible()
    data["fraud_findings"] = [{"date": day}]
    result = decide(data)
    assert gate(result, "G-no-fraud-ban")["status"] == ("fail" if bars else "pass")
    assert clause(result, "art3.output_growth")["status"] == ("barred" if bars else "granted")


# --- 29 February ---------------------------------------------------------------------


def feb29(**extra):
    """D = 2028-02-29 (outside the window, so not_applicable), D − 3 years = 2025-02-28."""
    data = eligible()
    data["declaration_date"] = "2028-02-29"
    data.update(extra)
    return data


@pytest.mark.parametrize(
    "day, bars",
    [
        pytest.param("2025-02-27", False, id="2025-02-27-ban-over"),
        # Found 2025-02-28: the ban's last day is its third anniversary, 2028-02-28
        # (《民法典》第二百零二条 到期月的对应日为期间的最后一日), the day before D. The
        # formula "D − 3 years ≤ d" alone (D − 3 years = 2025-02-28) would still bar it.
        pytest.param("2025-02-28", False, id="2025-02-28-ban-ended-on-2028-02-28"),
        pytest.param("2025-03-01", True, id="2025-03-01-bars-until-2028-03-01"),
    ],
)
def test_feb29_fraud_finding(day, bars):
    result = decide(feb29(fraud_findings=[{"date": day}]))
    assert gate(result, "A21-declared-in-window")["status"] == "fail"
    g = gate(result, "G-no-fraud-ban")
    assert g["status"] == ("fail" if bars else "pass")
    # Discoveries from 2025-03-01 on still bar on 2028-02-29.
    assert g["required"] == ["2025-03-01", "2028-02-29"]
    # Outside the window, not_applicable wins over barred.
    assert {c["status"] for c in result["clauses"]} == {"not_applicable"}


@pytest.mark.parametrize(
    "declared, day, bars",
    [
        # D = 2032-02-29 (leap), D − 4 years = 2028-02-29 (leap): the same day exists.
        pytest.param("2032-02-29", "2028-02-28", False, id="4y-found-2028-02-28-over"),
        pytest.param("2032-02-29", "2028-02-29", True, id="4y-found-2028-02-29-anniversary-is-D"),
    ],
)
def test_fraud_ban_from_feb29_to_feb29(declared, day, bars, tmp_path):
    """With a 4-year ban (a what-if parameter) a 29 February discovery's anniversary is 29 February."""
    import yaml

    from support import REPO

    params = yaml.safe_load((REPO / "asp_rules" / "parameters.yaml").read_text(encoding="utf-8"))
    params["parameters"]["fraud_ban_years"]["values"] = {"2025-08-29": 4}
    path = tmp_path / "parameters.yaml"
    path.write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    data = eligible()
    data["declaration_date"] = declared
    data["fraud_findings"] = [{"date": day}]
    g = gate(decide(data, parameters=path), "G-no-fraud-ban")
    assert g["status"] == ("fail" if bars else "pass")
    assert g["required"] == ["2028-02-29", declared]


@pytest.mark.parametrize(
    "day, counts",
    [
        pytest.param("2025-02-28", False, id="2025-02-28-is-outside"),
        pytest.param("2025-03-01", True, id="2025-03-01-is-inside"),
    ],
)
def test_feb29_penalty(day, counts):
    result = decide(feb29(penalties=[{"date": day, "kind": "criminal"}]))
    assert gate(result, "G-no-penalty")["status"] == ("fail" if counts else "pass")


@pytest.mark.parametrize(
    "declared, bars",
    [
        pytest.param("2027-02-28", True, id="found-2024-02-29-still-barred-2027-02-28"),
        pytest.param("2027-03-01", False, id="found-2024-02-29-free-2027-03-01"),
    ],
)
def test_fraud_found_on_feb29(declared, bars):
    """Found 2024-02-29: the third anniversary has no 29th, so the ban's last day is 2027-02-28 (民法典第二百零一条)."""
    data = eligible()
    data["declaration_date"] = declared
    data["fraud_findings"] = [{"date": "2024-02-29"}]
    result = decide(data)
    assert gate(result, "G-no-fraud-ban")["status"] == ("fail" if bars else "pass")


# --- barred keeps conditions, and Art 15 recovery ---------------------------------------


def test_several_failed_gates_are_each_listed():
    data = eligible()
    data["enterprise"]["credit_good"] = False
    data["fraud_findings"] = [{"date": "2025-01-01"}]
    result = decide(data)
    failed = sorted(g["id"] for g in result["gates"] if g["status"] == "fail")
    assert failed == ["G-credit", "G-no-fraud-ban"]
    entry = clause(result, "art3.output_growth")
    assert entry["status"] == "barred"
    assert condition(entry, "art3.growth")["status"] == "pass"
    assert entry["amount_yuan"] == 100_000  # what the enterprise would have had


def test_barred_clause_reports_failing_conditions_too():
    data = eligible()
    data["enterprise"]["registered_in_pinggu"] = False
    set_annual(data, 2025, gross_output=205_000_000)
    entry = clause(decide(data), "art3.output_growth")
    assert entry["status"] == "barred"
    assert condition(entry, "art3.growth")["status"] == "fail"


PRIOR = [
    {"clause": "art5.first_5m", "basis": "rd:2024", "year": 2024, "amount": 300_000},
    {"clause": "art3.output_growth", "basis": "output:2024", "year": 2024, "amount": 123_000},
]


def recovery(result):
    return [a for a in result["advisories"] if a["kind"] == "recovery_exposure"]


def test_art15_recovery_advisory_lists_every_prior_award():
    data = eligible()
    data["fraud_findings"] = [{"date": "2026-01-05"}]
    data["prior_awards"] = PRIOR
    advisories = recovery(decide(data))
    assert sorted(a["prior_award"] for a in advisories) == [0, 1]
    assert {a["article"] for a in advisories} == {15}
    assert sorted(a["amount_fen"] for a in advisories) == [12_300_000, 30_000_000]


def test_art15_recovery_even_when_the_ban_is_over():
    """追回 has no time limit in the text: an old finding (≤ D) still exposes prior awards."""
    data = eligible()
    data["fraud_findings"] = [{"date": "2020-01-05"}]
    data["prior_awards"] = PRIOR
    result = decide(data)
    assert gate(result, "G-no-fraud-ban")["status"] == "pass"
    assert len(recovery(result)) == 2


def test_no_recovery_for_a_finding_after_d_or_without_prior_awards():
    data = eligible()
    data["fraud_findings"] = [{"date": "2026-05-01"}]
    data["prior_awards"] = PRIOR
    assert recovery(decide(data)) == []
    data = eligible()
    data["fraud_findings"] = [{"date": "2026-01-05"}]
    assert recovery(decide(data)) == []


def test_every_gate_names_its_source_field():
    sources = {g["id"]: g["source_field"] for g in decide(eligible())["gates"]}
    assert sources == {
        "A21-declared-in-window": "declaration_date",
        "A21-support-year": "support_year",
        "G-credit": "enterprise.credit_good",
        "G-manufacturing": "enterprise.industry_code",
        "G-no-fraud-ban": "fraud_findings",
        "G-no-penalty": "penalties",
        "G-operating": "enterprise.operating_in_pinggu",
        "G-registered": "enterprise.registered_in_pinggu",
        "G-related-output": "enterprise.related_output_abnormal",
        "G-stable": "enterprise.stable_in_beijing",
        "G-strategic-fit": "enterprise.strategic_fit",
    }
    data = eligible()
    data["enterprise"]["manufacturing_finding"] = True
    assert gate(decide(data), "G-manufacturing")["source_field"] == "enterprise.manufacturing_finding"

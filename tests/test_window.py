"""第二十一条 本措施自发布之日起施行，有效期 2 年: the window is 2025-08-29 .. 2027-08-28 inclusive
(I-window-end). A declaration dated outside it, or a support year the window does not
reach (not 2025-2027), makes every clause `not_applicable` with Art 21 as the reason.
"""

import pytest

from support import baseline, clause, decide, gate


def eligible(declared="2026-04-10", year=2025):
    data = baseline(declaration_date=declared, support_year=year)
    data["annual"] = [
        {"year": year - 2, "gross_output": 150_000_000, "rd_expense": 1_000_000},
        {"year": year - 1, "gross_output": 200_000_000, "rd_expense": 1_000_000},
        {"year": year, "gross_output": 220_000_000, "rd_expense": 1_000_000},
    ]
    return data


@pytest.mark.parametrize(
    "declared, inside",
    [
        pytest.param("2025-08-28", False, id="2025-08-28-the-day-before-publication-is-outside"),
        pytest.param("2025-08-29", True, id="2025-08-29-publication-day-is-inside"),
        pytest.param("2027-08-28", True, id="2027-08-28-last-day-is-inside"),
        pytest.param("2027-08-29", False, id="2027-08-29-is-outside"),
    ],
)
def test_declaration_date_window(declared, inside):
    result = decide(eligible(declared))
    g = gate(result, "A21-declared-in-window")
    assert g["status"] == ("pass" if inside else "fail")
    assert g["required"] == ["2025-08-29", "2027-08-28"]
    statuses = {c["status"] for c in result["clauses"]}
    if inside:
        assert clause(result, "art3.output_growth")["status"] == "granted"
        assert "not_applicable" not in statuses
    else:
        assert statuses == {"not_applicable"}
        assert result["awards"] == [] and result["total_yuan"] == 0


@pytest.mark.parametrize(
    "year, declared, inside",
    [
        pytest.param(2024, "2026-04-10", False, id="support-year-2024-is-before-the-window"),
        pytest.param(2025, "2026-04-10", True, id="support-year-2025"),
        pytest.param(2026, "2027-03-01", True, id="support-year-2026"),
        pytest.param(2027, "2027-08-28", True, id="support-year-2027"),
        pytest.param(2028, "2027-08-28", False, id="support-year-2028-is-after-the-window"),
    ],
)
def test_support_year(year, declared, inside):
    result = decide(eligible(declared, year))
    assert gate(result, "A21-support-year")["status"] == ("pass" if inside else "fail")
    statuses = {c["status"] for c in result["clauses"]}
    if inside:
        assert "not_applicable" not in statuses
    else:
        assert statuses == {"not_applicable"}


def test_not_applicable_wins_over_barred_and_keeps_conditions():
    data = eligible("2025-08-28")
    data["enterprise"]["credit_good"] = False
    result = decide(data)
    entry = clause(result, "art3.output_growth")
    assert entry["status"] == "not_applicable"
    assert [c["status"] for c in entry["conditions"]] == ["pass"]
    assert gate(result, "G-credit")["status"] == "fail"

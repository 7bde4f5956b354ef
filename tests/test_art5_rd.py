"""第五条 支持企业创新发展: R&D "首次达到 500 万元" pays up to 30万元; R&D growing "连续 2 年…
增长率达 10%以上" with "上年度研发费用达到 500 万元（含）" pays 10% of the increase, at most 100万元.

"达到", "以上" and "（含）" include the number (SPEC §0.2). 上年度 is the support year
(I-prior-year-is-Y). Growth from 0 fails; a missing year is unknown (SPEC §0.6).
"""

import pytest

from support import baseline, clause, condition, decide, set_annual, statuses

FIRST = "art5.first_5m"
GROWTH = "art5.growth"


def rd(r2023, r2024, r2025, **extra):
    data = baseline(**extra)
    for year, value in ((2023, r2023), (2024, r2024), (2025, r2025)):
        set_annual(data, year, rd_expense=value)
    return data


THRESHOLD = [
    pytest.param(4_999_999, "fail", id="one-yuan-below-500万-fails"),
    pytest.param(5_000_000, "pass", id="exactly-500万-passes-达到（含）"),
    pytest.param(5_000_001, "pass", id="one-yuan-above-500万-passes"),
    pytest.param("4999999.99", "fail", id="one-fen-below-fails"),
]


@pytest.mark.parametrize("value, expected", THRESHOLD)
def test_first_5m_threshold(value, expected):
    entry = clause(decide(rd(1_000_000, 2_000_000, value)), FIRST)
    assert condition(entry, "art5.rd_5m")["status"] == expected
    assert condition(entry, "art5.first_time")["status"] == "pass"
    assert entry["status"] == ("granted" if expected == "pass" else "ineligible")


@pytest.mark.parametrize("value, expected", THRESHOLD)
def test_prior_year_rd_threshold(value, expected):
    """3,000,000 -> 4,000,000 -> value: both growths pass, only 上年度 ≥ 500万 decides."""
    entry = clause(decide(rd(3_000_000, 4_000_000, value)), GROWTH)
    assert statuses(entry) == {
        "art5.prior_year_rd_5m": expected,
        "art5.growth_y": "pass",
        "art5.growth_y_minus_1": "pass",
    }


def test_first_5m_granted_300k():
    entry = clause(decide(rd(1_000_000, 2_000_000, 5_000_000)), FIRST)
    assert entry["status"] == "granted"
    assert entry["amount_yuan"] == 300_000
    assert entry["up_to"] is True


@pytest.mark.parametrize(
    "r2024, r2025, y, y_minus_1",
    [
        pytest.param(5_500_000, 6_050_000, "pass", "pass", id="exactly-10%-both-years-passes"),
        pytest.param(5_500_000, 6_049_999, "fail", "pass", id="support-year-one-yuan-under-10%-fails"),
        pytest.param(5_500_000, 6_050_001, "pass", "pass", id="support-year-one-yuan-over-10%-passes"),
        pytest.param(5_499_999, 6_050_000, "pass", "fail", id="previous-year-one-yuan-under-10%-fails"),
        pytest.param(5_500_001, 6_050_002, "pass", "pass", id="previous-year-one-yuan-over-10%-passes"),
    ],
)
def test_growth_10_percent_each_year(r2024, r2025, y, y_minus_1):
    entry = clause(decide(rd(5_000_000, r2024, r2025)), GROWTH)
    assert statuses(entry) == {
        "art5.prior_year_rd_5m": "pass",
        "art5.growth_y": y,
        "art5.growth_y_minus_1": y_minus_1,
    }


def test_growth_exactly_10_percent_granted():
    """5,000,000 -> 5,500,000 -> 6,050,000: 10% x 550,000 = 55,000 (first_5m fails: 2023 reached 500万)."""
    result = decide(rd(5_000_000, 5_500_000, 6_050_000))
    entry = clause(result, GROWTH)
    assert entry["status"] == "granted"
    assert entry["amount_yuan"] == 55_000
    assert condition(clause(result, FIRST), "art5.first_time")["status"] == "fail"


def test_growth_gap_names_what_would_pass():
    entry = clause(decide(rd(5_000_000, 5_500_000, 6_049_999)), GROWTH)
    assert condition(entry, "art5.growth_y")["gap"] == {"passes_at": 6_050_000, "short_by": 1, "passes_at_fen": 605_000_000, "short_by_fen": 100}


@pytest.mark.parametrize(
    "r2024, r2025, amount",
    [
        pytest.param(6_000_000, 16_000_000, 1_000_000, id="10%-of-10,000,000-is-exactly-the-cap"),
        pytest.param(6_000_000, 26_000_000, 1_000_000, id="10%-of-20,000,000-is-capped-at-100万"),
        pytest.param(6_000_000, 15_999_999, 999_000, id="just-under-the-cap-floors-to-1000"),
        pytest.param(6_000_000, 16_000_010, 1_000_000, id="10%-is-1,000,001-one-yuan-over-the-cap"),
        pytest.param(6_000_000, 15_999_990, 999_000, id="10%-is-999,999-one-yuan-under-the-cap"),
    ],
)
def test_growth_cap_1m(r2024, r2025, amount):
    entry = clause(decide(rd(5_000_000, r2024, r2025)), GROWTH)
    assert entry["cap_yuan"] == 1_000_000
    assert entry["amount_yuan"] == amount


def test_growth_from_zero_fails():
    entry = clause(decide(rd(0, 6_000_000, 7_000_000)), GROWTH)
    assert condition(entry, "art5.growth_y_minus_1")["status"] == "fail"
    assert entry["status"] == "ineligible"


def test_growth_missing_base_year_is_unknown():
    data = rd(1, 6_000_000, 7_000_000)
    set_annual(data, 2023, rd_expense=None)
    entry = clause(decide(data), GROWTH)
    assert condition(entry, "art5.growth_y_minus_1")["status"] == "unknown"
    assert condition(entry, "art5.growth_y")["status"] == "pass"
    assert entry["status"] == "undetermined"


# --- 首次 (SPEC §0.7) -------------------------------------------------------------


def test_first_time_fails_when_an_earlier_year_reached_5m():
    entry = clause(decide(rd(1_000_000, 5_000_000, 6_000_000)), FIRST)
    cond = condition(entry, "art5.first_time")
    assert cond["status"] == "fail"
    assert cond["observed"] == {"year": 2024, "yuan": 5_000_000}


def test_first_time_passes_when_earlier_year_one_yuan_short():
    entry = clause(decide(rd(1_000_000, 4_999_999, 6_000_000)), FIRST)
    cond = condition(entry, "art5.first_time")
    assert cond["status"] == "pass"
    assert cond["years_looked_at"] == [2023, 2024]


def test_first_time_fails_with_prior_award():
    data = rd(1_000_000, 2_000_000, 6_000_000)
    data["prior_awards"] = [{"clause": FIRST, "basis": "rd:2021", "year": 2021, "amount": 300_000}]
    entry = clause(decide(data), FIRST)
    assert statuses(entry) == {"art5.rd_5m": "pass", "art5.first_time": "fail"}


def test_first_time_passes_when_commissioned_in_support_year():
    data = rd(1, 1, 6_000_000)
    data["annual"] = [r for r in data["annual"] if r["year"] == 2025]
    data["enterprise"]["commissioned_year"] = 2025
    entry = clause(decide(data), FIRST)
    assert condition(entry, "art5.first_time")["status"] == "pass"
    assert entry["status"] == "granted"


def test_first_time_unknown_without_earlier_years():
    data = rd(1, 1, 6_000_000)
    data["annual"] = [r for r in data["annual"] if r["year"] == 2025]
    entry = clause(decide(data), FIRST)
    assert condition(entry, "art5.first_time")["status"] == "unknown"
    assert entry["status"] == "undetermined"


# --- one condition at a time ---------------------------------------------------


def test_first_5m_one_condition_at_a_time():
    ok = clause(decide(rd(1_000_000, 2_000_000, 6_000_000)), FIRST)
    assert statuses(ok) == {"art5.rd_5m": "pass", "art5.first_time": "pass"}
    low = clause(decide(rd(1_000_000, 2_000_000, 4_999_999)), FIRST)
    assert statuses(low) == {"art5.rd_5m": "fail", "art5.first_time": "pass"}
    again = clause(decide(rd(5_000_000, 2_000_000, 6_000_000)), FIRST)
    assert statuses(again) == {"art5.rd_5m": "pass", "art5.first_time": "fail"}


@pytest.mark.parametrize(
    "values, broken",
    [
        pytest.param((3_000_000, 3_300_000, 3_630_000), "art5.prior_year_rd_5m", id="上年度-below-500万"),
        pytest.param((4_000_000, 5_000_000, 5_400_000), "art5.growth_y", id="support-year-growth-8%"),
        pytest.param((5_000_000, 5_200_000, 6_000_000), "art5.growth_y_minus_1", id="previous-year-growth-4%"),
    ],
)
def test_growth_one_condition_at_a_time(values, broken):
    ok = clause(decide(rd(5_000_000, 5_500_000, 6_050_000)), GROWTH)
    assert set(statuses(ok).values()) == {"pass"}
    entry = clause(decide(rd(*values)), GROWTH)
    expected = {cid: "pass" for cid in statuses(entry)}
    expected[broken] = "fail"
    assert statuses(entry) == expected
    assert entry["status"] == "ineligible"


# --- every condition names the declared field it read ----------------------------


def test_every_condition_names_its_source_field():
    result = decide(rd(5_000_000, 5_500_000, 6_050_000))
    assert {c["id"]: c["source_field"] for c in clause(result, GROWTH)["conditions"]} == {
        "art5.prior_year_rd_5m": "annual[2025].rd_expense",
        "art5.growth_y": "annual[2025].rd_expense",
        "art5.growth_y_minus_1": "annual[2024].rd_expense",
    }
    assert {c["id"]: c["source_field"] for c in clause(result, FIRST)["conditions"]} == {
        "art5.rd_5m": "annual[2025].rd_expense",
        "art5.first_time": "annual[2023].rd_expense",  # the year that reached 500万
    }


def test_first_time_by_commissioning_names_commissioned_year():
    data = rd(1, 1, 6_000_000)
    data["annual"] = [r for r in data["annual"] if r["year"] == 2025]
    data["enterprise"]["commissioned_year"] = 2025
    cond = condition(clause(decide(data), FIRST), "art5.first_time")
    assert cond["status"] == "pass"
    assert cond["source_field"] == "enterprise.commissioned_year"

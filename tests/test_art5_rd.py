"""第五条 支持企业创新发展: R&D "首次达到 500 万元" pays up to 30万元; R&D growing "连续 2 年…
增长率达 10%以上" with "上年度研发费用达到 500 万元（含）" pays 10% of the increase, at most 100万元.

"达到", "以上" and "（含）" include the number (SPEC §0.2). 上年度 is the support year
(I-prior-year-is-Y). Growth from 0 fails; a missing year is unknown (SPEC §0.6). The boundaries,
the cap, 首次 and the one-condition-at-a-time tables are cases in tests/cases/art5.yaml; what stays
here is what a case cannot state (gaps, observed values, the years looked at, sources).
"""


from support import baseline, clause, condition, decide, set_annual

FIRST = "art5.first_5m"
GROWTH = "art5.growth"


def rd(r2023, r2024, r2025, **extra):
    data = baseline(**extra)
    for year, value in ((2023, r2023), (2024, r2024), (2025, r2025)):
        set_annual(data, year, rd_expense=value)
    return data


def test_growth_gap_names_what_would_pass():
    entry = clause(decide(rd(5_000_000, 5_500_000, 6_049_999)), GROWTH)
    assert condition(entry, "art5.growth_y")["gap"] == {"passes_at_yuan_decimal": "6050000.00", "short_by_yuan_decimal": "1.00", "passes_at_fen": 605_000_000, "short_by_fen": 100}


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

"""第四条 鼓励企业达产增产: gross output "首次突破1亿元（含）" pays up to 30万元; a plant newly
commissioned in the year whose output "达到1亿元以上" up to 50万元.

"（含）" and "以上" include the number: 100,000,000 passes, 99,999,999 fails. "首次" is judged on
what is declared (SPEC §0.7): fail when an earlier year reached it or a prior award exists, pass
when earlier years were looked at or the plant was commissioned in Y, unknown otherwise. The
boundaries, the 首次 outcomes and the one-condition-at-a-time tables are cases in tests/cases/art4.yaml;
what stays here is what a case cannot state (gaps, the years looked at, observed values, sources).
"""

import pytest

from support import baseline, clause, condition, decide, set_annual

BREAK = "art4.breakthrough"
NEW = "art4.new_plant"


def decl(cur, prev=90_000_000, **extra):
    data = baseline(**extra)
    set_annual(data, 2024, gross_output=prev)
    set_annual(data, 2025, gross_output=cur)
    return data


def test_one_yuan_below_is_ineligible_with_gap():
    entry = clause(decide(decl(99_999_999)), BREAK)
    assert entry["status"] == "ineligible"
    assert condition(entry, "art4.output_100m")["gap"] == {"passes_at_yuan_decimal": "100000000.00", "short_by_yuan_decimal": "1.00", "passes_at_fen": 10_000_000_000, "short_by_fen": 100}


# --- 首次 (SPEC §0.7) -------------------------------------------------------------


def test_first_time_fails_when_an_earlier_year_reached_it():
    """2024 already had 100,000,000 (inclusive): 2025 is not the first breakthrough."""
    entry = clause(decide(decl(120_000_000, prev=100_000_000)), BREAK)
    cond = condition(entry, "art4.first_time")
    assert cond["status"] == "fail"
    assert cond["observed"]["year"] == 2024
    assert entry["status"] == "ineligible"


def test_first_time_passes_when_the_earlier_year_is_one_yuan_short():
    entry = clause(decide(decl(120_000_000, prev=99_999_999)), BREAK)
    cond = condition(entry, "art4.first_time")
    assert cond["status"] == "pass"
    assert cond["years_looked_at"] == [2023, 2024]


def test_first_time_fails_on_an_earlier_year_further_back():
    data = decl(120_000_000)
    set_annual(data, 2023, gross_output=150_000_000)
    cond = condition(clause(decide(data), BREAK), "art4.first_time")
    assert cond["status"] == "fail"
    assert cond["observed"]["year"] == 2023


def test_first_time_passes_when_commissioned_in_the_support_year_and_no_earlier_year():
    """A plant that started in 2025 has no earlier output: first time passes without earlier years."""
    data = decl(120_000_000)
    data["annual"] = [r for r in data["annual"] if r["year"] == 2025]
    data["enterprise"]["commissioned_year"] = 2025
    result = decide(data)
    cond = condition(clause(result, BREAK), "art4.first_time")
    assert cond["status"] == "pass"
    assert "years_looked_at" not in cond
    assert condition(clause(result, NEW), "art4.first_time")["status"] == "pass"


# --- new plant ------------------------------------------------------------------


def new_plant_decl(**changes):
    """Commissioned in 2025, output 120,000,000, no earlier years: eligible for both clauses."""
    data = decl(120_000_000)
    data["annual"] = [r for r in data["annual"] if r["year"] == 2025]
    data["enterprise"]["commissioned_year"] = 2025
    return data


# --- the eligible declarations the source tests start from ---------------------------------


def eligible_breakthrough():
    """2023 50,000,000, 2024 90,000,000, 2025 120,000,000: every art4.breakthrough condition passes."""
    return decl(120_000_000)


def eligible_new_plant():
    """Earlier years declared below 1亿, commissioned 2025, output 2025 120,000,000."""
    data = decl(120_000_000, prev=0)
    set_annual(data, 2023, gross_output=0)
    data["enterprise"]["commissioned_year"] = 2025
    return data


# --- every condition names the declared field it read ----------------------------


def test_every_condition_names_its_source_field():
    entry = clause(decide(eligible_new_plant()), NEW)
    assert {c["id"]: c["source_field"] for c in entry["conditions"]} == {
        "art4.output_100m": "annual[2025].gross_output",
        "art4.first_time": "annual[].gross_output",
        "art4.no_prior_award": "prior_awards",
        "art4.commissioned_in_year": "enterprise.commissioned_year",
    }


def test_first_time_by_commissioning_names_commissioned_year():
    """首次 passed because the plant started in Y: what was read is enterprise.commissioned_year, not annual[]."""
    result = decide(new_plant_decl())
    for cid in (BREAK, NEW):
        cond = condition(clause(result, cid), "art4.first_time")
        assert cond["observed"] == 2025 and cond["observed_kind"] == "commissioned_in"
        assert cond["source_field"] == "enterprise.commissioned_year"


@pytest.mark.parametrize(
    "change, source",
    [
        pytest.param(lambda d: set_annual(d, 2024, gross_output=100_000_000), "annual[2024].gross_output",
                     id="reached-in-2024"),
        pytest.param(lambda d: d.update(prior_awards=[{"clause": BREAK, "basis": "output:2023", "year": 2023,
                                                       "amount": 300_000}]), "prior_awards[0]", id="prior-award"),
        pytest.param(lambda d: d.update(annual=[r for r in d["annual"] if r["year"] == 2025]),
                     "annual[2024].gross_output (or any earlier year)", id="unknown-no-earlier-year"),
    ],
)
def test_first_time_source_in_each_outcome(change, source):
    data = eligible_breakthrough()
    change(data)
    assert condition(clause(decide(data), BREAK), "art4.first_time")["source_field"] == source

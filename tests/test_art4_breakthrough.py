"""第四条 鼓励企业达产增产: gross output "首次突破1亿元（含）" pays up to 30万元; a plant newly
commissioned in the year whose output "达到1亿元以上" up to 50万元.

"（含）" and "以上" include the number: 100,000,000 passes, 99,999,999 fails. "首次" is judged on
what is declared (SPEC §0.7): fail when an earlier year reached it or a prior award exists, pass
when earlier years were looked at or the plant was commissioned in Y, unknown otherwise.
"""

import pytest

from support import baseline, clause, condition, decide, set_annual, statuses

BREAK = "art4.breakthrough"
NEW = "art4.new_plant"


def decl(cur, prev=90_000_000, **extra):
    data = baseline(**extra)
    set_annual(data, 2024, gross_output=prev)
    set_annual(data, 2025, gross_output=cur)
    return data


@pytest.mark.parametrize(
    "cur, expected",
    [
        pytest.param(99_999_999, "fail", id="one-yuan-below-1亿-fails"),
        pytest.param(100_000_000, "pass", id="exactly-1亿-passes-（含）"),
        pytest.param(100_000_001, "pass", id="one-yuan-above-1亿-passes"),
        pytest.param("99999999.99", "fail", id="one-fen-below-fails"),
    ],
)
def test_output_threshold_100m(cur, expected):
    result = decide(decl(cur))
    for cid in (BREAK, NEW):
        assert condition(clause(result, cid), "art4.output_100m")["status"] == expected


def test_breakthrough_at_exactly_100m_is_granted_300k():
    """90,000,000 -> 100,000,000: Art 4 (30万) beats Art 3 (0.5% x 10,000,000 = 5万) on output:2025."""
    result = decide(decl(100_000_000))
    entry = clause(result, BREAK)
    assert entry["status"] == "granted"
    assert entry["amount_yuan"] == 300_000
    assert entry["up_to"] is True
    assert clause(result, "art3.output_growth")["status"] == "superseded"


def test_one_yuan_below_is_ineligible_with_gap():
    entry = clause(decide(decl(99_999_999)), BREAK)
    assert entry["status"] == "ineligible"
    assert condition(entry, "art4.output_100m")["gap"] == {"passes_at": 100_000_000, "short_by": 1, "passes_at_fen": 10_000_000_000, "short_by_fen": 100}


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


def test_first_time_fails_when_a_prior_award_of_the_clause_exists():
    data = decl(120_000_000)
    data["prior_awards"] = [{"clause": BREAK, "basis": "output:2023", "year": 2023, "amount": 300_000}]
    entry = clause(decide(data), BREAK)
    assert condition(entry, "art4.first_time")["status"] == "fail"
    assert condition(entry, "art4.no_prior_award")["status"] == "fail"
    assert entry["status"] == "ineligible"


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


def test_first_time_unknown_without_earlier_years():
    """No earlier year declared and not commissioned in Y: unknown, the clause undetermined."""
    data = decl(120_000_000)
    data["annual"] = [r for r in data["annual"] if r["year"] == 2025]
    data["enterprise"]["commissioned_year"] = 2016
    entry = clause(decide(data), BREAK)
    assert condition(entry, "art4.first_time")["status"] == "unknown"
    assert entry["status"] == "undetermined"


def test_first_time_unknown_when_earlier_years_have_no_output():
    """Earlier records without gross_output were not looked at: still unknown."""
    data = decl(120_000_000)
    set_annual(data, 2023, gross_output=None)
    set_annual(data, 2024, gross_output=None)
    entry = clause(decide(data), BREAK)
    assert condition(entry, "art4.first_time")["status"] == "unknown"


# --- new plant ------------------------------------------------------------------


def new_plant_decl(**changes):
    """Commissioned in 2025, output 120,000,000, no earlier years: eligible for both clauses."""
    data = decl(120_000_000)
    data["annual"] = [r for r in data["annual"] if r["year"] == 2025]
    data["enterprise"]["commissioned_year"] = 2025
    return data


def test_new_plant_granted_500k_over_breakthrough():
    result = decide(new_plant_decl())
    new, brk = clause(result, NEW), clause(result, BREAK)
    assert set(statuses(new).values()) == {"pass"}
    assert new["status"] == "granted" and new["amount_yuan"] == 500_000
    assert brk["status"] == "superseded"


def test_new_plant_commissioned_year_missing_is_unknown():
    data = decl(120_000_000)
    entry = clause(decide(data), NEW)
    assert condition(entry, "art4.commissioned_in_year")["status"] == "unknown"


# --- one condition at a time ---------------------------------------------------


def eligible_breakthrough():
    """2023 50,000,000, 2024 90,000,000, 2025 120,000,000: every art4.breakthrough condition passes."""
    return decl(120_000_000)


BREAK_CASES = {
    "art4.output_100m": lambda d: set_annual(d, 2025, gross_output=99_999_999),
    "art4.first_time": lambda d: set_annual(d, 2023, gross_output=100_000_000),
    # A prior award of the other Art 4 clause: not the same clause, so first time still passes.
    "art4.no_prior_award": lambda d: d.update(
        prior_awards=[{"clause": NEW, "basis": "output:2023", "year": 2023, "amount": 500_000}]
    ),
}


def test_breakthrough_baseline_is_eligible():
    entry = clause(decide(eligible_breakthrough()), BREAK)
    assert set(statuses(entry).values()) == {"pass"}
    assert entry["status"] == "granted"


@pytest.mark.parametrize("broken", sorted(BREAK_CASES))
def test_breakthrough_one_condition_at_a_time(broken):
    data = eligible_breakthrough()
    BREAK_CASES[broken](data)
    entry = clause(decide(data), BREAK)
    expected = {cid: "pass" for cid in statuses(entry)}
    expected[broken] = "fail"
    assert statuses(entry) == expected
    assert entry["status"] == "ineligible"


def eligible_new_plant():
    """Earlier years declared below 1亿, commissioned 2025, output 2025 120,000,000."""
    data = decl(120_000_000, prev=0)
    set_annual(data, 2023, gross_output=0)
    data["enterprise"]["commissioned_year"] = 2025
    return data


NEW_CASES = {
    "art4.output_100m": lambda d: set_annual(d, 2025, gross_output=99_999_999),
    "art4.first_time": lambda d: set_annual(d, 2023, gross_output=100_000_000),
    "art4.no_prior_award": lambda d: d.update(
        prior_awards=[{"clause": BREAK, "basis": "output:2023", "year": 2023, "amount": 300_000}]
    ),
    "art4.commissioned_in_year": lambda d: d["enterprise"].update(commissioned_year=2024),
}


def test_new_plant_baseline_is_eligible():
    entry = clause(decide(eligible_new_plant()), NEW)
    assert set(statuses(entry).values()) == {"pass"}
    assert entry["status"] == "granted"


@pytest.mark.parametrize("broken", sorted(NEW_CASES))
def test_new_plant_one_condition_at_a_time(broken):
    data = eligible_new_plant()
    NEW_CASES[broken](data)
    entry = clause(decide(data), NEW)
    expected = {cid: "pass" for cid in statuses(entry)}
    expected[broken] = "fail"
    assert statuses(entry) == expected
    assert entry["status"] == "ineligible"


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

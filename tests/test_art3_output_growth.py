"""第三条 促进产业提质增效: growth of gross output "达到5%（含）" pays 0.5% of the increase, at most 500万元.

"达到" and "（含）" include the number (SPEC §0.2): growth of exactly 5% passes. Each
threshold is tested one yuan (and one fen) below, at, and one yuan above; growth from
a base year of 0 fails, a missing base year is unknown (SPEC §0.6).
"""

import pytest

from support import baseline, clause, condition, decide, set_annual, statuses

ART3 = "art3.output_growth"


def art3(prev, cur, **extra):
    data = baseline(**extra)
    set_annual(data, 2024, gross_output=prev)
    set_annual(data, 2025, gross_output=cur)
    return clause(decide(data), ART3)


@pytest.mark.parametrize(
    "cur, expected",
    [
        pytest.param(20_999_999, "fail", id="4.999995%-one-yuan-below-5%-fails"),
        pytest.param(21_000_000, "pass", id="exactly-5%-passes-达到（含）-is-inclusive"),
        pytest.param(21_000_001, "pass", id="one-yuan-above-5%-passes"),
        pytest.param("20999999.99", "fail", id="one-fen-below-5%-fails-thresholds-compare-unrounded"),
    ],
)
def test_growth_threshold_at_5_percent(cur, expected):
    entry = art3(20_000_000, cur)
    assert condition(entry, "art3.growth")["status"] == expected


def test_exactly_5_percent_is_granted_when_the_amount_is_payable():
    """200,000,000 -> 210,000,000 is +5% exactly: granted 0.5% x 10,000,000 = 50,000."""
    entry = art3(200_000_000, 210_000_000)
    assert entry["status"] == "granted"
    assert entry["amount_yuan"] == 50_000


def test_one_yuan_below_5_percent_is_ineligible_with_the_gap():
    """209,999,999 is one yuan short of +5% on 200,000,000: ineligible, and the gap says so."""
    entry = art3(200_000_000, 209_999_999)
    assert entry["status"] == "ineligible"
    cond = condition(entry, "art3.growth")
    assert cond["status"] == "fail"
    assert cond["gap"] == {"passes_at": 210_000_000, "short_by": 1, "passes_at_fen": 21_000_000_000, "short_by_fen": 100}


def test_small_exact_5_percent_passes_but_is_below_minimum():
    """20,000,000 -> 21,000,000 passes; 0.5% x 1,000,000 = 5,000 yuan is under 1万元 (第十七条)."""
    entry = art3(20_000_000, 21_000_000)
    assert statuses(entry) == {"art3.growth": "pass"}
    assert entry["status"] == "below_minimum"


def test_growth_from_a_base_year_of_zero_fails():
    """从零起步不算增长 (SPEC §0.6): output(Y-1) = 0 fails however large output(Y) is."""
    entry = art3(0, 500_000_000)
    cond = condition(entry, "art3.growth")
    assert cond["status"] == "fail"
    assert entry["status"] == "ineligible"
    assert any("base_year_zero" in note for note in cond.get("notes", []))


def test_missing_base_year_figure_is_unknown():
    """No gross_output for 2024: the growth is unknown, the clause undetermined, never granted."""
    data = baseline()
    set_annual(data, 2024, gross_output=None)
    set_annual(data, 2025, gross_output=500_000_000)
    entry = clause(decide(data), ART3)
    assert condition(entry, "art3.growth")["status"] == "unknown"
    assert entry["status"] == "undetermined"


def test_missing_base_year_record_is_unknown():
    """No 2024 record at all: unknown as well."""
    data = baseline()
    data["annual"] = [r for r in data["annual"] if r["year"] != 2024]
    entry = clause(decide(data), ART3)
    assert condition(entry, "art3.growth")["status"] == "unknown"
    assert entry["status"] == "undetermined"


def test_missing_current_year_figure_is_unknown():
    data = baseline()
    set_annual(data, 2025, gross_output=None)
    entry = clause(decide(data), ART3)
    assert condition(entry, "art3.growth")["status"] == "unknown"


def test_decline_fails():
    entry = art3(200_000_000, 150_000_000)
    assert condition(entry, "art3.growth")["status"] == "fail"
    assert entry["status"] == "ineligible"


@pytest.mark.parametrize(
    "prev, cur, amount",
    [
        pytest.param(1_000_000_000, 2_000_000_000, 5_000_000, id="0.5%-of-1e9-is-exactly-the-cap"),
        pytest.param(1_000_000_000, 3_000_000_000, 5_000_000, id="0.5%-of-2e9-is-capped-at-500万"),
        pytest.param(1_000_000_000, 1_999_999_999, 4_999_000, id="just-under-the-cap-floors-to-1000"),
        pytest.param(1_000_000_000, 2_000_000_200, 5_000_000, id="0.5%-is-5,000,001-one-yuan-over-the-cap"),
        pytest.param(1_000_000_000, 1_999_999_800, 4_999_000, id="0.5%-is-4,999,999-one-yuan-under-the-cap"),
    ],
)
def test_cap_is_5_000_000(prev, cur, amount):
    entry = art3(prev, cur)
    assert entry["cap_yuan"] == 5_000_000
    assert entry["amount_yuan"] == amount


@pytest.mark.parametrize(
    "cur, amount, status",
    [
        pytest.param(22_999_999, 14_000, "granted", id="14,999.995-floors-to-14,000"),
        pytest.param(22_000_000, 10_000, "granted", id="exactly-10,000-is-paid"),
        pytest.param(21_999_999, 9_000, "below_minimum", id="9,999.995-floors-to-9,000-below-1万"),
        pytest.param("21999999.99", 9_000, "below_minimum", id="fen-below-10,000-is-below-minimum"),
    ],
)
def test_amount_floors_to_1000_yuan(cur, amount, status):
    """第十七条 以万元为单位、精确到千元(向下取整)，低于1万元不予兑现."""
    entry = art3(20_000_000, cur)
    assert condition(entry, "art3.growth")["status"] == "pass"
    assert entry["amount_yuan"] == amount
    assert entry["status"] == status


def test_amount_before_rounding_is_exact():
    """0.5% x 2,999,999 = 14,999.995 yuan: the unrounded amount is reported to the fen, floored."""
    entry = art3(20_000_000, 22_999_999)
    assert entry["amount_before_rounding_yuan"] in ("14999.99", "14999.995")


def test_one_condition_at_a_time():
    """Art 3 has one condition; from an eligible baseline, breaking it fails exactly it."""
    ok = art3(200_000_000, 220_000_000)
    assert ok["status"] == "granted" and statuses(ok) == {"art3.growth": "pass"}
    broken = art3(200_000_000, 205_000_000)
    assert statuses(broken) == {"art3.growth": "fail"}
    assert broken["status"] == "ineligible"


def test_condition_names_its_source_field():
    """Observed is the support year's output; a missing base year names the base year's field."""
    assert condition(art3(200_000_000, 220_000_000), "art3.growth")["source_field"] == "annual[2025].gross_output"
    data = baseline()
    set_annual(data, 2024, gross_output=None)
    cond = condition(clause(decide(data), ART3), "art3.growth")
    assert cond["source_field"] == cond["missing"] == "annual[2024].gross_output"

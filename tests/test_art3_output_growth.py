"""第三条 促进产业提质增效: growth of gross output "达到5%（含）" pays 0.5% of the increase, at most 500万元.

"达到" and "（含）" include the number (SPEC §0.2): growth of exactly 5% passes. Each
threshold is tested one yuan (and one fen) below, at, and one yuan above; growth from
a base year of 0 fails, a missing base year is unknown (SPEC §0.6). Those boundaries, the cap and
the rounding are cases in tests/cases/art3.yaml; what stays here is what a case cannot state
(gaps, notes, sources, the unrounded amount).
"""


from support import baseline, clause, condition, decide, set_annual

ART3 = "art3.output_growth"


def art3(prev, cur, **extra):
    data = baseline(**extra)
    set_annual(data, 2024, gross_output=prev)
    set_annual(data, 2025, gross_output=cur)
    return clause(decide(data), ART3)


def test_one_yuan_below_5_percent_is_ineligible_with_the_gap():
    """209,999,999 is one yuan short of +5% on 200,000,000: ineligible, and the gap says so."""
    entry = art3(200_000_000, 209_999_999)
    assert entry["status"] == "ineligible"
    cond = condition(entry, "art3.growth")
    assert cond["status"] == "fail"
    assert cond["gap"] == {"passes_at_yuan_decimal": "210000000.00", "short_by_yuan_decimal": "1.00", "passes_at_fen": 21_000_000_000, "short_by_fen": 100}


def test_growth_from_a_base_year_of_zero_fails():
    """从零起步不算增长 (SPEC §0.6): output(Y-1) = 0 fails however large output(Y) is."""
    entry = art3(0, 500_000_000)
    cond = condition(entry, "art3.growth")
    assert cond["status"] == "fail"
    assert entry["status"] == "ineligible"
    assert any("base_year_zero" in note for note in cond.get("notes", []))


def test_amount_before_rounding_is_exact():
    """0.5% x 2,999,999 = 14,999.995 yuan: the unrounded amount is reported to the fen, floored."""
    entry = art3(20_000_000, 22_999_999)
    assert entry["amount_before_rounding_yuan_decimal"] == "14999.99"


def test_condition_names_its_source_field():
    """Observed is the support year's output; a missing base year names the base year's field."""
    assert condition(art3(200_000_000, 220_000_000), "art3.growth")["source_field"] == "annual[2025].gross_output"
    data = baseline()
    set_annual(data, 2024, gross_output=None)
    cond = condition(clause(decide(data), ART3), "art3.growth")
    assert cond["source_field"] == cond["missing"] == "annual[2024].gross_output"

"""The example declaration runs end to end, and Art 3 pays exactly at scale."""

from support import baseline, clause, decide, set_annual


def test_example_decides():
    from pinggu_asp.engine.decide import check
    from pinggu_asp.loading import load_declaration
    from support import EXAMPLE, ruleset

    result = check(load_declaration(EXAMPLE), ruleset())
    assert result["schema"] == "pinggu-result/1"
    assert result["total_yuan"] == sum(a["amount_yuan"] for a in result["awards"])


def test_art3_exact_at_3e11():
    data = baseline()
    set_annual(data, 2024, gross_output=300_000_000_000)
    set_annual(data, 2025, gross_output=318_000_000_000)
    entry = clause(decide(data), "art3.output_growth")
    assert entry["status"] == "granted"
    assert entry["amount_yuan"] == 5_000_000

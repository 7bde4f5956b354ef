"""The shipped example declaration, decided clause by clause.

The expected result was derived by hand from SPEC.md and the text of the
measures, not by running the engine:

- Gates: registered, operating, C3670 (section C, division 36), strategic fit,
  stable, no abnormal related output, good credit; the 2021-06-30 penalty is
  before 2023-04-10 (D − 3 years), so it does not count; no fraud finding.
- art3.output_growth: 92,000,000 → 104,000,000 is +13.04% ≥ 5%; 0.5% of the
  12,000,000 increase = 60,000. It shares output:2025 with art4.breakthrough
  (300,000) and the other policy's eligible 100,000: art4 is the most
  favourable, so art3 is superseded.
- art4.breakthrough: 104,000,000 ≥ 100,000,000; 2023 (81,000,000) and 2024
  (92,000,000) did not reach it: first time. Up to 300,000. Granted.
- art4.new_plant: commissioned 2016, not 2025: ineligible.
- art5.first_5m: R&D 5,300,000 ≥ 5,000,000, first time (4,100,000 and
  4,600,000 before). Up to 300,000. Granted.
- art5.growth: +15.2% and +12.2%, both ≥ 10%; 10% of 700,000 = 70,000; it shares
  rd:2025 with art5.first_5m (300,000): superseded.
- art6.beijing_advanced: r-1 dated 2025-11-20, inside 2025 and the window, no
  earlier smart-factory rating: up to 500,000. Granted.
- art7.emission_b: r-2 C → B dated 2025-10-09: up to 200,000. Granted.
- art7.green_beijing: r-3 dated 2025-12-01: up to 300,000. Granted.
- art8, art6.national, art6.lighthouse, art7.emission_a/c, art7.green_national:
  no rating of their kinds, not listed.
- art9.procurement: sector central_kitchen declared, but no central-kitchen
  order: the sum 0 does not exceed 5,000,000: ineligible.
- art9.standard: s-1, central-kitchen field, lead drafter, implemented
  2025-12-15: up to 300,000. Granted.
- art10.class3_device: a-1 dated 2025-09-15, first time: up to 3,000,000.
  Granted.
- art11.leading_enterprise: listed (a class III approval is declared); not
  recognised as leading, a-1 is not global-first, and R&D in Pinggu
  (4,600,000; 5,300,000) does not exceed 15,000,000: ineligible.
- art12.oem_orders: o-1 from an NEV maker, signed 2025-09-01 (inside the
  window), 26,000,000 executed in 2025, never supported: 26,000,000 >
  20,000,000; 0.5% = 130,000. Granted.
- art13.synbio_project: p-1 synthetic biology, tech transfer, in Pinggu,
  production, 12,000,000 ≥ 5,000,000, commissioned 2025-03-01, output 2025
  21,000,000 ≥ 20,000,000: 5% of 12,000,000 = 600,000. Granted.

Total: 300,000 + 300,000 + 500,000 + 200,000 + 300,000 + 300,000 + 3,000,000
+ 130,000 + 600,000 = 5,630,000 yuan, all paid by the district.
"""

from pinggu_asp.engine.decide import check
from pinggu_asp.loading import load_declaration
from support import EXAMPLE, clause, ruleset

EXPECTED = {
    ("art3.output_growth", "output:2025"): ("superseded", 60_000),
    ("art4.breakthrough", "output:2025"): ("granted", 300_000),
    ("art4.new_plant", "output:2025"): ("ineligible", None),
    ("art5.first_5m", "rd:2025"): ("granted", 300_000),
    ("art5.growth", "rd:2025"): ("superseded", 70_000),
    ("art6.beijing_advanced", "rating:smart:2025"): ("granted", 500_000),
    ("art7.emission_b", "rating:emission:2025"): ("granted", 200_000),
    ("art7.green_beijing", "rating:green:2025"): ("granted", 300_000),
    ("art9.procurement", "procurement:central_kitchen:2025"): ("ineligible", None),
    ("art9.standard", "standard:s-1"): ("granted", 300_000),
    ("art10.class3_device", "approval:a-1"): ("granted", 3_000_000),
    ("art11.leading_enterprise", "rd:2025"): ("ineligible", None),
    ("art12.oem_orders", "procurement:auto_parts:2025"): ("granted", 130_000),
    ("art13.synbio_project", "investment:p-1"): ("granted", 600_000),
}


def _result():
    return check(load_declaration(EXAMPLE), ruleset())


def test_every_listed_clause_is_the_expected_one():
    listed = {(c["clause"], c["basis"]) for c in _result()["clauses"]}
    assert listed == set(EXPECTED)


def test_each_clause_status_and_amount():
    result = _result()
    for (clause_id, basis), (status, amount) in EXPECTED.items():
        entry = clause(result, clause_id)
        assert entry["basis"] == basis
        assert entry["status"] == status, clause_id
        if amount is not None:
            assert entry["amount_yuan"] == amount, clause_id


def test_gates_all_pass():
    assert {g["id"]: g["status"] for g in _result()["gates"]} == {
        g: "pass"
        for g in (
            "A21-declared-in-window", "A21-support-year", "G-credit", "G-manufacturing", "G-no-fraud-ban",
            "G-no-penalty", "G-operating", "G-registered", "G-related-output", "G-stable", "G-strategic-fit",
        )
    }


def test_total_and_payer():
    result = _result()
    assert result["total_yuan"] == 5_630_000
    assert result["totals_by_payer"] == {"district": 5_630_000}
    assert result["alternatives"] == []


def test_superseded_awards_name_their_winner():
    result = _result()
    art3 = clause(result, "art3.output_growth")
    assert [w["clause"] for w in art3["superseded_by"]] == ["art4.breakthrough"]
    assert art3["superseded_by"][0]["amount_yuan"] == 300_000
    art5 = clause(result, "art5.growth")
    assert [w["clause"] for w in art5["superseded_by"]] == ["art5.first_5m"]

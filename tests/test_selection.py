"""第十八条 不重复享受 / 从优不重复 (SPEC §4.2) and the statuses around it (SPEC §5).

第十八条 本措施中的支持政策与平谷区现行有关支持政策不能重复享受。同一项目符合本措施
多个条款规定的，按照“从优不重复”的原则予以支持。

- Art 3 and Art 4 rest on output:Y (I-output-basis): the larger is granted, the
  other `superseded`, naming the winner and both amounts. Under I-output-stack
  both are granted; art4.breakthrough and art4.new_plant still exclude each other.
- Support from another Pinggu policy: `received` blocks every award on its basis
  (`blocked`, naming the policy); `eligible` competes: worth more, it supersedes
  the award and the result advises taking it; worth the same or less, the
  measure's award stands. total_yuan counts this measure's awards only.
- Ties: one set is chosen, the same on every run and in every process; each other
  optimal set is listed under `alternatives`, never the chosen one.
- The optimum is exact when the weights sum past 2^31 (no Model.cost involved).
- Statuses: not_applicable > barred > ineligible > undetermined > blocked > below_minimum.
- totals_by_payer sums the granted awards by payer.
Expected conclusion: the most favourable, non-duplicated set is granted.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest

from pinggu_asp.engine.solve import solve
from pinggu_asp.loading import declaration_from_data
from support import REPO, baseline, clause, decide, ruleset, set_annual

Y = 2025
OUTPUT = "output:2025"
STACK = ("I-output-stack",)


def output(prev: int, cur: int, **overrides: Any) -> dict[str, Any]:
    """The baseline with output(2024) = prev and output(2025) = cur (2023 stays at 50,000,000)."""
    data = baseline(**overrides)
    set_annual(data, Y - 1, gross_output=prev)
    set_annual(data, Y, gross_output=cur)
    return data


def small_growth(**overrides: Any) -> dict[str, Any]:
    """First breakthrough of 100,000,000 (Art 4: 300,000), growth 10,000,000 (Art 3: 50,000)."""
    return output(90_000_000, 100_000_000, **overrides)


def large_growth(**overrides: Any) -> dict[str, Any]:
    """First breakthrough (Art 4: 300,000), growth 200,000,000 (Art 3: 1,000,000)."""
    return output(90_000_000, 290_000_000, **overrides)


def other(basis: str, amount: Any, status: str, policy: str = "平谷区产业扶持政策") -> dict[str, Any]:
    return {"basis": basis, "policy": policy, "amount": amount, "status": status}


def statuses(result: dict[str, Any]) -> dict[str, str]:
    return {c["clause"]: c["status"] for c in result["clauses"]}


def granted(result: dict[str, Any]) -> list[tuple[str, int]]:
    return [(a["clause"], a["amount_yuan"]) for a in result["awards"]]


def beaten_by(result: dict[str, Any], clause_id: str) -> list[tuple[str, Any]]:
    # An award of these measures is whole yuan (amount_yuan); another policy's support may hold fen.
    return [(w.get("clause") or w["policy"], w["amount_yuan"] if "clause" in w else _whole_or_text(w["amount_yuan_decimal"]))
            for w in clause(result, clause_id)["superseded_by"]]


def _whole_or_text(decimal_text: str) -> int | str:
    amount = Decimal(decimal_text)
    return int(amount) if amount == amount.to_integral_value() else decimal_text


def assert_consistent(result: dict[str, Any]) -> None:
    """Invariants of every result: awards are the granted clauses, totals add up, each superseded award names a winner."""
    granted_entries = sorted((c["clause"], c["basis"]) for c in result["clauses"] if c["status"] == "granted")
    assert sorted((a["clause"], a["basis"]) for a in result["awards"]) == granted_entries
    assert result["total_yuan"] == sum(a["amount_yuan"] for a in result["awards"])
    by_payer: dict[str, int] = defaultdict(int)
    for award in result["awards"]:
        by_payer[award["payer"]] += award["amount_yuan"]
    assert result["totals_by_payer"] == dict(sorted(by_payer.items()))
    for entry in result["clauses"]:
        if entry["status"] == "superseded":
            assert entry["superseded_by"], f"{entry['clause']} is superseded by nothing"
            for winner in entry["superseded_by"]:
                # An award of these measures is whole yuan; another policy's support may hold fen.
                assert (winner["amount_yuan"] if "clause" in winner else winner["amount_fen"]) is not None
        else:
            assert entry["superseded_by"] == []
        if entry["status"] != "blocked":
            assert entry["blocked_by"] == []


# --- Art 3 against Art 4 on one output (I-output-basis, the default) -----------------------------


def test_art4_wins_over_small_art3_growth() -> None:
    """300,000 (Art 4) against 50,000 (Art 3) on output:2025: Art 4 is granted, Art 3 superseded by it."""
    result = decide(small_growth())
    assert_consistent(result)
    assert statuses(result)["art4.breakthrough"] == "granted"
    assert statuses(result)["art3.output_growth"] == "superseded"
    assert clause(result, "art3.output_growth")["amount_yuan"] == 50_000
    assert beaten_by(result, "art3.output_growth") == [("art4.breakthrough", 300_000)]
    assert granted(result) == [("art4.breakthrough", 300_000)]
    assert result["total_yuan"] == 300_000
    assert result["alternatives"] == []
    assert "I-output-basis" in result["interpretations"]


def test_art3_wins_when_growth_pays_more() -> None:
    """1,000,000 (Art 3) against 300,000 (Art 4): Art 3 is granted, Art 4 superseded by it."""
    result = decide(large_growth())
    assert_consistent(result)
    assert clause(result, "art3.output_growth")["amount_yuan"] == 1_000_000
    assert statuses(result)["art4.breakthrough"] == "superseded"
    assert clause(result, "art4.breakthrough")["amount_yuan"] == 300_000
    assert beaten_by(result, "art4.breakthrough") == [("art3.output_growth", 1_000_000)]
    assert granted(result) == [("art3.output_growth", 1_000_000)]


def test_new_plant_also_yields_to_larger_growth() -> None:
    """Commissioned in 2025: new_plant 500,000 and breakthrough 300,000 both yield to Art 3's 1,000,000."""
    data = large_growth()
    data["enterprise"]["commissioned_year"] = Y
    result = decide(data)
    assert_consistent(result)
    assert granted(result) == [("art3.output_growth", 1_000_000)]
    assert beaten_by(result, "art4.new_plant") == [("art3.output_growth", 1_000_000)]
    assert beaten_by(result, "art4.breakthrough") == [("art3.output_growth", 1_000_000)]


# --- I-output-stack ---------------------------------------------------------------------------


@pytest.mark.parametrize("data, art3", [(small_growth(), 50_000), (large_growth(), 1_000_000)])
def test_stack_grants_art3_and_art4(data: dict[str, Any], art3: int) -> None:
    """Under I-output-stack growth and size are different projects: both are granted."""
    result = decide(data, STACK)
    assert_consistent(result)
    assert granted(result) == [("art3.output_growth", art3), ("art4.breakthrough", 300_000)]
    assert result["total_yuan"] == art3 + 300_000
    assert "I-output-stack" in result["interpretations"]
    assert "I-output-basis" not in result["interpretations"]


def test_stack_keeps_breakthrough_and_new_plant_exclusive() -> None:
    """"其中": new_plant (500,000) is a case of the breakthrough (300,000); only one, with Art 3 stacked."""
    data = small_growth()
    data["enterprise"]["commissioned_year"] = Y
    result = decide(data, STACK)
    assert_consistent(result)
    assert granted(result) == [("art3.output_growth", 50_000), ("art4.new_plant", 500_000)]
    assert statuses(result)["art4.breakthrough"] == "superseded"
    # Superseded by new_plant only: Art 3 stacks with it and is no rival.
    assert beaten_by(result, "art4.breakthrough") == [("art4.new_plant", 500_000)]
    assert result["total_yuan"] == 550_000


def test_new_plant_needs_commissioning_in_the_year() -> None:
    """commissioned_year 2024: new_plant is ineligible, the breakthrough is granted (stacked with Art 3)."""
    data = small_growth()
    data["enterprise"]["commissioned_year"] = Y - 1
    result = decide(data, STACK)
    assert statuses(result)["art4.new_plant"] == "ineligible"
    assert granted(result) == [("art3.output_growth", 50_000), ("art4.breakthrough", 300_000)]


def test_stack_still_competes_with_another_policy() -> None:
    """Stacking is within this measure: another policy's 2,000,000 on output:2025 beats both."""
    data = small_growth(other_pinggu_support=[other(OUTPUT, 2_000_000, "eligible")])
    result = decide(data, STACK)
    assert_consistent(result)
    assert granted(result) == []
    assert beaten_by(result, "art3.output_growth") == [("平谷区产业扶持政策", 2_000_000)]
    assert beaten_by(result, "art4.breakthrough") == [("平谷区产业扶持政策", 2_000_000)]


# --- other Pinggu policies ------------------------------------------------------------------------


def test_received_support_blocks_every_award_on_its_basis() -> None:
    """Already received on output:2025: Art 3 and Art 4 are blocked, naming the policy; rd:2025 is untouched."""
    data = large_growth(other_pinggu_support=[other(OUTPUT, 100, "received", "平谷区稳增长奖励")])
    set_annual(data, Y - 2, rd_expense=4_000_000)
    set_annual(data, Y - 1, rd_expense=5_000_000)
    set_annual(data, Y, rd_expense=15_000_000)
    result = decide(data)
    assert_consistent(result)
    for cid in ("art3.output_growth", "art4.breakthrough"):
        entry = clause(result, cid)
        assert entry["status"] == "blocked"
        assert entry["blocked_by"] == [
            {"other_pinggu_support": 0, "policy": "平谷区稳增长奖励", "basis": OUTPUT, "amount_yuan_decimal": "100.00",
             "amount_fen": 10_000}
        ]
    assert granted(result) == [("art5.growth", 1_000_000)]
    assert result["total_yuan"] == 1_000_000
    assert [a for a in result["advisories"] if a["kind"] == "take_other_policy"] == []


def test_eligible_support_worth_more_supersedes_and_is_advised() -> None:
    """Eligible for 400,000 under another policy against Art 4's 300,000: take the other policy."""
    data = small_growth(other_pinggu_support=[other(OUTPUT, 400_000, "eligible")])
    result = decide(data)
    assert_consistent(result)
    assert statuses(result)["art4.breakthrough"] == "superseded"
    winner = clause(result, "art4.breakthrough")["superseded_by"]
    assert winner == [{"policy": "平谷区产业扶持政策", "basis": OUTPUT, "amount_yuan_decimal": "400000.00",
                       "amount_fen": 40_000_000, "other_pinggu_support": 0}]
    assert clause(result, "art4.breakthrough")["amount_yuan"] == 300_000
    advised = [a for a in result["advisories"] if a["kind"] == "take_other_policy"]
    assert {a["instead_of"] for a in advised} == {"art3.output_growth", "art4.breakthrough"}
    assert all(a["policy"] == "平谷区产业扶持政策" and a["basis"] == OUTPUT and a["article"] == 18 for a in advised)
    # The other policy's 400,000 is not this measure's money.
    assert result["awards"] == []
    assert result["total_yuan"] == 0
    assert result["totals_by_payer"] == {}


def test_eligible_support_worth_the_same_leaves_the_award_standing() -> None:
    """An equal competitor is not "more favourable": Art 4's 300,000 stands, and no alternative is listed."""
    data = small_growth(other_pinggu_support=[other(OUTPUT, 300_000, "eligible")])
    result = decide(data)
    assert_consistent(result)
    assert statuses(result)["art4.breakthrough"] == "granted"
    assert granted(result) == [("art4.breakthrough", 300_000)]
    assert result["advisories"] == []
    assert result["alternatives"] == []


def test_eligible_support_worth_less_leaves_the_award_standing() -> None:
    data = small_growth(other_pinggu_support=[other(OUTPUT, "299999.99", "eligible")])
    result = decide(data)
    assert_consistent(result)
    assert granted(result) == [("art4.breakthrough", 300_000)]
    assert result["advisories"] == []


def test_eligible_support_of_nothing_is_no_candidate() -> None:
    """0 yuan from another policy benefits nobody: no false tie, no alternative, no advice."""
    data = small_growth(other_pinggu_support=[other(OUTPUT, 0, "eligible"), other("standard:s-1", 0, "eligible")])
    result = decide(data)
    assert granted(result) == [("art4.breakthrough", 300_000)]
    assert result["alternatives"] == []
    assert result["advisories"] == []


def test_support_on_another_basis_does_not_compete() -> None:
    data = small_growth(other_pinggu_support=[other("rd:2025", 5_000_000, "eligible"),
                                              other("rd:2025", 1, "received")])
    result = decide(data)
    assert granted(result) == [("art4.breakthrough", 300_000)]
    assert beaten_by(result, "art3.output_growth") == [("art4.breakthrough", 300_000)]


# --- ties ------------------------------------------------------------------------------------------


def tied() -> dict[str, Any]:
    """Art 3 pays 0.5% × 60,000,000 = 300,000, exactly Art 4's breakthrough: two optimal sets."""
    return output(90_000_000, 150_000_000)


def test_tie_lists_the_other_set_as_alternative() -> None:
    result = decide(tied())
    assert_consistent(result)
    assert clause(result, "art3.output_growth")["amount_yuan"] == 300_000
    assert len(result["awards"]) == 1
    chosen = result["awards"][0]["clause"]
    other_clause = ({"art3.output_growth", "art4.breakthrough"} - {chosen}).pop()
    assert statuses(result)[other_clause] == "superseded"
    assert beaten_by(result, other_clause) == [(chosen, 300_000)]
    assert result["alternatives"] == [
        {"chosen": [{"clause": other_clause, "basis": OUTPUT, "subject": OUTPUT, "amount_yuan": 300_000}], "total_yuan": 300_000}
    ]
    assert result["alternatives_truncated"] is False


def test_tie_between_two_other_policies_is_listed_too() -> None:
    """Two other policies of 400,000 each beat Art 4's 300,000; one is chosen, the other is the alternative."""
    data = small_growth(other_pinggu_support=[other(OUTPUT, 400_000, "eligible", "政策甲"),
                                              other(OUTPUT, 400_000, "eligible", "政策乙")])
    result = decide(data)
    assert_consistent(result)
    winners = {w["policy"] for w in clause(result, "art4.breakthrough")["superseded_by"]}
    assert len(winners) == 1
    assert [[c["policy"] for c in alt["chosen"]] for alt in result["alternatives"]] == [list({"政策甲", "政策乙"} - winners)]
    assert all(alt["total_yuan"] == 0 for alt in result["alternatives"])


def _decisive(result: dict[str, Any]) -> str:
    keep = {k: result[k] for k in ("awards", "total_yuan", "alternatives", "advisories", "totals_by_payer")}
    keep["statuses"] = statuses(result)
    return json.dumps(keep, ensure_ascii=False, sort_keys=True)


def test_tie_is_decided_the_same_on_every_run() -> None:
    data = tied()
    first = _decisive(decide(data))
    assert all(_decisive(decide(data)) == first for _ in range(3))
    # A fresh solver each time, so nothing cached decides it.
    decl = declaration_from_data(data)
    chosen = {solve(decl, ruleset()).chosen for _ in range(3)}
    assert len(chosen) == 1


_CHILD = """
import json, sys
sys.path.insert(0, {tests!r})
from support import decide
from test_selection import tied, _decisive
print(_decisive(decide(tied())))
"""


def test_tie_is_decided_the_same_in_two_processes() -> None:
    script = _CHILD.format(tests=str(REPO / "tests"))
    outputs = []
    for hash_seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=hash_seed)
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env,
                              cwd=REPO, check=True, timeout=120)
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1] == _decisive(decide(tied())) + "\n"


# --- exact sums past 2^31 weight units ------------------------------------------------------------


def big_weights(output_rival: str) -> dict[str, Any]:
    """Fen-exact rival support makes the weight unit 1 fen: the chosen weights sum to about 4.8e9 > 2^32."""
    data = output(1_000_000_000, 2_000_000_000)  # Art 3: capped at 5,000,000
    set_annual(data, Y - 2, rd_expense=4_000_000)
    set_annual(data, Y - 1, rd_expense=5_000_000)
    set_annual(data, Y, rd_expense=15_000_000)  # Art 5 growth: capped at 1,000,000
    data["other_pinggu_support"] = [
        other(OUTPUT, output_rival, "eligible", "产值政策"),
        other("standard:s-1", "21000000.00", "eligible", "标准政策"),
        other("investment:p-1", "21000000.00", "eligible", "投资政策"),
    ]
    return data


@pytest.mark.parametrize("rival, art3_wins", [("5000000.01", False), ("4999999.99", True)])
def test_choice_is_exact_when_weights_pass_2_31(rival: str, art3_wins: bool) -> None:
    data = big_weights(rival)
    derived = solve(declaration_from_data(data), ruleset())
    weights = {a.arguments[0]: a.arguments[1].number for a in derived.get("weight")}
    assert sum(weights[x] for x in derived.chosen) > 2**32  # Model.cost would wrap; the choice must not
    result = decide(data)
    assert_consistent(result)
    assert clause(result, "art3.output_growth")["amount_yuan"] == 5_000_000
    if art3_wins:
        assert granted(result) == [("art3.output_growth", 5_000_000), ("art5.growth", 1_000_000)]
        assert result["total_yuan"] == 6_000_000
        assert result["advisories"] == []
    else:
        assert granted(result) == [("art5.growth", 1_000_000)]
        assert beaten_by(result, "art3.output_growth") == [("产值政策", "5000000.01")]
        assert result["total_yuan"] == 1_000_000
    assert result["alternatives"] == []


def test_weight_above_2_31_units_is_split_and_still_exact() -> None:
    """A fen-exact rival above 2^31 fen (21,474,836.47 yuan) is weighed in 10^9-unit chunks plus a rest
    (select.lp): 30,000,000.01 yuan beats Art 3's 5,000,000, and no weight wraps."""
    data = big_weights("30000000.01")
    result = decide(data)
    assert_consistent(result)
    assert beaten_by(result, "art3.output_growth") == [("产值政策", "30000000.01")]
    assert granted(result) == [("art5.growth", 1_000_000)]


@pytest.mark.parametrize("rival, rival_wins", [("1000000000000.01", True), ("4999999.99", False)])
def test_chunked_rivals_compare_to_the_fen(rival: str, rival_wins: bool) -> None:
    """With the other rivals at 21,000,000.00, the chunked weights still decide to the fen."""
    data = big_weights(rival)
    result = decide(data)
    assert (clause(result, "art3.output_growth")["status"] == "superseded") is rival_wins


# --- statuses: the first that applies wins (SPEC §5) -------------------------------------------


def test_not_applicable_before_barred() -> None:
    data = large_growth(declaration_date="2028-01-10")
    data["enterprise"]["registered_in_pinggu"] = False
    assert set(statuses(decide(data)).values()) == {"not_applicable"}


def test_barred_before_ineligible() -> None:
    data = large_growth()
    data["enterprise"]["registered_in_pinggu"] = False
    result = decide(data)
    assert set(statuses(result).values()) == {"barred"}  # art5 fails its conditions too
    assert result["awards"] == [] and result["total_yuan"] == 0


def test_ineligible_before_undetermined() -> None:
    """new_plant: output below 100,000,000 fails, commissioned_year missing is unknown: ineligible."""
    result = decide(output(90_000_000, 95_000_000))
    conds = {c["id"]: c["status"] for c in clause(result, "art4.new_plant")["conditions"]}
    assert conds["art4.commissioned_in_year"] == "unknown" and conds["art4.output_100m"] == "fail"
    assert statuses(result)["art4.new_plant"] == "ineligible"


def test_undetermined_before_blocked() -> None:
    """new_plant with commissioned_year missing, on a basis already paid by another policy: undetermined."""
    result = decide(small_growth(other_pinggu_support=[other(OUTPUT, 1, "received")]))
    assert statuses(result)["art4.new_plant"] == "undetermined"
    assert statuses(result)["art4.breakthrough"] == "blocked"


def test_blocked_before_below_minimum() -> None:
    """Art 3 of 9,999 yuan (below 10,000 after rounding) on a basis already paid: blocked."""
    data = output(20_000_000, 21_999_800, other_pinggu_support=[other(OUTPUT, 1, "received")])
    result = decide(data)
    assert statuses(result)["art3.output_growth"] == "blocked"
    assert clause(result, "art3.output_growth")["blocked_by"][0]["policy"] == "平谷区产业扶持政策"


def test_below_minimum_is_no_candidate() -> None:
    """Art 3 of 9,999 yuan: below_minimum, and it supersedes nothing and is superseded by nothing."""
    result = decide(output(20_000_000, 21_999_800))
    assert statuses(result)["art3.output_growth"] == "below_minimum"
    assert clause(result, "art3.output_growth")["superseded_by"] == []
    assert result["alternatives"] == []


def test_every_listed_clause_has_one_status() -> None:
    for data in (small_growth(), large_growth(), tied(), output(20_000_000, 21_999_800)):
        for interp in ((), STACK):
            result = decide(data, interp)
            assert_consistent(result)
            assert all(c["status"] in {"granted", "superseded", "blocked", "below_minimum", "ineligible",
                                       "undetermined", "barred", "not_applicable"} for c in result["clauses"])


# --- payer totals -----------------------------------------------------------------------------------


def test_totals_by_payer_sum_the_awards() -> None:
    """Art 3 is paid by the district; Art 11 jointly by the district and the locality (第十四条)."""
    data = large_growth(approvals=[{"id": "c-1", "kind": "class3_device", "date": "2025-09-15",
                                    "first_time": False, "global_first": True}])
    data["enterprise"]["leading_recognized"] = True
    set_annual(data, Y - 1, rd_expense_pinggu=16_000_000)
    set_annual(data, Y, rd_expense_pinggu=16_000_000)
    result = decide(data)
    assert_consistent(result)
    assert result["totals_by_payer"] == {"district": 1_000_000, "district+locality:马坊镇": 10_000_000}
    assert result["total_yuan"] == 11_000_000
    assert result["totals_by_article"] == {"3": 1_000_000, "11": 10_000_000}


def test_a_basis_these_measures_already_paid_is_not_paid_again():
    """第十八条 不能重复享受: Art 3 for 2025 was paid; declaring 2025 again blocks it, naming the earlier award."""
    data = baseline(prior_awards=[{"clause": "art3.output_growth", "basis": OUTPUT, "year": 2025, "amount": 50_000}])
    set_annual(data, 2024, gross_output=10_000_000)
    set_annual(data, 2025, gross_output=20_000_000)
    result = decide(data)
    entry = clause(result, "art3.output_growth")
    assert entry["status"] == "blocked"
    assert entry["blocked_by"] == [
        {
            "prior_award": 0,
            "policy": "京平科信发〔2025〕8号 art3.output_growth (2025)",
            "clause": "art3.output_growth",
            "basis": OUTPUT,
            "year": 2025,
            "amount_yuan_decimal": "50000.00",
            "amount_fen": 5_000_000,
        }
    ]
    assert result["total_yuan"] == 0


def test_a_prior_award_on_another_year_blocks_nothing():
    """The 2024 award rests on output:2024; the 2025 growth award is a different basis and is granted."""
    data = baseline(prior_awards=[{"clause": "art3.output_growth", "basis": "output:2024", "year": 2024, "amount": 50_000}])
    set_annual(data, 2024, gross_output=10_000_000)
    set_annual(data, 2025, gross_output=20_000_000)
    assert clause(decide(data), "art3.output_growth")["status"] == "granted"

"""第八条 支持企业融合发展: the integration pilot title (SPEC §3 art8.integration_pilot, §3.1, §5).

"对获评北京市先进制造业和现代服务业融合试点企业的给予不超过 30 万元资金奖励。"

Each test's name says why the clause passes or fails; each ends in the expected conclusion. The
date boundaries, the one-condition-at-a-time table and the 第十八条 block are cases in
tests/cases/art8.yaml; what stays here is what a case cannot state (subjects, bases, payers, sources).
"""

from typing import Any

from support import baseline, clause, condition, decide, statuses

PILOT = "beijing_service_integration_pilot"
ALL_PASS = {f"art8.integration_pilot_{name}": "pass" for name in ("in_year", "new", "not_paid")}


def pilot(rid: str, date: str, **extra: Any) -> dict[str, Any]:
    return {"id": rid, "kind": PILOT, "date": date, **extra}


def declaration(*ratings: dict[str, Any], prior: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return baseline(ratings=list(ratings), prior_awards=prior or [])


def test_pilot_new_in_2025_is_granted_up_to_300000():
    """Named an integration pilot in October 2025: granted up to 300,000, paid by the district."""
    result = decide(declaration(pilot("r-1", "2025-10-15")))
    entry = clause(result, "art8.integration_pilot")
    assert (entry["subject"], entry["bases"]) == ("rating:integration:2025", ["rating:integration:2025"])
    assert statuses(entry) == ALL_PASS
    assert condition(entry, "art8.integration_pilot_in_year")["article"] == 8
    assert (entry["status"], entry["amount_yuan"], entry["cap_yuan"], entry["up_to"]) == ("granted", 300_000, 300_000, True)
    assert result["awards"][0]["clause"] == "art8.integration_pilot"
    assert result["totals_by_payer"] == {"district": 300_000}


def test_two_plants_named_pilots_in_one_year_make_one_award():
    """Two sites named in 2025: one entry, one award of 300,000 (I-rating-per-enterprise)."""
    result = decide(declaration(pilot("r-1", "2025-10-15", subject="site-1"), pilot("r-2", "2025-10-15", subject="site-2")))
    assert [c["clause"] for c in result["clauses"] if c["article"] == 8] == ["art8.integration_pilot"]
    assert [(a["clause"], a["amount_yuan"]) for a in result["awards"]] == [("art8.integration_pilot", 300_000)]


# --- second reading: every condition names the declared field it read (cond_source) -----------

def test_every_condition_names_its_source():
    """Granted: the title, the ratings looked at for an earlier one, and the prior awards."""
    entry = clause(decide(declaration(pilot("r-1", "2025-10-15"))), "art8.integration_pilot")
    assert {c["id"]: c["source_field"] for c in entry["conditions"]} == {
        "art8.integration_pilot_in_year": "ratings[r-1]",
        "art8.integration_pilot_new": "ratings",
        "art8.integration_pilot_not_paid": "prior_awards",
    }

"""第八条 支持企业融合发展: the integration pilot title (SPEC §3 art8.integration_pilot, §3.1, §5).

"对获评北京市先进制造业和现代服务业融合试点企业的给予不超过 30 万元资金奖励。"

Each test's name says why the clause passes or fails; each ends in the expected conclusion.
"""

from typing import Any

import pytest

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


@pytest.mark.parametrize("date, status", [("2025-08-28", "ineligible"), ("2025-08-29", "granted")])
def test_pilot_on_the_window_boundary(date, status):
    """2025-08-28 lies before the validity window (not counted), 2025-08-29 is its first day."""
    entry = clause(decide(declaration(pilot("r-1", date))), "art8.integration_pilot")
    assert entry["status"] == status


def test_pilot_before_the_window_counts_under_events_whole_year():
    """Named 2025-03-01: ineligible by default, granted under I-events-whole-year."""
    data = declaration(pilot("r-1", "2025-03-01"))
    assert clause(decide(data), "art8.integration_pilot")["status"] == "ineligible"
    assert clause(decide(data, interpretations=("I-events-whole-year",)), "art8.integration_pilot")["status"] == "granted"


def test_pilot_renewed_is_not_newly_obtained():
    """Named in 2023 and again in 2025: a re-review, ineligible."""
    entry = clause(decide(declaration(pilot("r-0", "2023-06-01"), pilot("r-1", "2025-10-15"))), "art8.integration_pilot")
    assert statuses(entry) == {**ALL_PASS, "art8.integration_pilot_new": "fail"}
    assert entry["status"] == "ineligible"


def test_pilot_named_only_in_an_earlier_year_is_listed_and_ineligible():
    """Named in 2024 only: listed whatever its date, not in the support year, ineligible."""
    entry = clause(decide(declaration(pilot("r-1", "2024-10-15"))), "art8.integration_pilot")
    assert statuses(entry) == {**ALL_PASS, "art8.integration_pilot_in_year": "fail"}
    assert entry["status"] == "ineligible"


def test_two_plants_named_pilots_in_one_year_make_one_award():
    """Two sites named in 2025: one entry, one award of 300,000 (I-rating-per-enterprise)."""
    result = decide(declaration(pilot("r-1", "2025-10-15", subject="site-1"), pilot("r-2", "2025-10-15", subject="site-2")))
    assert [c["clause"] for c in result["clauses"] if c["article"] == 8] == ["art8.integration_pilot"]
    assert [(a["clause"], a["amount_yuan"]) for a in result["awards"]] == [("art8.integration_pilot", 300_000)]


def test_prior_award_of_the_pilot_fails_it():
    """art8.integration_pilot was already paid: paid once, ineligible."""
    prior = [{"clause": "art8.integration_pilot", "basis": "rating:integration:2025", "year": 2025, "amount": 300_000}]
    entry = clause(decide(declaration(pilot("r-1", "2025-10-15"), prior=prior)), "art8.integration_pilot")
    assert statuses(entry) == {**ALL_PASS, "art8.integration_pilot_not_paid": "fail"}
    assert entry["status"] == "ineligible"


def test_another_policy_received_on_the_pilot_blocks_it():
    """Support received under another Pinggu policy on rating:integration:2025 (第十八条): blocked."""
    data = declaration(pilot("r-1", "2025-10-15"))
    data["other_pinggu_support"] = [{"basis": "rating:integration:2025", "policy": "某政策", "amount": 100_000,
                                     "status": "received"}]
    entry = clause(decide(data), "art8.integration_pilot")
    assert entry["status"] == "blocked"


def test_no_pilot_rating_lists_no_art8_clause():
    """Without an integration pilot rating, Art 8 is not listed."""
    result = decide(declaration())
    assert [c for c in result["clauses"] if c["article"] == 8] == []


# --- second reading: every condition names the declared field it read (cond_source) -----------

def test_every_condition_names_its_source():
    """Granted: the title, the ratings looked at for an earlier one, and the prior awards."""
    entry = clause(decide(declaration(pilot("r-1", "2025-10-15"))), "art8.integration_pilot")
    assert {c["id"]: c["source_field"] for c in entry["conditions"]} == {
        "art8.integration_pilot_in_year": "ratings[r-1]",
        "art8.integration_pilot_new": "ratings",
        "art8.integration_pilot_not_paid": "prior_awards",
    }


@pytest.mark.parametrize("date, status", [("2024-12-31", "ineligible"), ("2025-12-31", "granted")])
def test_pilot_on_the_support_year_end(date, status):
    """The last day of the year before is not the support year; the last day of the support year is."""
    assert clause(decide(declaration(pilot("r-1", date))), "art8.integration_pilot")["status"] == status

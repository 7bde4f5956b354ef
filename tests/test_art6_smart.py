"""第六条 支持产业智能化发展: smart-factory titles (SPEC §3 art6.*, §3.1, §5).

"对新获评北京市先进级智能工厂的制造业企业，给予不超过 50 万元资金奖励。对新获评国家级智能制造
标杆、国家智能制造示范工厂、卓越级智能工厂、领航级智能工厂的企业，给予不超过 100 万元奖励。对新
获评世界经济论坛“灯塔工厂”的企业，给予不超过 200 万元奖励。"

Each test's name says why the clause passes or fails; each ends in the expected conclusion. The
date boundaries (window, support year), each title, the one-condition-at-a-time tables and the
upgrade difference are cases in tests/cases/art6.yaml; what stays here is what a case cannot state
(observed ratings, notes, sources, what superseded what).
"""

from typing import Any

from support import baseline, clause, condition, decide, set_annual, statuses


def rating(rid: str, kind: str, date: str, **extra: Any) -> dict[str, Any]:
    return {"id": rid, "kind": kind, "date": date, **extra}


def declaration(*ratings: dict[str, Any], year: int = 2025, prior: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The eligible baseline with these ratings; support year 2026 is declared in 2027."""
    data = baseline(ratings=list(ratings), prior_awards=prior or [])
    if year == 2026:
        data["support_year"] = 2026
        data["declaration_date"] = "2027-03-01"
        set_annual(data, 2026, gross_output=62_000_000, rd_expense=1_200_000)
    return data


def awards(result: dict[str, Any], article: int) -> list[dict[str, Any]]:
    return [a for a in result["awards"] if a["clause"].startswith(f"art{article}.")]


BEIJING = "beijing_advanced_smart_factory"
ALL_PASS = {
    "art6.beijing_advanced_in_year": "pass",
    "art6.beijing_advanced_new": "pass",
    "art6.beijing_advanced_not_paid": "pass",
}


# --- granted -----------------------------------------------------------------

def test_beijing_advanced_new_in_2025_is_granted_up_to_500000():
    """Rated in November 2025, never before, never paid: granted, up to 500,000."""
    entry = clause(decide(declaration(rating("r-1", BEIJING, "2025-11-20"))), "art6.beijing_advanced")
    assert entry["subject"] == "rating:smart:2025"
    assert entry["bases"] == ["rating:smart:2025"]
    assert statuses(entry) == ALL_PASS
    assert condition(entry, "art6.beijing_advanced_in_year")["observed"] == {"rating": "r-1", "date": "2025-11-20"}
    assert condition(entry, "art6.beijing_advanced_in_year")["phrase_zh"] == "新获评北京市先进级智能工厂"
    assert (entry["status"], entry["amount_yuan"], entry["cap_yuan"], entry["up_to"]) == ("granted", 500_000, 500_000, True)
    assert entry["payer"] == "district"


# --- the validity window (SPEC §1) ---------------------------------------------

def test_rated_2025_08_28_is_before_the_window_so_not_counted():
    """2025-08-28 is the day before the measures took effect: not counted for 2025, ineligible."""
    entry = clause(decide(declaration(rating("r-1", BEIJING, "2025-08-28"))), "art6.beijing_advanced")
    cond = condition(entry, "art6.beijing_advanced_in_year")
    assert cond["status"] == "fail"
    assert cond["notes"] == ["outside_validity_window(20250828)"]
    assert entry["status"] == "ineligible"


def test_rated_in_an_earlier_year_is_listed_but_not_new_in_the_support_year():
    """A title dated 2024 is listed whatever its date, and fails the in-year test for 2025: ineligible."""
    entry = clause(decide(declaration(rating("r-1", BEIJING, "2024-06-01"))), "art6.beijing_advanced")
    assert statuses(entry)["art6.beijing_advanced_in_year"] == "fail"
    assert "notes" not in condition(entry, "art6.beijing_advanced_in_year")
    assert entry["status"] == "ineligible"


# --- newly obtained, once ------------------------------------------------------------

def test_renewal_is_not_newly_obtained():
    """The same title was rated in 2023; the 2025 rating is a renewal (复评): ineligible."""
    data = declaration(rating("r-0", BEIJING, "2023-05-01"), rating("r-1", BEIJING, "2025-11-20"))
    entry = clause(decide(data), "art6.beijing_advanced")
    cond = condition(entry, "art6.beijing_advanced_new")
    assert cond["status"] == "fail"
    assert cond["observed"] == {"rating": "r-0", "date": "2023-05-01"}
    assert cond["source_field"] == "ratings[r-0]"
    assert statuses(entry)["art6.beijing_advanced_in_year"] == "pass"
    assert entry["status"] == "ineligible"


def test_an_earlier_different_national_title_does_not_block_a_new_one():
    """A 2024 national benchmark is another kind: the 2025 leading-level title is new (SPEC: same kind value)."""
    data = declaration(rating("r-0", "national_smart_benchmark", "2024-05-01"),
                       rating("r-1", "leading_smart_factory", "2025-10-01"))
    entry = clause(decide(data), "art6.national")
    assert condition(entry, "art6.national_in_year")["observed"] == {"rating": "r-1", "date": "2025-10-01"}
    assert entry["status"] == "granted"


def test_two_plants_with_the_same_title_in_one_year_make_one_award():
    """Two plants rated Beijing advanced in 2025: one entry, one award of 500,000 (I-rating-per-enterprise)."""
    data = declaration(rating("r-1", BEIJING, "2025-10-01", subject="plant-1"),
                       rating("r-2", BEIJING, "2025-11-20", subject="plant-2"))
    result = decide(data)
    assert "I-rating-per-enterprise" in result["interpretations"]
    entry = clause(result, "art6.beijing_advanced")
    assert entry["status"] == "granted"
    assert condition(entry, "art6.beijing_advanced_in_year")["observed"]["rating"] == "r-1"
    assert [(a["clause"], a["amount_yuan"]) for a in awards(result, 6)] == [("art6.beijing_advanced", 500_000)]


def test_prior_award_of_the_same_clause_fails_it():
    """art6.beijing_advanced was already paid (in any year): the clause is paid once, ineligible."""
    prior = [{"clause": "art6.beijing_advanced", "basis": "rating:smart:2025", "year": 2025, "amount": 500_000}]
    entry = clause(decide(declaration(rating("r-1", BEIJING, "2025-11-20"), prior=prior)), "art6.beijing_advanced")
    cond = condition(entry, "art6.beijing_advanced_not_paid")
    assert (cond["status"], cond["observed"]) == ("fail", {"prior_award": 0})
    assert entry["status"] == "ineligible"


# --- one family, one project (第十八条, SPEC §3.1) --------------------------------------

def test_same_year_beijing_and_national_pays_only_the_national_title():
    """Both titles in 2025 share rating:smart:2025: national (1,000,000) granted, Beijing (500,000) superseded by it."""
    data = declaration(rating("r-1", BEIJING, "2025-09-10"), rating("r-2", "national_smart_demo_factory", "2025-12-01"))
    result = decide(data)
    national = clause(result, "art6.national")
    beijing = clause(result, "art6.beijing_advanced")
    assert national["status"] == "granted"
    assert beijing["status"] == "superseded"
    assert beijing["superseded_by"] == [
        {"clause": "art6.national", "basis": "rating:smart:2025", "subject": "rating:smart:2025", "amount_yuan": 1_000_000}
    ]
    assert result["total_yuan"] == 1_000_000


ELIGIBLE = [rating("r-1", BEIJING, "2025-11-20")]


# --- second reading: every condition names the declared field it read (cond_source) -----------

def test_every_condition_names_its_source_when_granted():
    """An auditor can trace each condition to a declared field, even where the observed value is a count."""
    entry = clause(decide(declaration(*ELIGIBLE)), "art6.beijing_advanced")
    assert {c["id"]: c["source_field"] for c in entry["conditions"]} == {
        "art6.beijing_advanced_in_year": "ratings[r-1]",
        "art6.beijing_advanced_new": "ratings",
        "art6.beijing_advanced_not_paid": "prior_awards",
    }


def test_every_condition_names_its_source_when_failed():
    """A renewal and a prior award: the failing conditions point at the earlier rating and the prior award."""
    prior = [{"clause": "art6.beijing_advanced", "basis": "rating:smart:2024", "year": 2024, "amount": 500_000}]
    data = declaration(rating("r-0", BEIJING, "2024-01-15"), *ELIGIBLE, prior=prior)
    entry = clause(decide(data), "art6.beijing_advanced")
    assert {c["id"]: c["source_field"] for c in entry["conditions"]} == {
        "art6.beijing_advanced_in_year": "ratings[r-1]",
        "art6.beijing_advanced_new": "ratings[r-0]",
        "art6.beijing_advanced_not_paid": "prior_awards[0]",
    }

"""第六条 支持产业智能化发展: smart-factory titles (SPEC §3 art6.*, §3.1, §5).

"对新获评北京市先进级智能工厂的制造业企业，给予不超过 50 万元资金奖励。对新获评国家级智能制造
标杆、国家智能制造示范工厂、卓越级智能工厂、领航级智能工厂的企业，给予不超过 100 万元奖励。对新
获评世界经济论坛“灯塔工厂”的企业，给予不超过 200 万元奖励。"

Each test's name says why the clause passes or fails; each ends in the expected conclusion.
"""

from typing import Any

import pytest

from support import baseline, clause, condition, decide, set_annual, statuses

WHOLE_YEAR = ("I-events-whole-year",)
FULL = ("I-upgrade-full",)


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


@pytest.mark.parametrize(
    "kind", ["national_smart_benchmark", "national_smart_demo_factory", "excellence_smart_factory", "leading_smart_factory"]
)
def test_each_national_title_is_granted_up_to_1000000(kind):
    """Each of the four national titles named by the text makes art6.national: granted, 1,000,000."""
    result = decide(declaration(rating("r-1", kind, "2025-10-01")))
    entry = clause(result, "art6.national")
    assert entry["status"] == "granted"
    assert entry["amount_yuan"] == 1_000_000
    assert [c["clause"] for c in result["clauses"] if c["article"] == 6] == ["art6.national"]


def test_lighthouse_new_in_2025_is_granted_up_to_2000000():
    """A WEF Lighthouse newly obtained in 2025: granted, up to 2,000,000."""
    entry = clause(decide(declaration(rating("r-1", "wef_lighthouse", "2025-12-01"))), "art6.lighthouse")
    assert entry["status"] == "granted"
    assert entry["amount_yuan"] == 2_000_000


# --- the validity window (SPEC §1) ---------------------------------------------

def test_rated_2025_08_28_is_before_the_window_so_not_counted():
    """2025-08-28 is the day before the measures took effect: not counted for 2025, ineligible."""
    entry = clause(decide(declaration(rating("r-1", BEIJING, "2025-08-28"))), "art6.beijing_advanced")
    cond = condition(entry, "art6.beijing_advanced_in_year")
    assert cond["status"] == "fail"
    assert cond["notes"] == ["outside_validity_window(20250828)"]
    assert entry["status"] == "ineligible"


def test_rated_2025_08_29_is_the_first_day_of_the_window_so_counted():
    """2025-08-29, the day of publication, is inside the window: granted."""
    entry = clause(decide(declaration(rating("r-1", BEIJING, "2025-08-29"))), "art6.beijing_advanced")
    assert entry["status"] == "granted"


def test_rated_2025_03_01_counts_only_under_events_whole_year():
    """Before the window: ineligible by default, granted under I-events-whole-year."""
    data = declaration(rating("r-1", BEIJING, "2025-03-01"))
    assert clause(decide(data), "art6.beijing_advanced")["status"] == "ineligible"
    result = decide(data, interpretations=WHOLE_YEAR)
    assert "I-events-whole-year" in result["interpretations"]
    assert clause(result, "art6.beijing_advanced")["status"] == "granted"


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


def test_national_after_a_paid_beijing_title_pays_the_difference():
    """Beijing advanced paid 500,000 in 2025, national in 2026: 500,000 by default, 1,000,000 under I-upgrade-full."""
    prior = [{"clause": "art6.beijing_advanced", "basis": "rating:smart:2025", "year": 2025, "amount": 500_000}]
    data = declaration(rating("r-1", BEIJING, "2025-11-20"), rating("r-2", "excellence_smart_factory", "2026-06-01"),
                       year=2026, prior=prior)
    result = decide(data)
    entry = clause(result, "art6.national")
    assert (entry["status"], entry["amount_yuan"], entry["cap_yuan"]) == ("granted", 500_000, 1_000_000)
    assert clause(result, "art6.beijing_advanced")["status"] == "ineligible"
    assert clause(decide(data, interpretations=FULL), "art6.national")["amount_yuan"] == 1_000_000


# --- one condition at a time, from an eligible declaration ----------------------------------

ELIGIBLE = [rating("r-1", BEIJING, "2025-11-20")]
ONE_AT_A_TIME = {
    "art6.beijing_advanced_in_year": dict(ratings=[rating("r-1", BEIJING, "2025-08-01")]),  # before the window
    "art6.beijing_advanced_new": dict(ratings=[rating("r-0", BEIJING, "2024-01-15"), *ELIGIBLE]),
    "art6.beijing_advanced_not_paid": dict(
        ratings=ELIGIBLE,
        prior=[{"clause": "art6.beijing_advanced", "basis": "rating:smart:2024", "year": 2024, "amount": 500_000}],
    ),
}


@pytest.mark.parametrize("failing", sorted(ONE_AT_A_TIME))
def test_one_condition_at_a_time_fails_only_that_condition(failing):
    """Changing one fact of an eligible declaration fails exactly the condition it touches: ineligible."""
    case = ONE_AT_A_TIME[failing]
    data = declaration(*case["ratings"], prior=case.get("prior"))
    entry = clause(decide(data), "art6.beijing_advanced")
    assert statuses(entry) == {**ALL_PASS, failing: "fail"}
    assert entry["status"] == "ineligible"


def test_eligible_declaration_passes_every_condition():
    """The baseline for the one-at-a-time tests is itself granted."""
    entry = clause(decide(declaration(*ELIGIBLE)), "art6.beijing_advanced")
    assert statuses(entry) == ALL_PASS
    assert entry["status"] == "granted"


# --- what is listed (SPEC §5) ---------------------------------------------------------

def test_no_smart_rating_lists_no_art6_clause():
    """Without a smart-factory rating, Art 6 is not listed at all."""
    result = decide(declaration(rating("r-1", "beijing_green_factory", "2025-11-20")))
    assert [c for c in result["clauses"] if c["article"] == 6] == []


def test_a_failed_gate_bars_the_title():
    """Credit record not good (第十六条): the title is barred, though every condition passes."""
    data = declaration(*ELIGIBLE)
    data["enterprise"]["credit_good"] = False
    entry = clause(decide(data), "art6.beijing_advanced")
    assert statuses(entry) == ALL_PASS
    assert entry["status"] == "barred"


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


# --- second reading: the other two clauses, one condition at a time -----------------------------

OTHER_CLAUSES = {"art6.national": "excellence_smart_factory", "art6.lighthouse": "wef_lighthouse"}


@pytest.mark.parametrize("clause_id", sorted(OTHER_CLAUSES))
@pytest.mark.parametrize("failing", ["in_year", "new", "not_paid"])
def test_national_and_lighthouse_one_condition_at_a_time(clause_id, failing):
    """art6.national and art6.lighthouse: from a granted title, each change fails exactly its condition."""
    kind = OTHER_CLAUSES[clause_id]
    eligible = rating("r-1", kind, "2025-11-20")
    all_pass = {f"{clause_id}_{name}": "pass" for name in ("in_year", "new", "not_paid")}
    assert clause(decide(declaration(eligible)), clause_id)["status"] == "granted"
    ratings, prior = [eligible], None
    if failing == "in_year":
        ratings = [rating("r-1", kind, "2025-08-28")]
    elif failing == "new":
        ratings = [rating("r-0", kind, "2024-01-15"), eligible]
    else:
        prior = [{"clause": clause_id, "basis": "rating:smart:2024", "year": 2024, "amount": 100_000}]
    entry = clause(decide(declaration(*ratings, prior=prior)), clause_id)
    assert statuses(entry) == {**all_pass, f"{clause_id}_{failing}": "fail"}
    assert entry["status"] == "ineligible"


# --- second reading: the calendar-year boundary of the support year ----------------------------

@pytest.mark.parametrize("date, status", [("2025-12-31", "ineligible"), ("2026-01-01", "granted")])
def test_support_year_2026_counts_from_1_january(date, status):
    """Support year 2026: a title of 31 December 2025 belongs to 2025, one of 1 January 2026 to 2026."""
    entry = clause(decide(declaration(rating("r-1", BEIJING, date), year=2026)), "art6.beijing_advanced")
    assert entry["status"] == status

"""第七条 支持产业绿色发展: emission-grade upgrades and green factories (SPEC §3 art7.*, §3.1, §5).

"新实现绩效提级至A级和引领性的企业给予不超过 50 万元资金奖励，绩效提级至B级的企业给予不超过 20 万元
资金奖励，绩效提级至C级的企业给予不超过 10 万元资金奖励。对获评北京市“绿色工厂”称号的企业给予不超过
30 万元一次性资金奖励，对获评国家级“绿色工厂”称号的企业给予不超过 50 万元一次性资金奖励。"

Each test's name says why the clause passes or fails; each ends in the expected conclusion.
"""

from typing import Any

import pytest

from support import baseline, clause, condition, decide, set_annual, statuses

WHOLE_YEAR = ("I-events-whole-year",)
FULL = ("I-upgrade-full",)
ONCE = ("I-emission-once-per-grade",)


def emission(rid: str, date: str, grade: str, previous: str | None = None) -> dict[str, Any]:
    r: dict[str, Any] = {"id": rid, "kind": "emission_grade", "date": date, "grade": grade}
    if previous is not None:
        r["previous_grade"] = previous
    return r


def green(rid: str, kind: str, date: str) -> dict[str, Any]:
    return {"id": rid, "kind": kind, "date": date}


def declaration(*ratings: dict[str, Any], year: int = 2025, prior: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The eligible baseline with these ratings; support year 2026 is declared in 2027."""
    data = baseline(ratings=list(ratings), prior_awards=prior or [])
    if year == 2026:
        data["support_year"] = 2026
        data["declaration_date"] = "2027-03-01"
        set_annual(data, 2026, gross_output=62_000_000, rd_expense=1_200_000)
    return data


def article7(result: dict[str, Any]) -> list[str]:
    return [c["clause"] for c in result["clauses"] if c["article"] == 7]


def emission_pass(letter: str, once: bool = False) -> dict[str, str]:
    """The conditions of an emission clause, all passing: the history test (_new) exists only under
    I-emission-once-per-grade; by default (I-emission-upgrade) the grades are upgrades, not titles."""
    names = ("in_year", "new", "not_paid", "upgrade") if once else ("in_year", "not_paid", "upgrade")
    return {f"art7.emission_{letter}_{name}": "pass" for name in names}


# --- emission grades: granted ----------------------------------------------------------

def test_upgrade_c_to_b_is_granted_up_to_200000():
    """Rated B in October 2025, previously C: an upgrade to B, granted up to 200,000."""
    entry = clause(decide(declaration(emission("r-1", "2025-10-09", "B", "C"))), "art7.emission_b")
    assert entry["subject"] == "rating:emission:2025"
    assert statuses(entry) == emission_pass("b")
    up = condition(entry, "art7.emission_b_upgrade")
    assert (up["observed"], up["required"]) == ({"previous_grade": "C", "grade": "B"}, {"previous_grade_below": "B"})
    assert (entry["status"], entry["amount_yuan"], entry["cap_yuan"]) == ("granted", 200_000, 200_000)


@pytest.mark.parametrize("grade", ["A", "leading"])
def test_upgrade_to_a_or_leading_is_emission_a_up_to_500000(grade):
    """"提级至A级和引领性": A and leading both make art7.emission_a, granted up to 500,000."""
    result = decide(declaration(emission("r-1", "2025-10-09", grade, "B")))
    assert article7(result) == ["art7.emission_a"]
    entry = clause(result, "art7.emission_a")
    assert (entry["status"], entry["amount_yuan"]) == ("granted", 500_000)


def test_upgrade_none_to_c_is_emission_c_up_to_100000():
    """From no grade to C is an upgrade: art7.emission_c granted up to 100,000."""
    entry = clause(decide(declaration(emission("r-1", "2025-10-09", "C", "none"))), "art7.emission_c")
    assert (entry["status"], entry["amount_yuan"]) == ("granted", 100_000)


# --- emission grades: not an upgrade ------------------------------------------------------

def test_b_to_b_is_not_an_upgrade():
    """Re-rated B from B: no upgrade (提级), ineligible."""
    entry = clause(decide(declaration(emission("r-1", "2025-10-09", "B", "B"))), "art7.emission_b")
    assert statuses(entry) == {**emission_pass("b"), "art7.emission_b_upgrade": "fail"}
    assert entry["status"] == "ineligible"


def test_a_equals_leading_so_a_to_leading_is_not_an_upgrade():
    """The order has A = leading: A to leading is no upgrade, ineligible."""
    entry = clause(decide(declaration(emission("r-1", "2025-10-09", "leading", "A"))), "art7.emission_a")
    assert statuses(entry)["art7.emission_a_upgrade"] == "fail"
    assert entry["status"] == "ineligible"


def test_missing_previous_grade_is_undetermined():
    """previous_grade not declared: the upgrade condition is unknown and names the field, undetermined."""
    entry = clause(decide(declaration(emission("r-1", "2025-10-09", "B"))), "art7.emission_b")
    up = condition(entry, "art7.emission_b_upgrade")
    assert (up["status"], up["missing"]) == ("unknown", "ratings[r-1].previous_grade")
    assert statuses(entry) == {**emission_pass("b"), "art7.emission_b_upgrade": "unknown"}
    assert entry["status"] == "undetermined"


@pytest.mark.parametrize("grade", ["D", "none"])
def test_grade_d_or_none_touches_no_clause(grade):
    """An emission rating of grade D or none names no clause: nothing of Art 7 is listed."""
    result = decide(declaration(emission("r-1", "2025-10-09", grade, "none")))
    assert article7(result) == []


# --- emission grades: newly achieved ---------------------------------------------------------

def test_an_earlier_lower_grade_does_not_block_a_later_upgrade():
    """Rated C in 2024, B in 2025: the earlier lower grade is not the same title, B is newly achieved."""
    data = declaration(emission("r-0", "2024-03-01", "C", "D"), emission("r-1", "2025-10-09", "B", "C"))
    result = decide(data)
    assert clause(result, "art7.emission_b")["status"] == "granted"
    assert clause(result, "art7.emission_c")["status"] == "ineligible"  # listed: C dated 2024, not in 2025


def test_regaining_a_grade_held_before_is_an_upgrade_but_not_once_per_grade():
    """B in 2023, down to C in 2024, back to B in 2025: C→B is an upgrade in 2025, granted by default
    (I-emission-upgrade); under I-emission-once-per-grade B was reached before (新实现 fails), ineligible."""
    data = declaration(emission("r-0", "2023-03-01", "B", "C"), emission("r-1", "2024-03-01", "C", "B"),
                       emission("r-2", "2025-10-09", "B", "C"))
    entry = clause(decide(data), "art7.emission_b")
    assert statuses(entry) == emission_pass("b")
    assert (entry["status"], entry["amount_yuan"]) == ("granted", 200_000)
    entry = clause(decide(data, interpretations=ONCE), "art7.emission_b")
    new = condition(entry, "art7.emission_b_new")
    assert (new["status"], new["observed"]) == ("fail", {"rating": "r-0", "date": "2023-03-01"})
    assert statuses(entry) == {**emission_pass("b", once=True), "art7.emission_b_new": "fail"}
    assert entry["status"] == "ineligible"


def test_c_then_b_in_the_same_year_pays_only_b():
    """C in September and B in November 2025 share rating:emission:2025: B granted, C superseded by it."""
    data = declaration(emission("r-1", "2025-09-01", "C", "D"), emission("r-2", "2025-11-01", "B", "C"))
    result = decide(data)
    assert clause(result, "art7.emission_b")["status"] == "granted"
    entry_c = clause(result, "art7.emission_c")
    assert entry_c["status"] == "superseded"
    assert entry_c["superseded_by"][0]["clause"] == "art7.emission_b"
    assert result["totals_by_article"]["7"] == 200_000


def test_two_plants_upgraded_to_b_in_one_year_make_one_award():
    """Two plants rated B in 2025: one entry, one award of 200,000 (I-rating-per-enterprise)."""
    data = declaration(emission("r-1", "2025-10-09", "B", "C"), emission("r-2", "2025-10-09", "B", "D"))
    result = decide(data)
    assert article7(result) == ["art7.emission_b"]
    assert [a["amount_yuan"] for a in result["awards"] if a["clause"] == "art7.emission_b"] == [200_000]


@pytest.mark.parametrize("date, status", [("2025-08-28", "ineligible"), ("2025-08-29", "granted")])
def test_emission_rating_on_the_window_boundary(date, status):
    """2025-08-28 lies before the validity window (not counted), 2025-08-29 is its first day."""
    entry = clause(decide(declaration(emission("r-1", date, "B", "C"))), "art7.emission_b")
    assert entry["status"] == status


def test_emission_rating_before_the_window_counts_under_events_whole_year():
    """Rated 2025-03-01: ineligible by default, granted under I-events-whole-year."""
    data = declaration(emission("r-1", "2025-03-01", "B", "C"))
    assert clause(decide(data), "art7.emission_b")["status"] == "ineligible"
    assert clause(decide(data, interpretations=WHOLE_YEAR), "art7.emission_b")["status"] == "granted"


def test_prior_award_of_emission_b_fails_it():
    """art7.emission_b was paid in 2025: a 2026 B rating cannot be paid again, ineligible."""
    prior = [{"clause": "art7.emission_b", "basis": "rating:emission:2025", "year": 2025, "amount": 200_000}]
    entry = clause(decide(declaration(emission("r-1", "2026-05-01", "B", "C"), year=2026, prior=prior)),
                   "art7.emission_b")
    assert statuses(entry)["art7.emission_b_not_paid"] == "fail"
    assert entry["status"] == "ineligible"


def test_upgrade_to_a_after_a_paid_b_pays_the_difference():
    """B paid 200,000 in 2025, A in 2026: 300,000 by default, 500,000 under I-upgrade-full."""
    prior = [{"clause": "art7.emission_b", "basis": "rating:emission:2025", "year": 2025, "amount": 200_000}]
    data = declaration(emission("r-1", "2025-10-09", "B", "C"), emission("r-2", "2026-06-01", "A", "B"),
                       year=2026, prior=prior)
    assert clause(decide(data), "art7.emission_a")["amount_yuan"] == 300_000
    assert clause(decide(data, interpretations=FULL), "art7.emission_a")["amount_yuan"] == 500_000


# --- emission: one condition at a time ------------------------------------------------------

EMISSION_ONE_AT_A_TIME = {
    "art7.emission_b_in_year": dict(ratings=[emission("r-1", "2025-08-01", "B", "C")]),
    "art7.emission_b_new": dict(ratings=[emission("r-0", "2024-02-01", "B", "C"), emission("r-1", "2025-10-09", "B", "C")]),
    "art7.emission_b_upgrade": dict(ratings=[emission("r-1", "2025-10-09", "B", "A")]),
    "art7.emission_b_not_paid": dict(
        ratings=[emission("r-1", "2025-10-09", "B", "C")],
        prior=[{"clause": "art7.emission_b", "basis": "rating:emission:2025", "year": 2025, "amount": 200_000}],
    ),
}


@pytest.mark.parametrize("failing", sorted(EMISSION_ONE_AT_A_TIME))
def test_emission_one_condition_at_a_time(failing):
    """Under I-emission-once-per-grade, from an eligible C→B upgrade, each change fails exactly the
    condition it touches: ineligible. By default the same changes fail the same conditions, except
    the earlier B, which blocks nothing (granted)."""
    case = EMISSION_ONE_AT_A_TIME[failing]
    data = declaration(*case["ratings"], prior=case.get("prior"))
    entry = clause(decide(data, interpretations=ONCE), "art7.emission_b")
    assert statuses(entry) == {**emission_pass("b", once=True), failing: "fail"}
    assert entry["status"] == "ineligible"
    entry = clause(decide(data), "art7.emission_b")
    if failing == "art7.emission_b_new":
        assert (statuses(entry), entry["status"]) == (emission_pass("b"), "granted")
    else:
        assert statuses(entry) == {**emission_pass("b"), failing: "fail"}
        assert entry["status"] == "ineligible"


# --- green factories -------------------------------------------------------------------------

GREEN_PASS = {f"art7.green_beijing_{name}": "pass" for name in ("in_year", "new", "not_paid")}


def test_beijing_green_factory_new_in_2025_is_granted_up_to_300000():
    """Beijing green factory rated December 2025: granted up to 300,000 (一次性)."""
    entry = clause(decide(declaration(green("r-1", "beijing_green_factory", "2025-12-01"))), "art7.green_beijing")
    assert entry["subject"] == "rating:green:2025"
    assert statuses(entry) == GREEN_PASS
    assert (entry["status"], entry["amount_yuan"]) == ("granted", 300_000)


def test_national_green_after_a_paid_beijing_green_pays_the_difference():
    """Beijing green paid 300,000 in 2025, national green in 2026: 200,000 by default, 500,000 under I-upgrade-full."""
    prior = [{"clause": "art7.green_beijing", "basis": "rating:green:2025", "year": 2025, "amount": 300_000}]
    data = declaration(green("r-1", "beijing_green_factory", "2025-12-01"),
                       green("r-2", "national_green_factory", "2026-09-01"), year=2026, prior=prior)
    result = decide(data)
    entry = clause(result, "art7.green_national")
    assert (entry["status"], entry["amount_yuan"], entry["cap_yuan"]) == ("granted", 200_000, 500_000)
    assert entry["amount_before_rounding_yuan_decimal"] == "200000.00"
    assert clause(result, "art7.green_beijing")["status"] == "ineligible"
    full = decide(data, interpretations=FULL)
    assert "I-upgrade-full" in full["interpretations"]
    assert clause(full, "art7.green_national")["amount_yuan"] == 500_000


def test_lower_title_after_a_higher_paid_one_leaves_nothing():
    """National green paid 500,000 in 2025, Beijing green in 2026: nothing left (below_minimum); 300,000 in full."""
    prior = [{"clause": "art7.green_national", "basis": "rating:green:2025", "year": 2025, "amount": 500_000}]
    data = declaration(green("r-1", "beijing_green_factory", "2026-04-01"), year=2026, prior=prior)
    entry = clause(decide(data), "art7.green_beijing")
    assert statuses(entry) == GREEN_PASS
    assert (entry["status"], entry["amount_yuan"]) == ("below_minimum", 0)
    assert clause(decide(data, interpretations=FULL), "art7.green_beijing")["status"] == "granted"


def test_same_year_beijing_and_national_green_pays_the_national_title():
    """Both green titles in 2025 share rating:green:2025: national granted, Beijing superseded by it."""
    data = declaration(green("r-1", "beijing_green_factory", "2025-09-01"),
                       green("r-2", "national_green_factory", "2025-12-01"))
    result = decide(data)
    assert clause(result, "art7.green_national")["status"] == "granted"
    assert clause(result, "art7.green_beijing")["superseded_by"][0]["clause"] == "art7.green_national"


def test_green_re_review_is_not_newly_obtained():
    """National green rated 2022 and again 2025: a re-review, ineligible."""
    data = declaration(green("r-0", "national_green_factory", "2022-01-10"),
                       green("r-1", "national_green_factory", "2025-12-01"))
    entry = clause(decide(data), "art7.green_national")
    assert statuses(entry)["art7.green_national_new"] == "fail"
    assert entry["status"] == "ineligible"


GREEN_ONE_AT_A_TIME = {
    "art7.green_beijing_in_year": dict(ratings=[green("r-1", "beijing_green_factory", "2025-08-28")]),
    "art7.green_beijing_new": dict(ratings=[green("r-0", "beijing_green_factory", "2024-12-01"),
                                            green("r-1", "beijing_green_factory", "2025-12-01")]),
    "art7.green_beijing_not_paid": dict(
        ratings=[green("r-1", "beijing_green_factory", "2025-12-01")],
        prior=[{"clause": "art7.green_beijing", "basis": "rating:green:2024", "year": 2024, "amount": 300_000}],
    ),
}


@pytest.mark.parametrize("failing", sorted(GREEN_ONE_AT_A_TIME))
def test_green_one_condition_at_a_time(failing):
    """From an eligible Beijing green factory, each change fails exactly the condition it touches: ineligible."""
    case = GREEN_ONE_AT_A_TIME[failing]
    entry = clause(decide(declaration(*case["ratings"], prior=case.get("prior"))), "art7.green_beijing")
    assert statuses(entry) == {**GREEN_PASS, failing: "fail"}
    assert entry["status"] == "ineligible"


def test_what_another_family_was_paid_does_not_reduce_a_green_title():
    """A smart-factory award of 500,000 in 2025 is another family: national green in 2026 is paid 500,000 in full."""
    prior = [{"clause": "art6.beijing_advanced", "basis": "rating:smart:2025", "year": 2025, "amount": 500_000}]
    data = declaration(green("r-1", "national_green_factory", "2026-09-01"), year=2026, prior=prior)
    entry = clause(decide(data), "art7.green_national")
    assert (entry["status"], entry["amount_yuan"]) == ("granted", 500_000)


# --- second reading: every condition names the declared field it read (cond_source) -----------

def test_every_emission_condition_names_its_source():
    """The upgrade test reads the title's previous_grade; paid-once the prior awards; 'new' (only under
    I-emission-once-per-grade) reads the declared ratings."""
    data = declaration(emission("r-1", "2025-10-09", "B", "C"))
    sources = {
        "art7.emission_b_in_year": "ratings[r-1]",
        "art7.emission_b_upgrade": "ratings[r-1].previous_grade",
        "art7.emission_b_not_paid": "prior_awards",
    }
    entry = clause(decide(data), "art7.emission_b")
    assert {c["id"]: c["source_field"] for c in entry["conditions"]} == sources
    entry = clause(decide(data, interpretations=ONCE), "art7.emission_b")
    assert {c["id"]: c["source_field"] for c in entry["conditions"]} == {**sources, "art7.emission_b_new": "ratings"}


def test_every_green_condition_names_its_source():
    entry = clause(decide(declaration(green("r-1", "national_green_factory", "2025-12-01"))), "art7.green_national")
    assert {c["id"]: c["source_field"] for c in entry["conditions"]} == {
        "art7.green_national_in_year": "ratings[r-1]",
        "art7.green_national_new": "ratings",
        "art7.green_national_not_paid": "prior_awards",
    }


# --- second reading: emission A and C, and national green, one condition at a time --------------

EMISSION_CASES = {
    # clause letter: (an eligible upgrade, a non-upgrade to the same grade, an earlier rating at the same grade)
    "a": (emission("r-1", "2025-10-09", "leading", "B"), emission("r-1", "2025-10-09", "A", "A"),
          emission("r-0", "2023-10-09", "A", "B")),
    "c": (emission("r-1", "2025-10-09", "C", "D"), emission("r-1", "2025-10-09", "C", "B"),
          emission("r-0", "2024-10-09", "B", "C")),  # B held before is at or above C
}


@pytest.mark.parametrize("letter", sorted(EMISSION_CASES))
@pytest.mark.parametrize("failing", ["in_year", "new", "upgrade", "not_paid"])
def test_emission_a_and_c_one_condition_at_a_time(letter, failing):
    """Under I-emission-once-per-grade, from a granted upgrade to A (leading) or C, each change fails
    exactly the condition it touches (the default is tested in test_emission_one_condition_at_a_time
    and by the three shapes at the end of this file)."""
    eligible, flat, earlier = EMISSION_CASES[letter]
    clause_id = f"art7.emission_{letter}"
    assert clause(decide(declaration(eligible), interpretations=ONCE), clause_id)["status"] == "granted"
    ratings, prior = [eligible], None
    if failing == "in_year":
        ratings = [{**eligible, "date": "2025-08-28"}]
    elif failing == "new":
        ratings = [earlier, eligible]
    elif failing == "upgrade":
        ratings = [flat]
    else:
        prior = [{"clause": clause_id, "basis": "rating:emission:2024", "year": 2024, "amount": 100_000}]
    entry = clause(decide(declaration(*ratings, prior=prior), interpretations=ONCE), clause_id)
    assert statuses(entry) == {**emission_pass(letter, once=True), f"{clause_id}_{failing}": "fail"}
    assert entry["status"] == "ineligible"


@pytest.mark.parametrize("previous, status", [("C", "ineligible"), ("D", "granted")])
def test_grade_order_boundary_for_c(previous, status):
    """none < D < C: C from D is an upgrade, C from C is not."""
    entry = clause(decide(declaration(emission("r-1", "2025-10-09", "C", previous))), "art7.emission_c")
    assert entry["status"] == status


GREEN_NATIONAL_PASS = {f"art7.green_national_{name}": "pass" for name in ("in_year", "new", "not_paid")}


@pytest.mark.parametrize("failing", ["in_year", "new", "not_paid"])
def test_green_national_one_condition_at_a_time(failing):
    """From a granted national green factory, each change fails exactly the condition it touches."""
    eligible = green("r-1", "national_green_factory", "2025-12-01")
    ratings, prior = [eligible], None
    if failing == "in_year":
        ratings = [green("r-1", "national_green_factory", "2024-12-01")]
    elif failing == "new":
        ratings = [green("r-0", "national_green_factory", "2024-12-01"), eligible]
    else:
        prior = [{"clause": "art7.green_national", "basis": "rating:green:2024", "year": 2024, "amount": 500_000}]
    entry = clause(decide(declaration(*ratings, prior=prior)), "art7.green_national")
    assert statuses(entry) == {**GREEN_NATIONAL_PASS, f"art7.green_national_{failing}": "fail"}
    assert entry["status"] == "ineligible"


# --- the two readings of "新实现绩效提级" on three shapes (SPEC §3.1, issue 17 §1) -------------------
# I-emission-upgrade (default): an award needs an upgrade dated in Y to the clause's grade from a lower
# previous_grade; earlier ratings, at any grade, do not block it. I-emission-once-per-grade (switch):
# an upgrade to a grade already held, or bettered, in an earlier rating is not paid.

def awards(result: dict[str, Any]) -> list[tuple[str, str, int]]:
    return sorted((a["clause"], a["basis"], a["amount_yuan"]) for a in result["awards"])


def test_shape_a_grade_held_in_2024_then_upgrade_b_to_a_in_2026():
    """A held in 2024, B→A in 2026: the default pays the 2026 upgrade (500,000, no history condition);
    the switch refuses it, naming the 2024 A as what decided."""
    data = declaration(emission("r-0", "2024-05-01", "A", "B"), emission("r-2", "2026-06-01", "A", "B"), year=2026)
    result = decide(data)
    entry = clause(result, "art7.emission_a")
    assert entry["subject"] == "rating:emission:2026"
    assert statuses(entry) == emission_pass("a")
    assert (entry["status"], entry["amount_yuan"]) == ("granted", 500_000)
    assert awards(result) == [("art7.emission_a", "rating:emission:2026", 500_000)]
    assert "I-emission-upgrade" in result["interpretations"]

    switched = decide(data, interpretations=ONCE)
    assert "I-emission-once-per-grade" in switched["interpretations"]
    assert "I-emission-upgrade" not in switched["interpretations"]
    entry = clause(switched, "art7.emission_a")
    assert statuses(entry) == {**emission_pass("a", once=True), "art7.emission_a_new": "fail"}
    new = condition(entry, "art7.emission_a_new")
    assert new["observed"] == {"rating": "r-0", "date": "2024-05-01"}
    assert entry["status"] == "ineligible"
    assert awards(switched) == []


def test_shape_a_prior_award_and_family_difference_still_apply_under_the_default():
    """The history no longer blocks, but paying twice still does: the A paid in 2024 fails _not_paid;
    a B paid 200,000 in 2025 leaves 300,000 for the 2026 A (I-upgrade-difference); 500,000 under I-upgrade-full."""
    ratings = (emission("r-0", "2024-05-01", "A", "B"), emission("r-2", "2026-06-01", "A", "B"))
    paid_a = [{"clause": "art7.emission_a", "basis": "rating:emission:2024", "year": 2024, "amount": 500_000}]
    entry = clause(decide(declaration(*ratings, year=2026, prior=paid_a)), "art7.emission_a")
    assert statuses(entry) == {**emission_pass("a"), "art7.emission_a_not_paid": "fail"}
    assert entry["status"] == "ineligible"

    paid_b = [{"clause": "art7.emission_b", "basis": "rating:emission:2025", "year": 2025, "amount": 200_000}]
    data = declaration(*ratings, year=2026, prior=paid_b)
    entry = clause(decide(data), "art7.emission_a")
    assert (entry["status"], entry["amount_yuan"], entry["cap_yuan"]) == ("granted", 300_000, 500_000)
    assert clause(decide(data, interpretations=FULL), "art7.emission_a")["amount_yuan"] == 500_000
    assert clause(decide(data, interpretations=ONCE), "art7.emission_a")["status"] == "ineligible"


def test_shape_b_leading_two_days_before_an_upgrade_to_c_in_the_same_year():
    """Leading (from B) on 2025-10-07, none→C on 2025-10-09. By default both upgrades pass every condition;
    they share rating:emission:2025 (one family, one project, SPEC §3.1), so only the most favourable is
    paid: emission_a 500,000 granted, emission_c superseded by it. Under the switch the leading rating
    blocks the C (ineligible, naming it) and emission_a is granted alone."""
    data = declaration(emission("r-0", "2025-10-07", "leading", "B"), emission("r-1", "2025-10-09", "C", "none"))
    result = decide(data)
    entry_a, entry_c = clause(result, "art7.emission_a"), clause(result, "art7.emission_c")
    assert statuses(entry_c) == emission_pass("c")
    assert (entry_a["status"], entry_a["amount_yuan"]) == ("granted", 500_000)
    assert (entry_c["status"], entry_c["amount_yuan"]) == ("superseded", 100_000)
    assert [s["clause"] for s in entry_c["superseded_by"]] == ["art7.emission_a"]
    assert awards(result) == [("art7.emission_a", "rating:emission:2025", 500_000)]

    switched = decide(data, interpretations=ONCE)
    entry_c = clause(switched, "art7.emission_c")
    assert statuses(entry_c) == {**emission_pass("c", once=True), "art7.emission_c_new": "fail"}
    assert condition(entry_c, "art7.emission_c_new")["observed"] == {"rating": "r-0", "date": "2025-10-07"}
    assert entry_c["status"] == "ineligible"
    assert clause(switched, "art7.emission_a")["status"] == "granted"
    assert awards(switched) == [("art7.emission_a", "rating:emission:2025", 500_000)]


def test_shape_b_leading_two_days_before_an_upgrade_to_c_across_the_year_end():
    """Leading on 2025-12-30, none→C on 2026-01-01, support year 2026: the leading rating is not in Y,
    so the C alone is paid by default (100,000); the switch refuses it and nothing is paid."""
    data = declaration(emission("r-0", "2025-12-30", "leading", "B"), emission("r-1", "2026-01-01", "C", "none"),
                       year=2026)
    result = decide(data)
    assert clause(result, "art7.emission_a")["status"] == "ineligible"
    entry_c = clause(result, "art7.emission_c")
    assert (statuses(entry_c), entry_c["status"], entry_c["amount_yuan"]) == (emission_pass("c"), "granted", 100_000)
    assert awards(result) == [("art7.emission_c", "rating:emission:2026", 100_000)]

    switched = decide(data, interpretations=ONCE)
    entry_c = clause(switched, "art7.emission_c")
    assert statuses(entry_c) == {**emission_pass("c", once=True), "art7.emission_c_new": "fail"}
    assert entry_c["status"] == "ineligible"
    assert awards(switched) == []


@pytest.mark.parametrize("reading", [(), ONCE])
def test_shape_c_an_earlier_lower_grade_blocks_no_upgrade_under_either_reading(reading):
    """C in 2024, C→B in 2025: B is granted 200,000 under both readings (the earlier grade is lower);
    the 2024 C lists emission_c, ineligible because it is not dated in 2025."""
    data = declaration(emission("r-0", "2024-03-01", "C", "D"), emission("r-1", "2025-10-09", "B", "C"))
    result = decide(data, interpretations=reading)
    entry = clause(result, "art7.emission_b")
    assert statuses(entry) == emission_pass("b", once=bool(reading))
    assert (entry["status"], entry["amount_yuan"]) == ("granted", 200_000)
    assert clause(result, "art7.emission_c")["status"] == "ineligible"
    assert awards(result) == [("art7.emission_b", "rating:emission:2025", 200_000)]


@pytest.mark.parametrize("reading", [(), ONCE])
def test_shape_c_with_the_lower_grade_paid_before_pays_the_difference(reading):
    """C paid 100,000 in 2024, C→B in 2026: 100,000 (the family difference) under both readings."""
    prior = [{"clause": "art7.emission_c", "basis": "rating:emission:2024", "year": 2024, "amount": 100_000}]
    data = declaration(emission("r-0", "2024-03-01", "C", "D"), emission("r-1", "2026-04-01", "B", "C"),
                       year=2026, prior=prior)
    entry = clause(decide(data, interpretations=reading), "art7.emission_b")
    assert (entry["status"], entry["amount_yuan"]) == ("granted", 100_000)


def test_the_switch_end_to_end_through_the_cli(tmp_path):
    """`check -i I-emission-once-per-grade` exits 0 and refuses shape (a); `readings` lists both readings."""
    import json

    from typer.testing import CliRunner

    from pinggu_asp.cli import app

    runner = CliRunner()
    path = tmp_path / "shape-a.json"
    data = declaration(emission("r-0", "2024-05-01", "A", "B"), emission("r-2", "2026-06-01", "A", "B"), year=2026)
    path.write_text(json.dumps(data), encoding="utf-8")
    default = runner.invoke(app, ["check", str(path)])
    assert default.exit_code == 0, default.output
    assert clause(json.loads(default.stdout), "art7.emission_a")["status"] == "granted"
    switched = runner.invoke(app, ["check", str(path), "-i", "I-emission-once-per-grade"])
    assert switched.exit_code == 0, switched.output
    assert clause(json.loads(switched.stdout), "art7.emission_a")["status"] == "ineligible"
    refused = runner.invoke(app, ["check", str(path), "-i", "I-emission-upgrade"])
    assert refused.exit_code == 2  # a default reading is not a switch
    listed = runner.invoke(app, ["readings", "--lang", "en"])
    assert listed.exit_code == 0, listed.output
    assert "I-emission-upgrade" in listed.stdout
    assert "-i I-emission-once-per-grade" in listed.stdout

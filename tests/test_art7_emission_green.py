"""第七条 支持产业绿色发展: emission-grade upgrades and green factories (SPEC §3 art7.*, §3.1, §5).

"新实现绩效提级至A级和引领性的企业给予不超过 50 万元资金奖励，绩效提级至B级的企业给予不超过 20 万元
资金奖励，绩效提级至C级的企业给予不超过 10 万元资金奖励。对获评北京市“绿色工厂”称号的企业给予不超过
30 万元一次性资金奖励，对获评国家级“绿色工厂”称号的企业给予不超过 50 万元一次性资金奖励。"

The cases (every boundary, each condition one at a time, the three shapes under both readings, the
differences after a lower title was paid) are tests/cases/art7.yaml; this file keeps only what a case
cannot say: the observed and required values a condition shows, the field a missing fact names, the
exact set of conditions under each reading, the winner a superseded clause names, the declared field
each condition read, and the switch end to end through the CLI.
"""

from typing import Any

import pytest

from support import baseline, clause, condition, decide, set_annual, statuses

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


def emission_pass(letter: str, once: bool = False) -> dict[str, str]:
    """The conditions of an emission clause, all passing: the history test (_new) exists only under
    I-emission-once-per-grade; by default (I-emission-upgrade) the grades are upgrades, not titles."""
    names = ("in_year", "new", "not_paid", "upgrade") if once else ("in_year", "not_paid", "upgrade")
    return {f"art7.emission_{letter}_{name}": "pass" for name in names}


# --- what a condition shows --------------------------------------------------------------------

def test_the_upgrade_condition_shows_both_grades():
    """Rated B in October 2025, previously C: the upgrade condition observes C→B against "below B"."""
    entry = clause(decide(declaration(emission("r-1", "2025-10-09", "B", "C"))), "art7.emission_b")
    assert entry["subject"] == "rating:emission:2025"
    up = condition(entry, "art7.emission_b_upgrade")
    assert (up["observed"], up["required"]) == ({"previous_grade": "C", "grade": "B"}, {"previous_grade_below": "B"})
    assert (entry["status"], entry["amount_yuan"], entry["cap_yuan"]) == ("granted", 200_000, 200_000)


def test_missing_previous_grade_names_the_field():
    """previous_grade not declared: the upgrade condition is unknown and names ratings[r-1].previous_grade."""
    entry = clause(decide(declaration(emission("r-1", "2025-10-09", "B"))), "art7.emission_b")
    up = condition(entry, "art7.emission_b_upgrade")
    assert (up["status"], up["missing"]) == ("unknown", "ratings[r-1].previous_grade")


@pytest.mark.parametrize("reading, once", [((), False), (ONCE, True)])
def test_the_history_condition_exists_only_under_once_per_grade(reading, once):
    """By default (I-emission-upgrade) the grades are upgrades, not titles: there is no _new condition;
    under I-emission-once-per-grade there is, and the result names the reading in force."""
    result = decide(declaration(emission("r-1", "2025-10-09", "B", "C")), interpretations=reading)
    assert statuses(clause(result, "art7.emission_b")) == emission_pass("b", once=once)
    assert ("I-emission-once-per-grade" if once else "I-emission-upgrade") in result["interpretations"]
    assert ("I-emission-upgrade" if once else "I-emission-once-per-grade") not in result["interpretations"]


def test_the_history_condition_names_the_earlier_rating():
    """Shape (a) under the switch: A held in 2024, B→A in 2026; _new fails naming the 2024 rating."""
    data = declaration(emission("r-0", "2024-05-01", "A", "B"), emission("r-2", "2026-06-01", "A", "B"), year=2026)
    entry = clause(decide(data, interpretations=ONCE), "art7.emission_a")
    assert condition(entry, "art7.emission_a_new")["observed"] == {"rating": "r-0", "date": "2024-05-01"}


@pytest.mark.parametrize("ratings, loser, winner", [
    ((emission("r-1", "2025-09-01", "C", "D"), emission("r-2", "2025-11-01", "B", "C")), "art7.emission_c", "art7.emission_b"),
    ((emission("r-0", "2025-10-07", "leading", "B"), emission("r-1", "2025-10-09", "C", "none")), "art7.emission_c", "art7.emission_a"),
    ((green("r-1", "beijing_green_factory", "2025-09-01"), green("r-2", "national_green_factory", "2025-12-01")),
     "art7.green_beijing", "art7.green_national"),
])
def test_a_superseded_title_names_the_one_paid_instead(ratings, loser, winner):
    """One family, one project (SPEC §3.1): the superseded clause names the more favourable one."""
    entry = clause(decide(declaration(*ratings)), loser)
    assert entry["status"] == "superseded"
    assert [s["clause"] for s in entry["superseded_by"]] == [winner]


def test_the_difference_is_worked_out_before_rounding():
    """Beijing green paid 300,000 in 2025, national green in 2026: 200,000 before rounding, under a 500,000 cap."""
    prior = [{"clause": "art7.green_beijing", "basis": "rating:green:2025", "year": 2025, "amount": 300_000}]
    data = declaration(green("r-1", "beijing_green_factory", "2025-12-01"),
                       green("r-2", "national_green_factory", "2026-09-01"), year=2026, prior=prior)
    entry = clause(decide(data), "art7.green_national")
    assert (entry["amount_before_rounding_yuan_decimal"], entry["cap_yuan"]) == ("200000.00", 500_000)


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

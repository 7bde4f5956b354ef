"""第十一条 支持医药健康领军企业落地: the leading pharma/device enterprise.

Listed when a class III device approval is declared or the enterprise is
recognised as leading. Conditions: the reviewers' finding; at least one
global-first class III certificate dated on or before the declaration date (any
earlier date); R&D spent in Pinggu "超 1500 万元" (exclusive) in each of Y-1 and
Y; not paid before (I-art11-once). Up to 10,000,000, paid jointly by the district
and the locality (第十四条). By default it rests on rd:Y and so competes with
第五条; under I-art11-certificate-basis it also claims one certificate, which
the engine chooses so that the total is largest.
Expected conclusion: a qualifying enterprise is granted up to 10,000,000.
"""

from __future__ import annotations

from typing import Any

import pytest

from support import baseline, clause, condition, decide, set_annual, statuses

CLAUSE = "art11.leading_enterprise"
CERT_BASIS = ("I-art11-certificate-basis",)


def certificate(aid: str = "c-1", date: str = "2025-09-15", **flags: Any) -> dict[str, Any]:
    """A class III device approval; global-first and first-time unless overridden (None removes)."""
    item: dict[str, Any] = {"id": aid, "kind": "class3_device", "date": date, "first_time": True, "global_first": True}
    for name, value in flags.items():
        if value is None:
            item.pop(name, None)
        else:
            item[name] = value
    return item


def leader(approvals: list[dict[str, Any]] | None = None, rd_prev: int | None = 16_000_000,
           rd_cur: int | None = 16_000_000, leading: bool | None = True, **overrides: Any) -> dict[str, Any]:
    """A declaration meeting every Art 11 condition, with R&D in Pinggu per year and the finding."""
    data = baseline(approvals=approvals if approvals is not None else [certificate()], **overrides)
    if leading is not None:
        data["enterprise"]["leading_recognized"] = leading
    set_annual(data, 2024, rd_expense_pinggu=rd_prev)
    set_annual(data, 2025, rd_expense_pinggu=rd_cur)
    return data


def art11(result: dict[str, Any], subject: str | None = None) -> dict[str, Any]:
    return clause(result, CLAUSE, subject)


# --- granted, payer ---------------------------------------------------------------


def test_granted_with_every_condition_paid_by_district_and_locality() -> None:
    """All conditions pass: up to 10,000,000, paid by district + 马坊镇 (第十四条)."""
    result = decide(leader(approvals=[certificate(first_time=False)]))  # Art 10 not eligible: Art 11 alone
    entry = art11(result, "rd:2025")
    assert entry["status"] == "granted"
    assert set(statuses(entry).values()) == {"pass"}
    assert set(statuses(entry)) == {
        "art11.leading_recognized", "art11.global_first_certificate",
        "art11.rd_pinggu_y_minus_1", "art11.rd_pinggu_y", "art11.no_prior_award",
    }
    assert entry["amount_yuan"] == 10_000_000
    assert entry["up_to"] is True
    assert entry["basis"] == "rd:2025" and entry["bases"] == ["rd:2025"]
    assert entry["payer"] == "district+locality:马坊镇"
    assert result["totals_by_payer"] == {"district+locality:马坊镇": 10_000_000}
    assert result["total_yuan"] == 10_000_000


def test_default_reading_art10_and_art11_both_paid() -> None:
    """I-art11-rd-basis: the certificate only qualifies, so its Art 10 award (3,000,000) stacks with Art 11."""
    result = decide(leader())
    assert art11(result)["status"] == "granted"
    assert clause(result, "art10.class3_device", "approval:c-1")["status"] == "granted"
    assert result["total_yuan"] == 13_000_000
    assert result["totals_by_payer"] == {"district": 3_000_000, "district+locality:马坊镇": 10_000_000}


# --- listing ------------------------------------------------------------------------


def test_not_listed_without_class3_approval_or_recognition() -> None:
    """Nothing touches Art 11: no class III approval and leading_recognized not true."""
    result = decide(leader(approvals=[], leading=False))
    assert not [c for c in result["clauses"] if c["clause"] == CLAUSE]


def test_listed_by_recognition_alone_and_certificate_fails() -> None:
    """leading_recognized true lists Art 11; with no class III approval at all, the certificate condition fails."""
    entry = art11(decide(leader(approvals=[])))
    assert entry["status"] == "ineligible"
    assert condition(entry, "art11.global_first_certificate")["status"] == "fail"


def test_listed_by_class3_approval_alone() -> None:
    """A class III approval lists Art 11 even when the finding is not declared (then unknown)."""
    entry = art11(decide(leader(leading=None)))
    assert entry["status"] == "undetermined"
    cond = condition(entry, "art11.leading_recognized")
    assert cond["status"] == "unknown"
    assert cond["missing"] == "enterprise.leading_recognized"


def test_not_recognised_is_ineligible() -> None:
    """The reviewers found no leading enterprise: "产业发展带动效应突出、发展潜力巨大" fails."""
    entry = art11(decide(leader(leading=False)))
    assert entry["status"] == "ineligible"
    assert condition(entry, "art11.leading_recognized")["status"] == "fail"


# --- "超 1500 万元" in each of two years (exclusive) ------------------------------------


@pytest.mark.parametrize(
    "rd_prev,rd_cur,failing",
    [
        (15_000_000, 16_000_000, {"art11.rd_pinggu_y_minus_1"}),  # exactly 1500万 in Y-1 is not "超"
        (16_000_000, 15_000_000, {"art11.rd_pinggu_y"}),  # exactly 1500万 in Y is not "超"
        (15_000_000, 15_000_000, {"art11.rd_pinggu_y_minus_1", "art11.rd_pinggu_y"}),
        (14_999_999, 30_000_000, {"art11.rd_pinggu_y_minus_1"}),  # one strong year is not "连续 2 年"
    ],
)
def test_rd_at_or_below_threshold_is_ineligible(rd_prev: int, rd_cur: int, failing: set[str]) -> None:
    """"超" excludes the number (SPEC §0.2): 15,000,000 fails, in either year."""
    entry = art11(decide(leader(rd_prev=rd_prev, rd_cur=rd_cur)))
    assert entry["status"] == "ineligible"
    assert {c for c, s in statuses(entry).items() if s == "fail"} == failing


def test_rd_threshold_gap_names_one_yuan_more() -> None:
    """A failed "超" threshold passes at 15,000,000.01 yuan: the gap says so."""
    entry = art11(decide(leader(rd_prev=15_000_000)))
    gap = condition(entry, "art11.rd_pinggu_y_minus_1")["gap"]
    assert gap == {"passes_at": "15000000.01", "short_by": "0.01", "passes_at_fen": 1_500_000_001, "short_by_fen": 1}


def test_rd_one_yuan_over_in_both_years_passes() -> None:
    """15,000,001 in Y-1 and in Y: both "超 1500 万元" conditions pass."""
    entry = art11(decide(leader(rd_prev=15_000_001, rd_cur=15_000_001)))
    assert condition(entry, "art11.rd_pinggu_y_minus_1")["status"] == "pass"
    assert condition(entry, "art11.rd_pinggu_y")["status"] == "pass"
    assert entry["status"] == "granted"


@pytest.mark.parametrize("year,cond_id", [(2024, "art11.rd_pinggu_y_minus_1"), (2025, "art11.rd_pinggu_y")])
def test_rd_pinggu_missing_is_undetermined(year: int, cond_id: str) -> None:
    """R&D in Pinggu is optional: left out, its condition is unknown, never false."""
    data = leader()
    set_annual(data, year, rd_expense_pinggu=None)
    entry = art11(decide(data))
    assert entry["status"] == "undetermined"
    assert condition(entry, cond_id)["status"] == "unknown"


def test_rd_pinggu_is_not_total_rd() -> None:
    """The test reads R&D spent in Pinggu (rd_expense_pinggu), not the super-deduction total."""
    data = leader(rd_prev=1_000_000, rd_cur=1_000_000)
    set_annual(data, 2024, rd_expense=40_000_000)
    set_annual(data, 2025, rd_expense=40_000_000)
    assert art11(decide(data))["status"] == "ineligible"


# --- "具有至少一项全球首发三类医疗器械注册批件" ----------------------------------------------


@pytest.mark.parametrize(
    "approvals,status",
    [
        ([certificate(global_first=True)], "pass"),
        ([certificate(global_first=None)], "unknown"),  # global_first not declared
        ([certificate(global_first=False)], "fail"),
        ([certificate("c-1", global_first=False), certificate("c-2", global_first=None)], "unknown"),
        ([certificate("c-1", global_first=None), certificate("c-2", global_first=True)], "pass"),
        ([{"id": "d-1", "kind": "class2_device", "date": "2025-09-15", "ai": True}], "fail"),  # not class III
    ],
)
def test_certificate_condition(approvals: list[dict[str, Any]], status: str) -> None:
    """pass when a global-first class III certificate exists; unknown when one is undeclared; else fail."""
    entry = art11(decide(leader(approvals=approvals)))
    assert condition(entry, "art11.global_first_certificate")["status"] == status


def test_certificate_unknown_names_the_missing_flag() -> None:
    """The explanation names the approval whose global_first is not declared."""
    entry = art11(decide(leader(approvals=[certificate("c-7", global_first=None)])))
    assert condition(entry, "art11.global_first_certificate")["missing"] == "approvals[c-7].global_first"


@pytest.mark.parametrize("date", ["2025-11-03", "2020-06-01"])
def test_certificate_of_any_date_before_declaration_qualifies(date: str) -> None:
    """"具有" is holding: one dated inside the window before D, or back in 2020, both qualify."""
    entry = art11(decide(leader(approvals=[certificate(date=date)])))
    cond = condition(entry, "art11.global_first_certificate")
    assert cond["status"] == "pass"
    assert cond["observed"] == "c-1"
    assert entry["status"] == "granted"


# --- once per enterprise -------------------------------------------------------------


def test_prior_art11_award_is_ineligible() -> None:
    """I-art11-once: an enterprise already supported under Art 11 is not paid again."""
    prior = [{"clause": CLAUSE, "basis": "rd:2024", "year": 2024, "amount": 10_000_000}]
    result = decide(leader(prior_awards=prior))
    entry = art11(result)
    assert entry["status"] == "ineligible"
    assert condition(entry, "art11.no_prior_award")["status"] == "fail"
    assert "I-art11-once" in result["interpretations"]


# --- Art 11 against Art 5 on rd:Y -------------------------------------------------------


def test_art11_beats_art5_on_shared_rd_basis() -> None:
    """Art 5 (300,000 and 1,000,000) and Art 11 (10,000,000) share rd:2025; Art 11 is more favourable."""
    data = leader(approvals=[certificate(first_time=False)])
    set_annual(data, 2025, rd_expense=20_000_000)
    result = decide(data)
    assert art11(result)["status"] == "granted"
    for cid in ("art5.first_5m", "art5.growth"):
        entry = clause(result, cid)
        assert entry["status"] == "superseded"
        assert [s["clause"] for s in entry["superseded_by"]] == [CLAUSE]
        assert entry["superseded_by"][0]["amount_yuan"] == 10_000_000
    assert result["total_yuan"] == 10_000_000


# --- I-art11-certificate-basis -----------------------------------------------------------


@pytest.mark.parametrize("count", [1, 2, 3])
def test_certificate_basis_uses_one_certificate_and_frees_the_rest(count: int) -> None:
    """With N global-first certificates each eligible for Art 10 (3,000,000), the best total takes
    Art 11 (10,000,000) on one certificate and Art 10 on the N-1 others: exactly one Art 10 award yields."""
    certs = [certificate(f"c-{i}", date=f"2025-{9 + i}-01") for i in range(1, count + 1)]
    result = decide(leader(approvals=certs), CERT_BASIS)
    assert result["total_yuan"] == 10_000_000 + 3_000_000 * (count - 1)

    entries = [c for c in result["clauses"] if c["clause"] == CLAUSE]
    assert sorted(e["subject"] for e in entries) == [f"approval:c-{i}" for i in range(1, count + 1)]
    granted = [e for e in entries if e["status"] == "granted"]
    assert len(granted) == 1
    chosen = granted[0]["subject"]
    assert granted[0]["basis"] == "rd:2025"
    assert granted[0]["bases"] == sorted(["rd:2025", chosen])

    art10 = [c for c in result["clauses"] if c["clause"] == "art10.class3_device"]
    yielded = [e for e in art10 if e["status"] == "superseded"]
    assert len(yielded) == 1
    assert yielded[0]["subject"] == chosen
    assert [s["clause"] for s in yielded[0]["superseded_by"]] == [CLAUSE]
    assert sum(1 for e in art10 if e["status"] == "granted") == count - 1


def test_certificate_basis_prefers_a_certificate_art10_cannot_pay() -> None:
    """An old certificate (2020) cannot earn Art 10 in 2025, so Art 11 rests on it and the new one keeps Art 10."""
    certs = [certificate("c-old", date="2020-06-01"), certificate("c-new", date="2025-10-01")]
    result = decide(leader(approvals=certs), CERT_BASIS)
    assert art11(result, "approval:c-old")["status"] == "granted"
    assert clause(result, "art10.class3_device", "approval:c-new")["status"] == "granted"
    assert result["total_yuan"] == 13_000_000
    assert result["alternatives"] == []


def test_certificate_basis_without_certificate_keeps_one_rd_entry() -> None:
    """No qualifying certificate: the single rd:Y entry stands, and its certificate condition says why."""
    result = decide(leader(approvals=[certificate(global_first=None)]), CERT_BASIS)
    entry = art11(result)
    assert entry["subject"] == "rd:2025"
    assert entry["status"] == "undetermined"
    assert condition(entry, "art11.global_first_certificate")["status"] == "unknown"


def test_certificate_basis_still_conflicts_with_art5() -> None:
    """Under the switch Art 11 still claims rd:Y, so Art 5 yields to it."""
    data = leader(approvals=[certificate(first_time=False)])
    set_annual(data, 2025, rd_expense=20_000_000)
    result = decide(data, CERT_BASIS)
    assert art11(result, "approval:c-1")["status"] == "granted"
    assert clause(result, "art5.growth")["status"] == "superseded"
    assert result["total_yuan"] == 10_000_000


# --- boundaries: one yuan each side of "超 1500 万元", in each year ---------------------------


@pytest.mark.parametrize("rd,status", [(14_999_999, "fail"), (15_000_000, "fail"), (15_000_001, "pass")])
@pytest.mark.parametrize("year,cond_id", [(2024, "art11.rd_pinggu_y_minus_1"), (2025, "art11.rd_pinggu_y")])
def test_rd_pinggu_boundary_in_each_year(year: int, cond_id: str, rd: int, status: str) -> None:
    """T−1 and T fail, T+1 passes ("超" excludes 15,000,000), and only that year's condition moves."""
    data = leader(approvals=[certificate(first_time=False)])
    set_annual(data, year, rd_expense_pinggu=rd)
    entry = art11(decide(data))
    assert condition(entry, cond_id)["status"] == status
    assert {c for c, s in statuses(entry).items() if s != "pass"} == ({cond_id} if status == "fail" else set())
    assert entry["status"] == ("ineligible" if status == "fail" else "granted")


# --- one condition at a time -----------------------------------------------------------------

ONE_AT_A_TIME = [
    ("art11.leading_recognized", {"leading": False}),
    ("art11.global_first_certificate", {"approvals": [certificate(global_first=False)]}),
    ("art11.rd_pinggu_y_minus_1", {"rd_prev": 1_000_000}),
    ("art11.rd_pinggu_y", {"rd_cur": 1_000_000}),
    ("art11.no_prior_award", {"prior_awards": [{"clause": CLAUSE, "basis": "rd:2023", "year": 2023, "amount": 9_000_000}]}),
]


@pytest.mark.parametrize("cond_id,change", ONE_AT_A_TIME, ids=[c for c, _ in ONE_AT_A_TIME])
def test_each_condition_fails_alone(cond_id: str, change: dict[str, Any]) -> None:
    """Changing one fact fails exactly its condition; the others still pass."""
    entry = art11(decide(leader(**change)))
    assert entry["status"] == "ineligible"
    assert {c for c, s in statuses(entry).items() if s != "pass"} == {cond_id}


def test_certificate_dated_on_the_declaration_date_qualifies() -> None:
    """"dated on or before D": a certificate of D itself (2026-04-10) is held on D."""
    entry = art11(decide(leader(approvals=[certificate(date="2026-04-10")])))
    assert condition(entry, "art11.global_first_certificate")["status"] == "pass"
    assert entry["status"] == "granted"


# --- every condition names the declared field it read --------------------------------------------


@pytest.mark.parametrize("interpretations", [(), CERT_BASIS])
def test_every_condition_names_its_source_field(interpretations: tuple[str, ...]) -> None:
    """Auditors can trace each condition to a declared field (SPEC §5), under either reading."""
    result = decide(leader(approvals=[certificate("c-2")]), interpretations)
    entry = art11(result)
    sources = {c["id"]: c["source_field"] for c in entry["conditions"]}
    assert sources == {
        "art11.leading_recognized": "enterprise.leading_recognized",
        "art11.global_first_certificate": "approvals[c-2].global_first",
        "art11.rd_pinggu_y_minus_1": "annual[2024].rd_expense_pinggu",
        "art11.rd_pinggu_y": "annual[2025].rd_expense_pinggu",
        "art11.no_prior_award": "prior_awards",
    }


def test_failed_certificate_and_prior_award_name_their_sources() -> None:
    """No qualifying certificate: the approvals list was read; a prior award is named by its index."""
    prior = [{"clause": CLAUSE, "basis": "rd:2023", "year": 2023, "amount": 9_000_000}]
    entry = art11(decide(leader(approvals=[certificate(global_first=False)], prior_awards=prior)))
    assert condition(entry, "art11.global_first_certificate")["source_field"] == "approvals"
    assert condition(entry, "art11.no_prior_award")["source_field"] == "prior_awards[0]"


def test_explanation_names_the_certificate_art11_beat_under_certificate_basis() -> None:
    """Under I-art11-certificate-basis each Art 11 entry shares rd:2025; the granted one says it beat only
    the Art 10 award on its own certificate, and the entries on other certificates claim to beat nothing."""
    from pinggu_asp.explain import build

    certs = [certificate(f"c-{i}", date=f"2025-{9 + i}-01") for i in (1, 2)]
    model = build(decide(leader(approvals=certs), CERT_BASIS))
    art11 = [c for c in model["clauses"] if c["clause"] == CLAUSE]
    granted = [c for c in art11 if c["status"] == "granted"]
    assert len(granted) == 1
    beaten_art10 = [b for b in granted[0]["supersedes"] if b["clause"] == "art10.class3_device"]
    assert [b["basis"] for b in beaten_art10] == [granted[0]["subject"]]
    for other in art11:
        if other is not granted[0]:
            assert [b for b in other["supersedes"] if b["clause"] == "art10.class3_device"] == []

"""第十一条 支持医药健康领军企业落地: the leading pharma/device enterprise.

Listed when a class III device approval is declared or the enterprise is
recognised as leading. Conditions: the reviewers' finding; at least one
global-first class III certificate dated on or before the declaration date (any
earlier date); R&D spent in Pinggu "超 1500 万元" (exclusive) in each of Y-1 and
Y; not paid before (I-art11-once). Up to 10,000,000, paid jointly by the district
and the locality (第十四条). By default it rests on rd:Y and so competes with
第五条; under I-art11-certificate-basis it also claims one certificate, which
the engine chooses so that the total is largest.
Expected conclusion: a qualifying enterprise is granted up to 10,000,000. The boundaries (超 1500 万元
in each year), the certificate table, listing, the one-condition-at-a-time table and the
certificate-basis totals are cases in tests/cases/art11.yaml; what stays here is what a case cannot
state (payers, missing fields, gaps, what superseded what, sources, explanations).
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


def test_listed_by_class3_approval_alone() -> None:
    """A class III approval lists Art 11 even when the finding is not declared (then unknown)."""
    entry = art11(decide(leader(leading=None)))
    assert entry["status"] == "undetermined"
    cond = condition(entry, "art11.leading_recognized")
    assert cond["status"] == "unknown"
    assert cond["missing"] == "enterprise.leading_recognized"


# --- "超 1500 万元" in each of two years (exclusive) ------------------------------------


def test_rd_threshold_gap_names_one_yuan_more() -> None:
    """A failed "超" threshold passes at 15,000,000.01 yuan: the gap says so."""
    entry = art11(decide(leader(rd_prev=15_000_000)))
    gap = condition(entry, "art11.rd_pinggu_y_minus_1")["gap"]
    assert gap == {"passes_at_yuan_decimal": "15000000.01", "short_by_yuan_decimal": "0.01", "passes_at_fen": 1_500_000_001, "short_by_fen": 1}


# --- "具有至少一项全球首发三类医疗器械注册批件" ----------------------------------------------


def test_certificate_unknown_names_the_missing_flag() -> None:
    """The explanation names the approval whose global_first is not declared."""
    entry = art11(decide(leader(approvals=[certificate("c-7", global_first=None)])))
    assert condition(entry, "art11.global_first_certificate")["missing"] == "approvals[c-7].global_first"


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
    from pinggu_asp.render.explain import build

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

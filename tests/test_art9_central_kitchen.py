"""第九条 支持首都共享中央厨房产业发展: procurement orders (art9.procurement) and standards (art9.standard).

"对于执行新增采购订单超过 500 万元的，按照年度实际执行金额的 1% 给予最高不超过 200 万元资金支持，
同一订单最多连续支持不超过 2 年" and "对于已正式实施标准的牵头编制单位，给予最高 30 万元支持".
Support year 2025, declared 2026-04-10; the validity window opens 2025-08-29.
Each test's name says the expected conclusion and why. The boundary tables (one yuan on each side of
5,000,000 and of the 200,000,000 cap), the one-condition-at-a-time tables, the consecutive-year limit
and its reform are cases in tests/cases/art9.yaml; what stays here is what a case cannot state
(order verdicts and their reasons, gaps, sources, notes).
"""

from typing import Any

from support import baseline, clause, condition, decide, statuses

PROCUREMENT = "art9.procurement"
SUBJECT = "procurement:central_kitchen:2025"


def ck_order(oid: str, amount: Any, **overrides: Any) -> dict[str, Any]:
    """A central-kitchen purchase order that qualifies unless overridden."""
    order = {
        "id": oid,
        "program": "central_kitchen",
        "counterparty": f"平谷区某农业合作社{oid}",
        "counterparty_in_pinggu": True,
        "counterparty_affiliated": False,
        "signed_date": "2025-09-01",
        "executed": {2025: amount},
        "supported_years": [],
    }
    order.update(overrides)
    return order


def kitchen(*orders: dict[str, Any], sectors: tuple[str, ...] = ("central_kitchen",)) -> dict[str, Any]:
    data = baseline(orders=list(orders))
    data["enterprise"]["sectors"] = list(sectors)
    return data


def procurement(data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    return clause(decide(data, **kwargs), PROCUREMENT, SUBJECT)


def verdicts(entry: dict[str, Any]) -> dict[str, tuple[str, list[str]]]:
    return {o["order"]: (o["verdict"], [r["code"] for r in o["reasons"]]) for o in entry["orders"]}


# --- "超过 500 万元": exclusive -------------------------------------------------

def test_sum_exactly_5m_is_not_over_5m_so_ineligible():
    """超过 excludes the number: 5,000,000 is not more than 5,000,000."""
    entry = procurement(kitchen(ck_order("o-1", 5_000_000)))
    assert entry["status"] == "ineligible"
    cond = condition(entry, "art9.orders_sum")
    assert cond["status"] == "fail"
    assert cond["observed"] == 5_000_000 and cond["required"] == 5_000_000
    assert cond["gap"] == {"passes_at_yuan_decimal": "5000000.01", "short_by_yuan_decimal": "0.01", "passes_at_fen": 500_000_001, "short_by_fen": 1}


def test_sum_5000001_is_over_so_granted_50000():
    """5,000,001 > 5,000,000; 1% is 50,000.01, floored to 50,000 (第十七条)."""
    entry = procurement(kitchen(ck_order("o-1", 5_000_001)))
    assert entry["status"] == "granted"
    assert statuses(entry) == {"art9.orders_sum": "pass", "art9.sector_central_kitchen": "pass"}
    assert entry["amount_yuan"] == 50_000
    assert entry["amount_before_rounding_yuan_decimal"] == "50000.01"
    assert entry["up_to"] is False and entry["cap_yuan"] == 2_000_000
    assert entry["basis"] == SUBJECT and entry["payer"] == "district"


def test_two_orders_below_alone_sum_past_threshold_so_granted():
    """I-orders-sum: 3,000,000 + 2,500,000 = 5,500,000 > 5,000,000; 1% = 55,000."""
    entry = procurement(kitchen(ck_order("o-1", 3_000_000), ck_order("o-2", 2_500_000)))
    assert entry["status"] == "granted"
    assert condition(entry, "art9.orders_sum")["observed"] == 5_500_000
    assert entry["amount_yuan"] == 55_000
    assert verdicts(entry) == {"o-1": ("qualifies", ["counted"]), "o-2": ("qualifies", ["counted"])}
    assert {o["order"]: o["executed_yuan_decimal"] for o in entry["orders"]} == {"o-1": "3000000.00", "o-2": "2500000.00"}


# --- "向平谷区非关联企业…下达采购订单" -------------------------------------------

def test_affiliated_counterparty_is_excluded_so_sum_falls_below():
    """非关联: an order to an affiliated enterprise does not count; 3,000,000 alone is not over."""
    entry = procurement(kitchen(ck_order("o-1", 3_000_000), ck_order("o-2", 3_000_000, counterparty_affiliated=True)))
    assert entry["status"] == "ineligible"
    assert condition(entry, "art9.orders_sum")["observed"] == 3_000_000
    assert verdicts(entry)["o-2"] == ("excluded", ["counterparty_affiliated"])
    assert verdicts(entry)["o-1"] == ("qualifies", ["counted"])


def test_counterparty_outside_pinggu_is_excluded():
    """平谷区: an order to an enterprise outside Pinggu does not count."""
    entry = procurement(kitchen(ck_order("o-1", 6_000_000, counterparty_in_pinggu=False)))
    assert entry["status"] == "ineligible"
    assert condition(entry, "art9.orders_sum")["observed"] == 0
    assert verdicts(entry) == {"o-1": ("excluded", ["counterparty_outside_pinggu"])}
    reason = entry["orders"][0]["reasons"][0]
    assert reason["text_zh"] and reason["text_en"] and reason["detail"] is False


def test_order_outside_pinggu_and_affiliated_reports_both_reasons():
    """Auditors see every reason an order is excluded, not just the first."""
    entry = procurement(kitchen(ck_order("o-1", 6_000_000, counterparty_in_pinggu=False, counterparty_affiliated=True)))
    assert verdicts(entry) == {"o-1": ("excluded", ["counterparty_affiliated", "counterparty_outside_pinggu"])}


# --- "新增" (I-new-order-in-window) ---------------------------------------------

def test_order_signed_before_window_2025_08_28_is_not_new_so_denied():
    """新增: an order signed the day before the measures took effect is not a new order."""
    entry = procurement(kitchen(ck_order("o-1", 6_000_000, signed_date="2025-08-28")))
    assert entry["status"] == "ineligible"
    assert verdicts(entry) == {"o-1": ("excluded", ["signed_outside_window"])}
    assert entry["orders"][0]["reasons"][0]["detail"] == "2025-08-28"


# --- "年度实际执行金额" -------------------------------------------------------------

def test_order_without_amount_executed_in_support_year_is_excluded():
    """年度执行: an order executed only in another year adds nothing to 2025."""
    entry = procurement(kitchen(ck_order("o-1", 6_000_000, executed={2026: 6_000_000})))
    assert entry["status"] == "ineligible"
    assert verdicts(entry) == {"o-1": ("excluded", ["no_executed_amount"])}


# --- "同一订单最多连续支持不超过 2 年" -------------------------------------------------

def test_order_supported_two_years_running_is_denied_a_third():
    """[Y-2, Y-1] supported: 2025 would be a third consecutive year."""
    entry = procurement(kitchen(ck_order("o-1", 6_000_000, supported_years=[2023, 2024])))
    assert entry["status"] == "ineligible"
    assert verdicts(entry) == {"o-1": ("excluded", ["support_limit_reached"])}
    assert entry["orders"][0]["reasons"][0]["detail"] == 2


def test_order_supported_with_a_gap_year_is_denied():
    """[Y-2] supported, not Y-1: support would not be consecutive (连续)."""
    entry = procurement(kitchen(ck_order("o-1", 6_000_000, supported_years=[2023])))
    assert entry["status"] == "ineligible"
    assert verdicts(entry) == {"o-1": ("excluded", ["support_not_consecutive"])}
    assert entry["orders"][0]["reasons"][0]["detail"] == 2023


def test_order_already_supported_in_the_support_year_is_denied():
    """Support in Y itself already happened: not twice for the same year."""
    entry = procurement(kitchen(ck_order("o-1", 6_000_000, supported_years=[2025])))
    assert entry["status"] == "ineligible"
    assert verdicts(entry) == {"o-1": ("excluded", ["supported_in_or_after"])}


def test_auto_parts_orders_do_not_count_for_art9():
    """Only orders of the central_kitchen program are Art 9 orders."""
    auto = {
        "id": "a-1", "program": "auto_parts", "counterparty": "某整车企业", "counterparty_kind": "nev_oem",
        "signed_date": "2025-09-01", "executed": {2025: 9_000_000},
    }
    entry = procurement(kitchen(ck_order("o-1", 1_000_000), auto))
    assert entry["status"] == "ineligible"
    assert [o["order"] for o in entry["orders"]] == ["o-1"]


# --- "中央厨房产业链上下游企业" and listing --------------------------------------------

def test_sector_without_orders_is_listed_with_sum_zero_so_ineligible():
    entry = procurement(kitchen())
    assert entry["status"] == "ineligible"
    assert condition(entry, "art9.orders_sum")["observed"] == 0
    assert entry["orders"] == []


# --- "最高不超过 200 万元": exact at scale ---------------------------------------------

def test_order_of_10_to_the_11_yuan_still_pays_exactly_the_cap():
    """10^11 yuan does not fit a clingo integer; money.lp keeps it exact and the cap applies."""
    entry = procurement(kitchen(ck_order("o-1", 100_000_000_000), ck_order("o-2", 100_000_000_000)))
    assert entry["status"] == "granted"
    assert condition(entry, "art9.orders_sum")["observed"] == 200_000_000_000
    assert entry["amount_yuan"] == 2_000_000
    assert entry["amount_before_rounding_yuan_decimal"] == "2000000.00"


# --- art9.standard ------------------------------------------------------------------------

def standard(**overrides: Any) -> dict[str, Any]:
    std = {"id": "s-1", "field": "central_kitchen", "level": "group", "lead_drafter": True,
           "implemented_date": "2025-12-15"}
    std.update(overrides)
    return std


def standard_entry(*stds: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    data = baseline(standards=list(stds) or [standard()], **kwargs)
    return clause(decide(data), "art9.standard", "standard:s-1")


def test_standard_led_and_implemented_in_year_is_granted_up_to_300000():
    entry = standard_entry()
    assert entry["status"] == "granted"
    assert entry["amount_yuan"] == 300_000 and entry["up_to"] is True
    assert set(statuses(entry).values()) == {"pass"}


def test_standard_already_paid_is_ineligible():
    """One award per standard: a prior award on standard:s-1 ends it."""
    prior = [{"clause": "art9.standard", "basis": "standard:s-1", "year": 2025, "amount": 300_000}]
    entry = standard_entry(prior_awards=prior)
    cond = condition(entry, "art9.standard_not_paid")
    assert cond["status"] == "fail" and cond["observed"] == {"prior_award": 0}
    assert entry["status"] == "ineligible"


# --- what is not a case: the notes, sources and blocks the result carries -------------------------

def test_standard_implemented_in_year_before_the_window_says_so():
    """Dated in the support year but before 2025-08-29: the condition notes it lies outside the validity window."""
    cond = condition(standard_entry(standard(implemented_date="2025-08-28")), "art9.standard_implemented")
    assert (cond["status"], cond["notes"]) == ("fail", ["outside_validity_window(20250828)"])


# --- second reading: every condition names the declared field it read (cond_source) -----------

def test_every_procurement_condition_names_its_source():
    entry = procurement(kitchen(ck_order("o-1", 6_000_000)))
    assert {c["id"]: c["source_field"] for c in entry["conditions"]} == {
        "art9.orders_sum": "orders[].executed",
        "art9.sector_central_kitchen": "enterprise.sectors",
    }


def test_every_standard_condition_names_its_source():
    entry = standard_entry()
    assert {c["id"]: c["source_field"] for c in entry["conditions"]} == {
        "art9.standard_field": "standards[s-1].field",
        "art9.standard_lead_drafter": "standards[s-1].lead_drafter",
        "art9.standard_implemented": "standards[s-1].implemented_date",
        "art9.standard_not_paid": "prior_awards",
    }


def test_a_year_already_paid_is_not_paid_again_for_later_orders():
    """第十八条 不能重复享受 and the per-year cap: 2025 was paid once; orders added later for 2025 are blocked."""
    data = kitchen(ck_order("o-late", 6_000_000))
    data["prior_awards"] = [{"clause": PROCUREMENT, "basis": SUBJECT, "year": 2025, "amount": 60_000}]
    entry = procurement(data)
    assert entry["status"] == "blocked"
    assert [b["prior_award"] for b in entry["blocked_by"]] == [0]

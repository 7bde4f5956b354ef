"""第十二条 支持汽车零部件产业整零合作 (art12.oem_orders).

"对年度执行新增整车企业订单超过2000万元的，按照年度实际执行金额0.5%给予企业最高不超过200万元资金支持，
同一订单最多连续支持不超过2年" — orders from NEV makers (新能源整车企业, 含一级供应商).
Support year 2025, declared 2026-04-10; the validity window opens 2025-08-29.
Each test's name says the expected conclusion and why. The boundary tables (one yuan on each side of
20,000,000 and of the 400,000,000 that reaches the cap), the counterparty kinds, the consecutive-year
limit and the one-condition-at-a-time table are cases in tests/cases/art12.yaml; what stays here is
what a case cannot state (order verdicts and reasons, gaps, observed sums, sources).
"""

from typing import Any

from support import baseline, clause, condition, decide, statuses

CLAUSE = "art12.oem_orders"
SUBJECT = "procurement:auto_parts:2025"


def oem_order(oid: str, amount: Any, **overrides: Any) -> dict[str, Any]:
    """An order from a NEV maker that qualifies unless overridden."""
    order = {
        "id": oid,
        "program": "auto_parts",
        "counterparty": f"某新能源整车企业{oid}",
        "counterparty_kind": "nev_oem",
        "signed_date": "2025-09-01",
        "executed": {2025: amount},
        "supported_years": [],
    }
    order.update(overrides)
    return order


def parts_maker(*orders: dict[str, Any], sectors: tuple[str, ...] = ("auto_parts",)) -> dict[str, Any]:
    data = baseline(orders=list(orders))
    data["enterprise"]["sectors"] = list(sectors)
    return data


def oem(data: dict[str, Any]) -> dict[str, Any]:
    return clause(decide(data), CLAUSE, SUBJECT)


def verdicts(entry: dict[str, Any]) -> dict[str, tuple[str, list[str]]]:
    return {o["order"]: (o["verdict"], [r["code"] for r in o["reasons"]]) for o in entry["orders"]}


# --- "超过2000万元": exclusive -------------------------------------------------------

def test_orders_exactly_20m_are_not_over_20m_so_ineligible():
    """超过 excludes the number."""
    entry = oem(parts_maker(oem_order("o-1", 20_000_000)))
    assert entry["status"] == "ineligible"
    cond = condition(entry, "art12.orders_sum")
    assert cond["status"] == "fail" and cond["observed"] == 20_000_000
    assert cond["gap"] == {"passes_at_yuan_decimal": "20000000.01", "short_by_yuan_decimal": "0.01", "passes_at_fen": 2_000_000_001, "short_by_fen": 1}


def test_orders_20000001_are_over_so_granted_100000():
    """0.5% of 20,000,001 is 100,000.005 yuan: whole fen 100,000.00, then floored to 1,000 (第十七条)."""
    entry = oem(parts_maker(oem_order("o-1", 20_000_001)))
    assert entry["status"] == "granted"
    assert statuses(entry) == {"art12.orders_sum": "pass", "art12.sector_auto_parts": "pass"}
    assert entry["amount_yuan"] == 100_000
    assert entry["amount_before_rounding_yuan_decimal"] == "100000.00"
    assert entry["up_to"] is False and entry["cap_yuan"] == 2_000_000


def test_two_orders_sum_past_the_threshold_so_granted():
    """I-orders-sum: 12,000,000 (OEM) + 14,000,000 (tier 1) = 26,000,000; 0.5% = 130,000."""
    entry = oem(parts_maker(oem_order("o-1", 12_000_000), oem_order("o-2", 14_000_000, counterparty_kind="nev_tier1")))
    assert entry["status"] == "granted"
    assert condition(entry, "art12.orders_sum")["observed"] == 26_000_000
    assert entry["amount_yuan"] == 130_000
    assert verdicts(entry) == {"o-1": ("qualifies", ["counted"]), "o-2": ("qualifies", ["counted"])}


# --- "新能源整车企业（含一级供应商）" -----------------------------------------------------

def test_other_counterparty_kind_is_excluded_so_ineligible():
    """An order from a buyer that is neither a NEV maker nor its tier-1 supplier does not count."""
    entry = oem(parts_maker(oem_order("o-1", 25_000_000, counterparty_kind="other")))
    assert entry["status"] == "ineligible"
    assert condition(entry, "art12.orders_sum")["observed"] == 0
    assert verdicts(entry) == {"o-1": ("excluded", ["counterparty_kind"])}
    assert entry["orders"][0]["reasons"][0]["detail"] == "other"


# --- "新增" (I-new-order-in-window) ----------------------------------------------------

def test_order_signed_2025_08_28_before_window_is_not_new_so_denied():
    entry = oem(parts_maker(oem_order("o-1", 25_000_000, signed_date="2025-08-28")))
    assert entry["status"] == "ineligible"
    assert verdicts(entry) == {"o-1": ("excluded", ["signed_outside_window"])}


# --- "同一订单最多连续支持不超过2年" ---------------------------------------------------------

def test_order_supported_two_years_running_is_denied_a_third():
    entry = oem(parts_maker(oem_order("o-1", 25_000_000, supported_years=[2023, 2024])))
    assert entry["status"] == "ineligible"
    assert verdicts(entry) == {"o-1": ("excluded", ["support_limit_reached"])}


def test_order_supported_with_a_gap_year_is_denied():
    entry = oem(parts_maker(oem_order("o-1", 25_000_000, supported_years=[2023])))
    assert entry["status"] == "ineligible"
    assert verdicts(entry) == {"o-1": ("excluded", ["support_not_consecutive"])}


def test_order_already_supported_in_support_year_is_denied():
    entry = oem(parts_maker(oem_order("o-1", 25_000_000, supported_years=[2025])))
    assert verdicts(entry) == {"o-1": ("excluded", ["supported_in_or_after"])}


def test_order_executed_only_in_another_year_is_excluded():
    entry = oem(parts_maker(oem_order("o-1", 25_000_000, executed={2026: 25_000_000})))
    assert verdicts(entry) == {"o-1": ("excluded", ["no_executed_amount"])}


# --- "支持零部件企业" and listing ------------------------------------------------------------

def test_sector_alone_lists_the_clause_with_sum_zero():
    entry = oem(parts_maker())
    assert entry["status"] == "ineligible"
    assert condition(entry, "art12.orders_sum")["observed"] == 0


def test_central_kitchen_orders_do_not_count_for_art12():
    ck = {
        "id": "k-1", "program": "central_kitchen", "counterparty": "平谷区某合作社",
        "counterparty_in_pinggu": True, "counterparty_affiliated": False,
        "signed_date": "2025-09-01", "executed": {2025: 30_000_000},
    }
    entry = oem(parts_maker(ck))
    assert entry["status"] == "ineligible" and entry["orders"] == []


# --- "最高不超过200万元": exact at scale -------------------------------------------------------

def test_order_of_10_to_the_11_yuan_still_pays_exactly_the_cap():
    """10^11 yuan does not fit a clingo integer; the sum and the 0.5% stay exact and the cap applies."""
    entry = oem(parts_maker(oem_order("o-1", 100_000_000_000)))
    assert entry["status"] == "granted"
    assert condition(entry, "art12.orders_sum")["observed"] == 100_000_000_000
    assert entry["amount_yuan"] == 2_000_000


# --- what is not a case: sources -------------------------------------------------------------------

def test_every_condition_names_its_source():
    entry = oem(parts_maker(oem_order("o-1", 25_000_000)))
    assert {c["id"]: c["source_field"] for c in entry["conditions"]} == {
        "art12.orders_sum": "orders[].executed",
        "art12.sector_auto_parts": "enterprise.sectors",
    }

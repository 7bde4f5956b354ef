"""第十七条 本措施兑现金额以万元为单位、精确到千元(向下取整)，低于1万元不予兑现。 (SPEC §4.1)

Each award is floored to a whole 1,000 yuan (I-round-per-award); below 10,000
yuan after that it is not paid: `below_minimum`, out of awards and totals. The
amounts come from Art 3, 0.5% × the output increase, with output(2024) at
20,000,000 so that every increase here is growth of at least 5%.
Expected conclusion: 9,999 is not paid; 12,345 pays 12,000; 19,999.99 pays
19,000; exactly 10,000 is paid.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from support import baseline, clause, decide, set_annual

PREV = 20_000_000


def art3_amount(increase: int) -> dict[str, Any]:
    """Art 3 pays 0.5% × increase (no cap reached)."""
    data = baseline()
    set_annual(data, 2024, gross_output=PREV)
    set_annual(data, 2025, gross_output=PREV + increase)
    return decide(data)


@pytest.mark.parametrize(
    "increase, before, paid",
    [
        (2_469_000, 12_345, 12_000),  # floored to 1,000 yuan
        (3_999_998, "19999.99", 19_000),  # fen dropped too, never rounded up
        (2_000_000, 10_000, 10_000),  # exactly 1万元 is paid (低于 excludes the number)
        (2_199_800, "10999", 10_000),
        (2_200_000, 11_000, 11_000),
    ],
)
def test_floored_to_a_thousand_and_paid(increase: int, before: Any, paid: int) -> None:
    result = art3_amount(increase)
    entry = clause(result, "art3.output_growth")
    assert entry["amount_before_rounding_yuan_decimal"] == f"{Decimal(str(before)):.2f}"
    assert entry["amount_yuan"] == paid
    assert entry["status"] == "granted"
    assert [(a["clause"], a["amount_yuan"]) for a in result["awards"]] == [("art3.output_growth", paid)]
    assert result["total_yuan"] == paid


@pytest.mark.parametrize(
    "increase, before",
    [
        (1_999_800, 9_999),  # 9,999 → 9,000 < 10,000
        (1_999_999, "9999.99"),  # a fen short of 1万元 is still short
        (1_000_000, 5_000),  # exactly 5% growth: eligible, but 5,000 is not paid
    ],
)
def test_below_ten_thousand_is_not_paid(increase: int, before: Any) -> None:
    result = art3_amount(increase)
    entry = clause(result, "art3.output_growth")
    assert entry["amount_before_rounding_yuan_decimal"] == f"{Decimal(str(before)):.2f}"
    assert entry["status"] == "below_minimum"
    assert entry["amount_yuan"] < 10_000
    assert all(c["status"] == "pass" for c in entry["conditions"])  # eligible: only the amount fails
    assert result["awards"] == []
    assert result["total_yuan"] == 0
    assert result["totals_by_payer"] == {}
    assert result["alternatives"] == []


def test_rounding_is_per_award_not_on_the_total() -> None:
    """I-round-per-award: Art 3 12,500 → 12,000 and Art 5 growth 60,500 → 60,000: 72,000, not ⌊73,000⌋ of the sum."""
    data = baseline()
    set_annual(data, 2024, gross_output=PREV, rd_expense=5_000_000)
    set_annual(data, 2025, gross_output=PREV + 2_500_000, rd_expense=5_605_000)
    set_annual(data, 2023, rd_expense=4_500_000)
    result = decide(data)
    assert clause(result, "art5.growth")["amount_before_rounding_yuan_decimal"] == "60500.00"
    assert clause(result, "art5.growth")["amount_yuan"] == 60_000
    assert clause(result, "art3.output_growth")["amount_before_rounding_yuan_decimal"] == "12500.00"
    assert result["total_yuan"] == 72_000
    assert "I-round-per-award" in result["interpretations"]


def test_rounding_applies_before_the_selection() -> None:
    """The selection weighs the paid amounts: Art 3 of 300,999.99 is paid 300,000 and ties Art 4's 300,000."""
    data = baseline()
    set_annual(data, 2024, gross_output=90_000_000)
    set_annual(data, 2025, gross_output=150_199_998)  # 0.5% × 60,199,998 = 300,999.99
    result = decide(data)
    assert clause(result, "art3.output_growth")["amount_before_rounding_yuan_decimal"] == "300999.99"
    assert clause(result, "art3.output_growth")["amount_yuan"] == 300_000
    assert len(result["awards"]) == 1 and result["total_yuan"] == 300_000
    assert len(result["alternatives"]) == 1  # a tie after rounding: the other is listed

"""Money at scale: exact to the yuan however large, and an error rather than a wrong number.

clingo's 32-bit integers wrap silently (2000000000*2 grounds as -294967296), so every money
value is six limbs (money.lp). A large plant's output is 10^10-10^11 yuan; the model accepts
up to 10^15 yuan (exit 2 above it), and what the engine cannot compute exactly is exit 3.
"""

import json
import subprocess
import sys

import pytest

from support import baseline, clause, condition, decide, set_annual, statuses


def test_art3_at_3e11_with_6_percent_is_exactly_the_cap():
    """300,000,000,000 -> 318,000,000,000: 0.5% x 18,000,000,000 = 90,000,000, capped at 5,000,000."""
    data = baseline()
    set_annual(data, 2024, gross_output=300_000_000_000)
    set_annual(data, 2025, gross_output=318_000_000_000)
    entry = clause(decide(data), "art3.output_growth")
    assert entry["status"] == "granted"
    assert entry["amount_yuan"] == 5_000_000
    assert entry["amount_before_rounding_yuan_decimal"] == "5000000.00"


def test_art5_growth_at_2_5e9_twelve_percent_twice_is_exactly_the_cap():
    """2,500,000,000 -> 2,800,000,000 -> 3,136,000,000 (+12%, +12%): 10% x 336,000,000 capped at 1,000,000."""
    data = baseline()
    set_annual(data, 2023, rd_expense=2_500_000_000)
    set_annual(data, 2024, rd_expense=2_800_000_000)
    set_annual(data, 2025, rd_expense=3_136_000_000)
    entry = clause(decide(data), "art5.growth")
    assert set(statuses(entry).values()) == {"pass"}
    assert entry["status"] == "granted"
    assert entry["amount_yuan"] == 1_000_000


def test_art5_growth_at_2_5e9_just_under_10_percent_fails():
    data = baseline()
    set_annual(data, 2023, rd_expense=2_500_000_000)
    set_annual(data, 2024, rd_expense=2_749_999_999)
    set_annual(data, 2025, rd_expense=3_136_000_000)
    entry = clause(decide(data), "art5.growth")
    assert condition(entry, "art5.growth_y_minus_1")["status"] == "fail"
    assert condition(entry, "art5.growth_y")["status"] == "pass"


def growth_cases():
    """Outputs of 10^10-10^11 yuan: the least passing output is ⌈prev x 1.05⌉ yuan (whole-yuan inputs)."""
    for prev in (10_000_000_000, 12_345_678_901, 40_000_000_000, 66_666_666_667, 99_999_999_999):
        need = -(-prev * 105 // 100)  # exact ceiling, in integers
        yield pytest.param(prev, need - 1, "fail", id=f"{prev}-one-yuan-under-5%")
        yield pytest.param(prev, need, "pass", id=f"{prev}-at-5%")


@pytest.mark.parametrize("prev, cur, expected", list(growth_cases()))
def test_large_outputs_decided_to_the_yuan(prev, cur, expected):
    data = baseline()
    set_annual(data, 2023, gross_output=prev)
    set_annual(data, 2024, gross_output=prev)
    set_annual(data, 2025, gross_output=cur)
    entry = clause(decide(data), "art3.output_growth")
    assert condition(entry, "art3.growth")["status"] == expected
    if expected == "pass":
        # 0.5% of the increase, floored to 1,000 yuan, capped at 5,000,000: computed in Python ints.
        assert entry["amount_yuan"] == min((cur - prev) * 5 // 1000 // 1000 * 1000, 5_000_000)
        assert entry["status"] == "granted"
    else:
        assert entry["status"] == "ineligible"


def test_fen_under_5_percent_at_1e11_fails():
    """One fen under +5% of 100,000,000,000 still fails: thresholds compare the unrounded input."""
    data = baseline()
    set_annual(data, 2024, gross_output=100_000_000_000)
    set_annual(data, 2025, gross_output="104999999999.99")
    assert condition(clause(decide(data), "art3.output_growth"), "art3.growth")["status"] == "fail"
    set_annual(data, 2025, gross_output="105000000000.00")
    assert condition(clause(decide(data), "art3.output_growth"), "art3.growth")["status"] == "pass"


def cli(tmp_path, data, name="d.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "pinggu_asp.cli", "check", str(path)], capture_output=True, text=True, timeout=120
    )


def test_largest_amount_is_decided_exactly_or_refused(tmp_path):
    """10^15 yuan everywhere: either an exact result (exit 0) or an engine error (exit 3), never a wrong number."""
    data = baseline()
    for year, output in ((2023, 10**15 // 2), (2024, 9 * 10**14), (2025, 10**15)):
        set_annual(data, year, gross_output=output, rd_expense=output)
    proc = cli(tmp_path, data)
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.returncode in (0, 3), proc.stderr
    if proc.returncode == 0:
        result = json.loads(proc.stdout)
        art3 = clause(result, "art3.output_growth")
        assert condition(art3, "art3.growth")["status"] == "pass"  # +11.1%
        assert art3["amount_yuan"] == 5_000_000
        assert condition(clause(result, "art5.growth"), "art5.growth_y")["status"] == "pass"
        assert clause(result, "art5.growth")["amount_yuan"] == 1_000_000
        assert result["total_yuan"] == sum(a["amount_yuan"] for a in result["awards"])
    else:
        assert proc.stdout == ""
        assert "error" in proc.stderr


def test_largest_competing_support_is_refused_not_wrapped(tmp_path):
    """A competing policy's 10^15 yuan does not fit an optimisation weight: exit 3 with a message."""
    data = baseline()
    set_annual(data, 2024, gross_output=200_000_000)
    set_annual(data, 2025, gross_output=220_000_000)
    data["other_pinggu_support"] = [{"basis": "output:2025", "policy": "p", "amount": 10**15, "status": "eligible"}]
    proc = cli(tmp_path, data)
    assert proc.returncode in (0, 3)
    assert "Traceback" not in proc.stderr + proc.stdout
    if proc.returncode == 0:
        result = json.loads(proc.stdout)
        assert clause(result, "art3.output_growth")["status"] == "superseded"
    else:
        assert proc.stdout == ""


@pytest.mark.parametrize("amount", [10**15 + 1, "1000000000000000.01"])
def test_over_the_largest_amount_is_invalid_input(tmp_path, amount):
    data = baseline()
    set_annual(data, 2025, gross_output=amount)
    proc = cli(tmp_path, data)
    assert proc.returncode == 2
    assert "annual[2025].gross_output" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.stdout == ""

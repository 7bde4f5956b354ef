"""Issue 17 §3: every parameter is bounded to the range in which the rules decide exactly.

`--param penalty_lookback_years=99999999999` gave a traceback, and 250000 a wrong total (5,630,000
where 0 is right) because calendar.lp wraps Y*10000. Each parameter's `range` in asp_rules/parameters.yaml
is enforced wherever a value enters: the file, a reform file, `--param`, `--compare-param`, the
service's reform fields and the case files. For each parameter the last value inside is accepted and
the first outside refused, naming the parameter, its range and the value; spot checks show the edges
decide exactly. Expected conclusion: no value outside a range reaches the rules.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from pinggu_asp import api
from pinggu_asp.analysis.reform import with_overrides
from pinggu_asp.cli import app
from pinggu_asp.policy.parameters import ParameterError, _convert, display_value, load_parameters, written
from support import EXAMPLE, REPO, baseline, set_annual

runner = CliRunner()
SHIPPED = load_parameters()
RAW = SHIPPED.raw


def _edges(name: str) -> list[tuple[str, str, bool]]:
    """(label, VALUE, accepted) at each end of a parameter's range: the last value inside and the first outside."""
    spec = RAW[name]
    kind, (low, high) = spec["kind"], spec["range"]
    out = [("least", str(written(kind, low)), True), ("greatest", str(written(kind, high)), True)]
    if kind == "money":
        unit = spec.get("step") or 1  # fen
        above, below = high + unit, low - unit
        out.append(("above", str(written(kind, above)), False))
        if below >= 0:
            out.append(("below", str(written(kind, below)), False))
    elif kind == "int":
        out += [("above", str(high + 1), False), ("below", str(low - 1), False)]
    elif kind == "date":
        out += [("above", (high + dt.timedelta(days=1)).isoformat(), False),
                ("below", (low - dt.timedelta(days=1)).isoformat(), False)]
    else:  # rate: the least fraction above the greatest that money.lp can still multiply by
        top = Fraction(*high)
        num, den = top.numerator * 1000 + 1, top.denominator * 1000
        out.append(("above", f"{num}/{den}", False))
    return out


EDGES = [(name, label, value, ok) for name in sorted(RAW) for label, value, ok in _edges(name)]


def test_every_parameter_has_a_range_and_its_shipped_values_lie_in_it() -> None:
    assert len(RAW) >= 50
    for name, spec in RAW.items():
        assert spec.get("range") is not None, name
        for value in spec["values"].values():
            low, high = spec["range"]
            conv = (lambda v: Fraction(*v)) if spec["kind"] == "rate" else (lambda v: v)
            assert conv(low) <= conv(value) <= conv(high), name


@pytest.mark.parametrize("name, label, value, accepted", EDGES, ids=[f"{n}-{lbl}" for n, lbl, _, _ in EDGES])
def test_each_edge_of_each_range(name: str, label: str, value: str, accepted: bool) -> None:
    """The last value inside is accepted; the first outside is refused with the parameter, range and value."""
    if accepted:
        reformed = with_overrides(SHIPPED, [f"{name}={value}"])
        assert reformed.in_force(dt.date(2026, 4, 10))[name].value is not None
        return
    with pytest.raises(ParameterError) as err:
        with_overrides(SHIPPED, [f"{name}={value}"])
    message = str(err.value)
    spec = RAW[name]
    low, high = (display_value(spec["kind"], bound) for bound in spec["range"])
    shown = display_value(spec["kind"], _convert(spec["kind"], int(value) if spec["kind"] == "int" else value, name))
    assert f"{shown} is outside the range of {name}, {low} to {high}" in message, message


# --- the issue's own examples, through the CLI: exit 2, no traceback ------------------------------


@pytest.mark.parametrize("value", ["99999999999", "250000", "101", "-1", "2147483648"])
def test_penalty_lookback_years_out_of_range_is_exit_2_naming_it(value: str) -> None:
    result = runner.invoke(app, ["whatif", str(EXAMPLE), "--param", f"penalty_lookback_years={value}"])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert f"{value} is outside the range of penalty_lookback_years, 0 to 100" in result.output


# --- the edges decide exactly (spot checks of the amount) ------------------------------------------


def _assess(data: dict[str, Any], *overrides: str) -> dict[str, Any]:
    return api.assess(data, parameters=with_overrides(SHIPPED, list(overrides)))


def _kitchen(amount: int | str) -> dict[str, Any]:
    data = baseline(orders=[{"id": "o-1", "program": "central_kitchen", "counterparty": "x", "counterparty_in_pinggu": True,
                             "counterparty_affiliated": False, "signed_date": "2025-09-01",
                             "executed": {2025: amount}, "supported_years": []}])
    data["enterprise"]["sectors"] = ["central_kitchen"]
    return data


def test_penalty_lookback_of_100_years_counts_a_penalty_99_years_back_and_not_100() -> None:
    """The greatest look-back: D − 100 years < d ≤ D, with D = 2026-04-10; the total is 0 or the award, exactly."""
    barred = _assess({**_kitchen(6_000_000), "penalties": [{"date": "1926-04-11", "kind": "criminal"}]},
                     "penalty_lookback_years=100")
    assert barred["total_yuan"] == 0
    free = _assess({**_kitchen(6_000_000), "penalties": [{"date": "1926-04-10", "kind": "criminal"}]},
                   "penalty_lookback_years=100")
    assert free["total_yuan"] == 60_000


def test_fraud_ban_of_100_years_bars_through_its_anniversary() -> None:
    barred = _assess({**_kitchen(6_000_000), "fraud_findings": [{"date": "1926-04-10"}]}, "fraud_ban_years=100")
    assert barred["total_yuan"] == 0
    free = _assess({**_kitchen(6_000_000), "fraud_findings": [{"date": "1926-04-09"}]}, "fraud_ban_years=100")
    assert free["total_yuan"] == 60_000


def test_a_cap_of_10_to_the_12_yuan_pays_exactly_10_to_the_12() -> None:
    """1% of 10^14 yuan of orders is 10^12, the greatest cap: paid to the yuan."""
    result = _assess(_kitchen(100_000_000_000_000), "art9_procurement_cap=1000000000000")
    assert result["total_yuan"] == 1_000_000_000_000
    result = _assess(_kitchen(99_999_999_999_900), "art9_procurement_cap=1000000000000")
    assert result["total_yuan"] == 999_999_999_000


def test_the_least_rounding_unit_of_1_yuan_floors_to_the_yuan() -> None:
    """1% of 5,000,001 is 50,000.01: floored to 50,000 by a 1-yuan unit, as by the shipped 1,000."""
    assert _assess(_kitchen(5_000_001), "art17_round_unit=1")["total_yuan"] == 50_000
    assert _assess(_kitchen(5_123_456), "art17_round_unit=1")["total_yuan"] == 51_234
    assert _assess(_kitchen(5_123_456))["total_yuan"] == 51_000


def test_a_rate_of_1_over_1_pays_the_whole_amount_up_to_the_cap() -> None:
    result = _assess(_kitchen(6_000_000), "art9_procurement_rate=1/1", "art9_procurement_cap=1000000000000")
    assert result["total_yuan"] == 6_000_000


def test_the_greatest_growth_threshold_is_exact_one_yuan_on_each_side() -> None:
    """art3_growth_min = 10/1 (+1000%): 200,000,000 -> 2,200,000,000 passes, one yuan less fails."""
    def growth(cur: int) -> str:
        data = baseline()
        set_annual(data, 2024, gross_output=200_000_000)
        set_annual(data, 2025, gross_output=cur)
        result = _assess(data, "art3_growth_min=10/1")
        entry = next(c for c in result["clauses"] if c["clause"] == "art3.output_growth")
        return str(next(c["status"] for c in entry["conditions"] if c["id"] == "art3.growth"))

    assert growth(2_200_000_000) == "pass"
    assert growth(2_199_999_999) == "fail"


def test_the_last_day_of_the_date_range_is_a_window_end_the_rules_decide() -> None:
    data = _kitchen(5_000_001)
    data.update(declaration_date="2100-12-31", support_year=2100)
    data["annual"].append({"year": 2100, "gross_output": 1})
    data["orders"][0].update(signed_date="2100-01-05", executed={2100: 5_000_001})
    result = _assess(data, "window_end=2100-12-31")
    assert {g["id"]: g["status"] for g in result["gates"]}["A21-declared-in-window"] == "pass"
    assert result["total_yuan"] == 50_000


# --- every door: the file, a reform file, --compare-param, the service, a case file --------------------


def _shipped_text() -> dict[str, Any]:
    return yaml.safe_load((REPO / "asp_rules" / "parameters.yaml").read_text(encoding="utf-8"))


def test_a_reform_file_out_of_range_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "reform.yaml"
    path.write_text("schema: pinggu-parameters/1\nparameters:\n  penalty_lookback_years:\n"
                    "    values: {2025-08-29: 250000}\n", encoding="utf-8")
    result = runner.invoke(app, ["check", str(EXAMPLE), "--parameters", str(path)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "250000 is outside the range of penalty_lookback_years, 0 to 100" in result.output


def test_a_reform_file_cannot_widen_a_range(tmp_path: Path) -> None:
    path = tmp_path / "reform.yaml"
    path.write_text("schema: pinggu-parameters/1\nparameters:\n  penalty_lookback_years:\n    range: [0, 1000000]\n"
                    "    values: {2025-08-29: 250000}\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="cannot change the range"):
        load_parameters(path)


def test_a_whole_file_with_a_value_out_of_its_own_range_is_refused(tmp_path: Path) -> None:
    doc = _shipped_text()
    doc["parameters"]["art3_cap"]["values"] = {dt.date(2025, 8, 29): 1_000_000_000_001}
    path = tmp_path / "parameters.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ParameterError, match="art3_cap"):
        load_parameters(path)


def test_compare_param_out_of_range_is_exit_2(tmp_path: Path) -> None:
    decls = tmp_path / "in.jsonl"
    decls.write_text(json.dumps(baseline(), default=str) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["batch", str(decls), "-o", str(tmp_path / "out.jsonl"), "--summary", str(tmp_path / "s.json"),
                                 "--compare-param", "fraud_ban_years=250000"])
    assert result.exit_code == 2, result.output
    assert "fraud_ban_years" in result.output and "0 to 100" in result.output
    assert "Traceback" not in result.output


def test_the_service_refuses_a_reform_out_of_range() -> None:
    from fastapi.testclient import TestClient

    from pinggu_asp.service import Settings, create_app

    declaration = EXAMPLE.read_text(encoding="utf-8")
    reform = "schema: pinggu-parameters/1\nparameters:\n  penalty_lookback_years: {values: {2025-08-29: 250000}}\n"
    with TestClient(create_app(Settings(workers=1))) as client:
        response = client.post("/v1/check", json={"declaration": declaration, "parameters": reform})
        assert response.status_code == 422
        assert "outside the range of penalty_lookback_years" in response.text
        response = client.post("/v1/whatif", json={"declaration": declaration, "params": ["art3_cap=1000000000001"]})
        assert response.status_code == 422
        assert "outside the range of art3_cap" in response.text


def test_a_case_file_with_a_parameter_out_of_range_is_exit_2(tmp_path: Path) -> None:
    case = tmp_path / "cases.yaml"
    case.write_text(
        "schema: pinggu-cases/1\ncases:\n"
        f"  - name: 改革越界\n    base: {REPO / 'tests' / 'cases' / 'baseline.yaml'}\n"
        "    parameters: {penalty_lookback_years: 250000}\n    total_yuan: 0\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["test", str(case)])
    assert result.exit_code == 2
    assert f"{case}:5" in result.output  # the line of the parameters key at fault
    assert "250000 is outside the range of penalty_lookback_years, 0 to 100" in result.output


def test_money_edges_are_exact_decimal_text() -> None:
    """The edge written back for a reader is the value itself (no float): 10^12 yuan, 1 yuan."""
    assert written("money", 100_000_000_000_000) == 1_000_000_000_000
    assert Decimal(str(written("money", 101))) == Decimal("1.01")

"""Issue 11: the "why" as atoms (explain.lp), readings as templates, amounts with their derivation.

Every expectation below is worked out by hand from the text of the measures and
parameters.yaml, not read back from the engine.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import clingo
import yaml
from test_art9_central_kitchen import ck_order, kitchen
from test_art12_auto_parts import oem_order, parts_maker
from typer.testing import CliRunner

from pinggu_asp.cli import app
from pinggu_asp.policy.parameters import load_parameters
from pinggu_asp.policy.rules_files import program_paths
from pinggu_asp.policy.templates import fill, stray_digits
from pinggu_asp.render.explain import build
from pinggu_asp.render.text import render
from support import EXAMPLE, baseline, clause, decide, set_annual

runner = CliRunner()


def _overlay(tmp_path: Path, name: str, value: Any) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump({"schema": "pinggu-parameters/1",
                                    "parameters": {name: {"values": {"2025-08-29": value}}}}), encoding="utf-8")
    return path


# --- the received-policy case: an outcome the rules derive -------------------------------


def _smart_rating_with_received(eligible: bool) -> dict[str, Any]:
    data = baseline()
    data["ratings"] = [{"id": "r-1", "kind": "beijing_advanced_smart_factory", "date": "2025-11-20"}] if eligible else []
    data["other_pinggu_support"] = [
        {"policy": "平谷区智能制造扶持办法", "basis": "rating:smart:2025", "amount": 100_000, "status": "received"}
    ]
    return data


def test_received_policy_that_blocks_an_award_says_blocks():
    result = decide(_smart_rating_with_received(eligible=True))
    assert clause(result, "art6.beijing_advanced")["status"] == "blocked"
    assert result["other_support"][0]["outcome"] == "blocks"
    assert result["other_support"][0]["blocks"] == ["art6.beijing_advanced"]


def test_received_policy_on_rating_smart_with_nothing_to_block_does_not_say_blocks():
    """No smart rating is declared, so no award rests on rating:smart:2025: nothing was blocked."""
    result = decide(_smart_rating_with_received(eligible=False))
    assert result["other_support"][0]["outcome"] == "nothing_to_block"
    assert result["other_support"][0]["blocks"] == []


# --- reasons come from status_reason/4 --------------------------------------------------


def test_reasons_name_the_failed_condition_and_the_text_shows_them():
    result = json.loads(runner.invoke(app, ["check", str(EXAMPLE)]).stdout)
    art4 = clause(result, "art4.new_plant")
    assert art4["status"] == "ineligible"
    assert art4["reasons"] == [{"kind": "cond", "id": "art4.commissioned_in_year"}]
    assert clause(result, "art4.breakthrough")["reasons"] == []
    text = render(result, "en", width=160)
    assert "✗ art4.commissioned_in_year" in text


def test_barred_by_a_gate_gives_the_gate_as_the_reason():
    data = baseline()
    data["enterprise"]["credit_good"] = False
    set_annual(data, 2024, gross_output=200_000_000)
    set_annual(data, 2025, gross_output=220_000_000)
    entry = clause(decide(data), "art3.output_growth")
    assert entry["status"] == "barred"
    assert entry["reasons"] == [{"kind": "gate", "id": "G-credit"}]


# --- readings are templates --------------------------------------------------------------


def _readings() -> list[tuple[str, str, str]]:
    ctl = clingo.Control(["--warn=none"])
    for path in program_paths():
        ctl.load(str(path))
    ctl.ground([("base", [])])
    out = []
    for atom in ctl.symbolic_atoms.by_signature("cond_text", 6):
        cid, _, _, _, zh, en = atom.symbol.arguments
        out += [(cid.string, "zh", zh.string), (cid.string, "en", en.string)]
    for atom in ctl.symbolic_atoms.by_signature("order_reason_text", 3):
        code, zh, en = atom.symbol.arguments
        out += [(code.name, "zh", zh.string), (code.name, "en", en.string)]
    return out


def test_no_digit_in_a_reading_outside_a_placeholder():
    readings = _readings()
    assert len(readings) > 150
    stray = [(rid, lang, text) for rid, lang, text in readings if re.search(r"\d", stray_digits(text))]
    assert stray == []


def test_the_digit_check_can_fail():
    assert re.search(r"\d", stray_digits("增长达到5%（含）"))
    assert not re.search(r"\d", stray_digits("增长达到{art3_growth_min}（含）（I-art11-once）"))


def test_every_placeholder_names_a_parameter_in_force():
    params = load_parameters().in_force(__import__("datetime").date(2026, 4, 10))
    for _, _, text in _readings():
        filled = fill(text, params)
        assert "{" not in filled


def test_reform_of_art3_growth_min_changes_the_words_with_the_rule(tmp_path):
    """At 50% the reading says 50%, and 104,000,000 from 92,000,000 (+13%) fails."""
    out = runner.invoke(app, ["check", str(EXAMPLE), "--parameters", str(_overlay(tmp_path, "art3_growth_min", "50/100"))])
    assert out.exit_code == 0, out.output
    cond = next(c for c in clause(json.loads(out.stdout), "art3.output_growth")["conditions"] if c["id"] == "art3.growth")
    assert cond["status"] == "fail"
    assert "at least 50% (inclusive)" in cond["text_en"] and "5%" not in cond["text_en"]
    assert "达到50%（含）" in cond["text_zh"]
    assert cond["required"] == 138_000_000  # 92,000,000 × 150/100
    assert cond["phrase_zh"] == "年度工业总产值增速达到5%（含）"  # the law's own words stay


def test_reform_of_art17_minimum_changes_the_status_and_its_words(tmp_path):
    """Art 12 pays 130,000 on the example; with a 200,000 minimum it is below the minimum, and says so."""
    overlay = _overlay(tmp_path, "art17_minimum", 200_000)
    out = runner.invoke(app, ["explain", str(EXAMPLE), "-f", "json", "--parameters", str(overlay)])
    assert out.exit_code == 0, out.output
    entry = next(c for c in json.loads(out.stdout)["clauses"] if c["clause"] == "art12.oem_orders")
    assert entry["status"] == "below_minimum"
    assert entry["derivation"]["minimum_yuan"] == 200_000
    assert any("20.0万元" in s for s in entry["sentences"]["zh"])
    assert any("200,000 yuan" in s for s in entry["sentences"]["en"])
    assert not any("1万元" in s or "10,000 yuan" in s for s in entry["sentences"]["zh"] + entry["sentences"]["en"])


# --- amount derivations, by hand ---------------------------------------------------------


def test_art3_derivation_with_art17_rounding():
    """(226,123,456 − 200,000,000) × 0.5% = 130,617.28, capped at 5,000,000, rounded down to 130,000."""
    data = baseline()
    set_annual(data, 2024, gross_output=200_000_000)
    set_annual(data, 2025, gross_output=226_123_456)
    result = decide(data)
    d = clause(result, "art3.output_growth")["derivation"]
    assert d["base_yuan_decimal"] == "26123456.00" and d["rate"] == "5/1000" and d["rate_text"] == "0.5%"
    assert d["raw_yuan_decimal"] == "130617.28" and d["cap_yuan"] == 5_000_000
    assert d["before_rounding_yuan_decimal"] == "130617.28" and d["after_rounding_yuan"] == 130_000
    assert d["before_rounding_fen"] == 13_061_728 and d["after_rounding_fen"] == 13_000_000
    assert d["round_unit_yuan"] == 1_000 and d["already_paid_yuan_decimal"] is None
    text = render(result, "en", width=400)
    assert "26,123,456 yuan × 0.5% = 130,617.28 yuan" in text
    assert "130,617.28 yuan before rounding, 130,000 yuan after the Art 17 rounding" in text
    award = next(a for a in result["awards"] if a["clause"] == "art3.output_growth")
    assert award["derivation"] == d


def test_art5_growth_derivation():
    """R&D 5,000,000 → 5,600,000 → 6,400,000: (6,400,000 − 5,600,000) × 10% = 80,000, under the 1,000,000 cap."""
    data = baseline()
    set_annual(data, 2023, rd_expense=5_000_000)
    set_annual(data, 2024, rd_expense=5_600_000)
    set_annual(data, 2025, rd_expense=6_400_000)
    d = clause(decide(data), "art5.growth")["derivation"]
    assert (d["base_yuan_decimal"], d["rate_text"], d["raw_yuan_decimal"], d["cap_yuan"]) == ("800000.00", "10%", "80000.00", 1_000_000)
    assert (d["before_rounding_yuan_decimal"], d["after_rounding_yuan"]) == ("80000.00", 80_000)


def test_art9_procurement_derivation():
    """Orders of 5,000,000 and 1,234,567 sum to 6,234,567; 1% is 62,345.67, rounded down to 62,000."""
    entry = clause(decide(kitchen(ck_order("o-1", 5_000_000), ck_order("o-2", 1_234_567))), "art9.procurement")
    d = entry["derivation"]
    assert entry["status"] == "granted"
    assert (d["base_yuan_decimal"], d["rate_text"], d["raw_yuan_decimal"], d["cap_yuan"]) == ("6234567.00", "1%", "62345.67", 2_000_000)
    assert (d["before_rounding_yuan_decimal"], d["after_rounding_yuan"]) == ("62345.67", 62_000)


def test_art12_derivation_hits_the_cap():
    """Orders of 500,000,000: 0.5% is 2,500,000, capped at 2,000,000."""
    entry = clause(decide(parts_maker(oem_order("o-1", 500_000_000))), "art12.oem_orders")
    d = entry["derivation"]
    assert (d["base_yuan_decimal"], d["rate_text"], d["raw_yuan_decimal"], d["cap_yuan"]) == ("500000000.00", "0.5%", "2500000.00", 2_000_000)
    assert (d["before_rounding_yuan_decimal"], d["after_rounding_yuan"]) == ("2000000.00", 2_000_000)
    assert entry["amount_yuan"] == 2_000_000


def test_a_fixed_ceiling_is_marked_up_to_and_the_total_says_how_much_is_up_to():
    result = json.loads(runner.invoke(app, ["check", str(EXAMPLE)]).stdout)
    up_to = sum(a["amount_yuan"] for a in result["awards"] if a["up_to"])
    assert up_to > 0
    assert result["total_up_to_yuan"] == up_to
    assert result["total_exact_yuan"] == result["total_yuan"] - up_to
    text = render(result, "en", width=160)
    assert "“up to” ceilings" in text
    model = build(result)
    assert "up to" in model["total_note"]["en"]


def test_every_reading_the_rules_name_is_described_without_stray_digits():
    from pinggu_asp.policy.readings import catalogue

    declared: set[str] = set()
    for path in sorted((Path(program_paths()[0]).parent).rglob("*.lp")):
        declared |= set(re.findall(r'interpretation\("(I-[A-Za-z0-9-]+)"\)', path.read_text(encoding="utf-8")))
    assert declared and declared <= set(catalogue())
    params = load_parameters().in_force(__import__("datetime").date(2026, 4, 10))
    for name, spec in catalogue().items():
        for lang in ("zh", "en"):
            assert not re.search(r"\d", stray_digits(spec[lang])), (name, lang, spec[lang])
            assert "{" not in fill(spec[lang], params)

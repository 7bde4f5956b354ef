"""`pinggu-asp explain`: the auditor's answer, rendered from what the rules derived.

For each article available (the gates, Arts 3, 4, 5, and every other listed
clause generically) the explanation names the failing condition, the observed
and required values, the declared field and the gap, in Chinese and English.
The last tests change a threshold in a copy of parameters.yaml and see the
explanation follow the rules.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from pinggu_asp.cli import app
from pinggu_asp.engine.decide import check
from pinggu_asp.loading import load_declaration
from pinggu_asp.money import yuan_plain
from pinggu_asp.render.explain import ClauseNotListed, build
from pinggu_asp.render.html import render_html
from pinggu_asp.render.md import render_markdown
from pinggu_asp.render.text import render_clause_tree, render_explanation
from support import EXAMPLE, REPO, baseline, decide, ruleset, set_annual, visible_text

runner = CliRunner()


def explained(data: dict[str, Any], **kw: Any) -> dict[str, Any]:
    return build(decide(data, **kw))


def entry(model: dict[str, Any], clause_id: str) -> dict[str, Any]:
    found = [c for c in model["clauses"] if c["clause"] == clause_id]
    assert len(found) == 1, [c["clause"] for c in model["clauses"]]
    return found[0]


def cond(clause: dict[str, Any], cond_id: str) -> dict[str, Any]:
    found = [c for c in clause["conditions"] if c["id"] == cond_id]
    assert len(found) == 1, [c["id"] for c in clause["conditions"]]
    return found[0]


@pytest.fixture(scope="module")
def example_result() -> dict[str, Any]:
    return check(load_declaration(EXAMPLE), ruleset())


# --- the data behind every explanation (pinggu-result/1) ----------------------------


def test_result_conditions_carry_every_field(example_result: dict[str, Any]) -> None:
    required = {"id", "status", "observed", "required", "comparison", "article", "phrase_zh", "text_zh", "text_en",
                "source_field"}
    for clause in example_result["clauses"]:
        assert "superseded_by" in clause and "blocked_by" in clause
        for c in clause["conditions"]:
            assert required <= c.keys(), (clause["clause"], c["id"])
            assert c["status"] in ("pass", "fail", "unknown")
            assert c["text_zh"] and c["text_en"] and c["phrase_zh"], c["id"]
            if "gap" in c:
                assert c["status"] == "fail" and {"passes_at_yuan_decimal", "short_by_yuan_decimal"} <= c["gap"].keys()
    prov = example_result["provenance"]
    assert prov["package"].startswith("pinggu-asp ")
    assert prov["clingo"]
    for key in ("rules_sha256", "parameters_sha256", "declaration_sha256"):
        assert re.fullmatch(r"[0-9a-f]{64}", prov[key]), key


# --- Article 3 ----------------------------------------------------------------------


def test_art3_growth_short_names_field_required_and_gap() -> None:
    data = baseline()  # 60,000,000 -> 61,000,000: +1.7%, short of +5%
    c = cond(entry(explained(data), "art3.output_growth"), "art3.growth")
    assert c["status"] == "fail"
    assert c["observed"] == 61_000_000 and c["source_field"] == "annual[2025].gross_output"
    assert c["required"] == 63_000_000 and c["comparison"] == "ge"
    assert c["required_formula"] == "annual[2024].gross_output × 105 / 100"
    assert c["gap"] == {"passes_at_yuan_decimal": "63000000.00", "short_by_yuan_decimal": "2000000.00", "passes_at_fen": 6_300_000_000, "short_by_fen": 200_000_000}
    assert c["details"]["en"][0] == (
        "annual[2025].gross_output must reach 63,000,000 yuan (= annual[2024].gross_output × 105 / 100); "
        "declared 61,000,000 yuan, short by 2,000,000 yuan."
    )
    assert "差2,000,000元" in c["details"]["zh"][0]
    assert c["phrase_zh"] == "年度工业总产值增速达到5%（含）" and c["article_text"] == {"zh": "第三条", "en": "Art 3"}


def test_art3_growth_from_zero_is_explained() -> None:
    data = set_annual(baseline(), 2024, gross_output=0)
    c = cond(entry(explained(data), "art3.output_growth"), "art3.growth")
    assert c["status"] == "fail"
    assert any("growth from nothing is not growth" in d for d in c["details"]["en"])
    assert any("从零起步不算增长" in d for d in c["details"]["zh"])


def test_art3_unknown_names_the_missing_field() -> None:
    data = set_annual(baseline(), 2024, gross_output=None)
    model = explained(data)
    clause = entry(model, "art3.output_growth")
    c = cond(clause, "art3.growth")
    assert clause["status"] == "undetermined" and c["status"] == "unknown"
    assert c["missing"] == "annual[2024].gross_output"
    assert "Missing fact: declare annual[2024].gross_output." in c["details"]["en"]
    assert "缺少事实：请申报 annual[2024].gross_output。" in c["details"]["zh"]


# --- Article 4 ----------------------------------------------------------------------


def test_art4_output_short_of_100m() -> None:
    data = set_annual(baseline(), 2025, gross_output=95_000_000)
    clause = entry(explained(data), "art4.breakthrough")
    assert clause["status"] == "ineligible"
    c = cond(clause, "art4.output_100m")
    assert (c["status"], c["observed"], c["required"]) == ("fail", 95_000_000, 100_000_000)
    assert c["gap"] == {"passes_at_yuan_decimal": "100000000.00", "short_by_yuan_decimal": "5000000.00", "passes_at_fen": 10_000_000_000, "short_by_fen": 500_000_000}
    assert c["details"]["en"][0] == (
        "annual[2025].gross_output must reach 100,000,000 yuan; declared 95,000,000 yuan, short by 5,000,000 yuan."
    )
    assert "Condition(s) failed: art4.output_100m." in clause["sentences"]["en"]


def test_art4_not_first_time_names_the_earlier_year() -> None:
    data = set_annual(set_annual(baseline(), 2024, gross_output=120_000_000), 2025, gross_output=130_000_000)
    c = cond(entry(explained(data), "art4.breakthrough"), "art4.first_time")
    assert c["status"] == "fail" and c["source_field"] == "annual[2024].gross_output"
    assert c["observed"] == {"year": 2024, "yuan": 120_000_000}
    assert any(d.startswith("Already reached in 2024 (annual[2024].gross_output: 120,000,000 yuan")
               for d in c["details"]["en"])
    assert any("2024年（annual[2024].gross_output）已达到120,000,000元" in d for d in c["details"]["zh"])


def test_art4_first_time_names_the_years_looked_at() -> None:
    data = set_annual(baseline(), 2025, gross_output=101_000_000)
    c = cond(entry(explained(data), "art4.breakthrough"), "art4.first_time")
    assert c["status"] == "pass" and c["years_looked_at"] == [2023, 2024]
    assert "Declared years looked at: 2023, 2024; none reached 100,000,000 yuan." in c["details"]["en"]
    assert "查看的申报年度：2023、2024；均未达到100,000,000元。" in c["details"]["zh"]


def test_superseded_names_the_winner_and_both_amounts(example_result: dict[str, Any]) -> None:
    model = build(example_result)
    art3 = entry(model, "art3.output_growth")
    assert art3["status"] == "superseded"
    winner = art3["superseded_by"][0]
    assert winner["clause"] == "art4.breakthrough"
    sentence = [s for s in art3["sentences"]["en"] if s.startswith("Superseded")][0]
    assert "art4.breakthrough" in sentence and "300,000 yuan" in sentence and "60,000 yuan" in sentence
    assert any("从优不重复" in s for s in art3["sentences"]["zh"])
    assert entry(model, "art4.breakthrough")["supersedes"][0]["clause"] == "art3.output_growth"


# --- Article 5 ----------------------------------------------------------------------


def test_art5_rd_short_of_5m() -> None:
    data = set_annual(baseline(), 2025, rd_expense=4_800_000)
    clause = entry(explained(data), "art5.first_5m")
    c = cond(clause, "art5.rd_5m")
    assert (c["status"], c["observed"], c["required"]) == ("fail", 4_800_000, 5_000_000)
    assert c["source_field"] == "annual[2025].rd_expense"
    assert c["details"]["en"][0] == (
        "annual[2025].rd_expense must reach 5,000,000 yuan; declared 4,800,000 yuan, short by 200,000 yuan."
    )
    assert c["details"]["zh"][0] == "annual[2025].rd_expense须达到5,000,000元；申报4,800,000元，差200,000元。"
    assert c["required_text"] == {"zh": "≥ 5,000,000元", "en": "≥ 5,000,000 yuan"}


def test_art5_first_time_unknown_without_earlier_years() -> None:
    data = baseline(annual=[{"year": 2025, "gross_output": 61_000_000, "rd_expense": 6_000_000}])
    c = cond(entry(explained(data), "art5.first_5m"), "art5.first_time")
    assert c["status"] == "unknown"
    assert any("declare earlier annual records (e.g. annual[2024])" in d for d in c["details"]["en"])
    assert any("请申报此前年度的年度数据" in d for d in c["details"]["zh"])


def test_art5_growth_gap_is_exact_and_rounded_up_to_the_fen() -> None:
    data = baseline()
    set_annual(data, 2023, rd_expense=3_000_000)
    set_annual(data, 2024, rd_expense=3_333_333)
    set_annual(data, 2025, rd_expense=5_000_000)
    c = cond(entry(explained(data), "art5.growth"), "art5.growth_y_minus_1")
    assert c["status"] == "pass"
    data = set_annual(data, 2024, rd_expense="3299999.99")
    c = cond(entry(explained(data), "art5.growth"), "art5.growth_y_minus_1")
    assert c["status"] == "fail"
    assert c["gap"]["passes_at_yuan_decimal"] == "3300000.00" and c["gap"]["short_by_yuan_decimal"] == "0.01"
    assert "short by 0.01 yuan" in c["details"]["en"][0]


def test_blocked_names_the_other_policy_and_both_amounts() -> None:
    data = set_annual(baseline(), 2025, rd_expense=6_000_000)
    data["other_pinggu_support"] = [{"basis": "rd:2025", "policy": "平谷区研发政策", "amount": 250000, "status": "received"}]
    clause = entry(explained(data), "art5.first_5m")
    assert clause["status"] == "blocked"
    sentence = clause["sentences"]["en"][-1]
    assert "平谷区研发政策" in sentence and "250,000 yuan" in sentence and "300,000 yuan" in sentence


# --- gates --------------------------------------------------------------------------


def test_failed_gate_bars_and_is_named() -> None:
    data = baseline()
    data["enterprise"]["registered_in_pinggu"] = False
    data["penalties"] = [{"date": "2024-01-05", "kind": "major_administrative"}]
    model = explained(data)
    assert set(model["gates_failed"]) == {"G-registered", "G-no-penalty"}
    gate = [g for g in model["gates"] if g["id"] == "G-no-penalty"][0]
    assert gate["status"] == "fail" and gate["evidence"] == ["penalties[0]"]
    assert gate["article"] == 16 and gate["text"]["zh"] and gate["text"]["en"]
    for clause in model["clauses"]:
        assert clause["status"] == "barred"
        assert any("G-registered" in s and "G-no-penalty" in s for s in clause["sentences"]["en"])


def test_outside_the_window_is_not_applicable() -> None:
    model = explained(baseline(declaration_date="2027-09-01"))
    assert "A21-declared-in-window" in model["gates_failed"]
    assert all(c["status"] == "not_applicable" for c in model["clauses"])
    assert any("Art 21" in s for s in model["clauses"][0]["sentences"]["en"])


# --- every article, generically (Arts 6-13 are written concurrently) ----------------


def test_every_listed_clause_explains_in_both_languages(example_result: dict[str, Any]) -> None:
    model = build(example_result)
    assert {c["clause"] for c in model["clauses"]} == {c["clause"] for c in example_result["clauses"]}
    for clause in model["clauses"]:
        for c in clause["conditions"]:
            for lang in ("zh", "en"):
                assert c["summary"][lang] and c["observed_text"][lang] and c["required_text"][lang]
            if "gap" in c:
                assert c["details"]["en"] and "short by" in c["details"]["en"][0], c["id"]
                assert "差" in c["details"]["zh"][0]
            if c["status"] == "unknown":
                assert c["details"]["en"], c["id"]


def test_art11_pinggu_rd_gap_when_listed(example_result: dict[str, Any]) -> None:
    listed = [c for c in example_result["clauses"] if c["clause"] == "art11.leading_enterprise"]
    if not listed:
        pytest.skip("art11.leading_enterprise is not listed (its rules are not loaded)")
    model = build(example_result, "art11.leading_enterprise")
    gaps = [c for c in model["clauses"][0]["conditions"] if c.get("gap") and c["comparison"] == "gt"]
    if not gaps:
        pytest.skip("no failed '超' condition with a gap in Art 11 for the example")
    c = gaps[0]
    assert "must exceed" in c["details"]["en"][0] and "超过" in c["details"]["zh"][0]


def test_unknown_comparisons_and_values_still_render() -> None:
    result = {
        "schema": "pinggu-result/1",
        "enterprise": {"name": "X", "credit_code": "Y"},
        "support_year": 2026,
        "declaration_date": "2026-05-01",
        "awards": [],
        "total_yuan": 0,
        "gates": [],
        "clauses": [{
            "clause": "art99.future", "article": 99, "subject": "thing:1", "basis": "thing:1", "bases": ["thing:1"],
            "status": "ineligible", "amount_yuan": None, "cap_yuan": None, "up_to": False, "payer": "somebody",
            "conditions": [{"id": "art99.odd", "status": "fail", "observed": {"weird": [1, 2]}, "required": "x",
                            "comparison": "approximately", "article": 99, "phrase_zh": None, "text_zh": None,
                            "text_en": None, "source_field": None, "observed_kind": "weird", "required_kind": "odd"}],
            "superseded_by": [], "blocked_by": [],
        }],
        "alternatives": [], "advisories": [], "interpretations": [],
    }
    model = build(result)
    c = model["clauses"][0]["conditions"][0]
    assert c["required_text"]["en"] == "approximately x"
    for lang in ("zh", "en"):
        assert "art99.odd" in render_explanation(model, lang)
        assert "art99.odd" in render_markdown(model, lang)
        assert "art99.odd" in visible_text(render_html(model, lang))
        assert "art99.future" in render_clause_tree(build(result, "art99.future"), lang)


def test_money_words() -> None:
    assert yuan_plain(5_300_000) == "5,300,000"
    assert yuan_plain("1234.5") == "1,234.50"
    assert yuan_plain("10/3") == "≈3.34"


# --- the command --------------------------------------------------------------------


def test_explain_text_is_chinese_by_default_and_english_on_request() -> None:
    zh = runner.invoke(app, ["explain", str(EXAMPLE)])
    en = runner.invoke(app, ["explain", str(EXAMPLE), "--lang", "en"])
    assert zh.exit_code == 0 and en.exit_code == 0, zh.output + en.output
    assert "适用条件" in zh.output and "合计" in zh.output and "万元" in zh.output
    assert "Gates" in en.output and "Total" in en.output and "yuan" in en.output
    assert "art4.breakthrough" in zh.output and "annual[2025].gross_output" in en.output


def test_explain_json_carries_both_languages() -> None:
    out = runner.invoke(app, ["explain", str(EXAMPLE), "--format", "json"])
    assert out.exit_code == 0, out.output
    model = json.loads(out.output)
    assert model["schema"] == "pinggu-explanation/1"
    c = model["clauses"][0]["conditions"][0]
    assert set(c["text"]) == {"zh", "en"} and set(c["summary"]) == {"zh", "en"}
    assert model["provenance"]["rules_sha256"]


def test_explain_clause_tree_and_not_listed() -> None:
    out = runner.invoke(app, ["explain", str(EXAMPLE), "--clause", "art4.breakthrough", "--lang", "en"])
    assert out.exit_code == 0, out.output
    assert "art4.breakthrough" in out.output
    assert "Chosen under Art 18 (most favourable, not twice) over art3.output_growth" in out.output
    assert "annual[2025].gross_output = 104,000,000 yuan" in out.output  # a fact under its condition
    assert "annual[2023]" in out.output  # a year the first-time check looked at
    # A clause the rules do not define is a mistake in the command: exit 2 (issue 11).
    missing = runner.invoke(app, ["explain", str(EXAMPLE), "--clause", "art99.nothing", "--lang", "en"])
    assert missing.exit_code == 2
    assert "there is no clause art99.nothing" in missing.output
    # A real clause this declaration does not list is an answer: exit 1.
    unlisted = runner.invoke(app, ["explain", str(EXAMPLE), "--clause", "art6.lighthouse", "--lang", "en"])
    assert unlisted.exit_code == 1
    assert "art6.lighthouse is not listed for this declaration" in unlisted.output
    with pytest.raises(ClauseNotListed):
        build(check(load_declaration(EXAMPLE), ruleset()), "art99.nothing")


def test_every_listed_clause_has_a_tree(example_result: dict[str, Any]) -> None:
    for clause_id in dict.fromkeys(c["clause"] for c in example_result["clauses"]):
        model = build(example_result, clause_id)
        for lang in ("zh", "en"):
            assert clause_id in render_clause_tree(model, lang)


def test_output_is_deterministic() -> None:
    for fmt in ("text", "json", "md", "html"):
        a = runner.invoke(app, ["explain", str(EXAMPLE), "--format", fmt])
        b = runner.invoke(app, ["explain", str(EXAMPLE), "--format", fmt])
        assert a.exit_code == 0 and a.output == b.output, fmt


# --- the explanation follows the rules ----------------------------------------------


def _reform(tmp_path: Path, **values: Any) -> Path:
    data = yaml.safe_load((REPO / "asp_rules" / "parameters.yaml").read_text(encoding="utf-8"))
    for name, value in values.items():
        data["parameters"][name]["values"] = {"2025-08-29": value}
    path = tmp_path / "reform.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_explanation_follows_a_changed_threshold(tmp_path: Path) -> None:
    """The example declares R&D 5,300,000; raise Art 5's threshold to 5,500,000 and the explanation says why it fails."""
    shipped = build(check(load_declaration(EXAMPLE), ruleset()))
    assert cond(entry(shipped, "art5.first_5m"), "art5.rd_5m")["status"] == "pass"

    reform = _reform(tmp_path, art5_first_threshold=5_500_000)
    model = build(check(load_declaration(EXAMPLE), ruleset(parameters=reform)))
    clause = entry(model, "art5.first_5m")
    c = cond(clause, "art5.rd_5m")
    assert clause["status"] == "ineligible"
    assert (c["status"], c["observed"], c["required"]) == ("fail", 5_300_000, 5_500_000)
    assert c["details"]["en"][0] == (
        "annual[2025].rd_expense must reach 5,500,000 yuan; declared 5,300,000 yuan, short by 200,000 yuan."
    )
    assert {"field": "parameters.art5_first_threshold", "value_yuan_decimal": "5500000.00", "value_fen": 550_000_000} in c["facts"]
    assert model["provenance"]["parameters_sha256"] != shipped["provenance"]["parameters_sha256"]


def test_cli_explanation_follows_a_changed_growth_rate(tmp_path: Path) -> None:
    """Art 3 passes at +13% growth; require +15% and the CLI names the new required value and the gap."""
    reform = _reform(tmp_path, art3_growth_min="15/100")
    out = runner.invoke(app, ["explain", str(EXAMPLE), "--parameters", str(reform), "--clause", "art3.output_growth",
                              "--lang", "en", "--format", "json"])
    assert out.exit_code == 0, out.output
    c = json.loads(out.output)["clauses"][0]["conditions"][0]
    assert c["id"] == "art3.growth" and c["status"] == "fail"
    assert c["required"] == 105_800_000 and c["required_formula"] == "annual[2024].gross_output × 115 / 100"
    assert c["gap"] == {"passes_at_yuan_decimal": "105800000.00", "short_by_yuan_decimal": "1800000.00", "passes_at_fen": 10_580_000_000, "short_by_fen": 180_000_000}
    text = runner.invoke(app, ["explain", str(EXAMPLE), "--parameters", str(reform), "--lang", "en"]).output
    assert "105,800,000" in text and "short by" in text

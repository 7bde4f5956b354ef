"""What-if (issue 9): changed facts, reforms and readings as a difference; every expected figure derived by hand."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

import pinggu_asp
from pinggu_asp.cli import app
from support import EXAMPLE


def example(**changes: Any) -> dict[str, Any]:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data.update(copy.deepcopy(changes))
    return data


def with_output(data: dict[str, Any], year: int, output: int) -> dict[str, Any]:
    for row in data["annual"]:
        if row["year"] == year:
            row["gross_output"] = output
    return data


def change(doc: dict[str, Any], clause: str) -> dict[str, Any]:
    (found,) = [c for c in doc["changes"] if c["clause"] == clause]
    return found


def test_a_fact_turns_art3_from_ineligible_to_granted() -> None:
    # 2024: 92,000,000. At 96,000,000 the growth is 4.35% < 5%: ineligible. At 99,000,000 it is 7.6%:
    # (99,000,000 - 92,000,000) × 5/1000 = 35,000, a multiple of 1,000 (Art 17 leaves it), under the cap.
    # Without the competing policy and below Art 4's 100,000,000, nothing else claims the output.
    data = with_output(example(other_pinggu_support=[]), 2025, 96_000_000)
    doc = pinggu_asp.whatif(data, changes=["annual[2025].gross_output=99000000"])
    art3 = change(doc, "art3.output_growth")
    assert art3["before"] == {"status": "ineligible", "amount_yuan": art3["before"]["amount_yuan"]}
    assert art3["after"] == {"status": "granted", "amount_yuan": 35_000}
    (growth,) = [c for c in art3["conditions"] if c["id"] == "art3.growth"]
    assert growth["before"]["status"] == "fail" and growth["after"]["status"] == "pass"
    assert growth["after"]["observed"] == 99_000_000 and growth["after"]["required"] == 96_600_000
    assert growth["phrase_zh"] == "年度工业总产值增速达到5%（含）"
    assert doc["total_after_yuan"] - doc["total_before_yuan"] == 35_000
    assert [a["clause"] for a in doc["awards"]["gained"]] == ["art3.output_growth"]
    assert doc["schema"] == "pinggu-whatif/1" and doc["before"]["schema"] == "pinggu-result/1"


def test_a_gate_bars_everything() -> None:
    # Art 16: bad credit bars every award under the measures.
    doc = pinggu_asp.whatif(example(), changes=["enterprise.credit_good=false"])
    assert doc["total_before_yuan"] == 5_630_000
    assert doc["total_after_yuan"] == 0
    assert doc["after"]["awards"] == []
    assert len(doc["awards"]["lost"]) == len(doc["before"]["awards"])


def test_a_list_item_added() -> None:
    # A central-kitchen order from a Pinggu, unaffiliated counterparty, executed 6,000,000 in 2025:
    # above 5,000,000, so Art 9 pays 6,000,000 × 1% = 60,000.
    order = {
        "program": "central_kitchen", "counterparty": "某区内企业", "counterparty_kind": "other",
        "counterparty_in_pinggu": True, "counterparty_affiliated": False, "signed_date": "2025-09-10",
        "executed": {"2025": 6_000_000}, "supported_years": [],
    }
    doc = pinggu_asp.whatif(example(), changes=[f"orders[o-9]={json.dumps(order, ensure_ascii=False)}"])
    art9 = change(doc, "art9.procurement")
    assert art9["before"]["status"] == "ineligible"
    assert art9["after"] == {"status": "granted", "amount_yuan": 60_000}
    removed = pinggu_asp.whatif(example(), changes=["orders[o-1]=null"])
    assert change(removed, "art12.oem_orders")["after"]["status"] == "ineligible"


def test_a_reform_raising_the_art3_cap() -> None:
    # Output 2,000,000,000 → 4,000,000,000: 2e9 × 0.5% = 10,000,000, over the 5,000,000 cap; at 8,000,000 the
    # new cap binds. Art 4's 100,000,000 was crossed before, so only Art 3 pays on the output, beating the
    # 100,000 of the competing policy.
    data = with_output(with_output(example(), 2024, 2_000_000_000), 2025, 4_000_000_000)
    doc = pinggu_asp.whatif(data, params=["art3_cap=8000000"])
    art3 = change(doc, "art3.output_growth")
    assert art3["before"] == {"status": "granted", "amount_yuan": 5_000_000}
    assert art3["after"] == {"status": "granted", "amount_yuan": 8_000_000}
    assert doc["total_after_yuan"] - doc["total_before_yuan"] == 3_000_000
    assert doc["awards"]["changed"] == [
        {"clause": "art3.output_growth", "basis": "output:2025", "before_yuan": 5_000_000, "after_yuan": 8_000_000}
    ]


def test_an_interpretation_switch_changes_art3_and_art4() -> None:
    # The example's 60,000 under Art 3 ((104,000,000 - 92,000,000) × 0.5%) loses to Art 4's 300,000 on the
    # same output; read as stacking, both are paid.
    doc = pinggu_asp.whatif(example(), interpretations=["I-output-stack"])
    art3 = change(doc, "art3.output_growth")
    assert art3["before"] == {"status": "superseded", "amount_yuan": 60_000}
    assert art3["after"] == {"status": "granted", "amount_yuan": 60_000}
    assert doc["total_after_yuan"] - doc["total_before_yuan"] == 60_000


def test_no_change_no_difference() -> None:
    doc = pinggu_asp.whatif(example())
    assert doc["changes"] == [] and doc["before"] == doc["after"]


@pytest.mark.parametrize(
    "args, says",
    [
        (["--set", "annual[2030].gross_output=1"], "no item 2030 in annual"),
        (["--set", "annual[2025].gros_output=1"], "did you mean gross_output"),
        (["--set", "enterprise.credit_good=maybe"], "credit_good"),
        (["--set", "annual[2025].gross_output=-5"], "gross_output"),
        (["--set", "nonsense"], "PATH=VALUE"),
        (["--param", "art3_capp=1"], "did you mean art3_cap"),
        (["--param", "art3_cap=1/2"], "art3_cap"),
        (["--param", "art3_rate=5%"], "art3_rate"),
        (["--reach", "art3.output_growt"], "did you mean art3.output_growth"),
        (["-i", "I-nonsense"], "I-nonsense"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(args: list[str], says: str, tmp_path: Any) -> None:
    out = tmp_path / "out.json"
    result = CliRunner().invoke(app, ["whatif", str(EXAMPLE), *args, "-f", "json", "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert says in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_cli_json_is_the_api_document(tmp_path: Any) -> None:
    out = tmp_path / "w.json"
    result = CliRunner().invoke(
        app, ["whatif", str(EXAMPLE), "--set", "annual[2025].gross_output=96000000", "-f", "json", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc == pinggu_asp.whatif(EXAMPLE, changes=["annual[2025].gross_output=96000000"])


@pytest.mark.parametrize("fmt", ["text", "md", "html"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_people_formats_show_the_difference(fmt: str, lang: str) -> None:
    result = CliRunner().invoke(
        app, ["whatif", str(EXAMPLE), "--set", "annual[2025].gross_output=96000000", "-f", fmt, "--lang", lang]
    )
    assert result.exit_code == 0, result.output
    shown = result.output.replace("<wbr>", "")  # where the page may wrap an id
    assert "art4.breakthrough" in shown and "art4.output_100m" in shown
    assert "5,630,000" in shown and "5,330,000" in shown


def test_both_results_decided_together_are_each_what_check_gives_alone() -> None:
    # A new baseline and its variant are decided in one group (one grounding); each result is the one
    # `check` gives alone, byte for byte; asked again, they come back remembered, equal and the caller's own.
    from pinggu_asp.analysis.whatif import decide_remembered
    from pinggu_asp.api import as_declaration, assess, ruleset_for
    from pinggu_asp.engine.result import dumps

    base = with_output(example(other_pinggu_support=[]), 2025, 96_000_123)
    variant = with_output(copy.deepcopy(base), 2025, 99_000_123)
    alone = [dumps(assess(base)), dumps(assess(variant))]
    assert alone[0] != alone[1]
    rules = ruleset_for()
    wanted = [(as_declaration(base), rules), (as_declaration(variant), ruleset_for())]
    first = decide_remembered(wanted)
    assert [dumps(r) for r in first] == alone
    first[0]["clauses"].clear()  # the caller's own copy: what is remembered is untouched
    again = decide_remembered([*wanted, wanted[0]])
    assert [dumps(r) for r in again] == [*alone, alone[0]]
    assert again[0] is not again[2]


def test_an_edited_declaration_file_is_read_anew(tmp_path: Any) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(yaml.safe_dump(with_output(example(other_pinggu_support=[]), 2025, 96_000_000)), encoding="utf-8")
    first = pinggu_asp.whatif(path, changes=["annual[2025].gross_output=99000000"])
    path.write_text(yaml.safe_dump(with_output(example(other_pinggu_support=[]), 2025, 99_000_000)), encoding="utf-8")
    second = pinggu_asp.whatif(path, changes=["annual[2025].gross_output=99000000"])
    assert first["total_before_yuan"] != second["total_before_yuan"]
    assert second["total_before_yuan"] == second["total_after_yuan"]

"""Explanations that match their status (issue 17 §1): the comparison shown is the one that decided.

- Growth from a base year of 0 (SPEC §0.6, 从零起步不算增长): art3.growth and art5.growth_y show the
  base year against "above 0", not "100,000,000 ≥ 0" marked as a fail.
- art4.first_time failed by a prior award of the same clause names that award, and what the text asks.
- Every failed or unknown condition or gate, on the example, hand-built cases and a seeded generated
  population (benchmarks/population.py), says why: an observed value (or the missing field), a required
  value, or a note the rules derived (cond_note/4), in JSON and in the rendered words.

The golden outputs below are exact: the JSON condition entry and the `pinggu-asp explain` lines in zh and en.
"""

from __future__ import annotations

import json
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pinggu_asp.cli import app
from pinggu_asp.render.explain import build
from support import EXAMPLE, REPO, baseline, clause, condition, decide, set_annual

sys.path.insert(0, str(REPO / "benchmarks"))
from population import population  # noqa: E402

runner = CliRunner()


def base_zero() -> dict[str, Any]:
    """2024 output and R&D 0, 2025 output 100,000,000 and R&D 6,000,000."""
    data = baseline()
    set_annual(data, 2024, gross_output=0, rd_expense=0)
    set_annual(data, 2025, gross_output=100_000_000, rd_expense=6_000_000)
    return data


def art4_paid_before() -> dict[str, Any]:
    """Output 120,000,000 in 2025, art4.breakthrough paid in 2023 (earlier years below 100,000,000)."""
    data = baseline(prior_awards=[{"clause": "art4.breakthrough", "basis": "output:2023", "year": 2023,
                                   "amount": 300_000}])
    return set_annual(data, 2025, gross_output=120_000_000)


def explain_lines(tmp_path: Path, data: dict[str, Any], clause_id: str, lang: str) -> list[str]:
    path = tmp_path / "declaration.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    run = runner.invoke(app, ["explain", str(path), "-c", clause_id, "--lang", lang])
    assert run.exit_code == 0, run.output
    return [line.rstrip() for line in run.stdout.splitlines()]


def block(lines: list[str], cond_id: str) -> list[str]:
    """The lines of one condition in the explain tree: its head and the lines under it."""
    start = next(i for i, line in enumerate(lines) if f" {cond_id} (" in line)
    col = lines[start].index("── ") - 1  # the column of the head's ├ or └
    out = [lines[start]]
    for line in lines[start + 1:]:
        if len(line) <= col + 4 or line[col] not in " │" or line[:col].strip(" │"):
            break
        out.append(line)
    return out


# --- (a) growth from a base year of 0 ------------------------------------------------------------

ART3_GROWTH_ZERO = {
    "id": "art3.growth",
    "status": "fail",
    "observed": 0,
    "required": {"base_year_above_yuan": 0},
    "comparison": "ge",
    "article": 3,
    "phrase_zh": "年度工业总产值增速达到5%（含）",
    "text_zh": "年度工业总产值较上年增长达到5%（含），且上年产值大于零",
    "text_en": "gross industrial output grows by at least 5% (inclusive) over the previous year, "
               "from a previous-year output above zero",
    "source_field": "annual[2024].gross_output",
    "observed_kind": "base_year",
    "required_kind": "base_year_above_zero",
    "required_formula": None,
    "facts": [{"field": "annual[2024].gross_output", "value_yuan_decimal": "0.00", "value_fen": 0}],
    "notes": ["base_year_zero(output(2024))"],
    "note_details": [{"code": "base_year_zero", "args": ["annual[2024].gross_output"]}],
}

ART5_GROWTH_Y_ZERO = {
    "id": "art5.growth_y",
    "status": "fail",
    "observed": 0,
    "required": {"base_year_above_yuan": 0},
    "comparison": "ge",
    "article": 5,
    "phrase_zh": "连续 2 年研发费用（按经税务部门备案允许加计扣除的研发费用计算）增长率达 10%以上",
    "text_zh": "支持年度研发费用较上年增长10%以上（含）",
    "text_en": "R&D expense of the support year grows by at least 10% over the year before",
    "source_field": "annual[2024].rd_expense",
    "observed_kind": "base_year",
    "required_kind": "base_year_above_zero",
    "required_formula": None,
    "facts": [{"field": "annual[2024].rd_expense", "value_yuan_decimal": "0.00", "value_fen": 0}],
    "notes": ["base_year_zero(rd(2024))"],
    "note_details": [{"code": "base_year_zero", "args": ["annual[2024].rd_expense"]}],
}


def test_art3_growth_from_zero_json_golden() -> None:
    entry = clause(decide(base_zero()), "art3.output_growth")
    assert condition(entry, "art3.growth") == ART3_GROWTH_ZERO
    assert entry["status"] == "ineligible"


def test_art5_growth_y_from_zero_json_golden() -> None:
    entry = clause(decide(base_zero()), "art5.growth")
    assert condition(entry, "art5.growth_y") == ART5_GROWTH_Y_ZERO
    assert entry["status"] == "ineligible"


GROWTH_ZERO_TEXT = {
    ("art3.output_growth", "art3.growth", "zh"): [
        "    └── ✗ art3.growth (不满足): 年度工业总产值较上年增长达到5%（含），且上年产值大于零",
        "        ├── 条文: 第三条 “年度工业总产值增速达到5%（含）”",
        "        ├── 申报值（来源字段）: 基年0元 (annual[2024].gross_output)",
        "        ├── 要求: 基年大于0元（基年为0：从零起步不算增长）",
        "        ├── → 基年数值（annual[2024].gross_output）为0：从零起步不算增长。",
        "        └── 事实",
        "            └── annual[2024].gross_output = 0元",
    ],
    ("art3.output_growth", "art3.growth", "en"): [
        "    └── ✗ art3.growth (fail): gross industrial output grows by at least 5% (inclusive) over the previous year, from a previous-year output",
        "        above zero",
        "        ├── Article: Art 3 “年度工业总产值增速达到5%（含）”",
        "        ├── Observed (declared field): base year 0 yuan (annual[2024].gross_output)",
        "        ├── Required: base year above 0 yuan (base year 0: growth from nothing is not growth)",
        "        ├── → The base year's value (annual[2024].gross_output) is 0: growth from nothing is not growth.",
        "        └── Facts",
        "            └── annual[2024].gross_output = 0 yuan",
    ],
    ("art5.growth", "art5.growth_y", "zh"): [
        "    ├── ✗ art5.growth_y (不满足): 支持年度研发费用较上年增长10%以上（含）",
        "    │   ├── 条文: 第五条 “连续 2 年研发费用（按经税务部门备案允许加计扣除的研发费用计算）增长率达 10%以上”",
        "    │   ├── 申报值（来源字段）: 基年0元 (annual[2024].rd_expense)",
        "    │   ├── 要求: 基年大于0元（基年为0：从零起步不算增长）",
        "    │   ├── → 基年数值（annual[2024].rd_expense）为0：从零起步不算增长。",
        "    │   └── 事实",
        "    │       └── annual[2024].rd_expense = 0元",
    ],
    ("art5.growth", "art5.growth_y", "en"): [
        "    ├── ✗ art5.growth_y (fail): R&D expense of the support year grows by at least 10% over the year before",
        "    │   ├── Article: Art 5 “连续 2 年研发费用（按经税务部门备案允许加计扣除的研发费用计算）增长率达 10%以上”",
        "    │   ├── Observed (declared field): base year 0 yuan (annual[2024].rd_expense)",
        "    │   ├── Required: base year above 0 yuan (base year 0: growth from nothing is not growth)",
        "    │   ├── → The base year's value (annual[2024].rd_expense) is 0: growth from nothing is not growth.",
        "    │   └── Facts",
        "    │       └── annual[2024].rd_expense = 0 yuan",
    ],
}


@pytest.mark.parametrize("key", sorted(GROWTH_ZERO_TEXT))
def test_growth_from_zero_explain_golden(tmp_path: Path, key: tuple[str, str, str]) -> None:
    clause_id, cond_id, lang = key
    lines = explain_lines(tmp_path, base_zero(), clause_id, lang)
    assert block(lines, cond_id) == GROWTH_ZERO_TEXT[key]


# --- (b) first time failed by a prior award of the same clause -------------------------------------

ART4_FIRST_TIME_PAID = {
    "id": "art4.first_time",
    "status": "fail",
    "observed": {"prior_award": 0},
    "required": {"no_prior_award_of": "art4.breakthrough"},
    "comparison": "first_time",
    "article": 4,
    "phrase_zh": "首次突破1亿元（含）",
    "text_zh": "此前申报年度的工业总产值均未达到1亿元，且未获本条奖励",
    "text_en": "no earlier declared year reached 100,000,000 yuan of output, and this clause was not paid before",
    "source_field": "prior_awards[0]",
    "observed_kind": "prior_award",
    "required_kind": "no_prior_award_of",
    "required_formula": None,
    "facts": [],
    "years_looked_at": [2023, 2024],
    "notes": ["paid_before(0,2023)"],
    "note_details": [{"code": "paid_before", "args": [0, 2023]}],
}


def test_art4_first_time_paid_before_json_golden() -> None:
    entry = clause(decide(art4_paid_before()), "art4.breakthrough")
    assert condition(entry, "art4.first_time") == ART4_FIRST_TIME_PAID
    assert entry["status"] == "ineligible"


FIRST_TIME_TEXT = {
    "zh": [
        "    ├── ✗ art4.first_time (不满足): 此前申报年度的工业总产值均未达到1亿元，且未获本条奖励",
        "    │   ├── 条文: 第四条 “首次突破1亿元（含）”",
        "    │   ├── 申报值（来源字段）: 已有奖励 prior_awards[0]",
        "    │   ├── 要求: 首次（此前未获 art4.breakthrough 奖励）",
        "    │   ├── → 已有本条款的奖励记录 prior_awards[0]（2023年度）：并非首次。",
        "    │   └── 查看的申报年度",
        "    │       ├── annual[2023]",
        "    │       └── annual[2024]",
    ],
    "en": [
        "    ├── ✗ art4.first_time (fail): no earlier declared year reached 100,000,000 yuan of output, and this clause was not paid before",
        "    │   ├── Article: Art 4 “首次突破1亿元（含）”",
        "    │   ├── Observed (declared field): prior award prior_awards[0]",
        "    │   ├── Required: first time: no earlier award of art4.breakthrough",
        "    │   ├── → An earlier award of this clause is on record (prior_awards[0], support year 2023): not the first time.",
        "    │   └── Declared years looked at",
        "    │       ├── annual[2023]",
        "    │       └── annual[2024]",
    ],
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_art4_first_time_paid_before_explain_golden(tmp_path: Path, lang: str) -> None:
    lines = explain_lines(tmp_path, art4_paid_before(), "art4.breakthrough", lang)
    assert block(lines, "art4.first_time") == FIRST_TIME_TEXT[lang]


# --- (c) every failed or unknown condition says why ------------------------------------------------

def _hand_cases() -> list[dict[str, Any]]:
    import yaml

    example = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    first_5m_paid = baseline(prior_awards=[{"clause": "art5.first_5m", "basis": "rd:2023", "year": 2023,
                                            "amount": 300_000}])
    set_annual(first_5m_paid, 2025, rd_expense=6_000_000)
    no_history = baseline()
    no_history["annual"] = [{"year": 2025, "gross_output": 150_000_000, "rd_expense": 6_000_000}]
    missing_base = set_annual(baseline(), 2024, gross_output=None, rd_expense=None)
    return [example, base_zero(), art4_paid_before(), first_5m_paid, no_history, missing_base]


GENERATED = 40
DECLARATIONS = _hand_cases() + [json.loads(line) for line in population(GENERATED, seed=1717, invalid=0.0)]


def _says_why(entry: dict[str, Any], lang: str) -> list[str]:
    """What is missing from the explanation of a failed or unknown check (empty when it says why)."""
    problems = []
    noted = bool(entry.get("note_details"))
    if entry["status"] == "unknown":
        if not (entry.get("missing") or noted or entry.get("observed") is not None):
            problems.append("unknown without the missing fact")
    elif entry.get("observed") is None and not noted:
        problems.append("no observed value")
    if entry.get("required") is None and not noted and entry["status"] == "fail":
        problems.append("no required value")
    # A number against a number: the comparison shown must give the status shown.
    observed, required = entry.get("observed"), entry.get("required")
    numeric = (int, str)
    if entry["status"] in ("pass", "fail") and entry.get("comparison") in ("ge", "gt") \
            and isinstance(observed, numeric) and isinstance(required, numeric) and not isinstance(observed, bool):
        holds = Fraction(observed) >= Fraction(required) if entry["comparison"] == "ge" \
            else Fraction(observed) > Fraction(required)
        if holds != (entry["status"] == "pass"):
            problems.append(f"{observed} {entry['comparison']} {required} shown as {entry['status']}")
    return problems


@pytest.mark.parametrize("index", range(len(DECLARATIONS)))
def test_every_failed_or_unknown_check_says_why(index: int) -> None:
    result = decide(DECLARATIONS[index])
    model = build(result)
    bad = []
    for entry in result["clauses"]:
        for cond in entry["conditions"]:
            bad += [(entry["clause"], cond["id"], p) for p in _says_why(cond, "en") if cond["status"] != "pass"
                    or "shown as" in p]
    for gate in result["gates"]:
        if gate["status"] in ("fail", "unknown"):
            bad += [("gate", gate["id"], p) for p in _says_why(gate, "en")]
    # The words: neither side of a failed check is rendered as a bare dash; an unknown one names
    # the fact to declare (its required value may rest on that very fact, and then reads "—").
    for entry in model["clauses"]:
        for cond in entry["conditions"]:
            for lang in ("zh", "en"):
                if cond["status"] == "fail":
                    for side in ("observed_text", "required_text"):
                        words = cond[side][lang].strip()
                        if not words or words.endswith("—"):
                            bad.append((entry["clause"], cond["id"], f"{side}[{lang}] = {words!r}"))
                elif cond["status"] == "unknown" and not cond["details"][lang]:
                    bad.append((entry["clause"], cond["id"], f"no details[{lang}]"))
    assert bad == []

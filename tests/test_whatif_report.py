"""What-if and reach read as reports (issue 19 §3): all Chinese in zh, columns that line up in
East Asian width, the HTML heading names the enterprise, the date and the program, amounts in
万元 and yuan with 不超过 on ceilings, and a reach of an unlisted clause says what is missing."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
import yaml
from rich.cells import cell_len
from typer.testing import CliRunner

import pinggu_asp
from pinggu_asp.cli import app
from pinggu_asp.render.whatif import reach_html, reach_text, whatif_html, whatif_text
from support import EXAMPLE

# English words and raw ids a Chinese reader must not meet (ids of clauses, conditions and
# readings are names, and stay).
ENGLISH = re.compile(
    r"\b(clause|basis|superseded|ineligible|granted|undetermined|not_listed|barred|pass|fail|yuan|verified|"
    r"before|after|condition|gate|Changes|Total|up to|missing)\b"
)


def _example(**changes: Any) -> dict[str, Any]:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data.update(copy.deepcopy(changes))
    return data


def _annual(data: dict[str, Any], year: int, **values: Any) -> dict[str, Any]:
    for row in data["annual"]:
        if row["year"] == year:
            row.update(values)
    return data


def _prose(text: str) -> str:
    """The report without ids, field paths and reading names (which are names, not words)."""
    text = re.sub(r"I-[A-Za-z0-9-]+", "", text)
    text = re.sub(r"[a-z_0-9]+(\.[a-z_0-9]+)+", "", text)  # art3.output_growth, art3.growth
    return re.sub(r"[A-Za-z_]+\[[^\]]*\](\.[A-Za-z_0-9]+)*", "", text)  # annual[2025].gross_output


@pytest.fixture(scope="module")
def lost_award() -> dict[str, Any]:
    # Output 96,000,000 < 100,000,000: Art 4's breakthrough (a ceiling, 不超过 300,000) is lost.
    return pinggu_asp.whatif(EXAMPLE, changes=["annual[2025].gross_output=96000000"])


@pytest.fixture(scope="module")
def short_of_art3() -> dict[str, Any]:
    return pinggu_asp.reach(_annual(_example(), 2025, gross_output=96_000_000), "art3.output_growth")


@pytest.mark.parametrize("markdown", [False, True])
def test_the_zh_whatif_has_no_english_word(lost_award: dict[str, Any], markdown: bool) -> None:
    text = whatif_text(lost_award, "zh", markdown, width=140)
    assert not ENGLISH.findall(_prose(text)), ENGLISH.findall(_prose(text))
    assert "假设分析" in text and "失去" in text and "不满足" in text and "满足" in text
    assert "art4.breakthrough" in text and "art4.output_100m" in text


def test_the_en_whatif_says_the_same_in_english(lost_award: dict[str, Any]) -> None:
    text = whatif_text(lost_award, "en", width=140)
    assert "What-if" in text and "lost" in text and "fail" in text and "up to 30.0万元" in text and "(300,000 yuan)" in text


def test_a_ceiling_says_up_to_and_an_ineligible_clause_shows_no_amount(lost_award: dict[str, Any]) -> None:
    text = whatif_text(lost_award, "zh", width=140)
    # Art 4's 300,000 is a ceiling (ceiling/1): 不超过, in 万元 and in yuan.
    assert "不超过 30.0万元" in text
    assert "563.0万元（5,630,000元） → 533.0万元（5,330,000元）" in text
    ineligible = [line for line in text.splitlines() if "不符合" in line]
    assert ineligible and not any("万元" in line for line in ineligible)


@pytest.mark.parametrize("width", [60, 80, 120, 140, 200])
def test_table_columns_line_up_in_east_asian_width(lost_award: dict[str, Any], width: int) -> None:
    text = whatif_text(lost_award, "zh", width=width)
    rows = [line for line in text.splitlines() if line[:1] in "┏┃┡│├└"]
    if width >= 120:
        assert rows, "a table at this width"
    widths = {cell_len(line) for line in rows}
    assert len(widths) <= 2, widths  # the two tables, each of one width
    # Everything fits but a 64-digit hash, which never breaks.
    assert all(cell_len(line) <= width for line in text.splitlines() if not re.fullmatch(r"[0-9a-f]{64}", line))
    # No amount is cut: each appears whole on one line.
    assert "（300,000元）" in text and "5,630,000元" in text


def test_the_whatif_html_names_the_enterprise_date_and_program(lost_award: dict[str, Any]) -> None:
    page = whatif_html(lost_award, "zh")
    before = lost_award["before"]
    for needle in (before["enterprise"]["name"], before["enterprise"]["credit_code"], before["declaration_date"],
                   before["provenance"]["rules_sha256"][:12], before["provenance"]["parameters_sha256"][:12],
                   "pinggu-asp"):
        assert needle in page.replace("<wbr>", ""), needle
    assert not ENGLISH.findall(_prose(re.sub(r"<[^>]+>", "", page.split("<body>", 1)[1])))


def test_a_hostile_id_is_data_in_the_html() -> None:
    doc = pinggu_asp.whatif(EXAMPLE, changes=['enterprise.name="<script>alert(1)</script>"'])
    page = whatif_html(doc, "en")
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_the_reach_report_in_zh(short_of_art3: dict[str, Any]) -> None:
    text = reach_text(short_of_art3, "zh", width=140)
    assert not ENGLISH.findall(_prose(text)), ENGLISH.findall(_prose(text))
    assert "当前结论：不符合" in text and "96,600,000元" in text and "是（在该值与差一元处各复核一次）" in text
    page = reach_html(short_of_art3, "zh")
    assert short_of_art3["about"]["enterprise"]["name"] in page and "96,600,000元" in page


def test_reach_of_an_unlisted_clause_names_the_fact_it_needs() -> None:
    # The example declares no approval: art10.innovative_drug is not listed. What it rests on is the
    # basis the rules derive for it (basis/3, approval:<id>), and the declaration has none.
    doc = pinggu_asp.reach(EXAMPLE, "art10.innovative_drug")
    assert doc["status"] == "not_listed"
    assert doc["blocked_by"] == [{"kind": "not_listed", "id": "art10.innovative_drug", "status": "not_listed",
                                  "needs": ["approval:<id>"]}]
    zh, en = reach_text(doc, "zh"), reach_text(doc, "en")
    assert "未列入" in zh and "approvals[]" in zh and "not_listed" not in zh
    assert "not listed" in en and "approval (approvals[]" in en


def test_reach_of_a_clause_with_a_missing_fact_names_the_field() -> None:
    data = _example()
    data["annual"] = [row for row in data["annual"] if row["year"] != 2024]
    doc = pinggu_asp.reach(data, "art3.output_growth")
    (blocker,) = doc["blocked_by"]
    # The rules found the condition unknown for want of last year's output (result's "missing").
    assert blocker["status"] == "unknown" and blocker["missing"] == "annual[2024].gross_output"
    assert "缺少申报事实：annual[2024].gross_output" in reach_text(doc, "zh", width=200)
    assert "missing declared fact: annual[2024].gross_output" in reach_text(doc, "en", width=200)


def test_the_cli_writes_the_reports() -> None:
    result = CliRunner().invoke(app, ["whatif", str(EXAMPLE), "--reach", "art10.innovative_drug", "-f", "html"])
    assert result.exit_code == 0, result.output
    assert "approvals[]" in result.output.replace("<wbr>", "") and "<!DOCTYPE html>" in result.output


def test_a_reform_names_the_changed_runs_parameters() -> None:
    doc = pinggu_asp.whatif(EXAMPLE, params=["art4_breakthrough_max=400000"])
    text = whatif_text(doc, "zh", width=140)
    after = doc["after"]["provenance"]["parameters_sha256"]
    assert after != doc["before"]["provenance"]["parameters_sha256"]
    assert f"改变后的参数哈希（SHA-256）：{after}" in text
    assert "参数 art4_breakthrough_max=400000" in text
    # Art 4's breakthrough award is a ceiling before and after: 不超过 30.0万元 → 不超过 40.0万元.
    assert "不超过 40.0万元（400,000元）" in text


def test_reach_of_unlisted_art11_does_not_send_the_reader_to_rd() -> None:
    # Art 11 rests on rd:Y, which every declaration has; it is listed by a finding or a class III
    # certificate. Its basis says nothing about what is missing, so the report offers no fact for it.
    data = _example()
    data["enterprise"]["leading_recognized"] = False
    data["approvals"] = [a for a in data.get("approvals", []) if a.get("kind") != "class3_device"]
    doc = pinggu_asp.reach(data, "art11.leading_enterprise")
    assert doc["blocked_by"][0]["needs"] == ["rd:Y"]
    text = reach_text(doc, "zh", width=200)
    assert "未列入本次申报的审查" in text and "rd_expense" not in text and "需要申报" not in text

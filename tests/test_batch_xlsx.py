"""Workbooks: the template reads back as the example declaration, decides as `check` does, and writes
awards, clauses and the summary; a bad row gets its error record naming the sheet and row."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from batch_support import batch, read_jsonl
from pinggu_asp.batch.reading import read_items
from pinggu_asp.batch.workbook import SHEETS, write_workbook
from pinggu_asp.loading import declaration_from_data, load_declaration, parse_text
from support import EXAMPLE, REPO, baseline, decide

TEMPLATE = REPO / "examples" / "declarations.xlsx"


def _rows(path: Path, sheet: str) -> list[dict[str, object]]:
    book = openpyxl.load_workbook(path, read_only=True)
    rows = list(book[sheet].iter_rows(values_only=True))
    book.close()
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_the_template_holds_every_sheet_and_reads_back_as_the_example() -> None:
    book = openpyxl.load_workbook(TEMPLATE, read_only=True)
    assert book.sheetnames == [sheet.name for sheet in SHEETS]
    book.close()
    [item] = list(read_items(TEMPLATE))
    assert item.problems == ()
    assert declaration_from_data(item.data) == load_declaration(EXAMPLE)


def test_the_template_is_what_make_workbook_writes(tmp_path: Path) -> None:
    data = parse_text(EXAMPLE.read_text(encoding="utf-8"), str(EXAMPLE))
    fresh = tmp_path / "fresh.xlsx"
    write_workbook(fresh, [data])
    for sheet in SHEETS:
        assert _rows(fresh, sheet.name) == _rows(TEMPLATE, sheet.name), sheet.name


def test_xlsx_in_results_xlsx_out_round_trips_through_the_template(tmp_path: Path) -> None:
    output = tmp_path / "results.xlsx"
    result = batch(TEMPLATE, "-o", output, "--jobs", 1)
    assert result.exit_code == 0, result.output
    expected = decide(parse_text(EXAMPLE.read_text(encoding="utf-8"), str(EXAMPLE)))
    book = openpyxl.load_workbook(output, read_only=True)
    assert book.sheetnames == ["awards", "clauses", "invalid", "summary"]
    book.close()
    awards = _rows(output, "awards")
    assert [(a["clause"], a["basis"], a["amount_yuan"], a["payer"]) for a in awards] == [
        (a["clause"], a["basis"], a["amount_yuan"], a["payer"]) for a in expected["awards"]]
    assert {a["input"] for a in awards} == {"enterprises!2"}
    clauses = _rows(output, "clauses")
    assert [(c["clause"], c["subject"], c["status"]) for c in clauses] == [
        (c["clause"], c["subject"], c["status"]) for c in expected["clauses"]]
    summary = {(r["section"], r["key"]): r["value"] for r in _rows(output, "summary")}
    assert summary[("totals", "total_yuan")] == expected["total_yuan"]
    # The same workbook to JSON Lines: the very document check prints for the YAML.
    jsonl = tmp_path / "results.jsonl"
    assert batch(TEMPLATE, "-o", jsonl, "--jobs", 1).exit_code == 0
    assert read_jsonl(jsonl) == [expected]


def test_a_bad_row_gets_its_record_naming_sheet_and_row_and_the_rest_are_decided(tmp_path: Path) -> None:
    good = baseline()
    good["enterprise"]["credit_code"] = "91110117MA01C4QX37"
    other = baseline()
    other["enterprise"]["credit_code"] = "91110117000000001B"
    source = tmp_path / "in.xlsx"
    write_workbook(source, [good, other])
    book = openpyxl.load_workbook(source)
    annual = book["annual"]
    # other's 2024 record is row 6 (header, good's three years, other's 2023): a negative output
    assert annual.cell(6, 1).value == "91110117000000001B" and annual.cell(6, 3).value == 2024
    annual.cell(6, 4).value = -1
    book["penalties"].append(["9111011700000000X9", 2025, "2024-01-01", "criminal"])  # no such enterprise
    book.save(source)
    output = tmp_path / "out.jsonl"
    result = batch(source, "-o", output, "--jobs", 1)
    assert result.exit_code == 0, result.output
    records = read_jsonl(output)
    assert records[0]["schema"] == "pinggu-result/1"
    assert records[0] == decide(good)
    bad = records[1]
    assert bad["schema"] == "pinggu-error/1" and (bad["sheet"], bad["row"]) == ("enterprises", 3)
    [error] = bad["errors"]
    assert (error["field"], error["sheet"], error["row"]) == ("annual[2024].gross_output", "annual", 6)
    orphan = records[2]
    assert (orphan["sheet"], orphan["row"]) == ("penalties", 2)
    assert "on no enterprises row" in orphan["errors"][0]["message"]
    assert "2 invalid" in result.stderr


def test_cells_as_spreadsheets_hold_them(tmp_path: Path) -> None:
    """Typed dates, numbers with fen as floats, TRUE/FALSE as text, years as a list."""
    import datetime as dt

    data = baseline()
    data["orders"] = [{"id": "o-1", "program": "auto_parts", "counterparty": "x", "counterparty_kind": "nev_oem",
                       "signed_date": "2025-09-01", "executed": {"2025": "26000000.5"}, "supported_years": [2023, 2024]}]
    source = tmp_path / "in.xlsx"
    write_workbook(source, [data])
    book = openpyxl.load_workbook(source)
    book["enterprises"].cell(2, 3).value = dt.datetime(2026, 4, 10)
    book["enterprises"].cell(2, 5).value = "true"
    book.save(source)
    [item] = list(read_items(source))
    decl = declaration_from_data(item.data)
    assert decl.declaration_date == dt.date(2026, 4, 10)
    assert decl.orders[0].executed == {2025: Decimal("26000000.5")}
    assert decl.orders[0].supported_years == [2023, 2024]


@pytest.mark.parametrize("damage", ["unknown_sheet", "unknown_column", "not_a_workbook"])
def test_an_unreadable_workbook_writes_nothing_and_exits_2(damage: str, tmp_path: Path) -> None:
    source = tmp_path / "in.xlsx"
    if damage == "not_a_workbook":
        source.write_text("not a zip", encoding="utf-8")
    else:
        write_workbook(source, [baseline()])
        book = openpyxl.load_workbook(source)
        if damage == "unknown_sheet":
            book.create_sheet("anual")
        else:
            book["annual"].cell(1, 7).value = "gross_outptu"
        book.save(source)
    output = tmp_path / "out.xlsx"
    result = batch(source, "-o", output, "--jobs", 1)
    assert result.exit_code == 2, result.output
    assert not output.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.xlsx"]
    assert json.dumps(result.stderr)  # a message, no traceback
    assert "Traceback" not in result.output


def test_csv_holds_the_awards(tmp_path: Path) -> None:
    output = tmp_path / "awards.csv"
    assert batch(TEMPLATE, "-o", output, "--jobs", 1).exit_code == 0
    import csv

    with output.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    expected = decide(parse_text(EXAMPLE.read_text(encoding="utf-8"), str(EXAMPLE)))
    assert [(r["clause"], r["amount_yuan"]) for r in rows] == [(a["clause"], str(a["amount_yuan"])) for a in expected["awards"]]

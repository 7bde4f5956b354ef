"""Declared text is data in a spreadsheet: a name or a field that looks like a formula stays plain text.

In .xlsx every text cell is a string cell (openpyxl would store ``=...`` as a
formula); in .csv a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return gets a leading ``'`` (OWASP's CSV-injection rule). Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from batch_support import batch, write_lines
from pinggu_asp.batch.workbook import write_workbook
from pinggu_asp.batch.writing import csv_text
from pinggu_asp.loading import parse_text
from support import EXAMPLE

NAMES = ['=HYPERLINK("http://x","y")', "+1", "-1+2", "@SUM(A1)", "\t=1+2", "\r=1+2"]
LOCALITY = "=1+1"  # a summary key in the workbook


def _population(path: Path) -> Path:
    lines = []
    example = parse_text(EXAMPLE.read_text(encoding="utf-8"), str(EXAMPLE))
    for index, name in enumerate(NAMES):
        data = json.loads(json.dumps(example))
        data["enterprise"]["name"] = name
        if index == 0:
            data["enterprise"]["locality"] = LOCALITY
        lines.append(json.dumps(data, ensure_ascii=False))
    unknown = json.loads(json.dumps(example))
    unknown["=1+2"] = 1  # an unknown field: its name reaches the error record
    lines.append(json.dumps(unknown, ensure_ascii=False))
    return write_lines(path, lines)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("formula")
    source = _population(tmp / "in.jsonl")
    out = {"xlsx": tmp / "out.xlsx", "csv": tmp / "out.csv"}
    for path in out.values():
        result = batch(source, "-o", path, "--jobs", 1)
        assert result.exit_code == 0, result.output
    return out


def _cells(path: Path) -> list[tuple[str, Any]]:
    book = openpyxl.load_workbook(path)  # not read-only: data_type is the stored type
    cells = [(sheet.title, cell) for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    return cells


def test_no_cell_of_the_workbook_is_a_formula(outputs: dict[str, Path]) -> None:
    cells = _cells(outputs["xlsx"])
    assert cells
    assert [(title, c.coordinate) for title, c in cells if c.data_type == "f"] == []


def test_formula_like_names_read_back_as_the_same_text(outputs: dict[str, Path]) -> None:
    book = openpyxl.load_workbook(outputs["xlsx"])
    awards = book["awards"]
    header = [c.value for c in awards[1]]
    names = [row[header.index("name")] for row in awards.iter_rows(min_row=2)]
    # XML reads a carriage return back as a line feed (end-of-line normalisation); the text is otherwise intact.
    assert {c.value for c in names} == {name.replace("\r", "\n") for name in NAMES}
    assert all(c.data_type == "s" for c in names)
    amounts = [row[header.index("amount_yuan")] for row in awards.iter_rows(min_row=2)]
    assert amounts and all(c.data_type == "n" and isinstance(c.value, int) for c in amounts)


def test_an_unknown_field_named_like_a_formula_is_text_in_the_invalid_sheet(outputs: dict[str, Path]) -> None:
    book = openpyxl.load_workbook(outputs["xlsx"])
    fields = [row[2] for row in book["invalid"].iter_rows(min_row=2)]
    assert [c.value for c in fields] == ["=1+2"]
    assert fields[0].data_type == "s"


def test_a_locality_named_like_a_formula_is_text_in_the_summary(outputs: dict[str, Path]) -> None:
    book = openpyxl.load_workbook(outputs["xlsx"])
    keys = [row[1] for row in book["summary"].iter_rows(min_row=2) if row[0].value == "totals_by_locality"]
    assert LOCALITY in [c.value for c in keys]
    assert all(c.data_type == "s" for c in keys)


def test_the_csv_escapes_formula_starts_and_leaves_numbers(outputs: dict[str, Path]) -> None:
    raw = outputs["csv"].read_bytes().decode("utf-8-sig")  # raw: no newline translation
    rows = list(csv.DictReader(io.StringIO(raw, newline="")))
    assert {row["name"] for row in rows} == {"'" + name for name in NAMES}
    # Every text cell that a spreadsheet program would evaluate starts with the quote.
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "@", "\t", "\r")), value
            assert not value.startswith("-") or value.lstrip("-").isdigit(), value
    assert all(row["amount_yuan"].isdigit() for row in rows)
    assert "'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")" in raw  # the raw file, CSV-quoted


@pytest.mark.parametrize(("value", "written"), [
    ("=1+2", "'=1+2"), ("+1", "'+1"), ("-1+2", "'-1+2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("-5", "-5"), ("-12.50", "-12.50"), ("ok", "ok"), (7, 7), (None, None), ("", ""),
])
def test_csv_text(value: Any, written: Any) -> None:
    assert csv_text(value) == written


def test_the_workbook_template_writer_keeps_formula_names_as_text(tmp_path: Path) -> None:
    data = parse_text(EXAMPLE.read_text(encoding="utf-8"), str(EXAMPLE))
    data["enterprise"]["name"] = NAMES[0]
    path = tmp_path / "template.xlsx"
    write_workbook(path, [data])
    cells = _cells(path)
    assert [c.coordinate for _, c in cells if c.data_type == "f"] == []
    assert any(c.value == NAMES[0] and c.data_type == "s" for _, c in cells)

"""Writing a batch's outputs: JSON Lines, a workbook or CSV, each appearing whole or not at all.

Each file is written to a temporary file in its own directory and moved into
place with ``os.replace`` once everything has been written, so a killed batch
leaves the previous file or none.
"""

from __future__ import annotations

import csv
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from ..atomic import Staged
from .run import Outcome

OUTPUT_SUFFIXES = (".jsonl", ".xlsx", ".csv")

IDENTITY = ("input", "credit_code", "name", "support_year")
AWARD_COLUMNS = IDENTITY + ("clause", "basis", "bases", "amount_yuan", "cap_yuan", "up_to", "payer")
CLAUSE_COLUMNS = IDENTITY + ("clause", "article", "subject", "basis", "status", "amount_yuan",
                             "amount_before_rounding_yuan", "cap_yuan", "up_to", "payer", "failed_conditions",
                             "unknown_conditions")
ERROR_COLUMNS = ("input", "kind", "field", "message", "sheet", "row")


def where_text(where: dict[str, Any]) -> str:
    return f"line {where['line']}" if "line" in where else f"{where['sheet']}!{where['row']}"


def _cell(key: str, value: Any) -> Any:
    # Amounts are integers or exact decimal strings: a workbook shows them as numbers.
    if key.endswith("_yuan") and isinstance(value, str):
        return Decimal(value)
    return value


# A spreadsheet program reads a cell starting with one of these as a formula
# (OWASP, "CSV Injection"): "=HYPERLINK(...)", "+1", "-1+2", "@SUM(A1)", or the
# same behind a tab or carriage return.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def csv_text(value: Any) -> Any:
    """A CSV cell that no spreadsheet program evaluates: text that could start a formula gets a leading ``'``.

    Numbers, and amounts written as exact decimal text, stay as they are.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def xlsx_row(sheet: Any, values: list[Any]) -> list[Any]:
    """A write-only row whose text cells are string cells: openpyxl would store ``=...`` text as a formula."""
    from openpyxl.cell import WriteOnlyCell

    row: list[Any] = []
    for value in values:
        if isinstance(value, str):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            row.append(cell)
        else:
            row.append(value)
    return row


class Sink:
    """Receives outcomes in input order; ``close`` finishes the staged file."""

    def __init__(self, staged: Staged) -> None:
        self.staged = staged

    def write(self, outcome: Outcome) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def close(self, summary: dict[str, Any] | None) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def discard(self) -> None:
        """Give up: close what is open and remove the staged file (the previous output stays)."""
        self.staged.discard()


class JsonlSink(Sink):
    """One line per declaration: its result as ``check -f jsonl`` prints it, or its error record."""

    def __init__(self, staged: Staged) -> None:
        super().__init__(staged)
        self.handle: IO[bytes] = staged.tmp.open("wb")

    def write(self, outcome: Outcome) -> None:
        assert outcome.line is not None
        self.handle.write(outcome.line)  # UTF-8 already (result.line_bytes)
        self.handle.write(b"\n")

    def close(self, summary: dict[str, Any] | None) -> None:
        self.handle.close()

    def discard(self) -> None:
        self.handle.close()
        super().discard()


def _identity(outcome: Outcome) -> dict[str, Any]:
    d = outcome.digest
    return {"input": where_text(outcome.where), "credit_code": d.credit_code if d else None,
            "name": d.name if d else None, "support_year": d.support_year if d else None}


class CsvSink(Sink):
    """The awards, one row each (UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese).

    Declared text is data: a cell that a spreadsheet program would take for a
    formula is written with a leading ``'`` (see ``csv_text``).
    """

    def __init__(self, staged: Staged) -> None:
        super().__init__(staged)
        self.handle: IO[str] = staged.tmp.open("w", encoding="utf-8-sig", newline="")
        self.writer = csv.DictWriter(self.handle, fieldnames=AWARD_COLUMNS)
        self.writer.writeheader()

    def write(self, outcome: Outcome) -> None:
        for award in outcome.awards:
            row = {**_identity(outcome), **{k: award[k] for k in AWARD_COLUMNS if k in award}}
            self.writer.writerow({k: csv_text(v) for k, v in row.items()})

    def close(self, summary: dict[str, Any] | None) -> None:
        self.handle.close()

    def discard(self) -> None:
        self.handle.close()
        super().discard()


class XlsxSink(Sink):
    """Sheets awards, clauses, invalid and summary, streamed row by row (openpyxl's write-only mode)."""

    def __init__(self, staged: Staged) -> None:
        import openpyxl

        super().__init__(staged)
        self.book = openpyxl.Workbook(write_only=True)
        self.awards = self.book.create_sheet("awards")
        self.clauses = self.book.create_sheet("clauses")
        self.errors = self.book.create_sheet("invalid")
        self.awards.append(list(AWARD_COLUMNS))
        self.clauses.append(list(CLAUSE_COLUMNS))
        self.errors.append(list(ERROR_COLUMNS))

    def write(self, outcome: Outcome) -> None:
        ident = _identity(outcome)
        if outcome.error is not None:
            for error in outcome.error["errors"]:
                self.errors.append(xlsx_row(self.errors, [ident["input"], outcome.error.get("kind", "invalid"),
                                                          error["field"], error["message"], error.get("sheet"),
                                                          error.get("row")]))
            return
        for award in outcome.awards:
            row = {**ident, **award}
            self.awards.append(xlsx_row(self.awards, [_cell(k, row.get(k)) for k in AWARD_COLUMNS]))
        for clause in outcome.clauses:
            row = {**ident, **clause}
            self.clauses.append(xlsx_row(self.clauses, [_cell(k, row.get(k)) for k in CLAUSE_COLUMNS]))

    def close(self, summary: dict[str, Any] | None) -> None:
        sheet = self.book.create_sheet("summary")
        sheet.append(["section", "key", "value"])
        if summary is not None:
            for section, key, value in summary_rows(summary):
                amount = section.startswith("totals") and isinstance(value, str)
                sheet.append(xlsx_row(sheet, [section, key, Decimal(value) if amount else value]))
        self.book.save(self.staged.tmp)

    def discard(self) -> None:
        # Each write-only sheet streams into a file of its own until the book is saved.
        for sheet in self.book.worksheets:
            if not sheet.closed:
                sheet.close()
        super().discard()


def summary_rows(summary: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """The summary's figures as (section, key, value) rows for a sheet."""
    rows: list[tuple[str, str, Any]] = []
    for key in ("declarations", "decided", "invalid", "engine_errors", "enterprises_awarded"):
        rows.append(("population", key, summary[key]))
    rows.append(("totals", "total_yuan", summary["total_yuan"]))
    for section in ("totals_by_article", "totals_by_clause", "totals_by_payer", "totals_by_locality",
                    "awards_by_clause"):
        rows += [(section, str(k), v) for k, v in summary[section].items()]
    for clause, counts in summary["status_counts"].items():
        rows += [("status_counts", f"{clause} {status}", n) for status, n in counts.items()]
    rows.append(("near_misses", "count", summary["near_misses"]["count"]))
    rows += [("failing_conditions", f"{f['clause']} {f['condition']}", f["count"]) for f in summary["failing_conditions"]]
    return rows


def open_sink(path: Path) -> Sink:
    staged = Staged(path)
    try:
        suffix = path.suffix.lower()
        if suffix == ".jsonl":
            return JsonlSink(staged)
        if suffix == ".csv":
            return CsvSink(staged)
        return XlsxSink(staged)
    except BaseException:
        staged.discard()
        raise


def stage_text(path: Path, text: str) -> Staged:
    staged = Staged(path)
    try:
        staged.tmp.write_text(text, encoding="utf-8")
    except BaseException:
        staged.discard()
        raise
    return staged


def dumps_summary(summary: dict[str, Any]) -> str:
    return json.dumps(summary, ensure_ascii=False, indent=2) + "\n"

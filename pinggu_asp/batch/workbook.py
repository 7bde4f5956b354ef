"""The workbook layout of a batch: one sheet per list of ``pinggu-declaration/1``.

Every row of every sheet starts with the two key columns ``credit_code`` and
``support_year``, which tie it to its row in ``enterprises``. The README lists
each column with its meaning; this table is the one place that defines them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

KEY = ("credit_code", "support_year")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # text, bool, money, date, year, int, years (comma-separated), sectors (comma-separated)


@dataclass(frozen=True)
class Sheet:
    name: str
    # The declaration list the rows fill (None: the enterprises sheet, one row a declaration).
    list_name: str | None
    columns: tuple[Column, ...]
    # For the year-map sheets: the parent list, and the column naming the parent's id.
    parent: tuple[str, str, str] | None = None  # (parent list, id column, map field)


def _cols(*spec: str) -> tuple[Column, ...]:
    out = []
    for item in spec:
        name, kind = item.split(":")
        out.append(Column(name, kind))
    return tuple(out)


ENTERPRISE_FIELDS = (
    "name", "registered_in_pinggu", "operating_in_pinggu", "industry_code", "manufacturing_finding", "strategic_fit",
    "stable_in_beijing", "related_output_abnormal", "credit_good", "locality", "sectors", "commissioned_year",
    "leading_recognized",
)

SHEETS: tuple[Sheet, ...] = (
    Sheet("enterprises", None, _cols(
        "credit_code:text", "support_year:year", "declaration_date:date", "name:text", "registered_in_pinggu:bool",
        "operating_in_pinggu:bool", "industry_code:text", "manufacturing_finding:bool", "strategic_fit:bool",
        "stable_in_beijing:bool", "related_output_abnormal:bool", "credit_good:bool", "locality:text",
        "sectors:sectors", "commissioned_year:year", "leading_recognized:bool",
    )),
    Sheet("annual", "annual", _cols(
        "credit_code:text", "support_year:year", "year:year", "gross_output:money", "rd_expense:money",
        "rd_expense_pinggu:money",
    )),
    Sheet("penalties", "penalties", _cols("credit_code:text", "support_year:year", "date:date", "kind:text", "note:text")),
    Sheet("fraud_findings", "fraud_findings", _cols("credit_code:text", "support_year:year", "date:date", "note:text")),
    Sheet("ratings", "ratings", _cols(
        "credit_code:text", "support_year:year", "id:text", "kind:text", "date:date", "grade:text",
        "previous_grade:text", "subject:text",
    )),
    Sheet("approvals", "approvals", _cols(
        "credit_code:text", "support_year:year", "id:text", "kind:text", "date:date", "first_time:bool",
        "production_license:bool", "industrialized:bool", "global_first:bool", "ai:bool", "emergency:bool",
        "vet_class:int",
    )),
    Sheet("orders", "orders", _cols(
        "credit_code:text", "support_year:year", "id:text", "program:text", "counterparty:text",
        "counterparty_kind:text", "counterparty_in_pinggu:bool", "counterparty_affiliated:bool", "signed_date:date",
        "supported_years:years",
    )),
    Sheet("order_executed", None, _cols("credit_code:text", "support_year:year", "order:text", "year:year",
                                        "amount:money"), parent=("orders", "order", "executed")),
    Sheet("standards", "standards", _cols(
        "credit_code:text", "support_year:year", "id:text", "field:text", "level:text", "lead_drafter:bool",
        "implemented_date:date",
    )),
    Sheet("investment_projects", "investment_projects", _cols(
        "credit_code:text", "support_year:year", "id:text", "field:text", "tech_transfer:bool", "in_pinggu:bool",
        "kind:text", "fixed_asset_investment:money", "commissioned_date:date",
    )),
    Sheet("project_output", None, _cols("credit_code:text", "support_year:year", "project:text", "year:year",
                                        "amount:money"), parent=("investment_projects", "project", "output")),
    Sheet("other_pinggu_support", "other_pinggu_support", _cols(
        "credit_code:text", "support_year:year", "basis:text", "policy:text", "amount:money", "status:text",
    )),
    Sheet("prior_awards", "prior_awards", _cols(
        "credit_code:text", "support_year:year", "clause:text", "basis:text", "year:year", "amount:money",
    )),
)
SHEETS_BY_NAME = {sheet.name: sheet for sheet in SHEETS}


def declaration_rows(data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The rows a declaration (plain data) fills, by sheet: how the template is made."""
    code = data["enterprise"]["credit_code"]
    key = {"credit_code": code, "support_year": data["support_year"]}
    enterprise = {name: data["enterprise"].get(name) for name in ENTERPRISE_FIELDS}
    enterprise["sectors"] = ",".join(data["enterprise"].get("sectors", []))
    rows: dict[str, list[dict[str, Any]]] = {sheet.name: [] for sheet in SHEETS}
    rows["enterprises"].append({**key, "declaration_date": data["declaration_date"], **enterprise})
    for sheet in SHEETS:
        if sheet.list_name is None:
            continue
        for item in data.get(sheet.list_name, []):
            row = {**key, **{k: v for k, v in item.items() if k not in ("executed", "output")}}
            if "supported_years" in row:
                row["supported_years"] = ",".join(str(y) for y in row["supported_years"])
            rows[sheet.name].append(row)
            if sheet.list_name == "orders":
                for year, amount in item.get("executed", {}).items():
                    rows["order_executed"].append({**key, "order": item["id"], "year": int(year), "amount": amount})
            if sheet.list_name == "investment_projects":
                for year, amount in item.get("output", {}).items():
                    rows["project_output"].append({**key, "project": item["id"], "year": int(year), "amount": amount})
    return rows


def write_workbook(path: Any, declarations: list[dict[str, Any]]) -> None:
    """A workbook holding these declarations, every sheet with its header row (the template's form)."""
    from decimal import Decimal

    import openpyxl

    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    sheets = {sheet.name: book.create_sheet(sheet.name) for sheet in SHEETS}
    for sheet in SHEETS:
        sheets[sheet.name].append([column.name for column in sheet.columns])
    for data in declarations:
        for name, rows in declaration_rows(data).items():
            spec = SHEETS_BY_NAME[name]
            for row in rows:
                cells = []
                for column in spec.columns:
                    value = row.get(column.name)
                    if column.kind == "money" and isinstance(value, str):
                        value = Decimal(value)  # a number in the sheet, as an analyst types it
                    cells.append(value)
                sheets[name].append(cells)
                for cell in sheets[name][sheets[name].max_row]:
                    if isinstance(cell.value, str):
                        cell.data_type = "s"  # declared text, never a formula (openpyxl stores "=..." as one)
    book.save(path)

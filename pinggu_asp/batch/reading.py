"""Reading a batch lazily: one item per declaration, each knowing where in the input it came from.

JSON Lines are read a line at a time and parsed by the worker that decides
them. A workbook's child sheets are held grouped by key while its enterprises
are read row by row; a workbook is the analyst's form, JSON Lines the bulk one.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..loading import ITEM_KEYS, format_location, item_key, max_declaration_bytes
from .workbook import KEY, SHEETS, SHEETS_BY_NAME, Column, Sheet

INPUT_SUFFIXES = (".jsonl", ".xlsx")


class BatchInputError(Exception):
    """The input as a whole cannot be read, or an option is wrong: nothing is written (exit 2)."""


@dataclass(frozen=True)
class Item:
    """One declaration to decide, or the reason it could not even be assembled."""

    where: dict[str, Any]  # {"line": N} or {"sheet": name, "row": N}
    text: str | None = None  # a JSON line, parsed by the worker
    data: dict[str, Any] | None = None  # a declaration assembled from a workbook
    problems: tuple[tuple[str, str], ...] = ()
    # workbook: "annual[2]" -> (sheet, row) so an error can name the row it is about
    rows: dict[str, tuple[str, int]] = field(default_factory=dict)


def check_input(path: Path) -> None:
    """Refuse, before any work, an input the batch cannot read at all."""
    if path.suffix.lower() not in INPUT_SUFFIXES:
        raise BatchInputError(f"{path}: the input must be .jsonl or .xlsx, not {path.suffix or 'a file without a suffix'}")
    check_readable(path)


def check_readable(path: Path) -> None:
    """Refuse a path that is not a file this process can read, whatever it holds."""
    if not path.is_file():
        raise BatchInputError(f"{path}: no such file")
    try:
        with path.open("rb") as handle:
            handle.read(1)
    except OSError as exc:
        raise BatchInputError(f"{path}: cannot be read: {exc.strerror}") from None


def read_items(path: Path) -> Iterator[Item]:
    if path.suffix.lower() == ".xlsx":
        return _workbook_items(path)
    return _jsonl_items(path)


def count_items(path: Path) -> int | None:
    """How many declarations, for the progress bar (JSON Lines only: cheap to count)."""
    if path.suffix.lower() != ".jsonl":
        return None
    count, blank = 0, True
    with path.open("rb") as handle:
        # In chunks: one enormous line must not be held whole just to be counted.
        while chunk := handle.readline(1 << 20):
            blank = blank and not chunk.strip()
            if chunk.endswith(b"\n"):
                count, blank = count + (not blank), True
    return count + (not blank)


def _jsonl_items(path: Path) -> Iterator[Item]:
    # One line is one declaration, so it has a declaration's size limit: a line of
    # gigabytes (or a file with no newline at all) is read past, never held.
    limit = max_declaration_bytes()
    with path.open("rb") as handle:
        number = 0
        while True:
            raw = handle.readline(limit + 1)
            if not raw:
                break
            number += 1
            if len(raw) > limit and not raw.endswith(b"\n"):
                while (rest := handle.readline(1 << 20)) and not rest.endswith(b"\n"):
                    pass
                yield Item({"line": number}, problems=(("", f"a line larger than the limit of {limit:,} bytes "
                                                           "for one declaration"),))
                continue
            if not raw.strip():
                continue  # a blank line holds no declaration (a trailing newline, a separator)
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                yield Item({"line": number}, problems=(("", "not UTF-8 text"),))
                continue
            yield Item({"line": number}, text=text)


# --- workbooks -------------------------------------------------------------------------------------------------


def _cell(column: Column, value: Any) -> tuple[Any, str | None]:
    """A cell as the declaration's plain data, or the reason it cannot be one."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    kind = column.kind
    if isinstance(value, dt.datetime):
        if kind != "date":
            return None, "a date is not expected here"
        if value.time() != dt.time(0):
            return None, "must be a date, not a date and time"
        return value.date().isoformat(), None
    if isinstance(value, dt.date):
        return (value.isoformat(), None) if kind == "date" else (None, "a date is not expected here")
    if kind == "bool":
        if isinstance(value, bool):
            return value, None
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true", None
        return None, "must be TRUE or FALSE"
    if isinstance(value, bool):
        return None, "TRUE/FALSE is not expected here"
    if isinstance(value, float):
        # Spreadsheets store numbers as binary floats; the shortest repr is what was typed.
        value = int(value) if value.is_integer() else Decimal(repr(value))
    if kind == "money":
        return (str(value) if isinstance(value, Decimal) else value), None
    if kind in ("year", "int"):
        if isinstance(value, Decimal):
            return None, "must be a whole number"
        return value, None
    if kind in ("years", "sectors"):
        if isinstance(value, int):
            return [value], None
        parts = [part.strip() for part in str(value).replace("，", ",").split(",") if part.strip()]
        if kind == "years":
            try:
                return [int(part) for part in parts], None
            except ValueError:
                return None, "must be years separated by commas, e.g. 2023,2024"
        return parts, None
    return str(value), None


@dataclass
class _Row:
    sheet: str
    number: int
    values: dict[str, Any]
    problems: list[tuple[str, str]]


def _sheet_rows(sheet: Sheet, worksheet: Any) -> Iterator[_Row]:
    # Read-only mode stops at the sheet's stored <dimension>, which many writers
    # leave understating the rows: forget it, so every row in the XML is read.
    worksheet.reset_dimensions()
    rows = worksheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        return
    names = [str(cell).strip() if cell is not None else "" for cell in header]
    known = {column.name: column for column in sheet.columns}
    unknown = [name for name in names if name and name not in known]
    if unknown:
        raise BatchInputError(f"sheet {sheet.name}: unknown column(s) {', '.join(unknown)}; the README lists the columns")
    for key in KEY:
        if key not in names:
            raise BatchInputError(f"sheet {sheet.name}: the key column {key} is missing")
    for number, cells in enumerate(rows, start=2):
        if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells):
            continue
        values: dict[str, Any] = {}
        problems: list[tuple[str, str]] = []
        for name, cell in zip(names, cells, strict=False):
            if not name:
                continue
            value, problem = _cell(known[name], cell)
            if problem:
                problems.append((name, problem))
            elif value is not None:
                values[name] = value
        yield _Row(sheet.name, number, values, problems)


def _key(row: _Row) -> tuple[str, int] | None:
    code, year = row.values.get("credit_code"), row.values.get("support_year")
    if not isinstance(code, str) or not isinstance(year, int) or isinstance(year, bool):
        return None
    return code, year


def _workbook_items(path: Path) -> Iterator[Item]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise BatchInputError(f"{path}: not a readable .xlsx workbook ({type(exc).__name__}: {exc})") from None
    try:
        unknown = [name for name in book.sheetnames if name not in SHEETS_BY_NAME]
        if unknown:
            raise BatchInputError(f"{path}: unknown sheet(s) {', '.join(unknown)}; the README lists the sheets")
        if "enterprises" not in book.sheetnames:
            raise BatchInputError(f"{path}: the sheet enterprises is missing")
        children: dict[str, dict[tuple[str, int], list[_Row]]] = {}
        unkeyed: list[_Row] = []
        for sheet in SHEETS[1:]:
            grouped: dict[tuple[str, int], list[_Row]] = defaultdict(list)
            if sheet.name in book.sheetnames:
                for row in _sheet_rows(sheet, book[sheet.name]):
                    key = _key(row)
                    if key is None:
                        unkeyed.append(row)
                    else:
                        grouped[key].append(row)
            children[sheet.name] = grouped
        seen: dict[tuple[str, int], int] = {}
        for row in _sheet_rows(SHEETS[0], book["enterprises"]):
            key = _key(row)
            where = {"sheet": row.sheet, "row": row.number}
            if key is None:
                yield Item(where, problems=tuple(row.problems) or (("credit_code", "a row needs its credit_code and support_year"),))
                continue
            if key in seen:
                yield Item(where, problems=(("credit_code", f"credit code {key[0]} and support year {key[1]} are also on row {seen[key]}"),))
                continue
            seen[key] = row.number
            yield _assemble(row, {name: grouped.pop(key, []) for name, grouped in children.items()})
        # Rows that no enterprise row claims would silently drop facts: each is an error of its own.
        for row in unkeyed:
            yield Item({"sheet": row.sheet, "row": row.number},
                       problems=(("credit_code", "a row needs its credit_code and support_year"),))
        for name, grouped in children.items():
            for (code, year), rows in sorted(grouped.items()):
                message = (f"credit code {code} with support year {year} is on no enterprises row"
                           if (code, year) not in seen else "this row belongs to an enterprise row that is a duplicate")
                for row in rows:
                    yield Item({"sheet": name, "row": row.number}, problems=(("credit_code", message),))
    finally:
        book.close()


def _assemble(enterprise_row: _Row, children: dict[str, list[_Row]]) -> Item:
    """One declaration from its enterprises row and the child rows under the same key."""
    problems = [(f"enterprise.{name}", reason) for name, reason in enterprise_row.problems]
    rows: dict[str, tuple[str, int]] = {}
    values = enterprise_row.values
    enterprise = {name: value for name, value in values.items() if name not in ("support_year", "declaration_date")}
    data: dict[str, Any] = {
        "schema": "pinggu-declaration/1",
        "support_year": values["support_year"],
        "enterprise": enterprise,
    }
    if "declaration_date" in values:
        data["declaration_date"] = values["declaration_date"]
    for sheet in SHEETS[1:]:
        if sheet.list_name is None:
            continue
        items = []
        for index, row in enumerate(children[sheet.name]):
            path = f"{sheet.list_name}[{index}]"
            rows[path] = (row.sheet, row.number)
            problems += [(f"{path}.{name}", reason) for name, reason in row.problems]
            items.append({k: v for k, v in row.values.items() if k not in KEY})
        if items or sheet.list_name == "annual":
            data[sheet.list_name] = items
        # Errors name an item by its year or id (loading.tool_location): that path names the row too.
        for index, row in enumerate(children[sheet.name]):
            named = item_key(items, index, ITEM_KEYS[sheet.list_name]) if sheet.list_name in ITEM_KEYS else None
            if named is not None:
                rows[format_location((sheet.list_name, named))] = (row.sheet, row.number)
    for sheet in SHEETS[1:]:
        if sheet.parent is None:
            continue
        parent_list, id_column, map_field = sheet.parent
        parents = {item.get("id"): index for index, item in enumerate(data.get(parent_list, []))}
        for item in data.get(parent_list, []):
            item.setdefault(map_field, {})
        for row in children[sheet.name]:
            where = f"{sheet.name}(row {row.number})"
            rows[where] = (row.sheet, row.number)
            problems += [(f"{where}.{name}", reason) for name, reason in row.problems]
            parent = parents.get(row.values.get(id_column))
            if parent is None:
                problems.append((f"{where}.{id_column}", f"no {parent_list} row has the id {row.values.get(id_column)!r}"))
                continue
            year, amount = row.values.get("year"), row.values.get("amount")
            if year is None or amount is None:
                problems.append((f"{where}", "needs its year and amount"))
                continue
            year_map = data[parent_list][parent][map_field]
            if year in year_map:
                problems.append((f"{where}.year", f"year {year} is given twice for {parent_list} {row.values.get(id_column)!r}"))
                continue
            year_map[year] = amount
            rows[f"{parent_list}[{parent}].{map_field}"] = (row.sheet, row.number)
            named = item_key(data[parent_list], parent, ITEM_KEYS[parent_list]) if parent_list in ITEM_KEYS else None
            if named is not None:
                rows[f"{format_location((parent_list, named))}.{map_field}.{year}"] = (row.sheet, row.number)
    return Item({"sheet": enterprise_row.sheet, "row": enterprise_row.number}, data=data, problems=tuple(problems),
                rows=rows)

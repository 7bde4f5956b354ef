"""Shared builders: a baseline declaration that passes every gate, and shortcuts to decide one."""

from __future__ import annotations

import copy
import html
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pinggu_asp.engine import check
from pinggu_asp.loading import declaration_from_data
from pinggu_asp.solve import Ruleset, default_ruleset

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "declaration.yaml"

_BASELINE: dict[str, Any] = {
    "schema": "pinggu-declaration/1",
    "support_year": 2025,
    "declaration_date": "2026-04-10",
    "enterprise": {
        "credit_code": "91110117MA01C4QX37",
        "name": "测试企业",
        "registered_in_pinggu": True,
        "operating_in_pinggu": True,
        "industry_code": "C3670",
        "strategic_fit": True,
        "stable_in_beijing": True,
        "related_output_abnormal": False,
        "credit_good": True,
        "locality": "马坊镇",
        "sectors": [],
    },
    "annual": [
        {"year": 2023, "gross_output": 50_000_000, "rd_expense": 1_000_000},
        {"year": 2024, "gross_output": 60_000_000, "rd_expense": 1_100_000},
        {"year": 2025, "gross_output": 61_000_000, "rd_expense": 1_150_000},
    ],
}


def baseline(**overrides: Any) -> dict[str, Any]:
    """A declaration that passes every gate and earns nothing; override top-level fields by keyword."""
    data = copy.deepcopy(_BASELINE)
    data.update(copy.deepcopy(overrides))
    return data


def set_annual(data: dict[str, Any], year: int, **fields: Any) -> dict[str, Any]:
    """Set fields of one year's record (adding the record if needed); None removes a field."""
    for record in data["annual"]:
        if record["year"] == year:
            break
    else:
        record = {"year": year}
        data["annual"].append(record)
    for name, value in fields.items():
        if value is None:
            record.pop(name, None)
        else:
            record[name] = value
    return data


_RULESETS: dict[tuple[tuple[str, ...], str | None], Ruleset] = {}


def ruleset(interpretations: Iterable[str] = (), parameters: Path | None = None) -> Ruleset:
    key = (tuple(sorted(interpretations)), str(parameters) if parameters else None)
    if key not in _RULESETS:
        _RULESETS[key] = default_ruleset(key[0], parameters)
    return _RULESETS[key]


def decide(data: dict[str, Any], interpretations: Iterable[str] = (), parameters: Path | None = None) -> dict[str, Any]:
    """Validate and decide a declaration given as plain data; returns pinggu-result/1."""
    return check(declaration_from_data(data), ruleset(interpretations, parameters))


def clause(result: dict[str, Any], clause_id: str, subject: str | None = None) -> dict[str, Any]:
    """The one listed entry of a clause (on a subject, when the clause is listed more than once)."""
    found = [c for c in result["clauses"] if c["clause"] == clause_id and (subject is None or c["subject"] == subject)]
    assert len(found) == 1, f"expected one entry of {clause_id} {subject or ''}, found {len(found)}"
    return found[0]


def condition(entry: dict[str, Any], cond_id: str) -> dict[str, Any]:
    found = [c for c in entry["conditions"] if c["id"] == cond_id]
    assert len(found) == 1, f"{entry['clause']} has no single condition {cond_id}: {[c['id'] for c in entry['conditions']]}"
    return found[0]


def statuses(entry: dict[str, Any]) -> dict[str, str]:
    return {c["id"]: c["status"] for c in entry["conditions"]}


def gate(result: dict[str, Any], gate_id: str) -> dict[str, Any]:
    found = [g for g in result["gates"] if g["id"] == gate_id]
    assert len(found) == 1, f"no gate {gate_id}"
    return found[0]




def visible_text(page: str) -> str:
    """An HTML page's text as a reader sees it: <wbr> and inline spans (render_html's break
    points and unbreakable amounts) add nothing, other tags separate words, entities decoded."""
    body = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", page, flags=re.S | re.I)
    body = re.sub(r"<wbr>|</?span[^>]*>", "", body)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))

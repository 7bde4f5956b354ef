"""Shared builders: a baseline declaration that passes every gate, and shortcuts to decide one."""

from __future__ import annotations

import copy
import html
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pinggu_asp.engine.decide import check
from pinggu_asp.engine.solve import Derived, EngineError, Ruleset, default_ruleset
from pinggu_asp.loading import declaration_from_data, parse_text

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "declaration.yaml"

# The one baseline, shared with the YAML cases (tests/cases/baseline.yaml).
BASELINE_FILE = REPO / "tests" / "cases" / "baseline.yaml"
_BASELINE: dict[str, Any] = parse_text(BASELINE_FILE.read_text(encoding="utf-8"), str(BASELINE_FILE))


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


def assert_same_outcome(a: Derived | EngineError, b: Derived | EngineError) -> None:
    """Two decisions of one declaration are the same: the same error, or the same atoms, choice and alternatives."""
    if isinstance(b, EngineError):
        assert isinstance(a, EngineError) and str(a) == str(b)
        return
    assert isinstance(a, Derived)
    assert (a.atoms, a.chosen, a.alternatives, a.alternatives_truncated) == (
        b.atoms, b.chosen, b.alternatives, b.alternatives_truncated)
    assert (a.alternatives_count, a.alternative_groups) == (b.alternatives_count, b.alternative_groups)

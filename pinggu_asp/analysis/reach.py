"""The smallest change of one declared number that makes a clause qualify, found by re-solving the rules.

The rules report, for each failing numeric condition, what was observed and
what was required. That gives a first candidate for each declared number the
condition was computed from; the candidate is then decided by the rules at the
value and one yuan short of it (one yuan over, where a smaller value helps).
Only when both agree is the value ``verified``. Where the candidate does not
hold (the number also moves the requirement, or several conditions move with
it), a galloping and then bisecting search over re-solves finds the boundary,
and the same two re-solves verify it. Nothing here decides a condition: every
verdict is the rules' eligible/2 in an answer of ``engine.answer_many``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

from ..declaration import Declaration
from ..engine.answer import Answer
from ..engine.decide import answer_many
from ..engine.result import Index, _yuan, build_result
from ..engine.solve import EngineError, Ruleset
from ..engine.terms import clause_id
from ..loading import InputError, declaration_from_data
from .whatif import _fields_of, set_path

# The largest declared amount the model accepts, in yuan (model.py): the search stops there.
LIMIT_YUAN = 10**15
_NUMERIC = {"ge", "gt", "le", "lt"}


class ClauseError(ValueError):
    """A clause id the rules do not have; the message suggests the nearest."""


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


def _get(data: dict[str, Any], path: str) -> Any:
    """The declared value at a ``source_field`` path, or None."""
    from .whatif import LIST_KEYS, _segments

    node: Any = data
    for name, key in _segments(path):
        if not isinstance(node, dict):
            return None
        node = node.get(name)
        if key is not None:
            if not isinstance(node, list):
                return None
            id_field = LIST_KEYS.get(name)
            if id_field is None:
                node = node[int(key)] if key.isdigit() and int(key) < len(node) else None
            else:
                node = next((i for i in node if isinstance(i, dict) and str(i.get(id_field)) == key), None)
    return node


def _entries(result: dict[str, Any], clause: str) -> list[dict[str, Any]]:
    return [c for c in result["clauses"] if c["clause"] == clause]


def _passes(outcome: Answer | EngineError, clause: str) -> tuple[bool, Any]:
    """Whether the clause qualifies on some subject, as the rules decided it (eligible/2; it may still be
    superseded), with that subject's amount and status."""
    if isinstance(outcome, EngineError):
        return False, None
    eligible = outcome.eligible()
    if not eligible:
        return False, None
    ix = Index(outcome)
    for c, s in ix.listed():
        if (c, s) in eligible and clause_id(c) == clause:
            return True, {"amount_yuan": _yuan(ix.amount(c, s)), "status": ix.status(c, s)}
    return False, None


def _estimate(condition: dict[str, Any], current: Decimal) -> tuple[int, int] | None:
    """(candidate, direction) from the condition's own observed and required values: +1 raise, -1 lower."""
    observed, required = _number(condition.get("observed")), _number(condition.get("required"))
    comparison = condition.get("comparison")
    if observed is None or required is None or comparison not in _NUMERIC:
        return None
    gap = required - observed
    if comparison == "ge":
        return int((current + gap).to_integral_value(ROUND_CEILING)), 1
    if comparison == "gt":
        return int((current + gap).to_integral_value(ROUND_FLOOR)) + 1, 1
    if comparison == "le":
        return int((current + gap).to_integral_value(ROUND_FLOOR)), -1
    return int((current + gap).to_integral_value(ROUND_CEILING)) - 1, -1


class _Prober:
    """Re-solves the declaration with one field set to given values, a group at a time; each value once."""

    def __init__(self, data: dict[str, Any], ruleset: Ruleset, clause: str) -> None:
        self.data = data
        self.ruleset = ruleset
        self.clause = clause
        self.fields = _fields_of(Declaration)
        self.runs = 0
        self._known: dict[tuple[str, int], tuple[bool, Any]] = {}  # answers are deterministic: asked again, reused

    def __call__(self, field: str, values: Sequence[int]) -> list[tuple[bool, Any]]:
        todo = [value for value in dict.fromkeys(values) if (field, value) not in self._known]
        decls: list[Declaration | None] = []
        for value in todo:
            data = copy.deepcopy(self.data)
            try:
                set_path(data, self.fields, field, value)
                decls.append(declaration_from_data(data))
            except InputError:
                decls.append(None)  # a value the model refuses (e.g. below zero) reaches nothing
        valid = [d for d in decls if d is not None]
        self.runs += len(valid)
        outcomes = iter(answer_many(valid, self.ruleset, group_size=max(1, len(valid))) if valid else [])
        for value, decl in zip(todo, decls, strict=True):
            self._known[(field, value)] = (False, None) if decl is None else _passes(next(outcomes), self.clause)
        return [self._known[(field, value)] for value in values]


# Probes decided together: each group pays the fixed cost of grounding the rules
# once (about 90 CPU ms, against about 10 a member), so the search asks ahead.
# The galloping asks the next GALLOP values of its sequence at once; the
# bisection asks every middle of the next BISECT levels (2**BISECT - 1 values)
# and then follows the answers. Either way the values it goes by, and so the
# value found, are those of asking one at a time: only more are asked.
GALLOP = 8
BISECT = 3


def _middles(passing: int, failing: int, depth: int) -> list[int]:
    """Every middle the bisection can ask in its next ``depth`` steps, whatever the answers."""
    if depth == 0 or abs(passing - failing) <= 1:
        return []
    middle = (passing + failing) // 2
    return [middle, *_middles(middle, failing, depth - 1), *_middles(passing, middle, depth - 1)]


def _boundary(probe: Callable[[list[int]], list[bool]], start: int, direction: int, limit: int) -> int | None:
    """The first value from ``start`` (which fails) in ``direction`` that passes, assuming one crossing."""
    step = 1
    failing = start
    passing: int | None = None
    while passing is None:
        trials: list[int] = []
        at, ahead, clipped = failing, step, False
        for _ in range(GALLOP):
            trial = at + direction * ahead
            if (direction > 0 and trial > limit) or (direction < 0 and trial < 0):
                trial = limit if direction > 0 else 0
                if trial != at:
                    trials.append(trial)
                clipped = True
                break
            trials.append(trial)
            at, ahead = trial, ahead * 2
        for trial, passes in zip(trials, probe(trials), strict=True):
            if passes:
                passing = trial
                break
            failing, step = trial, step * 2
        if passing is None and clipped:
            return None
    while abs(passing - failing) > 1:
        middles = _middles(passing, failing, BISECT)
        answers = dict(zip(middles, probe(middles), strict=True))
        for _ in range(BISECT):
            if abs(passing - failing) <= 1:
                break
            middle = (passing + failing) // 2
            if answers[middle]:
                passing = middle
            else:
                failing = middle
    return passing


def _search_field(
    prober: _Prober, field: str, current: Decimal, conditions: list[dict[str, Any]]
) -> dict[str, Any] | None:
    estimates = [e for e in (_estimate(c, current) for c in conditions if _moves(c, field)) if e is not None]
    # The estimate assumes the number adds to what was observed; where it moves the
    # requirement instead (last year's output), the other direction is the one that helps.
    estimated = sorted({d for _, d in estimates}, reverse=True)
    directions = estimated + [d for d in (1, -1) if d not in estimated]
    for direction in directions:
        wanted = [v for v, d in estimates if d == direction]
        candidate = (max(wanted) if direction > 0 else min(wanted)) if wanted else None
        if candidate is not None and candidate >= 0:
            at, short = prober(field, [candidate, candidate - direction])
            if at[0] and not short[0]:
                return _change(field, current, candidate, at[1])
        start = int(current.to_integral_value(ROUND_FLOOR if direction > 0 else ROUND_CEILING))

        def passes(values: list[int]) -> list[bool]:
            return [passed for passed, _ in prober(field, values)]

        found = _boundary(passes, start, direction, LIMIT_YUAN)
        if found is not None:
            at, short = prober(field, [found, found - direction])
            return _change(field, current, found, at[1], verified=at[0] and not short[0])
    return None


def _change(field: str, current: Decimal, value: int, at: Any, verified: bool = True) -> dict[str, Any]:
    return {
        "field": field,
        "from": _plain(current),
        "to": value,
        "amount_yuan": at["amount_yuan"],
        "status": at["status"],
        "verified": verified,
    }


def _plain(value: Decimal) -> int | str:
    return int(value) if value == value.to_integral_value() else str(value)


def _moves(condition: dict[str, Any], field: str) -> bool:
    """Whether the condition was computed from the field (an order's amount counts in the orders' sum)."""
    if field in _fields(condition):
        return True
    return condition.get("source_field") == "orders[].executed" and field.startswith("orders[") and ".executed." in field


def _fields(condition: dict[str, Any]) -> list[str]:
    fields = [f["field"] for f in condition.get("facts", []) if isinstance(f, dict) and "field" in f]
    source = condition.get("source_field")
    if isinstance(source, str) and source not in fields:
        fields.insert(0, source)
    return fields


def _blocker(kind: str, item: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": kind,
        "id": item.get("id") or item.get("gate"),
        "status": item.get("status"),
        "article": item.get("article"),
        "phrase_zh": item.get("phrase_zh"),
        "text_zh": item.get("text_zh"),
        "text_en": item.get("text_en"),
        # An unknown condition names the declared field the rules found missing (result.py's "missing").
        "missing": item.get("missing"),
    }


def _needs(ruleset: Ruleset, clause: str) -> list[str]:
    """The bases a clause rests on, as the rules derive them for the catalogue's probe (basis/3):
    what a declaration must hold for the clause to be listed at all."""
    from .catalogue import catalogue

    for entry in catalogue(ruleset)["clauses"]:
        if entry["clause"] == clause:
            return list(entry["basis"])
    return []


def reach_document(
    decl: Declaration, clause: str, ruleset: Ruleset, known_clauses: Sequence[str], vary: Sequence[str] = ()
) -> dict[str, Any]:
    """``pinggu-reach/1`` for one clause of one declaration."""
    if clause not in known_clauses:
        import difflib

        close = difflib.get_close_matches(clause, list(known_clauses), n=1)
        hint = f" (did you mean {close[0]}?)" if close else f"; the clauses are {', '.join(known_clauses)}"
        raise ClauseError(f"--reach {clause}: no such clause{hint}")
    data = decl.model_dump(mode="json", by_alias=True)
    unknown = [f for f in vary if _number(_get(data, f)) is None]
    if unknown:
        raise InputError("--vary", [(f, "not a declared number of this declaration") for f in unknown])
    [answer] = answer_many([decl], ruleset)
    if isinstance(answer, EngineError):
        raise answer
    base = build_result(decl, answer, ruleset)
    entries = _entries(base, clause)
    document: dict[str, Any] = {
        "schema": "pinggu-reach/1",
        "clause": clause,
        # Who, when and which program: the report's heading names them as explain's does.
        "about": {key: base[key] for key in ("enterprise", "support_year", "declaration_date", "interpretations",
                                             "provenance")},
        "status": entries[0]["status"] if entries else "not_listed",
        "amount_yuan": entries[0]["amount_yuan"] if entries else None,
        "up_to": bool(entries and entries[0].get("up_to")),
        "already_qualifies": _passes(answer, clause)[0],
        "changes": [],
        "blocked_by": [],
        "verified_runs": 0,
    }
    if document["already_qualifies"]:
        return document
    if not entries:
        document["blocked_by"].append({"kind": "not_listed", "id": clause, "status": "not_listed",
                                       "needs": _needs(ruleset, clause)})
        return document
    failing_gates = [g for g in base["gates"] if g.get("status") not in ("pass", None)]
    document["blocked_by"] += [_blocker("gate", g) for g in failing_gates]
    failing = [c for e in entries for c in e["conditions"] if c["status"] != "pass"]
    numeric = [c for c in failing if c.get("observed_kind") == "money" and c.get("comparison") in _NUMERIC]
    other = [c for c in failing if c not in numeric]
    document["blocked_by"] += [_blocker("condition", c) for c in other]
    if not numeric or document["blocked_by"]:
        return document
    prober = _Prober(data, ruleset, clause)
    candidates = sorted({f for c in numeric for f in _fields(c) if "[]" not in f and " " not in f})
    if any(c.get("source_field") == "orders[].executed" for c in numeric):
        # A sum of orders: each order the rules counted can close the gap on its own.
        year = base["support_year"]
        candidates += sorted(
            f"orders[{o['order']}].executed.{year}"
            for e in entries
            for o in e.get("orders", [])
            if o.get("verdict") == "qualifies"
        )
    if vary:
        candidates = list(vary)
    for field in candidates:
        current = _number(_get(data, field))
        if current is None:
            continue
        found = _search_field(prober, field, current, numeric)
        if found is not None:
            document["changes"].append(found)
    if not document["changes"]:
        document["blocked_by"] += [_blocker("condition", c) for c in numeric]
    document["verified_runs"] = prober.runs
    return document

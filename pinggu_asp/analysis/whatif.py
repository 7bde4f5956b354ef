"""What-if: a declaration with some facts changed, and the difference the rules derive between two results.

A change names a declared field by the path the explanations already print as
``source_field`` (``annual[2025].gross_output``, ``ratings[r-3].date``,
``orders[o-1].executed.2025``) and gives a value: JSON where it parses as JSON
(numbers, ``true``, ``null``, objects), the text as written otherwise (dates,
ids). List items are addressed by their id, annual figures by year, and the
lists without ids (penalties, fraud findings, other support, prior awards) by
position. A JSON object for an item not in the list adds it; ``null`` removes
an item or an optional field. The changed declaration is validated like any
other, so a wrong type is the usual error naming the field.

The difference is read off the two result documents: no condition is decided
here, only compared. Both results are decided by ``decide_remembered``: an
analyst varies one declaration many times, so each result is remembered, and
the ones not yet decided are decided together, one group per ruleset (one
grounding of the rules instead of one each: the fixed cost of a Control is
most of a single declaration's).
"""

from __future__ import annotations

import difflib
import functools
import json
import pickle
import re
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from ..declaration import Declaration
from ..engine.decide import check_many
from ..engine.result import canonical_declaration
from ..engine.solve import EngineError, Ruleset
from ..loading import InputError, declaration_from_data

# The key each list is addressed by; lists missing here are addressed by position.
LIST_KEYS = {
    "annual": "year",
    "ratings": "id",
    "approvals": "id",
    "orders": "id",
    "standards": "id",
    "investment_projects": "id",
}
_SEGMENT = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*|\d+)(?:\[(?P<key>[^\[\]]*)\])?$")


def _bad(path: str, message: str) -> InputError:
    return InputError("--set", [(path, message)])


def parse_assignment(text: str) -> tuple[str, Any]:
    """``PATH=VALUE`` into the path and the value (JSON where it parses, else the text)."""
    path, sep, raw = text.partition("=")
    path = path.strip()
    if not sep or not path:
        raise _bad(text, "a change is written PATH=VALUE, e.g. annual[2025].gross_output=120000000")
    try:
        value: Any = json.loads(raw)
    except ValueError:
        value = raw
    return path, value


def _segments(path: str) -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    # A dot inside brackets belongs to the key (ids may contain dots).
    for part in re.split(r"\.(?![^\[]*\])", path):
        match = _SEGMENT.match(part)
        if match is None:
            raise _bad(path, f"{part!r} is not a field name or name[key]")
        out.append((match["name"], match["key"]))
    return out


def _suggest(name: str, options: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, list(options), n=1)
    return f" (did you mean {close[0]}?)" if close else ""


def _item_index(items: list[Any], list_name: str, key: str, path: str) -> int | None:
    id_field = LIST_KEYS.get(list_name)
    if id_field is None:
        if not key.isdigit():
            raise _bad(path, f"{list_name} has no ids; address an item by its position, e.g. {list_name}[0]")
        index = int(key)
        return index if index < len(items) else None
    for index, item in enumerate(items):
        if isinstance(item, dict) and str(item.get(id_field)) == key:
            return index
    return None


def set_path(data: dict[str, Any], fields: dict[str, Any], path: str, value: Any) -> None:
    """Change ``data`` in place; ``fields`` is the model's schema of the same mapping (for the names it allows)."""
    segments = _segments(path)
    node: Any = data
    schema: dict[str, Any] | None = fields
    for depth, (name, key) in enumerate(segments):
        last = depth == len(segments) - 1
        if not isinstance(node, dict):
            raise _bad(path, f"{name} is inside a value that has no fields")
        known = set(node) | set(schema or {})
        if name not in known and not (schema is None and last):
            raise _bad(path, f"no field {name}{_suggest(name, sorted(known))}")
        child_schema = (schema or {}).get(name)
        if key is None:
            if last:
                if value is None and name in node and child_schema is not None and child_schema.get("required"):
                    raise _bad(path, "a required field cannot be removed")
                if value is None and schema is None:
                    node.pop(name, None)
                else:
                    node[name] = value
                return
            if node.get(name) is None:
                if schema is None or child_schema is None:
                    raise _bad(path, f"{name} is not set, so it has no {segments[depth + 1][0]}")
                node[name] = {}
            node = node[name]
            schema = None if child_schema is None else child_schema.get("fields")
            continue
        items = node.get(name)
        if not isinstance(items, list):
            if items is None and child_schema is not None and child_schema.get("list"):
                items = node[name] = []
            else:
                raise _bad(path, f"{name} is not a list")
        index = _item_index(items, name, key, path)
        if last:
            if value is None:
                if index is None:
                    raise _bad(path, f"no item {key} in {name}")
                del items[index]
            elif index is None:
                if not isinstance(value, dict):
                    raise _bad(path, f"no item {key} in {name}; to add one, give the whole item as a JSON object")
                id_field = LIST_KEYS.get(name)
                if id_field is not None:
                    item = {id_field: int(key) if id_field == "year" and key.isdigit() else key, **value}
                    if str(item[id_field]) != key:
                        raise _bad(path, f"the item's {id_field} {item[id_field]!r} is not {key!r}")
                    items.append(item)
                elif int(key) == len(items):
                    items.append(value)
                else:
                    raise _bad(path, f"{name} has {len(items)} items; a new one goes at position {len(items)}")
            else:
                items[index] = value
            return
        if index is None:
            raise _bad(path, f"no item {key} in {name}")
        node = items[index]
        schema = None if child_schema is None else child_schema.get("fields")


@functools.cache
def _fields_of(model: Any) -> dict[str, Any]:
    """For each field of a pydantic model: whether it is required, a list, and its own fields if it has any.

    Worked out once per model (0.5 ms of each what-if); callers only read it."""
    from pydantic import BaseModel

    out: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        annotation = info.annotation
        entry: dict[str, Any] = {"required": info.is_required()}
        inner = annotation
        for _ in range(3):  # unwrap Optional[...] and list[...]
            args = [a for a in getattr(inner, "__args__", ()) if a is not type(None)]
            if getattr(inner, "__origin__", None) is list:
                entry["list"] = True
            if not args:
                break
            inner = args[0]
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            entry["fields"] = _fields_of(inner)
        out[info.alias or name] = entry
    return out


def apply_changes(decl: Declaration, changes: Sequence[str]) -> Declaration:
    """The declaration with every ``PATH=VALUE`` change made, validated; errors name the path."""
    data = decl.model_dump(mode="json", by_alias=True)
    fields = _fields_of(Declaration)
    for change in changes:
        path, value = parse_assignment(change)
        set_path(data, fields, path, value)
    try:
        return declaration_from_data(data, "--set")
    except InputError as exc:
        raise InputError("the changed declaration", exc.problems) from None


# Deciding both ---------------------------------------------------------------

# Results are deterministic, so a remembered one is the one a new run would
# give. Kept pickled: each caller gets its own copy from pickle.loads (0.5 ms
# for the example's result, against 2.7 ms for copy.deepcopy), and a result
# just decided is handed out as it is, the cache holding only its bytes.
_RESULTS: OrderedDict[tuple[str, str, tuple[str, ...]], bytes] = OrderedDict()
_RESULTS_KEPT = 64


def _key(decl: Declaration, ruleset: Ruleset) -> tuple[str, str, tuple[str, ...]]:
    return canonical_declaration(decl), ruleset.parameters.sha256, ruleset.switches


def decide_remembered(wanted: Sequence[tuple[Declaration, Ruleset]]) -> list[dict[str, Any]]:
    """Each declaration's ``pinggu-result/1`` under its ruleset, exactly ``check``'s, each the caller's own copy.

    Those remembered are not decided again; the others are decided in one group
    per ruleset (the same declaration twice, once). A declaration the rules
    cannot decide raises its ``EngineError``, as ``check`` does.
    """
    keys = [_key(decl, ruleset) for decl, ruleset in wanted]
    fresh: dict[tuple[str, str, tuple[str, ...]], dict[str, Any]] = {}
    groups: dict[tuple[Any, ...], tuple[Ruleset, list[tuple[str, str, tuple[str, ...]]], list[Declaration]]] = {}
    for key, (decl, ruleset) in zip(keys, wanted, strict=True):
        if key in _RESULTS or any(key in group[1] for group in groups.values()):
            continue
        # Equal rulesets (the base and a reform that changed no parameter or reading) make one group.
        same = (ruleset.parameters.sha256, ruleset.parameters.source, ruleset.switches, ruleset.time_limit)
        group = groups.setdefault(same, (ruleset, [], []))
        group[1].append(key)
        group[2].append(decl)
    failed: dict[tuple[str, str, tuple[str, ...]], EngineError] = {}
    for ruleset, group_keys, decls in groups.values():
        for key, outcome in zip(group_keys, check_many(decls, ruleset), strict=True):
            if isinstance(outcome, EngineError):
                failed[key] = outcome
            else:
                fresh[key] = outcome
                _RESULTS[key] = pickle.dumps(outcome, pickle.HIGHEST_PROTOCOL)
    out: list[dict[str, Any]] = []
    for key in keys:
        if key in failed:
            raise failed[key]
        result = fresh.pop(key, None)
        if result is None:  # remembered, or already handed out once in this call
            _RESULTS.move_to_end(key)
            result = pickle.loads(_RESULTS[key])
        out.append(result)
    while len(_RESULTS) > _RESULTS_KEPT:
        _RESULTS.popitem(last=False)
    return out


# The difference ---------------------------------------------------------------


def _clauses(result: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(c["clause"], c["basis"]): c for c in result["clauses"]}


def _brief(condition: dict[str, Any]) -> dict[str, Any]:
    return {key: condition.get(key) for key in ("status", "observed", "required")}


def clause_changes(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """Every clause and basis whose status or amount differs, with the conditions whose status or values moved."""
    old, new = _clauses(before), _clauses(after)
    out: list[dict[str, Any]] = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        state_a = {"status": a["status"], "amount_yuan": a["amount_yuan"]} if a else {"status": "not_listed", "amount_yuan": None}
        state_b = {"status": b["status"], "amount_yuan": b["amount_yuan"]} if b else {"status": "not_listed", "amount_yuan": None}
        if state_a == state_b:
            continue
        conds_a = {c["id"]: c for c in (a or {}).get("conditions", [])}
        conds_b = {c["id"]: c for c in (b or {}).get("conditions", [])}
        conditions = []
        for cid in sorted(set(conds_a) | set(conds_b)):
            ca, cb = conds_a.get(cid), conds_b.get(cid)
            brief_a = _brief(ca) if ca else None
            brief_b = _brief(cb) if cb else None
            if brief_a == brief_b:
                continue
            source = cb or ca or {}
            conditions.append(
                {
                    "id": cid,
                    "before": brief_a,
                    "after": brief_b,
                    "article": source.get("article"),
                    "phrase_zh": source.get("phrase_zh"),
                    "text_zh": source.get("text_zh"),
                    "text_en": source.get("text_en"),
                    "source_field": source.get("source_field"),
                }
            )
        out.append({"clause": key[0], "basis": key[1], "before": state_a, "after": state_b, "conditions": conditions})
    return out


def award_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Awards gained, lost and changed in amount, by clause and basis."""
    old = {(a["clause"], a["basis"]): a for a in before["awards"]}
    new = {(a["clause"], a["basis"]): a for a in after["awards"]}
    return {
        "gained": [new[k] for k in sorted(set(new) - set(old))],
        "lost": [old[k] for k in sorted(set(old) - set(new))],
        "changed": [
            {"clause": k[0], "basis": k[1], "before_yuan": old[k]["amount_yuan"], "after_yuan": new[k]["amount_yuan"]}
            for k in sorted(set(old) & set(new))
            if old[k]["amount_yuan"] != new[k]["amount_yuan"]
        ],
    }


def whatif_document(
    before: dict[str, Any], after: dict[str, Any], *, changes: Sequence[str], params: Sequence[str], interpretations: Sequence[str],
    base_interpretations: Sequence[str] = (),
) -> dict[str, Any]:
    """``pinggu-whatif/1``: both results, what was changed, and the difference."""
    return {
        "schema": "pinggu-whatif/1",
        "asked": {"set": list(changes), "param": list(params), "interpretations": list(interpretations),
                  "base_interpretations": list(base_interpretations)},
        "total_before_yuan": before["total_yuan"],
        "total_after_yuan": after["total_yuan"],
        "awards": award_changes(before, after),
        "changes": clause_changes(before, after),
        "before": before,
        "after": after,
    }

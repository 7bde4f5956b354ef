"""``pinggu-result/1``: the result document, rendered from the derived atoms only."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from operator import attrgetter
from typing import Any, NamedTuple

import clingo
import orjson

from .. import __version__
from ..declaration import Declaration
from ..money import FEN_PER_YUAN, yuan_decimal, yuan_json
from ..policy.pack import document_number, words
from ..policy.parameters import Parameter, value_as_data
from ..policy.readings import describe_all
from ..policy.templates import Filler, filler_for
from .answer import Answer, AwardCandidate, BlockedBy, Cond, Gate, OrderConsidered, OrderReasonText, candidate
from .answer import read as read_answer
from .solve import Derived, Ruleset
from .symbols import Term, fun, num, string
from .terms import (
    Values,
    basis_id,
    clause_id,
    date_text,
    fen_json,
    key_formula,
    source_field,
    term_formula,
    term_keys,
    text,
    value_json,
    value_source,
)

SCHEMA = "pinggu-result/1"


@dataclass(frozen=True)
class CondText:
    article: int
    comparison: str
    phrase_zh: str
    text_zh: str
    text_en: str


def _yuan(fen: int | None) -> int | None:
    """A ``*_yuan`` key: whole yuan, always an integer (an amount whole by the rules)."""
    return None if fen is None else yuan_json(fen)


def _yuan_decimal(fen: int | None) -> str | None:
    """A ``*_yuan_decimal`` key: an amount that may hold fen, always a decimal string; add up its ``*_fen`` twin."""
    return None if fen is None else yuan_decimal(fen)


def canonical_declaration(decl: Declaration) -> str:
    data = decl.model_dump(mode="json", by_alias=True)
    # orjson writes what json writes here (keys sorted by code point, UTF-8 unescaped, json's escapes;
    # the declaration holds no float); what it refuses (a lone surrogate, an integer past 64 bits) goes by json.
    try:
        return orjson.dumps(data, option=orjson.OPT_SORT_KEYS).decode()
    except TypeError:
        return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


# What one result reads of each (clause, subject), and of each condition of it.
_BY_CLAUSE = ("cond", "basis", "status", "payable", "amount_key", "blocked_by", "superseded_by", "primary_basis",
              "subject_cap", "status_reason", "supersedes", "amount_step", "amount_rate", "order_considered")
_BY_CONDITION = ("cond_source", "gap", "looked_at", "cond_note")
_NONE: dict[str, list[Any]] = {}  # (never written to)
_NO_CONDS: dict[str, dict[str, list[Any]]] = {}
# Sort keys of records (conditions and gates by id, reasons by kind and id), read in C.
_BY_ID = attrgetter("id")
_BY_KIND_ID = attrgetter("kind", "id")


class Index:
    """The records of one answer, indexed by clause and subject (and condition), each read once.

    A (clause, subject) is hashed once per record here and once per clause where a result reads it
    (``own``): hashing the nested Terms is most of what a look-up costs."""

    def __init__(self, answer: Answer, fill: Filler | None = None, by_clause: tuple[str, ...] = _BY_CLAUSE,
                 by_condition: tuple[str, ...] = _BY_CONDITION) -> None:
        """``by_clause`` and ``by_condition`` name the predicates indexed (all that a result reads, unless
        a reader that needs fewer says so: any other reads as no record)."""
        self.answer = answer
        self.fill = fill
        self.fen_of = answer.values()
        self.values = Values(self.fen_of)
        self.articles = answer.articles()
        # (clause, subject) -> predicate -> its records; and -> condition id -> predicate -> records.
        self._own: dict[tuple[Term, Term], dict[str, list[Any]]] = {}
        own = self._own
        for name in by_clause:
            for r in answer.get(name):
                key = (r.clause, r.subject)
                bundle = own.get(key)
                if bundle is None:
                    bundle = own[key] = {}
                found = bundle.get(name)
                if found is None:
                    bundle[name] = [r]
                else:
                    found.append(r)
        self._conds: dict[tuple[Term, Term], dict[str, dict[str, list[Any]]]] = {}
        conds = self._conds
        for name in by_condition:
            for r in answer.get(name):
                key = (r.clause, r.subject)
                by_id = conds.get(key)
                if by_id is None:
                    by_id = conds[key] = {}
                bundle = by_id.get(r.cond)
                if bundle is None:
                    bundle = by_id[r.cond] = {}
                found = bundle.get(name)
                if found is None:
                    bundle[name] = [r]
                else:
                    found.append(r)
        self.cap = {r.clause: r.key for r in answer.get("cap")}
        self.payer = {r.clause: r.payer for r in answer.get("payer")}
        self.ceiling = {r.clause for r in answer.get("ceiling")}
        self.locality = next((r.name for r in answer.get("locality")), "")
        self.gate_source = {r.gate: r.fact for r in answer.get("gate_source")}
        minimum = answer.get("minimum_payable")
        self.minimum = self.fen(minimum[0].key) if minimum else None
        unit = answer.get("round_unit")
        self.round_unit = unit[0].fen if unit else None
        self.derivations: dict[tuple[Term, Term], dict[str, Any] | None] = {}

    @functools.cached_property
    def _text_records(self) -> dict[str, Any]:
        return {r.id: r for r in self.answer.get("cond_text")}

    def own(self, c: Term, s: Term) -> dict[str, list[Any]]:
        """Every record of one (clause, subject), by predicate (read it, never write to it)."""
        return self._own.get((c, s), _NONE)

    def own_conds(self, c: Term, s: Term) -> dict[str, dict[str, list[Any]]]:
        """The records of each condition of one (clause, subject): condition id -> predicate -> records."""
        return self._conds.get((c, s), _NO_CONDS)

    def of(self, name: str, c: Term, s: Term) -> list[Any]:
        return self._own.get((c, s), _NONE).get(name, [])

    def of_cond(self, name: str, c: Term, s: Term, cid: str) -> list[Any]:
        return self._conds.get((c, s), _NO_CONDS).get(cid, _NONE).get(name, [])

    def text(self, cid: str) -> CondText | None:
        """A condition's or gate's text; the readings are templates over the parameters in force,
        filled when a result shows them; the law's phrase is quoted as it is."""
        r = self._text_records.get(cid)
        if r is None:
            return None
        fill = self.fill
        if fill is None:
            return CondText(r.article, r.comparison, r.phrase_zh, r.text_zh, r.text_en)
        key = (fill, r)  # the Filler itself (not its id): it stays alive while it keys texts
        done = _FILLED.get(key)
        if done is None:
            if len(_FILLED) > 20_000:
                _FILLED.clear()
            done = _FILLED[key] = CondText(r.article, r.comparison, r.phrase_zh, fill(r.text_zh), fill(r.text_en))
        return done

    def fen(self, key: Term) -> int | None:
        return self.fen_of.get(key)

    # Each of these takes the (clause, subject)'s records (``own``) when its caller has them already.
    def cap_key(self, c: Term, s: Term, own: dict[str, list[Any]] | None = None) -> Term | None:
        caps = (self.own(c, s) if own is None else own).get("subject_cap")
        return caps[0].key if caps else self.cap.get(c)

    def payer_text(self, clause: Term) -> str:
        payer = self.payer.get(clause)
        if payer is None:
            return "district"
        if payer == "locality":
            return f"district+locality:{self.locality}"
        return payer

    def amount(self, c: Term, s: Term, own: dict[str, list[Any]] | None = None) -> int | None:
        payable = (self.own(c, s) if own is None else own).get("payable")
        return self.fen_of.get(payable[0].key) if payable else None

    def amount_before_rounding(self, c: Term, s: Term, own: dict[str, list[Any]] | None = None) -> int | None:
        keys = (self.own(c, s) if own is None else own).get("amount_key")
        return self.fen_of.get(keys[0].key) if keys else None

    def bases(self, c: Term, s: Term, own: dict[str, list[Any]] | None = None) -> list[Term]:
        return sorted(r.key for r in (self.own(c, s) if own is None else own).get("basis", ()))

    def primary_basis(self, c: Term, s: Term, own: dict[str, list[Any]] | None = None,
                      bases: list[Term] | None = None) -> Term:
        own = self.own(c, s) if own is None else own
        primary = own.get("primary_basis")
        if primary:
            return primary[0].key  # type: ignore[no-any-return]
        if bases is None:
            bases = self.bases(c, s, own)
        return s if s in bases or not bases else bases[0]

    def status(self, c: Term, s: Term, own: dict[str, list[Any]] | None = None) -> str:
        status = (self.own(c, s) if own is None else own).get("status")
        return status[0].status if status else "unknown"  # type: ignore[no-any-return]

    def listed(self) -> list[tuple[Term, Term]]:
        """Every listed (clause, subject), in the order results list them: by article, clause id, subject."""
        articles = self.articles
        return sorted(
            {(r.clause, r.subject) for r in self.answer.get("listed")},
            key=lambda cs: (articles[cs[0]], clause_id(cs[0]), basis_id(cs[1])),
        )

    def chosen_awards(self, chosen: frozenset[Term]) -> list[AwardCandidate]:
        """The awards of these measures in a chosen set, in clingo's order (other policies left out)."""
        out = []
        for cand in sorted(chosen):
            which = candidate(cand)
            if isinstance(which, AwardCandidate):
                out.append(which)
        return out

    def gap_fen(self, c: Term, s: Term, cid: str) -> tuple[int | None, int | None] | None:
        """The failed number's (passes at, short by) in fen, the last gap/5 the condition has; None without one."""
        gaps = self.of_cond("gap", c, s, cid)
        if not gaps:
            return None
        return self.fen(gaps[-1].need), self.fen(gaps[-1].short)


_UNSET: Any = object()
# Filled texts by Filler and cond_text record, shared by the results of a process.
_FILLED: dict[tuple[Filler, Any], CondText] = {}


class _Shape(NamedTuple):
    """What a condition's or gate's entry shows that its terms alone decide (not the values)."""

    source_field: str | None
    observed_kind: str
    required_kind: str
    required_formula: str | None
    facts: tuple[tuple[Term, str], ...]  # each money key it rests on, with the field it names
    missing: str | None


# Shapes by (observed, required, fact): the same terms recur in most results.
@functools.lru_cache(maxsize=20_000)
def _shape(observed: Term, required: Term, fact: Term | None) -> _Shape:
    keys: list[Term] = []
    for k in term_keys(observed) + term_keys(required):
        if k not in keys:
            keys.append(k)
    missing = None
    if observed.name == "missing":
        (first, *_) = observed.arguments
        missing = source_field(first) or text(first)
    return _Shape(
        value_source(observed) or (source_field(fact) if fact is not None else None),
        observed.name,
        required.name,
        term_formula(required),
        tuple((k, source_field(k) or text(k)) for k in keys),
        missing,
    )


@functools.lru_cache(maxsize=1024)
def _rate_text(num: int, den: int) -> str:
    percent = Fraction(num * 100, den)
    if percent.denominator == 1:
        return f"{percent.numerator}%"
    return f"{float(percent):g}%" if Fraction(float(percent)) == percent else f"{num}/{den}"


def _amount_derivation(ix: Index, c: Term, s: Term, own: dict[str, list[Any]] | None = None) -> dict[str, Any] | None:
    """The derivation of one award, worked out once per result (clauses and awards share it)."""
    done = ix.derivations.get((c, s), _UNSET)
    if done is _UNSET:
        done = ix.derivations[(c, s)] = _work_out(ix, c, s, ix.own(c, s) if own is None else own)
    return dict(done) if done is not None else None


# The steps of an amount's derivation that may hold fen (the others are whole yuan by the rules).
_MAY_HOLD_FEN = frozenset({"base", "raw", "already_paid", "before_rounding"})


# Each step of a derivation with its two keys, in the document's order. One type per key: the law's
# sums and the rounded amount are whole yuan; the steps worked out from declared figures may hold
# fen, and say so by their name.
_STEPS = tuple(
    (name, f"{name}_yuan_decimal" if name in _MAY_HOLD_FEN else f"{name}_yuan", f"{name}_fen", name in _MAY_HOLD_FEN)
    for name in ("base", "raw", "fixed", "cap", "already_paid", "before_rounding", "after_rounding")
)


# Derivations by what decides them: each step's name, money key and value, the rate, the least amount paid and
# the rounding unit. Most awards are the same few fixed sums and capped amounts from one result to the next (a
# population of 1,000 has about 1,600 distinct derivations in 9,700), so a derivation is mostly worked out once.
_DERIVATIONS: dict[tuple[Any, ...], dict[str, Any] | None] = {}
_STEP_KEY = attrgetter("step", "key")


def _work_out(ix: Index, c: Term, s: Term, own: dict[str, list[Any]]) -> dict[str, Any] | None:
    """How the amount was worked out (``_derivation``), shared by the results with the same steps and values:
    never handed out itself (``_amount_derivation`` copies it)."""
    steps = tuple(map(_STEP_KEY, own.get("amount_step", ())))
    fen_of = ix.fen_of
    rate = own.get("amount_rate")
    key = (steps, tuple(fen_of.get(k) for _, k in steps), (rate[0].num, rate[0].den) if rate else None,
           ix.minimum, ix.round_unit)
    done = _DERIVATIONS.get(key, _UNSET)
    if done is _UNSET:
        if len(_DERIVATIONS) > 20_000:
            _DERIVATIONS.clear()
        done = _DERIVATIONS[key] = _derivation(dict(steps), fen_of, key[2], ix.minimum, ix.round_unit)
    return done


def _derivation(steps: dict[str, Term | None], fen_of: dict[Term, int], rate: tuple[int, int] | None,
                minimum: int | None, round_unit: int | None) -> dict[str, Any] | None:
    """How the amount was worked out, step by step, as explain.lp names the steps of the
    amount term the article derived: base × rate = raw, min with the cap, less what was
    already paid, then 第十七条's rounding. Every figure is a value the rules computed."""
    if "before_rounding" not in steps:
        return None
    out: dict[str, Any] = {}
    base = steps["base"] = steps.pop("base_amount", None)
    for name, shown, fen_key, may_hold_fen in _STEPS:
        step = steps.get(name)
        fen = fen_of.get(step) if step is not None else None
        out[shown] = _yuan_decimal(fen) if may_hold_fen else _yuan(fen)
        out[fen_key] = fen
    out["base_formula"] = _key_formula(base) if base is not None else None
    if rate is not None:
        num, den = rate
        out["rate"] = f"{num}/{den}"
        out["rate_text"] = _rate_text(num, den)
    else:
        out["rate"] = out["rate_text"] = None
    out["minimum_yuan"] = _yuan(minimum)
    out["minimum_fen"] = minimum
    out["round_unit_yuan"] = _yuan(round_unit)
    out["round_unit_fen"] = round_unit
    return out


# Formulas by money key: the same bases recur from one result to the next.
_key_formula = functools.lru_cache(maxsize=20_000)(key_formula)


# The value kinds whose JSON depends on the answer's money values (terms.value_json); any other
# value reads the same from its term alone.
_VALUED = frozenset({"money", "ratio", "reached_in", "base_year"})
_NO_VALUES = Values({})


class _Entry(NamedTuple):
    """A condition's or gate's entry as far as its terms and texts decide it: ``head`` has every key in
    its place; a result fills in its status, the values and the facts' values."""

    head: dict[str, Any]
    observed: Callable[[Index], Any] | None  # how to read the value from a result, where head has none
    required: Callable[[Index], Any] | None
    facts: tuple[tuple[Term, str], ...]


# Entries by (Filler, cond_text record, id, observed, required, fact): the same terms recur in most
# results, and the Filler keys them to the parameters in force (never shared across parameter sets).
_ENTRIES: dict[tuple[Any, ...], _Entry] = {}


def _static(term: Term) -> tuple[Any, Callable[[Index], Any] | None]:
    """A value's JSON when its term alone decides it and it is immutable (so results may share it),
    else how to read it from each result (terms.value_json, a money key's value looked up at once)."""
    if term.name in _VALUED:
        if term.name == "money" and term.arguments:
            (key, *_) = term.arguments

            def money(ix: Index) -> Any:
                fen = ix.fen_of.get(key)
                return None if fen is None else fen_json(fen)
            return None, money
        return None, lambda ix: value_json(term, ix.values)
    value = value_json(term, _NO_VALUES)
    if isinstance(value, (list, dict)):
        # A range, a title, a list of codes: each result its own copy, and a copy of a container of plain
        # values is all a result needs (worked out from the term again, it cost five times as much).
        if _flat(value):
            return None, lambda ix: value.copy()
        return None, lambda ix: value_json(term, ix.values)
    return value, None


def _flat(value: list[Any] | dict[str, Any]) -> bool:
    """Whether a list or dict holds no list or dict: then a shallow copy is a copy of all of it."""
    items = value.values() if isinstance(value, dict) else value
    return not any(isinstance(item, (list, dict)) for item in items)


class _Plain(NamedTuple):
    """An observed value that is plain data (a date, a count, a yes/no, a title): what its entry takes from it."""

    key: tuple[str, str | None]  # its kind and source field: all of the term an entry's other keys read
    value: Any  # its JSON: a value, or a list or dict of values (then each result gets a copy)


@functools.lru_cache(maxsize=20_000)
def _plain(observed: Term) -> _Plain | None:
    """An observed term as plain data (``_Plain``); None for one whose JSON reads the answer's money values,
    a missing fact, or data nested deeper than a list or dict of values.

    An entry takes nothing else from such a term (it rests on no money key), so one entry serves every
    value of a kind and source: these values are the declaration's own (its dates above all), and keyed
    by each, entries were made anew for one condition in ten of a population."""
    if observed.name in _VALUED or observed.name == "missing":
        return None
    value = value_json(observed, _NO_VALUES)
    if isinstance(value, (list, dict)) and not _flat(value):
        return None
    return _Plain((observed.name, value_source(observed)), value)


def _entry_of(ix: Index, cid: str, observed: Term, required: Term, fact: Term | None,
              plain: _Plain | None = None) -> _Entry:
    """The entry of a condition or gate as far as its terms and texts decide it; with ``plain``, that of
    every observed value of its kind and source, whose value each result then fills in."""
    key = (ix.fill, ix._text_records.get(cid), cid, observed if plain is None else plain.key, required, fact)
    done = _ENTRIES.get(key)
    if done is None:
        meta = ix.text(cid)
        shape = _shape(observed, required, fact)
        observed_json, observed_reader = (None, None) if plain is not None else _static(observed)
        required_json, required_reader = _static(required)
        head: dict[str, Any] = {
            "id": cid,
            "status": None,
            "observed": observed_json,
            "required": required_json,
            "comparison": meta.comparison if meta else None,
            "article": meta.article if meta else None,
            "phrase_zh": meta.phrase_zh if meta else None,
            "text_zh": meta.text_zh if meta else None,
            "text_en": meta.text_en if meta else None,
            "source_field": shape.source_field,
            "observed_kind": shape.observed_kind,
            "required_kind": shape.required_kind,
            "required_formula": shape.required_formula,
            "facts": None,
        }
        if shape.missing is not None:
            head["missing"] = shape.missing
        if len(_ENTRIES) > 20_000:
            _ENTRIES.clear()
        done = _ENTRIES[key] = _Entry(head, observed_reader, required_reader, shape.facts)
    return done


def _check_entry(ix: Index, cid: str, status: str, observed: Term, required: Term, fact: Term | None) -> dict[str, Any]:
    """What a condition or a gate shows: its values, where they came from, and the text behind it.

    Its derivation says how the observed and required values were read: their term kinds, the
    formula of the required value, and every declared fact and parameter they rest on."""
    plain = _plain(observed)
    done = _entry_of(ix, cid, observed, required, fact, plain)
    entry = done.head.copy()
    entry["status"] = status
    if plain is not None:
        value = plain.value
        entry["observed"] = value.copy() if isinstance(value, (list, dict)) else value
    elif done.observed is not None:
        entry["observed"] = done.observed(ix)
    if done.required is not None:
        entry["required"] = done.required(ix)
    fen_of = ix.fen_of
    facts = []
    for key, field in done.facts:
        fen = fen_of.get(key)
        facts.append({"field": field, "value_yuan_decimal": None if fen is None else yuan_decimal(fen), "value_fen": fen})
    entry["facts"] = facts
    return entry


def _condition(ix: Index, cond: Cond, own: dict[str, list[Any]]) -> dict[str, Any]:
    """One condition's entry; ``own`` is its records by predicate (``Index.own_conds``)."""
    cid = cond.id
    sources = own.get("cond_source")
    entry = _check_entry(ix, cid, cond.status, cond.observed, cond.required, sources[0].fact if sources else None)
    gaps = own.get("gap")
    if gaps:  # the last gap/5 the condition has
        need, short = ix.fen_of.get(gaps[-1].need), ix.fen_of.get(gaps[-1].short)
        entry["gap"] = {"passes_at_yuan_decimal": _yuan_decimal(need), "short_by_yuan_decimal": _yuan_decimal(short),
                        "passes_at_fen": need, "short_by_fen": short}
    looked_at = own.get("looked_at")
    if looked_at:
        entry["years_looked_at"] = sorted(r.year for r in looked_at)
    cond_notes = own.get("cond_note")
    if cond_notes:
        notes = [r.note for r in cond_notes]
        entry["notes"] = [text(note) for note in notes]
        entry["note_details"] = [{"code": note.name, "args": [_note_arg(arg) for arg in note.arguments]} for note in notes]
    return entry


def _note_arg(arg: Term) -> Any:
    """A note's argument for a reader: a date, the declared field a key came from, or its name."""
    if arg.type == clingo.SymbolType.Number:
        number = arg.number
        return date_text(number) if 19000101 <= number <= 21001231 else number
    if arg.type == clingo.SymbolType.Function and arg.arguments:
        return source_field(arg) or text(arg)
    return text(arg)


def _candidate_json(ix: Index, decl: Declaration, cand: Term) -> dict[str, Any]:
    which = candidate(cand)
    if isinstance(which, AwardCandidate):
        c, s = which.clause, which.subject
        return {
            "clause": clause_id(c),
            "basis": basis_id(ix.primary_basis(c, s)),
            "subject": basis_id(s),
            "amount_yuan": _yuan(ix.amount(c, s)),
        }
    index = which.item
    support = decl.other_pinggu_support[index]
    return {
        "policy": support.policy,
        "basis": support.basis,
        "amount_yuan_decimal": _yuan_decimal(ix.fen(fun("other_support", num(index)))),
        "amount_fen": ix.fen(fun("other_support", num(index))),
        "other_pinggu_support": index,
    }


def _orders(ix: Index, s: Term, considered: list[OrderConsidered] | None,
            texts: dict[str, OrderReasonText]) -> list[dict[str, Any]]:
    """Each order an orders clause (Art 9, Art 12) looked at (``considered``, its order_considered/5):
    counted or excluded, and why (SPEC §3.2)."""
    if not considered:
        return []
    *_, year = s.arguments  # an orders clause's subject ends in the year its orders were executed in
    orders: dict[str, dict[str, Any]] = {}
    for r in considered:
        oid, reason = r.order, r.reason
        entry = orders.get(oid)
        if entry is None:
            executed_fen = ix.fen(fun("executed", string(oid), year))
            entry = orders[oid] = {"order": oid, "verdict": r.verdict, "executed_yuan_decimal": _yuan_decimal(executed_fen),
                                   "executed_fen": executed_fen, "reasons": []}
        meaning = texts.get(reason.name)
        detail = next(iter(reason.arguments), None)
        entry["reasons"].append({"code": reason.name, "text_zh": meaning.text_zh if meaning else None,
                                 "text_en": meaning.text_en if meaning else None,
                                 "detail": value_json(detail, ix.values) if detail is not None else None})
    for entry in orders.values():
        entry["reasons"].sort(key=lambda r: r["code"])
    return [orders[k] for k in sorted(orders)]


def _clause(ix: Index, decl: Declaration, c: Term, s: Term, texts: dict[str, OrderReasonText]) -> dict[str, Any]:
    own = ix.own(c, s)
    cap_key = ix.cap_key(c, s, own)
    before = ix.amount_before_rounding(c, s, own)
    bases = ix.bases(c, s, own)
    by_cond = ix.own_conds(c, s)
    entry: dict[str, Any] = {
        "clause": clause_id(c),
        "article": ix.articles[c],
        "subject": basis_id(s),
        "basis": basis_id(ix.primary_basis(c, s, own, bases)),
        "bases": [basis_id(b) for b in bases],
        "status": ix.status(c, s, own),
        "amount_yuan": _yuan(ix.amount(c, s, own)),
        # Before 第十七条's rounding an amount may hold fen: a decimal string for reading, the _fen key to add up.
        "amount_before_rounding_yuan_decimal": _yuan_decimal(before),
        "amount_before_rounding_fen": before,
        "derivation": _amount_derivation(ix, c, s, own),
        "cap_yuan": _yuan(ix.fen_of.get(cap_key)) if cap_key is not None else None,
        "up_to": c in ix.ceiling,
        "payer": ix.payer_text(c),
        "conditions": [_condition(ix, r, by_cond.get(r.id, _NONE))
                       for r in sorted(own.get("cond", ()), key=_BY_ID)],
        "superseded_by": [_candidate_json(ix, decl, r.winner) for r in own.get("superseded_by", ())],
        "blocked_by": [_blocker(ix, decl, r) for r in own.get("blocked_by", ())],
        # Why it has its status and what it won over: explain.lp derives both.
        "reasons": [{"kind": r.kind, "id": r.id}
                    for r in sorted(own.get("status_reason", ()), key=_BY_KIND_ID)],
        "supersedes": [
            _candidate_json(ix, decl, r.loser)
            for r in sorted(own.get("supersedes", ()), key=lambda r: _award_order(ix, r.loser))
        ],
        "orders": _orders(ix, s, own.get("order_considered"), texts),
    }
    return entry


def _award_order(ix: Index, cand: Term) -> tuple[int, str, str]:
    """An award candidate's place in a listing: by article, clause id and subject."""
    which = candidate(cand)
    if not isinstance(which, AwardCandidate):  # pragma: no cover - explain.lp: only awards are superseded
        raise ValueError(f"{cand} is not an award")
    return ix.articles[which.clause], clause_id(which.clause), basis_id(which.subject)


def _blocker(ix: Index, decl: Declaration, by: BlockedBy) -> dict[str, Any]:
    """What blocks an award: other(I), support received under another policy, or prior(I), an earlier award."""
    index = by.item
    if by.kind == "prior":
        prior = decl.prior_awards[index]
        return {
            "prior_award": index,
            "policy": f"{document_number()} {prior.clause} ({prior.year})",
            "clause": prior.clause,
            "basis": prior.basis,
            "year": prior.year,
            "amount_yuan_decimal": _yuan_decimal(ix.fen(fun("prior_award", num(index)))),
            "amount_fen": ix.fen(fun("prior_award", num(index))),
        }
    support = decl.other_pinggu_support[index]
    return {
        "other_pinggu_support": index,
        "policy": support.policy,
        "basis": support.basis,
        "amount_yuan_decimal": _yuan_decimal(ix.fen(fun("other_support", num(index)))),
        "amount_fen": ix.fen(fun("other_support", num(index))),
    }


def _gate(ix: Index, gate: Gate, effects: dict[str, str], evidence: dict[str, list[str]]) -> dict[str, Any]:
    gid = gate.id
    entry = _check_entry(ix, gid, gate.status, gate.observed, gate.required, ix.gate_source.get(gid))
    entry["effect"] = effects.get(gid)
    entry["evidence"] = evidence.get(gid, [])
    return entry


def award_list(ix: Index, chosen: frozenset[Term]) -> list[tuple[int, dict[str, Any]]]:
    """Each chosen award as results list it, with its article, in their order (article, clause, basis)."""
    awards = []
    for award in ix.chosen_awards(chosen):
        c, s = award.clause, award.subject
        own = ix.own(c, s)
        cap_key = ix.cap_key(c, s, own)
        bases = ix.bases(c, s, own)
        awards.append(
            (
                ix.articles[c],
                {
                    "clause": clause_id(c),
                    "basis": basis_id(ix.primary_basis(c, s, own, bases)),
                    "bases": [basis_id(b) for b in bases],
                    "amount_yuan": _yuan(ix.amount(c, s, own)),
                    "cap_yuan": _yuan(ix.fen(cap_key)) if cap_key is not None else None,
                    "up_to": c in ix.ceiling,
                    "payer": ix.payer_text(c),
                    "derivation": _amount_derivation(ix, c, s, own),
                },
            )
        )
    return sorted(awards, key=lambda a: (a[0], a[1]["clause"], a[1]["basis"]))


def total_fen(ix: Index, chosen: frozenset[Term]) -> int:
    fen = 0
    for award in ix.chosen_awards(chosen):
        amount = ix.amount(award.clause, award.subject)
        if amount is None:  # pragma: no cover - select.lp only chooses payable awards
            raise ValueError(f"chosen award {award} has no amount")
        fen += amount
    return fen


def _parameters(params: dict[str, Parameter]) -> dict[str, Any]:
    return {
        name: {**value_as_data(p), "article": p.article, "since": p.since.isoformat()}
        for name, p in sorted(params.items())
    }


# The parameters in force on a date, their Filler and the result's block of them, once per
# parameters file and date. Declarations are dated over the measures' whole window (a population
# of 1,200 has hundreds of dates) while the values in force change on a few: the block, the costly
# part, is made once per Filler, which stands for the values in force (templates.filler_for).
_IN_FORCE: dict[tuple[str, str, dt.date], tuple[dict[str, Parameter], Filler, dict[str, Any]]] = {}
_BLOCKS: dict[Filler, dict[str, Any]] = {}


def _in_force(ruleset: Ruleset, day: dt.date) -> tuple[dict[str, Parameter], Filler, dict[str, Any]]:
    parameters = ruleset.parameters
    key = (parameters.sha256, parameters.source, day)
    hit = _IN_FORCE.get(key)
    if hit is None:
        if len(_IN_FORCE) > 4096:
            _IN_FORCE.clear()
        params = parameters.in_force(day)
        fill = filler_for(parameters.sha256, params)
        block = _BLOCKS.get(fill)
        if block is None:
            if len(_BLOCKS) > 256:
                _BLOCKS.clear()
            block = _BLOCKS[fill] = _parameters(params)
        hit = _IN_FORCE[key] = (params, fill, block)
    return hit


# The readings' entries by Filler and the readings in force: a batch has a handful of each.
_READINGS: dict[tuple[Filler, tuple[str, ...]], list[dict[str, Any]]] = {}


def _readings(names: tuple[str, ...], fill: Filler) -> list[dict[str, Any]]:
    key = (fill, names)
    done = _READINGS.get(key)
    if done is None:
        if len(_READINGS) > 1024:
            _READINGS.clear()
        done = _READINGS[key] = describe_all(names, fill)
    return [dict(entry) for entry in done]  # each result its own copy


def build_result(decl: Declaration, derived: Derived | Answer, ruleset: Ruleset) -> dict[str, Any]:
    if ruleset.shown is not None:
        # A program cut down to some predicates (engine/pruning.py: a batch's summary alone) leaves out the
        # explanations, sources and derivations a result lists: its document would be silently incomplete.
        raise ValueError("a result document needs the whole program; this ruleset shows only "
                         + ", ".join(ruleset.shown))
    params, fill, in_force = _in_force(ruleset, decl.declaration_date)
    answer = derived if isinstance(derived, Answer) else read_answer(derived)
    ix = Index(answer, fill)
    effects = {r.gate: r.effect for r in answer.get("gate_effect")}
    evidence: dict[str, list[str]] = defaultdict(list)
    for r in answer.get("gate_evidence"):
        evidence[r.gate].append(source_field(r.item) or text(r.item))
    gates = [_gate(ix, r, effects, evidence) for r in sorted(answer.get("gate"), key=_BY_ID)]

    reason_texts = {r.code: r for r in answer.get("order_reason_text")}
    clauses = [_clause(ix, decl, c, s, reason_texts) for c, s in ix.listed()]
    listed_awards = award_list(ix, answer.chosen)
    awards = [award for _, award in listed_awards]
    total = total_fen(ix, answer.chosen)

    # The total adds exact amounts and "不超过" ceilings (SPEC §0.3); say how much of it is which.
    up_to_fen = sum(ix.amount(a.clause, a.subject) or 0 for a in ix.chosen_awards(answer.chosen)
                    if a.clause in ix.ceiling)

    by_article: dict[str, int] = defaultdict(int)
    by_payer: dict[str, int] = defaultdict(int)
    for article, award in listed_awards:
        by_article[str(article)] += int(award["amount_yuan"])
        by_payer[award["payer"]] += int(award["amount_yuan"])

    alternatives = []
    for alt in answer.alternatives:
        alt_awards = [_candidate_json(ix, decl, cand) for cand in sorted(alt)]
        alternatives.append({"chosen": alt_awards, "total_yuan": _yuan(total_fen(ix, alt))})
    # The same, factored (SPEC §4.2): each independent conflict with its own equally good choices.
    alternative_groups = [
        {
            "candidates": [_candidate_json(ix, decl, cand) for cand in group.candidates],
            "chosen": [_candidate_json(ix, decl, cand) for cand in sorted(group.chosen)],
            "choices": [[_candidate_json(ix, decl, cand) for cand in sorted(choice)] for choice in group.others],
            "count": group.count,
        }
        for group in answer.alternative_groups
    ]

    advisories: list[dict[str, Any]] = []
    for advice in answer.get("advice"):
        index = advice.other
        support = decl.other_pinggu_support[index]
        instead = candidate(advice.instead_of)
        if not isinstance(instead, AwardCandidate):  # pragma: no cover - select.lp advises against awards only
            raise ValueError(f"advice against {advice.instead_of}, not an award")
        c = instead.clause
        words_of = words("advisories", "take_other_policy")  # its article and words: asp_rules/texts.yaml
        filled = {"policy": support.policy, "basis": support.basis, "clause": clause_id(c)}
        advisories.append(
            {
                "kind": "take_other_policy",
                "article": words_of["article"],
                "policy": support.policy,
                "basis": support.basis,
                "instead_of": clause_id(c),
                "text_en": words_of["en"].format(**filled),
                "text_zh": words_of["zh"].format(**filled),
            }
        )
    for exposed in answer.get("recovery_exposed"):
        index = exposed.prior_award
        prior = decl.prior_awards[index]
        exposure = words("advisories", "recovery_exposure")
        advisories.append(
            {
                "kind": "recovery_exposure",
                "article": exposure["article"],
                "prior_award": index,
                "clause": prior.clause,
                "basis": prior.basis,
                "amount_yuan_decimal": _yuan_decimal(int(prior.amount * FEN_PER_YUAN)),
                "amount_fen": int(prior.amount * FEN_PER_YUAN),
                "text_en": exposure["en"],
                "text_zh": exposure["zh"],
            }
        )

    # Each other policy's outcome is derived by explain.lp (other_outcome/2, other_blocks/3).
    outcomes = {r.other: r.outcome for r in answer.get("other_outcome")}
    blocks: dict[int, list[str]] = defaultdict(list)
    for r in answer.get("other_blocks"):
        blocks[r.other].append(clause_id(r.clause))
    other_support = []
    for index, support in enumerate(decl.other_pinggu_support):
        other_support.append(
            {
                "other_pinggu_support": index,
                "policy": support.policy,
                "basis": support.basis,
                "amount_yuan_decimal": _yuan_decimal(ix.fen(fun("other_support", num(index)))),
                "amount_fen": ix.fen(fun("other_support", num(index))),
                "status": support.status.value,
                "outcome": outcomes[index],
                "blocks": sorted(set(blocks.get(index, []))),
            }
        )

    interpretations = answer.interpretations  # sorted from the records each time it is read
    return {
        "schema": SCHEMA,
        "enterprise": {"name": decl.enterprise.name, "credit_code": decl.enterprise.credit_code},
        "support_year": decl.support_year,
        "declaration_date": decl.declaration_date.isoformat(),
        "awards": awards,
        "total_yuan": _yuan(total),
        "total_up_to_yuan": _yuan(up_to_fen),
        "total_exact_yuan": _yuan(total - up_to_fen),
        "totals_by_article": dict(sorted(by_article.items(), key=lambda kv: int(kv[0]))),
        "totals_by_payer": dict(sorted(by_payer.items())),
        "clauses": clauses,
        "gates": gates,
        "alternatives": alternatives,
        "alternatives_truncated": answer.alternatives_truncated,
        "alternatives_count": answer.alternatives_count,
        "alternative_groups": alternative_groups,
        "advisories": advisories,
        "other_support": other_support,
        "interpretations": list(interpretations),
        "readings": _readings(interpretations, fill),
        "parameters": {name: dict(entry) for name, entry in in_force.items()},  # each result its own copy
        "provenance": {
            "package": f"pinggu-asp {__version__}",
            "clingo": clingo.__version__,
            "rules_sha256": ruleset.sha256,
            "parameters_sha256": ruleset.parameters.sha256,
            "parameters_source": ruleset.parameters.source.rsplit("/", 1)[-1],
            "declaration_sha256": hashlib.sha256(canonical_declaration(decl).encode()).hexdigest(),
        },
    }


# A result document (build_result) is serialised by orjson, six times faster than json and
# byte for byte the same there: UTF-8 text unescaped, json's escapes, its separators and
# indentation, keys in insertion order. A result holds no float (exact money: integers and
# decimal strings), the one kind the two print differently (1e16 against 1e+16). Any other
# document, and a result orjson refuses (an integer past 64 bits, a lone surrogate), goes by json.
def dumps(result: dict[str, Any]) -> str:
    done = _orjson(result, orjson.OPT_INDENT_2)
    if done is not None:
        return done.decode() + "\n"
    return json.dumps(result, ensure_ascii=False, indent=2) + "\n"


def dumps_bytes(result: dict[str, Any]) -> bytes:
    """``dumps(result)`` encoded as UTF-8, byte for byte; a result document straight from orjson's bytes (a
    service reply crosses between processes and reaches the socket as bytes: no decoding and encoding again)."""
    done = _orjson(result, orjson.OPT_INDENT_2)
    if done is not None:
        return done + b"\n"
    return dumps(result).encode("utf-8")


def dumps_line(result: dict[str, Any]) -> str:
    """The same document on one line, for JSON Lines (no trailing newline)."""
    done = _orjson(result)
    if done is not None:
        return done.decode()
    return json.dumps(result, ensure_ascii=False, separators=(",", ":"))


def line_bytes(document: dict[str, Any]) -> bytes:
    """``dumps_line(document)`` encoded as UTF-8, byte for byte; a result document straight from orjson's bytes
    (a batch's lines cross between processes and reach the file as bytes: no decoding and encoding again)."""
    done = _orjson(document)
    if done is not None:
        return done
    return dumps_line(document).encode("utf-8")


def _orjson(result: dict[str, Any], option: int = 0) -> bytes | None:
    """A result document by orjson; None for any other document, or one orjson refuses (then json's)."""
    if result.get("schema") == SCHEMA:
        try:
            return orjson.dumps(result, option=option)
        except TypeError:
            pass
    return None

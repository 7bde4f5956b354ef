"""``pinggu-result/1``: the result document, rendered from the derived atoms only."""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import clingo

from . import __version__
from .model import Declaration
from .money import FEN_PER_YUAN, yuan_decimal, yuan_json
from .pack import document_number, words
from .parameters import value_as_data
from .readings import describe_all
from .solve import Derived, Ruleset
from .symbols import Term, fun, num
from .templates import Filler, filler_for
from .terms import (
    Values,
    basis_id,
    clause_id,
    date_text,
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
    return json.dumps(decl.model_dump(mode="json", by_alias=True), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _article_of(cid: str) -> int:
    match = re.match(r"art(\d+)\.", cid)
    return int(match.group(1)) if match else 0


class _Reader:
    """Indexes the derived atoms by clause and subject."""

    def __init__(self, derived: Derived, fill: Filler) -> None:
        self.d = derived
        self.values = Values(derived.get("val"))
        self.texts: dict[str, CondText] = {}
        for atom in derived.get("cond_text"):
            cid, art, cmp_, phrase, zh, en = atom.arguments
            # The readings are templates over the parameters in force; the law's phrase is quoted as it is.
            self.texts[cid.string] = CondText(art.number, cmp_.name, phrase.string, fill(zh.string), fill(en.string))
        self.by_cs: dict[str, dict[tuple[Term, Term], list[Term]]] = defaultdict(lambda: defaultdict(list))
        for name in ("cond", "basis", "status", "payable", "amount_key", "blocked_by", "superseded_by",
                     "gap", "looked_at", "cond_note", "primary_basis", "cond_source", "subject_cap",
                     "status_reason", "supersedes", "amount_step", "amount_rate"):
            for atom in derived.get(name):
                c, s = atom.arguments[0], atom.arguments[1]
                self.by_cs[name][(c, s)].append(atom)
        self.cap = {a.arguments[0]: a.arguments[1] for a in derived.get("cap")}
        self.payer = {a.arguments[0]: a.arguments[1] for a in derived.get("payer")}
        self.ceiling = {a.arguments[0] for a in derived.get("ceiling")}
        self.locality = next((a.arguments[0].string for a in derived.get("locality")), "")
        self.gate_source = {a.arguments[0].string: a.arguments[1] for a in derived.get("gate_source")}
        minimum = derived.get("minimum_payable")
        self.minimum = self.fen(minimum[0].arguments[0]) if minimum else None
        self.derivations: dict[tuple[Term, Term], dict[str, Any] | None] = {}
        unit = derived.get("round_unit")
        self.round_unit = unit[0].arguments[0].number if unit else None

    def fen(self, key: Term) -> int | None:
        return self.values.fen(key)

    def cap_key(self, c: Term, s: Term) -> Term | None:
        own = self.by_cs["subject_cap"].get((c, s))
        return own[0].arguments[2] if own else self.cap.get(c)

    def payer_text(self, clause: Term) -> str:
        payer = self.payer.get(clause)
        if payer is None:
            return "district"
        if payer.name == "locality":
            return f"district+locality:{self.locality}"
        return payer.name

    def amount(self, c: Term, s: Term) -> int | None:
        payable = self.by_cs["payable"].get((c, s))
        return self.fen(payable[0].arguments[2]) if payable else None

    def amount_before_rounding(self, c: Term, s: Term) -> int | None:
        keys = self.by_cs["amount_key"].get((c, s))
        return self.fen(keys[0].arguments[2]) if keys else None

    def bases(self, c: Term, s: Term) -> list[Term]:
        return sorted(a.arguments[2] for a in self.by_cs["basis"].get((c, s), []))

    def primary_basis(self, c: Term, s: Term) -> Term:
        primary = self.by_cs["primary_basis"].get((c, s))
        if primary:
            return primary[0].arguments[2]
        bases = self.bases(c, s)
        return s if s in bases or not bases else bases[0]


def _derivation(reader: _Reader, observed: Term, required: Term) -> dict[str, Any]:
    """How the observed and required values were read: their term kinds, the formula of the
    required value, and every declared fact and parameter they rest on (for explanations)."""
    facts = []
    seen: set[Term] = set()
    for key in term_keys(observed) + term_keys(required):
        if key in seen:
            continue
        seen.add(key)
        fen = reader.fen(key)
        facts.append({"field": source_field(key) or text(key), "value_yuan_decimal": _yuan_decimal(fen), "value_fen": fen})
    return {
        "observed_kind": observed.name,
        "required_kind": required.name,
        "required_formula": term_formula(required),
        "facts": facts,
    }


def _rate_text(num: int, den: int) -> str:
    percent = Fraction(num * 100, den)
    if percent.denominator == 1:
        return f"{percent.numerator}%"
    return f"{float(percent):g}%" if Fraction(float(percent)) == percent else f"{num}/{den}"


def _amount_derivation(reader: _Reader, c: Term, s: Term) -> dict[str, Any] | None:
    """The derivation of one award, worked out once per result (clauses and awards share it)."""
    done = reader.derivations.get((c, s), _UNSET)
    if done is _UNSET:
        done = reader.derivations[(c, s)] = _work_out(reader, c, s)
    return dict(done) if done is not None else None


_UNSET: Any = object()
# The steps of an amount's derivation that may hold fen (the others are whole yuan by the rules).
_MAY_HOLD_FEN = frozenset({"base", "raw", "already_paid", "before_rounding"})


def _work_out(reader: _Reader, c: Term, s: Term) -> dict[str, Any] | None:
    """How the amount was worked out, step by step, as explain.lp names the steps of the
    amount term the article derived: base × rate = raw, min with the cap, less what was
    already paid, then 第十七条's rounding. Every figure is a value the rules computed."""
    steps: dict[str, Term | None] = {a.arguments[2].name: a.arguments[3] for a in reader.by_cs["amount_step"].get((c, s), [])}
    if "before_rounding" not in steps:
        return None
    out: dict[str, Any] = {}
    steps["base"] = steps.pop("base_amount", None)
    for name in ("base", "raw", "fixed", "cap", "already_paid", "before_rounding", "after_rounding"):
        step = steps.get(name)
        fen = reader.fen(step) if step is not None else None
        # One type per key: the law's sums and the rounded amount are whole yuan; the steps
        # worked out from declared figures may hold fen, and say so by their name.
        if name in _MAY_HOLD_FEN:
            out[f"{name}_yuan_decimal"] = _yuan_decimal(fen)
        else:
            out[f"{name}_yuan"] = _yuan(fen)
        out[f"{name}_fen"] = fen
    base = steps.get("base")
    out["base_formula"] = key_formula(base) if base is not None else None
    rate = reader.by_cs["amount_rate"].get((c, s))
    if rate:
        num, den = rate[0].arguments[2].number, rate[0].arguments[3].number
        out["rate"] = f"{num}/{den}"
        out["rate_text"] = _rate_text(num, den)
    else:
        out["rate"] = out["rate_text"] = None
    out["minimum_yuan"] = _yuan(reader.minimum)
    out["minimum_fen"] = reader.minimum
    out["round_unit_yuan"] = _yuan(reader.round_unit)
    out["round_unit_fen"] = reader.round_unit
    return out


def _check_entry(
    reader: _Reader, cid: str, status: Term, observed: Term, required: Term, fact: Term | None
) -> dict[str, Any]:
    """What a condition or a gate shows: its values, where they came from, and the text behind it."""
    meta = reader.texts.get(cid)
    entry: dict[str, Any] = {
        "id": cid,
        "status": status.name,
        "observed": value_json(observed, reader.values),
        "required": value_json(required, reader.values),
        "comparison": meta.comparison if meta else None,
        "article": meta.article if meta else None,
        "phrase_zh": meta.phrase_zh if meta else None,
        "text_zh": meta.text_zh if meta else None,
        "text_en": meta.text_en if meta else None,
        "source_field": value_source(observed) or (source_field(fact) if fact is not None else None),
    }
    entry.update(_derivation(reader, observed, required))
    if observed.name == "missing":
        entry["missing"] = source_field(observed.arguments[0]) or text(observed.arguments[0])
    return entry


def _condition(reader: _Reader, atom: Term) -> dict[str, Any]:
    c, s, cid, status, observed, required = atom.arguments
    sources = [a.arguments[3] for a in reader.by_cs["cond_source"].get((c, s), []) if a.arguments[2] == cid]
    entry = _check_entry(reader, cid.string, status, observed, required, sources[0] if sources else None)
    for gap in reader.by_cs["gap"].get((c, s), []):
        if gap.arguments[2] == cid:
            need, short = reader.fen(gap.arguments[3]), reader.fen(gap.arguments[4])
            entry["gap"] = {"passes_at_yuan_decimal": _yuan_decimal(need), "short_by_yuan_decimal": _yuan_decimal(short),
                            "passes_at_fen": need, "short_by_fen": short}
    years = sorted(a.arguments[3].number for a in reader.by_cs["looked_at"].get((c, s), []) if a.arguments[2] == cid)
    if years:
        entry["years_looked_at"] = years
    notes = [a.arguments[3] for a in reader.by_cs["cond_note"].get((c, s), []) if a.arguments[2] == cid]
    if notes:
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


def _candidate_json(reader: _Reader, decl: Declaration, cand: Term) -> dict[str, Any]:
    if cand.name == "award":
        c, s = cand.arguments
        return {
            "clause": clause_id(c),
            "basis": basis_id(reader.primary_basis(c, s)),
            "subject": basis_id(s),
            "amount_yuan": _yuan(reader.amount(c, s)),
        }
    index = cand.arguments[0].number
    support = decl.other_pinggu_support[index]
    return {
        "policy": support.policy,
        "basis": support.basis,
        "amount_yuan_decimal": _yuan_decimal(reader.fen(fun("other_support", num(index)))),
        "amount_fen": reader.fen(fun("other_support", num(index))),
        "other_pinggu_support": index,
    }


def _orders(reader: _Reader, c: Term, s: Term) -> list[dict[str, Any]]:
    """Each order an orders clause (Art 9, Art 12) looked at: counted or excluded, and why (SPEC §3.2)."""
    texts = {a.arguments[0].name: a.arguments[1:] for a in reader.d.get("order_reason_text")}
    orders: dict[str, dict[str, Any]] = {}
    for atom in reader.d.get("order_considered"):
        ac, asub, oid, verdict, reason = atom.arguments
        if (ac, asub) != (c, s):
            continue
        executed = fun("executed", oid, s.arguments[-1])
        executed_fen = reader.fen(executed)
        entry = orders.setdefault(oid.string, {"order": oid.string, "verdict": verdict.name,
                                               "executed_yuan_decimal": _yuan_decimal(executed_fen), "executed_fen": executed_fen,
                                               "reasons": []})
        zh, en = (t.string for t in texts[reason.name]) if reason.name in texts else (None, None)
        entry["reasons"].append({"code": reason.name, "text_zh": zh, "text_en": en,
                                 "detail": value_json(reason.arguments[0], reader.values) if reason.arguments else None})
    for entry in orders.values():
        entry["reasons"].sort(key=lambda r: r["code"])
    return [orders[k] for k in sorted(orders)]


def _clause(reader: _Reader, decl: Declaration, c: Term, s: Term) -> dict[str, Any]:
    cid = clause_id(c)
    status = reader.by_cs["status"][(c, s)]
    cap_key = reader.cap_key(c, s)
    entry: dict[str, Any] = {
        "clause": cid,
        "article": _article_of(cid),
        "subject": basis_id(s),
        "basis": basis_id(reader.primary_basis(c, s)),
        "bases": [basis_id(b) for b in reader.bases(c, s)],
        "status": status[0].arguments[2].name if status else "unknown",
        "amount_yuan": _yuan(reader.amount(c, s)),
        # Before 第十七条's rounding an amount may hold fen: a decimal string for reading, the _fen key to add up.
        "amount_before_rounding_yuan_decimal": _yuan_decimal(reader.amount_before_rounding(c, s)),
        "amount_before_rounding_fen": reader.amount_before_rounding(c, s),
        "derivation": _amount_derivation(reader, c, s),
        "cap_yuan": _yuan(reader.fen(cap_key)) if cap_key is not None else None,
        "up_to": c in reader.ceiling,
        "payer": reader.payer_text(c),
        "conditions": [_condition(reader, a) for a in sorted(reader.by_cs["cond"].get((c, s), []),
                                                             key=lambda a: a.arguments[2].string)],
        "superseded_by": [
            _candidate_json(reader, decl, a.arguments[2]) for a in reader.by_cs["superseded_by"].get((c, s), [])
        ],
        "blocked_by": [],
        # Why it has its status and what it won over: explain.lp derives both.
        "reasons": sorted(
            ({"kind": a.arguments[2].name, "id": a.arguments[3].string} for a in reader.by_cs["status_reason"].get((c, s), [])),
            key=lambda r: (r["kind"], r["id"]),
        ),
        "supersedes": sorted(
            (_candidate_json(reader, decl, a.arguments[2]) for a in reader.by_cs["supersedes"].get((c, s), [])),
            key=lambda x: (_article_of(x["clause"]), x["clause"], x["subject"]),
        ),
        "orders": _orders(reader, c, s),
    }
    for atom in reader.by_cs["blocked_by"].get((c, s), []):
        entry["blocked_by"].append(_blocker(reader, decl, atom.arguments[2]))
    return entry


def _blocker(reader: _Reader, decl: Declaration, by: Term) -> dict[str, Any]:
    """What blocks an award: other(I), support received under another policy, or prior(I), an earlier award."""
    index = by.arguments[0].number
    if by.name == "prior":
        prior = decl.prior_awards[index]
        return {
            "prior_award": index,
            "policy": f"{document_number()} {prior.clause} ({prior.year})",
            "clause": prior.clause,
            "basis": prior.basis,
            "year": prior.year,
            "amount_yuan_decimal": _yuan_decimal(reader.fen(fun("prior_award", num(index)))),
            "amount_fen": reader.fen(fun("prior_award", num(index))),
        }
    support = decl.other_pinggu_support[index]
    return {
        "other_pinggu_support": index,
        "policy": support.policy,
        "basis": support.basis,
        "amount_yuan_decimal": _yuan_decimal(reader.fen(fun("other_support", num(index)))),
        "amount_fen": reader.fen(fun("other_support", num(index))),
    }


def _gate(reader: _Reader, atom: Term, effects: dict[str, str], evidence: dict[str, list[str]]) -> dict[str, Any]:
    gid, status, observed, required = atom.arguments
    entry = _check_entry(reader, gid.string, status, observed, required, reader.gate_source.get(gid.string))
    entry["effect"] = effects.get(gid.string)
    entry["evidence"] = evidence.get(gid.string, [])
    return entry


def _award_list(reader: _Reader, decl: Declaration, chosen: frozenset[Term]) -> list[dict[str, Any]]:
    awards = []
    for cand in sorted(chosen):
        if cand.name != "award":
            continue
        c, s = cand.arguments
        cap_key = reader.cap_key(c, s)
        awards.append(
            {
                "clause": clause_id(c),
                "basis": basis_id(reader.primary_basis(c, s)),
                "bases": [basis_id(b) for b in reader.bases(c, s)],
                "amount_yuan": _yuan(reader.amount(c, s)),
                "cap_yuan": _yuan(reader.fen(cap_key)) if cap_key is not None else None,
                "up_to": c in reader.ceiling,
                "payer": reader.payer_text(c),
                "derivation": _amount_derivation(reader, c, s),
            }
        )
    return sorted(awards, key=lambda a: (_article_of(a["clause"]), a["clause"], a["basis"]))


def _total(reader: _Reader, chosen: frozenset[Term]) -> int:
    fen = 0
    for cand in chosen:
        if cand.name == "award":
            amount = reader.amount(*cand.arguments)
            if amount is None:  # pragma: no cover - select.lp only chooses payable awards
                raise ValueError(f"chosen award {cand} has no amount")
            fen += amount
    return fen


def build_result(decl: Declaration, derived: Derived, ruleset: Ruleset) -> dict[str, Any]:
    params = ruleset.parameters.in_force(decl.declaration_date)
    fill = filler_for(ruleset.parameters.sha256, params)
    reader = _Reader(derived, fill)
    effects = {a.arguments[0].string: a.arguments[1].name for a in derived.get("gate_effect")}
    evidence: dict[str, list[str]] = defaultdict(list)
    for atom in derived.get("gate_evidence"):
        evidence[atom.arguments[0].string].append(source_field(atom.arguments[1]) or text(atom.arguments[1]))
    gates = [_gate(reader, a, effects, evidence) for a in sorted(derived.get("gate"), key=lambda a: a.arguments[0].string)]

    listed = sorted(
        {(a.arguments[0], a.arguments[1]) for a in derived.get("listed")},
        key=lambda cs: (_article_of(clause_id(cs[0])), clause_id(cs[0]), basis_id(cs[1])),
    )
    clauses = [_clause(reader, decl, c, s) for c, s in listed]
    awards = _award_list(reader, decl, derived.chosen)
    total_fen = _total(reader, derived.chosen)

    # The total adds exact amounts and "不超过" ceilings (SPEC §0.3); say how much of it is which.
    up_to_fen = sum(reader.amount(*cand.arguments) or 0 for cand in derived.chosen
                    if cand.name == "award" and cand.arguments[0] in reader.ceiling)

    by_article: dict[str, int] = defaultdict(int)
    by_payer: dict[str, int] = defaultdict(int)
    for award in awards:
        by_article[str(_article_of(award["clause"]))] += int(award["amount_yuan"])
        by_payer[award["payer"]] += int(award["amount_yuan"])

    alternatives = []
    for alt in derived.alternatives:
        alt_awards = [_candidate_json(reader, decl, cand) for cand in sorted(alt)]
        alternatives.append({"chosen": alt_awards, "total_yuan": _yuan(_total(reader, alt))})
    # The same, factored (SPEC §4.2): each independent conflict with its own equally good choices.
    alternative_groups = [
        {
            "candidates": [_candidate_json(reader, decl, cand) for cand in group.candidates],
            "chosen": [_candidate_json(reader, decl, cand) for cand in sorted(group.chosen)],
            "choices": [[_candidate_json(reader, decl, cand) for cand in sorted(choice)] for choice in group.others],
            "count": group.count,
        }
        for group in derived.alternative_groups
    ]

    advisories: list[dict[str, Any]] = []
    for atom in derived.get("advice"):
        index = atom.arguments[0].arguments[0].number
        support = decl.other_pinggu_support[index]
        c, s = atom.arguments[1].arguments
        advice = words("advisories", "take_other_policy")  # its article and words: asp_rules/texts.yaml
        filled = {"policy": support.policy, "basis": support.basis, "clause": clause_id(c)}
        advisories.append(
            {
                "kind": "take_other_policy",
                "article": advice["article"],
                "policy": support.policy,
                "basis": support.basis,
                "instead_of": clause_id(c),
                "text_en": advice["en"].format(**filled),
                "text_zh": advice["zh"].format(**filled),
            }
        )
    for atom in derived.get("recovery_exposed"):
        index = atom.arguments[0].number
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
    outcomes = {a.arguments[0].number: a.arguments[1].name for a in derived.get("other_outcome")}
    blocks: dict[int, list[str]] = defaultdict(list)
    for atom in derived.get("other_blocks"):
        blocks[atom.arguments[0].number].append(clause_id(atom.arguments[1]))
    other_support = []
    for index, support in enumerate(decl.other_pinggu_support):
        other_support.append(
            {
                "other_pinggu_support": index,
                "policy": support.policy,
                "basis": support.basis,
                "amount_yuan_decimal": _yuan_decimal(reader.fen(fun("other_support", num(index)))),
                "amount_fen": reader.fen(fun("other_support", num(index))),
                "status": support.status.value,
                "outcome": outcomes[index],
                "blocks": sorted(set(blocks.get(index, []))),
            }
        )

    return {
        "schema": SCHEMA,
        "enterprise": {"name": decl.enterprise.name, "credit_code": decl.enterprise.credit_code},
        "support_year": decl.support_year,
        "declaration_date": decl.declaration_date.isoformat(),
        "awards": awards,
        "total_yuan": _yuan(total_fen),
        "total_up_to_yuan": _yuan(up_to_fen),
        "total_exact_yuan": _yuan(total_fen - up_to_fen),
        "totals_by_article": dict(sorted(by_article.items(), key=lambda kv: int(kv[0]))),
        "totals_by_payer": dict(sorted(by_payer.items())),
        "clauses": clauses,
        "gates": gates,
        "alternatives": alternatives,
        "alternatives_truncated": derived.alternatives_truncated,
        "alternatives_count": derived.alternatives_count,
        "alternative_groups": alternative_groups,
        "advisories": advisories,
        "other_support": other_support,
        "interpretations": list(derived.interpretations),
        "readings": describe_all(derived.interpretations, fill),
        "parameters": {
            name: {**value_as_data(p), "article": p.article, "since": p.since.isoformat()}
            for name, p in sorted(params.items())
        },
        "provenance": {
            "package": f"pinggu-asp {__version__}",
            "clingo": clingo.__version__,
            "rules_sha256": ruleset.sha256,
            "parameters_sha256": ruleset.parameters.sha256,
            "parameters_source": ruleset.parameters.source.rsplit("/", 1)[-1],
            "declaration_sha256": hashlib.sha256(canonical_declaration(decl).encode()).hexdigest(),
        },
    }


def dumps(result: dict[str, Any]) -> str:
    return json.dumps(result, ensure_ascii=False, indent=2) + "\n"


def dumps_line(result: dict[str, Any]) -> str:
    """The same document on one line, for JSON Lines (no trailing newline)."""
    return json.dumps(result, ensure_ascii=False, separators=(",", ":"))

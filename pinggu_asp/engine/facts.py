"""The one module that turns a declaration and parameters into clingo symbols.

Declared text (names, ids, notes, policies) travels only as ``clingo.String``
arguments; predicate and constant names come from the fixed vocabulary below,
never from the declaration. Nothing here is parsed as program text, so no
declared string can add a rule (see tests/test_injection.py).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from math import gcd

from clingo import Function, Number, String, Symbol
from clingo.ast import AST, parse_string

from ..declaration import Declaration
from ..money import fen_to_limbs, yuan_to_fen
from ..policy.parameters import Parameter

TRUE = Function("true")
FALSE = Function("false")

# Every constant a fact may carry, keyed by its declared spelling. Enum values
# are validated by the model already; this table is the second lock.
_CONSTANTS = {
    name: Function(name)
    for name in (
        "registered_in_pinggu operating_in_pinggu manufacturing_finding strategic_fit stable_in_beijing "
        "related_output_abnormal credit_good leading_recognized "
        "central_kitchen pharma auto_parts synthetic_biology "
        "major_administrative criminal "
        "beijing_advanced_smart_factory national_smart_benchmark national_smart_demo_factory "
        "excellence_smart_factory leading_smart_factory wef_lighthouse emission_grade beijing_green_factory "
        "national_green_factory beijing_service_integration_pilot "
        "innovative_drug improved_drug generic_drug tcm_classical_formula class3_device class2_device vet_drug "
        "first_time production_license industrialized global_first ai emergency "
        "nev_oem nev_tier1 other counterparty_in_pinggu counterparty_affiliated "
        "group local industry national international "
        "production industrial_real_estate data_center tech_transfer in_pinggu "
        "received eligible smart emission green integration "
        "output_growth breakthrough new_plant first_5m growth beijing_advanced lighthouse emission_a emission_b "
        "emission_c green_beijing green_national integration_pilot procurement standard innovative_drug "
        "improved_drug generic_drug tcm_classical class3_device class2_device vet_drug leading_enterprise "
        "oem_orders synbio_project"
    ).split()
}


# Symbols are immutable; making one is a call into clingo, a cached one a
# dictionary look-up. Limbs, years, indexes and dates repeat across a batch.
number = lru_cache(maxsize=1 << 16)(Number)


def const(name: str) -> Symbol:
    try:
        return _CONSTANTS[name]
    except KeyError:
        raise ValueError(f"{name!r} is not in the fact vocabulary") from None


def boolean(value: bool) -> Symbol:
    return TRUE if value else FALSE


def date_number(day: dt.date) -> Symbol:
    """Dates as YYYYMMDD integers: they fit 32 bits and compare as dates do."""
    return number(day.year * 10000 + day.month * 100 + day.day)


def money(fen: int) -> Symbol:
    return Function("", [number(limb) for limb in fen_to_limbs(fen)])


def clause_symbol(clause_id: str) -> Symbol:
    # The model accepts only the clauses the rules define (model.clause_ids, from clause_article/2),
    # so a new clause needs no entry in _CONSTANTS; the symbol API keeps the name data either way.
    article, name = clause_id.split(".")
    return Function(article, [Function(name)])


def basis_symbol(basis: str) -> Symbol:
    """'rating:smart:2025' -> rating(smart,2025); ids stay strings: 'approval:a-1' -> approval("a-1")."""
    head, _, rest = basis.partition(":")
    if head in ("output", "rd"):
        return Function(head, [number(int(rest))])
    if head in ("rating", "procurement"):
        kind, _, year = rest.partition(":")
        return Function(head, [const(kind), number(int(year))])
    if head in ("approval", "standard", "investment"):
        return Function(head, [String(rest)])
    raise ValueError(f"unknown basis {basis!r}")


def _fact(name: str, *args: Symbol) -> Symbol:
    return Function(name, list(args))


# Facts that recur across a batch (a year, a date, a flag of the enterprise, a
# sector) are made once: each new Symbol is a call into clingo, a cached one a
# dictionary look-up. Keys are the facts' Python values; the Symbols are still
# clingo's (Number, String, the vocabulary's constants).
@lru_cache(maxsize=1 << 14)
def _unary_number(name: str, value: int) -> Symbol:
    """``name(value)``: a fact (``support_year(2025)``) or a money key (``output(2024)``)."""
    return Function(name, [number(value)])


@lru_cache(maxsize=1 << 10)
def _constant_fact(name: str, *constants: str) -> Symbol:
    return Function(name, [const(c) for c in constants])


@lru_cache(maxsize=1 << 10)
def _enterprise_fact(attr: str, value: bool) -> Symbol:
    return Function("enterprise", [const(attr), boolean(value)])


@lru_cache(maxsize=1 << 10)
def _string_fact(name: str, text: str) -> Symbol:
    return Function(name, [String(text)])


# Declared ids ("o-1", "a-2") recur from one declaration to the next, and so do the
# facts about them (a flag of an approval, a year an order was supported): each is
# made once per process, keyed by its Python values. The text is still clingo's
# String; only the call into clingo is saved. Only ids and grades go through these
# caches (at most 200 characters each, by the model), never free text, so they stay small.
_string = lru_cache(maxsize=1 << 14)(String)


@lru_cache(maxsize=1 << 14)
def _item(name: str, item: str) -> Symbol:
    return Function(name, [_string(item)])


@lru_cache(maxsize=1 << 14)
def _item_flag(name: str, item: str, flag: str, value: bool) -> Symbol:
    """``name("id", flag, true)``: a yes/no fact of a declared item."""
    return Function(name, [_string(item), const(flag), boolean(value)])


@lru_cache(maxsize=1 << 14)
def _item_constant(name: str, item: str, constant: str) -> Symbol:
    return Function(name, [_string(item), const(constant)])


@lru_cache(maxsize=1 << 14)
def _item_bool(name: str, item: str, value: bool) -> Symbol:
    return Function(name, [_string(item), boolean(value)])


@lru_cache(maxsize=1 << 14)
def _item_number(name: str, item: str, value: int) -> Symbol:
    return Function(name, [_string(item), number(value)])


@lru_cache(maxsize=1 << 14)
def _val(key: Symbol, fen: int) -> tuple[Symbol, ...]:
    # declared/2 lets rules ask whether a fact was given without depending on
    # val/2, which derived amounts extend (see asp_rules/README.md, grounding).
    # val/2 of a declared amount is money.lp's to derive from it: a rule makes
    # the atom in a fraction of what grounding (and parsing) a fact of its own costs.
    # Made once per key and amount: boundary figures and repeated records recur.
    return (_fact("declared", key, money(fen)),)


# The parameters in force change only with a reform's date, so a batch meets a
# few distinct sets, each on many declaration dates: their facts are built once
# per set's content, not once per date (about a third of the facts' time before).
_PARAMETER_FACTS_CACHE: dict[tuple[tuple[str, str, object], ...], tuple[Symbol, ...]] = {}
_PARAMETER_FACTS_CACHE_SIZE = 256


def parameter_facts(params: dict[str, Parameter]) -> tuple[Symbol, ...]:
    """The parameters' facts; equal parameters give the very same tuple (``group_text`` then adds it once)."""
    key = tuple((name, params[name].kind, params[name].value) for name in sorted(params))
    try:
        return _PARAMETER_FACTS_CACHE[key]
    except KeyError:
        pass
    except TypeError:  # a value that cannot be a key: built every time
        return tuple(_parameter_facts(params))
    facts = tuple(_parameter_facts(params))
    if len(_PARAMETER_FACTS_CACHE) >= _PARAMETER_FACTS_CACHE_SIZE:
        _PARAMETER_FACTS_CACHE.clear()
    _PARAMETER_FACTS_CACHE[key] = facts
    return facts


def _parameter_facts(params: dict[str, Parameter]) -> Iterator[Symbol]:
    for name in sorted(params):
        p = params[name]
        key = Function(name)
        if p.kind == "money":
            yield _fact("param_money", key, money(p.value))
        elif p.kind == "rate":
            yield _fact("param_rate", key, number(p.value[0]), number(p.value[1]))
        elif p.kind == "date":
            yield _fact("param_date", key, date_number(p.value))
        else:
            yield _fact("param_int", key, number(p.value))


def weight_unit(decl: Declaration, params: dict[str, Parameter]) -> int:
    """The optimisation weight unit in fen: the largest that measures every candidate exactly.

    The measure's awards are whole multiples of the Art 17 rounding unit; a
    competing policy's amount may be any number of fen. Weights must each fit
    32 bits (clasp adds them in 64 bits), and money.lp refuses any that do not.
    """
    unit = params["art17_round_unit"].value
    for support in decl.other_pinggu_support:
        if support.status.value == "eligible":
            unit = gcd(unit, yuan_to_fen(support.amount))
    return max(unit, 1)


def declaration_facts(decl: Declaration, params: dict[str, Parameter]) -> Iterator[Symbol]:
    """Every fact of one declaration alone, the parameters in force included (an ungrouped program reads these)."""
    yield from parameter_facts(params)
    yield from member_facts(decl, params)


def member_facts(decl: Declaration, params: dict[str, Parameter]) -> Iterator[Symbol]:
    """The declaration's own facts: ``declaration_facts`` less the parameters, which a group shares."""
    yield _unary_number("weight_unit", weight_unit(decl, params))
    yield _unary_number("support_year", decl.support_year)
    day = decl.declaration_date
    yield _unary_number("declaration_date", day.year * 10000 + day.month * 100 + day.day)

    ent = decl.enterprise
    for attr in (
        "registered_in_pinggu",
        "operating_in_pinggu",
        "manufacturing_finding",
        "strategic_fit",
        "stable_in_beijing",
        "related_output_abnormal",
        "credit_good",
        "leading_recognized",
    ):
        value = getattr(ent, attr)
        if value is not None:
            yield _enterprise_fact(attr, value)
    code = ent.industry_code
    section = code[0] if code[0].isalpha() else ""
    digits = code[1:] if section else code
    yield _string_fact("industry_code", code)
    yield _string_fact("industry_section", section)
    yield _unary_number("industry_division", int(digits[:2]))
    yield _string_fact("locality", ent.locality)
    for sector in sorted({s.value for s in ent.sectors}):
        yield _constant_fact("sector", sector)
    if ent.commissioned_year is not None:
        yield _unary_number("commissioned_year", ent.commissioned_year)

    for record in decl.annual:
        yield _unary_number("annual", record.year)
        for field, key in (("gross_output", "output"), ("rd_expense", "rd"), ("rd_expense_pinggu", "rd_pinggu")):
            amount = getattr(record, field)
            if amount is not None:
                yield from _val(_unary_number(key, record.year), yuan_to_fen(amount))

    for index, penalty in enumerate(decl.penalties):
        yield _fact("penalty", number(index), const(penalty.kind.value), date_number(penalty.date))
    for index, finding in enumerate(decl.fraud_findings):
        yield _fact("fraud_finding", number(index), date_number(finding.date))

    for rating in decl.ratings:
        rid = _string(rating.id)
        yield _fact("rating", rid, const(rating.kind.value), date_number(rating.date))
        if rating.grade is not None:
            yield _fact("rating_grade", rid, _string(rating.grade.value))
        if rating.previous_grade is not None:
            yield _fact("rating_previous_grade", rid, _string(rating.previous_grade.value))

    for approval in decl.approvals:
        aid = _string(approval.id)
        yield _fact("approval", aid, const(approval.kind.value), date_number(approval.date))
        for flag in ("first_time", "production_license", "industrialized", "global_first", "ai", "emergency"):
            value = getattr(approval, flag)
            if value is not None:
                yield _item_flag("approval_flag", approval.id, flag, value)
        if approval.vet_class is not None:
            yield _item_number("approval_vet_class", approval.id, approval.vet_class)

    for order in decl.orders:
        oid = _string(order.id)
        yield _fact("order", oid, const(order.program.value), date_number(order.signed_date))
        if order.counterparty_kind is not None:
            yield _item_constant("order_counterparty_kind", order.id, order.counterparty_kind.value)
        for flag in ("counterparty_in_pinggu", "counterparty_affiliated"):
            value = getattr(order, flag)
            if value is not None:
                yield _item_flag("order_flag", order.id, flag, value)
        for year, amount in sorted(order.executed.items()):
            yield from _val(_item_number("executed", order.id, year), yuan_to_fen(amount))
        for year in sorted(set(order.supported_years)):
            yield _item_number("order_supported", order.id, year)

    for standard in decl.standards:
        sid = _string(standard.id)
        yield _fact(
            "standard", sid, String(standard.field), const(standard.level.value), date_number(standard.implemented_date)
        )
        yield _item_bool("standard_lead_drafter", standard.id, standard.lead_drafter)

    for project in decl.investment_projects:
        pid = _string(project.id)
        yield _fact("project", pid, String(project.field), const(project.kind.value))
        yield _item_flag("project_flag", project.id, "tech_transfer", project.tech_transfer)
        yield _item_flag("project_flag", project.id, "in_pinggu", project.in_pinggu)
        yield from _val(_item("investment", project.id), yuan_to_fen(project.fixed_asset_investment))
        if project.commissioned_date is not None:
            yield _fact("project_commissioned", pid, date_number(project.commissioned_date))
        for year, amount in sorted(project.output.items()):
            yield from _val(_item_number("project_output", project.id, year), yuan_to_fen(amount))

    for index, support in enumerate(decl.other_pinggu_support):
        yield _fact(
            "other_support",
            number(index),
            basis_symbol(support.basis),
            String(support.policy),
            const(support.status.value),
        )
        yield from _val(_unary_number("other_support", index), yuan_to_fen(support.amount))

    for index, prior in enumerate(decl.prior_awards):
        yield _fact(
            "prior_award", number(index), clause_symbol(prior.clause), basis_symbol(prior.basis), number(prior.year)
        )
        yield from _val(_unary_number("prior_award", index), yuan_to_fen(prior.amount))


# The parameters' predicates: a group adds each distinct set of parameters in
# force once, and ties each member to its set (grouping.py rewrites the rules
# to read them so). grouping.PARAMETER_FACTS names the same predicates.
_PARAMETER_NAMES = frozenset({"param_money", "param_rate", "param_date", "param_int"})


@dataclass(frozen=True)
class MemberFacts:
    """One member's facts: the parameters in force, and the declaration's own (``member_facts``).

    Members given the very same ``parameters`` tuple share one parameter set in
    the group; its facts are rendered once.
    """

    parameters: tuple[Symbol, ...]
    own: Iterable[Symbol]


# Rendering one Symbol per fact costs more than clingo's parsing of the text:
# a member's facts are rendered in one call, as one tuple with a marker between
# facts, and cut at the markers. Declared text is only ever inside a quoted
# string, where clingo escapes every quote and backslash, so outside the
# strings the marker is only ever the marker.
_MARK = "fact__"
_MARK_SYMBOL = Function(_MARK)
_STRING = re.compile(r'("(?:[^"\\]|\\.)*")', re.DOTALL)
_BOUNDARY = re.compile(r",fact__,([a-z][A-Za-z0-9_]*)\(")


def _render(facts: Iterable[Symbol], first: str, names: set[str]) -> str:
    """``facts`` as program text, each with ``first`` as its first argument; the names met go to ``names``."""
    marked: list[Symbol] = [_MARK_SYMBOL]
    for fact in facts:
        marked.append(fact)
        marked.append(_MARK_SYMBOL)
    if len(marked) == 1:
        return ""
    text = "," + str(Function("", marked))[1:-1] + ","  # ",fact__,f1,fact__,f2,fact__,"

    def boundary(match: re.Match[str]) -> str:
        names.add(match[1])
        return f".\n{match[1]}({first},"

    parts = _STRING.split(text)
    cuts = 0
    for i in range(0, len(parts), 2):  # outside the strings
        parts[i], n = _BOUNDARY.subn(boundary, parts[i])
        cuts += n
    out = "".join(parts)
    if cuts != len(marked) // 2 or not out.endswith(",fact__,"):
        raise ValueError("a fact that is not a predicate with arguments")
    return out[2 : -len(",fact__,")] + "."


# Per parameter tuple (``parameter_facts`` gives equal parameters the very same tuple; held here, so its id
# stays its own): its facts' text, which tells equal sets apart in a group, and per set number its facts
# rendered, the names met, and the same facts parsed (``group_text``'s ``apart``). A lone check, a what-if
# variant or a small service group meets the same parameters each time: about 0.5 ms of rendering and
# 0.4 ms of clingo's parsing a variant.
@dataclass
class _Rendered:
    text: str  # the facts, their first argument the set's number
    names: frozenset[str]  # the predicate names they hold
    parsed: tuple[AST, ...] | None = None  # the text parsed, once it is asked for (``_parsed``)


_PARAMETER_TEXT: dict[int, tuple[tuple[Symbol, ...], tuple[str, ...], dict[str, _Rendered]]] = {}
_PARAMETER_TEXT_LIMIT = 64


def _parameter_text(parameters: tuple[Symbol, ...]) -> tuple[tuple[str, ...], dict[str, _Rendered]]:
    held = _PARAMETER_TEXT.get(id(parameters))
    if held is None or held[0] is not parameters:
        held = (parameters, tuple(str(fact) for fact in parameters), {})
        if len(_PARAMETER_TEXT) >= _PARAMETER_TEXT_LIMIT:
            _PARAMETER_TEXT.clear()
        _PARAMETER_TEXT[id(parameters)] = held
    return held[1], held[2]


def _rendered_parameters(parameters: tuple[Symbol, ...], first: str) -> _Rendered:
    rendered = _parameter_text(parameters)[1]
    held = rendered.get(first)
    if held is None:
        met: set[str] = set()
        held = rendered[first] = _Rendered(_render(parameters, first, met), frozenset(met))
    return held


def _parsed(held: _Rendered) -> tuple[AST, ...]:
    """The rendered facts parsed once (clingo's parser, the text being clingo's rendering of Symbols)."""
    if held.parsed is None:
        statements: list[AST] = []
        parse_string(held.text, statements.append)
        held.parsed = tuple(statements)
    return held.parsed


def group_text(
    members: Iterable[MemberFacts | Iterable[Symbol]],
    member_name: str,
    parameters_name: str,
    set_name: str,
    apart: list[tuple[AST, ...]] | None = None,
) -> tuple[str, set[str]]:
    """A group's facts as one program text, parsed once by ``Control.add``; and the predicate names it holds.

    Every fact is clingo's own rendering of its Symbol, so clingo does all the
    quoting of declared text; the only text added here is the member's number
    (or its parameter set's) as a first argument, put right after the
    predicate's name, where clingo's rendering of a Symbol puts its first
    "(". The parameters' facts are added once per set of parameters. With
    ``apart``, each set's facts go there instead, as the statements its text
    parses to (parsed once per parameters and set number, for a ProgramBuilder).
    """
    lines: list[str] = []
    names: set[str] = set()
    sets: dict[int, tuple[tuple[Symbol, ...], int]] = {}
    by_content: dict[tuple[str, ...], int] = {}
    for index, member in enumerate(members):
        e = str(index)
        lines.append(f"{member_name}({e}).")
        if isinstance(member, MemberFacts):
            parameters, own = member.parameters, member.own
        else:  # any mix of facts: the parameters' are picked out by name, a set per member
            parameters, own = _split(member)
        known = sets.get(id(parameters))
        if known is not None and known[0] is parameters:
            number = known[1]
        else:
            key = _parameter_text(parameters)[0]
            number = by_content.get(key, len(by_content))
            if number == len(by_content):
                by_content[key] = number
                lines.append(f"{set_name}({number}).")
                held = _rendered_parameters(parameters, str(number))
                names |= held.names
                if apart is None:
                    lines.append(held.text)
                else:
                    apart.append(_parsed(held))
            sets[id(parameters)] = (parameters, number)  # the tuple held, so its id stays its own
        lines.append(f"{parameters_name}({e},{number}).")
        lines.append(_render(own, e, names))
    return "\n".join(line for line in lines if line), names


def _split(facts: Iterable[Symbol]) -> tuple[tuple[Symbol, ...], list[Symbol]]:
    parameters: list[Symbol] = []
    own: list[Symbol] = []
    for fact in facts:
        (parameters if fact.name in _PARAMETER_NAMES else own).append(fact)
    return tuple(parameters), own

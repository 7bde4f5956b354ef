"""The one module that turns a declaration and parameters into clingo symbols.

Declared text (names, ids, notes, policies) travels only as ``clingo.String``
arguments; predicate and constant names come from the fixed vocabulary below,
never from the declaration. Nothing here is parsed as program text, so no
declared string can add a rule (see tests/test_injection.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from math import gcd

from clingo import Function, Number, String, Symbol

from .model import Declaration
from .money import fen_to_limbs, yuan_to_fen
from .parameters import Parameter

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


def const(name: str) -> Symbol:
    try:
        return _CONSTANTS[name]
    except KeyError:
        raise ValueError(f"{name!r} is not in the fact vocabulary") from None


def boolean(value: bool) -> Symbol:
    return TRUE if value else FALSE


def date_number(day: dt.date) -> Symbol:
    """Dates as YYYYMMDD integers: they fit 32 bits and compare as dates do."""
    return Number(day.year * 10000 + day.month * 100 + day.day)


def money(fen: int) -> Symbol:
    return Function("", [Number(limb) for limb in fen_to_limbs(fen)])


def clause_symbol(clause_id: str) -> Symbol:
    article, name = clause_id.split(".")
    return Function(article, [const(name)])


def basis_symbol(basis: str) -> Symbol:
    """'rating:smart:2025' -> rating(smart,2025); ids stay strings: 'approval:a-1' -> approval("a-1")."""
    head, _, rest = basis.partition(":")
    if head in ("output", "rd"):
        return Function(head, [Number(int(rest))])
    if head in ("rating", "procurement"):
        kind, _, year = rest.partition(":")
        return Function(head, [const(kind), Number(int(year))])
    if head in ("approval", "standard", "investment"):
        return Function(head, [String(rest)])
    raise ValueError(f"unknown basis {basis!r}")


def _fact(name: str, *args: Symbol) -> Symbol:
    return Function(name, list(args))


def _val(key: Symbol, fen: int) -> Iterator[Symbol]:
    # declared/1 lets rules ask whether a fact was given without depending on
    # val/2, which derived amounts extend (see asp_rules/README.md, grounding).
    value = money(fen)
    yield _fact("val", key, value)
    yield _fact("declared", key, value)


def parameter_facts(params: dict[str, Parameter]) -> Iterator[Symbol]:
    for name in sorted(params):
        p = params[name]
        key = Function(name)
        if p.kind == "money":
            yield _fact("param_money", key, money(p.value))
        elif p.kind == "rate":
            yield _fact("param_rate", key, Number(p.value[0]), Number(p.value[1]))
        elif p.kind == "date":
            yield _fact("param_date", key, date_number(p.value))
        else:
            yield _fact("param_int", key, Number(p.value))


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
    yield from parameter_facts(params)
    yield _fact("weight_unit", Number(weight_unit(decl, params)))
    yield _fact("support_year", Number(decl.support_year))
    yield _fact("declaration_date", date_number(decl.declaration_date))

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
            yield _fact("enterprise", const(attr), boolean(value))
    code = ent.industry_code
    section = code[0] if code[0].isalpha() else ""
    digits = code[1:] if section else code
    yield _fact("industry_code", String(code))
    yield _fact("industry_section", String(section))
    yield _fact("industry_division", Number(int(digits[:2])))
    yield _fact("locality", String(ent.locality))
    for sector in sorted({s.value for s in ent.sectors}):
        yield _fact("sector", const(sector))
    if ent.commissioned_year is not None:
        yield _fact("commissioned_year", Number(ent.commissioned_year))

    for record in decl.annual:
        year_symbol = Number(record.year)
        yield _fact("annual", year_symbol)
        for field, key in (("gross_output", "output"), ("rd_expense", "rd"), ("rd_expense_pinggu", "rd_pinggu")):
            amount = getattr(record, field)
            if amount is not None:
                yield from _val(Function(key, [year_symbol]), yuan_to_fen(amount))

    for index, penalty in enumerate(decl.penalties):
        yield _fact("penalty", Number(index), const(penalty.kind.value), date_number(penalty.date))
    for index, finding in enumerate(decl.fraud_findings):
        yield _fact("fraud_finding", Number(index), date_number(finding.date))

    for rating in decl.ratings:
        rid = String(rating.id)
        yield _fact("rating", rid, const(rating.kind.value), date_number(rating.date))
        if rating.grade is not None:
            yield _fact("rating_grade", rid, String(rating.grade.value))
        if rating.previous_grade is not None:
            yield _fact("rating_previous_grade", rid, String(rating.previous_grade.value))
        if rating.subject is not None:
            yield _fact("rating_subject", rid, String(rating.subject))

    for approval in decl.approvals:
        aid = String(approval.id)
        yield _fact("approval", aid, const(approval.kind.value), date_number(approval.date))
        for flag in ("first_time", "production_license", "industrialized", "global_first", "ai", "emergency"):
            value = getattr(approval, flag)
            if value is not None:
                yield _fact("approval_flag", aid, const(flag), boolean(value))
        if approval.vet_class is not None:
            yield _fact("approval_vet_class", aid, Number(approval.vet_class))

    for order in decl.orders:
        oid = String(order.id)
        yield _fact("order", oid, const(order.program.value), date_number(order.signed_date))
        yield _fact("order_counterparty", oid, String(order.counterparty))
        if order.counterparty_kind is not None:
            yield _fact("order_counterparty_kind", oid, const(order.counterparty_kind.value))
        for flag in ("counterparty_in_pinggu", "counterparty_affiliated"):
            value = getattr(order, flag)
            if value is not None:
                yield _fact("order_flag", oid, const(flag), boolean(value))
        for year, amount in sorted(order.executed.items()):
            yield from _val(Function("executed", [oid, Number(year)]), yuan_to_fen(amount))
        for year in sorted(set(order.supported_years)):
            yield _fact("order_supported", oid, Number(year))

    for standard in decl.standards:
        sid = String(standard.id)
        yield _fact(
            "standard", sid, String(standard.field), const(standard.level.value), date_number(standard.implemented_date)
        )
        yield _fact("standard_lead_drafter", sid, boolean(standard.lead_drafter))

    for project in decl.investment_projects:
        pid = String(project.id)
        yield _fact("project", pid, String(project.field), const(project.kind.value))
        yield _fact("project_flag", pid, const("tech_transfer"), boolean(project.tech_transfer))
        yield _fact("project_flag", pid, const("in_pinggu"), boolean(project.in_pinggu))
        yield from _val(Function("investment", [pid]), yuan_to_fen(project.fixed_asset_investment))
        if project.commissioned_date is not None:
            yield _fact("project_commissioned", pid, date_number(project.commissioned_date))
        for year, amount in sorted(project.output.items()):
            yield from _val(Function("project_output", [pid, Number(year)]), yuan_to_fen(amount))

    for index, support in enumerate(decl.other_pinggu_support):
        yield _fact(
            "other_support",
            Number(index),
            basis_symbol(support.basis),
            String(support.policy),
            const(support.status.value),
        )
        yield from _val(Function("other_support", [Number(index)]), yuan_to_fen(support.amount))

    for index, prior in enumerate(decl.prior_awards):
        yield _fact(
            "prior_award", Number(index), clause_symbol(prior.clause.value), basis_symbol(prior.basis), Number(prior.year)
        )
        yield from _val(Function("prior_award", [Number(index)]), yuan_to_fen(prior.amount))

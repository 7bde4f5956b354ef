"""The declaration model, ``pinggu-declaration/1`` (SPEC.md §6).

Pydantic models are the only way a declaration gets in. They are strict:
unknown fields, wrong types, negative or over-precise money, impossible
dates and duplicate ids are errors that name the field.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Sequence
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    GetPydanticSchema,
    StrictBool,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .money import MoneyError, parse_yuan
from .safe_text import field_text, shown

SCHEMA = "pinggu-declaration/1"


def _money(value: object) -> Decimal:
    try:
        return parse_yuan(value)
    except MoneyError as exc:
        raise PydanticCustomError("money", str(exc)) from None


# ASCII digits only: Python's \d, int() and date parsing also take Arabic-Indic or
# full-width digits ("٢٠٢٥", "２０２５"), which a declaration must not silently mean.
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_YEAR = re.compile(r"[0-9]{4}")


def _date(value: object) -> dt.date:
    # YAML gives strings for dates (its loader resolves no timestamps), JSON too;
    # pydantic's lax mode would also take a Unix timestamp, which is not a date.
    if isinstance(value, dt.datetime):
        raise PydanticCustomError("date", "must be a date (YYYY-MM-DD), not a date and time")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise PydanticCustomError("date", "is not a real calendar date: {value}", {"value": value.strip()}) from None
    # pydantic fills "{value}" only (no conversions), so the bounded repr is made here.
    raise PydanticCustomError("date", "must be a date written YYYY-MM-DD (got {value})", {"value": shown(value)})


def _year(value: object) -> int:
    if isinstance(value, bool):
        raise PydanticCustomError("year", "must be a four-digit year")
    if isinstance(value, str) and _YEAR.fullmatch(value):
        value = int(value)
    if not isinstance(value, int) or not 1900 <= value <= 2100:
        raise PydanticCustomError(
            "year", "must be a four-digit year between 1900 and 2100 (got {value})", {"value": shown(value)}
        )
    return value


Money = Annotated[Decimal, BeforeValidator(_money)]
Date = Annotated[dt.date, BeforeValidator(_date)]
Year = Annotated[int, BeforeValidator(_year)]
Text = Annotated[str, Field(strict=True, max_length=2000)]
Id = Annotated[str, Field(strict=True, min_length=1, max_length=200)]

_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def _credit_code(value: str) -> str:
    """GB 32100-2015: 18 characters, the last a check character over the first 17."""
    if len(value) != 18 or any(ch not in _CREDIT_CHARS for ch in value):
        raise PydanticCustomError(
            "credit_code", "must be 18 characters of 0-9 and A-Y without I, O, S, V, Z (GB 32100)"
        )
    total = sum(_CREDIT_CHARS.index(ch) * w for ch, w in zip(value[:17], _CREDIT_WEIGHTS, strict=False))
    expected = _CREDIT_CHARS[(31 - total % 31) % 31]
    if value[17] != expected:
        raise PydanticCustomError(
            "credit_code",
            "check character is {got}, but GB 32100 gives {expected} for the first 17 characters",
            {"got": value[17], "expected": expected},
        )
    return value


def _year_map(value: object) -> dict[int, Any]:
    if not isinstance(value, dict):
        raise PydanticCustomError("year_map", "must be a map from year to amount, e.g. {2025: 26000000}")
    out: dict[int, Any] = {}
    for key, amount in value.items():
        year = _year(key)
        if year in out:
            raise PydanticCustomError("year_map", "year {year} is given twice", {"year": year})
        out[year] = amount
    return out


YearMoney = Annotated[dict[int, Money], BeforeValidator(_year_map)]

# The first model pydantic builds makes it look for plugins: it imports importlib.metadata and
# reads the entry points of every installed package, about 60 ms of a cold `pinggu-asp check`.
# These models use no plugin, so they are built with plugins off (as typer builds its own
# adapters); the setting is put back after the last model, below Declaration.
_PLUGINS_SETTING = os.environ.get("PYDANTIC_DISABLE_PLUGINS")
os.environ["PYDANTIC_DISABLE_PLUGINS"] = "1"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class Sector(str, Enum):
    central_kitchen = "central_kitchen"
    pharma = "pharma"
    auto_parts = "auto_parts"
    synthetic_biology = "synthetic_biology"


class Enterprise(_Strict):
    credit_code: Annotated[str, Field(strict=True), AfterValidator(_credit_code)]
    name: Text
    registered_in_pinggu: StrictBool
    operating_in_pinggu: StrictBool
    industry_code: Annotated[str, Field(strict=True, pattern=r"^[A-T]?[0-9]{2,4}$")]
    manufacturing_finding: StrictBool | None = None
    strategic_fit: StrictBool
    stable_in_beijing: StrictBool
    related_output_abnormal: StrictBool
    credit_good: StrictBool
    locality: Text
    sectors: list[Sector] = []
    commissioned_year: Year | None = None
    leading_recognized: StrictBool | None = None


class AnnualRecord(_Strict):
    year: Year
    # Optional beyond the example: a missing figure makes the conditions that
    # need it `unknown` (SPEC §0.5) rather than rejecting the declaration.
    gross_output: Money | None = None
    rd_expense: Money | None = None
    rd_expense_pinggu: Money | None = None


class PenaltyKind(str, Enum):
    major_administrative = "major_administrative"
    criminal = "criminal"


class Penalty(_Strict):
    date: Date
    kind: PenaltyKind
    note: Text | None = None


class FraudFinding(_Strict):
    date: Date
    note: Text | None = None


class RatingKind(str, Enum):
    beijing_advanced_smart_factory = "beijing_advanced_smart_factory"
    national_smart_benchmark = "national_smart_benchmark"
    national_smart_demo_factory = "national_smart_demo_factory"
    excellence_smart_factory = "excellence_smart_factory"
    leading_smart_factory = "leading_smart_factory"
    wef_lighthouse = "wef_lighthouse"
    emission_grade = "emission_grade"
    beijing_green_factory = "beijing_green_factory"
    national_green_factory = "national_green_factory"
    beijing_service_integration_pilot = "beijing_service_integration_pilot"


class EmissionGrade(str, Enum):
    leading = "leading"
    A = "A"
    B = "B"
    C = "C"
    D = "D"
    none = "none"


class Rating(_Strict):
    id: Id
    kind: RatingKind
    date: Date
    grade: EmissionGrade | None = None
    previous_grade: EmissionGrade | None = None
    subject: Text | None = None

    @model_validator(mode="after")
    def _grades_only_for_emission(self) -> Rating:
        if self.kind is RatingKind.emission_grade:
            if self.grade is None:
                raise PydanticCustomError("grade", "grade: an emission_grade rating needs its grade")
        elif self.grade is not None or self.previous_grade is not None:
            raise PydanticCustomError("grade", "grade: only an emission_grade rating has grades")
        return self


class ApprovalKind(str, Enum):
    innovative_drug = "innovative_drug"
    improved_drug = "improved_drug"
    generic_drug = "generic_drug"
    tcm_classical_formula = "tcm_classical_formula"
    class3_device = "class3_device"
    class2_device = "class2_device"
    vet_drug = "vet_drug"


class Approval(_Strict):
    id: Id
    kind: ApprovalKind
    date: Date
    first_time: StrictBool | None = None
    production_license: StrictBool | None = None
    industrialized: StrictBool | None = None
    global_first: StrictBool | None = None
    ai: StrictBool | None = None
    emergency: StrictBool | None = None
    vet_class: Literal[1, 2, 3] | None = None


class Program(str, Enum):
    central_kitchen = "central_kitchen"
    auto_parts = "auto_parts"


class CounterpartyKind(str, Enum):
    nev_oem = "nev_oem"
    nev_tier1 = "nev_tier1"
    other = "other"


class Order(_Strict):
    id: Id
    program: Program
    counterparty: Text
    counterparty_kind: CounterpartyKind | None = None
    counterparty_in_pinggu: StrictBool | None = None
    counterparty_affiliated: StrictBool | None = None
    signed_date: Date
    executed: YearMoney
    supported_years: list[Year] = []

    @model_validator(mode="after")
    def _program_fields(self) -> Order:
        # SPEC §3.2: these fields are required for their program.
        if self.program is Program.auto_parts and self.counterparty_kind is None:
            raise PydanticCustomError(
                "order", "counterparty_kind: an auto_parts order (Art 12) must say nev_oem, nev_tier1 or other"
            )
        if self.program is Program.central_kitchen:
            missing = [
                name
                for name in ("counterparty_in_pinggu", "counterparty_affiliated")
                if getattr(self, name) is None
            ]
            if missing:
                raise PydanticCustomError(
                    "order", "{fields}: a central_kitchen order (Art 9) must declare it", {"fields": ", ".join(missing)}
                )
        return self


class StandardLevel(str, Enum):
    group = "group"
    local = "local"
    industry = "industry"
    national = "national"
    international = "international"


class Standard(_Strict):
    id: Id
    field: Text
    level: StandardLevel
    lead_drafter: StrictBool
    implemented_date: Date


class ProjectKind(str, Enum):
    production = "production"
    industrial_real_estate = "industrial_real_estate"
    data_center = "data_center"


class InvestmentProject(_Strict):
    id: Id
    field: Text
    tech_transfer: StrictBool
    in_pinggu: StrictBool
    kind: ProjectKind
    fixed_asset_investment: Money
    commissioned_date: Date | None = None
    output: YearMoney = {}


class SupportStatus(str, Enum):
    received = "received"
    eligible = "eligible"


# A basis key (SPEC §4.2, §6). Its year is four ASCII digits in Year's range (\d would take
# other scripts' digits); its id is any id that Id accepts, newlines and quotes included
# ("(?s:…)": "." must match a newline too), and is held as it is (facts.basis_symbol).
# Matched whole (fullmatch), so a trailing newline is never taken for the end.
_BASIS_YEAR = r"(19[0-9]{2}|20[0-9]{2}|2100)"
BASIS_PATTERN = (
    rf"(output:{_BASIS_YEAR}|rd:{_BASIS_YEAR}|rating:(smart|emission|green|integration):{_BASIS_YEAR}"
    rf"|procurement:(central_kitchen|auto_parts):{_BASIS_YEAR}|(approval|standard|investment):(?s:.{{1,200}}))"
)
_BASIS = re.compile(BASIS_PATTERN)


def _basis(value: str) -> str:
    if not _BASIS.fullmatch(value):
        # The value is not repeated: it may be long or hold control characters.
        raise PydanticCustomError(
            "basis",
            "must be a basis key: output:<year>, rd:<year>, rating:<smart|emission|green|integration>:<year>, "
            "procurement:<central_kitchen|auto_parts>:<year>, or approval:<id>, standard:<id>, investment:<id> "
            "(a year 1900-2100 in ASCII digits; an id of 1 to 200 characters)",
        )
    return value


Basis = Annotated[str, Field(strict=True, max_length=300), AfterValidator(_basis)]


class OtherSupport(_Strict):
    basis: Basis
    policy: Text
    amount: Money
    status: SupportStatus


@lru_cache(maxsize=1)
def clause_ids() -> tuple[str, ...]:
    """Every clause the rules define (their clause_article/2 facts), in article order.

    Derived from the rules once, on first use (a prior award to check, a schema to
    write), so a new clause is known without a list here and importing the model grounds nothing."""
    from .analysis.catalogue import known_clauses

    return tuple(sorted(known_clauses(), key=lambda c: [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", c)]))


def _known_clause(value: str) -> str:
    known = clause_ids()
    if value not in known:
        # Worded as pydantic words an enum, so the message reads as the other fields' do.
        expected = ", ".join(repr(c) for c in known[:-1]) + f" or {known[-1]!r}"
        raise PydanticCustomError("enum", "Input should be {expected}", {"expected": expected})
    return value


def _clause_id_schema(core: Any, handler: GetJsonSchemaHandler) -> dict[str, Any]:
    return {"enum": list(clause_ids()), "title": "ClauseId", "type": "string"}


ClauseId = Annotated[
    str,
    Field(strict=True),
    AfterValidator(_known_clause),
    GetPydanticSchema(get_pydantic_json_schema=_clause_id_schema),
]


class PriorAward(_Strict):
    clause: ClauseId
    basis: Basis
    year: Year
    amount: Money


class Declaration(_Strict):
    schema_: Literal["pinggu-declaration/1"] = Field(alias="schema")
    support_year: Year
    declaration_date: Date
    enterprise: Enterprise
    annual: list[AnnualRecord]
    penalties: list[Penalty] = []
    fraud_findings: list[FraudFinding] = []
    ratings: list[Rating] = []
    approvals: list[Approval] = []
    orders: list[Order] = []
    standards: list[Standard] = []
    investment_projects: list[InvestmentProject] = []
    other_pinggu_support: list[OtherSupport] = []
    prior_awards: list[PriorAward] = []

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def annual_for(self, year: int) -> AnnualRecord | None:
        return next((record for record in self.annual if record.year == year), None)


if _PLUGINS_SETTING is None:
    del os.environ["PYDANTIC_DISABLE_PLUGINS"]
else:
    os.environ["PYDANTIC_DISABLE_PLUGINS"] = _PLUGINS_SETTING


class SemanticIssue(Exception):
    """A declaration that parses but contradicts itself; ``path`` names the field."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def _item(items: Sequence[Any], list_name: str, index: int) -> str:
    """An item as the tool names it everywhere else, ``orders[o-1]``; by its index while its id is shared."""
    ident = items[index].id
    if sum(1 for item in items if item.id == ident) == 1:
        return f"{list_name}[{field_text(ident)}]"
    return f"{list_name}[{index}]"


def semantic_issues(decl: Declaration) -> list[SemanticIssue]:
    """Checks that span fields: the support year's record, unique ids, nothing dated in the future."""
    issues: list[SemanticIssue] = []
    if decl.annual_for(decl.support_year) is None:
        issues.append(
            SemanticIssue("annual", f"there is no record for the support year {decl.support_year}")
        )
    seen_years: dict[int, int] = {}
    for index, record in enumerate(decl.annual):
        if record.year in seen_years:
            issues.append(
                SemanticIssue(f"annual[{index}].year", f"year {record.year} is also annual[{seen_years[record.year]}]")
            )
        seen_years.setdefault(record.year, index)
    for list_name in ("ratings", "approvals", "orders", "standards", "investment_projects"):
        first_at: dict[str, int] = {}
        for index, item in enumerate(getattr(decl, list_name)):
            if item.id in first_at:
                issues.append(
                    SemanticIssue(
                        f"{list_name}[{index}].id", f"duplicate id {shown(item.id)}, already used by {list_name}[{first_at[item.id]}]"
                    )
                )
            first_at.setdefault(item.id, index)
    declared = decl.declaration_date
    # Each dated item in order; its path (``_item``, a scan of its list) is spelt out only for a date
    # that is too late.
    dated: list[tuple[Sequence[Any], str, int, str, dt.date | None]] = []
    dated += [(decl.ratings, "ratings", i, "date", r.date) for i, r in enumerate(decl.ratings)]
    dated += [(decl.approvals, "approvals", i, "date", a.date) for i, a in enumerate(decl.approvals)]
    dated += [(decl.standards, "standards", i, "implemented_date", s.implemented_date)
              for i, s in enumerate(decl.standards)]
    dated += [(decl.orders, "orders", i, "signed_date", o.signed_date) for i, o in enumerate(decl.orders)]
    dated += [(decl.investment_projects, "investment_projects", i, "commissioned_date", p.commissioned_date)
              for i, p in enumerate(decl.investment_projects)]
    for items, list_name, index, field, when in dated:
        if when is not None and when > declared:
            issues.append(
                SemanticIssue(f"{_item(items, list_name, index)}.{field}",
                              f"{when.isoformat()} is after the declaration date {declared.isoformat()}: it cannot be declared yet")
            )
    return issues

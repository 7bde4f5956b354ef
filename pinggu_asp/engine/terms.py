"""Reading the program's terms back: money keys, basis keys, clause ids, values.

This module only translates symbols the rules derived into data; it decides nothing.
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache
from typing import Any

from clingo import SymbolType

from ..money import FEN_PER_YUAN, limbs_to_fen
from .symbols import Term


def text(sym: Term) -> str:
    """A symbol as plain text: strings unquoted, everything else as clingo prints it."""
    if sym.type == SymbolType.String:
        return sym.string
    return str(sym)


# Ids worked out once by term (functools' bounded cache): a result names each clause and subject
# several times, and a process meets the same few dozen clauses and many of the same subjects again.
@lru_cache(maxsize=50_000)
def clause_id(sym: Term) -> str:
    """art3(output_growth) -> 'art3.output_growth'."""
    (kind,) = sym.arguments
    return f"{sym.name}.{kind.name}"


@lru_cache(maxsize=50_000)
def basis_id(sym: Term) -> str:
    """rating(smart,2025) -> 'rating:smart:2025'; approval("a-1") -> 'approval:a-1'."""
    return ":".join([sym.name] + [text(arg) for arg in sym.arguments])


def date_text(value: int) -> str:
    return f"{value // 10000:04d}-{value // 100 % 100:02d}-{value % 100:02d}"


def limbs(sym: Term) -> int:
    return limbs_to_fen(tuple(arg.number for arg in sym.arguments))


def fen_fraction_to_json(value: Fraction) -> int | str:
    """An exact amount of fen as yuan: an integer when whole, else an exact decimal string."""
    if value.denominator == 1 and value.numerator >= 0:  # whole fen, the common case: the same text, sooner
        whole, part = divmod(value.numerator, FEN_PER_YUAN)
        return whole if part == 0 else f"{whole}.{part:02d}".rstrip("0")
    yuan = value / FEN_PER_YUAN
    if yuan.denominator == 1:
        return yuan.numerator
    den = yuan.denominator
    twos = fives = 0
    while den % 2 == 0:
        den //= 2
        twos += 1
    while den % 5 == 0:
        den //= 5
        fives += 1
    if den != 1:
        return f"{yuan.numerator}/{yuan.denominator}"
    places = max(twos, fives)
    scaled = yuan * 10**places
    whole, part = divmod(scaled.numerator, 10**places)
    return f"{whole}.{part:0{places}d}".rstrip("0").rstrip(".")


def fen_json(fen: int) -> int | str:
    """``fen_fraction_to_json`` of a whole number of fen, without making a Fraction."""
    if fen >= 0:
        whole, part = divmod(fen, FEN_PER_YUAN)
        return whole if part == 0 else f"{whole}.{part:02d}".rstrip("0")
    return fen_fraction_to_json(Fraction(fen))


class Values:
    """The money values the program computed, by key (in fen, as ``answer.Answer.values`` reads val/2)."""

    def __init__(self, fen: dict[Term, int]) -> None:
        self._fen = fen

    def fen(self, key: Term) -> int | None:
        return self._fen.get(key)

    def require(self, key: Term) -> int:
        value = self._fen.get(key)
        if value is None:
            raise KeyError(f"the program derived no value for {key}")
        return value


# Where a money key or a fact came from in the declaration (for auditors).
def source_field(key: Term) -> str | None:
    name = key.name
    args = key.arguments
    if name == "output":
        return f"annual[{args[0].number}].gross_output"
    if name == "rd":
        return f"annual[{args[0].number}].rd_expense"
    if name == "rd_pinggu":
        return f"annual[{args[0].number}].rd_expense_pinggu"
    if name == "executed":
        return f"orders[{args[0].string}].executed.{args[1].number}"
    if name == "investment":
        return f"investment_projects[{args[0].string}].fixed_asset_investment"
    if name == "project_output":
        return f"investment_projects[{args[0].string}].output.{args[1].number}"
    if name == "other_support":
        return f"other_pinggu_support[{args[0].number}].amount"
    if name == "prior_award":
        return f"prior_awards[{args[0].number}]"
    if name == "penalty" and args:
        return f"penalties[{args[0].number}]"
    if name == "fraud_finding" and args:
        return f"fraud_findings[{args[0].number}]"
    if name == "param":
        return f"parameters.{args[0].name}"
    if name == "enterprise" and args:
        return f"enterprise.{args[0].name}"
    if name in ("approval", "order", "project", "rating") and len(args) == 2:
        plural = {"approval": "approvals", "order": "orders", "project": "investment_projects", "rating": "ratings"}[name]
        return f"{plural}[{args[0].string}].{args[1].name}"
    if name == "rating" and args:
        return f"ratings[{args[0].string}]"
    if name == "commissioned_year":
        return "enterprise.commissioned_year"
    if name == "earlier_year" and len(args) == 2:
        field = {"output": "gross_output", "rd": "rd_expense"}.get(args[0].name, args[0].name)
        return f"annual[{args[1].number}].{field} (or any earlier year)"
    if name in ("declaration_date", "support_year") and not args:
        return name
    # Rules name other sources directly: field("enterprise.sectors"), or
    # item("standards", Id, "lead_drafter") for a field of one listed item.
    if name == "field" and len(args) == 1:
        return text(args[0])
    if name == "item" and len(args) in (2, 3):
        path = f"{text(args[0])}[{text(args[1])}]"
        return f"{path}.{text(args[2])}" if len(args) == 3 else path
    return None


def value_json(term: Term, values: Values) -> Any:
    """An observed or required value as plain JSON data."""
    name, args = term.name, term.arguments
    if name == "money":
        fen = values.fen(args[0])
        return None if fen is None else fen_json(fen)
    if name == "ratio":
        fen = values.fen(args[0])
        return None if fen is None else fen_fraction_to_json(Fraction(fen, args[1].number))
    if name in ("bool", "finding"):
        return args[0].name == "true"
    if name == "date":
        return date_text(args[0].number)
    if name in ("date_range", "date_range_open_start"):
        return [date_text(args[0].number), date_text(args[1].number)]
    if name in ("year_range", "int_range"):
        return [args[0].number, args[1].number]
    if name in ("year", "count", "int", "years_checked", "commissioned_in"):
        return args[0].number
    if name == "text":
        return text(args[0])
    if name == "missing":
        return None
    if name == "reached_in":
        fen = values.fen(args[1])
        return {"year": args[0].number, "yuan": None if fen is None else fen_json(fen)}
    if name == "prior_award":
        return {"prior_award": args[0].number}
    if name == "title":  # a declared rating (Arts 6-8): title(Id, Date)
        return {"rating": text(args[0]), "date": date_text(args[1].number)}
    if name == "grade_change":
        return {"previous_grade": text(args[0]), "grade": text(args[1])}
    if name == "grade_below":
        return {"previous_grade_below": text(args[0])}
    if name == "base_year":  # a growth rate's base year (SPEC §0.6): its value
        fen = values.fen(args[0])
        return None if fen is None else fen_json(fen)
    if name == "no_prior_award_of":  # 首次: no earlier award of this clause
        return {"no_prior_award_of": clause_id(args[0])}
    if name == "base_year_above_zero":
        return {"base_year_above_yuan": 0}
    if name == "none":
        return None
    if name in ("not_in", "one_of"):
        return [text(arg) for arg in args]
    return text(term)


def value_source(term: Term) -> str | None:
    name, args = term.name, term.arguments
    if name in ("money", "missing", "base_year") and args:
        return source_field(args[0])
    if name == "reached_in":
        return source_field(args[1])
    if name == "prior_award":
        return f"prior_awards[{args[0].number}]"
    if name == "title":
        return f"ratings[{args[0].string}]"
    return None


# Arithmetic on money keys, as a formula over declared fields (for auditors).
_FORMULA_BINARY = {"minus": " − ", "plus": " + ", "monus": " ∸ "}


def term_formula(term: Term) -> str | None:
    """A money term as a formula over declared fields and parameters, e.g.
    ratio(times(output(2024),105),100) -> 'annual[2024].gross_output × 105 / 100'.
    None for terms that are not money (bool, date, ...)."""
    name, args = term.name, term.arguments
    if name == "money" and args:
        return key_formula(args[0])
    if name == "ratio" and len(args) == 2:
        return f"{key_formula(args[0])} / {text(args[1])}"
    if name == "reached_in" and len(args) == 2:
        return key_formula(args[1])
    return None


def key_formula(key: Term) -> str:
    name, args = key.name, key.arguments
    if key.type != SymbolType.Function:
        return text(key)
    if name in ("times", "div", "floor_to") and len(args) == 2:
        op = {"times": " × ", "div": " / ", "floor_to": " ⌊to⌋ "}[name]
        return f"{key_formula(args[0])}{op}{text(args[1])}"
    if name in _FORMULA_BINARY and len(args) == 2:
        return f"({key_formula(args[0])}{_FORMULA_BINARY[name]}{key_formula(args[1])})"
    if name == "min" and len(args) == 2:
        return f"min({key_formula(args[0])}, {key_formula(args[1])})"
    if name == "fen" and args:
        return f"{args[0].number}分"
    return source_field(key) or text(key)


_ARITHMETIC = {"times", "div", "floor_to", "minus", "plus", "monus", "min", "fen", "zero"}


def term_keys(term: Term) -> list[Term]:
    """The declared or parameter money keys a value term rests on, in order, without repeats."""
    found: list[Term] = []

    def walk(key: Term) -> None:
        if key.type != SymbolType.Function:
            return
        if key.name in _ARITHMETIC:
            for arg in key.arguments:
                walk(arg)
        elif key.name == "sum":
            return
        elif key not in found:
            found.append(key)

    name, args = term.name, term.arguments
    if name in ("money", "ratio", "base_year") and args:
        walk(args[0])
    elif name == "reached_in" and len(args) == 2:
        walk(args[1])
    return found

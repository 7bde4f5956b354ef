"""Exact money: parsing declared amounts and the six-limb form the rules compute on.

Amounts are held as integer fen (分) in Python. In clingo, whose integers are
32-bit and wrap silently, a value is a tuple of six base-10^4 limbs, most
significant first (see asp_rules/money.lp and asp_rules/README.md).
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

from .safe_text import shown

FEN_PER_YUAN = 100
LIMB_BASE = 10_000
LIMBS = 6
# The largest amount a declaration may state. Rules multiply amounts by factors
# up to 10^5 (money.lp's max_factor); 10^15 yuan = 10^17 fen keeps every such
# product inside six limbs (10^24), so any larger result is a bug, not data.
MAX_YUAN = 10**15

# ASCII digits (Decimal() would also read "٢٠٢٥"), no leading zero ("017": octal or 17?).
_DECIMAL_TEXT = re.compile(r"(0|[1-9][0-9]*)(\.[0-9]{1,2})?")


class MoneyError(ValueError):
    """An amount that cannot be taken as exact yuan."""


def parse_yuan(value: object) -> Decimal:
    """Read a declared amount: an integer, a Decimal, or a decimal string, ≥ 0, at most two places."""
    if isinstance(value, bool):
        raise MoneyError("must be an amount in yuan, not true/false")
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, Decimal):
        amount = value
    elif isinstance(value, str):
        text = value.strip()
        if text.startswith("-"):
            raise MoneyError(f"must not be negative (got {shown(value)})")
        if not _DECIMAL_TEXT.fullmatch(text):
            raise MoneyError(f"must be a decimal amount in yuan such as \"1234.56\" (got {shown(value)})")
        amount = Decimal(text)
    elif isinstance(value, float):
        raise MoneyError(
            "binary floating-point amounts are not exact; write the amount as an integer or a decimal string"
        )
    else:
        raise MoneyError(f"must be an amount in yuan (got {type(value).__name__})")
    # Only context-free operations until the amount is known to be small: normalize()
    # or arithmetic on 1E+999999999 overflows, and on 1.5E-999999999 underflows to 0.
    if not amount.is_finite():
        raise MoneyError("must be a finite amount")
    sign, digits, exponent = amount.as_tuple()
    assert isinstance(exponent, int)  # finite
    if sign and any(digits):
        raise MoneyError(f"must not be negative (got {shown(amount)})")
    if not any(digits):
        return amount if -2 <= exponent <= 0 else Decimal(0)
    if exponent > 0:
        # JSON's 1e3 or 1E+999999999: an amount is written out in plain digits (SPEC §6).
        raise MoneyError(f"must be written as a plain decimal, not with an exponent (got {shown(amount)})")
    trailing_zeros = 0
    for digit in reversed(digits):
        if digit != 0:
            break
        trailing_zeros += 1
    if exponent + trailing_zeros < -2:
        raise MoneyError(f"has more than two decimal places (got {shown(amount)}); amounts are exact to the fen")
    if amount.adjusted() > len(str(MAX_YUAN)) - 1 or amount > MAX_YUAN:
        raise MoneyError(f"exceeds {MAX_YUAN:,} yuan, the largest amount computed exactly")
    return amount


def yuan_to_fen(amount: Decimal) -> int:
    fen = amount * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        raise MoneyError(f"{amount} is not a whole number of fen")
    return int(fen)


# A result document's amount: signed, and exact beyond the fen where the rules say so.
_RESULT_TEXT = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?")


def exact_fen(amount: int | str | None) -> Fraction:
    """A result document's amount (integer yuan or an exact decimal string, signed) in fen, exactly; none is 0.

    MoneyError, naming the value, if it is not an amount.
    """
    if amount is None:
        return Fraction(0)
    if isinstance(amount, bool) or not isinstance(amount, (int, str)) or not _RESULT_TEXT.fullmatch(str(amount)):
        raise MoneyError(f"{shown(amount)} is not an amount in yuan")
    return Fraction(Decimal(str(amount))) * FEN_PER_YUAN


def result_fen(amount: int | str | None) -> int:
    """A result document's amount in whole fen (see exact_fen); MoneyError if it holds a fraction of a fen."""
    exact = exact_fen(amount)
    if exact.denominator != 1:
        raise MoneyError(f"{amount} is not a whole number of fen")
    return exact.numerator


def fen_to_limbs(fen: int) -> tuple[int, ...]:
    if fen < 0 or fen >= LIMB_BASE**LIMBS:
        raise MoneyError(f"{fen} fen is outside the exact range")
    limbs = []
    for _ in range(LIMBS):
        fen, limb = divmod(fen, LIMB_BASE)
        limbs.append(limb)
    return tuple(reversed(limbs))


def limbs_to_fen(limbs: tuple[int, ...]) -> int:
    # Unrolled for six limbs: every value of an answer is read through here (answer._fen).
    if len(limbs) != LIMBS:
        raise MoneyError(f"malformed money value {limbs!r}")
    a, b, c, d, e, f = limbs
    base = LIMB_BASE
    if not (0 <= a < base and 0 <= b < base and 0 <= c < base and 0 <= d < base and 0 <= e < base and 0 <= f < base):
        raise MoneyError(f"malformed money value {limbs!r}")
    return ((((a * base + b) * base + c) * base + d) * base + e) * base + f


def yuan_json(fen: int) -> int:
    """A ``*_yuan`` key of a JSON document: always an integer of whole yuan.

    Only amounts that are whole yuan by the rules (awards after 第十七条's rounding,
    totals, caps and other parameters of the law) are written this way; an amount that
    is not is a bug, and an error is better than a number of another type."""
    yuan, part = divmod(fen, FEN_PER_YUAN)
    if part:
        raise MoneyError(f"{fen} fen is not a whole number of yuan")
    return yuan


def yuan_decimal(fen: int) -> str:
    """A ``*_yuan_decimal`` key: always an exact decimal string with two places ("130617.28", "80000.00").

    For amounts that may hold fen (declared figures and the steps worked out from them
    before the rounding); the integer ``*_fen`` key beside it is the one to add up."""
    if fen < 0:
        return "-" + yuan_decimal(-fen)
    yuan, part = divmod(fen, FEN_PER_YUAN)
    return f"{yuan}.{part:02d}"


# --- amounts as people read them ----------------------------------------------
# The one money formatter: every report (text, Markdown, HTML, what-if, the budget
# report, the readings' templates, the case runner) shows an amount through these,
# so the same amount reads the same everywhere.

_YI_FEN = 100_000_000 * FEN_PER_YUAN
_WAN_FEN = 10_000 * FEN_PER_YUAN


def format_yuan(fen: int) -> str:
    """Yuan with thousands separators, fen only when there are any: 530000000 -> '5,300,000'."""
    if fen < 0:
        return "-" + format_yuan(-fen)
    whole, part = divmod(fen, FEN_PER_YUAN)
    return f"{whole:,}" if part == 0 else f"{whole:,}.{part:02d}"


def format_wan(fen: int) -> str:
    """万元 with one decimal (Art 17's amounts are whole thousands of yuan); any other amount exactly."""
    if fen < 0:
        return "-" + format_wan(-fen)
    thousands, rest = divmod(fen, 1000 * FEN_PER_YUAN)
    if rest == 0:
        return f"{thousands // 10}.{thousands % 10}万元"
    whole, part = divmod(fen, _WAN_FEN)
    return f"{whole}.{part:06d}".rstrip("0") + "万元"


def format_law(fen: int) -> str:
    """An amount the way the measures write it: 1亿元, 1500万元, 0.5万元."""
    if fen and fen % _YI_FEN == 0:
        return f"{fen // _YI_FEN}亿元"
    whole, rest = divmod(fen, _WAN_FEN)
    if rest == 0:
        return f"{whole}万元"
    return f"{whole}.{rest:06d}".rstrip("0") + "万元"


def as_fraction(value: object) -> Fraction | None:
    """An amount of yuan as the documents carry it (an int, a decimal string, "n/d", a Decimal), exactly."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return Fraction(str(value))
    except (ValueError, ZeroDivisionError):
        return None


def yuan_plain(value: object) -> str:
    """An exact amount of yuan with thousands separators: 5300000 -> '5,300,000'.

    Amounts that are not whole fen (a required growth value can be a fraction
    of a fen) are shown to the fen and marked '≈', with the exact fraction kept
    in the data."""
    amount = as_fraction(value)
    if amount is None:
        return str(value)
    fen = amount * FEN_PER_YUAN
    if fen.denominator == 1:
        return format_yuan(fen.numerator)
    # the least whole fen that is not below the exact value: what would pass
    ceil_fen = -((-fen.numerator) // fen.denominator)
    return "≈" + format_yuan(ceil_fen)


def yuan_text(value: object, lang: str) -> str:
    """'5,300,000元' or '5,300,000 yuan'; '—' for no amount."""
    if value is None:
        return "—"
    return f"{yuan_plain(value)}元" if lang == "zh" else f"{yuan_plain(value)} yuan"


def amount_text(value: object, lang: str) -> str:
    """An award amount: 万元 with one decimal (Art 17) and in yuan, '300.0万元（3,000,000元）'."""
    amount = as_fraction(value)
    if amount is None:
        return "—"
    fen = amount * FEN_PER_YUAN
    whole_fen = fen.numerator // fen.denominator
    if lang == "zh":
        return f"{format_wan(whole_fen)}（{yuan_plain(value)}元）"
    return f"{format_wan(whole_fen)} ({yuan_plain(value)} yuan)"

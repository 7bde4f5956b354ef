"""The one money formatter and the JSON money keys (issue 19 §5, §8): money.py only."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from pinggu_asp.money import (
    MoneyError,
    amount_text,
    exact_fen,
    format_law,
    format_wan,
    format_yuan,
    result_fen,
    yuan_decimal,
    yuan_json,
    yuan_plain,
    yuan_text,
)

PACKAGE = Path(__file__).resolve().parent.parent / "pinggu_asp"


@pytest.mark.parametrize("fen, text", [
    (0, "0"), (1, "0.01"), (100, "1"), (530_000_000, "5,300,000"), (123_456, "1,234.56"), (123_450, "1,234.50"),
    (10**14, "1,000,000,000,000"), (-150, "-1.50"),
])
def test_format_yuan(fen: int, text: str) -> None:
    assert format_yuan(fen) == text


@pytest.mark.parametrize("fen, text", [
    (300_000_000, "300.0万元"), (100_000, "0.1万元"), (1_500_000_000, "1500.0万元"), (12_345_600, "12.3456万元"),
    (1, "0.000001万元"), (-100_000, "-0.1万元"),
])
def test_format_wan(fen: int, text: str) -> None:
    assert format_wan(fen) == text


@pytest.mark.parametrize("fen, text", [
    (10_000_000_000, "1亿元"), (1_500_000_000, "1500万元"), (500_000, "0.5万元"), (0, "0万元"), (15_000_000_000, "15000万元"),
])
def test_format_law_writes_amounts_as_the_measures_do(fen: int, text: str) -> None:
    assert format_law(fen) == text


@pytest.mark.parametrize("value, text", [
    (5_300_000, "5,300,000"), ("1234.5", "1,234.50"), ("60000.50", "60,000.50"), (Decimal("0.01"), "0.01"),
    ("10/3", "≈3.34"), (Fraction(1, 300), "≈0.01"), ("not money", "not money"),
])
def test_yuan_plain_reads_every_form_a_document_holds(value: object, text: str) -> None:
    assert yuan_plain(value) == text


def test_yuan_text_and_amount_text() -> None:
    assert yuan_text(5_300_000, "zh") == "5,300,000元" and yuan_text("0.01", "en") == "0.01 yuan"
    assert yuan_text(None, "zh") == "—" and amount_text(None, "en") == "—"
    assert amount_text(3_000_000, "zh") == "300.0万元（3,000,000元）"
    assert amount_text("1234.56", "en") == "0.123456万元 (1,234.56 yuan)"


def test_a_yuan_key_is_always_an_integer() -> None:
    assert yuan_json(300_000_000) == 3_000_000 and isinstance(yuan_json(0), int)
    assert yuan_json(-100) == -1
    with pytest.raises(MoneyError):
        yuan_json(300_000_001)  # never a decimal string under a *_yuan key


@pytest.mark.parametrize("fen, text", [(0, "0.00"), (1, "0.01"), (6_000_050, "60000.50"), (8_000_000, "80000.00"),
                                       (10**17, "1000000000000000.00"), (-1, "-0.01")])
def test_a_yuan_decimal_key_is_always_a_two_place_string(fen: int, text: str) -> None:
    assert yuan_decimal(fen) == text and Decimal(text) * 100 == fen


def test_no_module_keeps_a_money_formatter_of_its_own() -> None:
    """The converted modules format amounts through money.py (render_whatif and batch/report are converted
    by their own change; parameters.display_value is the parameters' own display)."""
    converted = ["render/explain.py", "policy/templates.py", "render/text.py", "render/md.py", "render/html.py",
                 "cases.py"]
    for name in converted:
        text = (PACKAGE / name).read_text(encoding="utf-8")
        assert "def yuan_" not in text and "def wan_" not in text and "def amount_text" not in text, name
        assert ":,}" not in text and ":,." not in text, name


@pytest.mark.parametrize("param", ["art3_cap=5000000.50", "art17_minimum=10000.01", "art9_standard_max=1.5"])
def test_a_reform_with_fen_in_an_amount_is_refused_not_a_traceback(param: str) -> None:
    """A cap, fixed sum or minimum is an integer *_yuan key of the result: a reform must give whole yuan."""
    from typer.testing import CliRunner

    from pinggu_asp.cli import app

    result = CliRunner().invoke(app, ["whatif", str(PACKAGE.parent / "examples" / "declaration.yaml"), "--param", param])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.output
    assert "is not a whole number of yuan" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(("amount", "fen"), [(None, 0), (0, 0), (12, 1200), ("12.30", 1230), ("-0.01", -1),
                                             (10**12, 10**14), ("100000000000.01", 10**13 + 1)])
def test_a_result_amount_in_fen(amount: int | str | None, fen: int) -> None:
    # The one reader of a result document's amounts (the batch summary and the budget report both use it).
    assert result_fen(amount) == fen


def test_a_fraction_of_a_fen_is_exact_but_not_whole() -> None:
    assert exact_fen("0.005") == Fraction(1, 2)
    with pytest.raises(MoneyError, match="not a whole number of fen"):
        result_fen("0.005")


@pytest.mark.parametrize("bad", ["", " 1", "1e3", "NaN", "Infinity", "1,000", "--1", True, 1.5, [1]])
def test_a_result_amount_that_is_no_amount_is_a_money_error(bad: object) -> None:
    with pytest.raises(MoneyError, match="is not an amount in yuan"):
        exact_fen(bad)  # type: ignore[arg-type]

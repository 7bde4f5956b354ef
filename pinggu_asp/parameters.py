"""The parameters file: every rate, cap, threshold and date of the measures, as dated data."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

from .money import MoneyError, parse_yuan, yuan_to_fen
from .rules_files import rules_dir

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_RATE = re.compile(r"^(\d+)/(\d+)$")
KINDS = ("money", "rate", "date", "int")


class ParameterError(Exception):
    """A parameters file the engine cannot use; the message names the parameter."""


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: str
    article: int
    phrase_zh: str
    value: Any  # fen (int) for money, (num, den) for rate, date, or int
    since: dt.date
    interpretation: str | None = None

    def display(self) -> str:
        if self.kind == "money":
            return f"{self.value // 100:,} 元"
        if self.kind == "rate":
            num, den = self.value
            percent = Fraction(num * 100, den)
            if percent.denominator == 1:
                return f"{percent.numerator}%"
            exact = Decimal(percent.numerator) / Decimal(percent.denominator)
            return f"{exact.normalize()}%" if exact * percent.denominator == percent.numerator else f"{num}/{den}"
        if self.kind == "date":
            return self.value.isoformat()
        return str(self.value)


@dataclass(frozen=True)
class ParameterSet:
    source: str
    sha256: str
    raw: dict[str, Any]

    def in_force(self, on: dt.date) -> dict[str, Parameter]:
        """The value of each parameter in force on a date (the latest dated on or before it)."""
        chosen: dict[str, Parameter] = {}
        for name, spec in self.raw.items():
            dated = sorted((since, value) for since, value in spec["values"].items() if since <= on)
            if not dated:
                # Before a parameter's first date it does not exist; the measure
                # was not in force, which the window rule reports. Use the first value.
                dated = sorted(spec["values"].items())[:1]
            since, value = dated[-1]
            chosen[name] = Parameter(
                name=name,
                kind=spec["kind"],
                article=spec["article"],
                phrase_zh=spec["phrase_zh"],
                value=value,
                since=since,
                interpretation=spec.get("interpretation"),
            )
        return chosen


def _to_date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ParameterError(f"{where}: {value!r} is not a date YYYY-MM-DD")


def _convert(kind: str, value: Any, where: str) -> Any:
    if kind == "money":
        if isinstance(value, float):
            raise ParameterError(f"{where}: write money as an integer or a decimal string, not {value!r}")
        try:
            return yuan_to_fen(parse_yuan(value))
        except MoneyError as exc:
            raise ParameterError(f"{where}: {exc}") from None
    if kind == "rate":
        match = _RATE.match(str(value))
        if not match or int(match.group(2)) == 0:
            raise ParameterError(f"{where}: a rate is written \"numerator/denominator\", e.g. \"5/1000\"")
        num, den = int(match.group(1)), int(match.group(2))
        if num + den > 100_000:
            # money.lp multiplies by a factor of at most 10^5
            raise ParameterError(f"{where}: numerator plus denominator must not exceed 100000")
        return (num, den)
    if kind == "date":
        return _to_date(value, where)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ParameterError(f"{where}: must be an integer")
    if value < 0:
        # Years, counts and divisions: a negative one would silently turn a look-back around.
        raise ParameterError(f"{where}: must not be negative")
    return value


def load_parameters(path: Path | None = None) -> ParameterSet:
    path = path or (rules_dir() / "parameters.yaml")
    try:
        raw_bytes = path.read_bytes()
    except OSError as exc:
        raise ParameterError(f"{path}: cannot be read: {exc.strerror}") from None
    try:
        doc = yaml.safe_load(raw_bytes)
    except yaml.YAMLError as exc:
        raise ParameterError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(doc, dict) or doc.get("schema") != "pinggu-parameters/1":
        raise ParameterError(f"{path}: schema must be pinggu-parameters/1")
    params = doc.get("parameters")
    if not isinstance(params, dict) or not params:
        raise ParameterError(f"{path}: parameters must be a non-empty mapping")
    out: dict[str, Any] = {}
    for name, spec in params.items():
        where = f"parameters.{name}"
        if not isinstance(name, str) or not _NAME.match(name):
            raise ParameterError(f"{where}: a name is lower-case letters, digits and _")
        if not isinstance(spec, dict):
            raise ParameterError(f"{where}: must be a mapping")
        unknown = set(spec) - {"kind", "article", "phrase_zh", "values", "interpretation", "note"}
        if unknown:
            raise ParameterError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
        kind = spec.get("kind")
        if kind not in KINDS:
            raise ParameterError(f"{where}.kind: must be one of {', '.join(KINDS)}")
        if not isinstance(spec.get("article"), int) or not isinstance(spec.get("phrase_zh"), str):
            raise ParameterError(f"{where}: needs article (a number) and phrase_zh (the text it comes from)")
        values = spec.get("values")
        if not isinstance(values, dict) or not values:
            raise ParameterError(f"{where}.values: must map a start date to a value")
        converted = {
            _to_date(since, f"{where}.values"): _convert(kind, value, f"{where}.values.{since}")
            for since, value in values.items()
        }
        out[name] = {**spec, "values": converted}
    shipped = rules_dir() / "parameters.yaml"
    if path.resolve() != shipped.resolve():
        # A reform is a copy of the shipped file with other values: the rules need
        # every parameter, of its kind, and a name they do not know is a typo.
        _same_names_and_kinds(out, load_parameters(shipped).raw, path)
    return ParameterSet(source=str(path), sha256=hashlib.sha256(raw_bytes).hexdigest(), raw=out)


def _same_names_and_kinds(reform: dict[str, Any], shipped: dict[str, Any], path: Path) -> None:
    missing = sorted(set(shipped) - set(reform))
    if missing:
        raise ParameterError(f"{path}: parameter(s) the rules need are missing: {', '.join(missing)}")
    unknown = sorted(set(reform) - set(shipped))
    if unknown:
        raise ParameterError(f"{path}: unknown parameter(s) {', '.join(unknown)}")
    for name in sorted(reform):
        if reform[name]["kind"] != shipped[name]["kind"]:
            raise ParameterError(f"parameters.{name}.kind: must be {shipped[name]['kind']}, as the rules use it")

"""The parameters file: every rate, cap, threshold and date of the measures, as dated data."""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from . import yaml_fast
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
        """The value of each parameter in force on a date (the latest dated on or before it).

        A reform's value dated after the date is not in force yet: where a reformed
        parameter has no value on or before the date, that is an error, not the later value.
        """
        chosen: dict[str, Parameter] = {}
        for name, spec in self.raw.items():
            dated = sorted((since, value) for since, value in spec["values"].items() if since <= on)
            if not dated and spec.get("reformed"):
                first = min(spec["values"])
                raise ParameterError(
                    f"parameters.{name}.values: the reform's first value is dated {first.isoformat()}, "
                    f"after the declaration date {on.isoformat()}; date a value on or before it"
                )
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
    # Parsing the YAML cost more than deciding a what-if variant; the file is
    # still read every time, so an edited file is never served from the cache.
    return _parsed(path, raw_bytes)


@lru_cache(maxsize=32)
def _parsed(path: Path, raw_bytes: bytes) -> ParameterSet:
    try:
        doc = yaml_fast.load(raw_bytes)
    except yaml.YAMLError as exc:
        raise ParameterError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(doc, dict) or doc.get("schema") != "pinggu-parameters/1":
        raise ParameterError(f"{path}: schema must be pinggu-parameters/1")
    params = doc.get("parameters")
    if not isinstance(params, dict) or not params:
        raise ParameterError(f"{path}: parameters must be a non-empty mapping")
    shipped_path = rules_dir() / "parameters.yaml"
    is_reform = path.resolve() != shipped_path.resolve()
    shipped_raw = load_parameters(shipped_path).raw if is_reform else {}
    shipped_kinds = {n: spec["kind"] for n, spec in shipped_raw.items()}
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
        # In a reform, a parameter the rules know needs only its values: the rest is shipped.
        if is_reform and name not in shipped_kinds:
            # Before anything else: a misspelt name would silently leave the real parameter as it was.
            near = difflib.get_close_matches(name, list(shipped_kinds), n=1)
            hint = f"; did you mean {near[0]}?" if near else ""
            raise ParameterError(f"{path}: unknown parameter {name}{hint}")
        kind = spec.get("kind", shipped_kinds.get(name))
        if kind not in KINDS:
            raise ParameterError(f"{where}.kind: must be one of {', '.join(KINDS)}")
        if not is_reform and (
            not isinstance(spec.get("article"), int) or not isinstance(spec.get("phrase_zh"), str)
        ):
            raise ParameterError(f"{where}: needs article (a number) and phrase_zh (the text it comes from)")
        values = spec.get("values")
        if not isinstance(values, dict) or not values:
            raise ParameterError(f"{where}.values: must map a start date to a value")
        converted = {
            _to_date(since, f"{where}.values"): _convert(kind, value, f"{where}.values.{since}")
            for since, value in values.items()
        }
        out[name] = {**spec, "values": converted}
    if is_reform:
        out = _overlay(shipped_raw, out)
    return ParameterSet(source=str(path), sha256=hashlib.sha256(raw_bytes).hexdigest(), raw=out)


def _overlay(shipped: dict[str, Any], reform: dict[str, Any]) -> dict[str, Any]:
    """A reform holds only the parameters it changes; the rest are the shipped ones.

    A reformed parameter's values replace the shipped values (they are not merged), so
    the reform's own dates decide what is in force.
    """
    for name in sorted(reform):
        kind = reform[name].get("kind", shipped[name]["kind"])
        if kind != shipped[name]["kind"]:
            raise ParameterError(f"parameters.{name}.kind: must be {shipped[name]['kind']}, as the rules use it")
    merged = dict(shipped)
    for name, spec in reform.items():
        # A value copied unchanged from the shipped file is not a reform of it.
        merged[name] = {**shipped[name], **spec, "reformed": spec["values"] != shipped[name]["values"]}
    return merged

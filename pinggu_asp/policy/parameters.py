"""The parameters file: every rate, cap, threshold and date of the measures, as dated data."""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .. import yaml_fast
from ..money import FEN_PER_YUAN, MoneyError, parse_yuan, yuan_to_fen

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
    unit: str = ""
    description_zh: str = ""
    description_en: str = ""
    range: tuple[Any, Any] | None = None  # (least, greatest), converted as the values are
    step: Any = None  # values are whole multiples of it, where the rules need that

    def display(self) -> str:
        return display_value(self.kind, self.value)


def display_value(kind: str, value: Any) -> str:
    """A converted value as a reader writes it: money in yuan, a rate as a percentage where exact."""
    if kind == "money":
        yuan, fen = divmod(value, 100)
        return f"{yuan:,}.{fen:02d} 元" if fen else f"{yuan:,} 元"
    if kind == "rate":
        num, den = value
        percent = Fraction(num * 100, den)
        if percent.denominator == 1:
            return f"{percent.numerator}%"
        exact = Decimal(percent.numerator) / Decimal(percent.denominator)
        return f"{exact.normalize()}%" if exact * percent.denominator == percent.numerator else f"{num}/{den}"
    if kind == "date":
        return str(value.isoformat())
    return str(value)


def _comparable(kind: str, value: Any) -> Any:
    return Fraction(*value) if kind == "rate" else value


def check_range(name: str, spec: dict[str, Any], value: Any, where: str) -> None:
    """Refuse a value outside the range in which the rules decide exactly, naming the parameter, range and value."""
    bounds = spec.get("range")
    if bounds is None:
        return
    low, high = bounds
    kind = spec["kind"]
    if not _comparable(kind, low) <= _comparable(kind, value) <= _comparable(kind, high):
        negative = kind == "int" and value < 0
        raise ParameterError(
            f"{where}: {display_value(kind, value)} is outside the range of {name}, "
            f"{display_value(kind, low)} to {display_value(kind, high)}, in which the rules decide exactly"
            + ("; it must not be negative" if negative else "")
        )
    step = spec.get("step")
    if step is not None and value % step:
        raise ParameterError(
            f"{where}: {display_value(kind, value)} is not a whole multiple of {display_value(kind, step)}, "
            f"as {name} must be for the rules to decide exactly"
        )
    if kind == "money" and value % FEN_PER_YUAN:
        # The measures state every amount in whole yuan (万元), and a result gives the caps, fixed
        # sums and minimum they set as integer *_yuan keys (README "Money in these documents").
        raise ParameterError(f"{where}: {display_value(kind, value)} is not a whole number of yuan, "
                             f"as every amount of the measures is")


@dataclass(frozen=True)
class ParameterSet:
    source: str
    sha256: str
    raw: dict[str, Any]
    # The values in force change only on the dates some value is dated from: between two
    # such dates every day has the same values, worked out once (``in_force``).
    _dates: tuple[dt.date, ...] = field(init=False, repr=False, compare=False)
    _by_interval: dict[int, dict[str, Parameter]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_dates", tuple(sorted({since for spec in self.raw.values() for since in spec["values"]})))

    def in_force(self, on: dt.date) -> dict[str, Parameter]:
        """The value of each parameter in force on a date (the latest dated on or before it).

        A reform's value dated after the date is not in force yet: where a reformed
        parameter has no value on or before the date, that is an error, not the later value.
        A new dict each call; the Parameters in it are shared (they are frozen).
        """
        interval = bisect_right(self._dates, on)
        known = self._by_interval.get(interval)
        if known is None:
            known = self._by_interval[interval] = self._in_force(on)  # an error is raised anew every time
        return dict(known)

    def _in_force(self, on: dt.date) -> dict[str, Parameter]:
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
            reference = spec["reference"]
            description = spec["description"]
            chosen[name] = Parameter(
                name=name,
                kind=spec["kind"],
                article=reference["article"],
                phrase_zh=reference["phrase_zh"],
                value=value,
                since=since,
                interpretation=spec.get("interpretation"),
                unit=spec["unit"],
                description_zh=description["zh"],
                description_en=description["en"],
                range=spec["range"],
                step=spec.get("step"),
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
    # Years, counts and divisions: the range (check_range, which follows every conversion)
    # refuses a negative one, which would silently turn a look-back around.
    return value


FIELDS = {"kind", "unit", "description", "reference", "range", "step", "values", "interpretation", "note"}


def _check_metadata(spec: dict[str, Any], where: str) -> None:
    """The shipped file describes each parameter: a reader (and `rules`) gets its unit, meaning, source and range."""
    reference, description = spec.get("reference"), spec.get("description")
    if not (isinstance(reference, dict) and set(reference) == {"article", "phrase_zh"}
            and isinstance(reference["article"], int) and isinstance(reference["phrase_zh"], str)):
        raise ParameterError(f"{where}.reference: needs article (a number) and phrase_zh (the text it comes from)")
    if not (isinstance(description, dict) and set(description) == {"zh", "en"}
            and all(isinstance(text, str) and text for text in description.values())):
        raise ParameterError(f"{where}.description: needs zh and en, one line each")
    if not isinstance(spec.get("unit"), str) or not spec["unit"]:
        raise ParameterError(f"{where}.unit: needs the unit it measures (元, rate, date, years, ...)")
    if "range" not in spec:
        raise ParameterError(f"{where}.range: needs [least, greatest], the values in which the rules are exact")


def _range(kind: str, bounds: Any, where: str) -> tuple[Any, Any]:
    if not isinstance(bounds, list) or len(bounds) != 2:
        raise ParameterError(f"{where}: must be [least, greatest]")
    low, high = (_convert(kind, bound, where) for bound in bounds)
    if _comparable(kind, low) > _comparable(kind, high):
        raise ParameterError(f"{where}: the least value is above the greatest")
    return (low, high)


def _step(kind: str, step: Any, where: str) -> Any:
    if kind not in ("money", "int"):
        raise ParameterError(f"{where}: only money and int parameters have a step")
    value = _convert(kind, step, where)
    if not value:
        raise ParameterError(f"{where}: must be above 0")
    return value


def shipped() -> Path:
    """The parameters file the manifest names (asp_rules/pack.yaml: parameters)."""
    from .pack import path_of

    return path_of("parameters")


def load_parameters(path: Path | None = None) -> ParameterSet:
    path = path or shipped()
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
    shipped_path = shipped()
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
        unknown = set(spec) - FIELDS
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
        if is_reform and kind != shipped_kinds[name]:
            raise ParameterError(f"{where}.kind: must be {shipped_kinds[name]}, as the rules use it")
        if not is_reform:
            _check_metadata(spec, where)
        bounds = _range(kind, spec["range"], f"{where}.range") if "range" in spec else None
        if is_reform and bounds is not None and bounds != shipped_raw[name]["range"]:
            # The range is where the rules are exact, a property of the rules, not of a reform.
            raise ParameterError(f"{where}.range: a reform cannot change the range in which the rules are exact")
        values = spec.get("values")
        if not isinstance(values, dict) or not values:
            raise ParameterError(f"{where}.values: must map a start date to a value")
        step = _step(kind, spec["step"], f"{where}.step") if "step" in spec else shipped_raw.get(name, {}).get("step")
        if is_reform and "step" in spec and step != shipped_raw[name].get("step"):
            raise ParameterError(f"{where}.step: a reform cannot change the step the rules need")
        checked = {"kind": kind, "step": step,
                   "range": bounds if bounds is not None else shipped_raw.get(name, {}).get("range")}
        converted: dict[dt.date, Any] = {}
        for since, value in values.items():
            here = f"{where}.values.{since}"
            converted[_to_date(since, f"{where}.values")] = number = _convert(kind, value, here)
            check_range(name, checked, number, here)
        out[name] = {**spec, "values": converted, **({"range": bounds} if bounds is not None else {}),
                     **({"step": step} if "step" in spec else {})}
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


def written(kind: str, value: Any) -> Any:
    """A converted value as the parameters file writes it: yuan (int, or a decimal string with fen), "n/d", a date."""
    if kind == "money":
        yuan, fen = divmod(value, 100)
        return f"{yuan}.{fen:02d}" if fen else yuan
    if kind == "rate":
        return f"{value[0]}/{value[1]}"
    if kind == "date":
        return value.isoformat()
    return value


def value_as_data(p: Parameter) -> dict[str, Any]:
    """A parameter as data: ``value`` in ``unit``, as `--param NAME=VALUE` takes it, and the text people read.

    money: an integer of yuan (unit "yuan"), or of fen (unit "fen") for an amount
    that is not whole yuan; rate: "numerator/denominator" (unit "ratio"); date:
    "YYYY-MM-DD" (unit "date"); int: an integer (unit "count")."""
    if p.kind == "money":
        yuan, fen = divmod(p.value, FEN_PER_YUAN)
        value: Any = yuan if fen == 0 else p.value
        unit = "yuan" if fen == 0 else "fen"
    elif p.kind == "rate":
        value, unit = f"{p.value[0]}/{p.value[1]}", "ratio"
    elif p.kind == "date":
        value, unit = p.value.isoformat(), "date"
    else:
        value, unit = p.value, "count"
    return {"value": value, "unit": unit, "display": p.display()}


def describe(params: dict[str, Parameter]) -> dict[str, dict[str, Any]]:
    """Each parameter in force, described as `rules` prints it and `/v1/parameters` serves it."""
    out: dict[str, dict[str, Any]] = {}
    for name, p in sorted(params.items()):
        low, high = p.range if p.range is not None else (None, None)
        out[name] = {
            # value and unit as data, display as people read it (as in pinggu-result/1)
            **value_as_data(p),
            "article": p.article,
            "phrase_zh": p.phrase_zh,
            "since": p.since.isoformat(),
            "kind": p.kind,
            "unit_label": p.unit,
            "description": {"zh": p.description_zh, "en": p.description_en},
            "reference": {"article": p.article, "phrase_zh": p.phrase_zh},
            "written": written(p.kind, p.value),
            "range": None if p.range is None else [written(p.kind, low), written(p.kind, high)],
            "range_text": None if p.range is None else f"{display_value(p.kind, low)} – {display_value(p.kind, high)}"
            + ("" if p.step is None else f", × {display_value(p.kind, p.step)}"),
            "step": None if p.step is None else written(p.kind, p.step),
        }
    return out

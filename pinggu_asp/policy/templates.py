"""Readings as templates: the words of a condition filled from the parameters in force.

A reading (cond_text/6's Chinese and English texts) names a threshold as a
placeholder, ``{art3_growth_min}`` or ``{art11_rd_threshold:wan}``, never as a
number, so a reform changes the rules and the words together. Placeholders are
str.format fields; the format spec chooses how a money parameter reads:

- ``wan``: the Chinese way, 1500万元 or 1亿元;
- ``yuan``: 15,000,000 yuan; ``yuan_zh``: 15,000,000元;
- none: a rate as a percentage (5%), an int or date as itself, money in yuan.

The quoted phrase of the law (phrase_zh) is never a template: it keeps its own numbers.
"""

from __future__ import annotations

import re
import string
from fractions import Fraction
from typing import Any

from ..money import FEN_PER_YUAN, format_law, yuan_text
from .parameters import Parameter

# What a reading may hold besides placeholders: interpretation names, a standard's
# number, and article numbers in English ("Article 11") are names, not parameters.
NAMES = re.compile(r"I-[A-Za-z0-9-]+|GB/T \d+(?:-\d+)?|\bArts? \d+(?: and \d+)?\b|\bArticle \d+\b")
PLACEHOLDER = re.compile(r"\{[a-z][a-z0-9_]*(?::[a-z_]+)?\}")


class TemplateError(ValueError):
    """A reading names a parameter that does not exist, or a format that does not apply."""


class _Value:
    """One parameter as a format field."""

    def __init__(self, param: Parameter) -> None:
        self.param = param

    def __format__(self, spec: str) -> str:
        p = self.param
        if p.kind == "money":
            if spec == "wan":
                return format_law(p.value)
            if spec in ("", "yuan"):
                return yuan_text(Fraction(p.value, FEN_PER_YUAN), "en")
            if spec == "yuan_zh":
                return yuan_text(Fraction(p.value, FEN_PER_YUAN), "zh")
        elif spec == "":
            return p.display()
        raise TemplateError(f"the format {spec!r} does not apply to {p.name} ({p.kind})")


def fill(template: str, params: dict[str, Parameter]) -> str:
    """The reading with each placeholder replaced by the parameter in force."""
    if "{" not in template:
        return template
    try:
        return string.Formatter().vformat(template, (), {name: _Value(p) for name, p in params.items()})
    except KeyError as exc:
        raise TemplateError(f"a reading names an unknown parameter {exc.args[0]}: {template}") from None


class Filler:
    """Fills readings for one set of parameters in force, each template once."""

    def __init__(self, params: dict[str, Parameter]) -> None:
        self.params = params
        self._done: dict[str, str] = {}

    def __call__(self, template: str) -> str:
        done = self._done.get(template)
        if done is None:
            done = self._done[template] = fill(template, self.params)
        return done


def stray_digits(template: str) -> str:
    """The reading with its placeholders and names taken out: what is left must hold no digit."""
    return NAMES.sub("", PLACEHOLDER.sub("", template))


_FILLERS: dict[tuple[str, tuple[tuple[str, Any], ...]], Filler] = {}


def filler_for(parameters_sha256: str, params: dict[str, Parameter]) -> Filler:
    """The Filler for a parameters file's values in force on a date, shared by every
    result that has the same ones (a batch fills each reading once)."""
    key = (parameters_sha256, tuple((name, p.since) for name, p in sorted(params.items())))
    filler = _FILLERS.get(key)
    if filler is None:
        if len(_FILLERS) > 64:
            _FILLERS.clear()
        filler = _FILLERS[key] = Filler(params)
    return filler

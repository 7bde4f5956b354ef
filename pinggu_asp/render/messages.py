"""The message catalogue of the what-if and reach reports (messages.yaml), checked when it is read.

A key missing in one language, or a text whose {placeholders} differ from its
twin's, is an error on loading rather than an English word in a Chinese report.
"""

from __future__ import annotations

import string
from functools import lru_cache
from importlib.resources import files
from typing import Any

from .i18n import LANGS


class CatalogueError(ValueError):
    """messages.yaml is not a complete zh/en catalogue."""


def placeholders(text: str) -> frozenset[str]:
    return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name)


def check(catalogue: Any) -> dict[str, dict[str, str]]:
    """The catalogue as {key: {lang: text}}, or CatalogueError naming each key at fault."""
    if not isinstance(catalogue, dict):
        raise CatalogueError("messages.yaml: not a mapping of keys")
    problems = []
    for key, texts in catalogue.items():
        if not isinstance(texts, dict) or any(not isinstance(texts.get(lang), str) for lang in LANGS):
            problems.append(f"{key}: needs a text in each of {', '.join(LANGS)}")
        elif set(texts) != set(LANGS):
            problems.append(f"{key}: languages {sorted(set(texts) - set(LANGS))} are not {', '.join(LANGS)}")
        elif len({placeholders(texts[lang]) for lang in LANGS}) != 1:
            problems.append(f"{key}: the placeholders differ between languages")
    if problems:
        raise CatalogueError("messages.yaml: " + "; ".join(problems))
    return catalogue


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    from ..yaml_fast import load

    return check(load(files("pinggu_asp.render").joinpath("messages.yaml").read_bytes()))


def message(key: str, lang: str, **values: Any) -> str:
    """The text of ``key`` in ``lang``, its placeholders filled; a missing key is a KeyError, not a fallback."""
    return catalogue()[key][lang].format(**values) if values else catalogue()[key][lang]

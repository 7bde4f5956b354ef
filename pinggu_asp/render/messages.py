"""The message catalogue of the what-if and reach reports (messages.yaml), checked when it is read.

A key missing in one language, or a text whose {placeholders} differ from its
twin's, is an error on loading rather than an English word in a Chinese report.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from typing import Any

from ..policy.bilingual import CatalogueError, check, placeholders

__all__ = ["CatalogueError", "catalogue", "check", "message", "placeholders"]


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    from ..yaml_fast import load

    return check(load(files("pinggu_asp.render").joinpath("messages.yaml").read_bytes()))


def message(key: str, lang: str, **values: Any) -> str:
    """The text of ``key`` in ``lang``, its placeholders filled; a missing key is a KeyError, not a fallback."""
    return catalogue()[key][lang].format(**values) if values else catalogue()[key][lang]

"""One call from a declaration to its result document, and the same for a group."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .model import Declaration
from .result import build_result
from .solve import EngineError, Ruleset, solve


def check(decl: Declaration, ruleset: Ruleset) -> dict[str, Any]:
    """Decide every clause for one declaration and return ``pinggu-result/1``."""
    return build_result(decl, solve(decl, ruleset), ruleset)


def check_many(decls: Sequence[Declaration], ruleset: Ruleset) -> list[dict[str, Any] | EngineError]:
    """Decide a group of declarations, in order; each result is exactly ``check``'s.

    A declaration the rules cannot decide exactly gives its ``EngineError`` in
    its place, so one enterprise never stops the others.
    """
    out: list[dict[str, Any] | EngineError] = []
    for decl in decls:
        try:
            out.append(check(decl, ruleset))
        except EngineError as exc:
            out.append(exc)
    return out

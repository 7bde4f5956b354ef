"""One call from a declaration to its result document."""

from __future__ import annotations

from typing import Any

from .model import Declaration
from .result import build_result
from .solve import Ruleset, solve


def check(decl: Declaration, ruleset: Ruleset) -> dict[str, Any]:
    """Decide every clause for one declaration and return ``pinggu-result/1``."""
    return build_result(decl, solve(decl, ruleset), ruleset)

"""One call from a declaration to its result document, and the same for a group."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .answer import Answer, read
from .model import Declaration
from .result import build_result
from .solve import EngineError, Ruleset, solve_many

# Declarations grounded together in one Control. Grounding the rules is paid
# once per group; past a few dozen members each solve's start-up grows with
# the group (benchmarks/bench_batch.py measures the choice).
GROUP_SIZE = 32


def check(decl: Declaration, ruleset: Ruleset) -> dict[str, Any]:
    """Decide every clause for one declaration and return ``pinggu-result/1``."""
    outcome = check_many([decl], ruleset)[0]
    if isinstance(outcome, EngineError):
        raise outcome
    return outcome


def answer_many(
    decls: Sequence[Declaration], ruleset: Ruleset, group_size: int = GROUP_SIZE
) -> list[Answer | EngineError]:
    """Decide a group of declarations, in order, as the records of their answers (``answer.py``), no document.

    A declaration the rules cannot decide exactly gives its ``EngineError`` in
    its place, so one enterprise never stops the others.
    """
    out: list[Answer | EngineError] = []
    for start in range(0, len(decls), group_size):
        for derived in solve_many(decls[start : start + group_size], ruleset):
            out.append(derived if isinstance(derived, EngineError) else read(derived))
    return out


def check_many(
    decls: Sequence[Declaration], ruleset: Ruleset, group_size: int = GROUP_SIZE
) -> list[dict[str, Any] | EngineError]:
    """Decide a group of declarations, in order; each result is exactly ``check``'s."""
    out: list[dict[str, Any] | EngineError] = []
    for start in range(0, len(decls), group_size):
        group = decls[start : start + group_size]
        # Group by group: only one group's answers are held at a time.
        for decl, outcome in zip(group, answer_many(group, ruleset, group_size), strict=True):
            out.append(outcome if isinstance(outcome, EngineError) else build_result(decl, outcome, ruleset))
    return out

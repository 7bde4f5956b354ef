"""One call from a declaration to its result document, and the same for a group."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from ..declaration import Declaration
from .answer import Answer, read
from .result import build_result
from .solve import EngineError, Ruleset, solve_many

# Declarations grounded together in one Control. Grounding the rules is paid
# once per group, and ties are settled in a small Control of their own
# (solve.py), so larger groups cost less a declaration: on 512 declarations of
# benchmarks/population.py, solve_many took 33.9 / 31.0 / 28.6 / 27.5 CPU ms a
# declaration in groups of 32 / 64 / 128 / 256. A batch's chunk (batch/run.py
# CHUNK) bounds the group too.
GROUP_SIZE = 128


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
        with _collector_paused():
            for decl, outcome in zip(group, answer_many(group, ruleset, group_size), strict=True):
                out.append(outcome if isinstance(outcome, EngineError) else build_result(decl, outcome, ruleset))
    return out


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic collector off while one group is decided, on again after (if it was on).

    Reading a group's answer and building its documents makes hundreds of
    thousands of small objects, each batch of which triggers a collection;
    none of them is a cycle the group needs freed before it ends (engine
    objects are released by reference counting: tests/test_worker_memory.py).
    Measured on top of gc.freeze() (as batch workers and the service run):
    37.1 against 35.8 CPU ms a declaration, groups of 128. The switch is
    process-wide: a caller that found it off leaves it off, so concurrent
    groups never leave it off for good.
    """
    was_on = gc.isenabled()
    if was_on:
        gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()

"""A group of one settles its ties in its own Control (no small settling Control), with the same outcome.

A lone check, a what-if variant and a reach probe decide one declaration; its
own Control holds no other member's atoms, so ``_settle_ties`` enumerates there.
Larger groups still use the small Control of the selection alone. The outcome
must be the one the small Control gives: each tied declaration decided alone is
compared, field for field, with the same declaration decided as a member of a
pair (whose ties go through ``selection_control``).
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from pinggu_asp.declaration import Declaration
from pinggu_asp.engine import solve as solve_module
from pinggu_asp.engine.facts import declaration_facts
from pinggu_asp.engine.solve import Derived, EngineError, decide_group
from pinggu_asp.loading import declaration_from_data
from support import assert_same_outcome, ruleset
from tied_declarations import tied_declarations, ties_data


def _decide(decls: Sequence[Declaration]) -> list[Derived | EngineError]:
    rules = ruleset()
    facts = [list(declaration_facts(d, rules.parameters.in_force(d.declaration_date))) for d in decls]
    return decide_group(rules.grouped(), facts)  # type: ignore[arg-type]


def _counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls = [0]
    made = solve_module.selection_control

    def counting(*args: object, **kwargs: object) -> object:
        calls[0] += 1
        return made(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(solve_module, "selection_control", counting)
    return calls


def test_a_lone_member_settles_in_its_own_control_as_a_pair_does_in_the_small_one(
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counted(monkeypatch)
    decls = tied_declarations(24, seed=29) + [declaration_from_data(ties_data(6))]
    partner = decls[-1]
    tied = 0
    for decl in decls[:-1]:
        before = calls[0]
        (alone,) = _decide([decl])
        assert calls[0] == before, "a group of one made the small settling Control"
        paired, _ = _decide([decl, partner])
        assert calls[0] == before + 1, "a pair with a conflict settles in the small Control"
        assert_same_outcome(alone, paired)
        tied += isinstance(alone, Derived) and bool(alone.alternative_groups)
    assert tied >= 3, "the declarations should hold ties"


def test_many_independent_ties_alone() -> None:
    """Six independent ties of two choices each: 2^6 equally good sets, factored, settled in the lone Control."""
    (alone,) = _decide([declaration_from_data(ties_data(6))])
    assert isinstance(alone, Derived)
    assert alone.alternatives_count == 2**6 - 1
    assert len(alone.alternative_groups) == 6

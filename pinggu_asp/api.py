"""The Python API: what the CLI and the service call, and what an analyst imports.

    >>> import pinggu_asp
    >>> result = pinggu_asp.assess("examples/declaration.yaml")
    >>> result["total_yuan"]

A declaration is a mapping (the parsed YAML or JSON), a path to a file, or the
model itself. Errors are the package's own exceptions, each naming the field or
parameter and the reason: ``InputError`` (the declaration), ``ParameterError``
(a parameters file or override), ``InterpretationError`` (a reading switch) and
``EngineError`` (the rules could not decide exactly; never a wrong number).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Union

from .analysis.reach import ClauseError, reach_document
from .analysis.reform import with_overrides
from .analysis.whatif import apply_changes, decide_remembered, whatif_document
from .declaration import Declaration
from .engine.decide import check as _check
from .engine.solve import TIME_LIMIT, EngineError, Ruleset
from .loading import InputError, declaration_from_data, load_declaration
from .policy.interpretations import InterpretationError
from .policy.parameters import ParameterError, ParameterSet, load_parameters

DeclarationLike = Union[Declaration, Mapping[str, Any], str, "os.PathLike[str]"]
ParametersLike = Union[ParameterSet, str, "os.PathLike[str]", None]

__all__ = [
    "ClauseError",
    "DeclarationLike",
    "EngineError",
    "InputError",
    "InterpretationError",
    "ParameterError",
    "ParametersLike",
    "assess",
    "as_declaration",
    "clause_ids",
    "reach",
    "ruleset_for",
    "whatif",
]


def as_declaration(declaration: DeclarationLike) -> Declaration:
    """The validated model of a declaration given as a model, a mapping or a path."""
    if isinstance(declaration, Declaration):
        return declaration
    if isinstance(declaration, Mapping):
        return declaration_from_data(dict(declaration))
    if isinstance(declaration, (str, os.PathLike)):
        return load_declaration(Path(declaration))
    raise InputError("<input>", [("", f"a declaration is a mapping, a path or a Declaration, not {type(declaration).__name__}")])


def ruleset_for(parameters: ParametersLike = None, interpretations: Iterable[str] = (),
                time_limit: float | None = TIME_LIMIT) -> Ruleset:
    """The rules and parameters a run uses, with the switches checked before any work.

    ``time_limit``: seconds each declaration's selection may take (None: no limit); past it, ``EngineError``."""
    if isinstance(parameters, ParameterSet):
        params = parameters
    else:
        params = load_parameters(None if parameters is None else Path(parameters))
    ruleset = Ruleset(parameters=params, switches=tuple(sorted(set(interpretations))), time_limit=time_limit)
    ruleset.modules  # noqa: B018 - raises InterpretationError on an unknown switch
    return ruleset


def clause_ids(ruleset: Ruleset) -> tuple[str, ...]:
    """Every clause id the rules decide, as ``pinggu-asp rules`` lists them (article order).

    The rules' clause_article/2 facts, derived once (model.clause_ids): which clauses exist depends
    on neither the parameters nor the readings, so ``ruleset`` chooses nothing here."""
    from .declaration import clause_ids as known

    return known()


def assess(
    declaration: DeclarationLike,
    *,
    parameters: ParametersLike = None,
    interpretations: Iterable[str] = (),
    time_limit: float | None = TIME_LIMIT,
) -> dict[str, Any]:
    """Decide every clause for one declaration: the ``pinggu-result/1`` document, as ``check`` prints it.

    ``time_limit``: seconds the selection may take (None: no limit); past it, ``EngineError``."""
    ruleset = ruleset_for(parameters, interpretations, time_limit)
    return _check(as_declaration(declaration), ruleset)


def whatif(
    declaration: DeclarationLike,
    *,
    changes: Sequence[str] = (),
    params: Sequence[str] = (),
    interpretations: Sequence[str] = (),
    parameters: ParametersLike = None,
    base_interpretations: Sequence[str] = (),
    time_limit: float | None = TIME_LIMIT,
) -> dict[str, Any]:
    """``pinggu-whatif/1``: the declaration decided as it is and with ``changes`` (``PATH=VALUE``), ``params``
    (``NAME=VALUE``) and the readings ``interpretations`` switched on, and the difference between the two.
    ``base_interpretations`` are readings in force in both runs (the reading an auditor already chose)."""
    decl = as_declaration(declaration)
    base = ruleset_for(parameters, base_interpretations, time_limit)
    # No parameter or reading changed: the base ruleset itself (equal to the one ruleset_for would make again).
    reformed = base if not params and not interpretations else ruleset_for(
        with_overrides(base.parameters, params), [*base_interpretations, *interpretations], time_limit)
    changed = apply_changes(decl, changes)
    # An analyst varies one declaration many times: its unchanged result is decided once (analysis/whatif.py).
    before, after = decide_remembered([(decl, base), (changed, reformed)])
    return whatif_document(before, after, changes=changes, params=params, interpretations=interpretations,
                           base_interpretations=base.switches)


def reach(
    declaration: DeclarationLike,
    clause: str,
    *,
    vary: Sequence[str] = (),
    parameters: ParametersLike = None,
    interpretations: Sequence[str] = (),
    time_limit: float | None = TIME_LIMIT,
) -> dict[str, Any]:
    """``pinggu-reach/1``: for a clause the declaration misses, each declared number that alone would make it
    qualify (every condition passing), the smallest such value (the largest, where less helps), verified by re-solving at it and one yuan
    short; or what stands in the way when no single number can."""
    ruleset = ruleset_for(parameters, interpretations, time_limit)
    return reach_document(as_declaration(declaration), clause, ruleset, clause_ids(ruleset), vary)

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
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Union

from .engine import check as _check
from .interpretations import InterpretationError
from .loading import InputError, declaration_from_data, load_declaration
from .model import Declaration
from .parameters import ParameterError, ParameterSet, load_parameters
from .solve import EngineError, Ruleset

DeclarationLike = Union[Declaration, Mapping[str, Any], str, "os.PathLike[str]"]
ParametersLike = Union[ParameterSet, str, "os.PathLike[str]", None]

__all__ = [
    "DeclarationLike",
    "EngineError",
    "InputError",
    "InterpretationError",
    "ParameterError",
    "ParametersLike",
    "assess",
    "as_declaration",
    "ruleset_for",
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


def ruleset_for(parameters: ParametersLike = None, interpretations: Iterable[str] = ()) -> Ruleset:
    """The rules and parameters a run uses, with the switches checked before any work."""
    if isinstance(parameters, ParameterSet):
        params = parameters
    else:
        params = load_parameters(None if parameters is None else Path(parameters))
    ruleset = Ruleset(parameters=params, switches=tuple(sorted(set(interpretations))))
    ruleset.modules  # noqa: B018 - raises InterpretationError on an unknown switch
    return ruleset


def assess(
    declaration: DeclarationLike,
    *,
    parameters: ParametersLike = None,
    interpretations: Iterable[str] = (),
) -> dict[str, Any]:
    """Decide every clause for one declaration: the ``pinggu-result/1`` document, as ``check`` prints it."""
    ruleset = ruleset_for(parameters, interpretations)
    return _check(as_declaration(declaration), ruleset)

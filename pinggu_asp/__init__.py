"""pinggu-asp: an eligibility checker for Pinggu District's 2025 high-end manufacturing measures.

The measures (京平科信发〔2025〕8号) are encoded as answer-set programs in
``asp_rules/``; this package validates declarations, grounds them into clingo,
and renders what the program derived.

Layout (each package's ``__init__`` says what it may import; tests/test_layout.py
checks the directions): ``engine/`` decides, ``policy/`` is the pack, ``render/``
lays documents out, ``analysis/`` runs the engine on varied inputs; beside them
the commands and their inputs: ``cli``, ``api``, ``batch/``, ``service/``,
``cases`` (the YAML case runner, a command like batch), ``declaration`` and
``loading`` (the input), and what every layer may use: ``money``, ``atomic``,
``safe_text`` (declared text quoted safely, in errors as in reports),
``yaml_fast``, ``schemas/`` and ``starter/``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

# The one place the version is written: pyproject.toml reads it from here (tool.hatch.version).
__version__ = "0.1.0"

__all__ = ["EngineError", "InputError", "InterpretationError", "ParameterError", "__version__", "assess", "reach",
           "whatif"]

if TYPE_CHECKING:
    from .api import assess, reach, whatif
    from .engine.solve import EngineError
    from .loading import InputError
    from .policy.interpretations import InterpretationError
    from .policy.parameters import ParameterError

# The API pulls in the declaration model (pydantic) and the engine (clingo),
# which cost most of a cold start, while `pinggu-asp --version` and `-h` need
# neither: the API is imported on first use (`from pinggu_asp import assess`
# still works). So are the errors a caller catches (`except pinggu_asp.InputError`).
_API = frozenset({"assess", "reach", "whatif"})
_ERRORS = {"InputError": "loading", "EngineError": "engine.solve", "ParameterError": "policy.parameters",
           "InterpretationError": "policy.interpretations"}


def __getattr__(name: str) -> Any:
    if name in _API:
        from . import api

        return getattr(api, name)
    if name in _ERRORS:
        import importlib

        return getattr(importlib.import_module(f".{_ERRORS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_API, *_ERRORS})

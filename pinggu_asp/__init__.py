"""pinggu-asp: an eligibility checker for Pinggu District's 2025 high-end manufacturing measures.

The measures (京平科信发〔2025〕8号) are encoded as answer-set programs in
``asp_rules/``; this package validates declarations, grounds them into clingo,
and renders what the program derived.
"""

from typing import Any

# The one place the version is written: pyproject.toml reads it from here (tool.hatch.version).
__version__ = "0.1.0"

from .api import assess, reach, whatif  # noqa: E402 - after __version__, which the result reads

# The errors a caller catches, importable from the top: `except pinggu_asp.InputError`.
# Resolved on first use, so `import pinggu_asp` stays as light as it is.
_ERRORS = {"InputError": "loading", "EngineError": "solve", "ParameterError": "parameters",
           "InterpretationError": "interpretations"}


def __getattr__(name: str) -> Any:
    if name in _ERRORS:
        import importlib

        return getattr(importlib.import_module(f".{_ERRORS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["EngineError", "InputError", "InterpretationError", "ParameterError", "__version__", "assess", "reach",
           "whatif"]

"""The named readings of the text (SPEC §7), described in one line each, zh and en.

The descriptions live beside the rules in ``asp_rules/readings.yaml`` and are
templates over the parameters in force (templates.py), like the condition texts.
Which readings are in force is what the rules say (interpretation/1); this
module only gives each its words.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from .. import yaml_fast
from .templates import Filler


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    """Every named reading: its zh and en templates, and the switch or default it pairs with."""
    from .pack import path_of

    path = path_of("readings")
    doc = yaml_fast.load(path.read_text(encoding="utf-8"))
    if not isinstance(doc, dict) or doc.get("schema") != "pinggu-readings/1":  # pragma: no cover - packaging error
        raise ValueError(f"{path}: schema must be pinggu-readings/1")
    return {str(name): {str(k): str(v) for k, v in spec.items()} for name, spec in doc["readings"].items()}


def describe(name: str, fill: Filler) -> dict[str, Any]:
    """One reading's entry: name, zh, en, and switch (the alternative offered) or replaces (the default)."""
    spec = catalogue().get(name)
    if spec is None:
        return {"name": name, "zh": name, "en": name, "switch": None, "replaces": None}
    return {
        "name": name,
        "zh": fill(spec["zh"]),
        "en": fill(spec["en"]),
        "switch": spec.get("switch"),
        "replaces": spec.get("replaces"),
    }


def describe_all(names: list[str] | tuple[str, ...], fill: Filler) -> list[dict[str, Any]]:
    return [describe(name, fill) for name in names]


def document(day: Any, parameters: Any) -> dict[str, Any]:
    """``pinggu-readings/1``: every named reading described with the parameters in force on ``day``
    (a ``datetime.date``; ``parameters`` a ``ParameterSet``), as `readings -f json` and /v1/readings give it."""
    from .interpretations import default_modules, switches
    from .templates import filler_for

    fill = filler_for(parameters.sha256, parameters.in_force(day))
    entries = []
    for name in sorted(catalogue()):
        entry = describe(name, fill)
        entry["default"] = name not in switches()
        entry["switchable"] = name in switches() or name in default_modules()
        entries.append(entry)
    return {"schema": "pinggu-readings/1", "on": day.isoformat(), "readings": entries}

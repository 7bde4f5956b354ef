"""Named readings of the text (SPEC.md §7) and the switches an analyst may choose.

The switches are the readings file's (asp_rules/readings.yaml, named by the
pack's manifest): a reading with `replaces: DEFAULT` is a switch, and each is an
ASP module in asp_rules/interpretations/. The readings without a switch are
declared by the rule files that implement them.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache
from typing import Any

from .rules_files import interpretation_path


class InterpretationError(ValueError):
    pass


@lru_cache(maxsize=1)
def switches() -> dict[str, str]:
    """switch -> the default reading it replaces, from the readings file."""
    from .readings import catalogue

    readings = catalogue()
    pairs = {name: spec["replaces"] for name, spec in readings.items() if "replaces" in spec}
    for switch, default in pairs.items():
        # Both sides say it (the default names its switch), so a half-written reading is caught here.
        if readings.get(default, {}).get("switch") != switch:  # pragma: no cover - packaging error
            raise InterpretationError(f"readings: {switch} replaces {default}, whose switch is not {switch}")
    return dict(sorted(pairs.items()))


def default_modules() -> tuple[str, ...]:
    return tuple(switches().values())


def __getattr__(name: str) -> Any:
    # SWITCHES and DEFAULT_MODULES are derived on first use, so importing this module reads no YAML.
    if name == "SWITCHES":
        return switches()
    if name == "DEFAULT_MODULES":
        return default_modules()
    raise AttributeError(name)


_SWITCH_LINE = re.compile(r"^\s+switch:\s*(\S+)\s*$", re.MULTILINE)


def switch_names_for_help() -> list[str]:
    """The switches in the readings file's order, for the CLI's -i help.

    A line scan, not a YAML parse: typer builds every command's help at start-up,
    and `--version`/`-h` load no YAML (tests/test_lazy_imports.py). A test checks it
    agrees with switches()."""
    from .pack import scanned
    from .rules_files import rules_dir

    name = scanned("readings")
    try:
        text = (rules_dir() / name).read_text(encoding="utf-8") if name else ""
    except OSError:  # pragma: no cover - packaging error; the commands themselves say so
        return []
    return _SWITCH_LINE.findall(text)


def modules_for(switches_chosen: list[str] | tuple[str, ...]) -> list[str]:
    """The interpretation modules to load: every default, less those a switch replaces."""
    known_switches = switches()
    defaults = default_modules()
    chosen = sorted(set(switches_chosen))
    for name in chosen:
        if name not in known_switches:
            known = ", ".join(sorted(known_switches))
            if name in defaults:
                raise InterpretationError(
                    f"{name} is a default reading, in force unless a switch replaces it; the switches are: {known}"
                )
            near = difflib.get_close_matches(name, list(known_switches) + list(defaults), n=1)
            hint = f" (did you mean {near[0]}?)" if near else ""
            raise InterpretationError(f"unknown interpretation {name!r}{hint}; the switches are: {known}")
    replaced = {known_switches[name] for name in chosen}
    modules = [name for name in defaults if name not in replaced] + chosen
    for name in modules:
        if not interpretation_path(name).exists():  # pragma: no cover - packaging error
            raise InterpretationError(f"the rules for {name} are missing from the installation")
    return sorted(modules)

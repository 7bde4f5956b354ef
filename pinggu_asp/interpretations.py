"""Named readings of the text (SPEC.md §7) and the switches an analyst may choose."""

from __future__ import annotations

import difflib

from .rules_files import interpretation_path

# switch -> the default reading it replaces. Each is an ASP module in
# asp_rules/interpretations/; the readings without a switch are declared by the
# rule files that implement them.
SWITCHES: dict[str, str] = {
    "I-output-stack": "I-output-basis",
    "I-events-whole-year": "I-events-in-window",
    "I-art11-certificate-basis": "I-art11-rd-basis",
    "I-upgrade-full": "I-upgrade-difference",
    "I-emission-once-per-grade": "I-emission-upgrade",
}
DEFAULT_MODULES = tuple(SWITCHES.values())


class InterpretationError(ValueError):
    pass


def modules_for(switches: list[str] | tuple[str, ...]) -> list[str]:
    """The interpretation modules to load: every default, less those a switch replaces."""
    chosen = sorted(set(switches))
    for name in chosen:
        if name not in SWITCHES:
            known = ", ".join(sorted(SWITCHES))
            if name in DEFAULT_MODULES:
                raise InterpretationError(
                    f"{name} is a default reading, in force unless a switch replaces it; the switches are: {known}"
                )
            near = difflib.get_close_matches(name, list(SWITCHES) + list(DEFAULT_MODULES), n=1)
            hint = f" (did you mean {near[0]}?)" if near else ""
            raise InterpretationError(f"unknown interpretation {name!r}{hint}; the switches are: {known}")
    replaced = {SWITCHES[name] for name in chosen}
    modules = [name for name in DEFAULT_MODULES if name not in replaced] + chosen
    for name in modules:
        if not interpretation_path(name).exists():  # pragma: no cover - packaging error
            raise InterpretationError(f"the rules for {name} are missing from the installation")
    return sorted(modules)

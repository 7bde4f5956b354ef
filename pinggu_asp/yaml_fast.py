"""YAML parsed by libyaml where PyYAML was built with it, PyYAML's own parser remaining the reference.

Why: PyYAML's pure-Python parser took about a quarter of a cold ``check``
(the parameters file, the readings and the declaration: three parses), and
libyaml parses the same text about ten times faster. The constructors (what a
scalar or a mapping becomes) are the loader's own, so the data is the same.
Anything libyaml refuses is parsed again by the pure parser, whose error (its
message, line and column) is then the one raised: error messages stay exactly
what they were.
"""

from __future__ import annotations

from typing import Any

import yaml

_TWINS: dict[type, type | None] = {}


def _twin(loader: type[yaml.SafeLoader]) -> type | None:
    """A libyaml loader with ``loader``'s constructors, or None without libyaml."""
    if loader not in _TWINS:
        base = getattr(yaml, "CSafeLoader", None)
        _TWINS[loader] = None if base is None else type(
            f"C{loader.__name__}",
            (base,),
            {
                "yaml_constructors": dict(loader.yaml_constructors),
                "yaml_multi_constructors": dict(loader.yaml_multi_constructors),
            },
        )
    return _TWINS[loader]


def load(data: str | bytes, loader: type[yaml.SafeLoader] = yaml.SafeLoader) -> Any:
    """``yaml.load(data, Loader=loader)`` for a SafeLoader or a subclass of it, by libyaml when it can."""
    twin = _twin(loader)
    if twin is not None:
        try:
            return yaml.load(data, Loader=twin)  # noqa: S506 - SafeLoader's constructors only
        except Exception:  # noqa: BLE001 - the reference parser below raises the error the caller reports
            pass
    return yaml.load(data, Loader=loader)  # noqa: S506 - a SafeLoader or a subclass of it

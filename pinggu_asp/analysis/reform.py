"""A reform in OpenFisca's sense: one parameter changed by name, ``NAME=VALUE``, its kind checked.

The names are those ``pinggu-asp rules`` lists (the keys of
``asp_rules/parameters.yaml``). The new value replaces the parameter's value
on every date, so it is the one in force whatever the declaration's date.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Sequence
from typing import Any

from ..policy.parameters import ParameterError, ParameterSet, _convert, check_range


def parse_override(text: str, option: str = "--param") -> tuple[str, str]:
    name, sep, value = text.partition("=")
    name, value = name.strip(), value.strip()
    if not sep or not name or not value:
        raise ParameterError(f"{option} {text!r}: write NAME=VALUE, e.g. art3_cap=8000000 or art3_rate=1/100")
    return name, value


def _typed(kind: str, value: str) -> Any:
    # The parameters file is YAML: integers and dates arrive typed there, so the
    # same text is given the type its kind expects before the shared conversion.
    if kind == "int":
        try:
            return int(value)
        except ValueError:
            return value
    return value


def with_overrides(parameters: ParameterSet, overrides: Sequence[str], option: str = "--param") -> ParameterSet:
    """``parameters`` with each ``NAME=VALUE`` applied; an unknown name or a wrong kind is a ``ParameterError``."""
    if not overrides:
        return parameters
    raw = dict(parameters.raw)
    for text in overrides:
        name, value = parse_override(text, option)
        spec = raw.get(name)
        if spec is None:
            close = difflib.get_close_matches(name, list(raw), n=1)
            hint = f" (did you mean {close[0]}?)" if close else "; `pinggu-asp rules` lists the names"
            raise ParameterError(f"{option} {name}: unknown parameter{hint}")
        where = f"{option} {name} ({spec['kind']})"
        converted = _convert(spec["kind"], _typed(spec["kind"], value), where)
        check_range(name, spec, converted, where)
        first = min(spec["values"])
        raw[name] = {**spec, "values": {first: converted}}
    digest = hashlib.sha256(parameters.sha256.encode())
    for text in overrides:
        digest.update(b"\0" + text.encode())
    # The source stays the file the values came from; the changes are in the digest
    # and in the what-if document that asked for them.
    return ParameterSet(source=parameters.source, sha256=digest.hexdigest(), raw=raw)

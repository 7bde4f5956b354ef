"""A reform over the population: the reform's rules, and how its awards differ from the baseline's.

``NAME=VALUE`` overrides use the names ``pinggu-asp rules`` lists, applied by
``reform.with_overrides`` exactly as ``whatif --param`` applies them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..analysis.reform import with_overrides
from ..engine.solve import Ruleset
from ..policy.parameters import Parameter, ParameterSet, load_parameters, value_as_data
from .summary import Digest, Totals, _article_key, clause_order, fen_json


def reform_ruleset(baseline: Ruleset, parameters: Path | None, overrides: list[str],
                   interpretations: list[str]) -> Ruleset | None:
    """The reform's rules, or None when no reform option was given."""
    if parameters is None and not overrides and not interpretations:
        return None
    params = load_parameters(parameters) if parameters is not None else baseline.parameters
    params = with_overrides(params, overrides, option="--compare-param")
    switches = tuple(sorted(set(baseline.switches) | set(interpretations)))
    reform = replace(baseline, parameters=params, switches=switches)
    reform.modules  # noqa: B018 - raises InterpretationError on an unknown switch
    return reform


def parameter_values(parameters: ParameterSet) -> dict[str, list[dict[str, Any]]]:
    """Each parameter's dated values as data (value, unit, display, article, since), as a result lists them."""
    out: dict[str, list[dict[str, Any]]] = {}
    for name, spec in sorted(parameters.raw.items()):
        reference = spec["reference"]
        out[name] = [
            {**value_as_data(Parameter(name=name, kind=spec["kind"], article=reference["article"],
                                       phrase_zh=reference["phrase_zh"], value=value, since=since)),
             "article": reference["article"], "since": since.isoformat()}
            for since, value in sorted(spec["values"].items())
        ]
    return out


def reform_changes(baseline: Ruleset, reform: Ruleset) -> dict[str, Any]:
    """What the reform is: each parameter whose values differ (from, to) and the readings switched on or off."""
    before, after = parameter_values(baseline.parameters), parameter_values(reform.parameters)
    return {
        "parameters_changed": [
            {"name": name, "article": after[name][0]["article"], "from": before.get(name, []), "to": after[name]}
            for name in sorted(after) if before.get(name) != after[name]
        ],
        "readings_switched_on": sorted(set(reform.switches) - set(baseline.switches)),
        "readings_switched_off": sorted(set(baseline.switches) - set(reform.switches)),
    }


def _award_key(d: Digest | None) -> tuple[tuple[str, str, int], ...]:
    return () if d is None else tuple(sorted((a.clause, a.basis, a.fen) for a in d.awards))


@dataclass
class Comparison:
    """The baseline and the reform over the same declarations, folded in input order."""

    description: dict[str, Any]
    baseline: Totals = field(default_factory=Totals)
    reform: Totals = field(default_factory=Totals)
    changed: list[dict[str, Any]] = field(default_factory=list)
    reform_errors: list[dict[str, Any]] = field(default_factory=list)

    def add(self, base: Digest | None, reform: Digest | None, reform_error: str | None = None) -> None:
        """Fold one declaration; ``reform_error`` says why the reform could not decide it (no value in force).

        Such a declaration is listed apart and left out of both totals: the reform
        did not pay it nothing, it could not be applied to it.
        """
        if reform_error is not None:
            self.reform_errors.append({**(base.identity() if base is not None else {}), "message": reform_error})
            return
        if base is not None:
            self.baseline.add(base)
        if reform is not None:
            self.reform.add(reform)
        if _award_key(base) == _award_key(reform):
            return
        ident = (base or reform)
        assert ident is not None
        before = {(a.clause, a.basis): a.fen for a in base.awards} if base else {}
        after = {(a.clause, a.basis): a.fen for a in reform.awards} if reform else {}
        changes = []
        by_clause = clause_order(dict((base.articles if base else ()) + (reform.articles if reform else ())))
        for clause, basis in sorted(set(before) | set(after), key=lambda cb: (by_clause(cb), cb[1])):
            b, r = before.get((clause, basis)), after.get((clause, basis))
            if b != r:
                changes.append({"clause": clause, "basis": basis,
                                "baseline_yuan": None if b is None else fen_json(b),
                                "reform_yuan": None if r is None else fen_json(r)})
        b_total = base.total_fen if base else 0
        r_total = reform.total_fen if reform else 0
        self.changed.append({
            **ident.identity(),
            "baseline_total_yuan": fen_json(b_total),
            "reform_total_yuan": fen_json(r_total),
            "difference_yuan": fen_json(r_total - b_total),
            "awards_changed": changes,
            **({"engine_error": "baseline" if base is None else "reform"} if base is None or reform is None else {}),
        })

    def document(self) -> dict[str, Any]:
        def table(name: str, key: Any = None) -> dict[str, Any]:
            before: dict[str, int] = getattr(self.baseline, name)
            after: dict[str, int] = getattr(self.reform, name)
            keys = sorted(set(before) | set(after), key=(lambda k: key((k, 0))) if key else None)
            return {k: {"baseline_yuan": fen_json(before.get(k, 0)), "reform_yuan": fen_json(after.get(k, 0)),
                        "difference_yuan": fen_json(after.get(k, 0) - before.get(k, 0))} for k in keys}

        return {
            **self.description,
            "total": {"baseline_yuan": fen_json(self.baseline.total), "reform_yuan": fen_json(self.reform.total),
                      "difference_yuan": fen_json(self.reform.total - self.baseline.total)},
            "total_up_to": {"baseline_yuan": fen_json(self.baseline.up_to), "reform_yuan": fen_json(self.reform.up_to),
                            "difference_yuan": fen_json(self.reform.up_to - self.baseline.up_to)},
            "by_article": table("by_article", _article_key),
            "by_clause": table("by_clause", clause_order({**self.baseline.articles, **self.reform.articles})),
            "by_payer": table("by_payer"),
            "by_locality": table("by_locality"),
            "enterprises_changed": {"count": len(self.changed), "items": self.changed},
            "reform_errors": {"count": len(self.reform_errors), "items": self.reform_errors},
        }




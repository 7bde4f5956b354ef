"""A condition's or gate's entry is shared across results (engine/result.py ``_entry_of``, ``_plain``), its values never.

One entry serves every plain observed value of a kind and source (a date, a count, a title): each result
must still show its own value, the one its answer's record holds. On generated declarations, every
condition and gate of every result is held against its record's observed term read afresh.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from pinggu_asp.engine import solve  # noqa: E402
from pinggu_asp.engine.answer import read  # noqa: E402
from pinggu_asp.engine.result import Index, build_result  # noqa: E402
from pinggu_asp.engine.terms import Values, value_json  # noqa: E402
from population import valid_declarations  # noqa: E402
from support import ruleset  # noqa: E402


def test_each_result_shows_its_own_observed_values() -> None:
    rules = ruleset()
    decls = valid_declarations(80, 8)
    derived = solve.solve_many(decls, rules)
    kinds: Counter[str] = Counter()
    for decl, outcome in zip(decls, derived, strict=True):
        if isinstance(outcome, solve.EngineError):
            continue
        answer = read(outcome)
        document = build_result(decl, answer, rules)
        ix = Index(answer)
        values = Values(answer.values())
        listed = ix.listed()
        assert len(document["clauses"]) == len(listed)
        for entry, (c, s) in zip(document["clauses"], listed, strict=True):
            conds = sorted(ix.own(c, s).get("cond", ()), key=lambda r: r.id)
            assert [e["id"] for e in entry["conditions"]] == [r.id for r in conds]
            for shown, record in zip(entry["conditions"], conds, strict=True):
                assert shown["observed"] == value_json(record.observed, values), (decl.enterprise.name, record)
                assert shown["observed_kind"] == record.observed.name
                kinds[record.observed.name] += 1
        gates = sorted(answer.get("gate"), key=lambda r: r.id)
        for shown, gate in zip(document["gates"], gates, strict=True):
            assert (shown["id"], shown["observed"]) == (gate.id, value_json(gate.observed, values))
    # The plain kinds that share entries are met many times, each with values of its own.
    assert kinds["date"] > 20 and kinds["count"] > 20 and kinds["title"] > 5, kinds

"""Amounts and conditions are settled at grounding time (asp_rules/README.md, "Grounding").

Not a timing test: a structural one. If a rule makes demand for money wait on
a verdict, or sums over val/2, clingo can no longer treat amounts as facts,
and grounding grows by the combinations of every undecided #sum. Only the
selection's atoms may stay undecided after grounding.
"""

from __future__ import annotations

import clingo
import pytest

from pinggu_asp.analysis.catalogue import probe_declaration
from pinggu_asp.engine.facts import declaration_facts
from pinggu_asp.loading import declaration_from_data, load_declaration
from support import EXAMPLE, ruleset

# What the search decides; everything else must be known after grounding.
# explain.lp's supersedes/3 and other_outcome/2 read the selection, as superseded_by/3 does.
SELECTION = {"chosen", "chosen_chunk", "status", "superseded_by", "advice", "rule_error", "tiebreak",
             "supersedes", "other_outcome"}


def _undecided(decl, interpretations=()) -> set[str]:
    rules = ruleset(interpretations)
    ctl = clingo.Control(["--warn=none"])
    for path in rules.files():
        ctl.load(str(path))
    with ctl.backend() as backend:
        for fact in declaration_facts(decl, rules.parameters.in_force(decl.declaration_date)):
            backend.add_rule([backend.add_atom(fact)])
    ctl.ground([("base", [])])
    return {str(a.symbol) for a in ctl.symbolic_atoms if not a.is_fact and a.symbol.name not in SELECTION}


@pytest.mark.parametrize("interpretations", [(), ("I-output-stack", "I-art11-certificate-basis", "I-upgrade-full")])
def test_example_amounts_and_conditions_are_facts(interpretations):
    assert _undecided(load_declaration(EXAMPLE), interpretations) == set()


def test_probe_touching_every_clause_is_facts():
    assert _undecided(declaration_from_data(probe_declaration())) == set()


def _recursive_components() -> list[set[tuple[str, int]]]:
    """The program's recursive components: predicates that depend on each other through rules."""
    from clingo import ast

    from pinggu_asp.engine.grouping import _head_signatures, _signatures

    statements: list[ast.AST] = []
    ast.parse_files([str(p) for p in ruleset(()).files()], statements.append)
    edges: dict[tuple[str, int], set[tuple[str, int]]] = {}
    for stm in statements:
        if stm.ast_type != ast.ASTType.Rule:
            continue
        heads = _head_signatures(stm)
        body = _signatures(stm.body) | (_signatures([stm.head]) - heads)
        for head in heads:
            edges.setdefault(head, set()).update(body)
    reach: dict[tuple[str, int], set[tuple[str, int]]] = {}
    for start in edges:
        seen, todo = set(), [start]
        while todo:
            for nxt in edges.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        reach[start] = seen
    return [{q for q in reach if q in reach[p] and p in reach[q]} for p in reach if p in reach[p]]


def test_money_demand_is_a_stratum_below_the_values():
    """want/1 never waits on val/2, and no article's rule sits in the values' recursion.

    When demand read the values (a rule wanting a key because another had a value),
    want/val/has_val/amount_key/payable/weight_key (now weight_of) and the carries formed one recursive
    component of 59 rules over every article file, which the grounder iterates as one.
    """
    components = _recursive_components()
    of = {p: c for c in components for p in c}
    assert of[("want", 1)] == {("want", 1)}
    assert of[("val", 2)] == {("val", 2)}
    assert max(len(c) for c in components) <= 3

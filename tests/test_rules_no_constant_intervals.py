"""No rule bounds a variable from both sides by constants: clingo would enumerate the whole range.

clingo 5.8 reads two linear bounds on one variable (``N >= 0, N <= max_factor``)
as an interval literal, scores that literal as costing nothing and puts it first
in the join, so every instantiation of the rule walks all the values of the
range before the atom that really binds the variable. With max_factor = 100,000
that was about 6 ms of every Control, for each of three rules, whatever the
facts (money.lp explains the `|N| <= max_factor` form that avoids it). This test
finds the pattern in the parsed rules, so that it does not come back unnoticed.
"""

from __future__ import annotations

from pathlib import Path

from clingo import ast
from clingo.ast import AST, ASTType, ComparisonOperator

RULES = Path(__file__).resolve().parent.parent / "asp_rules"

_ORDER = {ComparisonOperator.LessThan, ComparisonOperator.LessEqual,
          ComparisonOperator.GreaterThan, ComparisonOperator.GreaterEqual}
_LINEAR = {ast.BinaryOperator.Plus, ast.BinaryOperator.Minus, ast.BinaryOperator.Multiplication}


def _variables(node: AST) -> set[str]:
    found: set[str] = set()

    class Collect(ast.Transformer):
        def visit_Variable(self, var: AST) -> AST:  # noqa: N802 - clingo's visitor naming
            found.add(var.name)
            return var

    Collect()(node)
    return found


def _linear(term: AST) -> bool:
    """Built of variables, numbers and constants by +, - and * only (what the interval analysis reads)."""
    kind = term.ast_type
    if kind in (ASTType.Variable, ASTType.SymbolicTerm):
        return True
    if kind == ASTType.Function:
        return not term.arguments
    if kind == ASTType.UnaryOperation:
        return term.operator_type == ast.UnaryOperator.Minus and _linear(term.argument)
    if kind == ASTType.BinaryOperation:
        return term.operator_type in _LINEAR and _linear(term.left) and _linear(term.right)
    return False


def _bounded_twice(literals: list[AST]) -> set[str]:
    """The variables that two or more order comparisons with no other variable bound, linearly."""
    seen: dict[str, int] = {}
    for lit in literals:
        if lit.ast_type != ASTType.Literal or lit.atom.ast_type != ASTType.Comparison:
            continue
        left = lit.atom.term
        # A chain `0 <= N <= 5` compares each guard's term with the one before it.
        for guard in lit.atom.guards:
            names = _variables(left) | _variables(guard.term)
            if guard.comparison in _ORDER and len(names) == 1 and _linear(left) and _linear(guard.term):
                name = next(iter(names))
                seen[name] = seen.get(name, 0) + 1
            left = guard.term
    return {name for name, count in seen.items() if count >= 2}


def offending_rules(text: str) -> list[str]:
    statements: list[AST] = []
    ast.parse_string(text, statements.append)
    found = []
    for stm in statements:
        if stm.ast_type not in (ASTType.Rule, ASTType.Minimize):
            continue
        bodies = [list(stm.body)]
        for lit in stm.body:
            if lit.ast_type == ASTType.Literal and lit.atom.ast_type == ASTType.BodyAggregate:
                bodies += [list(element.condition) for element in lit.atom.elements]
            elif lit.ast_type == ASTType.ConditionalLiteral:
                bodies.append(list(lit.condition))
        if any(_bounded_twice(body) for body in bodies):
            found.append(f"line {stm.location.begin.line}")
    return found


def test_the_check_finds_a_two_sided_constant_bound():
    assert offending_rules("p(N) :- q(N), N >= 0, N <= max_factor.") != []
    assert offending_rules("p(N) :- q(N), 0 <= N <= 5.") != []
    assert offending_rules("p(N) :- q(N), N >= 0, N - 5 <= 0.") != []
    assert offending_rules("p :- #count{ N : q(N), N > 1, N < 9 } > 0.") != []
    # One bound, a bound that is not linear, or bounds by other variables make no constant interval.
    assert offending_rules("p(N) :- q(N), N >= 0, |N| <= max_factor.") == []
    assert offending_rules("p(N) :- q(N), N > max_factor.") == []
    assert offending_rules("p(D) :- q(D), r(S, E), S <= D, D <= E.") == []


def test_no_rule_bounds_a_variable_by_constants_from_both_sides():
    files = sorted(RULES.glob("*.lp")) + sorted((RULES / "interpretations").glob("*.lp"))
    assert len(files) > 20
    found = [f"{path.name}: {where}" for path in files for where in offending_rules(path.read_text(encoding="utf-8"))]
    assert found == []

"""A warm engine for interactive questions: what-if variants and reach re-solves.

Why: a single declaration grounded alone pays the whole program's fixed cost
(the shared tables, texts and constants: about 45 ms), which is all of a
what-if variant's grounding. Here that part is grounded once per process, in
one clingo Control, and each later declaration (a *member*) is added to the
same Control as a new program part and grounded alone: clingo's multi-shot
solving.

How: ``grouping.py`` already splits the rules into the statements that carry
the enterprise (the variable ``E__``) and those that do not. The latter are
the ``base`` part, grounded once. The former become the part
``member(m)``, with ``E__`` replaced by the part's parameter, so grounding
``member(k)`` instantiates only member ``k``'s rules, and never re-derives an
atom of an earlier member (which clingo forbids across steps). Each member's
facts are added by the backend, as ``solve.decide_group`` adds them. Its
selection is then solved under the assumption that its ``group_active``
external is true; once done, that external is released (false for good), so
every earlier member's choices stay closed without an assumption each.

The result is the one ``engine.check`` gives, byte for byte
(tests/test_warm.py): the same rewritten statements, facts and selection
(``solve.select``); only the order in which clingo instantiates them differs.
A Control is replaced after ``MEMBERS_PER_CONTROL`` members, which bounds its
memory and the cost of looking up a member's atoms.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from typing import Any

import clingo
from clingo import Function, Number, Symbol, ast

from .facts import declaration_facts
from .grouping import ACTIVE, MEMBER, GroupedProgram
from .model import Declaration
from .result import build_result
from .solve import EngineError, Ruleset, _derived, select
from .symbols import Reader, Term

# Members grounded into one Control before it is replaced by a fresh one.
MEMBERS_PER_CONTROL = 64

_VAR = "E__"
_PART = "member"
_PARAM = "m"
_LOC = ast.Location(ast.Position("<warm>", 1, 1), ast.Position("<warm>", 1, 1))


def _bound(statement: ast.AST) -> ast.AST:
    """The statement with ``E__ = m`` in its body: grounding ``member(m)`` instantiates it for member ``m`` only.

    (A body literal rather than a rewrite of every ``E__``: updating one field
    is one call into clingo, while walking each node is hundreds.)
    """
    bind = ast.Literal(
        _LOC,
        ast.Sign.NoSign,
        ast.Comparison(ast.Variable(_LOC, _VAR), [ast.Guard(ast.ComparisonOperator.Equal, ast.Function(_LOC, _PARAM, [], 0))]),
    )
    return statement.update(body=[*statement.body, bind])


def split_program(grouped: GroupedProgram) -> tuple[list[ast.AST], list[ast.AST]]:
    """The grouped statements as the ``base`` part (no enterprise) and the ``member(m)`` part."""
    base: list[ast.AST] = []
    member: list[ast.AST] = []
    for statement in grouped.statements:
        if statement.ast_type == ast.ASTType.Program:
            continue  # every statement of the rules is in ``base``; the parts are set below
        if _VAR in str(statement):
            member.append(_bound(statement))
        else:
            base.append(statement)
    return base, member


class WarmControl:
    """One Control with the ``base`` part grounded, taking one member at a time.

    Not thread-safe on its own: ``decide`` holds the engine's lock.
    """

    def __init__(self, grouped: GroupedProgram) -> None:
        self.grouped = grouped
        self.log: list[str] = []
        self.members = 0

        def logger(code: clingo.MessageCode, message: str) -> None:
            # An exception raised here would abort the process (clingo calls it in a
            # nothrow scope), so only collect.
            self.log.append(f"{code.name}: {message}")

        self.ctl = clingo.Control(["--warn=none", "--opt-mode=opt", "--models=0", "--seed=0"], logger=logger)
        base, member = split_program(grouped)
        with ast.ProgramBuilder(self.ctl) as builder:
            builder.add(ast.Program(_LOC, "base", []))
            for statement in base:
                builder.add(statement)
            builder.add(ast.Program(_LOC, _PART, [ast.Id(_LOC, _PARAM)]))
            for statement in member:
                builder.add(statement)
        self.ctl.ground([("base", [])])
        self._raise_logged("the rules failed to ground")
        self.tiebreak = self._literal(Function("tiebreak"))
        self.reader = Reader()

    def _raise_logged(self, what: str) -> None:
        errors = [m for m in self.log if m.startswith("error")]
        if errors:
            raise EngineError(f"{what}: " + "; ".join(errors))

    def _literal(self, sym: Symbol) -> int:
        atom = self.ctl.symbolic_atoms[sym]
        if atom is None:
            raise EngineError(f"the grounded rules lack {sym}")
        return atom.literal

    def decide(self, facts: Iterable[Symbol]) -> Any:
        """Ground one member's facts into the warm Control and solve its selection: ``solve.Derived``."""
        index = self.members
        self.members += 1
        member = Number(index)
        with self.ctl.backend() as backend:
            backend.add_rule([backend.add_atom(Function(MEMBER, [member]))])
            for fact in facts:
                if (fact.name, len(fact.arguments)) not in self.grouped.dependent:
                    raise EngineError(f"the rules never read the fact {fact.name}/{len(fact.arguments)}")
                backend.add_rule([backend.add_atom(Function(fact.name, [member, *fact.arguments]))])
        self.ctl.ground([(_PART, [member])])
        self._raise_logged("the rules failed to ground")
        active_sym = Function(ACTIVE, [member])
        active = self._literal(active_sym)
        choices: list[tuple[int, Term]] = []
        for atom in self.ctl.symbolic_atoms.by_signature("chosen", 2):
            owner, candidate = atom.symbol.arguments
            if owner.number == index:
                choices.append((atom.literal, self.reader.term(candidate)))
        try:
            return _derived(select(self.ctl, [active], self.tiebreak, choices, self.reader))
        finally:
            # Closed for good: later solves need no assumption for this member.
            self.ctl.release_external(active_sym)


class WarmEngine:
    """The warm Controls of one process, one per set of rules (their digest and readings)."""

    def __init__(self, members_per_control: int = MEMBERS_PER_CONTROL) -> None:
        self.members_per_control = members_per_control
        self._controls: dict[tuple[str, tuple[str, ...]], WarmControl] = {}
        self._lock = threading.Lock()

    def _control(self, ruleset: Ruleset) -> WarmControl:
        key = (ruleset.sha256, ruleset.switches)
        warm = self._controls.get(key)
        if warm is None or warm.members >= self.members_per_control:
            self._controls.pop(key, None)
            warm = self._controls[key] = WarmControl(ruleset.grouped())
        return warm

    def check_many(self, decls: Sequence[Declaration], ruleset: Ruleset) -> list[dict[str, Any] | EngineError]:
        """``engine.check_many``'s results, decided against the warm Control."""
        out: list[dict[str, Any] | EngineError] = []
        with self._lock:
            for decl in decls:
                params = ruleset.parameters.in_force(decl.declaration_date)
                facts = list(declaration_facts(decl, params))
                warm = self._control(ruleset)
                try:
                    derived = warm.decide(facts)
                except EngineError as exc:
                    # A fresh Control is certain to hold nothing of a member that failed.
                    self._controls.pop((ruleset.sha256, ruleset.switches), None)
                    out.append(exc)
                    continue
                out.append(build_result(decl, derived, ruleset))
        return out

    def check(self, decl: Declaration, ruleset: Ruleset) -> dict[str, Any]:
        """``engine.check``'s result, decided against the warm Control."""
        outcome = self.check_many([decl], ruleset)[0]
        if isinstance(outcome, EngineError):
            raise outcome
        return outcome

    def clear(self) -> None:
        with self._lock:
            self._controls.clear()


ENGINE = WarmEngine()


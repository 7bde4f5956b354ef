"""The grouped program restricted to the statements a group's facts can fire.

Why: a fresh Control pays gringo for preparing every rule whose body
predicates some rule or fact has as head, about 30 µs a rule and 15–20 µs a
body literal (235 µs with a body aggregate), whether or not an instance ever
comes of it: with no facts at all, adding and grounding the ~730 grouped rules
costs about 50 ms. gringo drops a rule early only when a positive body
predicate occurs in no head; it cannot see that a predicate all of whose rules
are dead is itself empty. A declaration brings facts of a few dozen
predicates, so whole chains of rules (a clause's conditions on facts it lacks,
their explanations, their amounts) can never fire for it.

How: each statement's heads and plain positive body predicates are read once
per program (``table``: walking the AST costs about 0.1 s, so the table is
stored with the cached program, grouping._store). Given the predicates a
group's facts supply, a least fixpoint finds every predicate that may be
derivable: supplied, or the head of a rule (or an external) each of whose plain
positive body predicates may be derivable. A rule or optimisation statement
is live when each of its plain positive body predicates may be derivable;
every other statement (#show, #external, #defined, #const, #program, and any
kind not judged here) is kept.

Why it is sound: a predicate outside the fixpoint has no atom in any
interpretation gringo or clasp can reach. Every ground atom comes from a fact
or from an instance of a rule whose positive body atoms came before it (gringo
instantiates bottom-up, and an answer set is the least model of its reduct, in
which an atom needs a rule instance with a true positive body); by induction
on that order, each such atom's predicate is in the fixpoint, which is closed
under exactly that step. So a rule or optimisation statement with a plain
positive body literal outside it has no ground instance: removing it changes
no ground atom, no answer set, no shown atom and no optimum. This holds for
integrity constraints and #minimize statements as for any rule: with no
instance they can neither remove an answer set nor weigh one. Negated literals,
aggregates and conditions are never read as making a rule dead (a ``not p``
holds when p is empty), only ever as possibly true, so reading less of a body
only keeps more. For every predicate whose rules all go, a ``#defined``
statement is added, so gringo reports no atom as undefined that the full
program defines: its log, read for errors, stays the same. A statement whose
heads cannot be named (a theory atom, classical negation in a head) makes the
whole program unjudgeable: then it is never restricted.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import clingo
from clingo import ast
from clingo.ast import AST, ASTType

from .grouping import _LOC, AST_LOCK, GroupedProgram, Signature, _atom_signature

# What a statement is to the fixpoint.
KEEP = 0  # kept whatever the facts, derives nothing (#show, #defined, #program, #const, ...)
RULE = 1  # a rule or an optimisation statement: kept only when live
EXTERNAL = 2  # kept, and its atom may hold once its condition may

# Restricted programs kept per grouped program, by the set of supplied names: a batch of small groups or a
# service meets a handful of sets again and again; more would only hold memory.
MEMO_LIMIT = 64


class Unjudgeable(ValueError):
    """A statement of a form whose heads this module cannot name: the program is never restricted."""


@dataclass(frozen=True)
class Table:
    """Per statement of a grouped program, in order: its kind, the predicates it may derive, and those of its
    plain positive body literals; and whether each statement prints as one line of the program's text."""

    kinds: tuple[int, ...]
    heads: tuple[tuple[Signature, ...], ...]
    bodies: tuple[tuple[Signature, ...], ...]
    one_line: bool
    # name -> the signatures under it, for turning the supplied facts' names into signatures.
    by_name: dict[str, tuple[Signature, ...]] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not len(self.kinds) == len(self.heads) == len(self.bodies):
            raise ValueError("a live table's columns differ in length")
        names: dict[str, set[Signature]] = {}
        for sigs in (*self.heads, *self.bodies):
            for sig in sigs:
                names.setdefault(sig[0], set()).add(sig)
        object.__setattr__(self, "by_name", {name: tuple(sorted(sigs)) for name, sigs in names.items()})

    def to_json(self) -> dict[str, object]:
        signatures = sorted({sig for sigs in (*self.heads, *self.bodies) for sig in sigs})
        number = {sig: i for i, sig in enumerate(signatures)}
        return {
            "signatures": [[name, arity] for name, arity in signatures],
            "statements": [[kind, [number[s] for s in heads], [number[s] for s in body]]
                           for kind, heads, body in zip(self.kinds, self.heads, self.bodies, strict=True)],
            "one_line": self.one_line,
        }

    @classmethod
    def from_json(cls, document: object) -> Table:
        """A table as ``to_json`` wrote it; ValueError (or KeyError, TypeError) for anything else."""
        if not isinstance(document, dict):
            raise ValueError("a live table is not an object")
        signatures: list[Signature] = []
        for name, arity in document["signatures"]:
            if not isinstance(name, str) or not isinstance(arity, int) or arity < 0:
                raise ValueError("a live table's signature is malformed")
            signatures.append((name, arity))
        kinds: list[int] = []
        heads: list[tuple[Signature, ...]] = []
        bodies: list[tuple[Signature, ...]] = []
        for kind, head, body in document["statements"]:
            if kind not in (KEEP, RULE, EXTERNAL):
                raise ValueError("a live table's statement kind is unknown")
            kinds.append(kind)
            heads.append(tuple(signatures[i] for i in head))
            bodies.append(tuple(signatures[i] for i in body))
        one_line = document["one_line"]
        if not isinstance(one_line, bool):
            raise ValueError("a live table's one_line is not a boolean")
        return cls(tuple(kinds), tuple(heads), tuple(bodies), one_line)


def table(statements: Sequence[AST]) -> Table:
    """The table of ``statements`` (as the grouped program holds them, each its own line of its text).

    Walks every statement: about 0.1 s for the rules, so it is made when the program is made and kept with
    it. Raises ``Unjudgeable`` for a statement whose heads it cannot name. Hold ``AST_LOCK``."""
    kinds: list[int] = []
    heads: list[tuple[Signature, ...]] = []
    bodies: list[tuple[Signature, ...]] = []
    one_line = True
    for stm in statements:
        kind = stm.ast_type
        if kind in (ASTType.Rule, ASTType.Minimize):
            kinds.append(RULE)
            heads.append(_heads(stm) if kind == ASTType.Rule else ())
            bodies.append(_positive(stm.body))
        elif kind == ASTType.External:
            sig = _atom_signature(stm.atom)
            if sig is None:
                raise Unjudgeable(f"an external of a form this module cannot name: {stm}")
            kinds.append(EXTERNAL)
            heads.append((sig,))
            bodies.append(_positive(stm.body))
        else:
            kinds.append(KEEP)
            heads.append(())
            bodies.append(())
        one_line = one_line and "\n" not in str(stm)
    return Table(tuple(kinds), tuple(heads), tuple(bodies), one_line)


def _positive(body: Iterable[AST]) -> tuple[Signature, ...]:
    """The predicates of the plain positive literals of a body. Any other literal (negated, an aggregate, a
    comparison, a conditional literal) is left out: leaving a literal out only keeps more rules live."""
    found: set[Signature] = set()
    for lit in body:
        if lit.ast_type == ASTType.Literal and lit.sign == ast.Sign.NoSign and lit.atom.ast_type == ASTType.SymbolicAtom:
            sig = _atom_signature(lit.atom)
            if sig is not None:
                found.add(sig)
    return tuple(sorted(found))


def _heads(rule: AST) -> tuple[Signature, ...]:
    """Every predicate a rule may derive; ``Unjudgeable`` when an atom it may derive cannot be named."""
    head = rule.head
    if head.ast_type == ASTType.Literal:
        if head.atom.ast_type == ASTType.BooleanConstant or head.sign != ast.Sign.NoSign:
            return ()  # a constraint (``#false :- ...``, ``not p :- ...``) derives nothing
        literals = [head]
    elif head.ast_type in (ASTType.Aggregate, ASTType.Disjunction):
        literals = [element.literal for element in head.elements]
    elif head.ast_type == ASTType.HeadAggregate:
        literals = [element.condition.literal for element in head.elements]
    else:
        raise Unjudgeable(f"a rule head of a kind this module cannot name: {rule}")
    found: set[Signature] = set()
    for literal in literals:
        if literal.ast_type != ASTType.Literal or literal.atom.ast_type != ASTType.SymbolicAtom:
            raise Unjudgeable(f"a rule head of a kind this module cannot name: {rule}")
        sig = _atom_signature(literal.atom)
        if sig is None:
            raise Unjudgeable(f"a rule head of a kind this module cannot name: {rule}")
        if literal.sign == ast.Sign.NoSign:
            found.add(sig)
    return tuple(sorted(found))


def derivable(tab: Table, supplied: Iterable[Signature]) -> set[Signature]:
    """The least set holding ``supplied`` and the heads of every rule or external whose plain positive body
    predicates are all in it: every predicate that may have an atom."""
    found = set(supplied)
    missing: list[int] = []
    waiting: dict[Signature, list[int]] = {}
    ready: list[int] = []
    for index, (kind, body) in enumerate(zip(tab.kinds, tab.bodies, strict=True)):
        if kind == KEEP:
            missing.append(0)
            continue
        absent = [sig for sig in body if sig not in found]
        missing.append(len(absent))
        if absent:
            for sig in absent:
                waiting.setdefault(sig, []).append(index)
        else:
            ready.append(index)
    while ready:
        index = ready.pop()
        for sig in tab.heads[index]:
            if sig not in found:
                found.add(sig)
                for other in waiting.pop(sig, ()):
                    missing[other] -= 1
                    if missing[other] == 0:
                        ready.append(other)
    return found


def live_statements(tab: Table, supplied: Iterable[Signature]) -> tuple[list[int], list[Signature]]:
    """The indices of the statements to keep, and the predicates whose every rule goes (to be ``#defined``)."""
    found = derivable(tab, supplied)
    kept: list[int] = []
    kept_heads: set[Signature] = set()
    dropped_heads: set[Signature] = set()
    for index, kind in enumerate(tab.kinds):
        if kind == RULE and not all(sig in found for sig in tab.bodies[index]):
            dropped_heads.update(tab.heads[index])
            continue
        kept.append(index)
        kept_heads.update(tab.heads[index])
    return kept, sorted(dropped_heads - kept_heads)


class LiveProgram:
    """A grouped program's live statements: added to a Control as ``GroupedProgram.add_to`` adds the whole.

    The process's first Control (all a cold ``check`` makes) gets the kept lines of the program's text when
    each statement is one line; every later one the kept statements, parsed once for the whole program."""

    def __init__(self, grouped: GroupedProgram, kept: Sequence[int], undefined: Sequence[Signature]) -> None:
        self.grouped = grouped
        self.kept = tuple(kept)
        self.undefined = tuple(undefined)
        self._statements: tuple[AST, ...] | None = None
        self._text: str | None = None

    @property
    def text(self) -> str | None:
        """The kept statements as text, when the program's lines are its statements; else None."""
        if self._text is None:
            tab = self.grouped.live_table
            if tab is None or not tab.one_line:
                return None
            lines = self.grouped.text.split("\n")
            if len(lines) != len(tab.kinds):
                return None
            defined = [f"#defined {name}/{arity}." for name, arity in self.undefined]
            self._text = "\n".join([*(lines[i] for i in self.kept), *defined])
        return self._text

    @property
    def statements(self) -> tuple[AST, ...]:
        if self._statements is None:
            with AST_LOCK:
                if self._statements is None:
                    every = self.grouped.aligned_statements()
                    defined = [ast.Defined(_LOC, name, arity, 1) for name, arity in self.undefined]
                    self._statements = (*(every[i] for i in self.kept), *defined)
        return self._statements

    def add_to(self, ctl: clingo.Control) -> None:
        text = None if self.grouped.has_statements else self.text
        if text is not None and self.grouped.claim_text():
            ctl.add("base", [], text)
            return
        statements = self.statements
        with AST_LOCK, ast.ProgramBuilder(ctl) as builder:
            for statement in statements:
                builder.add(statement)


Rules = GroupedProgram | LiveProgram

_memo: OrderedDict[tuple[int, frozenset[str]], tuple[GroupedProgram, Rules]] = OrderedDict()
_memo_lock = threading.Lock()


def restricted(grouped: GroupedProgram, names: Iterable[str]) -> Rules:
    """``grouped`` restricted to the statements facts of the predicates ``names`` can fire (each under every
    arity the program knows for it, the grouping's own ``group_*`` facts included): ``grouped`` itself
    when every statement stays or the program cannot be judged. Kept for the last ``MEMO_LIMIT`` sets."""
    key = (id(grouped), frozenset(names))
    with _memo_lock:
        held = _memo.get(key)
        if held is not None and held[0] is grouped:
            _memo.move_to_end(key)
            return held[1]
    tab = grouped.live_table
    rules: Rules = grouped
    if tab is not None:
        supplied = [sig for name in key[1] for sig in tab.by_name.get(name, ())]
        kept, undefined = live_statements(tab, supplied)
        if len(kept) < len(tab.kinds):
            rules = LiveProgram(grouped, kept, undefined)
    with _memo_lock:
        _memo[key] = (grouped, rules)
        while len(_memo) > MEMO_LIMIT:
            _memo.popitem(last=False)
    return rules

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
from dataclasses import dataclass
from functools import cached_property

import clingo
from clingo import ast
from clingo.ast import AST, ASTType

from .grouping import _LOC, AST_LOCK, GroupedProgram, Signature, _atom_signature, add_statements, positive_signatures

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
    """Per statement of a grouped program, in order: its kind, the predicates it may derive (``heads``) and
    those of its plain positive body literals (``bodies``), each a number into ``signatures``; and whether
    each statement prints as one line of the program's text. Stored with the cached program (``to_json``)."""

    signatures: tuple[Signature, ...]
    kinds: tuple[int, ...]
    heads: tuple[tuple[int, ...], ...]
    bodies: tuple[tuple[int, ...], ...]
    one_line: bool

    def __post_init__(self) -> None:
        if not len(self.kinds) == len(self.heads) == len(self.bodies):
            raise ValueError("a live table's columns differ in length")
        if not set(self.kinds) <= {KEEP, RULE, EXTERNAL}:
            raise ValueError("a live table's statement kind is unknown")

    @cached_property
    def by_name(self) -> dict[str, tuple[int, ...]]:
        """name -> the numbers of the signatures under it, for the supplied facts' names."""
        names: dict[str, list[int]] = {}
        for number, (name, _) in enumerate(self.signatures):
            names.setdefault(name, []).append(number)
        return {name: tuple(numbers) for name, numbers in names.items()}

    @cached_property
    def waiting(self) -> tuple[tuple[tuple[int, ...], ...], tuple[int, ...], tuple[int, ...]]:
        """For the fixpoint, made once per table: by signature, the statements whose body reads it; by
        statement, how many distinct body predicates it has (0 for one kept whatever); the rules and
        externals with none."""
        waiters: list[list[int]] = [[] for _ in self.signatures]
        missing: list[int] = []
        for index, (kind, body) in enumerate(zip(self.kinds, self.bodies, strict=True)):
            if kind == KEEP:
                missing.append(0)
                continue
            missing.append(len(body))
            for sig in body:
                waiters[sig].append(index)
        ready = tuple(i for i, kind in enumerate(self.kinds) if kind != KEEP and not missing[i])
        return tuple(map(tuple, waiters)), tuple(missing), ready

    def numbers(self, names: Iterable[str]) -> list[int]:
        """The signatures (by number) of every predicate named, under every arity the program knows for it."""
        by_name = self.by_name
        return [number for name in names for number in by_name.get(name, ())]

    def to_json(self) -> dict[str, object]:
        # Each column flat, with each statement's count apart: a cold process reads the cached file and checks
        # its digest in a fraction of the time a list per statement takes.
        return {
            "signatures": [[name, arity] for name, arity in self.signatures],
            "kinds": list(self.kinds),
            "heads": [sig for sigs in self.heads for sig in sigs],
            "head_counts": [len(sigs) for sigs in self.heads],
            "bodies": [sig for sigs in self.bodies for sig in sigs],
            "body_counts": [len(sigs) for sigs in self.bodies],
            "one_line": self.one_line,
        }

    @classmethod
    def from_json(cls, document: object) -> Table:
        """A table as ``to_json`` wrote it; ValueError (or KeyError, TypeError) for anything else."""
        if not isinstance(document, dict):
            raise ValueError("a live table is not an object")
        signatures: list[Signature] = []
        for name, arity in document["signatures"]:
            if not isinstance(name, str) or type(arity) is not int or arity < 0:
                raise ValueError("a live table's signature is malformed")
            signatures.append((name, arity))
        one_line = document["one_line"]
        if not isinstance(one_line, bool):
            raise ValueError("a live table's one_line is not a boolean")
        return cls(tuple(signatures), tuple(_numbers(document["kinds"], 3)),
                   _rows(document["heads"], document["head_counts"], len(signatures)),
                   _rows(document["bodies"], document["body_counts"], len(signatures)), one_line)


def _numbers(values: object, below: int) -> list[int]:
    if not isinstance(values, list) or not all(type(value) is int for value in values):
        raise ValueError("a live table's column is not a list of whole numbers")
    if values and (min(values) < 0 or max(values) >= below):
        raise ValueError("a live table's number is out of range")
    return values


def _rows(flat: object, counts: object, signatures: int) -> tuple[tuple[int, ...], ...]:
    numbers = _numbers(flat, signatures)
    sizes = _numbers(counts, len(numbers) + 1)
    if sum(sizes) != len(numbers):
        raise ValueError("a live table's counts do not add up")
    rows: list[tuple[int, ...]] = []
    start = 0
    for size in sizes:
        rows.append(tuple(numbers[start : start + size]))
        start += size
    return tuple(rows)


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
            bodies.append(tuple(sorted(positive_signatures(stm.body))))
        elif kind == ASTType.External:
            sig = _atom_signature(stm.atom)
            if sig is None:
                raise Unjudgeable(f"an external of a form this module cannot name: {stm}")
            kinds.append(EXTERNAL)
            heads.append((sig,))
            bodies.append(tuple(sorted(positive_signatures(stm.body))))
        else:
            kinds.append(KEEP)
            heads.append(())
            bodies.append(())
        one_line = one_line and "\n" not in str(stm)
    signatures = tuple(sorted({sig for sigs in (*heads, *bodies) for sig in sigs}))
    number = {sig: i for i, sig in enumerate(signatures)}
    return Table(signatures, tuple(kinds), tuple(tuple(number[sig] for sig in sigs) for sigs in heads),
                 tuple(tuple(number[sig] for sig in sigs) for sigs in bodies), one_line)


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


def _propagate(tab: Table, supplied: Iterable[int]) -> tuple[list[bool], list[int]]:
    """Which signatures (by number) may be derivable, and how many body predicates each statement still lacks
    (0: live): the least fixpoint, counting down each statement's missing body predicates as they are found."""
    waiters, start, ready0 = tab.waiting
    heads = tab.heads
    found = [False] * len(tab.signatures)
    missing = list(start)
    ready = list(ready0)
    pending = list(supplied)
    while pending or ready:
        while pending:
            sig = pending.pop()
            if not found[sig]:
                found[sig] = True
                for index in waiters[sig]:
                    missing[index] -= 1
                    if missing[index] == 0:
                        ready.append(index)
        if ready:
            pending.extend(heads[ready.pop()])
    return found, missing


def live_statements(tab: Table, supplied: Iterable[int]) -> tuple[list[int], list[Signature]]:
    """The indices of the statements to keep, given the signatures supplied (by number: ``Table.numbers``), and
    the predicates whose every rule goes (to be ``#defined``).

    A predicate found by the fixpoint is supplied or the head of a kept statement, so the dropped rules'
    heads not found are exactly those no kept statement or fact defines."""
    found, missing = _propagate(tab, supplied)
    kinds, heads, signatures = tab.kinds, tab.heads, tab.signatures
    kept = [index for index, lacking in enumerate(missing) if not lacking or kinds[index] != RULE]
    undefined = {signatures[sig] for index, lacking in enumerate(missing) if lacking and kinds[index] == RULE
                 for sig in heads[index] if not found[sig]}
    return kept, sorted(undefined)


def pickable(grouped: GroupedProgram) -> bool:
    """Whether ``grouped``'s statements can be picked by the numbers of its live table: it has one, and its
    statements line up with it one for one (else a restriction adds them all)."""
    tab = grouped.live_table
    return tab is not None and len(grouped.aligned_statements()) == len(tab.kinds)


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
                    if not pickable(self.grouped):
                        # Statements that do not line up with the table are never picked by it: all are added.
                        self._statements = every
                    else:
                        defined = [ast.Defined(_LOC, name, arity, 1) for name, arity in self.undefined]
                        self._statements = (*(every[i] for i in self.kept), *defined)
        return self._statements

    def add_to(self, ctl: clingo.Control) -> None:
        text = None if self.grouped.has_statements else self.text
        if text is not None and self.grouped.claim_text():
            ctl.add("base", [], text)
            return
        add_statements(ctl, self.statements)


Rules = GroupedProgram | LiveProgram

_memo: OrderedDict[tuple[int, frozenset[str]], tuple[GroupedProgram, Rules]] = OrderedDict()
_memo_lock = threading.Lock()


def restricted(grouped: GroupedProgram, names: Iterable[str]) -> Rules:
    """``grouped`` restricted to the statements that facts of the predicates ``names`` can fire. ``names`` is
    every predicate name the group's facts hold, the grouping's own ``group_*`` ones included; each counts
    under every arity the program knows for it (a fact of another arity is refused after grounding anyway).
    ``grouped`` itself when every statement stays or the program cannot be judged. Kept for the last
    ``MEMO_LIMIT`` sets."""
    key = (id(grouped), frozenset(names))
    with _memo_lock:
        held = _memo.get(key)
        if held is not None and held[0] is grouped:
            _memo.move_to_end(key)
            return held[1]
    tab = grouped.live_table
    rules: Rules = grouped
    if tab is not None:
        kept, undefined = live_statements(tab, tab.numbers(key[1]))
        if len(kept) < len(tab.kinds):
            rules = LiveProgram(grouped, kept, undefined)
    with _memo_lock:
        _memo[key] = (grouped, rules)
        while len(_memo) > MEMO_LIMIT:
            _memo.popitem(last=False)
    return rules

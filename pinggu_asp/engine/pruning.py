"""The grouped program cut down to what a reader wants: the statements its shown predicates rest on.

Why: a batch that writes no results (``--summary`` alone, a reform's digest)
reads a few predicates of each answer (``batch/summary.py``), but the whole
program grounds every explanation (``explain.lp``), the derivation of each
amount, the condition texts and sources, and shows them all: about half of a
member's atoms and most of what is read back are for results nobody builds.

How: start from the predicates wanted, plus everything an integrity
constraint, an optimisation statement or an external reads; keep every rule
with a head among them and add all that rule reads (its body, its head's
conditions) and every other atom its head can derive; repeat until nothing is
added. What is kept is exactly the set ``U`` of predicates so found, with
every rule that derives any of them, and the ``#show`` statements of the
wanted predicates.

Why it is sound (the splitting-set theorem, Lifschitz and Turner 1994): ``U``
is a splitting set of the whole program, because every rule whose head meets
``U`` has all its atoms in ``U`` (that is how ``U`` was closed). Then each
answer set of the whole program is an answer set ``X`` of the kept part
(the bottom) together with an answer set of the dropped part evaluated under
``X``, and every answer set of the bottom extends so; so the answer sets
of the kept part are those of the whole, restricted to ``U``. The dropped
rules contain no constraint (all are kept), so no answer set of the bottom
lacks an extension, and they cannot make one where the whole had none. The
optimisation statements are all in the bottom, so the optima, the equally
good choices and the chosen set are the same. The wanted shown atoms are
therefore those of the full program, atom for atom, and the errors the kept
part derives (``money_overflow``, ``rule_error``, kept because the solve reads
them) are the same; an error atom would be lost only if it were not wanted,
which ``prune`` refuses. ``check_split`` asserts the condition on the result.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from clingo import ast
from clingo.ast import AST, ASTType

from . import grouping
from .grouping import GroupedProgram, Signature

# Statements kept whatever is wanted: they derive nothing a reader could miss and
# are needed for the rest to parse or ground (the program part, constants, #defined).
_ALWAYS = (ASTType.Program, ASTType.Definition, ASTType.Defined)


def _atoms(nodes: Iterable[AST]) -> set[Signature]:
    """Every predicate the nodes' symbolic atoms name; an atom of a form it cannot name is an error: it would
    be a dependency the closure misses, so it is refused rather than a program kept that reads what it dropped."""
    return grouping._signatures(nodes, strict=True)


def heads(stm: AST) -> set[Signature]:
    """The predicates a rule can derive (none for a constraint)."""
    head = stm.head
    if head.ast_type == ASTType.Literal:
        if head.atom.ast_type == ASTType.BooleanConstant:
            return set()
        if head.atom.ast_type != ASTType.SymbolicAtom or head.sign != ast.Sign.NoSign:
            raise ValueError(f"a rule head of a kind the pruning does not know: {stm}")
        return _atoms([head.atom])
    if head.ast_type in (ASTType.Aggregate, ASTType.Disjunction):
        # A choice or a disjunction: the atoms it can derive, not their conditions.
        found: set[Signature] = set()
        for element in head.elements:
            literal = element.literal
            if literal.ast_type != ASTType.Literal or literal.sign != ast.Sign.NoSign:
                raise ValueError(f"a rule head of a kind the pruning does not know: {stm}")
            found |= _atoms([literal.atom])
        return found
    raise ValueError(f"a rule head of a kind the pruning does not know: {stm}")


def reads(stm: AST) -> set[Signature]:
    """The predicates a statement reads: a rule's body and its head's conditions, an optimisation's
    body, an external's condition, a shown term's body."""
    if stm.ast_type == ASTType.Rule:
        return _atoms(stm.body) | (_atoms([stm.head]) - heads(stm))
    if stm.ast_type in (ASTType.Minimize, ASTType.External, ASTType.ShowTerm):
        return _atoms(stm.body)
    return set()


def _is_constraint(stm: AST) -> bool:
    """A rule that can remove an answer set: an integrity constraint, or a choice with bounds (which can fail)."""
    if stm.ast_type != ASTType.Rule:
        return False
    head = stm.head
    if head.ast_type == ASTType.Aggregate:
        return head.left_guard is not None or head.right_guard is not None
    return not heads(stm)


def prune(statements: Sequence[AST], wanted: Iterable[Signature]) -> tuple[list[AST], frozenset[Signature]]:
    """The statements the ``wanted`` predicates (and every constraint, optimisation and external) rest on,
    with only the wanted ``#show`` statements; and the predicates kept (the splitting set).

    The signatures are as ``statements`` spell them (a grouped program's carry the member first).
    Every statement of a kind not named here is an error, never silently kept or dropped."""
    wanted = set(wanted)
    # Each statement's (derives, reads), found once: walking a statement through clingo's AST is the cost here.
    edges: list[tuple[set[Signature], set[Signature]] | None] = []
    derives: dict[Signature, list[int]] = {}
    seeds: list[int] = []
    for index, stm in enumerate(statements):
        kind = stm.ast_type
        edge: tuple[set[Signature], set[Signature]] | None = None
        if kind == ASTType.Rule:
            edge = (heads(stm), reads(stm))
            if _is_constraint(stm):
                seeds.append(index)
            for sig in edge[0]:
                derives.setdefault(sig, []).append(index)
        elif kind in (ASTType.Minimize, ASTType.External):
            # An external's atom is its own: it is kept with the statement that declares it.
            edge = (_atoms([stm.atom]) if kind == ASTType.External else set(), reads(stm))
            seeds.append(index)
        elif kind == ASTType.ShowTerm:
            edge = (set(), reads(stm))
            if _shown_term(stm) in wanted:
                seeds.append(index)  # a wanted shown term: what its condition reads is kept
        elif kind not in (ASTType.ShowSignature, *_ALWAYS, ASTType.Comment):
            raise ValueError(f"a statement of a kind the pruning does not know: {stm}")
        edges.append(edge)
    kept: set[int] = set()
    closed: set[Signature] = set()
    pending: list[Signature] = sorted(wanted)

    def keep(index: int) -> None:
        if index not in kept:
            kept.add(index)
            derived, read = edges[index] or (set(), set())
            # A rule kept for one of its heads keeps every atom it can derive, and all it reads.
            pending.extend(derived | read)

    for index in seeds:
        keep(index)
    while pending:
        sig = pending.pop()
        if sig not in closed:
            closed.add(sig)
            for index in derives.get(sig, ()):
                keep(index)
    out: list[AST] = []
    for index, stm in enumerate(statements):
        kind = stm.ast_type
        if index in kept or kind in _ALWAYS:
            out.append(stm)
        elif kind == ASTType.ShowSignature and ((stm.name, stm.arity) in wanted or not stm.name):
            out.append(stm)  # a wanted predicate's, or ``#show.`` (hide what is not named)
    splitting = frozenset(closed)
    check_split([(stm, edges[i], i in kept or stm.ast_type in _ALWAYS) for i, stm in enumerate(statements)],
                splitting)
    return out, splitting


def _shown_term(stm: AST) -> Signature | None:
    term = stm.term
    if term.ast_type == ASTType.Function:
        return term.name, len(term.arguments)
    return None


def check_split(statements: Sequence[tuple[AST, tuple[set[Signature], set[Signature]] | None, bool]],
                splitting: frozenset[Signature]) -> None:
    """Fails unless ``splitting`` is a splitting set of the statements and the kept ones are exactly its bottom.

    Each statement comes with what it derives and reads and whether it is kept. Every kept statement
    reads and derives only predicates of the set; every dropped rule derives none of them; no
    constraint, optimisation or external is dropped. ``prune`` keeps to this by construction; this
    holds it to it, so a change there that broke the theorem's condition fails here, never silently.

    And the dropped rules are stratified (no cycle of theirs through negation or an aggregate): with
    no constraint among them, they then have an answer set on top of every answer set of the kept
    part, so dropping them removes none (``x :- not x.`` among them would, and is refused)."""
    above: dict[Signature, set[tuple[Signature, bool]]] = {}
    for stm, edge, is_kept in statements:
        kind = stm.ast_type
        derived, read = edge or (set(), set())
        if is_kept:
            outside = (derived | read) - splitting
            if outside:
                raise ValueError(f"a kept statement reads or derives a dropped predicate {sorted(outside)}: {stm}")
        elif kind == ASTType.Rule:
            if _is_constraint(stm):
                raise ValueError(f"a constraint was dropped: {stm}")
            if derived & splitting:
                raise ValueError(f"a dropped rule derives a kept predicate: {stm}")
            # Read through plain positive literals; all else (negation, aggregates, conditions) may be
            # non-monotone, and counts as such for stratification.
            monotone = grouping.positive_signatures(stm.body)
            for head in derived:
                above.setdefault(head, set()).update((sig, sig not in monotone) for sig in read - splitting)
        elif kind in (ASTType.Minimize, ASTType.External):
            raise ValueError(f"an optimisation or external was dropped: {stm}")
    for head, edges in above.items():
        for sig, negative in edges:
            if negative and _reaches(above, sig, head):
                raise ValueError(f"the dropped rules are not stratified: {head[0]}/{head[1]} and "
                                 f"{sig[0]}/{sig[1]} depend on each other through negation or an aggregate")


def _reaches(graph: dict[Signature, set[tuple[Signature, bool]]], start: Signature, goal: Signature) -> bool:
    seen = {start}
    stack = [start]
    while stack:
        node = stack.pop()
        if node == goal:
            return True
        for nxt, _ in graph.get(node, ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return False


def prune_grouped(grouped: GroupedProgram, shown: Iterable[str]) -> GroupedProgram:
    """``grouped`` with only the predicates named in ``shown`` shown, and the rules they rest on.

    ``shown`` names predicates as show.lp does, by name: each must be shown by ``grouped``, so a
    reader never asks for a predicate the full program does not give (a renamed one fails here).
    The grouped signatures, externals and member predicates are the full program's: the facts a
    member brings are the same, and a fact the kept rules do not read is simply not shown.
    """
    with grouping.AST_LOCK:  # the walk reads statements other threads may be adding (grouping.AST_LOCK)
        return _prune_grouped(grouped, set(shown))


def _prune_grouped(grouped: GroupedProgram, names: set[str]) -> GroupedProgram:
    statements = grouped.statements
    showing = {(stm.name, stm.arity) for stm in statements if stm.ast_type == ASTType.ShowSignature and stm.name}
    missing = names - {name for name, _ in showing}
    if missing:
        raise ValueError(f"the program does not show {', '.join(sorted(missing))}")
    wanted = {sig for sig in showing if sig[0] in names}
    kept, _ = prune(statements, wanted)
    return GroupedProgram(tuple(kept), grouped.dependent, grouped.externals, grouped.parameters)


def cached_pruned(grouped: Callable[[], GroupedProgram], shown: Iterable[str], rules_sha256: str) -> GroupedProgram:
    """``prune_grouped``, read from the cache when these rules were cut to these predicates before.

    Cutting walks every statement through clingo's AST (about half a second), so its result is kept
    beside the grouped program's, in the same checked format (``grouping._store``), keyed by the rules,
    both modules, clingo's version and the names; ``grouped`` is called only on a miss. Never fails
    for the cache: an unreadable or damaged one only costs the cut."""
    names = sorted(set(shown))
    path = grouping.cache_path("pruned", [rules_sha256, Path(__file__).read_text(encoding="utf-8"), *names])
    return grouping.cached_program(path, lambda: prune_grouped(grouped(), names))

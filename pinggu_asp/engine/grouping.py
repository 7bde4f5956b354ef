"""One program for a group of declarations: every declaration-dependent atom gains an enterprise argument.

Why: grounding the rules costs far more than the facts of one declaration
(about four fifths of a lone check goes to instantiating the program and
its constant tables). Grounding a group of declarations in one Control pays
that once per group. The rules in ``asp_rules/`` stay written for one
enterprise, as the law is; this module rewrites their parsed statements so
that each predicate that depends on declared facts carries the enterprise
first, and the constant ones (texts, tables, the tie-break switch) stay shared.

A predicate depends on the declaration when Python supplies it (it has no
rule of its own) or when a rule deriving it has a dependent literal anywhere
in its body. Each rewritten rule also binds the enterprise in its body with
``group_member(E)``, so a rule reached only through negation or an aggregate
stays safe, and the optimisation terms carry it, so two enterprises' equal
tuples never merge. A choice of award is open only while its enterprise is
``group_active/1``: the whole group is optimised at once with every member
active, and a member with a conflict is solved again alone under that external
for its equally good alternatives (see ``solve.py``).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cached_property
from pathlib import Path

import clingo
from clingo import ast
from clingo._internal import _handle_error, _lib
from clingo.ast import AST, ASTType, Location, Position

from ..atomic import write_atomic

MEMBER = "group_member"
ACTIVE = "group_active"
# The parameters in force are shared: each distinct set is added once as
# PARAMETER_SET(P), and MEMBER_PARAMETERS(E, P) names the set of member E.
PARAMETER_SET = "group_parameter_set"
MEMBER_PARAMETERS = "group_parameters"
# The predicates Python supplies per parameter set rather than per member.
PARAMETER_FACTS: frozenset[tuple[str, int]] = frozenset(
    {("param_money", 2), ("param_rate", 3), ("param_date", 2), ("param_int", 2)}
)
# Not yet known (engine/live.py's table of a program made in this process is made when first asked for).
_UNKNOWN = object()
_VAR = "E__"
_PVAR = "P__"

_LOC = Location(Position("<group>", 1, 1), Position("<group>", 1, 1))

_FREE = ast.Function(_LOC, "free", [], 0)

Signature = tuple[str, int]


def _atom_signature(node: AST) -> Signature | None:
    if node.ast_type != ASTType.SymbolicAtom:
        return None
    term = node.symbol
    if term.ast_type == ASTType.Function and not term.external:
        return term.name, len(term.arguments)
    if term.ast_type == ASTType.SymbolicTerm and term.symbol.type == clingo.SymbolType.Function:
        sym = term.symbol
        return sym.name, len(sym.arguments)
    return None


class _Collect(ast.Transformer):
    """The signatures of every symbolic atom in a subtree; with ``strict``, an atom of a form it cannot name
    (a pruning's analysis must not miss a dependency) is an error rather than skipped."""

    def __init__(self, strict: bool = False) -> None:
        self.found: set[Signature] = set()
        self.strict = strict

    def visit_SymbolicAtom(self, node: AST) -> AST:  # noqa: N802 - clingo's visitor naming
        sig = _atom_signature(node)
        if sig is not None:
            self.found.add(sig)
        elif self.strict:
            raise ValueError(f"an atom of a form the pruning does not know: {node.symbol}")
        return node


def _signatures(nodes: Iterable[AST], strict: bool = False) -> set[Signature]:
    collector = _Collect(strict)
    for node in nodes:
        collector(node)
    return collector.found


def positive_signatures(body: Iterable[AST]) -> set[Signature]:
    """The predicates of a body's plain positive literals (not negated, not an aggregate, a comparison or a
    conditional literal): what a rule needs atoms of to have an instance. An atom of a form ``_atom_signature``
    cannot name is left out."""
    found: set[Signature] = set()
    for lit in body:
        if lit.ast_type == ASTType.Literal and lit.sign == ast.Sign.NoSign:
            sig = _atom_signature(lit.atom)
            if sig is not None:
                found.add(sig)
    return found


def add_statements(ctl: clingo.Control, statements: Iterable[AST]) -> None:
    """Add parsed statements to a Control, under ``AST_LOCK`` (other threads may be adding the same ones)."""
    # clingo's C call straight, as ProgramBuilder.add makes it: the method's wrapping is about a tenth of
    # adding a lone declaration's ~860 statements (0.5 of 4.5 ms).
    add = _lib.clingo_program_builder_add
    with AST_LOCK, ast.ProgramBuilder(ctl) as builder:
        rep = builder._rep
        for statement in statements:
            if not add(rep, statement._rep):
                _handle_error(False)


def _head_signatures(rule: AST) -> set[Signature]:
    head = rule.head
    if head.ast_type == ASTType.Literal:
        return _signatures([head.atom]) if head.atom.ast_type == ASTType.SymbolicAtom else set()
    # A choice, disjunction or head aggregate: the atoms it can derive, not its conditions.
    elements = getattr(head, "elements", [])
    return _signatures([e.literal.atom if hasattr(e, "literal") else e.atom for e in elements])


def _classify(statements: Sequence[AST]) -> tuple[frozenset[Signature], frozenset[Signature]]:
    """The predicates that differ per declaration, and those that differ only per set of parameters.

    Python supplies what no rule derives, a 0-ary switch aside: the parameters' facts
    (``PARAMETER_FACTS``) per parameter set, everything else per declaration. A derived predicate
    depends on the declaration when any rule deriving it has a dependent literal
    anywhere in its body; otherwise on the parameters when any of its rules reads
    one (so rates, caps and dates derived from parameters alone are grounded once
    per set, not once per member); otherwise it is the same for every member.
    """
    heads: dict[Signature, list[set[Signature]]] = {}
    used: set[Signature] = set()
    for stm in statements:
        if stm.ast_type == ASTType.Rule:
            body = _signatures(stm.body) | (_signatures([stm.head]) - _head_signatures(stm))
            for sig in _head_signatures(stm):
                heads.setdefault(sig, []).append(body)
            used |= body
        elif stm.ast_type == ASTType.Minimize:
            used |= _signatures(stm.body)
        elif stm.ast_type in (ASTType.ShowSignature, ASTType.Defined):
            used.add((stm.name, stm.arity))
    externals = {sig for stm in statements if stm.ast_type == ASTType.External for sig in _signatures([stm.atom])}
    # A 0-ary predicate no rule derives is a switch that an interpretation's file
    # sets (interpretations/*.lp), off in these rules; Python never supplies one
    # (a declaration's facts always have arguments, and a 0-ary fact it added would
    # gain the member and then be refused as unread by solve.grounded_control).
    # Left constant, the rules reading it stay shared (art7's new_title_check/2
    # facts, once per group instead of once per member).
    supplied = {sig for sig in used if sig not in heads and sig not in externals and sig[1] > 0}
    if any(stm.ast_type == ASTType.Rule and not _head_signatures(stm) and stm.head.ast_type != ASTType.Literal
           for stm in statements):
        raise ValueError("a rule head of a kind the grouping does not know")
    dependent = _closure(supplied - PARAMETER_FACTS, heads, set())
    parameters = _closure(supplied & PARAMETER_FACTS, heads, dependent)
    return frozenset(dependent), frozenset(parameters)


def _closure(start: set[Signature], heads: dict[Signature, list[set[Signature]]], beside: set[Signature]) -> set[Signature]:
    """``start`` and every head derived from it, leaving out the signatures in ``beside``."""
    found = set(start)
    changed = True
    while changed:
        changed = False
        for sig, bodies in heads.items():
            if sig not in found and sig not in beside and any(body & found for body in bodies):
                found.add(sig)
                changed = True
    return found


def dependent_signatures(statements: Sequence[AST]) -> frozenset[Signature]:
    """The predicates whose atoms differ from one declaration to the next."""
    return _classify(statements)[0]


class _AddEnterprise(ast.Transformer):
    """A member's atoms gain its number E__ first; a parameter set's atoms gain the set's, P__."""

    def __init__(self, dependent: frozenset[Signature], parameters: frozenset[Signature] = frozenset()) -> None:
        self.dependent = dependent
        self.parameters = parameters
        self.touched = False
        self.touched_parameters = False

    def visit_SymbolicAtom(self, node: AST) -> AST:  # noqa: N802 - clingo's visitor naming
        sig = _atom_signature(node)
        if sig is None:
            return node
        if sig in self.dependent:
            self.touched = True
            var = ast.Variable(_LOC, _VAR)
        elif sig in self.parameters:
            self.touched_parameters = True
            var = ast.Variable(_LOC, _PVAR)
        else:
            return node
        term = node.symbol
        if term.ast_type == ASTType.SymbolicTerm:
            args = [ast.SymbolicTerm(_LOC, a) for a in term.symbol.arguments]
            return node.update(symbol=ast.Function(_LOC, term.symbol.name, [var, *args], 0))
        return node.update(symbol=term.update(arguments=[var, *term.arguments]))


def _literal(name: str, *variables: str) -> AST:
    args = [ast.Variable(_LOC, v) for v in variables or (_VAR,)]
    atom = ast.SymbolicAtom(ast.Function(_LOC, name, args, 0))
    return ast.Literal(_LOC, ast.Sign.NoSign, atom)


# Held while clingo reads or walks AST nodes that threads share (a grouped program's statements, and
# the nodes the rewrite shares between them). clingo counts an AST node's references without atomics
# and its Python module releases the GIL in each call, so two threads adding the same statements to
# their Controls at once corrupted the counts: nodes were freed while held ("invalid ast: term
# expected" from then on; tests/test_ast_threads.py). Adding the rules is about 6 ms of a check.
AST_LOCK = threading.RLock()


class GroupedProgram:
    """The grouped rules, as parsed statements or as the program text they print as.

    Read from the cache, the rules are text until some Control needs them a
    second time: clingo parses text given to ``Control.add`` in about half the
    time that parsing it to an AST and handing each statement to a
    ``ProgramBuilder`` takes, while a builder re-adding statements parsed once
    is three times faster than that (benchmarks/bench_program_load.py). So a
    process's first Control (all that a cold ``check`` builds) gets the text, and
    every later one the statements, parsed on that second use.
    """

    def __init__(self, statements: Sequence[AST] | None, dependent: frozenset[Signature],
                 externals: tuple[Signature, ...], parameters: frozenset[Signature] = frozenset(),
                 text: str | None = None, live: live_module.Table | None | object = _UNKNOWN) -> None:
        if statements is None and text is None:
            raise ValueError("a grouped program needs its statements or its text")
        self._statements = None if statements is None else tuple(statements)
        self._text = text
        self._text_added = False
        # Parsed back from the text, the statements begin with the "#program base." clingo puts first.
        self._parsed_from_text = False
        # engine/live.py's table of the statements (None: not judgeable), read from the cache or made on demand.
        self._live = live
        # The predicates that carry the enterprise, with their arity as Python supplies them.
        self.dependent = dependent
        # The externals of the rules (each set by an assumption on every solve).
        self.externals = externals
        # The predicates derived from the parameters alone: one per parameter set, shown under each member.
        self.parameters = parameters

    @property
    def statements(self) -> tuple[AST, ...]:
        if self._statements is None:
            with AST_LOCK:
                if self._statements is None:
                    parsed: list[AST] = []
                    ast.parse_string(self.text, parsed.append)
                    self._statements = tuple(parsed)
                    self._parsed_from_text = True
        return self._statements

    @property
    def has_statements(self) -> bool:
        """Whether the statements are parsed (else a Control would parse them, or get the text)."""
        return self._statements is not None

    def aligned_statements(self) -> tuple[AST, ...]:
        """The statements, one for each line of the text as the program was made (what engine/live.py's table
        indexes): without the "#program base." that parsing the text puts first."""
        statements = self.statements
        if self._parsed_from_text and statements and statements[0].ast_type == ASTType.Program:
            return statements[1:]
        return statements

    @property
    def live_table(self) -> live_module.Table | None:
        """Each statement's heads and plain positive body predicates (engine/live.py); None when a statement
        cannot be judged. Kept with the cached program: made here only for a program made in this process."""
        if self._live is _UNKNOWN:
            with AST_LOCK:
                if self._live is _UNKNOWN:
                    try:
                        self._live = live_module.table(self.aligned_statements())
                    except live_module.Unjudgeable:
                        self._live = None
        return self._live  # type: ignore[return-value]

    def claim_text(self) -> bool:
        """True once: the process's first Control gets the program as text (see ``add_to``)."""
        with AST_LOCK:
            first = not self._text_added
            self._text_added = True
        return first

    @property
    def text(self) -> str:
        if self._text is None:
            with AST_LOCK:
                self._text = "\n".join(str(stm) for stm in self.statements)
        return self._text

    @cached_property
    def by_member(self) -> frozenset[Signature]:
        """The predicates a model shows with a member or a parameter set first (``_show_plain``), as Python supplies them.

        Made once: every group reads it, and it keys the group's answer reader (``raw_symbols.shared_reader``)."""
        return self.dependent | self.parameters

    def add_to(self, ctl: clingo.Control) -> None:
        """Add the rules to a new Control: as text the first time when they came as text, else as statements."""
        if self._statements is None and self.claim_text():
            ctl.add("base", [], self.text)
            return
        add_statements(ctl, self.statements)


def group_program(statements: Sequence[AST]) -> GroupedProgram:
    """The statements rewritten for a group; comments are dropped (the builder has no use for them)."""
    # Unpooled first, so that every atom shows its true arity (``p(a,b; c,d)`` is two atoms of arity 2).
    kept = [u for s in statements if s.ast_type != ASTType.Comment for u in s.unpool()]
    dependent, parameters = _classify(kept)
    externals = tuple(sorted(sig for s in kept if s.ast_type == ASTType.External for sig in _signatures([s.atom])))
    return GroupedProgram(tuple(_rewrite(kept, dependent, parameters)), dependent, externals, parameters)


def _rewrite(
    statements: Sequence[AST], dependent: frozenset[Signature], parameters: frozenset[Signature] = frozenset()
) -> Iterator[AST]:
    for stm in statements:
        if stm.ast_type == ASTType.ShowSignature and (stm.name, stm.arity) in dependent | parameters:
            # Shown plainly, with the member (or the parameter set) first: see _show_plain.
            yield _show_plain(stm)
            continue
        if stm.ast_type == ASTType.Defined:
            yield stm.update(arity=stm.arity + 1) if (stm.name, stm.arity) in dependent | parameters else stm
            continue
        if stm.ast_type == ASTType.External:
            # Free, and set by assumptions on every solve: assigning an external
            # changes the program, which clingo then prepares again in full.
            yield stm.update(external_type=_FREE)
            continue
        if stm.ast_type not in (ASTType.Rule, ASTType.Minimize):
            yield stm
            continue
        stm = _name_anonymous(stm)
        adder = _AddEnterprise(dependent, parameters)
        new = adder(stm)
        if not adder.touched and not adder.touched_parameters:
            yield stm
            continue
        if not adder.touched:
            if stm.ast_type == ASTType.Minimize:
                raise ValueError("an optimisation over the parameters alone")
            yield new.update(body=[*new.body, _literal(PARAMETER_SET, _PVAR)])
            continue
        # The member is bound by a positive dependent literal of the body where there is one;
        # group_member(E) is only needed where there is none (negation, aggregates only).
        extra = [] if _binds_member(stm, dependent) else [_literal(MEMBER)]
        if adder.touched_parameters:
            extra.append(_literal(MEMBER_PARAMETERS, _VAR, _PVAR))
        if stm.ast_type == ASTType.Rule and stm.head.ast_type == ASTType.Aggregate:
            extra.append(_literal(ACTIVE))
        if stm.ast_type == ASTType.Minimize:
            new = new.update(terms=[ast.Variable(_LOC, _VAR), *new.terms])
        yield new.update(body=[*new.body, *extra])
    member = ast.SymbolicAtom(ast.Function(_LOC, ACTIVE, [ast.Variable(_LOC, _VAR)], 0))
    yield ast.External(_LOC, member, [_literal(MEMBER)], _FREE)
    # Shown terms alone would leave every atom shown as well; ``#show.`` hides what is not named.
    yield ast.ShowSignature(_LOC, "", 0, 1)


class _NameAnonymous(ast.Transformer):
    """Each ``_`` becomes a variable of its own, ``A__1``, ``A__2``, ..."""

    def __init__(self) -> None:
        self.count = 0

    def visit_Variable(self, node: AST) -> AST:  # noqa: N802 - clingo's visitor naming
        if node.name != "_":
            return node
        self.count += 1
        return node.update(name=f"A__{self.count}")


def _name_anonymous(rule: AST) -> AST:
    """The rule (or optimisation) with every ``_`` of a positive body literal named, which leaves its meaning as it was.

    gringo answers ``val(K, _)`` in a body through a projection, an auxiliary atom
    ``#p_val(E, K)`` for every atom of ``val/3`` in the group, whatever K the rule
    asks for: about 340 such atoms a member, two thirds as many as its own atoms.
    With the variable named there is no projection; a rule may then be instantiated
    once for each value of the variable, but the keys, conditions and amounts these
    rules read have one value each. A ``_`` under negation is left alone: there it
    means "for no value", which only a projection states.
    """
    namer = _NameAnonymous()
    body = [namer(lit) if lit.ast_type == ASTType.Literal and lit.sign == ast.Sign.NoSign
            and lit.atom.ast_type == ASTType.SymbolicAtom else lit for lit in rule.body]
    return rule.update(body=body) if namer.count else rule


def _binds_member(stm: AST, dependent: frozenset[Signature]) -> bool:
    return not positive_signatures(stm.body).isdisjoint(dependent)


def _show_plain(stm: AST) -> AST:
    """``#show p/n+1.``: every member's atoms shown with the member first, a parameter set's with the set first.

    A conditional show (``#show p(E,X..) : p(E,X..), group_active(E).``) cost
    grounding a show term for every shown atom, a fifth of grounding the group.
    Shown plainly, a solve with only some members open shows the closed ones'
    atoms too; ``solve._Group.split`` keeps only the members asked for (members
    share no atom, and ``group_active`` only opens a member's choice), and puts
    each parameter set's atoms, shown once per set, under every member of that
    set (``group_parameters(E,P)``).
    """
    return stm.update(arity=stm.arity + 1)


# Rewriting walks every node of the parsed rules through clingo's C API, which
# takes longer than a whole check; the result is kept as program text, keyed by
# the rules, this module and clingo's version, and parsed back in milliseconds.
_CACHE_FORMAT = 4


def cache_dir() -> Path:
    configured = os.environ.get("PINGGU_ASP_CACHE")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "pinggu-asp"


def cache_path(kind: str, parts: Iterable[str]) -> Path:
    """Where a program of ``kind`` made from ``parts`` is kept: named by their digest with clingo's
    version, the cache format and this module's text, so that a change to any is another file."""
    digest = hashlib.sha256()
    for part in (*parts, clingo.__version__, str(_CACHE_FORMAT), Path(__file__).read_text(encoding="utf-8"),
                 Path(live_module.__file__).read_text(encoding="utf-8")):
        digest.update(part.encode() + b"\0")
    return cache_dir() / f"{kind}-{digest.hexdigest()}.json"


def cached_program(path: Path, make: Callable[[], GroupedProgram]) -> GroupedProgram:
    """The program kept at ``path`` (``cache_path``), else ``make()``'s, stored there; never fails for the
    cache: an unreadable or damaged file (``_load`` checks its digest) only costs making it again."""
    try:
        return _load(path)
    except (OSError, ValueError, KeyError, TypeError, RuntimeError):
        pass
    program = make()
    try:
        _store(path, program)
    except OSError:
        pass  # a read-only home only costs making it in every process
    return program


def cached_group_program(statements: Sequence[AST] | Callable[[], Sequence[AST]], rules_sha256: str) -> GroupedProgram:
    """``group_program``, read from the cache when these rules were rewritten before; never fails for the cache.

    ``rules_sha256`` is the digest of the rule files' bytes; ``statements`` may be a function that parses
    them, called only on a cache miss (parsing the files costs more than reading the cache)."""

    def rewrite() -> GroupedProgram:
        with AST_LOCK:  # the rewrite walks parsed statements that other threads may be reading
            return group_program(statements() if callable(statements) else statements)

    return cached_program(cache_path("grouped", [rules_sha256]), rewrite)


def _store(path: Path, grouped: GroupedProgram) -> None:
    payload = {
        "format": _CACHE_FORMAT,
        "dependent": sorted([name, arity] for name, arity in grouped.dependent),
        "externals": [[name, arity] for name, arity in grouped.externals],
        "parameters": sorted([name, arity] for name, arity in grouped.parameters),
        "program": grouped.text,
        # engine/live.py's table, so that no process walks the statements to restrict them.
        "live": None if grouped.live_table is None else grouped.live_table.to_json(),
    }
    # The file names its own content's digest, checked before clingo parses a
    # word of it: a truncated or edited cache is rewritten, never run.
    document = {"sha256": _content_digest(payload), **payload}
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written whole and then renamed, so a reader never sees half a program.
    write_atomic(path, json.dumps(document, ensure_ascii=False))


def _content_digest(payload: dict[str, object]) -> str:
    canonical = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _load(path: Path) -> GroupedProgram:
    document = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(document, dict):
        raise ValueError("not a cache document")
    stored = document.pop("sha256", None)
    if not isinstance(stored, str) or stored != _content_digest(document):
        raise ValueError("the cache's content does not match its digest")
    if document["format"] != _CACHE_FORMAT:
        raise ValueError("another cache format")
    program = document["program"]
    if not isinstance(program, str):
        raise ValueError("the cached program is not text")
    live = document.get("live")
    # Parsed by clingo only when a Control needs it (GroupedProgram.add_to): checked above, never run unchecked.
    return GroupedProgram(
        None,
        frozenset((name, arity) for name, arity in document["dependent"]),
        tuple((name, arity) for name, arity in document["externals"]),
        frozenset((name, arity) for name, arity in document["parameters"]),
        text=program,
        live=None if live is None else live_module.Table.from_json(live),
    )


# Last: engine/live.py reads this module's names when it is imported (its table is stored with the programs here).
from . import live as live_module  # noqa: E402

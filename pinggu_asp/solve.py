"""Grounding a declaration into clingo and reading back what the program derived."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import clingo
from clingo import Function, Number, Symbol, ast

from .facts import MemberFacts, group_text, member_facts, parameter_facts
from .grouping import (
    ACTIVE,
    MEMBER,
    MEMBER_PARAMETERS,
    PARAMETER_FACTS,
    PARAMETER_SET,
    GroupedProgram,
    cached_group_program,
)
from .interpretations import modules_for
from .model import Declaration
from .parameters import Parameter, ParameterSet, load_parameters
from .rules_files import interpretation_path, program_paths
from .symbols import Reader, Term

# How many other equally favourable sets the result lists at most.
ALTERNATIVES_LIMIT = 20
# How many it collects before choosing those it lists: the first in a fixed
# order of all that were found, so the list does not depend on the search
# whenever there are at most this many.
ALTERNATIVES_SCAN = 1000


class EngineError(Exception):
    """The rules could not decide exactly; the message says why. Never a wrong number."""


@dataclass
class Derived:
    """The atoms of the chosen answer set, by predicate, and the equally good other sets."""

    atoms: dict[str, list[Term]]
    chosen: frozenset[Term]
    alternatives: list[frozenset[Term]] = field(default_factory=list)
    alternatives_truncated: bool = False
    interpretations: tuple[str, ...] = ()

    def get(self, name: str) -> list[Term]:
        return self.atoms.get(name, [])


@dataclass(frozen=True)
class Ruleset:
    """The programs and parameters a run uses; cheap to reuse across many declarations."""

    parameters: ParameterSet
    switches: tuple[str, ...] = ()

    @property
    def modules(self) -> list[str]:
        return modules_for(self.switches)

    def files(self) -> list[Path]:
        return list(_files(self.switches))

    def program(self) -> tuple[tuple[ast.AST, ...], str]:
        """The parsed statements of every rule file, and their SHA-256, read once per process."""
        return _parse(_files(self.switches))

    def grouped(self) -> GroupedProgram:
        """The statements rewritten for a group of declarations, once per process."""
        statements, digest = self.program()
        return _grouped(statements, digest)

    @property
    def sha256(self) -> str:
        return self.program()[1]


@lru_cache(maxsize=16)
def _files(switches: tuple[str, ...]) -> tuple[Path, ...]:
    # Every result names the rules' digest; finding the files once per reading
    # keeps that from costing a directory walk per declaration.
    return tuple(program_paths() + [interpretation_path(name) for name in modules_for(switches)])


@lru_cache(maxsize=16)
def _parse(files: tuple[Path, ...]) -> tuple[tuple[ast.AST, ...], str]:
    # Parsing the rules costs more than grounding a small declaration; a batch
    # parses them once and hands the statements to each new Control.
    statements: list[ast.AST] = []
    errors: list[str] = []

    def logger(code: clingo.MessageCode, message: str) -> None:
        errors.append(message)

    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    try:
        ast.parse_files([str(path) for path in files], statements.append, logger=logger)
    except RuntimeError:
        raise EngineError("the rules do not parse: " + "; ".join(errors)) from None
    return tuple(statements), digest.hexdigest()


@lru_cache(maxsize=16)
def _grouped(statements: tuple[ast.AST, ...], digest: str) -> GroupedProgram:
    return cached_group_program(statements, digest)


def default_ruleset(switches: Iterable[str] = (), parameters_path: Path | None = None) -> Ruleset:
    return Ruleset(parameters=load_parameters(parameters_path), switches=tuple(sorted(set(switches))))


def _group(symbols: Iterable[Term]) -> dict[str, list[Term]]:
    grouped: dict[str, list[Term]] = defaultdict(list)
    for sym in symbols:
        grouped[sym.name].append(sym)
    return {name: sorted(items) for name, items in grouped.items()}


def solve(decl: Declaration, ruleset: Ruleset, params: dict[str, Parameter] | None = None) -> Derived:
    """Decide one declaration; raises ``EngineError`` where the rules cannot decide it exactly."""
    outcome = solve_many([decl], ruleset, None if params is None else [params])[0]
    if isinstance(outcome, EngineError):
        raise outcome
    return outcome


def solve_many(
    decls: Sequence[Declaration],
    ruleset: Ruleset,
    params: Sequence[dict[str, Parameter]] | None = None,
) -> list[Derived | EngineError]:
    """Decide a group of declarations in one Control (see ``grouping.py``), in order."""
    return decide_group(ruleset.grouped(), group_members(decls, ruleset, params))


def group_members(
    decls: Sequence[Declaration],
    ruleset: Ruleset,
    params: Sequence[dict[str, Parameter]] | None = None,
) -> list[MemberFacts]:
    """Each declaration's facts and the parameters in force; members with the same parameters
    share the very same parameter Symbols, which ``group_text`` then adds once."""
    in_force: dict[object, tuple[dict[str, Parameter], tuple[Symbol, ...]]] = {}
    members: list[MemberFacts] = []
    for index, decl in enumerate(decls):
        key: object = id(params[index]) if params is not None else decl.declaration_date
        entry = in_force.get(key)
        if entry is None:
            chosen = params[index] if params is not None else ruleset.parameters.in_force(decl.declaration_date)
            entry = in_force[key] = (chosen, tuple(parameter_facts(chosen)))
        members.append(MemberFacts(entry[1], member_facts(decl, entry[0])))
    return members


def decide_group(
    grouped: GroupedProgram,
    members: Sequence[MemberFacts | Iterable[Symbol]],
    seed: int = 0,
    messages: list[str] | None = None,
) -> list[Derived | EngineError]:
    """Ground each member's facts into the grouped program once, then solve each member's selection alone.

    With only its own choices open, a member's optimum and its equally good
    alternatives are exactly those it would have on its own. ``messages``
    collects clingo's log.
    """
    log: list[str] = [] if messages is None else messages

    def logger(code: clingo.MessageCode, message: str) -> None:
        # An exception raised here would abort the process (clingo calls it in a
        # nothrow scope), so only collect.
        log.append(f"{code.name}: {message}")

    ctl = ground_group(grouped, members, seed, logger)
    if any(m.startswith("error") for m in log):
        raise EngineError("the rules failed to ground: " + "; ".join(log))

    lookup = ctl.symbolic_atoms
    active = [_literal(lookup, Function(ACTIVE, [Number(i)])) for i in range(len(members))]
    tiebreak = _literal(lookup, Function("tiebreak"))
    reader = Reader()
    choices: list[list[tuple[int, Term]]] = [[] for _ in members]
    for atom in lookup.by_signature("chosen", 2):
        member, candidate = atom.symbol.arguments
        choices[member.number].append((atom.literal, reader.term(candidate)))
    out: list[Derived | EngineError] = []
    for index in range(len(members)):
        # Only this member's choices open; every other member's stay closed.
        assume = [lit if i == index else -lit for i, lit in enumerate(active)]
        try:
            out.append(_derived(select(ctl, assume, tiebreak, choices[index], reader)))
        except EngineError as exc:
            out.append(exc)
    return out


def ground_group(
    grouped: GroupedProgram,
    members: Sequence[MemberFacts | Iterable[Symbol]],
    seed: int = 0,
    logger: Callable[[clingo.MessageCode, str], None] | None = None,
) -> clingo.Control:
    """A Control with the grouped rules and every member's facts, grounded.

    The facts go in as one text (``facts.group_text``: each fact is ``str()``
    of its Symbol), parsed once: that costs a third of adding them one by one
    through the backend, with the same ground atoms (tests/test_injection.py).
    """
    ctl = clingo.Control(["--warn=none", "--opt-mode=opt", "--models=0", f"--seed={seed}"], logger=logger)
    with ast.ProgramBuilder(ctl) as builder:
        for statement in grouped.statements:
            builder.add(statement)
    text, names = group_text(members, MEMBER, MEMBER_PARAMETERS, PARAMETER_SET)
    ctl.add("base", [], text)
    ctl.ground([("base", [])])
    # A fact no rule reads (a misspelt or retired predicate, a wrong arity) is an error, never silently dropped.
    readable = grouped.dependent | PARAMETER_FACTS
    for name, arity, _ in ctl.symbolic_atoms.signatures:
        if name in names and (name, arity - 1) not in readable:
            raise EngineError(f"the rules never read the fact {name}/{arity - 1}")
    return ctl


def _literal(atoms: clingo.SymbolicAtoms, sym: Symbol) -> int:
    atom = atoms[sym]
    if atom is None:
        raise EngineError(f"the grounded rules lack {sym}")
    return atom.literal


def _derived(selection: tuple[dict[str, list[Term]], frozenset[Term], list[frozenset[Term]], bool]) -> Derived:
    atoms, chosen, alternatives, truncated = selection
    interpretations = tuple(sorted(sym.arguments[0].string for sym in atoms.get("interpretation", [])))
    return Derived(
        atoms=atoms,
        chosen=chosen,
        alternatives=alternatives,
        alternatives_truncated=truncated,
        interpretations=interpretations,
    )


def _alternative_order(candidates: frozenset[Term]) -> list[Term]:
    """Alternatives are listed by their candidates in clingo's symbol order: the same on every run."""
    return sorted(candidates)


def select(
    ctl: clingo.Control,
    assume: Sequence[int],
    tiebreak: int,
    choices: Sequence[tuple[int, Term]],
    reader: Reader,
) -> tuple[dict[str, list[Term]], frozenset[Term], list[frozenset[Term]], bool]:
    """Run select.lp's optimisation on a grounded group (SPEC §4.2) for the member that ``assume`` opens.

    ``assume`` holds program literals (negative: false); ``tiebreak`` is the
    literal of the tie-break switch, and ``choices`` pairs
    each of the member's ``chosen`` literals with its candidate. Returns the
    shown atoms of the chosen answer set by predicate, the chosen candidates,
    the other equally favourable sets (never the chosen one, in a fixed order)
    and whether that list was cut at ALTERNATIVES_LIMIT, all read once into
    Terms (``symbols.py``) by ``reader``. The optimum is read
    from the chosen atoms, never from ``Model.cost``, which clingo truncates to
    32 bits.
    """
    # Weights above 2^31 are split over atoms of their own (select.lp); equivalence
    # preprocessing would merge those atoms, and their weights, back into one.
    ctl.configuration.asp.eq = "0"  # type: ignore[union-attr]
    # Solve 1: the optimum with the fixed candidate order as the last tie-break,
    # so the chosen set never depends on the search.
    ctl.configuration.solve.opt_mode = "opt"  # type: ignore[union-attr]
    best: list[Symbol] | None = None
    with ctl.solve(assumptions=[*assume, tiebreak], yield_=True) as handle:
        for model in handle:
            best = model.symbols(shown=True)
        result = handle.get()
    if best is None or not result.exhausted:
        raise EngineError("the selection found no optimal set of awards")
    atoms = _group(reader.terms(best))
    _check(atoms)
    chosen = frozenset(sym.arguments[0] for sym in atoms.get("chosen", []))

    # Solve 2: every set equally favourable to the enterprise and to the measure
    # (the tie-break off), less the chosen one.
    ctl.configuration.solve.opt_mode = "optN"  # type: ignore[union-attr]
    others: set[frozenset[Term]] = set()
    with ctl.solve(assumptions=[*assume, -tiebreak], yield_=True) as handle:
        for model in handle:
            if not model.optimality_proven:
                continue
            picked = frozenset(candidate for literal, candidate in choices if model.is_true(literal))
            if picked != chosen:
                others.add(picked)
            if len(others) >= ALTERNATIVES_SCAN:
                break
    truncated = len(others) > ALTERNATIVES_LIMIT
    alternatives = sorted(others, key=_alternative_order)[:ALTERNATIVES_LIMIT]
    return atoms, chosen, alternatives, truncated


def _check(atoms: dict[str, list[Term]]) -> None:
    overflow = atoms.get("money_overflow", [])
    if overflow:
        fields = sorted({field for sym in overflow for field in _declared_fields(sym.arguments[0])})
        where = f" from {', '.join(fields)}" if fields else ""
        raise EngineError(
            f"an amount{where} is too large to compute exactly ("
            + ", ".join(str(sym.arguments[0]) for sym in overflow[:3])
            + "); no result is given rather than a wrong one"
        )
    errors = atoms.get("rule_error", [])
    if errors:
        raise EngineError("the rules are inconsistent: " + ", ".join(str(s.arguments[0]) for s in errors))


def _declared_fields(term: Term) -> list[str]:
    """The declared fields a derived money key was computed from, for the error message."""
    from .terms import source_field

    field = source_field(term) if term.type == clingo.SymbolType.Function else None
    if field is not None and not field.startswith("parameters."):
        return [field]
    found: list[str] = []
    for arg in term.arguments if term.type == clingo.SymbolType.Function else []:
        found += _declared_fields(arg)
    return found

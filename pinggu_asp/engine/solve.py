"""Grounding a declaration into clingo and reading back what the program derived."""

from __future__ import annotations

import hashlib
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from math import prod
from operator import itemgetter
from pathlib import Path
from typing import Any

import clingo
from clingo import Function, Number, Symbol, ast

from ..declaration import Declaration
from ..policy.interpretations import modules_for
from ..policy.parameters import Parameter, ParameterSet, load_parameters
from ..policy.rules_files import interpretation_path, program_paths
from . import answer, collector, grouping, live, spare
from .answer import records
from .facts import MemberFacts, group_text, member_facts, parameter_facts
from .grouping import (
    ACTIVE,
    MEMBER,
    MEMBER_PARAMETERS,
    PARAMETER_FACTS,
    PARAMETER_SET,
    GroupedProgram,
    _head_signatures,
    cached_group_program,
)
from .limits import TIME_LIMIT
from .pruning import cached_pruned, reads
from .raw_symbols import SHARED, UNREAD, Entry, RawReader, Slot, set_slot, shared_reader, shown_ids, signatures_named
from .raw_symbols import symbol as raw_symbol
from .symbols import Term

# Limits on what a result lists and on the time a declaration may take, all here.
# How many other equally favourable whole sets the result lists at most (``alternatives``).
ALTERNATIVES_LIMIT = 20
# How many equally good choices are enumerated for one independent conflict
# (a connected part of the conflict graph) at most; past it, its count is
# unknown and its listed choices are the first of those found.
CHOICES_SCAN = 1000
# How many are enumerated over all the conflicts of one declaration at most.
CHOICES_SCAN_TOTAL = 20000
# How many other choices of one conflict the result lists at most.
CHOICES_LIMIT = 20
# How many conflicts with equally good choices the result lists at most.
GROUPS_LIMIT = 100
# Seconds the shared optimisation of a group may take before its members are solved alone.
GROUP_SOLVE_LIMIT = 2.0
# Each #maximize level is summed in 64 bits (signed). A candidate weighs at most
# (max_chunks + 1) * chunk_units weight units (select.lp), so a group is optimised
# together only while its candidates times that stays below 2^63.
_WEIGHT_BOUND = (100_000 + 1) * 1_000_000_000
_SUM_BOUND = 2**63 - 1
# The solver's options: usc proves a group's optimum at once where clasp's
# default branch-and-bound did not finish (docs in solve.py's decide_group);
# --eq=0 keeps select.lp's weight chunks on atoms of their own.
CLINGO_OPTIONS = ("--warn=none", "--opt-mode=opt", "--models=0", "--opt-strategy=usc", "--eq=0")


class EngineError(Exception):
    """The rules could not decide exactly; the message says why. Never a wrong number."""


@dataclass(frozen=True)
class Choices:
    """One independent conflict (a connected part of the conflict graph) with more than one equally good choice."""

    candidates: tuple[Term, ...]  # its candidates, in clingo's order
    chosen: frozenset[Term]  # the choice in the chosen set
    others: list[frozenset[Term]]  # the other equally good choices, in the fixed order, at most CHOICES_LIMIT
    count: int | None  # every equally good choice, the chosen one included; None past CHOICES_SCAN


@dataclass
class Derived:
    """The atoms of the chosen answer set, by predicate, and the equally good other sets."""

    atoms: dict[str, list[Term]]
    chosen: frozenset[Term]
    # The first ALTERNATIVES_LIMIT other equally good whole sets, in the fixed order.
    alternatives: list[frozenset[Term]] = field(default_factory=list)
    # True whenever anything below or above was cut: a list, a count, the conflicts listed.
    alternatives_truncated: bool = False
    interpretations: tuple[str, ...] = ()
    # The same alternatives factored: each conflict with its own equally good choices.
    alternative_groups: list[Choices] = field(default_factory=list)
    # How many other equally good whole sets there are: the product of the groups' counts, less one (the chosen
    # set); None when some conflict was not enumerated to the end.
    alternatives_count: int | None = 0
    # The same atoms' records (answer.py), read with them; None where ``answer.read`` reads the atoms itself.
    records: dict[str, list[Any]] | None = field(default=None, compare=False, repr=False)

    def get(self, name: str) -> list[Term]:
        return self.atoms.get(name, [])


@dataclass(frozen=True)
class Ruleset:
    """The programs and parameters a run uses; cheap to reuse across many declarations."""

    parameters: ParameterSet
    switches: tuple[str, ...] = ()
    # Seconds each declaration's selection may take (None: no limit); see TIME_LIMIT.
    time_limit: float | None = TIME_LIMIT
    # Only these shown predicates (by name), decided by the program cut down to them (``grouped``); None: all.
    # For a reader that needs no more (a batch's summary alone: batch/summary.SUMMARY_SHOWS).
    shown: tuple[str, ...] | None = None

    @property
    def modules(self) -> list[str]:
        return modules_for(self.switches)

    def files(self) -> list[Path]:
        return list(_files(self.switches))

    def program(self) -> tuple[tuple[ast.AST, ...], str]:
        """The parsed statements of every rule file, and their SHA-256, read once per process."""
        return _parse(_files(self.switches))

    def grouped(self) -> GroupedProgram:
        """The statements rewritten for a group of declarations, once per process.

        With ``shown``, cut to those predicates and the rules they rest on (engine/pruning.py): the
        same atoms of them, the same chosen set and the same errors, from less grounding and reading."""
        if self.shown is not None:
            return _pruned(_files(self.switches), self.shown)
        return _grouped(_files(self.switches))

    @property
    def sha256(self) -> str:
        return _digest(_files(self.switches))


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

    try:
        ast.parse_files([str(path) for path in files], statements.append, logger=logger)
    except RuntimeError:
        raise EngineError("the rules do not parse: " + "; ".join(errors)) from None
    return tuple(statements), _digest(files)


@lru_cache(maxsize=16)
def _digest(files: tuple[Path, ...]) -> str:
    """The rules' SHA-256, of the files' bytes: it names the rules in every result and finds their cached rewrite."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@lru_cache(maxsize=16)
def _grouped(files: tuple[Path, ...]) -> GroupedProgram:
    # Found by the digest of the files' bytes: the files are parsed only when the cache lacks their rewrite.
    return cached_group_program(lambda: _parse(files)[0], _digest(files))


@lru_cache(maxsize=16)
def _pruned(files: tuple[Path, ...], shown: tuple[str, ...]) -> GroupedProgram:
    return cached_pruned(lambda: _grouped(files), shown, _digest(files))


def default_ruleset(switches: Iterable[str] = (), parameters_path: Path | None = None) -> Ruleset:
    return Ruleset(parameters=load_parameters(parameters_path), switches=tuple(sorted(set(switches))))


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
    return decide_group(ruleset.grouped(), group_members(decls, ruleset, params), time_limit=ruleset.time_limit)


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


class _Overrun(Exception):
    """A declaration's time budget ran out."""


class _Budget:
    """The solving time one declaration (or one shared optimisation) may still take.

    It counts only the solves made on its behalf (``_run`` charges them), not
    the time since it was made: in a group, a member waits while the others
    are solved, and that wait is not its own work. A wall-clock deadline made
    the members first in line run out while later ones were being solved.
    """

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.spent = 0.0

    def left(self) -> float | None:
        if self.seconds is None:
            return None
        left = self.seconds - self.spent
        if left <= 0:
            raise _Overrun
        return left

    def charge(self, seconds: float) -> None:
        self.spent += seconds

    def error(self) -> EngineError:
        return EngineError(f"could not decide within {self.seconds:g} s (--time-limit); no result is given")


def _run(ctl: clingo.Control, assumptions: Sequence[int], on_model: Callable[[clingo.Model], bool],
         budget: _Budget) -> clingo.SolveResult:
    """One solve, waited for at most the budget left (clingo's own timer, no signals); cancelled past it."""
    left = budget.left()
    start = time.monotonic()
    try:
        with ctl.solve(assumptions=list(assumptions), on_model=on_model, async_=True) as handle:  # type: ignore[call-overload]
            if not handle.wait(left):
                handle.cancel()
                raise _Overrun
            return handle.get()  # type: ignore[no-any-return]
    finally:
        budget.charge(time.monotonic() - start)


def decide_group(
    grouped: GroupedProgram,
    members: Sequence[MemberFacts | Iterable[Symbol]],
    seed: int = 0,
    messages: list[str] | None = None,
    time_limit: float | None = TIME_LIMIT,
    together: bool = True,
) -> list[Derived | EngineError]:
    """Ground each member's facts into the grouped program once, optimise the whole group once, and settle ties.

    The members share no atom, and each ``#maximize`` level sums independent
    terms, one per member; so a level's sum is at its largest exactly when each
    member's is, and one optimisation of the group gives every member the
    optimum it has alone (``tests/test_selection_groups.py`` holds this). A member
    without a conflict has but one optimal set. The members with one have their
    equally good choices enumerated, one independent conflict at a time, in a
    small Control of the selection alone (``_settle_ties``), and those whose
    chosen set the fixed order changes are read from one more solve of the
    group with those sets fixed. Each member may take ``time_limit`` seconds of
    solving of its own; the shared optimisation covers parts whose sums cannot
    pass 64 bits, and a part that overruns GROUP_SOLVE_LIMIT is halved until it
    does not (``_optimise``), so one hard member never costs the others.
    ``messages`` collects clingo's log; ``together=False`` solves every member
    alone.
    """
    group, choices = ground_group(grouped, members, seed, messages)
    spare.retire(group.ctl)  # held, when a service worker asked for it, to be freed after its reply
    out: dict[int, Derived | EngineError] = {}
    budgets: dict[int, _Budget] = {}
    raws = _optimise(group, _parts(choices, together), budgets, time_limit, out)
    ties = _settle_ties(grouped, group, raws, choices, budgets, time_limit, seed, messages, out)
    for index, raw in raws.items():
        if index in out:
            continue
        budget = budgets.get(index) or _Budget(time_limit)
        try:
            out[index] = _settle(group, index, raw, ties.get(index), budget)
        except _Overrun:
            out[index] = budget.error()
        except EngineError as exc:
            out[index] = exc.with_traceback(None)
    return [out[index] for index in range(len(choices))]


def _parts(choices: Sequence[dict[Term, int]], together: bool) -> list[list[int]]:
    """The members in runs whose shared optimisation sums stay within 64 bits (each level sums every member's)."""
    if not together:
        return [[index] for index in range(len(choices))]
    parts: list[list[int]] = [[]]
    room = _SUM_BOUND
    for index, candidates in enumerate(choices):
        need = len(candidates) * _WEIGHT_BOUND
        if parts[-1] and need > room:
            parts.append([])
            room = _SUM_BOUND
        parts[-1].append(index)
        room -= need
    return parts


def _optimise(group: _Group, parts: list[list[int]], budgets: dict[int, _Budget], time_limit: float | None,
              out: dict[int, Derived | EngineError]) -> dict[int, _Raw]:
    """Each member's optimum: a part of several members in one shared optimisation, halved while it overruns.

    A shared optimisation's time grows faster than its members' count where
    many have conflicts (measured on 1,000 tied declarations: 250 in 1.8 s, 500
    in 5.5 s, 1,000 in 52 s), and one hard member holds up its whole part. So a
    part that overruns GROUP_SOLVE_LIMIT, or fails, is split in two and each
    half tried again, down to one member solved alone within its own budget:
    a hard member costs its group a few bounded tries, not every member a solve
    of its own in the group's large Control (0.2 s each there).
    """
    raws: dict[int, _Raw] = {}
    pending = list(reversed(parts))
    while pending:
        part = pending.pop()
        if len(part) > 1:
            try:
                raws.update(zip(part, group.optimum(part, _Budget(GROUP_SOLVE_LIMIT)), strict=True))
            except (_Overrun, EngineError):
                half = len(part) // 2
                pending += [part[half:], part[:half]]
            continue
        (index,) = part
        budget = budgets[index] = _Budget(time_limit)
        try:
            raws[index] = group.optimum([index], budget)[0]
        except _Overrun:
            out[index] = budget.error()
        except EngineError as exc:
            # Without its traceback: the traceback holds this frame, whose `out` holds
            # the error, a cycle that would keep the whole Control alive until a gc pass.
            out[index] = exc.with_traceback(None)
    return dict(sorted(raws.items()))


@dataclass
class _Tie:
    """A member's independent conflicts settled: each with its choices, and the chosen set they make."""

    chosen: frozenset[Term]  # the set the group's optimum chose (the tie-break off)
    settled: list[tuple[list[Term], frozenset[Term], list[frozenset[Term]], int | None]]
    forced: frozenset[Term]  # the chosen candidates in no conflict
    best: frozenset[Term]  # the set in the fixed order
    atoms: dict[str, list[Term]] | None = None  # read from a solve with ``best`` fixed, where it is not ``chosen``
    records: dict[str, list[Any]] | None = None  # those atoms' records (``_Group.answer``)


def _settle_ties(grouped: GroupedProgram, group: _Group, raws: dict[int, _Raw], literals: list[dict[Term, int]],
                 budgets: dict[int, _Budget], time_limit: float | None, seed: int, messages: list[str] | None,
                 out: dict[int, Derived | EngineError]) -> dict[int, _Tie]:
    """Every member with a conflict (``component`` shown): its equally good choices, conflict by conflict.

    A solve's start-up grows with its Control's grounding, and the
    enumeration solves each member's conflicts one at a time: in the group's
    Control each would pay for every member's atoms. So they run in a small
    Control of select.lp's selection alone (``selection_control``), given each
    such member's candidates, conflicts and weights as grounding decided them.
    The members whose fixed-order choice is not the set the group's optimum
    chose are then solved once more together in the group's Control, with
    those sets fixed, and read. A member's error or overrun goes into ``out``.
    """
    ties: dict[int, _Tie] = {}
    conflicted: list[tuple[int, frozenset[Term], dict[Term, list[Term]], list[list[Symbol]]]] = []
    for index, raw in raws.items():
        if "component" not in raw:
            continue
        budget = budgets.setdefault(index, _Budget(time_limit))
        try:
            # Read in full once the chosen set is known: reading costs more than the solves.
            atoms = group.atoms(raw, _SETTLING)
            _check(atoms)
        except EngineError as exc:
            out[index] = exc.with_traceback(None)
            continue
        parts: dict[Term, list[Term]] = defaultdict(list)
        for atom in atoms.get("component", []):
            parts[atom.arguments[1]].append(atom.arguments[0])
        # The same parts as clingo's symbols (in the model's order), to look their atoms up in the group's Control.
        symbols: dict[Term, list[Symbol]] = defaultdict(list)
        for term, _ in raw["component"]:
            candidate, root = term.arguments
            symbols[root].append(candidate.symbol())
        chosen = frozenset(sym.arguments[0] for sym in atoms.get("chosen", []))
        conflicted.append((index, chosen, parts, list(symbols.values())))
    if not conflicted:
        return ties
    if len(group.active) == 1:
        # A group of one: its own Control holds no other member's atoms, so its solves start as quickly as a
        # small Control's would, and making, grounding and freeing that Control (about 4 ms) is saved.
        small, small_literals, locals_ = group, literals, [index for index, *_ in conflicted]
    else:
        small, small_literals = selection_control(grouped, group.ctl, [index for index, *_ in conflicted],
                                                  [symbols for *_, symbols in conflicted], seed, messages)
        locals_ = list(range(len(conflicted)))
    for local, (index, chosen, parts, _) in zip(locals_, conflicted, strict=True):
        budget = budgets[index]
        try:
            ties[index] = _enumerate_ties(small, local, chosen, parts, small_literals[local], budget)
        except _Overrun:
            out[index] = budget.error()
        except EngineError as exc:
            out[index] = exc.with_traceback(None)
    del small, small_literals
    moved = [index for index, tie in ties.items() if tie.best != tie.chosen]
    if not moved:
        return ties
    # One solve for all of them: with every choice fixed, each member's answer set is decided.
    fixed = [lit if c in ties[i].best else -lit for i in moved for c, lit in literals[i].items()]
    try:
        for index, raw in zip(moved, group.optimum(moved, _Budget(GROUP_SOLVE_LIMIT), fixed), strict=True):
            ties[index].atoms, ties[index].records = group.answer(raw)
    except (_Overrun, EngineError):
        # Each alone then, within its own budget, so that one member's failure is its own.
        for index in moved:
            budget = budgets[index]
            try:
                ties[index].atoms, ties[index].records = group.with_chosen(index, literals[index], ties[index].best, budget)
            except _Overrun:
                out[index] = budget.error()
            except EngineError as exc:
                out[index] = exc.with_traceback(None)
    return ties


def _enumerate_ties(small: _Group, member: int, chosen: frozenset[Term], parts: dict[Term, list[Term]],
                    literals: dict[Term, int], budget: _Budget) -> _Tie:
    """The member's equally good choices per conflict, and the first of each in select.lp's fixed order.

    select.lp's ``component/2`` names the independent conflicts. A conflict's
    equally good choices are enumerated with every other candidate fixed; the
    objective is a sum over candidates, so they are the same whatever the rest
    is. Of them the chosen one is the first in select.lp's fixed order (the
    choice holding the first candidate, then the next, ...), which on the whole
    set is exactly the order its tie-break levels state; where a conflict has
    more choices than CHOICES_SCAN, those levels decide it (``first_in_order``).
    """
    settled: list[tuple[list[Term], frozenset[Term], list[frozenset[Term]], int | None]] = []
    scanned = 0
    for root in sorted(parts):
        candidates = sorted(parts[root])
        inside = set(candidates)
        fixed = [lit if c in chosen else -lit for c, lit in literals.items() if c not in inside]
        part = [(c, literals[c]) for c in candidates]
        cap = min(CHOICES_SCAN, CHOICES_SCAN_TOTAL - scanned)
        found, complete = small.enumerate(member, fixed, part, cap, budget) if cap > 0 else (set(), False)
        scanned += len(found)
        if complete:
            first = max(found, key=lambda choice: tuple(c in choice for c in candidates))
        else:
            first = small.first_in_order(member, fixed, part, budget)
            found.add(first)
        others = sorted(found - {first}, key=_alternative_order)
        settled.append((candidates, first, others, len(found) if complete else None))
    in_conflict = {c for candidates, *_ in settled for c in candidates}
    forced = chosen - in_conflict
    best = frozenset(forced.union(*(first for _, first, _, _ in settled)))
    return _Tie(chosen, settled, forced, best)


# What grounding decides and select.lp's selection reads, by their grouped signature (the member first):
# the settling Control gets them as facts, and every rule the selection needs besides (the choice, the
# constraint, the weight chunks, the ranks, the #maximize levels) as select.lp states it.
_SELECTION_FACTS: frozenset[tuple[str, int]] = frozenset({("candidate", 2), ("conflict", 3), ("weight_parts", 4)})


def selection_program(grouped: GroupedProgram) -> tuple[ast.AST, ...]:
    """The grouped program's statements that the optimisation needs, given ``_SELECTION_FACTS``.

    The constraints and the optimisation statements, and every rule they reach
    back to those facts (the choice among them); an error if they reach
    anything else, which the settling Control would not have (so a constraint
    added elsewhere that the selection cannot see is refused, never ignored).
    Walking every statement through clingo's AST would cost a tenth of a
    second, so statements are found by their printed text first (a rule for
    ``p/n`` prints ``p(``; a constraint ``#false :-``; an optimisation ``:~``)
    and only those are walked. ``selection_grouped`` keeps the result, in memory and on disk.
    """
    with grouping.AST_LOCK:  # the walk reads statements other threads may be adding (grouping.AST_LOCK)
        return _selection_program(grouped)


def _selection_program(grouped: GroupedProgram) -> tuple[ast.AST, ...]:
    statements = grouped.statements
    texts = [str(stm) for stm in statements]
    seeds = [stm for stm, text in zip(statements, texts, strict=True) if text.startswith((":~", "#false", ":-"))
             and (stm.ast_type == ast.ASTType.Minimize or not _head_signatures(stm))]
    given = _SELECTION_FACTS | {(MEMBER, 1), (ACTIVE, 1), *grouped.externals}
    wanted = [sig for stm in seeds for sig in reads(stm)]
    reached: set[tuple[str, int]] = set()
    kept = {id(stm) for stm in seeds}
    while wanted:
        sig = wanted.pop()
        if sig in reached or sig in given:
            continue
        reached.add(sig)
        mark = sig[0] + "(" if sig[1] else sig[0]
        defining = [stm for stm, text in zip(statements, texts, strict=True) if mark in text
                    and stm.ast_type == ast.ASTType.Rule and sig in _head_signatures(stm)]
        if not defining:
            raise EngineError(f"the selection reads {sig[0]}/{sig[1] - 1}, which it is not given")
        for stm in defining:
            kept.add(id(stm))
            wanted += reads(stm)
    return tuple(
        stm for stm in statements
        if id(stm) in kept
        or stm.ast_type in (ast.ASTType.Definition, ast.ASTType.External)
        or (stm.ast_type == ast.ASTType.Program and stm is statements[0])
    )


_selection_programs: dict[int, tuple[GroupedProgram, GroupedProgram]] = {}


def selection_grouped(grouped: GroupedProgram) -> GroupedProgram:
    """``selection_program`` as a program of its own, made once per process and kept on disk beside the
    grouped program (``grouping._store``'s checked format), keyed by the grouped program's text and this
    module: a cold ``check`` with a tie would otherwise parse the whole grouped program and walk its
    statements (about 0.1 s) to settle it."""
    held = _selection_programs.get(id(grouped))
    if held is not None and held[0] is grouped:
        return held[1]
    path = grouping.cache_path("selection", [grouped.text, Path(__file__).read_text(encoding="utf-8")])
    program = grouping.cached_program(path, lambda: GroupedProgram(
        selection_program(grouped), grouped.dependent, grouped.externals, grouped.parameters))
    if len(_selection_programs) >= 8:
        _selection_programs.clear()
    _selection_programs[id(grouped)] = (grouped, program)
    return program


def selection_control(grouped: GroupedProgram, ctl: clingo.Control, members: Sequence[int],
                      parts: Sequence[Sequence[Sequence[Symbol]]], seed: int = 0,
                      messages: list[str] | None = None) -> tuple[_Group, list[dict[Term, int]]]:
    """A small Control of the selection alone for ``members`` of the grounded group ``ctl``, renumbered 0, 1, ...

    Its facts are the group's ground atoms of ``_SELECTION_FACTS`` for each
    member's candidates in a conflict (``parts``: each independent conflict's
    candidates, as ``component/2`` shows them), renumbered (clingo Symbols
    through the backend: no text). Each must be a fact of the group's
    grounding, or the selection would differ. The member's other candidates
    are left out: settling fixes them, and the fixed order among the
    candidates it is given is the same (select.lp's ranks count the smaller
    candidates, so leaving some out keeps their order). Candidates and
    conflicts are looked up one by one; only the weights, whose values are not
    known beforehand, are found by walking their predicate.
    """
    log: list[str] = [] if messages is None else messages

    def logger(code: clingo.MessageCode, message: str) -> None:
        log.append(f"{code.name}: {message}")  # only collected: clingo calls this in a nothrow scope

    small = clingo.Control([*CLINGO_OPTIONS, f"--seed={seed}"], logger=logger)
    selection_grouped(grouped).add_to(small)
    lookup = ctl.symbolic_atoms
    facts: list[Symbol] = []
    wanted: dict[tuple[int, int], Symbol] = {}  # by member and candidate id: the member renumbered

    def fact(sym: Symbol, renumbered: Symbol, required: bool) -> None:
        atom = lookup[sym]
        if atom is None:
            if required:
                raise EngineError(f"the grounded rules lack {sym}")
            return
        if not atom.is_fact:
            raise EngineError(f"the selection's {sym.name} is not decided by grounding")
        facts.append(Function(sym.name, [renumbered, *sym.arguments[1:]]))

    for j, (index, member_parts) in enumerate(zip(members, parts, strict=True)):
        renumbered, number = Number(j), Number(index)
        facts.append(Function(MEMBER, [renumbered]))
        for part in member_parts:
            for x in part:
                fact(Function("candidate", [number, x]), renumbered, True)
                wanted[(index, x._rep)] = renumbered
                for y in part:
                    if y != x:
                        fact(Function("conflict", [number, x, y]), renumbered, False)
    # Every member's weight atoms are walked: read by id, a Symbol built only for the ones kept.
    reader = RawReader()
    for atom in lookup.by_signature("weight_parts", 4):
        args = reader.arguments(atom.symbol._rep)
        owner = wanted.get((reader.number(args[0]), args[1]))
        if owner is not None:
            if not atom.is_fact:
                raise EngineError("the selection's weight_parts is not decided by grounding")
            facts.append(Function("weight_parts", [owner, *map(raw_symbol, args[1:])]))
    with small.backend() as backend:
        for sym in facts:
            backend.add_rule([backend.add_atom(sym)])
    small.ground([("base", [])])
    if any(m.startswith("error") for m in log):
        raise EngineError("the selection failed to ground: " + "; ".join(log))
    return _group_of(small, grouped, len(members))


def ground_group(
    grouped: GroupedProgram, members: Sequence[MemberFacts | Iterable[Symbol]], seed: int = 0, messages: list[str] | None = None
) -> tuple[_Group, list[dict[Term, int]]]:
    """One Control with every member's facts, grounded; and each member's ``chosen`` literals by candidate."""
    log: list[str] = [] if messages is None else messages

    def logger(code: clingo.MessageCode, message: str) -> None:
        # An exception raised here would abort the process (clingo calls it in a
        # nothrow scope), so only collect.
        log.append(f"{code.name}: {message}")

    ctl = grounded_control(grouped, members, seed, logger)
    if any(m.startswith("error") for m in log):
        raise EngineError("the rules failed to ground: " + "; ".join(log))

    return _group_of(ctl, grouped, len(members))


def _group_of(ctl: clingo.Control, grouped: GroupedProgram, count: int) -> tuple[_Group, list[dict[Term, int]]]:
    """A grounded Control of ``count`` members as a ``_Group``, and each member's ``chosen`` literals by candidate."""
    lookup = ctl.symbolic_atoms
    group = _Group(
        ctl,
        grouped.by_member,
        [_literal(lookup, Function(ACTIVE, [Number(i)])) for i in range(count)],
        _literal(lookup, Function("tiebreak")),
        shared_reader(grouped.by_member, grouped.parameters),
        grouped.parameters,
    )
    choices: list[dict[Term, int]] = [{} for _ in range(count)]
    reader = group.reader
    # Each member's parameter set, whose atoms a model shows once (grouping._show_plain).
    for atom in lookup.by_signature(MEMBER_PARAMETERS, 2):
        member, number = reader.arguments(atom.symbol._rep)
        group.sets[reader.number(member)] = reader.number(number)
    for atom in lookup.by_signature("chosen", 2):
        member, candidate = reader.arguments(atom.symbol._rep)
        choices[reader.number(member)][reader.read(candidate)] = atom.literal
    return group, choices


def grounded_control(
    grouped: GroupedProgram,
    members: Sequence[MemberFacts | Iterable[Symbol]],
    seed: int = 0,
    logger: Callable[[clingo.MessageCode, str], None] | None = None,
) -> clingo.Control:
    """A Control with the grouped rules and every member's facts, grounded.

    The facts go in as one text (``facts.group_text``: each fact is ``str()``
    of its Symbol), parsed once: that costs a third of adding them one by one
    through the backend, with the same ground atoms (tests/test_injection.py).
    The parameters' facts, the same for every Control of a parameter set, go in
    as the statements their text parsed to once per process.
    The rules are only those the facts' predicates can fire (engine/live.py):
    the same ground atoms from less preparing of rules that never fire.
    """
    parameters: list[tuple[ast.AST, ...]] = []  # each parameter set's facts, parsed once per process
    text, names = group_text(members, MEMBER, MEMBER_PARAMETERS, PARAMETER_SET, parameters)
    rules = live.restricted(grouped, names | {MEMBER, MEMBER_PARAMETERS, PARAMETER_SET})
    ctl = spare.control(grouped, control_arguments(seed), logger, rules)
    for statements in parameters:
        grouping.add_statements(ctl, statements)
    ctl.add("base", [], text)
    ctl.ground([("base", [])])
    # A fact no rule reads (a misspelt or retired predicate, a wrong arity) is an error, never silently dropped.
    readable = grouped.dependent | PARAMETER_FACTS
    for name, arity in signatures_named(ctl.symbolic_atoms, names):
        if (name, arity - 1) not in readable:
            raise EngineError(f"the rules never read the fact {name}/{arity - 1}")
    return ctl


def control_arguments(seed: int = 0) -> tuple[str, ...]:
    """The arguments of a group's Control."""
    return (*CLINGO_OPTIONS, f"--seed={seed}")


def _literal(atoms: clingo.SymbolicAtoms, sym: Symbol) -> int:
    atom = atoms[sym]
    if atom is None:
        raise EngineError(f"the grounded rules lack {sym}")
    return atom.literal


# A member's shown atoms as the reader's entries (raw_symbols.Entry: the Term without the member, and its
# record), by predicate, in the model's order; " name" for a predicate the group shares.
_Raw = dict[str, list[Entry]]
# A member's atoms read: its Terms by predicate, each list sorted, and the records of the same lists (None
# where an atom has no record: ``answer.read`` then reads the Terms and raises its error).
_Read = tuple[dict[str, list[Term]], dict[str, list[Any]] | None]
_TERM = itemgetter(0)  # an entry's Term, to sort by

# What settling a member's ties reads before its chosen set is known.
_SETTLING = ("chosen", "component", "money_overflow", "rule_error")


@dataclass
class _Group:
    """A grounded group and the solves run on it; every solve sets each member's ``group_active`` by assumption."""

    ctl: clingo.Control
    dependent: frozenset[tuple[str, int]]
    active: list[int]
    tiebreak: int
    reader: RawReader  # every symbol it read, by id (raw_symbols.shared_reader)
    parameters: frozenset[tuple[str, int]] = frozenset()  # shown with a parameter set first, not a member
    sets: dict[int, int] = field(default_factory=dict)  # a member's parameter set (``group_parameters``)
    # A list several members share (the group's, a parameter set's), by its id: the list, and it read and sorted.
    _common: dict[int, tuple[list[Entry], tuple[list[Term], list[Any]] | None]] = field(default_factory=dict)

    def _open(self, members: Iterable[int], tiebreak: bool = False) -> list[int]:
        opened = set(members)
        return [lit if i in opened else -lit for i, lit in enumerate(self.active)] + [
            self.tiebreak if tiebreak else -self.tiebreak]

    def split(self, ids: Sequence[int], members: Iterable[int]) -> list[_Raw]:
        """The shown atoms of each member in ``members``, as the reader's entries, by predicate.

        Every member's atoms are shown with the member first, open or not
        (``grouping._show_plain``): only the members asked for are kept, so a
        closed member's atoms never reach another's answer. A parameter set's
        atoms are shown once, with the set first, and go under each member of
        that set as one list the members share; so do the atoms the whole
        group shares (about half of a member's answer), under " name"."""
        reader = self.reader
        # Each atom is read once per reader (raw_symbols.RawReader.shown): by its id, else without its member.
        known, shown = reader.hits.get, reader.shown_anew
        lists: defaultdict[Slot, list[Entry]] = defaultdict(list)
        # Without the cyclic collector: the loop makes no cycle, and the reader's new entries
        # would otherwise have it walk the reader's whole cache again and again.
        with collector.paused():
            for rep in ids:
                slot, entry = known(rep) or shown(rep)
                lists[slot].append(entry)
        by_slot: defaultdict[int, _Raw] = defaultdict(dict)
        for (number, key), entries in lists.items():
            by_slot[number][key] = entries
        # The group's lists and each parameter set's go to several members: shared by reference,
        # never changed, and read once (``_common``; the list held there, so its id stays its own).
        common = self._common
        for number, part in by_slot.items():
            if number < 0:
                for entries in part.values():
                    common.setdefault(id(entries), (entries, None))
        shared = by_slot.get(SHARED, {})
        out: list[_Raw] = []
        for i in members:
            raw = by_slot.get(i, {}).copy()
            kept = self.sets.get(i)
            if kept is not None:
                raw.update(by_slot.get(set_slot(kept), {}))  # a predicate is the member's or the set's, never both
            raw.update(shared)
            out.append(raw)
        return out

    def atoms(self, raw: _Raw, names: Iterable[str] | None = None) -> dict[str, list[Term]]:
        """A member's atoms (only ``names``, when given) as Terms without the member argument, each predicate sorted."""
        return self._read(raw, names)[0]

    def answer(self, raw: _Raw) -> _Read:
        """A member's atoms, each predicate sorted, and their records (``answer.read`` takes them as they are)."""
        return self._read(raw, None)

    def _read(self, raw: _Raw, names: Iterable[str] | None) -> _Read:
        common = self._common
        parts: dict[str, list[list[Entry]]] = {}
        for key in raw if names is None else [n for name in names for n in (name, " " + name) if n in raw]:
            name = key[1:] if key[0] == " " else key
            have = parts.get(name)
            if have is None:
                parts[name] = [raw[key]]
            else:
                have.append(raw[key])
        atoms: dict[str, list[Term]] = {}
        records: dict[str, list[Any]] = {}
        for name, lists in parts.items():
            if len(lists) == 1:
                (entries,) = lists
                held = common.get(id(entries))
                if held is not None and held[0] is entries:
                    done = held[1]
                    if done is None:
                        ordered = sorted(entries, key=_TERM)
                        done = ([e[0] for e in ordered], [e[1] for e in ordered])
                        common[id(entries)] = (entries, done)
                    atoms[name], records[name] = list(done[0]), list(done[1])  # copies: the list is shared
                    continue
            else:  # the member's own and the group's (a predicate both show)
                entries = [entry for part in lists for entry in part]
            ordered = sorted(entries, key=_TERM)
            atoms[name] = [e[0] for e in ordered]
            records[name] = [e[1] for e in ordered]
        if self.reader.unread and any(UNREAD in recs for recs in records.values()):
            return atoms, None
        return atoms, records

    def optimum(self, members: Iterable[int], budget: _Budget, fixed: Sequence[int] = ()) -> list[_Raw]:
        """One optimal answer set with ``members`` open (the tie-break off) and ``fixed`` assumed, read per member."""
        members = list(members)
        self.ctl.configuration.solve.opt_mode = "opt"  # type: ignore[union-attr]
        best: list[list[int]] = []

        def on_model(model: clingo.Model) -> bool:
            best[:] = [shown_ids(model)]
            return True

        result = _run(self.ctl, [*self._open(members), *fixed], on_model, budget)
        if not best or not result.exhausted:
            raise EngineError("the selection found no optimal set of awards")
        return self.split(best[0], members)

    def enumerate(self, member: int, fixed: Sequence[int], part: Sequence[tuple[Term, int]], cap: int,
                  budget: _Budget) -> tuple[set[frozenset[Term]], bool]:
        """Every optimal choice within ``part``, the rest fixed; and whether that is all of them (at most ``cap``)."""
        self.ctl.configuration.solve.opt_mode = "optN"  # type: ignore[union-attr]
        found: set[frozenset[Term]] = set()
        cut = [False]

        def on_model(model: clingo.Model) -> bool:
            if model.optimality_proven:
                found.add(frozenset(c for c, lit in part if model.is_true(lit)))
                if len(found) >= cap:
                    cut[0] = True
                    return False
            return True

        result = _run(self.ctl, [*self._open([member]), *fixed], on_model, budget)
        if not found:
            raise EngineError("the selection found no optimal set of awards")
        return found, bool(result.exhausted) and not cut[0]

    def first_in_order(self, member: int, fixed: Sequence[int], part: Sequence[tuple[Term, int]],
                       budget: _Budget) -> frozenset[Term]:
        """The choice within ``part`` that select.lp's fixed order prefers (its tie-break levels), the rest fixed."""
        self.ctl.configuration.solve.opt_mode = "opt"  # type: ignore[union-attr]
        last: list[frozenset[Term]] = []

        def on_model(model: clingo.Model) -> bool:
            last[:] = [frozenset(c for c, lit in part if model.is_true(lit))]
            return True

        result = _run(self.ctl, [*self._open([member], tiebreak=True), *fixed], on_model, budget)
        if not last or not result.exhausted:
            raise EngineError("the selection found no optimal set of awards")
        return last[0]

    def with_chosen(self, member: int, literals: dict[Term, int], chosen: frozenset[Term],
                    budget: _Budget) -> _Read:
        """The answer set in which exactly ``chosen`` is chosen, read."""
        self.ctl.configuration.solve.opt_mode = "opt"  # type: ignore[union-attr]
        fixed = [lit if c in chosen else -lit for c, lit in literals.items()]
        return self.optimum_under(member, fixed, budget)

    def optimum_under(self, member: int, fixed: Sequence[int], budget: _Budget) -> _Read:
        best: list[list[int]] = []

        def on_model(model: clingo.Model) -> bool:
            best[:] = [shown_ids(model)]
            return True

        result = _run(self.ctl, [*self._open([member]), *fixed], on_model, budget)
        if not best or not result.exhausted:
            raise EngineError("the selection found no optimal set of awards")
        return self.answer(self.split(best[0], [member])[0])


def _settle(group: _Group, member: int, raw: _Raw, tie: _Tie | None, budget: _Budget) -> Derived:
    """The member's result: its atoms, its chosen set in the fixed order, and its equally good alternatives.

    ``raw`` is an optimal answer set of the member (the tie-break off), not yet
    read; ``tie`` its conflicts settled (``_settle_ties``), None without a
    conflict. The whole equally good sets are every combination of one choice
    per conflict.
    """
    if tie is None:
        atoms, read = group.answer(raw)
        _check(atoms)
        return _derived(atoms, frozenset(sym.arguments[0] for sym in atoms.get("chosen", [])), [], 0, [], read=read)
    chosen = tie.chosen
    if tie.atoms is None:
        atoms, read = group.answer(raw)
    else:
        atoms, read = tie.atoms, tie.records
        _check(atoms)
        chosen = frozenset(sym.arguments[0] for sym in atoms.get("chosen", []))
        if chosen != tie.best:
            raise EngineError("the selection could not fix its chosen set")
    settled = tie.settled
    counts = [count for _, _, _, count in settled]
    count: int | None = None if None in counts else prod(c for c in counts if c is not None) - 1
    wholes = _first_sets([[tie.forced], *([first, *others] for _, first, others, _ in settled)], ALTERNATIVES_LIMIT + 1)
    alternatives = [s for s in wholes if s != chosen][:ALTERNATIVES_LIMIT]
    tied = [Choices(tuple(c), first, others[:CHOICES_LIMIT], n) for c, first, others, n in settled if n != 1]
    truncated = (
        count is None
        or count > ALTERNATIVES_LIMIT
        or len(tied) > GROUPS_LIMIT
        or any(len(others) > CHOICES_LIMIT for _, _, others, _ in settled)
    )
    return _derived(atoms, chosen, alternatives, count, tied[:GROUPS_LIMIT], truncated, read)


# Each part's choices still possible in a walk of ``_first_sets``, with how far each is taken.
_Alive = list[list[tuple[tuple[Term, ...], int]]]


def _first_sets(parts: Sequence[Sequence[frozenset[Term]]], limit: int) -> list[frozenset[Term]]:
    """The first ``limit`` sets made of one choice from each part (parts disjoint), ordered by their sorted candidates.

    That is the order alternatives were always listed in (``_alternative_order``):
    as Python compares sorted lists, a set that is a prefix of another comes
    first. The walk adds the candidates of a set in ascending order, trying
    "stop here" before each next candidate; every step it takes can still be
    completed, so it costs about ``limit`` times the set size, however many
    sets there are.
    """
    found: list[frozenset[Term]] = []
    owner = {c: index for index, part in enumerate(parts) for choice in part for c in choice}

    def step(alive: _Alive, nxt: Term) -> _Alive | None:
        moved = []
        for index, part in enumerate(alive):
            if index == owner[nxt]:
                kept = [(c, i + 1) for c, i in part if i < len(c) and c[i] == nxt]
            else:  # nxt is not among this part's candidates: none of its own may come before it
                kept = [(c, i) for c, i in part if i == len(c) or c[i] > nxt]
            if not kept:
                return None
            moved.append(kept)
        return moved

    # A loop with a stack rather than recursion: a set may hold more candidates than
    # Python's recursion limit. stack[d] is the node whose prefix is prefix[:d].
    prefix: list[Term] = []
    stack: list[tuple[_Alive, list[Term]]] = []

    def enter(alive: _Alive) -> None:
        if all(any(i == len(c) for c, i in part) for part in alive):
            found.append(frozenset(prefix))
        stack.append((alive, sorted({c[i] for part in alive for c, i in part if i < len(c)}, reverse=True)))

    enter([[(tuple(sorted(choice)), 0) for choice in part] for part in parts])
    while stack and len(found) < limit:
        alive, nexts = stack[-1]
        if not nexts:
            stack.pop()
            if prefix:
                prefix.pop()
            continue
        nxt = nexts.pop()
        child = step(alive, nxt)
        if child is not None:
            prefix.append(nxt)
            enter(child)
    return found[:limit]


def _derived(atoms: dict[str, list[Term]], chosen: frozenset[Term], alternatives: list[frozenset[Term]],
             count: int | None, groups: list[Choices], truncated: bool = False,
             read: dict[str, list[Any]] | None = None) -> Derived:
    interpretations = answer.interpretations(records("interpretation", atoms.get("interpretation", [])))
    return Derived(
        atoms=atoms,
        chosen=chosen,
        alternatives=alternatives,
        alternatives_truncated=truncated,
        interpretations=interpretations,
        alternative_groups=groups,
        alternatives_count=count,
        records=read,
    )


def _alternative_order(candidates: frozenset[Term]) -> list[Term]:
    """Alternatives are listed by their candidates in clingo's symbol order: the same on every run."""
    return sorted(candidates)


def _check(atoms: dict[str, list[Term]]) -> None:
    overflow: list[answer.MoneyOverflow] = records("money_overflow", atoms.get("money_overflow", []))
    if overflow:
        fields = sorted({field for r in overflow for field in _declared_fields(r.key)})
        where = f" from {', '.join(fields)}" if fields else ""
        raise EngineError(
            f"an amount{where} is too large to compute exactly ("
            + ", ".join(str(r.key) for r in overflow[:3])
            + "); no result is given rather than a wrong one"
        )
    errors: list[answer.RuleError] = records("rule_error", atoms.get("rule_error", []))
    if errors:
        raise EngineError("the rules are inconsistent: " + ", ".join(str(r.error) for r in errors))


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

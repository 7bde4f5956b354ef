"""The contract of ``asp_rules/show.lp``: each shown predicate as a typed record, read once.

Every ``#show`` line of show.lp has one record here, with the same arguments,
named and in the same order (``tests/test_answer.py`` holds the two lists
equal). A member's shown atoms are turned into records once, right after the
solve (``read``); the result document, its explanations, the batch summary,
what-if and reach read fields by name from those records and never by
position. Strings, numbers and constants arrive as ``str`` and ``int``; terms
with structure (clauses, subjects, money keys, observed values) stay
``Term``s, and money values arrive as fen. Nothing is decided here: a record is
only the atom the rules derived, with names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from ..money import limbs_to_fen
from .symbols import Term, fun, num, string

if TYPE_CHECKING:
    from .solve import Choices, Derived


# --- display: what the program shows (show.lp, in its order) -----------------------------

class Gate(NamedTuple):
    """gate(Id, Status, Observed, Required): a condition on the whole declaration."""

    id: str
    status: str
    observed: Term
    required: Term


class GateEffect(NamedTuple):
    """gate_effect(Id, Effect): what failing the gate does to every clause (not_applicable or barred)."""

    gate: str
    effect: str


class GateEvidence(NamedTuple):
    """gate_evidence(Id, Item): a declared item that made the gate fail, e.g. penalty(0)."""

    gate: str
    item: Term


class Listed(NamedTuple):
    """listed(Clause, Subject): the clause is evaluated for this subject."""

    clause: Term
    subject: Term


class ClauseArticle(NamedTuple):
    """clause_article(Clause, Article): the article a clause belongs to."""

    clause: Term
    article: int


class Cond(NamedTuple):
    """cond(Clause, Subject, Id, Status, Observed, Required): one condition of a clause on a subject."""

    clause: Term
    subject: Term
    id: str
    status: str
    observed: Term
    required: Term


class CondText(NamedTuple):
    """cond_text(Id, Article, Comparison, PhraseZh, TextZh, TextEn): where a condition comes from, how it reads."""

    id: str
    article: int
    comparison: str
    phrase_zh: str
    text_zh: str
    text_en: str


class CondSource(NamedTuple):
    """cond_source(Clause, Subject, Id, Fact): the declared fact a yes/no condition read."""

    clause: Term
    subject: Term
    cond: str
    fact: Term


class GateSource(NamedTuple):
    """gate_source(Id, Fact): the declared fact a gate read."""

    gate: str
    fact: Term


class CondNote(NamedTuple):
    """cond_note(Clause, Subject, Id, Note): why a condition has its status, where the numbers do not say."""

    clause: Term
    subject: Term
    cond: str
    note: Term


class Gap(NamedTuple):
    """gap(Clause, Subject, Id, Need, Short): a failed number passes at money key Need, short by key Short."""

    clause: Term
    subject: Term
    cond: str
    need: Term
    short: Term


class LookedAt(NamedTuple):
    """looked_at(Clause, Subject, Id, Year): an earlier declared year the first-time check read."""

    clause: Term
    subject: Term
    cond: str
    year: int


class Basis(NamedTuple):
    """basis(Clause, Subject, Key): a basis key the award rests on (第十八条)."""

    clause: Term
    subject: Term
    key: Term


class PrimaryBasis(NamedTuple):
    """primary_basis(Clause, Subject, Key): the basis reported first, where it is not the subject itself."""

    clause: Term
    subject: Term
    key: Term


class Cap(NamedTuple):
    """cap(Clause, Key): the clause's cap or fixed sum, a parameter key."""

    clause: Term
    key: Term


class SubjectCap(NamedTuple):
    """subject_cap(Clause, Subject, Key): one subject's own cap (Art 10's vet classes)."""

    clause: Term
    subject: Term
    key: Term


class Ceiling(NamedTuple):
    """ceiling(Clause): the text says 不超过 (SPEC §0.3)."""

    clause: Term


class Payer(NamedTuple):
    """payer(Clause, Payer): who pays the clause (district, or locality with the district, 第十四条)."""

    clause: Term
    payer: str


class AmountKey(NamedTuple):
    """amount_key(Clause, Subject, Key): the money key of the most the clause pays, before rounding."""

    clause: Term
    subject: Term
    key: Term


class Payable(NamedTuple):
    """payable(Clause, Subject, Key): the amount after 第十七条, as a money key."""

    clause: Term
    subject: Term
    key: Term


class Status(NamedTuple):
    """status(Clause, Subject, Status): the clause's status."""

    clause: Term
    subject: Term
    status: str


class BlockedBy(NamedTuple):
    """blocked_by(Clause, Subject, By): By is other(I) (another Pinggu policy) or prior(I) (an award paid)."""

    clause: Term
    subject: Term
    kind: str  # "other" or "prior"
    item: int  # its place in other_pinggu_support or prior_awards


class SupersededBy(NamedTuple):
    """superseded_by(Clause, Subject, Y): the chosen candidate Y the award yields to."""

    clause: Term
    subject: Term
    winner: Term  # a candidate: read it with ``candidate``


class Chosen(NamedTuple):
    """chosen(X): X is in the granted set."""

    candidate: Term


class Component(NamedTuple):
    """component(X, Root): X lies in the conflict whose least candidate is Root."""

    candidate: Term
    root: Term


class Weight(NamedTuple):
    """weight(X, W): X's payable amount in weight units."""

    candidate: Term
    weight: int


class Advice(NamedTuple):
    """advice(take_other(I), X): other policy I is the more favourable choice over award X."""

    other: int
    instead_of: Term  # a candidate: read it with ``candidate``


class RecoveryExposed(NamedTuple):
    """recovery_exposed(I): prior award I may be recovered (a fraud finding is on record)."""

    prior_award: int


class Interpretation(NamedTuple):
    """interpretation(Id): a named reading in force (SPEC §7)."""

    id: str


class MoneyOverflow(NamedTuple):
    """money_overflow(Key): Key's value does not fit; the result is an error."""

    key: Term


class RuleError(NamedTuple):
    """rule_error(E): the rules contradict themselves; the result is an error."""

    error: Term


class Val(NamedTuple):
    """val(Key, V): the value of money key Key, here in fen (V is six base-10^4 limbs)."""

    key: Term
    fen: int


class Locality(NamedTuple):
    """locality(Name): 属地, the township, street or development zone (第十四条)."""

    name: str


class OrderConsidered(NamedTuple):
    """order_considered(Clause, Subject, Order, Verdict, Reason): an order a clause looked at, and why."""

    clause: Term
    subject: Term
    order: str
    verdict: str
    reason: Term  # a reason code, with a detail value as its argument where it has one


class OrderReasonText(NamedTuple):
    """order_reason_text(Code, TextZh, TextEn): what a reason code means."""

    code: str
    text_zh: str
    text_en: str


class StatusReason(NamedTuple):
    """status_reason(Clause, Subject, Kind, Id): the gate or condition that gave the clause its status."""

    clause: Term
    subject: Term
    kind: str
    id: str


class Supersedes(NamedTuple):
    """supersedes(Clause, Subject, Loser): this award was chosen over candidate Loser."""

    clause: Term
    subject: Term
    loser: Term  # a candidate: read it with ``candidate``


class OtherOutcome(NamedTuple):
    """other_outcome(I, Outcome): what other Pinggu policy I did here."""

    other: int
    outcome: str


class OtherBlocks(NamedTuple):
    """other_blocks(I, Clause, Subject): support received under policy I blocked this award."""

    other: int
    clause: Term
    subject: Term


class AmountStep(NamedTuple):
    """amount_step(Clause, Subject, Step, Key): a named step of the amount, as a money key."""

    clause: Term
    subject: Term
    step: str
    key: Term


class AmountRate(NamedTuple):
    """amount_rate(Clause, Subject, N, D): the rate N/D the base is multiplied by."""

    clause: Term
    subject: Term
    num: int
    den: int


class MinimumPayable(NamedTuple):
    """minimum_payable(Key): the least amount paid after rounding (rounding.lp)."""

    key: Term


class RoundUnit(NamedTuple):
    """round_unit(Fen): each amount is rounded down to a multiple of Fen (rounding.lp)."""

    fen: int


class Eligible(NamedTuple):
    """eligible(Clause, Subject): every gate and condition of the clause passes (award.lp)."""

    clause: Term
    subject: Term


# --- reading ------------------------------------------------------------------------------

def _term(t: Term) -> Term:
    return t


# The readers take a Term's fields by index (symbols.Term's layouts) rather than through its
# properties: every argument of every new atom of an answer is read here, and a property is a
# call more per argument. Each fails as the property would (RuntimeError, naming the Term).
_NUM_RANK, _STR_RANK, _CONST_RANK, _FUN_RANK = num(0)[0], string("")[0], fun("c")[0], fun("f", num(0))[0]


def _str(t: Term) -> str:
    if t[0] != _STR_RANK:
        raise RuntimeError(f"{t} is not a string")
    return t[1]  # type: ignore[no-any-return]


def _int(t: Term) -> int:
    if t[0] != _NUM_RANK:
        raise RuntimeError(f"{t} is not a number")
    return t[1]  # type: ignore[no-any-return]


def _name(t: Term) -> str:
    rank = t[0]
    if rank == _FUN_RANK:
        return t[3]  # type: ignore[no-any-return]
    if rank == _CONST_RANK:
        return t[2]  # type: ignore[no-any-return]
    raise RuntimeError(f"{t} has no name")


_NUMBER: Callable[[Term], int] = Term.number.fget  # type: ignore[attr-defined]  # a Term's number, to map


def _fen(t: Term) -> int:
    # Every value of an answer is read here: six number limbs taken by index, where reading
    # each limb's ``number`` (or splitting them with zip) costs more than the arithmetic.
    if len(t) == 10 and t[0] == _FUN_RANK:  # a function of six arguments
        _, _, _, _, a, b, c, d, e, f = t
        if a[0] == b[0] == c[0] == d[0] == e[0] == f[0] == _NUM_RANK:
            return limbs_to_fen((a[1], b[1], c[1], d[1], e[1], f[1]))
    return limbs_to_fen(tuple(map(_NUMBER, t.arguments)))  # not six numbers: the error names the value


def _by(t: Term) -> tuple[str, int]:
    """other(I) or prior(I), as its kind and index."""
    (index,) = t.arguments
    return t.name, index.number


def _take_other(t: Term) -> tuple[int]:
    """take_other(I), as I."""
    (index,) = t.arguments
    return (index.number,)


# Each shown predicate: its record and how each argument is read. A reader of one
# argument may give several fields (a tuple), e.g. blocked_by's other(I) as kind and index.
_Read = Callable[[Term], Any]
RECORDS: dict[str, tuple[type[tuple[Any, ...]], tuple[_Read, ...]]] = {
    "gate": (Gate, (_str, _name, _term, _term)),
    "gate_effect": (GateEffect, (_str, _name)),
    "gate_evidence": (GateEvidence, (_str, _term)),
    "listed": (Listed, (_term, _term)),
    "clause_article": (ClauseArticle, (_term, _int)),
    "cond": (Cond, (_term, _term, _str, _name, _term, _term)),
    "cond_text": (CondText, (_str, _int, _name, _str, _str, _str)),
    "cond_source": (CondSource, (_term, _term, _str, _term)),
    "gate_source": (GateSource, (_str, _term)),
    "cond_note": (CondNote, (_term, _term, _str, _term)),
    "gap": (Gap, (_term, _term, _str, _term, _term)),
    "looked_at": (LookedAt, (_term, _term, _str, _int)),
    "basis": (Basis, (_term, _term, _term)),
    "primary_basis": (PrimaryBasis, (_term, _term, _term)),
    "cap": (Cap, (_term, _term)),
    "subject_cap": (SubjectCap, (_term, _term, _term)),
    "ceiling": (Ceiling, (_term,)),
    "payer": (Payer, (_term, _name)),
    "amount_key": (AmountKey, (_term, _term, _term)),
    "payable": (Payable, (_term, _term, _term)),
    "status": (Status, (_term, _term, _name)),
    "blocked_by": (BlockedBy, (_term, _term, _by)),
    "superseded_by": (SupersededBy, (_term, _term, _term)),
    "chosen": (Chosen, (_term,)),
    "component": (Component, (_term, _term)),
    "weight": (Weight, (_term, _int)),
    "advice": (Advice, (_take_other, _term)),
    "recovery_exposed": (RecoveryExposed, (_int,)),
    "interpretation": (Interpretation, (_str,)),
    "money_overflow": (MoneyOverflow, (_term,)),
    "rule_error": (RuleError, (_term,)),
    "val": (Val, (_term, _fen)),
    "locality": (Locality, (_str,)),
    "order_considered": (OrderConsidered, (_term, _term, _str, _name, _term)),
    "order_reason_text": (OrderReasonText, (_name, _str, _str)),
    "status_reason": (StatusReason, (_term, _term, _name, _str)),
    "supersedes": (Supersedes, (_term, _term, _term)),
    "other_outcome": (OtherOutcome, (_int, _name)),
    "other_blocks": (OtherBlocks, (_int, _term, _term)),
    "amount_step": (AmountStep, (_term, _term, _name, _term)),
    "amount_rate": (AmountRate, (_term, _term, _int, _int)),
    "minimum_payable": (MinimumPayable, (_term,)),
    "round_unit": (RoundUnit, (_int,)),
    "eligible": (Eligible, (_term, _term)),
}
# Readers that give more than one field.
_SPREAD = {_by, _take_other}


# Records already read, by atom. Atoms recur: a group shares the texts and the clause list,
# and many conditions, gates and values are the same from one declaration to the next; a record
# is immutable, so one is read once per process.
_READ: dict[Term, Any] = {}
_READ_LIMIT = 20_000


def _maker(cls: type[tuple[Any, ...]], readers: tuple[_Read, ...]) -> Callable[[Term], Any]:
    """How a predicate's atom becomes its record: a function made once per predicate, without the
    general reader's loop where no argument gives several fields."""
    arity = len(readers)
    new = tuple.__new__  # a NamedTuple from its fields, as its _make does

    if all(r is _term for r in readers):
        def as_is(atom: Term) -> Any:
            args = atom.arguments
            if len(args) != arity:
                raise ValueError(f"{atom} has {len(args)} arguments, {cls.__name__} reads {arity}")
            return new(cls, args)
        return as_is
    if not any(r in _SPREAD for r in readers):
        # Only the arguments read as something other than a Term are converted.
        converted = tuple((i, r) for i, r in enumerate(readers) if r is not _term)

        def each(atom: Term) -> Any:
            args = atom[4:] if atom[0] == _FUN_RANK else ()  # atom.arguments, without the call
            if len(args) != arity:
                raise ValueError(f"{atom} has {len(args)} arguments, {cls.__name__} reads {arity}")
            fields = list(args)
            for i, read_arg in converted:
                fields[i] = read_arg(args[i])
            return new(cls, fields)
        return each
    return lambda atom: _record(cls, readers, atom)


_MAKERS = {name: _maker(cls, readers) for name, (cls, readers) in RECORDS.items()}


def maker(name: str) -> Callable[[Term], Any] | None:
    """How one atom of ``name`` becomes its record; None for a predicate show.lp does not show.

    For a reader that keeps each atom's record beside its Term (``raw_symbols``), so that
    ``read`` finds the records made and the answer is not read a second time."""
    return _MAKERS.get(name)


def records(name: str, atoms: Iterable[Term]) -> list[Any]:
    """The atoms of one shown predicate as its records, in the order given."""
    make = _MAKERS[name]
    seen = _READ
    if len(seen) > _READ_LIMIT:
        seen.clear()
    out = []
    for atom in atoms:
        rec = seen.get(atom)
        if rec is None:
            rec = seen[atom] = make(atom)
        out.append(rec)
    return out


def _record(cls: type[tuple[Any, ...]], readers: tuple[_Read, ...], atom: Term) -> Any:
    fields: list[Any] = []
    for read_arg, arg in zip(readers, atom.arguments, strict=True):
        value = read_arg(arg)
        if read_arg in _SPREAD:
            fields.extend(value)
        else:
            fields.append(value)
    return cls(*fields)


# --- candidates of the selection (select.lp) ---------------------------------------------

class AwardCandidate(NamedTuple):
    """award(Clause, Subject): an award of these measures."""

    clause: Term
    subject: Term


class OtherCandidate(NamedTuple):
    """other(I): support under another Pinggu policy, declared as other_pinggu_support[I]."""

    item: int


def candidate(term: Term) -> AwardCandidate | OtherCandidate:
    """A candidate of select.lp (chosen/1, superseded_by/3, supersedes/3, advice/2) by its kind."""
    if term.name == "award":
        clause, subject = term.arguments
        return AwardCandidate(clause, subject)
    (index,) = term.arguments
    return OtherCandidate(index.number)


def clause_kind(clause: Term) -> str:
    """art3(output_growth) -> 'output_growth': the clause's own name within its article."""
    (kind,) = clause.arguments
    return kind.name


# --- one member's answer -------------------------------------------------------------------

@dataclass
class Answer:
    """The records of one member's answer set, by predicate, read once (``read``); with the selection's
    equally good alternatives as ``solve`` settled them (``solve.Derived``)."""

    by_name: dict[str, list[Any]]
    chosen: frozenset[Term]  # the candidates in the granted set (chosen/1)
    alternatives: list[frozenset[Term]] = field(default_factory=list)
    alternatives_truncated: bool = False
    alternatives_count: int | None = 0
    alternative_groups: list[Choices] = field(default_factory=list)

    def get(self, name: str) -> list[Any]:
        return self.by_name.get(name, [])

    def articles(self) -> dict[Term, int]:
        """Each clause's article, as clause_article/2 states it."""
        return {r.clause: r.article for r in self.get("clause_article")}

    def values(self) -> dict[Term, int]:
        """Each money key's value in fen (val/2)."""
        return {r.key: r.fen for r in self.get("val")}

    def eligible(self) -> set[tuple[Term, Term]]:
        """(clause, subject) of every eligible/2 atom: the clauses that qualify, as award.lp decides."""
        return {(r.clause, r.subject) for r in self.get("eligible")}

    @property
    def interpretations(self) -> tuple[str, ...]:
        """The named readings in force (interpretation/1), sorted."""
        return interpretations(self.get("interpretation"))


def interpretations(records_: Iterable[Interpretation]) -> tuple[str, ...]:
    return tuple(sorted(r.id for r in records_))


def read_records(atoms: dict[str, list[Term]], names: Iterable[str] | None = None) -> dict[str, list[Any]]:
    """A member's shown atoms (by predicate, as ``solve`` reads them) as records; only ``names`` when given.

    A predicate show.lp does not show has no record: that is an error, not data to skip.
    """
    wanted = atoms.keys() if names is None else [n for n in names if n in atoms]
    return {name: records(name, atoms[name]) for name in wanted}


def read(derived: Derived) -> Answer:
    """A decided member (``solve.Derived``) as records: those its reader made beside the atoms where it has them."""
    made = derived.records
    # The lists copied (a C copy each, a few µs a member): each Answer owns its lists, as when they were read here.
    by_name = {name: list(recs) for name, recs in made.items()} if made is not None else read_records(derived.atoms)
    return Answer(
        by_name,
        derived.chosen,
        alternatives=derived.alternatives,
        alternatives_truncated=derived.alternatives_truncated,
        alternatives_count=derived.alternatives_count,
        alternative_groups=derived.alternative_groups,
    )

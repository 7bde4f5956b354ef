"""``pinggu-summary/1``: what a population's result documents add up to.

Every figure is read from the result documents the rules produced (awards,
clause statuses, condition atoms with their observed and required values and
gaps); nothing here decides eligibility. The worker that decides a declaration
boils its result down to a small ``Digest``; the summary folds digests in input
order, so it never holds the results themselves and is the same on any machine.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ..declaration import Declaration
from ..engine.answer import Answer, Cond
from ..engine.result import Index, _yuan, _yuan_decimal
from ..engine.terms import basis_id, clause_id, value_json
from ..money import result_fen, yuan_json

SCHEMA = "pinggu-summary/1"
# A near miss fails its clause on one numeric condition, short by at most this
# share of the amount that would pass. An analyst's reading aid, not a rule of the measures.
NEAR_MISS_SHARE = Fraction(1, 10)


def fen_json(fen: int) -> int:
    """A summary's ``*_yuan`` key: sums of awards, whole yuan by 第十七条's rounding, always an integer."""
    return yuan_json(fen)


def percent_text(share: Fraction) -> str:
    value = (Decimal(share.numerator) * 100 / Decimal(share.denominator)).quantize(Decimal("0.01"))
    return f"{value}%"


@dataclass(frozen=True)
class Award:
    clause: str
    article: int
    basis: str
    payer: str
    fen: int
    up_to: bool = False  # a ceiling (不超过): reviewers may grant less


@dataclass(frozen=True)
class Digest:
    """What the summary needs of one result document."""

    where: dict[str, Any]
    credit_code: str
    name: str
    support_year: int
    locality: str
    awards: tuple[Award, ...]
    statuses: tuple[tuple[str, str], ...]  # (clause, status), one per listed clause and basis
    failing: tuple[tuple[str, str], ...]  # (clause, condition id) of each failed condition
    near_misses: tuple[dict[str, Any], ...]
    articles: tuple[tuple[str, int], ...]  # (clause, article) of each listed clause: clause_article/2

    @property
    def total_fen(self) -> int:
        return sum(award.fen for award in self.awards)

    def identity(self) -> dict[str, Any]:
        return {**self.where, "credit_code": self.credit_code, "name": self.name, "support_year": self.support_year}


def _near_miss(clause: dict[str, Any]) -> dict[str, Any] | None:
    """The one numeric condition a clause fails by a small gap, when that is all that stops it."""
    if clause["status"] != "ineligible":
        return None
    conditions = clause["conditions"]
    failed = [c for c in conditions if c["status"] == "fail"]
    if len(failed) != 1 or any(c["status"] == "unknown" for c in conditions) or "gap" not in failed[0]:
        return None
    condition = failed[0]
    passes_at, short_by = condition["gap"]["passes_at_fen"], condition["gap"]["short_by_fen"]
    share = _near_share(passes_at, short_by)
    if share is None:
        return None
    return {
        "clause": clause["clause"],
        "subject": clause["subject"],
        "condition": condition["id"],
        "observed": condition["observed"],
        "required": condition["required"],
        "passes_at_yuan_decimal": condition["gap"]["passes_at_yuan_decimal"],
        "passes_at_fen": passes_at,
        "short_by_yuan_decimal": condition["gap"]["short_by_yuan_decimal"],
        "short_by_fen": short_by,
        "short_by_share": percent_text(share),
        "amount_yuan": clause["amount_yuan"],
        "_share": (share.numerator, share.denominator),
    }


def digest(result: dict[str, Any], where: dict[str, Any], locality: str) -> Digest:
    articles = {c["clause"]: c["article"] for c in result["clauses"]}  # clause_article/2, as the result lists it
    awards = tuple(
        Award(a["clause"], articles[a["clause"]], a["basis"], a["payer"], result_fen(a["amount_yuan"]),
              bool(a.get("up_to")))
        for a in result["awards"]
    )
    statuses = tuple((c["clause"], c["status"]) for c in result["clauses"])
    failing = tuple(
        (c["clause"], cond["id"]) for c in result["clauses"] for cond in c["conditions"] if cond["status"] == "fail"
    )
    near = tuple(n for n in (_near_miss(c) for c in result["clauses"]) if n is not None)
    return Digest(where, result["enterprise"]["credit_code"], result["enterprise"]["name"], result["support_year"],
                  locality, awards, statuses, failing, near, tuple(sorted(articles.items())))


# What a digest reads of each (clause, subject): its Index indexes only these.
_DIGEST_READS = ("cond", "status", "payable", "primary_basis", "basis")
# Every shown predicate a digest reads (``digest_answer``, through ``Index``: the values, articles, caps, payers,
# localities, ceilings, gate sources, rounding; the listed clauses; the gaps), and those solving a member reads
# (``solve._SETTLING``, ``interpretation``). A batch that builds no document decides with the program cut down to
# these (``engine/pruning.py``); tests/test_summary_pruning.py holds that a digest reads nothing else.
SUMMARY_SHOWS: tuple[str, ...] = (
    *_DIGEST_READS, "gap", "listed", "clause_article", "val", "cap", "payer", "ceiling", "locality", "gate_source",
    "minimum_payable", "round_unit", "chosen", "component", "money_overflow", "rule_error", "interpretation",
)


def digest_answer(answer: Answer, decl: Declaration, where: dict[str, Any]) -> Digest:
    """The same ``Digest`` as ``digest`` of the result document, straight from the answer's records:
    a batch that writes no results builds no documents (tests/test_batch_summary.py holds the two equal)."""
    ix = Index(answer, by_clause=_DIGEST_READS, by_condition=("gap",))
    awards = []
    for award in ix.chosen_awards(answer.chosen):
        c, s = award.clause, award.subject
        own = ix.own(c, s)
        amount = ix.amount(c, s, own)
        if amount is None:  # pragma: no cover - select.lp only chooses payable awards
            raise ValueError(f"chosen award {award} has no amount")
        awards.append(Award(clause_id(c), ix.articles[c], basis_id(ix.primary_basis(c, s, own)), ix.payer_text(c),
                            amount, c in ix.ceiling))
    awards.sort(key=lambda a: (a.article, a.clause, a.basis))
    statuses = []
    failing = []
    near = []
    listed = ix.listed()
    for c, s in listed:
        cid = clause_id(c)
        own = ix.own(c, s)
        status = ix.status(c, s, own)
        statuses.append((cid, status))
        conditions = sorted(own.get("cond", ()), key=lambda r: r.id)
        failed = [r for r in conditions if r.status == "fail"]
        failing += [(cid, r.id) for r in failed]
        if status == "ineligible" and len(failed) == 1 and not any(r.status == "unknown" for r in conditions):
            miss = _near_miss_of(ix, cid, failed[0])
            if miss is not None:
                near.append(miss)
    articles = {clause_id(c): ix.articles[c] for c, _ in listed}
    return Digest(where, decl.enterprise.credit_code, decl.enterprise.name, decl.support_year,
                  decl.enterprise.locality, tuple(awards), tuple(statuses), tuple(failing), tuple(near),
                  tuple(sorted(articles.items())))


def _near_share(passes_at: int, short_by: int) -> Fraction | None:
    """How far short a failed number is, as a share of where it passes; None unless a near miss (NEAR_MISS_SHARE)."""
    if passes_at <= 0:
        return None
    share = Fraction(short_by, passes_at)
    return None if share > NEAR_MISS_SHARE else share


def _near_miss_of(ix: Index, cid: str, cond: Cond) -> dict[str, Any] | None:
    """``_near_miss`` of a clause's one failed condition, read from the records."""
    c, s = cond.clause, cond.subject
    gap = ix.gap_fen(c, s, cond.id)
    if gap is None:
        return None
    need, short = gap
    passes_at, short_by = need or 0, short or 0
    share = _near_share(passes_at, short_by)
    if share is None:
        return None
    return {
        "clause": cid,
        "subject": basis_id(s),
        "condition": cond.id,
        "observed": value_json(cond.observed, ix.values),
        "required": value_json(cond.required, ix.values),
        "passes_at_yuan_decimal": _yuan_decimal(need),
        "passes_at_fen": passes_at,
        "short_by_yuan_decimal": _yuan_decimal(short),
        "short_by_fen": short_by,
        "short_by_share": percent_text(share),
        "amount_yuan": _yuan(ix.amount(c, s)),
        "_share": (share.numerator, share.denominator),
    }


def _totals(table: dict[str, int], key: Any = None) -> dict[str, int | str]:
    return {k: fen_json(v) for k, v in sorted(table.items(), key=key)}


def _article_key(item: tuple[str, int]) -> Any:
    return int(item[0])


def clause_order(articles: dict[str, int]) -> Callable[[tuple[str, Any]], Any]:
    """The sort key of a (clause, ...) item: its article, as clause_article/2 says, then its id."""
    return lambda item: (articles[item[0]], item[0])


@dataclass
class Totals:
    """Money by article, clause, payer and locality, in fen."""

    total: int = 0
    up_to: int = 0
    by_article: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    by_clause: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    by_payer: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    by_locality: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    articles: dict[str, int] = field(default_factory=dict)  # each clause seen, and its article

    def add(self, d: Digest) -> None:
        self.articles.update(d.articles)
        for award in d.awards:
            self.total += award.fen
            self.up_to += award.fen if award.up_to else 0
            self.by_article[str(award.article)] += award.fen
            self.by_clause[award.clause] += award.fen
            self.by_payer[award.payer] += award.fen
            self.by_locality[d.locality] += award.fen


class Summary:
    """Folds digests, invalid declarations and engine errors, in input order."""

    def __init__(self, provenance: dict[str, Any]) -> None:
        self.provenance = provenance
        self.declarations = 0
        self.awarded = 0
        self.totals = Totals()
        self.award_counts: Counter[str] = Counter()
        self.ceilings: set[str] = set()
        self.status_counts: dict[str, Counter[str]] = defaultdict(Counter)
        self.failing: Counter[tuple[str, str]] = Counter()
        self.near_misses: list[dict[str, Any]] = []
        self.invalid: list[dict[str, Any]] = []
        self.engine_errors: list[dict[str, Any]] = []

    def add(self, d: Digest) -> None:
        self.declarations += 1
        self.awarded += bool(d.awards)
        self.totals.add(d)
        self.award_counts.update(award.clause for award in d.awards)
        self.ceilings.update(award.clause for award in d.awards if award.up_to)
        for clause, status in d.statuses:
            self.status_counts[clause][status] += 1
        self.failing.update(d.failing)
        for near in d.near_misses:
            self.near_misses.append({**d.identity(), **near})

    def add_invalid(self, record: dict[str, Any]) -> None:
        self.declarations += 1
        self.invalid.append(record)

    def add_engine_error(self, record: dict[str, Any]) -> None:
        self.declarations += 1
        self.engine_errors.append(record)

    def document(self) -> dict[str, Any]:
        near = sorted(self.near_misses, key=lambda n: Fraction(*n["_share"]))  # stable: input order among equals
        by_clause = clause_order(self.totals.articles)
        return {
            "schema": SCHEMA,
            "declarations": self.declarations,
            "decided": self.declarations - len(self.invalid) - len(self.engine_errors),
            "invalid": len(self.invalid),
            "engine_errors": len(self.engine_errors),
            "enterprises_awarded": self.awarded,
            "total_yuan": fen_json(self.totals.total),
            "total_exact_yuan": fen_json(self.totals.total - self.totals.up_to),
            "total_up_to_yuan": fen_json(self.totals.up_to),
            "totals_by_article": _totals(self.totals.by_article, _article_key),
            "totals_by_clause": _totals(self.totals.by_clause, by_clause),
            "totals_by_payer": _totals(self.totals.by_payer),
            "totals_by_locality": _totals(self.totals.by_locality),
            "awards_by_clause": dict(sorted(self.award_counts.items(), key=by_clause)),
            "ceiling_clauses": sorted(self.ceilings, key=lambda clause: by_clause((clause, 0))),
            "status_counts": {
                clause: dict(sorted(counts.items())) for clause, counts in sorted(self.status_counts.items(), key=by_clause)
            },
            "near_misses": {
                "within_share": percent_text(NEAR_MISS_SHARE),
                "count": len(near),
                "items": [{k: v for k, v in n.items() if k != "_share"} for n in near],
            },
            "failing_conditions": [
                {"clause": clause, "condition": cond, "count": count}
                for (clause, cond), count in sorted(self.failing.items(), key=lambda kv: (-kv[1], kv[0]))
            ],
            "invalid_declarations": self.invalid,
            "engine_error_declarations": self.engine_errors,
            "provenance": self.provenance,
        }

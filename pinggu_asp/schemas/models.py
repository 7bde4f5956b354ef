"""The documents the tool writes, as pydantic models: the source of their published JSON Schemas.

The documents themselves are built as plain dicts (result.py, whatif.py,
batch/summary.py); these models describe them, and the tests validate every
document against the schemas generated here, so the two cannot drift apart.

Money (README "Money in the JSON documents"): one type per key, told by its name.
A ``*_yuan`` key is always an integer of whole yuan (awards, totals, caps, the law's
sums). An amount that may hold fen (declared figures and the steps worked out from
them before 第十七条's rounding) has no ``*_yuan`` key: its ``*_fen`` key is an exact
integer to add up, and its ``*_yuan_decimal`` key the same amount as an exact decimal
string with two places, for reading.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field

# SPEC §6: keys may be added within a schema version, so readers accept keys they do not know.
OPEN = ConfigDict(extra="allow")

Yuan = Annotated[int, Field(description="Whole yuan, exact.")]
Fen = Annotated[int, Field(description="Fen (1/100 yuan), exact: the figure to add up.")]
YuanDecimal = Annotated[
    str,
    Field(pattern=r"^[0-9]+\.[0-9]{2}$",
          description="Yuan as an exact decimal string with two places, for reading; add up the *_fen key beside it."),
]
Value = Annotated[Any, Field(description="An observed or required value; its kind is in observed_kind / "
                             "required_kind (money in yuan: an integer when whole, else an exact decimal string; dates as YYYY-MM-DD; ranges as pairs).")]


class Doc(BaseModel):
    model_config = OPEN


# --- pinggu-result/1 -------------------------------------------------------------------------------------------


class Enterprise(Doc):
    name: str
    credit_code: str


class Derivation(Doc):
    """How an award was worked out: base × rate = raw, min with the cap, less what was paid, then rounding."""

    base_yuan_decimal: Optional[YuanDecimal]
    base_fen: Optional[Fen]
    raw_yuan_decimal: Optional[YuanDecimal]
    raw_fen: Optional[Fen]
    fixed_yuan: Optional[Yuan]
    fixed_fen: Optional[Fen]
    cap_yuan: Optional[Yuan]
    cap_fen: Optional[Fen]
    already_paid_yuan_decimal: Optional[YuanDecimal]
    already_paid_fen: Optional[Fen]
    before_rounding_yuan_decimal: Optional[YuanDecimal]
    before_rounding_fen: Optional[Fen]
    after_rounding_yuan: Optional[Yuan]
    after_rounding_fen: Optional[Fen]
    base_formula: Optional[str]
    rate: Optional[str] = Field(description="numerator/denominator")
    rate_text: Optional[str]
    minimum_yuan: Optional[Yuan]
    minimum_fen: Optional[Fen]
    round_unit_yuan: Optional[Yuan]
    round_unit_fen: Optional[Fen]


class Award(Doc):
    clause: str
    basis: str
    bases: list[str]
    amount_yuan: Yuan
    cap_yuan: Optional[Yuan]
    up_to: bool = Field(description="The amount is a ceiling (不超过), not an exact sum.")
    payer: str
    derivation: Optional[Derivation]


class Fact(Doc):
    field: str
    value_yuan_decimal: Optional[YuanDecimal]
    value_fen: Optional[Fen]


class Gap(Doc):
    passes_at_yuan_decimal: Optional[YuanDecimal]
    short_by_yuan_decimal: Optional[YuanDecimal]
    passes_at_fen: Optional[Fen]
    short_by_fen: Optional[Fen]


class NoteDetail(Doc):
    code: str
    args: list[Any]


class Check(Doc):
    """A condition of a clause, or a gate: observed against required, with the text behind it."""

    id: str
    status: Literal["pass", "fail", "unknown"]
    observed: Value
    required: Value
    comparison: Optional[str]
    article: Optional[int]
    phrase_zh: Optional[str]
    text_zh: Optional[str]
    text_en: Optional[str]
    source_field: Optional[str]
    observed_kind: str
    required_kind: str
    required_formula: Optional[str]
    facts: list[Fact]
    missing: Optional[str] = Field(default=None, description="The declared field whose absence makes it unknown.")


class Condition(Check):
    gap: Optional[Gap] = None
    years_looked_at: Optional[list[int]] = None
    notes: Optional[list[str]] = None
    note_details: Optional[list[NoteDetail]] = None


class Gate(Check):
    effect: Optional[str]
    evidence: list[str]


class Candidate(Doc):
    """An award of these measures (clause, basis, subject) or support under another policy."""

    clause: Optional[str] = None
    basis: str
    subject: Optional[str] = None
    policy: Optional[str] = None
    other_pinggu_support: Optional[int] = None
    amount_yuan: Optional[Yuan] = Field(default=None, description="An award's amount (whole yuan).")
    amount_yuan_decimal: Optional[YuanDecimal] = Field(default=None, description="Another policy's support, as declared.")
    amount_fen: Optional[Fen] = None


class Blocker(Doc):
    prior_award: Optional[int] = None
    other_pinggu_support: Optional[int] = None
    policy: str
    clause: Optional[str] = None
    basis: str
    year: Optional[int] = None
    amount_yuan_decimal: Optional[YuanDecimal]
    amount_fen: Optional[Fen]


class Reason(Doc):
    kind: str
    id: str


class OrderReason(Doc):
    code: str
    text_zh: Optional[str]
    text_en: Optional[str]
    detail: Value


class Order(Doc):
    order: str
    verdict: str
    executed_yuan_decimal: Optional[YuanDecimal]
    executed_fen: Optional[Fen]
    reasons: list[OrderReason]


class Clause(Doc):
    clause: str
    article: int
    subject: str
    basis: str
    bases: list[str]
    status: str = Field(description="eligible, ineligible, unknown, superseded, blocked, ...")
    amount_yuan: Optional[Yuan]
    amount_before_rounding_yuan_decimal: Optional[YuanDecimal]
    amount_before_rounding_fen: Optional[Fen]
    derivation: Optional[Derivation]
    cap_yuan: Optional[Yuan]
    up_to: bool
    payer: str
    conditions: list[Condition]
    superseded_by: list[Candidate]
    blocked_by: list[Blocker]
    reasons: list[Reason]
    supersedes: list[Candidate]
    orders: list[Order]


class Alternative(Doc):
    chosen: list[Candidate]
    total_yuan: Yuan


class AlternativeGroup(Doc):
    """One independent conflict (a connected part of the conflict graph) with more than one equally good choice."""

    candidates: list[Candidate] = Field(description="Every candidate of this conflict.")
    chosen: list[Candidate] = Field(description="The candidates of this conflict in the granted set.")
    choices: list[list[Candidate]] = Field(description="The other equally good choices of this conflict "
                                           "(cut at the listing limit; see alternatives_truncated).")
    count: Optional[int] = Field(description="How many equally good choices this conflict has, the chosen "
                                 "one included; null when more were found than were counted.")


class Advisory(Doc):
    kind: Literal["take_other_policy", "recovery_exposure"]
    article: int
    policy: Optional[str] = None
    basis: str
    instead_of: Optional[str] = None
    prior_award: Optional[int] = None
    clause: Optional[str] = None
    amount_yuan_decimal: Optional[YuanDecimal] = None
    amount_fen: Optional[Fen] = None
    text_en: str
    text_zh: str


class OtherSupport(Doc):
    other_pinggu_support: int
    policy: str
    basis: str
    amount_yuan_decimal: Optional[YuanDecimal]
    amount_fen: Optional[Fen]
    status: str
    outcome: str
    blocks: list[str]


class Reading(Doc):
    name: str
    zh: str
    en: str
    switch: Optional[str]
    replaces: Optional[str]


class ParameterValue(Doc):
    value: Union[int, str] = Field(description="As `--param NAME=VALUE` takes it, in `unit`: money an integer of "
                                   "yuan (or of fen when not whole yuan), a rate \"numerator/denominator\", "
                                   "a date YYYY-MM-DD, a count an integer.")
    unit: Literal["yuan", "fen", "ratio", "date", "count"]
    display: str = Field(description="The value as people read it, e.g. \"1,000,000 元\" or \"0.5%\".")
    article: int
    since: str


class Provenance(Doc):
    package: str
    clingo: str
    rules_sha256: str
    parameters_sha256: str
    parameters_source: str
    declaration_sha256: str


class Result(Doc):
    """pinggu-result/1: every clause decided for one declaration, the awards chosen, and why."""

    model_config = ConfigDict(extra="allow", title="pinggu-result/1")

    schema_: Literal["pinggu-result/1"] = Field(alias="schema")
    enterprise: Enterprise
    support_year: int
    declaration_date: str
    awards: list[Award]
    total_yuan: Yuan
    total_up_to_yuan: Yuan = Field(description="The part of the total that is a ceiling (不超过).")
    total_exact_yuan: Yuan
    totals_by_article: dict[str, Yuan]
    totals_by_payer: dict[str, Yuan]
    clauses: list[Clause]
    gates: list[Gate]
    alternatives: list[Alternative]
    alternatives_truncated: bool
    alternatives_count: Optional[int] = Field(description="How many other equally favourable whole sets there "
                                              "are: the product of the conflicts' counts, less one; null when "
                                              "a count is unknown.")
    alternative_groups: list[AlternativeGroup] = Field(description="The alternatives factored by independent "
                                                       "conflict (SPEC §4.2).")
    advisories: list[Advisory]
    other_support: list[OtherSupport]
    interpretations: list[str]
    readings: list[Reading]
    parameters: dict[str, ParameterValue]
    provenance: Provenance


# --- pinggu-whatif/1 -------------------------------------------------------------------------------------------


class Asked(Doc):
    set: list[str]
    param: list[str]
    interpretations: list[str]
    base_interpretations: list[str]


class AmountChange(Doc):
    clause: str
    basis: str
    before_yuan: Yuan
    after_yuan: Yuan


class AwardChanges(Doc):
    gained: list[Award]
    lost: list[Award]
    changed: list[AmountChange]


class State(Doc):
    status: str
    amount_yuan: Optional[Yuan]


class Brief(Doc):
    status: str
    observed: Value
    required: Value


class ConditionChange(Doc):
    id: str
    before: Optional[Brief]
    after: Optional[Brief]
    article: Optional[int]
    phrase_zh: Optional[str]
    text_zh: Optional[str]
    text_en: Optional[str]
    source_field: Optional[str]


class ClauseChange(Doc):
    clause: str
    basis: str
    before: State
    after: State
    conditions: list[ConditionChange]


class Whatif(Doc):
    """pinggu-whatif/1: both results, what was changed, and the difference."""

    model_config = ConfigDict(extra="allow", title="pinggu-whatif/1")

    schema_: Literal["pinggu-whatif/1"] = Field(alias="schema")
    asked: Asked
    total_before_yuan: Yuan
    total_after_yuan: Yuan
    awards: AwardChanges
    changes: list[ClauseChange]
    before: Result
    after: Result


# --- pinggu-summary/1 ------------------------------------------------------------------------------------------


class Where(Doc):
    """Where a declaration is in the batch's input: a line (of a file), or a workbook's sheet and row."""

    line: Optional[int] = None
    file: Optional[str] = None
    sheet: Optional[str] = None
    row: Optional[int] = None


class NearMiss(Where):
    clause: str
    subject: str
    condition: str
    observed: Value
    required: Value
    passes_at_yuan_decimal: Optional[YuanDecimal]
    passes_at_fen: Optional[Fen]
    short_by_yuan_decimal: Optional[YuanDecimal]
    short_by_fen: Optional[Fen]
    short_by_share: str
    amount_yuan: Optional[Yuan]
    credit_code: str
    name: str
    support_year: int


class NearMisses(Doc):
    within_share: str
    count: int
    items: list[NearMiss]


class FailingCondition(Doc):
    clause: str
    condition: str
    count: int


class ErrorItem(Doc):
    field: str
    message: str


class ErrorRecord(Where):
    """pinggu-error/1: where a declaration is in the input and what is wrong, field by field."""

    schema_: Literal["pinggu-error/1"] = Field(alias="schema")
    errors: list[ErrorItem]
    kind: Optional[str] = None


class SummaryProvenance(Doc):
    package: str = Field(description="pinggu-asp and its version.")
    rules_sha256: str
    parameters_sha256: str
    parameters_source: str
    interpretations: list[str]
    readings_in_force: list[str] = Field(description="The switchable readings in force: each default not "
                                         "replaced, and each switch.")
    parameters: dict[str, list[ParameterValue]] = Field(description="Each parameter's dated values.")


class Difference(Doc):
    baseline_yuan: Yuan
    reform_yuan: Yuan
    difference_yuan: int = Field(description="Reform less baseline, in whole yuan; negative when the reform pays less.")


class ReformProvenance(SummaryProvenance):
    parameter_overrides: list[str] = Field(description="Each --compare-param NAME=VALUE.")


class ReformError(Where):
    credit_code: Optional[str] = None
    name: Optional[str] = None
    support_year: Optional[int] = None
    message: str


class ReformErrors(Doc):
    count: int
    items: list[ReformError]


class ParameterChange(Doc):
    name: str
    article: int
    from_: list[ParameterValue] = Field(alias="from", description="The baseline's dated values.")
    to: list[ParameterValue] = Field(description="The reform's dated values.")


class Comparison(Doc):
    """A reform against the baseline, over the same population."""

    baseline: SummaryProvenance
    reform: ReformProvenance
    parameters_changed: list[ParameterChange] = Field(description="Each parameter the reform changes, from → to.")
    readings_switched_on: list[str]
    readings_switched_off: list[str]
    total: Difference
    total_up_to: Difference = Field(description="The part of the totals that is ceilings (不超过).")
    by_article: dict[str, Difference]
    by_clause: dict[str, Difference]
    by_payer: dict[str, Difference]
    by_locality: dict[str, Difference]
    enterprises_changed: dict[str, Any]
    reform_errors: ReformErrors = Field(description="Declarations the reform could not decide (no value in force "
                                        "on their date), left out of both totals.")


class Summary(Doc):
    """pinggu-summary/1: what a population's results add up to."""

    model_config = ConfigDict(extra="allow", title="pinggu-summary/1")

    schema_: Literal["pinggu-summary/1"] = Field(alias="schema")
    declarations: int
    decided: int
    invalid: int
    engine_errors: int
    enterprises_awarded: int
    total_yuan: Yuan
    total_exact_yuan: Yuan = Field(description="The part of the total that is exact sums.")
    total_up_to_yuan: Yuan = Field(description="The part of the total that is ceilings (不超过).")
    totals_by_article: dict[str, Yuan]
    totals_by_clause: dict[str, Yuan]
    totals_by_payer: dict[str, Yuan]
    totals_by_locality: dict[str, Yuan]
    awards_by_clause: dict[str, int]
    ceiling_clauses: list[str] = Field(description="The clauses whose awards are ceilings (不超过), not exact sums.")
    status_counts: dict[str, dict[str, int]]
    near_misses: NearMisses
    failing_conditions: list[FailingCondition]
    invalid_declarations: list[ErrorRecord]
    engine_error_declarations: list[ErrorRecord]
    provenance: SummaryProvenance
    comparison: Optional[Comparison] = None

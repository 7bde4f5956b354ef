"""YAML cases, as OpenFisca writes them: a declaration, what the rules should decide, and a name that says why.

A case file (``pinggu-cases/1``) holds named bases and a list of cases::

    schema: pinggu-cases/1
    description: 第九条 ... (what the file covers)
    bases:
      kitchen:                       # a named base: another base or a file, plus changes
        base: baseline.yaml          # a path relative to this file, or a base named above
        set: {enterprise.sectors: [central_kitchen]}
    cases:
      - name: 不满足：订单金额未超过500万元 (5,000,000)
        base: kitchen
        set: {orders[o-1].executed.2025: 5000000}     # the what-if paths (whatif.py)
        readings: [I-events-whole-year]               # switches, as -i
        parameters: {order_max_consecutive_years: 3}  # a reform, as --param NAME=VALUE
        awards: {}                                    # every award: clause (or clause[basis]) -> yuan
        total_yuan: 0
        statuses: {art9.procurement: ineligible}      # clause, or clause[subject]; `absent`: not listed
        conditions: {art9.orders_sum: fail}           # condition or gate id; id[clause] or id[subject]

A case's changes are made by ``whatif.set_path``, its parameters by
``reform.with_overrides`` and its readings by the same switches ``-i`` takes,
so a case means exactly what the same what-if on the command line means.
Everything is validated before anything is decided: a malformed file is an
error naming the file and line (exit 2), never a failed case.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, Optional

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .analysis.reform import with_overrides
from .analysis.whatif import _fields_of, set_path
from .declaration import Declaration
from .engine.decide import check_many
from .engine.solve import EngineError, Ruleset
from .loading import InputError, _DecimalLoader, declaration_from_data, format_location, parse_text
from .money import yuan_plain
from .policy.interpretations import InterpretationError
from .policy.parameters import ParameterError, ParameterSet, load_parameters

SCHEMA = "pinggu-cases/1"
DECLARATION_SCHEMA = "pinggu-declaration/1"
ClauseStatus = Literal[
    "granted", "superseded", "blocked", "below_minimum", "ineligible", "undetermined", "barred", "not_applicable",
    "absent",
]
ConditionStatus = Literal["pass", "fail", "unknown"]
Yuan = int | Decimal
_KEY = re.compile(r"^(?P<id>[^\[\]]+)(?:\[(?P<subject>.+)\])?$")


class CaseFileError(Exception):
    """A case file that cannot be run: the message names the file and line."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)


class BaseSpec(_Model):
    """A named base: a declaration written out, or another base (or file) with changes."""

    base: Optional[str] = None
    declaration: Optional[dict[str, Any]] = None
    set: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_source(self) -> BaseSpec:
        if (self.base is None) == (self.declaration is None):
            raise ValueError("give exactly one of base (a file or a named base) and declaration")
        return self


class CaseSpec(BaseSpec):
    """One case: its declaration, and what the rules should decide for it."""

    name: str = Field(min_length=1)
    readings: list[str] = Field(default_factory=list)
    parameters: dict[str, Any] = Field(default_factory=dict)
    awards: Optional[dict[str, Yuan]] = None
    total_yuan: Optional[Yuan] = None
    statuses: dict[str, ClauseStatus] = Field(default_factory=dict)
    conditions: dict[str, ConditionStatus] = Field(default_factory=dict)

    @field_validator("statuses", "conditions", "awards")
    @classmethod
    def _keys(cls, value: Optional[dict[str, Any]]) -> Optional[dict[str, Any]]:
        for key in value or {}:
            if not _KEY.match(key):
                raise ValueError(f"{key!r} is not an id or id[subject]")
        return value

    @model_validator(mode="after")
    def _expects_something(self) -> CaseSpec:
        if self.awards is None and self.total_yuan is None and not self.statuses and not self.conditions:
            raise ValueError("a case expects something: awards, total_yuan, statuses or conditions")
        return self


class CaseFile(_Model):
    schema_: Literal["pinggu-cases/1"] = Field(alias="schema")
    description: Optional[str] = None
    bases: dict[str, BaseSpec] = Field(default_factory=dict)
    cases: list[CaseSpec] = Field(min_length=1)


@dataclass(frozen=True)
class Case:
    """A case ready to decide: its declaration validated, its reform and readings checked."""

    file: Path
    line: int
    spec: CaseSpec
    declaration: Declaration
    ruleset: Ruleset

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


# --- reading a case file --------------------------------------------------------


def _compose(text: str, path: Path) -> tuple[Any, yaml.Node]:
    """The data and the node tree of a YAML file (the nodes keep the line of everything in it)."""
    loader = _DecimalLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise CaseFileError(f"{path}:1: the file is empty")
        return loader.construct_document(node), node
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise CaseFileError(f"{path}:{line}: not valid YAML: {problem}") from None
    finally:
        loader.dispose()


def _line(node: yaml.Node, loc: Sequence[Any]) -> int:
    """The line (1-based) of the deepest node a location reaches."""
    for part in loc:
        nxt: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            nxt = next((value for key, value in node.value if key.value == str(part)), None)
            if nxt is None:
                nxt = next((key for key, _ in node.value if key.value == str(part)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            nxt = node.value[part]
        if nxt is None:
            break
        node = nxt
    return int(node.start_mark.line) + 1


class _Bases:
    """Resolves a base name or path to plain declaration data, each once, refusing a cycle."""

    def __init__(self, file: Path, specs: dict[str, BaseSpec], root: yaml.Node) -> None:
        self.file, self.specs, self.root = file, specs, root
        self.done: dict[str, dict[str, Any]] = {}

    def data(self, ref: str, where: str, seen: tuple[str, ...] = ()) -> dict[str, Any]:
        if ref in self.specs:
            if ref in seen:
                raise CaseFileError(f"{where}: the bases {' -> '.join((*seen, ref))} refer to each other")
            if ref not in self.done:
                spec = self.specs[ref]
                here = f"{self.file}:{_line(self.root, ('bases', ref))}"
                self.done[ref] = changed(self._source(spec, here, (*seen, ref)), spec.set,
                                         lambda path: f"{self.file}:{_line(self.root, ('bases', ref, 'set', path))}")
            return copy.deepcopy(self.done[ref])
        path = (self.file.parent / ref).resolve()
        try:
            data = parse_text(path.read_text(encoding="utf-8"), str(path))
        except OSError:
            raise CaseFileError(f"{where}: base {ref!r} is neither a base named in this file nor a file") from None
        except InputError as exc:
            raise CaseFileError(f"{where}: base {ref}: {exc}") from None
        if not isinstance(data, dict):
            raise CaseFileError(f"{where}: base {ref} is not a declaration")
        return data

    def _source(self, spec: BaseSpec, where: str, seen: tuple[str, ...] = ()) -> dict[str, Any]:
        if spec.declaration is not None:
            return copy.deepcopy(spec.declaration)
        assert spec.base is not None
        return self.data(spec.base, where, seen)


def changed(data: dict[str, Any], changes: dict[str, Any], where: Callable[[str], str]) -> dict[str, Any]:
    """``data`` with each ``path: value`` made, by the what-if path setter; ``where(path)`` is its file:line."""
    fields = _fields_of(Declaration)
    data = _plain(data)
    for path, value in changes.items():
        try:
            set_path(data, fields, str(path), _plain(value))
        except InputError as exc:
            problems = "; ".join(f"{p}: {reason}" for p, reason in exc.problems)
            raise CaseFileError(f"{where(str(path))}: set {problems}") from None
    return data


def _plain(value: Any) -> Any:
    # The shape whatif's paths address (a declaration dumped as JSON): YAML reads the years that
    # key executed amounts as ints, and a path names them as text.
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


class _Rulesets:
    """One ruleset per reform and readings, so cases that share them are decided together."""

    def __init__(self) -> None:
        self.shipped = load_parameters()
        self.made: dict[tuple[str, tuple[str, ...]], Ruleset] = {}

    def get(self, parameters: dict[str, Any], readings: Iterable[str], where: str, where_readings: str) -> Ruleset:
        overrides = [f"{name}={_param_text(value)}" for name, value in parameters.items()]
        try:
            params: ParameterSet = with_overrides(self.shipped, overrides, option=f"{where}: parameters")
        except ParameterError as exc:
            raise CaseFileError(str(exc)) from None
        ruleset = Ruleset(parameters=params, switches=tuple(sorted(set(readings))))
        try:
            ruleset.modules  # noqa: B018 - raises InterpretationError on an unknown switch
        except InterpretationError as exc:
            raise CaseFileError(f"{where_readings}: readings: {exc}") from None
        key = (params.sha256, ruleset.switches)
        return self.made.setdefault(key, ruleset)


def _param_text(value: Any) -> str:
    if isinstance(value, bool) or isinstance(value, (dict, list)) or value is None:
        return json.dumps(value, default=str)
    return str(value)


def load_case_file(path: Path, rulesets: _Rulesets | None = None) -> list[Case]:
    """Every case of a file, validated and ready to decide; a ``CaseFileError`` names the file and line."""
    rulesets = rulesets or _Rulesets()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CaseFileError(f"{path}:1: cannot be read: {exc}") from None
    data, root = _compose(text, path)
    try:
        doc = CaseFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        loc = tuple(p for p in first["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        shown = format_location(tuple("schema" if p == "schema_" else p for p in loc))
        message = "required field is missing" if first["type"] == "missing" else first["msg"]
        if first["type"] == "extra_forbidden":
            message = "unknown field"
        more = len(exc.errors()) - 1
        raise CaseFileError(
            f"{path}:{_line(root, loc)}: {shown or 'the file'}: {message}" + (f" (and {more} more)" if more else "")
        ) from None
    bases = _Bases(path, doc.bases, root)
    cases: list[Case] = []
    names: dict[str, int] = {}
    for index, spec in enumerate(doc.cases):
        line = _line(root, ("cases", index))
        where = f"{path}:{line}"
        if spec.name in names:
            raise CaseFileError(f"{where}: the name {spec.name!r} is already the case at line {names[spec.name]}")
        names[spec.name] = line
        source = (copy.deepcopy(spec.declaration) if spec.declaration is not None
                  else bases.data(str(spec.base), f"{path}:{_line(root, ('cases', index, 'base'))}"))
        def set_line(key: str, index: int = index) -> str:
            return f"{path}:{_line(root, ('cases', index, 'set', key))}"

        data = changed(source, spec.set, set_line)
        try:
            declaration = declaration_from_data(data, where)
        except InputError as exc:
            problems = "; ".join(f"{p}: {reason}" if p else reason for p, reason in exc.problems)
            raise CaseFileError(f"{where}: the case's declaration is invalid: {problems}") from None
        ruleset = rulesets.get(spec.parameters, spec.readings, f"{path}:{_line(root, ('cases', index, 'parameters'))}",
                               f"{path}:{_line(root, ('cases', index, 'readings'))}")
        cases.append(Case(file=path, line=line, spec=spec, declaration=declaration, ruleset=ruleset))
    return cases


def case_files(paths: Iterable[Path]) -> list[Path]:
    """The files named, and below each folder every ``*.yaml`` that is not a declaration (those are bases)."""
    out: list[Path] = []
    for path in paths:
        if not path.is_dir():
            out.append(path)
            continue
        for found in sorted(path.rglob("*.yaml")):
            try:
                head = parse_text(found.read_text(encoding="utf-8"), str(found))
            except (OSError, UnicodeDecodeError, InputError):
                out.append(found)  # reported as malformed when loaded
                continue
            if not (isinstance(head, dict) and head.get("schema") == DECLARATION_SCHEMA):
                out.append(found)
    return out


def load_cases(paths: Iterable[Path]) -> tuple[list[Case], list[str]]:
    """Every case under ``paths``, and the errors of the files that could not be loaded."""
    rulesets = _Rulesets()
    cases: list[Case] = []
    errors: list[str] = []
    files = case_files(paths)
    if not files:
        errors.append("no case files found in " + ", ".join(str(p) for p in paths))
    for path in files:
        try:
            cases += load_case_file(path, rulesets)
        except CaseFileError as exc:
            errors.append(str(exc))
    return cases, errors


# --- deciding and comparing -----------------------------------------------------


@dataclass
class Outcome:
    case: Case
    mismatches: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.mismatches

    def line(self) -> str:
        return f"{self.case.where}: {self.case.spec.name}: " + " | ".join(self.mismatches)


def decide(cases: Sequence[Case]) -> list[Outcome]:
    """Decide every case (those sharing a ruleset together) and compare each result with what it expects."""
    outcomes: dict[int, Outcome] = {}
    groups: dict[int, list[int]] = {}
    for index, case in enumerate(cases):
        groups.setdefault(id(case.ruleset), []).append(index)
    for indices in groups.values():
        ruleset = cases[indices[0]].ruleset
        results = check_many([cases[i].declaration for i in indices], ruleset)
        for index, result in zip(indices, results, strict=True):
            case = cases[index]
            if isinstance(result, EngineError):
                outcomes[index] = Outcome(case, [f"the rules could not decide it: {result}"])
            else:
                outcomes[index] = Outcome(case, compare(case.spec, result))
    return [outcomes[i] for i in range(len(cases))]


def _yuan(value: Any) -> Decimal:
    return Decimal(str(value))


def _text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _key(key: str) -> tuple[str, str | None]:
    match = _KEY.match(key)
    assert match is not None  # checked when the file was read
    return match["id"], match["subject"]


def _entries(result: dict[str, Any], key: str) -> list[dict[str, Any]]:
    clause, subject = _key(key)
    return [c for c in result["clauses"] if c["clause"] == clause and subject in (None, c["subject"], c["basis"])]


def _condition_text(cond: dict[str, Any]) -> str:
    shown = f"{cond['id']} {cond['status']}"
    if cond.get("observed") is not None or cond.get("required") is not None:
        shown += f" (observed {_text(cond.get('observed'))}, {cond.get('comparison') or 'required'} {_text(cond.get('required'))})"
    for note in cond.get("notes") or []:
        shown += f" [{note}]"
    return shown


def decided_by(result: dict[str, Any], entries: Sequence[dict[str, Any]]) -> str:
    """What decided these clause entries, from the result's own conditions (nothing is re-derived here)."""
    parts: list[str] = []
    for entry in entries:
        status = entry["status"]
        if status == "barred":
            gates = [g for g in result["gates"] if g["status"] != "pass"]
            parts += [f"gate {_condition_text(g)}" for g in gates] or ["a gate"]
        elif status in ("superseded", "blocked"):
            others = entry.get("superseded_by") or entry.get("blocked_by") or []
            parts.append(f"{status} by " + ", ".join(_text(o) for o in others))
        else:
            failing = [c for c in entry["conditions"] if c["status"] != "pass"]
            if failing:
                parts += [_condition_text(c) for c in failing]
            else:
                parts.append(f"{entry['clause']}[{entry['subject']}]: every condition passes")
    return "; ".join(parts) if parts else "no entry of the clause is listed"


def _awarded(result: dict[str, Any]) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for award in result["awards"]:
        out[award["clause"]] = out.get(award["clause"], Decimal(0)) + _yuan(award["amount_yuan"])
    return out


def compare(spec: CaseSpec, result: dict[str, Any]) -> list[str]:
    """Each way the result differs from the case, with the condition that decided it."""
    out: list[str] = []
    for key, status in spec.statuses.items():
        entries = _entries(result, key)
        got = sorted({e["status"] for e in entries}) or ["absent"]
        if got != [status]:
            out.append(f"statuses.{key}: expected {status}, got {', '.join(got)}; decided by {decided_by(result, entries)}")
    # A condition of every entry that has it, or of one clause or subject: art4.first_time[art4.new_plant].
    conditions: list[tuple[dict[str, Any], tuple[str, ...]]] = [
        (c, (entry["clause"], entry["subject"])) for entry in result["clauses"] for c in entry["conditions"]
    ]
    conditions += [(g, ()) for g in result["gates"]]
    for key, expected in spec.conditions.items():
        cid, subject = _key(key)
        found = [c for c, owner in conditions if c["id"] == cid and (subject is None or subject in owner)]
        got = sorted({c["status"] for c in found})
        if got != [expected]:
            shown = "; ".join(_condition_text(c) for c in found) or "no such condition in the result"
            out.append(f"conditions.{key}: expected {expected}, got {', '.join(got) or 'nothing'}; {shown}")
    if spec.awards is not None:
        awarded = _awarded(result)
        by_basis = {f"{a['clause']}[{a['basis']}]": _yuan(a["amount_yuan"]) for a in result["awards"]}
        named_clauses = {_key(k)[0] for k in spec.awards}
        for key, amount in spec.awards.items():
            clause, subject = _key(key)
            got_amount = (awarded if subject is None else by_basis).get(key)
            if got_amount != _yuan(amount):
                shown = "none" if got_amount is None else yuan_plain(got_amount)
                out.append(f"awards.{key}: expected {yuan_plain(_yuan(amount))}, got {shown}; "
                           f"decided by {decided_by(result, _entries(result, key))}")
        for clause in sorted(set(awarded) - named_clauses):
            out.append(f"awards.{clause}: expected no award, got {yuan_plain(awarded[clause])}; "
                       f"decided by {decided_by(result, _entries(result, clause))}")
    if spec.total_yuan is not None and _yuan(result["total_yuan"]) != _yuan(spec.total_yuan):
        awards = ", ".join(f"{c} {yuan_plain(a)}" for c, a in sorted(_awarded(result).items())) or "no award"
        gates = [f"gate {_condition_text(g)}" for g in result["gates"] if g["status"] != "pass"]
        out.append(f"total_yuan: expected {yuan_plain(spec.total_yuan)}, got {yuan_plain(result['total_yuan'])}; "
                   f"from {'; '.join([awards, *gates])}")
    return out


def run(paths: Sequence[Path], echo: Callable[[str], Any] = print, echo_error: Callable[[str], Any] = print) -> int:
    """``pinggu-asp test``: 0 when every case passes, 1 when one fails, 2 when a case file is malformed.

    Nothing is decided until every file has loaded: a malformed file is never half a run.
    """
    cases, errors = load_cases(paths)
    if errors:
        for error in errors:
            echo_error(f"error: {error}")
        return 2
    outcomes = decide(cases)
    failed = [o for o in outcomes if not o.passed]
    for outcome in failed:
        echo(outcome.line())
    files = len({c.file for c in cases})
    if failed:
        echo(f"{len(failed)} of {len(outcomes)} cases failed ({files} files)")
        return 1
    echo(f"{len(outcomes)} cases passed ({files} files)")
    return 0

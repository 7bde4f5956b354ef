"""Deciding the items of a batch in chunks: in this process, in local worker processes, or on Dask.

Workers get whole chunks and return small outcomes (the output line or rows,
and the summary's digest), so the parent never holds result documents. Chunks
are handed out through a bounded window and their outcomes come back in input
order, so memory stays flat however long the input is.
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from ..engine import check_many
from ..loading import InputError, declaration_from_data, parse_text
from ..model import Declaration
from ..result import dumps_line
from ..solve import EngineError, Ruleset
from .reading import BatchInputError, Item
from .summary import Digest, digest

ERROR_SCHEMA = "pinggu-error/1"
# Declarations per chunk: enough to amortise a hand-off, few enough to keep every core busy to the end.
CHUNK = 50
DASK_CHUNK = 200


@dataclass(frozen=True)
class Plan:
    """What each worker does to a declaration, and what it sends back."""

    baseline: Ruleset
    reform: Ruleset | None = None
    lines: bool = True  # the JSON line of each result (a .jsonl output)
    rows: bool = False  # award and clause rows (a .xlsx or .csv output)
    digests: bool = True


@dataclass(frozen=True)
class Outcome:
    where: dict[str, Any]
    line: str | None = None  # the output line: a result, or an error record
    error: dict[str, Any] | None = None  # set for an invalid declaration or an engine error
    digest: Digest | None = None
    reform_digest: Digest | None = None
    reform_failed: bool = False
    awards: tuple[dict[str, Any], ...] = ()
    clauses: tuple[dict[str, Any], ...] = ()

    @property
    def invalid(self) -> bool:
        return self.error is not None and self.error.get("kind") != "engine"


def error_record(item: Item, problems: list[tuple[str, str]]) -> dict[str, Any]:
    """``pinggu-error/1``: where the declaration is in the input and what is wrong, field by field."""
    errors = []
    for path, message in problems:
        entry: dict[str, Any] = {"field": path, "message": message}
        located = _locate(item, path)
        if located is not None:
            entry["sheet"], entry["row"] = located
        errors.append(entry)
    return {"schema": ERROR_SCHEMA, **item.where, "errors": errors}


def engine_error_record(item: Item, exc: EngineError) -> dict[str, Any]:
    """A declaration the rules could not decide exactly: recorded in its place, as ``check`` would exit 3."""
    return {"schema": ERROR_SCHEMA, **item.where, "kind": "engine", "errors": [{"field": "", "message": str(exc)}]}


def _locate(item: Item, path: str) -> tuple[str, int] | None:
    if "sheet" not in item.where:
        return None
    best = ""
    for prefix in item.rows:
        if (path == prefix or path.startswith(prefix + ".") or path.startswith(prefix + "[")) and len(prefix) > len(best):
            best = prefix
    return item.rows[best] if best else (item.where["sheet"], item.where["row"])


def _validated(item: Item) -> Declaration | dict[str, Any]:
    """The declaration, or its error record."""
    if item.problems:
        return error_record(item, list(item.problems))
    source = f"line {item.where['line']}" if "line" in item.where else f"{item.where['sheet']} row {item.where['row']}"
    try:
        data = parse_text(item.text, source, fmt="json") if item.text is not None else item.data
        return declaration_from_data(data, source)
    except InputError as exc:
        return error_record(item, exc.problems)


def _award_rows(result: dict[str, Any]) -> tuple[dict[str, Any], ...]:
    return tuple({**a, "bases": ",".join(a["bases"])} for a in result["awards"])


def _clause_rows(result: dict[str, Any]) -> tuple[dict[str, Any], ...]:
    rows = []
    for c in result["clauses"]:
        rows.append({
            "clause": c["clause"], "article": c["article"], "subject": c["subject"], "basis": c["basis"],
            "status": c["status"], "amount_yuan": c["amount_yuan"],
            "amount_before_rounding_yuan": c["amount_before_rounding_yuan"], "cap_yuan": c["cap_yuan"],
            "up_to": c["up_to"], "payer": c["payer"],
            "failed_conditions": ",".join(k["id"] for k in c["conditions"] if k["status"] == "fail"),
            "unknown_conditions": ",".join(k["id"] for k in c["conditions"] if k["status"] == "unknown"),
        })
    return tuple(rows)


_frozen = False


def _freeze_once() -> None:
    """Before a worker's first chunk, what it keeps (modules, the parsed rules) leaves the collector's sight.

    Each declaration's many small objects trigger collections that would
    otherwise walk all of it again (benchmarks/bench_gc.py).
    """
    global _frozen
    if not _frozen:
        _frozen = True
        gc.collect()
        gc.freeze()


def decide_chunk(plan: Plan, items: list[Item]) -> list[Outcome]:
    """Validate and decide a chunk; every item gets its outcome, whatever happens to the others."""
    checked = [_validated(item) for item in items]
    decls = [d for d in checked if isinstance(d, Declaration)]
    if decls:
        # The rules parsed and the model built, before the first chunk is decided.
        plan.baseline.grouped()
        _freeze_once()
    results = iter(check_many(decls, plan.baseline))
    reforms = iter(check_many(decls, plan.reform) if plan.reform is not None else [])
    out = []
    for item, decl in zip(items, checked, strict=True):
        if not isinstance(decl, Declaration):
            out.append(Outcome(item.where, line=dumps_line(decl), error=decl))
            continue
        result = next(results)
        reform = next(reforms) if plan.reform is not None else None
        locality = decl.enterprise.locality
        reform_digest = digest(reform, item.where, locality) if isinstance(reform, dict) else None
        reform_failed = isinstance(reform, EngineError)
        if isinstance(result, EngineError):
            record = engine_error_record(item, result)
            out.append(Outcome(item.where, line=dumps_line(record), error=record, reform_digest=reform_digest,
                               reform_failed=reform_failed))
            continue
        out.append(Outcome(
            item.where,
            line=dumps_line(result) if plan.lines else None,
            digest=digest(result, item.where, locality) if plan.digests else None,
            reform_digest=reform_digest,
            reform_failed=reform_failed,
            awards=_award_rows(result) if plan.rows else (),
            clauses=_clause_rows(result) if plan.rows else (),
        ))
    return out


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _in_order(submit: Callable[[list[Item]], Any], result_of: Callable[[Any], list[Outcome]],
              chunks: Iterator[list[Item]], window: int) -> Iterator[Outcome]:
    """Keep at most ``window`` chunks in flight and yield their outcomes in input order."""
    pending: deque[Any] = deque()
    for chunk in chunks:
        pending.append(submit(chunk))
        if len(pending) >= window:
            yield from result_of(pending.popleft())
    while pending:
        yield from result_of(pending.popleft())


def run(items: Iterable[Item], plan: Plan, *, jobs: int = 1, cluster: str | None = None,
        chunk_size: int | None = None) -> Iterator[Outcome]:
    """The outcome of every item, in input order."""
    if cluster is not None:
        yield from _run_dask(items, plan, cluster, chunk_size or DASK_CHUNK)
        return
    chunks = _chunks(items, chunk_size or CHUNK)
    if jobs <= 1:
        for chunk in chunks:
            yield from decide_chunk(plan, chunk)
        return
    # forkserver: a fresh interpreter per worker, safe beside the progress bar's thread.
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        def submit(chunk: list[Item]) -> Future[list[Outcome]]:
            return pool.submit(decide_chunk, plan, chunk)

        yield from _in_order(submit, lambda f: f.result(), chunks, window=jobs * 3)


def connect(address: str) -> Any:
    """A Dask client for the scheduler at ``address``; a clear error when the extra or the scheduler is missing."""
    try:
        from distributed import Client
    except ImportError:
        raise BatchInputError("--cluster needs Dask: pip install 'pinggu-asp[cluster]'") from None
    try:
        return Client(address, timeout="10s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise BatchInputError(f"--cluster {address}: cannot reach a Dask scheduler ({exc})") from None


def _run_dask(items: Iterable[Item], plan: Plan, address: str, chunk_size: int) -> Iterator[Outcome]:
    client = connect(address)
    try:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        [shared] = client.scatter([plan], broadcast=True)

        def submit(chunk: list[Item]) -> Any:
            return client.submit(decide_chunk, shared, chunk, pure=False)

        yield from _in_order(submit, lambda f: f.result(), _chunks(items, chunk_size), window=workers * 3)
    finally:
        client.close()

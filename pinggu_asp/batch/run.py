"""Deciding the items of a batch in chunks: in this process, in local worker processes, or on Dask.

Workers get whole chunks and return small outcomes (the output line or rows,
and the summary's digest), so the parent never holds result documents. Chunks
are handed out through a bounded window and their outcomes come back in input
order, so memory stays flat however long the input is.
"""

from __future__ import annotations

import dataclasses
import gc
import itertools
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from ..declaration import Declaration
from ..engine.answer import Answer
from ..engine.decide import answer_many, check_many
from ..engine.result import line_bytes
from ..engine.solve import EngineError, Ruleset
from ..loading import InputError, declaration_from_data, parse_text
from ..policy.parameters import ParameterError
from .reading import BatchInputError, Item
from .summary import SUMMARY_SHOWS, Digest, digest, digest_answer

ERROR_SCHEMA = "pinggu-error/1"
# Declarations per chunk, which is also the group the engine grounds together
# (engine/decide.GROUP_SIZE): enough to amortise a group's fixed cost (grounding the
# rules alone, about 40 ms, is 0.8 ms a declaration in groups of 50 and 0.3 in groups
# of 128) and a hand-off, few enough to keep every core busy to the end. Larger groups
# cost more than they save: profile_stages.py --count 1152, CPU ms a declaration in all,
# 11.66 for groups of 96, 11.78 for 128, 12.28 for 192 (grounding 3.46 against 3.56, but
# reading the answer 0.6 ms more), and 12.6 for 256 (--count 1024; 2026-12-05).
CHUNK = 128
DASK_CHUNK = 256
# Chunks a local worker decides before a fresh one takes its place. clingo keeps every
# symbol it ever made for the life of the process (its symbol table is never
# collected), and each declaration brings symbols of its own (ids, names, codes in
# derived atoms), so a worker that lived for the whole batch would only grow. A fresh
# worker is forked warm from the fork server (batch/warm.py), so replacing one costs
# little: a worker's first chunk took about 0.14 s of CPU more than its next (6 forked
# trials, 2026-12-05). A longer life did not pay for itself: with 16 chunks a life the
# batch took more CPU, not less (summary only, 4,096 declarations on 2 workers: 41.8 and
# 43.3 s against 40.9 and 40.7 with 8), and a worker grows about 30 MiB a 1,000
# declarations (bench_memory.py --no-recycle: 207 MiB after 1,000, 239 after 2,000).
# About 1,000 declarations a life keeps each worker's memory flat.
# benchmarks/bench_memory.py measures both.
WORKER_CHUNKS = 8


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
    # The output line, a result or an error record, as the UTF-8 bytes the file holds: bytes
    # cross between processes as they are, where a 33 KiB line of Chinese text as str was
    # encoded by pickle, decoded in the batch and encoded again by the writer.
    line: bytes | None = None
    error: dict[str, Any] | None = None  # set for an invalid declaration or an engine error
    digest: Digest | None = None
    reform_digest: Digest | None = None
    reform_failed: bool = False
    reform_error: str | None = None  # the reform has no value in force on this declaration's date
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


def parameters_error_record(item: Item, exc: ParameterError) -> dict[str, Any]:
    """A declaration dated before a value of the parameters is in force: it alone cannot be decided."""
    return {"schema": ERROR_SCHEMA, **item.where, "kind": "parameters",
            "errors": [{"field": "declaration_date", "message": str(exc)}]}


def not_in_force(ruleset: Ruleset, decl: Declaration) -> ParameterError | None:
    """Why ``ruleset``'s parameters have no value in force on the declaration's date, or None."""
    try:
        ruleset.parameters.in_force(decl.declaration_date)
    except ParameterError as exc:
        return exc.with_traceback(None)  # kept in a result: no frames with it
    return None


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
            "amount_before_rounding_yuan": c["amount_before_rounding_yuan_decimal"], "cap_yuan": c["cap_yuan"],
            "up_to": c["up_to"], "payer": c["payer"],
            "failed_conditions": ",".join(k["id"] for k in c["conditions"] if k["status"] == "fail"),
            "unknown_conditions": ",".join(k["id"] for k in c["conditions"] if k["status"] == "unknown"),
        })
    return tuple(rows)


# How a chunk's declarations are decided: into result documents (``check_many``), or,
# where no document is wanted (a summary alone, a reform's digest), into the records of
# their answers (``answer_many``), from which the summary's digest is read directly.
_Decide = Callable[[list[Declaration], Ruleset], list[Any]]


def summary_ruleset(ruleset: Ruleset) -> Ruleset:
    """``ruleset`` showing only what a digest reads (``summary.SUMMARY_SHOWS``), decided by the program cut down
    to it (``engine/pruning.py``): the same digests, for less grounding and reading."""
    return dataclasses.replace(ruleset, shown=SUMMARY_SHOWS)


def decide_each(decls: list[Declaration], ruleset: Ruleset, decide: _Decide | None = None) -> list[Any]:
    """``decide`` (``check_many``); when a group fails as a whole, each declaration alone: one line never costs its group."""
    decide = decide or check_many  # looked up now, not when defined
    try:
        return decide(decls, ruleset)
    except Exception as exc:  # noqa: BLE001 - a group's failure is retried member by member
        if len(decls) <= 1:
            return [_failure(exc) for _ in decls]
    return [_alone(decl, ruleset, decide) for decl in decls]


def _alone(decl: Declaration, ruleset: Ruleset, decide: _Decide) -> Any:
    try:
        [outcome] = decide([decl], ruleset)
    except Exception as exc:  # noqa: BLE001 - recorded in this declaration's place
        return _failure(exc)
    return outcome


def _failure(exc: Exception) -> EngineError:
    """A failure as this declaration's engine error (as ``check`` would exit 3), never the batch's.

    Without a traceback: one would hold the frames of the group (and its Control) alive.
    """
    if isinstance(exc, EngineError):
        return exc.with_traceback(None)
    return EngineError(f"the engine failed on this declaration ({type(exc).__name__}: {exc})")


def _decided(decls: list[Declaration], ruleset: Ruleset,
             decide: _Decide | None = None) -> list[dict[str, Any] | Answer | EngineError | ParameterError]:
    """Each declaration's result (or answer), or why not; one declaration's parameters never stop the others."""
    refused = [not_in_force(ruleset, decl) for decl in decls]
    results = iter(decide_each([d for d, r in zip(decls, refused, strict=True) if r is None], ruleset, decide))
    return [next(results) if r is None else r for r in refused]


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
    documents = plan.lines or plan.rows  # else only the digest is wanted: read from the answer, no document
    # Where only digests are wanted (the baseline without documents, a reform), only what they read is shown.
    baseline = plan.baseline if documents else summary_ruleset(plan.baseline)
    reform_rules = summary_ruleset(plan.reform) if plan.reform is not None else None
    if decls:
        # The rules parsed and the model built, before the first chunk is decided.
        baseline.grouped()
        if reform_rules is not None:
            reform_rules.grouped()
        _freeze_once()
    results = iter(_decided(decls, baseline, check_many if documents else answer_many))
    reforms = iter(_decided(decls, reform_rules, answer_many) if reform_rules is not None else [])
    out = []
    for item, decl in zip(items, checked, strict=True):
        if not isinstance(decl, Declaration):
            out.append(Outcome(item.where, line=line_bytes(decl), error=decl))
            continue
        result = next(results)
        reform = next(reforms) if plan.reform is not None else None
        locality = decl.enterprise.locality
        reform_digest = digest_answer(reform, decl, item.where) if isinstance(reform, Answer) else None
        reform_failed = isinstance(reform, (EngineError, ParameterError))
        reform_error = str(reform) if isinstance(reform, ParameterError) else None
        if isinstance(result, (EngineError, ParameterError)):
            record = (engine_error_record(item, result) if isinstance(result, EngineError)
                      else parameters_error_record(item, result))
            out.append(Outcome(item.where, line=line_bytes(record), error=record, reform_digest=reform_digest,
                               reform_failed=reform_failed, reform_error=reform_error))
            continue
        if isinstance(result, Answer):
            out.append(Outcome(item.where, digest=digest_answer(result, decl, item.where) if plan.digests else None,
                               reform_digest=reform_digest, reform_failed=reform_failed, reform_error=reform_error))
            continue
        out.append(Outcome(
            item.where,
            line=line_bytes(result) if plan.lines else None,
            digest=digest(result, item.where, locality) if plan.digests else None,
            reform_digest=reform_digest,
            reform_failed=reform_failed,
            reform_error=reform_error,
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
        chunk_size: int | None = None) -> Generator[Outcome, None, None]:
    """The outcome of every item, in input order."""
    if cluster is not None:
        yield from _run_dask(items, plan, cluster, chunk_size or DASK_CHUNK)
        return
    chunks = _chunks(items, chunk_size or CHUNK)
    if jobs <= 1:
        for chunk in chunks:
            yield from decide_chunk(plan, chunk)
        return
    # forkserver: a fresh interpreter per worker, safe beside the progress bar's thread. The
    # server imports the engine and parses the rules once (batch/warm.py), so a worker starts warm.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["__main__", f"{__package__}.warm"])
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=watch_parent,
                               initargs=(os.getpid(),), max_tasks_per_child=WORKER_CHUNKS)

    def submit(chunk: list[Item]) -> Future[list[Outcome]]:
        return pool.submit(decide_chunk, plan, chunk)

    try:
        yield from _in_order(submit, lambda f: f.result(), chunks, window=jobs * 3)
    except BaseException:
        # Stopped (SIGTERM, Ctrl-C, an error writing, the consumer gone): the chunks
        # in flight are abandoned, not waited for; shutdown(wait=True) would wait.
        stop_pool(pool)
        raise
    pool.shutdown(wait=True)


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """Cancel what is queued and end every worker now."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
            process.join(timeout=5)


# How often a worker checks that the batch that started it is still there.
WATCH_INTERVAL = 0.5
_PR_SET_PDEATHSIG = 1


def watch_parent(parent: int) -> None:
    """In a worker: exit when the batch process is gone, even when it was killed (SIGKILL) and cleaned up nothing.

    A forkserver worker is the child of the fork server, not of the batch, so it
    watches the batch's pid as well as its own parent. On Linux the kernel also
    sends SIGKILL when the fork server (which exits with the batch) goes.
    """
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # the watchdog below still notices, a little later
    own_parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(WATCH_INTERVAL)
            if os.getppid() != own_parent or not _alive(parent):
                os._exit(1)

    threading.Thread(target=watch, name="pinggu-watch-parent", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else (the pid was reused: the batch is gone, but rarely)
    return True


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
    from distributed import KilledWorker

    client = connect(address)
    try:
        workers = max(1, len(client.scheduler_info().get("workers", {})))

        # The plan (about 18 KB pickled) goes with each chunk rather than scattered once:
        # scattered data lives only on the workers that hold it, and a worker the cluster
        # replaces (`dask worker --lifetime ... --lifetime-restart`) took the batch's only
        # copy with it ("lost scattered data, which can't be recovered"). A task's own
        # arguments the scheduler can run again elsewhere.
        def submit(chunk: list[Item]) -> Any:
            return client.submit(decide_chunk, plan, chunk, pure=False)

        try:
            yield from _in_order(submit, lambda f: _awaited(client, f, address), _chunks(items, chunk_size),
                                 window=workers * 3)
        except (CancelledError, KilledWorker) as exc:  # distributed's FutureCancelledError is a CancelledError
            raise BatchInputError(f"--cluster {address}: the cluster lost a chunk of the batch ({exc})") from None
    finally:
        client.close()


# How long a --cluster batch waits for a chunk while the cluster has no worker at all (or the scheduler
# does not answer) before it stops with an error: a worker the cluster replaces (`--lifetime-restart`)
# is back within seconds, and a chunk a worker holds is bounded by --time-limit per declaration, so
# only an empty cluster could hold the batch for ever.
NO_WORKER_WAIT = 60.0
# How often the cluster is looked at while a chunk is awaited.
CLUSTER_POLL = 1.0


def _awaited(client: Any, future: Any, address: str) -> list[Outcome]:
    """A chunk's outcomes; a BatchInputError once the cluster has had no worker for ``NO_WORKER_WAIT`` seconds."""
    empty_since: float | None = None
    while True:
        try:
            return future.result(timeout=CLUSTER_POLL)  # type: ignore[no-any-return]
        except TimeoutError:
            pass  # distributed's wait ran out (the builtin TimeoutError): look at the cluster
        try:
            workers = len(client.nthreads())
        except (OSError, TimeoutError):
            workers = 0  # the scheduler does not answer: no worker can deliver either
        if workers:
            empty_since = None
            continue
        now = time.monotonic()
        if empty_since is None:
            empty_since = now
        elif now - empty_since >= NO_WORKER_WAIT:
            raise BatchInputError(f"--cluster {address}: the cluster has had no worker for {NO_WORKER_WAIT:g} s; "
                                  "start workers (dask worker ADDRESS) and run the batch again")

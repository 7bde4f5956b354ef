"""``pinggu-asp batch`` end to end: check the options, stream the input through the workers, write the outputs.

Every option and the input are checked before any work; the outputs are staged
and moved into place together at the end, so an error or a kill leaves none
of them half-written.
"""

from __future__ import annotations

import dataclasses
import itertools
import os
import signal
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..engine.solve import TIME_LIMIT, Ruleset, default_ruleset
from .compare import Comparison, reform_changes, reform_ruleset
from .inputs import Inputs
from .reading import BatchInputError
from .run import Outcome, Plan, run
from .summary import Summary
from .writing import OUTPUT_SUFFIXES, Staged, dumps_summary, open_sink, stage_text


@dataclass
class BatchOptions:
    input: Path
    output: Path | None  # None: the summary or the report alone, and no result document is built
    more_inputs: tuple[Path, ...] = ()  # a folder, declaration files or - (see inputs.py) after the first
    jobs: int | None = None
    interpretations: list[str] = field(default_factory=list)
    parameters: Path | None = None
    summary: Path | None = None
    report: Path | None = None
    compare_parameters: Path | None = None
    compare_params: list[str] = field(default_factory=list)
    compare_interpretations: list[str] = field(default_factory=list)
    cluster: str | None = None
    chunk_size: int | None = None
    progress: bool | None = None  # None: on a terminal only
    time_limit: float | None = TIME_LIMIT  # seconds per declaration's selection (solve.TIME_LIMIT)


@dataclass(frozen=True)
class BatchReport:
    declarations: int
    invalid: int
    engine_errors: int
    summary: dict[str, Any]


def _provenance(ruleset: Ruleset) -> dict[str, Any]:
    from .. import __version__
    from ..policy.interpretations import modules_for
    from .compare import parameter_values

    return {
        "package": f"pinggu-asp {__version__}",
        "rules_sha256": ruleset.sha256,
        "parameters_sha256": ruleset.parameters.sha256,
        "parameters_source": ruleset.parameters.source.rsplit("/", 1)[-1],
        "interpretations": list(ruleset.switches),
        "readings_in_force": modules_for(ruleset.switches),
        "parameters": parameter_values(ruleset.parameters),
    }


def _inputs(options: BatchOptions) -> Inputs:
    return Inputs((options.input, *options.more_inputs))


def _check_options(options: BatchOptions) -> None:
    _inputs(options).check()
    if options.output is None and options.summary is None and options.report is None:
        raise BatchInputError("give an output for the results, or --summary or --report")
    if options.output is not None and options.output.suffix.lower() not in OUTPUT_SUFFIXES:
        raise BatchInputError(f"{options.output}: the output must be .jsonl, .xlsx or .csv")
    outputs = [p for p in (options.output, options.summary, options.report) if p is not None]
    for path in outputs:
        if path.resolve() == options.input.resolve():
            raise BatchInputError(f"{path}: would overwrite the input")
        if not path.resolve().parent.is_dir():
            raise BatchInputError(f"{path}: the directory {path.resolve().parent} does not exist")
    if len({p.resolve() for p in outputs}) != len(outputs):
        raise BatchInputError("the output, the summary and the report must be different files")
    if options.jobs is not None and options.jobs < 1:
        raise BatchInputError(f"--jobs {options.jobs}: must be at least 1")
    if options.cluster is not None and options.jobs is not None:
        raise BatchInputError("--cluster and --jobs exclude each other: the cluster's workers do the work")
    reform = options.compare_parameters or options.compare_params or options.compare_interpretations
    if reform and options.summary is None and options.report is None:
        raise BatchInputError("a comparison is reported in the summary or the report: add --summary or --report")


def _progress(outcomes: Iterator[Outcome], total: int | None) -> Iterator[Outcome]:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class Rate(ProgressColumn):
        def render(self, task: Any) -> Text:
            return Text("" if task.speed is None else f"{task.speed:,.0f}/s")

    columns = [TextColumn("deciding"), BarColumn(), MofNCompleteColumn(), Rate(), TimeElapsedColumn(),
               TimeRemainingColumn()]
    with Progress(*columns, console=Console(stderr=True)) as bar:
        task = bar.add_task("batch", total=total)
        for outcome in outcomes:
            bar.advance(task)
            yield outcome


# How long the unwinding after SIGTERM may take before the process ends regardless.
STOP_GRACE = 20.0


def _terminated(signum: int, frame: Any) -> None:
    # Unwinds like Ctrl-C: the workers are stopped and the staged files removed on the way out.
    # A watchdog bounds that unwinding: a process pool whose workers were killed can leave
    # its manager thread for interpreter exit to join forever (CPython gh-132969).
    watchdog = threading.Timer(STOP_GRACE, os._exit, args=(128 + signum,))
    watchdog.daemon = True
    watchdog.start()
    raise SystemExit(128 + signum)


def execute(options: BatchOptions) -> BatchReport:
    """Run the batch; raises BatchInputError, ParameterError or InterpretationError before writing anything.

    SIGTERM ends it as Ctrl-C does, with exit status 143: the workers stop and no
    output (staged or final) is left behind.
    """
    if threading.current_thread() is not threading.main_thread():
        return _execute(options)
    previous = signal.signal(signal.SIGTERM, _terminated)
    try:
        return _execute(options)
    except SystemExit as stop:
        if stop.code != 128 + signal.SIGTERM:
            raise
        # Stopped by SIGTERM, and everything is cleaned up (workers ended, staged files
        # removed): end now, so that nothing left for interpreter exit to join can hold it.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(128 + signal.SIGTERM)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _execute(options: BatchOptions) -> BatchReport:
    _check_options(options)
    baseline = dataclasses.replace(default_ruleset(options.interpretations, options.parameters),
                                   time_limit=options.time_limit)
    baseline.modules  # noqa: B018 - validates the switches before any work
    reform = reform_ruleset(baseline, options.compare_parameters, options.compare_params,
                            options.compare_interpretations)
    if reform is not None:
        reform = dataclasses.replace(reform, time_limit=options.time_limit)
    suffix = options.output.suffix.lower() if options.output is not None else None
    plan = Plan(baseline=baseline, reform=reform, lines=suffix == ".jsonl", rows=suffix not in (None, ".jsonl"))
    summary = Summary(_provenance(baseline))
    comparison = None
    if reform is not None:
        comparison = Comparison({
            "baseline": _provenance(baseline),
            "reform": {**_provenance(reform), "parameter_overrides": list(options.compare_params)},
            **reform_changes(baseline, reform),
        })
    jobs = options.jobs or os.cpu_count() or 1
    show = sys.stderr.isatty() if options.progress is None else options.progress
    # Reading starts inside run(); an unreadable workbook raises before any output exists.
    items = _inputs(options).items()
    running = run(items, plan, jobs=jobs, cluster=options.cluster, chunk_size=options.chunk_size)
    try:
        return _write(options, running, show, summary, comparison)
    finally:
        # Exhausted: nothing to do. Stopped early (SIGTERM, Ctrl-C, an error): ends the
        # workers now, rather than whenever the generator is collected.
        running.close()


def _write(options: BatchOptions, outcomes: Iterator[Outcome], show: bool, summary: Summary,
           comparison: Comparison | None) -> BatchReport:
    if show:
        outcomes = _progress(outcomes, _inputs(options).count())
    # The first outcome comes before any output is opened: an input that cannot be
    # read at all (a damaged workbook) fails here, with nothing staged.
    outcomes = iter(outcomes)
    first = next(outcomes, None)
    staged: list[Staged] = []
    sink = open_sink(options.output) if options.output is not None else None
    try:
        for outcome in itertools.chain([first] if first is not None else [], outcomes):
            if sink is not None:
                sink.write(outcome)
            if outcome.error is not None:
                if outcome.invalid:
                    summary.add_invalid(outcome.error)
                else:
                    summary.add_engine_error(outcome.error)
            elif outcome.digest is not None:
                summary.add(outcome.digest)
            if comparison is not None and not outcome.invalid and not (outcome.error and outcome.reform_failed):
                comparison.add(outcome.digest, outcome.reform_digest, outcome.reform_error)
        document = summary.document()
        if comparison is not None:
            document["comparison"] = comparison.document()
        if sink is not None:
            sink.close(document)
            staged.append(sink.staged)
        if options.summary is not None:
            staged.append(stage_text(options.summary, dumps_summary(document)))
        if options.report is not None:
            from .report import render_report

            staged.append(stage_text(options.report, render_report(document)))
        for item in staged:
            item.commit()
    except BaseException:
        if sink is not None:
            sink.discard()
        for item in staged:
            item.discard()
        raise
    return BatchReport(document["declarations"], document["invalid"], document["engine_errors"], document)

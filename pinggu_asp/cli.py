"""The ``pinggu-asp`` command line."""

# No `from __future__ import annotations` here: typer reads each command's annotations, and
# as strings it evaluates them (eval, twice per command, every `typer.Option` rebuilt) for all
# eleven commands on every start, about 30 ms of a cold `check`; evaluated once at import they cost ~3 ms.
import dataclasses
import difflib
import gc
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, NoReturn, Optional

import typer

# Each command imports what it uses: the declaration model (pydantic), the
# engine (clingo), the renderers (rich) and the batch and service stacks cost
# most of a cold start, and `--version` and `-h` need none of them.
from .atomic import write_atomic
from .engine.limits import TIME_LIMIT
from .policy.interpretations import switch_names_for_help
from .policy.pack import scanned

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    help=f"Eligibility checker for the policy asp_rules/pack.yaml names ({scanned('document_number')}).",
    pretty_exceptions_enable=False,
    # Markdown, not Rich markup: Rich markup takes `orders[o-9]` and `.[cluster]` for
    # style tags and drops them, so the help would show a syntax that fails.
    rich_markup_mode="markdown",
)

EXIT_INPUT = 2
EXIT_ENGINE = 3  # only: the engine could not decide exactly
EXIT_SERVE = 4  # `serve` could not start (the port is taken, the address is wrong)


class Format(str, Enum):
    json = "json"
    text = "text"
    jsonl = "jsonl"


class Lang(str, Enum):
    zh = "zh"
    en = "en"


def _version(value: bool) -> None:
    if value:
        from . import __version__

        typer.echo(f"pinggu-asp {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Eligibility checker for the policy asp_rules/pack.yaml names."""


def _did_you_mean(name: str, known: list[str] | tuple[str, ...], lang: str = "en") -> str:
    near = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    if not near:
        return ""
    return f"（是否指 {near[0]}？）" if lang == "zh" else f"; did you mean {near[0]}?"


def _load(file: Path) -> Any:
    """A declaration from a file, or from standard input when the file is ``-``."""
    from .loading import load_declaration, load_declaration_stream

    if str(file) == "-":
        return load_declaration_stream(sys.stdin.buffer, "<stdin>")
    return load_declaration(file)


# The format each output suffix holds; a command writes only the formats it knows.
SUFFIX_FORMATS = {".json": "json", ".jsonl": "jsonl", ".txt": "text", ".text": "text", ".md": "md",
                  ".markdown": "md", ".html": "html", ".htm": "html"}


def _format_from(output: Path | None, known: tuple[str, ...], default: str, format: Enum | None = None) -> str:
    """The format to write: -f (``format``) when given, else the one the -o suffix names (report.html, result.json).

    A suffix names a format, so a suffix this command cannot write, or one that
    contradicts -f, is a mistake in the command (exit 2), never a JSON file called
    report.html. A name without a suffix (or `-`) takes -f or the default."""
    given = None if format is None else str(format.value)
    suffix = output.suffix.lower() if output is not None and str(output) != "-" else ""
    if not suffix:
        return given or default
    named = SUFFIX_FORMATS.get(suffix)
    if named not in known:
        writes = ", ".join(s for s, f in SUFFIX_FORMATS.items() if f in known)
        _fail(f"-o {output}: this command cannot write {suffix} files; it writes {writes}", EXIT_INPUT)
    if given is not None and given != named:
        _fail(f"-o {output} names {named} but -f asks for {given}; give a {given} file name or drop -f", EXIT_INPUT)
    return named


def _fail(message: str, code: int) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


# The optional dependencies (pyproject.toml's extras) and the modules each brings.
EXTRAS = {"serve": ("fastapi", "starlette", "uvicorn", "swagger_ui_bundle"), "report": ("plotly",)}


def _need_extra(extra: str, what: str) -> None:
    """Exit 2, naming the command that installs it, when an extra a command needs is not installed."""
    import importlib.util

    missing = [name for name in EXTRAS[extra] if importlib.util.find_spec(name) is None]
    if missing:
        _fail(f"{what} needs the [{extra}] extra, which is not installed ({', '.join(missing)} missing): "
              f"pip install 'pinggu-asp[{extra}]' (from a checkout: pip install '.[{extra}]')", EXIT_INPUT)


def _write(text: str, output: Path | None) -> None:
    """Print, or write the whole file at once: never a half-written result. `-o -` prints."""
    if output is None or str(output) == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        write_atomic(output, text)
    except OSError as exc:
        _fail(f"cannot write {output}: {exc.strerror}", EXIT_INPUT)


FileArg = Annotated[Path, typer.Argument(help="A declaration, pinggu-declaration/1, in YAML or JSON; - reads standard input.")]
InterpretationOpt = Annotated[
    Optional[list[str]],
    typer.Option(
        "--interpretation",
        "-i",
        # The switches are the readings file's (interpretations.switch_names_for_help).
        help=f"Switch to an alternative reading (SPEC §7): {', '.join(switch_names_for_help())}. Repeatable.",
    ),
]
ParametersOpt = Annotated[
    Optional[Path],
    typer.Option("--parameters", help="A parameters file to use instead of the shipped one (a what-if reform)."),
]
OutputOpt = Annotated[Optional[Path], typer.Option("--output", "-o", help="Write to this file instead of stdout.")]
TimeLimitOpt = Annotated[
    float,
    typer.Option("--time-limit", min=0.001,
                 help=f"Seconds one declaration's selection of awards may take (default {TIME_LIMIT:g}); past it, "
                 "an engine error (exit 3; in a batch, an error record for that line)."),
]


def _decide(file: Path, interpretation: list[str] | None, parameters: Path | None,
            time_limit: float = TIME_LIMIT) -> dict[str, Any]:
    """Validate the switches, the parameters and the declaration, then decide; exit 2 or 3 with a message."""
    from .engine.decide import check as run_check
    from .engine.solve import EngineError, default_ruleset
    from .loading import InputError
    from .policy.interpretations import InterpretationError
    from .policy.parameters import ParameterError

    try:
        ruleset = dataclasses.replace(default_ruleset(interpretation or [], parameters), time_limit=time_limit)
        ruleset.modules  # noqa: B018 - validates the switches before any work
        return run_check(_load(file), ruleset)
    except (InputError, ParameterError, InterpretationError) as exc:
        _fail(str(exc), EXIT_INPUT)
    except EngineError as exc:
        _fail(str(exc), EXIT_ENGINE)
    raise AssertionError("unreachable: _fail exits")  # pragma: no cover


@app.command()
def check(
    file: FileArg,
    format: Annotated[
        Optional[Format],
        typer.Option("--format", "-f", help="json: pinggu-result/1; text: a readable summary; jsonl: the same "
                     "document on one line, as batch writes it. Default: from the -o suffix (.json, .txt, .jsonl), else json."),
    ] = None,
    lang: Annotated[Lang, typer.Option("--lang", help="Language of the text summary.")] = Lang.zh,
    interpretation: InterpretationOpt = None,
    parameters: ParametersOpt = None,
    output: OutputOpt = None,
    time_limit: TimeLimitOpt = TIME_LIMIT,
) -> None:
    """Decide every clause for one declaration, choose the awards, and print the result."""
    from .engine.result import dumps, dumps_line

    chosen = _format_from(output, ("json", "text", "jsonl"), "json", format)
    result = _decide(file, interpretation, parameters, time_limit)
    if chosen == "jsonl":
        text = dumps_line(result) + "\n"
    else:
        if chosen == "json":
            text = dumps(result)
        else:
            from .render.text import render

            text = render(result, lang.value)
    _write(text, output)


class ExplainFormat(str, Enum):
    text = "text"
    json = "json"
    md = "md"
    html = "html"


@app.command()
def explain(
    file: FileArg,
    clause: Annotated[
        Optional[str],
        typer.Option("--clause", "-c", help="Only this clause, e.g. art5.first_5m; as text, its justification tree."),
    ] = None,
    lang: Annotated[Lang, typer.Option("--lang", help="Language of text, md and html (json carries both).")] = Lang.zh,
    format: Annotated[
        Optional[ExplainFormat],
        typer.Option("--format", "-f", help="text: tables (or a tree with --clause); json: pinggu-explanation/1; "
                     "md: Markdown; html: one self-contained printable page. Default: from the -o suffix, else text."),
    ] = None,
    interpretation: InterpretationOpt = None,
    parameters: ParametersOpt = None,
    output: OutputOpt = None,
) -> None:
    """Explain every gate and clause: conditions, observed and required values, the cited text, gaps."""
    from .render.explain import ClauseNotListed, build
    from .render.formats import render_explanation
    from .render.i18n import LABELS as EXPLAIN_LABELS

    chosen = ExplainFormat(_format_from(output, tuple(f.value for f in ExplainFormat), "text", format))
    if clause is not None:
        from .analysis.catalogue import known_clauses

        if clause not in known_clauses():
            # A clause the rules do not define is a mistake in the command (exit 2); a real
            # clause this declaration does not list is an answer about the declaration (exit 1).
            hint = _did_you_mean(clause, known_clauses(), lang.value)
            _fail(EXPLAIN_LABELS[lang.value]["unknown_clause"].format(clause=clause, hint=hint), EXIT_INPUT)
    result = _decide(file, interpretation, parameters)
    try:
        model = build(result, clause)
    except ClauseNotListed as exc:
        listed = ", ".join(exc.listed) or "-"
        _fail(EXPLAIN_LABELS[lang.value]["not_listed"].format(clause=exc.clause, listed=listed), 1)
    _write(render_explanation(model, chosen.value, lang.value, clause=clause), output)


@app.command()
def validate(file: FileArg) -> None:
    """Check a declaration against pinggu-declaration/1 without deciding anything."""
    from .loading import InputError

    try:
        decl = _load(file)
    except InputError as exc:
        _fail(str(exc), EXIT_INPUT)
    typer.echo(f"{file}: valid pinggu-declaration/1 ({decl.enterprise.name}, support year {decl.support_year})")


@app.command()
def rules(
    format: Annotated[Optional[Format], typer.Option(
        "--format", "-f", help="text, json (pinggu-rules/1) or jsonl. Default: from the -o suffix, else text.")] = None,
    lang: Annotated[Lang, typer.Option("--lang", help="Language of the text listing.")] = Lang.zh,
    interpretation: InterpretationOpt = None,
    parameters: ParametersOpt = None,
    output: OutputOpt = None,
) -> None:
    """List every clause: article, the Chinese text of its conditions, amount, cap, basis, and the parameters in force."""
    from .analysis.catalogue import catalogue, render_catalogue
    from .engine.result import dumps, dumps_line
    from .engine.solve import default_ruleset
    from .policy.interpretations import InterpretationError
    from .policy.parameters import ParameterError

    chosen = _format_from(output, ("json", "text", "jsonl"), "text", format)
    try:
        ruleset = default_ruleset(interpretation or [], parameters)
        cat = catalogue(ruleset)
    except (ParameterError, InterpretationError) as exc:
        _fail(str(exc), EXIT_INPUT)
    if chosen != "text":
        _write(dumps(cat) if chosen == "json" else dumps_line(cat) + "\n", output)
    else:
        _write(render_catalogue(cat, lang.value), output)


@app.command()
def whatif(
    file: FileArg,
    set_: Annotated[
        Optional[list[str]],
        typer.Option("--set", help="Change a declared fact: PATH=VALUE, e.g. annual[2025].gross_output=120000000, "
                     "'orders[o-9]={...}' to add an item, orders[o-9]=null to remove it. Repeatable."),
    ] = None,
    param: Annotated[
        Optional[list[str]],
        typer.Option("--param", help="Change a parameter by the name `rules` lists: NAME=VALUE, e.g. art3_cap=8000000. "
                     "Repeatable."),
    ] = None,
    interpretation: Annotated[
        Optional[list[str]],
        typer.Option("--interpretation", "-i", help="Switch a named reading on for the changed run. Repeatable."),
    ] = None,
    base_interpretation: Annotated[
        Optional[list[str]],
        typer.Option("--base-interpretation", help="A reading in force in both runs (with --reach: in the run). "
                     "Repeatable."),
    ] = None,
    reach_clause: Annotated[
        Optional[str],
        typer.Option("--reach", help="Instead of a difference: the smallest change of one declared number that "
                     "makes this clause qualify, e.g. art3.output_growth."),
    ] = None,
    vary: Annotated[
        Optional[list[str]],
        typer.Option("--vary", help="With --reach: only these declared numbers (field paths). Repeatable."),
    ] = None,
    format: Annotated[
        Optional[ExplainFormat],
        typer.Option("--format", "-f", help="text, json (pinggu-whatif/1 or pinggu-reach/1), md or html. "
                     "Default: from the -o suffix, else text."),
    ] = None,
    lang: Annotated[Lang, typer.Option("--lang", help="Language of text, md and html.")] = Lang.zh,
    parameters: ParametersOpt = None,
    output: OutputOpt = None,
    time_limit: TimeLimitOpt = TIME_LIMIT,
) -> None:
    """What if facts, parameters or readings were otherwise: the difference, or with --reach the smallest change."""
    from . import api
    from .api import EngineError, InputError, InterpretationError, ParameterError
    from .engine.result import dumps
    from .render.whatif import reach_html, reach_text, whatif_html, whatif_text

    format = ExplainFormat(_format_from(output, tuple(f.value for f in ExplainFormat), "text", format))
    try:
        declaration = _load(file)
        if reach_clause is not None:
            if set_ or param:
                _fail("--reach searches one declared number at a time; give --set and --param without it", EXIT_INPUT)
            doc = api.reach(declaration, reach_clause, vary=vary or [], parameters=parameters,
                            interpretations=[*(base_interpretation or []), *(interpretation or [])],
                            time_limit=time_limit)
        else:
            doc = api.whatif(declaration, changes=set_ or [], params=param or [], interpretations=interpretation or [],
                             parameters=parameters, base_interpretations=base_interpretation or [],
                             time_limit=time_limit)
    except (InputError, ParameterError, InterpretationError, api.ClauseError) as exc:
        _fail(str(exc), EXIT_INPUT)
    except EngineError as exc:
        _fail(str(exc), EXIT_ENGINE)
    is_reach = reach_clause is not None
    if format is ExplainFormat.json:
        text = dumps(doc)
    elif format is ExplainFormat.html:
        text = reach_html(doc, lang.value) if is_reach else whatif_html(doc, lang.value)
    else:
        markdown = format is ExplainFormat.md
        text = reach_text(doc, lang.value, markdown) if is_reach else whatif_text(doc, lang.value, markdown)
    _write(text, output)


@app.command()
def readings(
    format: Annotated[Optional[Format], typer.Option(
        "--format", "-f", help="text, json (pinggu-readings/1) or jsonl. Default: from the -o suffix, else text.")] = None,
    lang: Annotated[Lang, typer.Option("--lang", help="Language of the text listing.")] = Lang.zh,
    on: Annotated[
        Optional[str], typer.Option("--on", help="Describe with the parameters in force on this date (YYYY-MM-DD); default today.")
    ] = None,
    parameters: ParametersOpt = None,
    output: OutputOpt = None,
) -> None:
    """List every named reading of the text (SPEC §7), switchable or not, with its one-line description."""
    import datetime as dt

    from .engine.result import dumps, dumps_line
    from .engine.solve import default_ruleset
    from .policy.parameters import ParameterError
    from .policy.readings import document

    chosen = _format_from(output, ("json", "text", "jsonl"), "text", format)
    try:
        day = dt.date.fromisoformat(on) if on else dt.date.today()
    except ValueError:
        _fail(f"--on: {on!r} is not a date YYYY-MM-DD", EXIT_INPUT)
    try:
        doc = document(day, default_ruleset((), parameters).parameters)
    except ParameterError as exc:
        _fail(str(exc), EXIT_INPUT)
    if chosen != "text":
        _write(dumps(doc) if chosen == "json" else dumps_line(doc) + "\n", output)
        return
    from .render.text import render_readings

    _write(render_readings(doc["readings"], lang.value), output)


@app.command()
def batch(
    input: Annotated[list[Path], typer.Argument(
        help="Declarations: one .jsonl (one pinggu-declaration/1 a line) or .xlsx (one sheet per list; see the "
        "README); or a folder of .yaml/.json declarations, several such files, or - for JSON Lines on standard input.")],
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help=".jsonl: one pinggu-result/1 a line, in input order; "
                                         ".xlsx: awards, clauses, invalid and summary sheets; .csv: the awards; "
                                         "-: JSON Lines on standard output. Without it, --summary or --report "
                                         "alone (no result is built).")] = None,
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", help="Worker processes (default: every core).")] = None,
    interpretation: InterpretationOpt = None,
    parameters: ParametersOpt = None,
    summary: Annotated[Optional[Path], typer.Option("--summary", help="Write pinggu-summary/1 (JSON) here.")] = None,
    report: Annotated[Optional[Path], typer.Option("--report", help="Write the budget report (one HTML page) here.")] = None,
    compare_parameters: Annotated[Optional[Path], typer.Option(
        "--compare-parameters", help="Reform: run again with this parameters file and compare.")] = None,
    compare_param: Annotated[Optional[list[str]], typer.Option(
        "--compare-param", help="Reform: NAME=VALUE, a parameter as `rules` lists it, e.g. art3_cap=6000000. "
        "Repeatable.")] = None,
    compare_interpretation: Annotated[Optional[list[str]], typer.Option(
        "--compare-interpretation", help="Reform: add this reading switch. Repeatable.")] = None,
    cluster: Annotated[Optional[str], typer.Option(
        "--cluster", help="Send the work to the Dask scheduler at this address (pip install '.[cluster]').")] = None,
    chunk_size: Annotated[Optional[int], typer.Option("--chunk-size", hidden=True, min=1)] = None,
    time_limit: TimeLimitOpt = TIME_LIMIT,
) -> None:
    """Decide a population of declarations; each result is what `check` prints for it."""
    if report is not None:
        _need_extra("report", "--report (the budget report's charts)")
    from .batch.command import BatchOptions, execute
    from .batch.reading import BatchInputError
    from .policy.interpretations import InterpretationError
    from .policy.parameters import ParameterError

    if output is None and summary is None and report is None:
        _fail("--output: give the results' file, or --summary or --report for the summary alone", EXIT_INPUT)
    to_stdout = str(output) == "-"
    import tempfile

    scratch = tempfile.TemporaryDirectory(prefix="pinggu-batch-") if to_stdout else None
    if scratch is not None:
        # The results are staged whole, as for a file, and printed once the batch is done.
        output = Path(scratch.name) / "results.jsonl"
    options = BatchOptions(
        input=input[0], more_inputs=tuple(input[1:]), output=output, jobs=jobs, interpretations=interpretation or [], parameters=parameters,
        summary=summary, report=report, compare_parameters=compare_parameters, compare_params=compare_param or [],
        compare_interpretations=compare_interpretation or [], cluster=cluster, chunk_size=chunk_size,
        time_limit=time_limit,
    )
    try:
        outcome = execute(options)
    except (BatchInputError, ParameterError, InterpretationError) as exc:
        _fail(str(exc), EXIT_INPUT)
    except OSError as exc:
        _fail(f"cannot write the outputs: {exc}", EXIT_INPUT)
    finally:
        if scratch is not None and output is not None and not output.exists():
            scratch.cleanup()
    if scratch is not None and output is not None:
        with output.open("rb") as results:
            while chunk := results.read(1 << 20):
                sys.stdout.buffer.write(chunk)
        sys.stdout.flush()
        scratch.cleanup()
    typer.echo(f"{outcome.declarations} declarations: {outcome.declarations - outcome.invalid - outcome.engine_errors} "
               f"decided, {outcome.invalid} invalid, {outcome.engine_errors} engine errors", err=True)


class SchemaName(str, Enum):
    declaration = "declaration"
    result = "result"
    whatif = "whatif"
    summary = "summary"


@app.command()
def schema(
    name: Annotated[SchemaName, typer.Argument(help="declaration (pinggu-declaration/1), result (pinggu-result/1), "
                                               "whatif (pinggu-whatif/1) or summary (pinggu-summary/1).")],
    output: OutputOpt = None,
) -> None:
    """Print the JSON Schema of a document the tool reads or writes, generated from its model."""
    from .schemas import dumps as schema_dumps
    from .schemas import generate

    _format_from(output, ("json",), "json")
    _write(schema_dumps(generate(name.value)), output)


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="The folder to fill; created if missing.")],
    force: Annotated[bool, typer.Option("--force", help="Write into a folder that is not empty "
                                        "(the starter files are overwritten, nothing else is touched).")] = False,
) -> None:
    """A starter kit: the example declaration, the batch workbook template and a sample population of 20."""
    from .starter import write_starter

    if directory.exists() and not directory.is_dir():
        _fail(f"{directory} is a file, not a folder", EXIT_INPUT)
    if directory.is_dir() and any(directory.iterdir()) and not force:
        _fail(f"{directory} is not empty; choose an empty or new folder, or add --force", EXIT_INPUT)
    try:
        written = write_starter(directory)
    except OSError as exc:
        _fail(f"cannot write into {directory}: {exc.strerror or exc}", EXIT_INPUT)
    for path in written:
        typer.echo(str(path))
    typer.echo(f"next: pinggu-asp check {written[0]}    pinggu-asp batch {written[2]} -o results.xlsx", err=True)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on; only this machine by default.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[
        Optional[int], typer.Option(min=1, help="Engine worker processes (default: one per CPU).")
    ] = None,
    token_file: Annotated[
        Optional[Path],
        typer.Option("--token-file", help="A file holding a secret; every API call must then send "
                     "'Authorization: Bearer <secret>'."),
    ] = None,
    time_limit: Annotated[
        float, typer.Option(min=0.01, help="Seconds one request (or one batch group) may run; past it, 503.")
    ] = 30.0,
    max_body: Annotated[int, typer.Option(min=1, help="Largest request body in bytes (413 above).")] = 2 * 1024 * 1024,
    max_batch_body: Annotated[
        int, typer.Option(min=1, help="Largest /v1/batch body in bytes (413 above).")
    ] = 64 * 1024 * 1024,
    header_timeout: Annotated[
        float, typer.Option(min=0.1, help="Seconds a connection may take to send a request's headers; past it, "
                            "408 and closed (slow clients cannot hold connections open).")
    ] = 10.0,
    limit_concurrency: Annotated[
        int, typer.Option(min=1, help="Most connections and requests at once; above it, a new request gets 503.")
    ] = 256,
    keep_alive: Annotated[int, typer.Option(min=1, help="Seconds an idle keep-alive connection stays open.")] = 5,
) -> None:
    """Serve the JSON API (/v1/..., schema at /openapi.json, docs at /docs) and the auditors' page at /."""
    _need_extra("serve", "`pinggu-asp serve`")
    from .service import Settings, create_app
    from .service.protocol import serve_app

    token = None
    if token_file is not None:
        try:
            token = token_file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            _fail(f"cannot read the token file {token_file}: {getattr(exc, 'strerror', None) or exc}", EXIT_INPUT)
        if not token:
            _fail(f"the token file {token_file} is empty", EXIT_INPUT)
    main_module = sys.modules["__main__"]
    main_spec = getattr(main_module, "__spec__", None)
    if main_spec is not None and main_spec.name in ("pinggu_asp.cli", "pinggu_asp.__main__"):
        # Run as `python -m pinggu_asp` (or .cli): anyio's workers re-run the parent's main
        # file as a script, which a module with relative imports cannot be. The
        # workers need nothing from it (their work is in pinggu_asp.service.work).
        main_module.__file__ = None  # type: ignore[assignment]
    busy = _cannot_listen(host, port)
    if busy is not None:
        _fail(busy, EXIT_SERVE)
    settings = Settings(token=token, time_limit=time_limit, max_body=max_body, max_batch_body=max_batch_body,
                        **({"workers": workers} if workers else {}))
    try:
        serve_app(create_app(settings), host, port, header_timeout=header_timeout, limit_concurrency=limit_concurrency,
                  keep_alive=keep_alive)
    except SystemExit as exc:
        # uvicorn exits 3 when it cannot start; 3 is this tool's "could not decide exactly".
        if exc.code == 3:
            _fail(f"the service could not start on {host}:{port} (see the log above)", EXIT_SERVE)
        raise



@app.command("test")
def test_cases(
    paths: Annotated[list[Path], typer.Argument(help="Case files (pinggu-cases/1), or folders to search for them.")],
) -> None:
    """Run YAML cases: print each failing case with what it expected, what it got and the condition that decided.

    Exit 0 when every case passes, 1 when one fails, 2 when a case file is malformed (its file and line named).
    """
    from .cases import run

    code = run(paths, echo=typer.echo, echo_error=lambda line: typer.echo(line, err=True))
    raise typer.Exit(code)


def _cannot_listen(host: str, port: int) -> str | None:
    """Why the service could not listen on host:port (taken, or no such address), checked before starting workers."""
    import socket

    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as exc:
        return f"cannot listen on {host}:{port}: {exc.strerror}"
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            sock.bind(address)
        except OSError as exc:
            return f"cannot listen on {host}:{port}: {exc.strerror} (exit {EXIT_SERVE}: the service did not start)"
    return None


def main() -> None:
    try:
        app()
    finally:
        # The process ends here: frozen, the objects the imports and the command made are not
        # walked by the cyclic collector once more as the interpreter shuts down (50-100 ms of a
        # cold `check`). They are still released by reference counting; atexit handlers still run.
        gc.freeze()


if __name__ == "__main__":  # pragma: no cover
    main()

"""The ``pinggu-asp`` command line."""

from __future__ import annotations

import os
import sys
import tempfile
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, NoReturn, Optional

import typer

from .engine import check as run_check
from .interpretations import InterpretationError
from .loading import InputError, load_declaration
from .parameters import ParameterError
from .render_text import render
from .result import dumps
from .solve import EngineError, default_ruleset

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Eligibility checker for Pinggu District's 2025 high-end manufacturing measures (京平科信发〔2025〕8号).",
    pretty_exceptions_enable=False,
)

EXIT_INPUT = 2
EXIT_ENGINE = 3


class Format(str, Enum):
    json = "json"
    text = "text"


class Lang(str, Enum):
    zh = "zh"
    en = "en"


def _fail(message: str, code: int) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _write(text: str, output: Path | None) -> None:
    """Print, or write the whole file at once: never a half-written result."""
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    directory = output.resolve().parent
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{output.name}.", suffix=".tmp")
    except OSError as exc:
        _fail(f"cannot write {output}: {exc.strerror}", EXIT_INPUT)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        # mkstemp makes the file private (0600); the result is an ordinary file.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, output)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        _fail(f"cannot write {output}: {exc.strerror}", EXIT_INPUT)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


FileArg = Annotated[Path, typer.Argument(help="A declaration, pinggu-declaration/1, in YAML or JSON.")]
InterpretationOpt = Annotated[
    Optional[list[str]],
    typer.Option(
        "--interpretation",
        "-i",
        help="Switch to an alternative reading (SPEC §7): I-output-stack, I-events-whole-year, "
        "I-art11-certificate-basis, I-upgrade-full. Repeatable.",
    ),
]
ParametersOpt = Annotated[
    Optional[Path],
    typer.Option("--parameters", help="A parameters file to use instead of the shipped one (a what-if reform)."),
]
OutputOpt = Annotated[Optional[Path], typer.Option("--output", "-o", help="Write to this file instead of stdout.")]


def _decide(file: Path, interpretation: list[str] | None, parameters: Path | None) -> dict[str, Any]:
    """Validate the switches, the parameters and the declaration, then decide; exit 2 or 3 with a message."""
    try:
        ruleset = default_ruleset(interpretation or [], parameters)
        ruleset.modules  # noqa: B018 - validates the switches before any work
        return run_check(load_declaration(file), ruleset)
    except (InputError, ParameterError, InterpretationError) as exc:
        _fail(str(exc), EXIT_INPUT)
    except EngineError as exc:
        _fail(str(exc), EXIT_ENGINE)
    raise AssertionError("unreachable: _fail exits")  # pragma: no cover


@app.command()
def check(
    file: FileArg,
    format: Annotated[Format, typer.Option("--format", "-f", help="json: pinggu-result/1; text: a readable summary.")] = Format.json,
    lang: Annotated[Lang, typer.Option("--lang", help="Language of the text summary.")] = Lang.zh,
    interpretation: InterpretationOpt = None,
    parameters: ParametersOpt = None,
    output: OutputOpt = None,
) -> None:
    """Decide every clause for one declaration, choose the awards, and print the result."""
    result = _decide(file, interpretation, parameters)
    text = dumps(result) if format is Format.json else render(result, lang.value)
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
        ExplainFormat,
        typer.Option("--format", "-f", help="text: tables (or a tree with --clause); json: pinggu-explanation/1; "
                     "md: Markdown; html: one self-contained printable page."),
    ] = ExplainFormat.text,
    interpretation: InterpretationOpt = None,
    parameters: ParametersOpt = None,
    output: OutputOpt = None,
) -> None:
    """Explain every gate and clause: conditions, observed and required values, the cited text, gaps."""
    from .explain import ClauseNotListed, build
    from .explain import dumps as explanation_dumps
    from .i18n import LABELS as EXPLAIN_LABELS

    result = _decide(file, interpretation, parameters)
    try:
        model = build(result, clause)
    except ClauseNotListed as exc:
        listed = ", ".join(exc.listed) or "-"
        _fail(EXPLAIN_LABELS[lang.value]["not_listed"].format(clause=exc.clause, listed=listed), 1)
    if format is ExplainFormat.json:
        text = explanation_dumps(model)
    elif format is ExplainFormat.md:
        from .render_md import render_markdown

        text = render_markdown(model, lang.value)
    elif format is ExplainFormat.html:
        from .render_html import render_html

        text = render_html(model, lang.value)
    elif clause is not None:
        from .render_text import render_clause_tree

        text = render_clause_tree(model, lang.value)
    else:
        from .render_text import render_explanation

        text = render_explanation(model, lang.value)
    _write(text, output)


@app.command()
def validate(file: FileArg) -> None:
    """Check a declaration against pinggu-declaration/1 without deciding anything."""
    try:
        decl = load_declaration(file)
    except InputError as exc:
        _fail(str(exc), EXIT_INPUT)
    typer.echo(f"{file}: valid pinggu-declaration/1 ({decl.enterprise.name}, support year {decl.support_year})")


@app.command()
def rules(
    format: Annotated[Format, typer.Option("--format", "-f", help="text or json (pinggu-rules/1).")] = Format.text,
    lang: Annotated[Lang, typer.Option("--lang", help="Language of the text listing.")] = Lang.zh,
    interpretation: InterpretationOpt = None,
    parameters: ParametersOpt = None,
) -> None:
    """List every clause: article, the Chinese text of its conditions, amount, cap, basis, and the parameters in force."""
    from .catalogue import catalogue, render_catalogue

    try:
        ruleset = default_ruleset(interpretation or [], parameters)
        cat = catalogue(ruleset)
    except (ParameterError, InterpretationError) as exc:
        _fail(str(exc), EXIT_INPUT)
    if format is Format.json:
        _write(dumps(cat), None)
    else:
        _write(render_catalogue(cat, lang.value), None)


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
) -> None:
    """Serve the JSON API (/v1/..., schema at /openapi.json, docs at /docs) and the auditors' page at /."""
    import uvicorn

    from .service import Settings, create_app

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
    if main_spec is not None and main_spec.name == "pinggu_asp.cli":
        # Run as `python -m pinggu_asp.cli`: anyio's workers re-run the parent's main
        # file as a script, which a module with relative imports cannot be. The
        # workers need nothing from it (their work is in pinggu_asp.service.work).
        main_module.__file__ = None  # type: ignore[assignment]
    settings = Settings(token=token, time_limit=time_limit, max_body=max_body, max_batch_body=max_batch_body,
                        **({"workers": workers} if workers else {}))
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")


def main() -> None:
    app()


if __name__ == "__main__":  # pragma: no cover
    main()

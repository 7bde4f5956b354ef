"""The HTTP service: the CLI's decisions as a JSON API, and the auditors' page at ``/``.

Each endpoint hands the raw body to a worker process (``work.py``) that answers
with exactly the text the CLI prints for the same input. The event loop only
checks the token and the size, and streams.
"""


import asyncio
import datetime as dt
import hmac
import logging
import os
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal, Optional

import clingo
from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, PlainTextResponse, Response, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from swagger_ui_bundle import swagger_ui_path

from .. import __version__
from ..declaration import Declaration
from ..policy import pack
from ..policy.interpretations import SWITCHES
from ..policy.parameters import describe, load_parameters
from . import work
from .batching import Batcher
from .pool import RECYCLE_AFTER, OverTime, WorkerLost, Workers
from .schemas import (
    REF_TEMPLATE,
    BatchOptions,
    DecideRequest,
    ErrorBody,
    Health,
    ReachRequest,
    WhatifRequest,
    request_schema,
)

log = logging.getLogger("pinggu_asp.service")

MiB = 1024 * 1024


@dataclass(frozen=True)
class Settings:
    """How the service runs. Defaults are the safe ones: no limits are off."""

    token: Optional[str] = None  # when set, every /v1 call needs "Authorization: Bearer <token>"
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    time_limit: float = 30.0  # seconds a worker may spend on one request (or one batch group)
    max_body: int = 2 * MiB
    max_batch_body: int = 64 * MiB
    batch_group: int = 16  # declarations a worker decides at once in /v1/batch
    # /v1/check requests arriving within this many seconds of each other are decided as one group (batching.py) ...
    check_window: float = 0.002
    check_group: int = 32  # ... of at most this many
    recycle_after: int = RECYCLE_AFTER  # requests (or groups) a worker process answers before a fresh one replaces it


class Refusal(Exception):
    def __init__(self, status: int, problems: Sequence[tuple[str, str]], headers: dict[str, str] | None = None) -> None:
        super().__init__(problems)
        self.status = status
        self.problems = list(problems)
        self.headers = headers or {}


def _error_response(status: int, problems: Sequence[tuple[str, str]], headers: dict[str, str] | None = None) -> Response:
    return Response(work.errors_text(problems), status_code=status, media_type=work.JSON, headers=headers)


def _reply(reply: work.Reply) -> Response:
    if reply.log:
        log.error("internal error in a worker:\n%s", reply.log)
    return Response(reply.text, status_code=reply.status, media_type=reply.media_type)


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused with 413 as soon as it is known to pass the limit."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise Refusal(413, [("body", f"larger than the limit of {limit} bytes")])
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Refusal(413, [("body", f"larger than the limit of {limit} bytes")])
        chunks.append(chunk)
    return b"".join(chunks)


def _static_dir() -> Path:
    return Path(str(resources.files("pinggu_asp.service") / "static"))


def _example_path() -> Path:
    """The example declaration: shipped beside the page in the wheel, or the checkout's examples/."""
    packaged = _static_dir() / "example.yaml"
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / "examples" / "declaration.yaml"


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text}
    for status, text in [
        (400, "The body is not a JSON object."),
        (401, "A token is required and was missing or wrong."),
        (413, "The body is larger than the limit."),
        (422, "The request or the declaration is invalid; each error names the field."),
        (503, "The request ran past the time limit (its worker was stopped), or a worker was lost."),
    ]
}

PAGE_HEADERS = {
    # The page and its script come from this process only; the justification
    # pages it shows inline carry their own <style>.
    "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
}


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    workers = Workers(settings.workers, settings.time_limit, settings.recycle_after)
    checks = Batcher(workers, work.do_check_group, work.do_check, settings.check_window, settings.check_group)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await workers.start(work.warm)
        try:
            yield
        finally:
            await workers.stop()

    app = FastAPI(
        title="pinggu-asp",
        version=__version__,
        description=f"Eligibility for {pack.title('en')} ({pack.document_number()}), "
        "decided by answer-set programs. Each JSON answer is byte for byte what the CLI prints for the same input.",
        lifespan=lifespan,
        # /docs is served below from the swagger-ui-bundle package, so it works offline; ReDoc
        # would need a CDN, so it is not offered.
        docs_url=None,
        redoc_url=None,
    )
    bearer = HTTPBearer(auto_error=False, description="Required when the service was started with --token-file.")

    async def authorize(credentials: Annotated[Optional[HTTPAuthorizationCredentials], Depends(bearer)]) -> None:
        if settings.token is None:
            return
        challenge = {"WWW-Authenticate": "Bearer"}
        if credentials is None:
            raise Refusal(401, [("Authorization", "required: Authorization: Bearer <token>")], challenge)
        if not hmac.compare_digest(credentials.credentials.encode(), settings.token.encode()):
            raise Refusal(401, [("Authorization", "the token is not accepted")], challenge)

    async def run(func: Callable[..., work.Reply], *args: Any) -> Response:
        return _reply(await workers.run(func, *args))

    v1 = APIRouter(prefix="/v1", dependencies=[Depends(authorize)], responses=ERROR_RESPONSES)
    decide_body, definitions = request_schema(DecideRequest)
    declaration_body, declaration_definitions = request_schema(Declaration)
    definitions.update(declaration_definitions)
    definitions["Declaration"] = declaration_body
    # /v1/check, /v1/explain and /v1/validate take the envelope or a bare declaration.
    decide_body = {"anyOf": [decide_body, {"$ref": REF_TEMPLATE.format(model="Declaration")}]}
    options_schema, option_definitions = request_schema(BatchOptions)
    definitions.update(option_definitions)
    whatif_body, whatif_definitions = request_schema(WhatifRequest)
    reach_body, reach_definitions = request_schema(ReachRequest)
    definitions.update(whatif_definitions)
    definitions.update(reach_definitions)

    def json_body(schema: dict[str, Any]) -> dict[str, Any]:
        return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}

    @v1.post("/check", summary="Decide every clause (pinggu-result/1), as `pinggu-asp check`",
             openapi_extra=json_body(decide_body),
             responses={200: {"content": {"application/json": {}}, "description": "pinggu-result/1"}})
    async def check(request: Request) -> Response:
        return _reply(await checks.submit(await read_body(request, settings.max_body)))

    @v1.post("/explain", summary="Explain every gate and clause, as `pinggu-asp explain`",
             openapi_extra=json_body(decide_body),
             responses={200: {"content": {"application/json": {}, "text/html": {}, "text/markdown": {}},
                              "description": "pinggu-explanation/1 (json), or the rendered explanation"}})
    async def explain(
        request: Request,
        lang: Annotated[Literal["zh", "en"], Query(description="Language of text, md and html.")] = "zh",
        format: Annotated[Literal["json", "html", "md", "text"], Query(description="As the CLI's --format.")] = "json",
        clause: Annotated[Optional[str], Query(max_length=200, description="Only this clause, e.g. art5.first_5m.")] = None,
    ) -> Response:
        return await run(work.do_explain, await read_body(request, settings.max_body), lang, format, clause)

    @v1.post("/whatif", summary="The difference changed facts, parameters or readings make (pinggu-whatif/1), "
             "as `pinggu-asp whatif -f json`", openapi_extra=json_body(whatif_body),
             responses={200: {"content": {"application/json": {}}, "description": "pinggu-whatif/1"}})
    async def whatif(request: Request) -> Response:
        return await run(work.do_whatif, await read_body(request, settings.max_body))

    @v1.post("/reach", summary="The smallest change of one declared number that makes a clause qualify "
             "(pinggu-reach/1), as `pinggu-asp whatif --reach CLAUSE -f json`", openapi_extra=json_body(reach_body),
             responses={200: {"content": {"application/json": {}}, "description": "pinggu-reach/1"}})
    async def reach(request: Request) -> Response:
        return await run(work.do_reach, await read_body(request, settings.max_body))

    @v1.post("/batch", summary="Decide many declarations: JSON Lines in, JSON Lines out, in input order",
             description="Each line a pinggu-declaration/1 object. The first line may instead be a "
             "pinggu-batch-options/1 object carrying interpretations and parameters for every line. Each answer line "
             "is the result on one line, or {\"schema\": \"pinggu-error/1\", \"line\": N, \"errors\": [...]} in place "
             "of a line that is invalid (or could not be decided in the time limit). Blank lines are skipped.",
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/x-ndjson": {"schema": {"type": "string"}}}}},
             responses={200: {"content": {"application/x-ndjson": {}}, "description": "JSON Lines"}})
    async def batch(request: Request) -> Response:
        body = await read_body(request, settings.max_batch_body)
        lines = [(number, raw) for number, raw in enumerate(body.split(b"\n"), 1) if raw.strip()]
        interpretations: list[str] = []
        parameters: str | None = None
        if lines:
            try:
                options = work.batch_options(lines[0][1])
            except work.Refused as exc:
                raise Refusal(exc.status, exc.problems) from None
            if options is not None:
                interpretations, parameters = options
                lines = lines[1:]
        refused = await workers.run(work.check_options, interpretations, parameters)
        if refused is not None:
            return _reply(refused)
        groups = [lines[i:i + settings.batch_group] for i in range(0, len(lines), settings.batch_group)]

        async def group_lines(group: list[tuple[int, bytes]]) -> str:
            try:
                out = await workers.run(work.do_batch_group, group, interpretations, parameters)
            except (OverTime, WorkerLost) as exc:
                reason = _over_time(settings) if isinstance(exc, OverTime) else "the worker was lost"
                out = [work.error_line(number, [("", reason)]) for number, _ in group]
            except Exception:
                log.exception("internal error in a batch group")
                out = [work.error_line(number, [("", "internal error")]) for number, _ in group]
            return "".join(line + "\n" for line in out)

        return StreamingResponse(_in_order(groups, group_lines, settings.workers), media_type="application/x-ndjson")

    @v1.get("/rules", summary="Every clause as the rules define it (pinggu-rules/1), as `pinggu-asp rules -f json`",
            responses={200: {"content": {"application/json": {}}, "description": "pinggu-rules/1"}})
    async def rules(
        interpretation: Annotated[list[str], Query(description="A reading switch; repeatable.")] = [],  # noqa: B006
    ) -> Response:
        return await run(work.do_rules, list(interpretation))

    @v1.get("/parameters", summary="Every parameter in force: value, unit, description, the article it cites and "
            "the range in which the rules are exact, as `pinggu-asp rules` lists them")
    async def parameters(
        on: Annotated[Optional[dt.date], Query(description="The parameters in force on this date; default today.")] = None,
    ) -> dict[str, Any]:
        day = on or dt.date.today()
        # The shipped file, parsed once per content: cheap enough for the event loop.
        return {"schema": "pinggu-parameters-in-force/1", "on": day.isoformat(),
                "parameters": describe(load_parameters().in_force(day))}
    @v1.post("/validate", summary="Check a declaration against pinggu-declaration/1 without deciding, "
             "as `pinggu-asp validate`", openapi_extra=json_body(decide_body),
             responses={200: {"content": {"application/json": {}}, "description": "pinggu-validation/1"}})
    async def validate(request: Request) -> Response:
        return await run(work.do_validate, await read_body(request, settings.max_body))

    @v1.get("/readings", summary="Every named reading of the text (pinggu-readings/1), as "
            "`pinggu-asp readings -f json`",
            responses={200: {"content": {"application/json": {}}, "description": "pinggu-readings/1"}})
    async def readings(
        on: Annotated[Optional[str], Query(max_length=10, description="Describe with the parameters in force on "
                                           "this date (YYYY-MM-DD); default today.")] = None,
    ) -> Response:
        return await run(work.do_readings, on)

    @v1.get("/health", response_model=Health, summary="Liveness, versions and the readings accepted")
    async def health() -> dict[str, Any]:
        return {"status": "ok", "package": f"pinggu-asp {__version__}", "clingo": clingo.__version__,
                "interpretations": sorted(SWITCHES)}

    app.include_router(v1)

    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(_static_dir() / "index.html", headers=PAGE_HEADERS)

    @app.get("/example.yaml", include_in_schema=False)
    async def example() -> PlainTextResponse:
        return PlainTextResponse(_example_path().read_text(encoding="utf-8"), media_type="application/yaml")

    app.mount("/static", StaticFiles(directory=_static_dir()), name="static")
    app.mount("/docs-assets", StaticFiles(directory=swagger_ui_path), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> Response:
        return get_swagger_ui_html(openapi_url="/openapi.json", title="pinggu-asp API",
                                   swagger_js_url="/docs-assets/swagger-ui-bundle.js",
                                   swagger_css_url="/docs-assets/swagger-ui.css",
                                   swagger_favicon_url="/docs-assets/favicon-32x32.png")

    @app.exception_handler(Refusal)
    async def refusal(_: Request, exc: Refusal) -> Response:
        return _error_response(exc.status, exc.problems, exc.headers)

    @app.exception_handler(OverTime)
    async def over_time(_: Request, exc: OverTime) -> Response:
        return _error_response(503, [("", _over_time(settings))])

    @app.exception_handler(WorkerLost)
    async def worker_lost(_: Request, exc: WorkerLost) -> Response:
        return _error_response(503, [("", "the worker was lost before it answered; try again")])

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> Response:
        problems = [(".".join(str(part) for part in error["loc"]), str(error["msg"])) for error in exc.errors()]
        return _error_response(422, problems)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> Response:
        return _error_response(exc.status_code, [("", str(exc.detail))], getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def internal(_: Request, exc: Exception) -> Response:
        log.exception("internal error")  # the server's log has the traceback; the client never does
        return _error_response(500, [("", "internal error")])

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            schema.setdefault("components", {}).setdefault("schemas", {}).update(definitions)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    app.state.workers = workers  # for the tests: the worker processes and the groups decided
    app.state.checks = checks

    app.add_middleware(_DefaultHeaders)
    return app


# Set on every response that does not set them itself.
DEFAULT_HEADERS = ((b"x-content-type-options", b"nosniff"), (b"cache-control", b"no-store"))


class _DefaultHeaders:
    """Adds DEFAULT_HEADERS to a response's start. Plain ASGI: Starlette's ``@app.middleware("http")`` runs each
    request through a task and a memory stream of its own, a cost the event loop paid on every /v1/check."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in DEFAULT_HEADERS if name not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _over_time(settings: Settings) -> str:
    return f"ran past the time limit of {settings.time_limit:g} s; the worker was stopped"


async def _in_order(
    groups: list[list[tuple[int, bytes]]], decide: Callable[[list[tuple[int, bytes]]], Awaitable[str]], ahead: int
) -> AsyncIterator[str]:
    """Decide groups concurrently (``ahead`` at a time) and yield their lines in input order."""
    pending: deque[asyncio.Future[str]] = deque()
    try:
        for group in groups:
            pending.append(asyncio.ensure_future(decide(group)))
            if len(pending) > ahead:
                yield await pending.popleft()
        while pending:
            yield await pending.popleft()
    finally:
        for task in pending:  # the client went away: stop the work still queued
            task.cancel()

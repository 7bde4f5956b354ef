"""What a service worker process does for one request: parse, validate, decide, render.

Everything here runs in a worker process (see ``pool.py``), so a slow or hostile
request costs a worker, never the event loop. Each function takes the raw body
and the query options and returns a :class:`Reply`: the status, the media type
and the exact text the CLI prints for the same input. Nothing here touches a
path a request names: a declaration is data, and a parameters override is the
*text* of a ``pinggu-parameters/1`` document.
"""

from __future__ import annotations

import dataclasses
import gc
import json
import tempfile
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..api import ruleset_for
from ..declaration import Declaration
from ..engine import spare
from ..engine.decide import check
from ..engine.result import dumps, dumps_bytes, dumps_line
from ..engine.solve import EngineError, Ruleset, control_arguments
from ..loading import InputError, declaration_from_data, parse_text
from ..policy.interpretations import InterpretationError
from ..policy.parameters import ParameterError, ParameterSet, load_parameters
from .pool import after_each_reply

JSON = "application/json"
# What a result's provenance.parameters_source says when the parameters came in a request.
REQUEST_PARAMETERS = "request"


@dataclass(frozen=True)
class Reply:
    status: int
    media_type: str
    # The body. A result is its UTF-8 bytes as orjson made them (``dumps_bytes``): a str would be decoded
    # here, encoded and decoded again by pickle between the processes, and encoded once more for the socket.
    text: str | bytes
    log: str = ""  # for the server's log only (a worker's own stderr goes nowhere)


class Refused(Exception):
    """A request the service answers with an error document: ``problems`` are (field, message) pairs."""

    def __init__(self, status: int, problems: list[tuple[str, str]]) -> None:
        super().__init__(problems)
        self.status = status
        self.problems = problems


def errors_text(problems: Sequence[tuple[str, str]]) -> str:
    return json.dumps({"errors": [{"field": f, "message": m} for f, m in problems]}, ensure_ascii=False) + "\n"


def _refused(exc: Refused) -> Reply:
    return Reply(exc.status, JSON, errors_text(exc.problems))


# --- the request body ---------------------------------------------------------


def _parse_json_body(body: bytes) -> Any:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(400, [("body", "not UTF-8 text")]) from None
    if not text.strip():
        raise Refused(400, [("body", "empty: send a JSON object")])
    try:
        return parse_text(text, "body", fmt="json")
    except InputError as exc:
        if all(path for path, _ in exc.problems):
            # Parsed, but refused at a place in it (nested too deeply there): name the field.
            raise Refused(422, exc.problems) from None
        raise Refused(400, [("body", reason) for _, reason in exc.problems]) from None
    except RecursionError:
        raise Refused(400, [("body", "not valid JSON: nested too deeply")]) from None


_UNPARSED: Any = object()


def _envelope(body: bytes, fields: dict[str, Callable[[Any], bool]], required: Sequence[str],
              parsed: Any = _UNPARSED) -> dict[str, Any]:
    """The request object, with its own fields checked (the declaration is checked by the model)."""
    data = _parse_json_body(body) if parsed is _UNPARSED else parsed
    if not isinstance(data, dict):
        raise Refused(400, [("body", "must be a JSON object")])
    problems = [(key, "unknown field") for key in data if key not in fields]
    problems += [(key, "required field is missing") for key in required if key not in data]
    for key, valid in fields.items():
        if key in data and not valid(data[key]):
            problems.append((key, _SHAPES[valid]))
    if problems:
        raise Refused(422, problems)
    return data


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _text_or_none(value: Any) -> bool:
    return value is None or isinstance(value, str)


def _declaration_shape(value: Any) -> bool:
    return isinstance(value, (dict, str))


def _string(value: Any) -> bool:
    return isinstance(value, str)


_SHAPES: dict[Callable[[Any], bool], str] = {
    _strings: "must be a list of strings",
    _text_or_none: "must be the text of a pinggu-parameters/1 document, or null",
    _declaration_shape: "must be a pinggu-declaration/1 object, or its YAML or JSON text",
    _string: "must be a string",
}
COMMON_FIELDS: dict[str, Callable[[Any], bool]] = {
    "declaration": _declaration_shape,
    "interpretations": _strings,
    "parameters": _text_or_none,
}


DECLARATION_SCHEMA = "pinggu-declaration/1"


def _decide_request(body: bytes) -> dict[str, Any]:
    """A /v1/check or /v1/explain request: the {"declaration": ...} envelope, or a bare declaration,
    recognised by its ``schema: pinggu-declaration/1`` field (as the example file is written)."""
    data = _parse_json_body(body)
    if isinstance(data, dict) and data.get("schema") == DECLARATION_SCHEMA:
        return {"declaration": data}
    return _envelope(body, COMMON_FIELDS, ["declaration"], data)


def _declaration(value: Any, field: str = "declaration") -> Declaration:
    """The model of the declaration in a request; errors name ``declaration.<path>``."""
    try:
        if isinstance(value, str):
            fmt = "json" if value.lstrip().startswith("{") else "yaml"
            try:
                value = parse_text(value, field, fmt=fmt)
            except RecursionError:
                raise InputError(field, [("", "nested too deeply")]) from None
        return declaration_from_data(value, field)
    except InputError as exc:
        raise Refused(422, [(f"{field}.{path}" if path else field, reason) for path, reason in exc.problems]) from None


# --- rules and parameters -----------------------------------------------------


@lru_cache(maxsize=8)
def _request_parameters(text: str) -> ParameterSet:
    # The loader reads a file; the override is written to a private directory of
    # this worker for the loader to read, then removed. The request never names a
    # path, and messages say "parameters" instead of the scratch path.
    with tempfile.TemporaryDirectory(prefix="pinggu-serve-") as scratch:
        path = Path(scratch) / REQUEST_PARAMETERS
        path.write_text(text, encoding="utf-8")
        try:
            loaded = load_parameters(path)
        except ParameterError as exc:
            message = str(exc).replace(f"{path}: ", "").replace(str(path), "parameters")
            raise Refused(422, [("parameters", message)]) from None
    return dataclasses.replace(loaded, source=REQUEST_PARAMETERS)


@lru_cache(maxsize=32)
def _ruleset(interpretations: tuple[str, ...], parameters: str | None) -> Ruleset:
    params = None if parameters is None else _request_parameters(parameters)
    try:
        ruleset = ruleset_for(params, interpretations)
    except InterpretationError as exc:
        raise Refused(422, [("interpretations", str(exc))]) from None
    except ParameterError as exc:  # pragma: no cover - the shipped file is checked by the tests
        raise Refused(422, [("parameters", str(exc))]) from None
    ruleset.grouped()  # read once per worker, before the first declaration
    return ruleset


def ruleset(interpretations: Sequence[str], parameters: str | None) -> Ruleset:
    return _ruleset(tuple(sorted(set(interpretations))), parameters)


def _in_force(decl: Declaration, rules: Ruleset) -> None:
    """Refuse (422) a declaration dated before a value of the parameters is in force: it alone, never its group."""
    try:
        rules.parameters.in_force(decl.declaration_date)
    except ParameterError as exc:
        raise Refused(422, [("declaration_date", str(exc))]) from None


def _decide(decl: Declaration, rules: Ruleset) -> dict[str, Any]:
    _in_force(decl, rules)
    try:
        return check(decl, rules)
    except EngineError as exc:
        raise Refused(422, [("declaration", str(exc))]) from None


def _guarded(work: Callable[[], Reply]) -> Reply:
    try:
        return work()
    except Refused as exc:
        return _refused(exc)
    except Exception:
        # A bug, not the client's mistake: the client gets no traceback or path.
        return Reply(500, JSON, errors_text([("", "internal error")]), log=traceback.format_exc())


# --- the endpoints' work --------------------------------------------------------


def do_check(body: bytes) -> Reply:
    def work() -> Reply:
        data = _decide_request(body)
        rules = ruleset(data.get("interpretations", []), data.get("parameters"))
        return Reply(200, JSON, dumps_bytes(_decide(_declaration(data["declaration"]), rules)))

    return _guarded(work)


def do_check_group(bodies: Sequence[bytes]) -> list[Reply]:
    """/v1/check for requests that arrived together: each its own reply, exactly ``do_check``'s.

    The valid declarations with the same readings and parameters are decided as
    one group (``batch.run.decide_each``: one grounding of the rules, one
    optimisation, each member within its own time limit, and member by member
    should the group fail as a whole); a refused request costs only itself.
    """
    from ..batch.run import decide_each

    replies: list[Reply | None] = [None] * len(bodies)
    groups: dict[tuple[tuple[str, ...], str | None], list[tuple[int, Declaration]]] = {}
    for index, body in enumerate(bodies):
        try:
            data = _decide_request(body)
            interpretations = tuple(sorted(set(data.get("interpretations", []))))
            rules = ruleset(interpretations, data.get("parameters"))
            decl = _declaration(data["declaration"])
            _in_force(decl, rules)
            groups.setdefault((interpretations, data.get("parameters")), []).append((index, decl))
        except Refused as exc:
            replies[index] = _refused(exc)
        except Exception:
            replies[index] = Reply(500, JSON, errors_text([("", "internal error")]), log=traceback.format_exc())
    for (interpretations, parameters), members in groups.items():
        rules = ruleset(interpretations, parameters)
        try:
            outcomes = decide_each([decl for _, decl in members], rules)
            for (index, _), outcome in zip(members, outcomes, strict=True):
                replies[index] = (_refused(Refused(422, [("declaration", str(outcome))]))
                                  if isinstance(outcome, EngineError) else Reply(200, JSON, dumps_bytes(outcome)))
        except Exception:
            for index, _ in members:
                replies[index] = Reply(500, JSON, errors_text([("", "internal error")]), log=traceback.format_exc())
    return [reply for reply in replies if reply is not None]


EXPLAIN_MEDIA = {"json": JSON, "html": "text/html; charset=utf-8", "md": "text/markdown; charset=utf-8",
                 "text": "text/plain; charset=utf-8"}


def render_explanation(result: dict[str, Any], clause: str | None, lang: str, fmt: str) -> str:
    """The text ``pinggu-asp explain`` prints into a file for these options."""
    from ..render.explain import build
    from ..render.formats import render_explanation as in_format

    # Text is laid out as the CLI lays it out into a file, never at the width of
    # whatever terminal the server was started from.
    return in_format(build(result, clause), fmt, lang, clause=clause, for_file=True)


def do_explain(body: bytes, lang: str, fmt: str, clause: str | None) -> Reply:
    from ..render.explain import ClauseNotListed

    def work() -> Reply:
        data = _decide_request(body)
        rules = ruleset(data.get("interpretations", []), data.get("parameters"))
        result = _decide(_declaration(data["declaration"]), rules)
        try:
            text = render_explanation(result, clause, lang, fmt)
        except ClauseNotListed as exc:
            listed = ", ".join(exc.listed) or "-"
            raise Refused(422, [("clause", f"{exc.clause} is not listed for this declaration; listed: {listed}")]) from None
        return Reply(200, EXPLAIN_MEDIA[fmt], text)

    return _guarded(work)


def do_validate(body: bytes) -> Reply:
    """As ``pinggu-asp validate``: the declaration checked against pinggu-declaration/1, nothing decided."""

    def work() -> Reply:
        decl = _declaration(_decide_request(body)["declaration"])
        return Reply(200, JSON, dumps({"schema": "pinggu-validation/1", "valid": True, "declaration": DECLARATION_SCHEMA,
                                       "enterprise": {"name": decl.enterprise.name,
                                                      "credit_code": decl.enterprise.credit_code},
                                       "support_year": decl.support_year}))

    return _guarded(work)


def do_readings(on: str | None) -> Reply:
    """As ``pinggu-asp readings -f json [--on DATE]``."""
    import datetime as dt

    from ..policy.readings import document

    def work() -> Reply:
        try:
            day = dt.date.fromisoformat(on) if on else dt.date.today()
        except ValueError:
            raise Refused(422, [("on", f"{on!r} is not a date YYYY-MM-DD")]) from None
        try:
            return Reply(200, JSON, dumps(document(day, ruleset([], None).parameters)))
        except ParameterError as exc:
            raise Refused(422, [("on", str(exc))]) from None

    return _guarded(work)


def do_rules(interpretations: list[str]) -> Reply:
    from ..analysis.catalogue import catalogue

    return _guarded(lambda: Reply(200, JSON, dumps(catalogue(ruleset(interpretations, None)))))


# --- what-if and reach --------------------------------------------------------------

WHATIF_FIELDS: dict[str, Callable[[Any], bool]] = {
    **COMMON_FIELDS, "changes": _strings, "params": _strings, "base_interpretations": _strings,
}
REACH_FIELDS: dict[str, Callable[[Any], bool]] = {**COMMON_FIELDS, "clause": _string, "vary": _strings}


def _analysis(data: dict[str, Any], run: Callable[[Declaration, ParameterSet], dict[str, Any]],
              input_field: str) -> Reply:
    """Run a what-if or reach document, with its errors named by the request field they come from."""
    from ..analysis.reach import ClauseError

    decl = _declaration(data["declaration"])
    params = ruleset([], data.get("parameters")).parameters
    try:
        return Reply(200, JSON, dumps(run(decl, params)))
    except InputError as exc:
        raise Refused(422, [(f"{input_field}.{path}" if path else input_field, reason)
                            for path, reason in exc.problems]) from None
    except ParameterError as exc:
        raise Refused(422, [("params", str(exc))]) from None
    except InterpretationError as exc:
        raise Refused(422, [("interpretations", str(exc))]) from None
    except ClauseError as exc:
        raise Refused(422, [("clause", str(exc))]) from None
    except EngineError as exc:
        raise Refused(422, [("declaration", str(exc))]) from None


def do_whatif(body: bytes) -> Reply:
    """As ``pinggu-asp whatif FILE --set ... --param ... -i ... --base-interpretation ... -f json``."""
    from ..api import whatif

    def work() -> Reply:
        data = _envelope(body, WHATIF_FIELDS, ["declaration"])
        return _analysis(data, lambda decl, params: whatif(
            decl, changes=data.get("changes", []), params=data.get("params", []),
            interpretations=data.get("interpretations", []), parameters=params,
            base_interpretations=data.get("base_interpretations", [])), "changes")

    return _guarded(work)


def do_reach(body: bytes) -> Reply:
    """As ``pinggu-asp whatif FILE --reach CLAUSE --vary ... -i ... -f json``."""
    from ..api import reach

    def work() -> Reply:
        data = _envelope(body, REACH_FIELDS, ["declaration", "clause"])
        return _analysis(data, lambda decl, params: reach(
            decl, data["clause"], vary=data.get("vary", []), parameters=params,
            interpretations=data.get("interpretations", [])), "vary")

    return _guarded(work)


# --- batch ----------------------------------------------------------------------

ERROR_SCHEMA = "pinggu-error/1"
OPTIONS_SCHEMA = "pinggu-batch-options/1"


def error_line(line: int, problems: Sequence[tuple[str, str]]) -> str:
    return json.dumps({"schema": ERROR_SCHEMA, "line": line, "errors": [{"field": f, "message": m} for f, m in problems]},
                      ensure_ascii=False, separators=(",", ":"))


def batch_options(first: bytes) -> tuple[list[str], str | None] | None:
    """The options a batch's first line may carry, or None when the first line is a declaration."""
    try:
        data = json.loads(first)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or data.get("schema") != OPTIONS_SCHEMA:
        return None
    fields = {"schema": _string, "interpretations": _strings, "parameters": _text_or_none}
    problems = [(key, "unknown field") for key in data if key not in fields]
    problems += [(key, _SHAPES[valid]) for key, valid in fields.items() if key in data and not valid(data[key])]
    if problems:
        raise Refused(422, [(f"line 1: {field}", message) for field, message in problems])
    return list(data.get("interpretations", [])), data.get("parameters")


def check_options(interpretations: list[str], parameters: str | None) -> Reply | None:
    """An error reply when a batch's options are unusable (before anything streams), else None."""
    try:
        ruleset(interpretations, parameters)
    except Refused as exc:
        return _refused(exc)
    return None


def do_batch_group(lines: list[tuple[int, bytes]], interpretations: list[str], parameters: str | None) -> list[str]:
    """Result lines (``dumps_line``) or error records, one per input line, in order."""
    rules = ruleset(interpretations, parameters)
    out: list[str | None] = []
    valid: list[Declaration] = []
    for number, raw in lines:
        try:
            decl = _line_declaration(raw)
            _in_force(decl, rules)
            valid.append(decl)
            out.append(None)
        except Refused as exc:
            out.append(error_line(number, exc.problems))
    from ..batch.run import decide_each

    results = iter(decide_each(valid, rules))
    for index, (number, _) in enumerate(lines):
        if out[index] is None:
            result = next(results)
            out[index] = error_line(number, [("", str(result))]) if isinstance(result, EngineError) else dumps_line(result)
    return [line for line in out if line is not None]


def _line_declaration(raw: bytes) -> Declaration:
    """One JSON Lines declaration; errors name the field inside the line ("" for the line itself)."""
    try:
        data = _parse_json_body(raw)
    except Refused as exc:
        raise Refused(422, [("", message) for _, message in exc.problems]) from None
    try:
        return declaration_from_data(data, "line")
    except InputError as exc:
        raise Refused(422, exc.problems) from None


def warm() -> int:
    """Start a worker: import the engine and parse the shipped rules once; make each request's Control ahead."""
    grouped = ruleset([], None).grouped()
    # The Control of the next request is made, and the last one's freed, between
    # requests (engine/spare.py): about 12 of a lone check's 67 ms off its path.
    spare.enable()
    spare.expect(grouped, control_arguments())
    after_each_reply(spare.idle)
    # What a worker keeps for its lifetime (modules, the parsed rules) leaves the
    # collector's sight: each answer's many small objects trigger collections
    # that would otherwise walk all of it again (benchmarks/bench_gc.py).
    gc.collect()
    gc.freeze()
    return 0

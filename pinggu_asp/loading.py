"""Reading declarations from JSON or YAML into the model, with errors that name the field."""

from __future__ import annotations

import difflib
import functools
import json
import os
import re
import stat
import typing
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

import yaml
from pydantic import BaseModel, ValidationError

from .declaration import Declaration, semantic_issues
from .safe_text import clip, field_text, shown


class InputError(Exception):
    """Input the engine refuses. ``problems`` are ``(field path, reason)`` pairs."""

    def __init__(self, source: str, problems: list[tuple[str, str]]) -> None:
        self.source = source
        self.problems = problems
        lines = [f"{path}: {reason}" if path else reason for path, reason in problems]
        super().__init__(f"{source}: invalid declaration\n  " + "\n  ".join(lines))


# What one declaration may be. A real one is a few kilobytes and five levels deep;
# the limits are far above that and far below what would exhaust memory or the stack.
MAX_DECLARATION_BYTES = 10 * 1024 * 1024
MAX_NESTING = 50
MAX_ALIAS_VALUES = 100_000
_BYTES_ENV = "PINGGU_ASP_MAX_DECLARATION_BYTES"


def max_declaration_bytes() -> int:
    """The size limit: 10 MiB, or ``PINGGU_ASP_MAX_DECLARATION_BYTES`` when set to a positive integer."""
    text = os.environ.get(_BYTES_ENV, "").strip()
    if text.isascii() and text.isdigit() and int(text) > 0:
        return int(text)
    return MAX_DECLARATION_BYTES


def _too_large(limit: int) -> str:
    return f"larger than the limit of {limit:,} bytes for one declaration (set {_BYTES_ENV} to change it)"


class _Refused(yaml.error.MarkedYAMLError):
    """YAML that parses, but that a declaration does not accept (an alias bomb, a tag, deep nesting)."""


class _PlainResolver(yaml.resolver.BaseResolver):
    """YAML 1.2 core-schema scalars, and only the forms a declaration means.

    PyYAML resolves YAML 1.1: ``0x10`` is 16, ``017`` is octal 15, ``1:30`` is
    base-60 90, ``yes``/``on`` are true and ``1_000`` is 1000. A declaration
    means none of these, and reading them silently gives a wrong number. Here an
    integer is decimal digits without a leading zero (``017`` stays text: neither
    octal 15 nor, silently, 17), a decimal is plain ``123.45`` (no exponent, no
    ``.inf``), a boolean is true/false; every other
    plain scalar stays text, which the model then refuses with the field named.
    """


_PlainResolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_PlainResolver.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
_PlainResolver.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789")
)
_PlainResolver.add_implicit_resolver(
    "tag:yaml.org,2002:float", re.compile(r"^[-+]?(?:(?:0|[1-9][0-9]*)\.[0-9]*|\.[0-9]+)$"), list("-+.0123456789")
)

# An integer longer than this is kept as a Decimal: Python refuses to convert
# more than 4,300 digits, and no field means such a number (money refuses it
# as over the bound, a year as not a year), so the model names the field.
_LONG_INTEGER_DIGITS = 40


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    text = str(loader.construct_scalar(node))
    return int(text) if len(text) <= _LONG_INTEGER_DIGITS else Decimal(text)


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    # The resolver admits only plain decimals, so Decimal reads exactly what was written.
    return Decimal(str(loader.construct_scalar(node)))


def _construct_unique_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> Any:
    # A key given twice is a mistake in a declaration (which value did the
    # enterprise mean?); JSON input refuses it too.
    seen: set[Any] = set()
    for key_node, _ in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            # `? [a, b]` makes a list the key: PyYAML would fail with a TypeError.
            raise _Refused(
                None, None, "a key must be a plain name or year, not a list or a mapping", key_node.start_mark
            )
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {shown(key)} appears twice in one mapping", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=True)


class _DecimalLoader(
    yaml.reader.Reader,
    yaml.scanner.Scanner,
    yaml.parser.Parser,
    yaml.composer.Composer,
    yaml.constructor.SafeConstructor,
    _PlainResolver,
):
    """A declaration's YAML: exact decimals, plain scalars, no tags, bounded nesting and aliases.

    An alias (``*name``) repeats the value its anchor (``&name``) marks. PyYAML
    shares that value, but whatever walks the data afterwards (validation, a
    message) walks every repetition: a few kilobytes of aliases of aliases
    stand for billions of values ("billion laughs"). yaml.safe_dump writes
    aliases for a value used twice, so they are not refused; instead the values
    they add are counted on the node graph, before anything is built, and
    capped at MAX_ALIAS_VALUES. An alias inside its own anchor is refused.
    Explicit tags (``!!set``, ``!!binary``, ``!!int``) would bring types the model
    does not expect. Nesting is bounded before PyYAML's recursive composer can
    exhaust the stack.
    """

    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        _PlainResolver.__init__(self)
        self._depth = 0
        self._first_alias: Any = None

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.events.AliasEvent):
            self._first_alias = self._first_alias or event.start_mark
            return super().compose_node(parent, index)
        tag = getattr(event, "tag", None)
        if tag not in (None, "!", "tag:yaml.org,2002:str"):
            raise _Refused(
                None, None, f"an explicit tag ({clip(tag, 40)}) is not accepted in a declaration: "
                "write the value plainly", event.start_mark)
        if self._depth >= MAX_NESTING:
            raise _Refused(
                None, None, f"nested more than {MAX_NESTING} levels deep", event.start_mark)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_document(self, node: Any) -> Any:
        if self._first_alias is not None:
            self._check_aliases(node, self._first_alias)
        return super().construct_document(node)

    @staticmethod
    def _check_aliases(root: Any, mark: Any) -> None:
        """Refuse a node graph whose aliases add more than MAX_ALIAS_VALUES values, or that holds a cycle."""
        def children(node: Any) -> list[Any]:
            if isinstance(node, yaml.SequenceNode):
                return list(node.value)
            if isinstance(node, yaml.MappingNode):
                return [part for pair in node.value for part in pair]
            return []

        # Iterative post-order: the graph of a hostile document may be deep; sizes saturate.
        saturated = 10 * MAX_ALIAS_VALUES
        sizes: dict[int, int] = {}
        on_path: set[int] = set()
        stack: list[tuple[Any, bool]] = [(root, False)]
        while stack:
            node, done = stack.pop()
            key = id(node)
            if done:
                sizes[key] = min(saturated, 1 + sum(sizes[id(child)] for child in children(node)))
                on_path.discard(key)
                continue
            if key in sizes:
                continue
            if key in on_path:
                raise _Refused(
                    None, None, "an alias (*name) inside the value its own anchor marks repeats it for ever",
                    node.start_mark)
            on_path.add(key)
            stack.append((node, True))
            stack.extend((child, False) for child in children(node) if id(child) not in sizes)
        if sizes[id(root)] - len(sizes) > MAX_ALIAS_VALUES:
            raise _Refused(
                None, None, f"aliases (*name) here and after repeat more than {MAX_ALIAS_VALUES:,} values "
                "(an alias bomb?): write the values out", mark)


_DecimalLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
_DecimalLoader.add_constructor("tag:yaml.org,2002:map", _construct_unique_mapping)


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"key {shown(key)} appears twice")
        out[key] = value
    return out


def _json_int(text: str) -> int | Decimal:
    return int(text) if len(text) <= _LONG_INTEGER_DIGITS else Decimal(text)


def _deep_at(text: str) -> int:
    """The offset of the first bracket past MAX_NESTING levels in JSON text (for the message)."""
    depth, in_string, escaped = 0, False, False
    for offset, ch in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_NESTING:
                return offset
        elif ch in "]}":
            depth -= 1
    return len(text)


def _nesting_problem(data: Any) -> str | None:
    """Where data is nested more than MAX_NESTING levels deep, or None; iterative, so any depth is safe."""
    # Only containers are pushed (a scalar is never too deep), in the order the whole walk
    # visited them, so the same container is named first; each with its depth and a link to
    # its parent's entry, the location spelt out only for the one reported.
    if not isinstance(data, dict | list):
        return None
    stack: list[tuple[Any, int, Any, int | str]] = [(data, 0, None, "")]
    pop, push = stack.pop, stack.append
    while stack:
        entry = pop()
        value, depth = entry[0], entry[1]
        if depth >= MAX_NESTING:
            loc: list[int | str] = []
            while entry[2] is not None:
                loc.append(entry[3])
                entry = entry[2]
            return clip(format_location(tuple(reversed(loc))))
        inner = depth + 1
        for key, child in value.items() if isinstance(value, dict) else enumerate(value):
            if isinstance(child, dict | list):
                push((child, inner, entry, key))
    return None


def _line_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def parse_text(text: str, source: str = "<input>", fmt: str | None = None) -> Any:
    """Parse JSON or YAML text into plain data (decimals as Decimal), within the size and nesting limits."""
    return parse_located(text, source, fmt)[0]


def parse_located(text: str, source: str = "<input>", fmt: str | None = None) -> tuple[Any, Any]:
    """``parse_text``, and for YAML the node tree it was built from (None for JSON): where each value was written."""
    root: Any = None
    kind = fmt or ("json" if source.endswith((".json", ".jsonl")) else "yaml")
    limit = max_declaration_bytes()
    if len(text) > limit:
        raise InputError(source, [("", _too_large(limit))])
    try:
        if kind == "json":
            # NaN and Infinity are not JSON, but json.loads takes them; as Decimal
            # they reach the model, which refuses them naming the field.
            data = json.loads(text, parse_float=Decimal, parse_int=_json_int, parse_constant=Decimal,
                              object_pairs_hook=_no_duplicate_keys)
        else:
            loader = _DecimalLoader(text)  # what yaml.load does, with this SafeLoader-based class
            try:
                root = loader.get_single_node()
                data = None if root is None else loader.construct_document(root)
            finally:
                loader.dispose()
    except RecursionError:
        # The C JSON decoder recurses per level; the message gives where the nesting passed the limit.
        line, column = _line_column(text, _deep_at(text))
        raise InputError(source, [("", f"{source}:{line}:{column} (line {line}, column {column}): "
                                       f"nested more than {MAX_NESTING} levels deep")]) from None
    except (json.JSONDecodeError, ValueError) as exc:
        raise InputError(source, [("", f"not valid {kind.upper()}: {clip(str(exc), 200)}")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        if mark is not None:
            # The file, line and column an editor jumps to (1-based), then what is wrong there.
            where = f"{source}:{mark.line + 1}:{mark.column + 1}"
            problem = getattr(exc, "problem", None) or str(exc)
            context = getattr(exc, "context", None)
            not_valid = "" if isinstance(exc, _Refused) else "not valid YAML: "
            reason = (f"{where} (line {mark.line + 1}, column {mark.column + 1}): {not_valid}{problem}"
                      + (f" ({context})" if context else ""))
            raise InputError(source, [("", reason)]) from None
        raise InputError(source, [("", f"not valid YAML: {clip(str(exc), 200)}")]) from None
    # JSON nests only by its brackets: text with no more of them than the limit cannot pass it,
    # and the walk over every container (a tenth of a JSON line's validation) is not needed.
    deep = None if kind == "json" and text.count("[") + text.count("{") <= MAX_NESTING else _nesting_problem(data)
    if deep is not None:
        raise InputError(source, [(deep, f"nested more than {MAX_NESTING} levels deep")])
    return data, root


class _Item(str):
    """A list item named by its id, written in brackets like an index: ``orders[o-1]``."""


def format_location(loc: tuple[int | str, ...]) -> str:
    """('annual', 2, 'gross_output') -> 'annual[2].gross_output'."""
    out = ""
    for part in loc:
        if isinstance(part, _Item):
            out += f"[{field_text(str(part))}]"
        elif isinstance(part, int):
            out += f"[{part}]"
        else:
            # A key is declared text: shown with its controls escaped, and clipped.
            text = "schema" if part == "schema_" else field_text(str(part))
            out += f".{text}" if out else text
    return out


def _plain_loc(error: Any) -> tuple[int | str, ...]:
    # Pydantic's before-validators add no location of their own; the function
    # name that names the model class after a union is noise for a reader.
    return tuple(part for part in error["loc"] if not (isinstance(part, str) and part.startswith("function-")))


# The lists whose items the tool names by a key everywhere else (results, explanations,
# `--set` paths): a year's record by its year, an order or an approval by its id.
ITEM_KEYS = {"annual": "year", "ratings": "id", "approvals": "id", "orders": "id", "standards": "id",
             "investment_projects": "id"}
# The maps from year to amount, written `orders[o-1].executed.2025` as `--set` takes them.
_YEAR_MAPS = frozenset({"executed", "output"})


def item_key(items: Any, index: int, key: str) -> int | _Item | None:
    """The year or id that names ``items[index]``, when it is a plain one no other item shares."""
    def name_of(item: Any) -> Any:
        value = item.get(key) if isinstance(item, dict) else getattr(item, key, None)
        if key == "year":
            return value if isinstance(value, int) and not isinstance(value, bool) and 1900 <= value <= 2100 else None
        # An id the model would refuse (empty, over 200 characters) cannot name the item.
        return value if isinstance(value, str) and 1 <= len(value) <= 200 and value.strip() else None

    if not isinstance(items, (list, tuple)) or not 0 <= index < len(items):
        return None
    name = name_of(items[index])
    if name is None or sum(1 for item in items if name_of(item) == name) > 1:
        return None
    return name if isinstance(name, int) else _Item(name)


def tool_location(loc: tuple[int | str, ...], data: Any) -> tuple[int | str, ...]:
    """Pydantic's location as the tool's path: ``annual[2025]`` not ``annual[2]``, ``orders[o-1]`` not
    ``orders[0]``, ``orders[o-1].executed.2025`` (an item without a usable year or id keeps its index)."""
    out: list[int | str] = []
    node = data
    for i, part in enumerate(loc):
        parent = loc[i - 1] if i else None
        named = None
        if isinstance(part, int) and isinstance(parent, str) and parent in ITEM_KEYS:
            named = item_key(node, part, ITEM_KEYS[parent])
        if named is not None:
            out.append(named)
        elif isinstance(part, int) and parent in _YEAR_MAPS:
            out.append(str(part))
        else:
            out.append(part)
        node = _child(node, part)
    return tuple(out)


def _child(node: Any, part: int | str) -> Any:
    if isinstance(node, dict):
        if part in node:
            return node[part]
        return next((value for key, value in node.items() if str(key) == str(part)), None)
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return None


def _written_at(root: Any, loc: tuple[int | str, ...], at_key: bool) -> Any:
    """The YAML mark of the value at ``loc`` (of its key when ``at_key``: a key the model does not
    know; of the mapping that lacks it, for a missing field)."""
    node, mark = root, getattr(root, "start_mark", None)
    for i, part in enumerate(loc):
        if isinstance(node, yaml.MappingNode):
            found = next(((k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == str(part)), None)
            if found is None:
                break
            mark = found[0].start_mark if at_key and i == len(loc) - 1 else found[1].start_mark
            node = found[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
            mark = node.start_mark
        else:
            break
    return mark


def _field_path(error: Any, data: Any = None) -> str:
    return format_location(tool_location(_plain_loc(error), data))


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models an annotation holds: Model, list[Model], Model | None, dict[str, Model]."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def _field_names_at(loc: tuple[Any, ...]) -> list[str]:
    """The field names the model at a location accepts (by alias), for "did you mean"."""
    models: list[type[BaseModel]] = [Declaration]
    for part in loc:
        if not isinstance(part, str):
            continue  # a list index or a dict key keeps the item's model
        nxt: list[type[BaseModel]] = []
        for model in models:
            for name, field in model.model_fields.items():
                if part in (name, field.alias):
                    nxt += _models_in(field.annotation)
        models = nxt
    return sorted({field.alias or name for model in models for name, field in model.model_fields.items()})


def _message(error: Any) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        near = difflib.get_close_matches(str(loc[-1])[:100], _field_names_at(loc[:-1]), n=1) if loc else []
        return "unknown field" + (f"; did you mean {near[0]}?" if near else "")
    if kind == "missing":
        return "required field is missing"
    if kind in ("enum", "literal_error"):
        # Echo the value given, so the reader sees the typo beside the allowed values.
        return f"{shown(error['input'])} is not allowed: {error['msg'][0].lower()}{error['msg'][1:]}"
    return str(error["msg"])


def declaration_from_data(data: Any, source: str = "<input>", written: Any = None) -> Declaration:
    """The declaration in ``data``; ``written``, the YAML node tree it came from, adds file:line:column to errors."""
    if not isinstance(data, dict):
        raise InputError(source, [("", "a declaration must be a mapping of fields")])
    try:
        decl = Declaration.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            at_key = error["type"] == "extra_forbidden"
            mark = _written_at(written, _plain_loc(error), at_key) if written is not None else None
            # The file, line and column an editor jumps to (1-based), after the reason.
            where = f" (at {source}:{mark.line + 1}:{mark.column + 1})" if mark is not None else ""
            problems.append((_field_path(error, data), _message(error) + where))
        raise InputError(source, problems) from None
    issues = semantic_issues(decl)
    if issues:
        raise InputError(source, [(issue.path, issue.reason) for issue in issues])
    return decl


def _read_limited(stream: BinaryIO, source: str, limit: int) -> str:
    """At most ``limit`` bytes as UTF-8 text: one byte more is read only to learn the input is too large."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise InputError(source, [("", _too_large(limit))])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(source, [("", f"not UTF-8 text (byte {exc.start + 1})")]) from None


def load_declaration_stream(stream: BinaryIO, source: str = "<stdin>") -> Declaration:
    """A declaration from a byte stream (standard input), read within the size limit."""
    data, written = parse_located(_read_limited(stream, source, max_declaration_bytes()), source)
    return declaration_from_data(data, source, written)


def load_declaration(path: Path) -> Declaration:
    source = str(path)
    try:
        # O_NONBLOCK: opening a FIFO nobody writes to would otherwise wait for ever.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise InputError(source, [("", "no such file")]) from None
    except OSError as exc:
        raise InputError(source, [("", f"cannot be read: {exc.strerror}")]) from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise InputError(source, [("", "is a directory, not a declaration file")])
        if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
            raise InputError(source, [("", "is a pipe, not a declaration file (use - to read standard input)")])
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            text = _read_limited(handle, source, max_declaration_bytes())
    except OSError as exc:
        raise InputError(source, [("", f"cannot be read: {exc.strerror}")]) from None
    finally:
        os.close(fd)
    return _declaration_of_file(text, source)


@functools.lru_cache(maxsize=8)
def _declaration_of_file(text: str, source: str) -> Declaration:
    """The declaration a file's text holds, parsed once per text: an analyst's what-if or reach names the same
    file again and again, and parsing YAML with its locations takes ~18 ms of the example's ~120 ms what-if.
    Keyed by the text itself, so an edited file is read anew; the model is frozen, so sharing it is safe."""
    data, written = parse_located(text, source)
    return declaration_from_data(data, source, written)

"""Declared text shown to people: bounded in length, and inert on a terminal and in Markdown.

A declaration is data from outside. Echoed into an error message it must not be
unbounded (a 10 MB value, or a structure a YAML alias expanded); printed on a
terminal its control characters (ESC sequences, bell, bidi overrides) must not
act; in Markdown its markup characters must not become markup or raw HTML.
"""

from __future__ import annotations

import reprlib
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from typing import Any

ECHO_LIMIT = 80

# Bidirectional controls (Trojan Source, CVE-2021-42574) reorder what a reader sees;
# line and paragraph separators break a line on some terminals.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

_repr = reprlib.Repr()
_repr.maxlevel = 2
_repr.maxstring = ECHO_LIMIT
_repr.maxother = ECHO_LIMIT
_repr.maxlong = 40
for _name in ("maxlist", "maxtuple", "maxdict", "maxset", "maxfrozenset", "maxdeque", "maxarray"):
    setattr(_repr, _name, 4)


def _is_control(ch: str) -> bool:
    return ch in _BIDI or unicodedata.category(ch) == "Cc"


def escape_controls(text: str) -> str:
    """Control characters written visibly: ESC as ``\\x1b``, a newline as ``\\n``, U+202E as ``\\u202e``.

    Everything else, Chinese text included, is left as it is. A backslash is
    left alone too: the escapes are for a reader, not a round trip.
    """
    if not any(_is_control(ch) for ch in text):
        return text
    out = []
    for ch in text:
        if not _is_control(ch):
            out.append(ch)
        elif ch in _NAMED:
            out.append(_NAMED[ch])
        elif ord(ch) <= 0xFF:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(f"\\u{ord(ch):04x}")
    return "".join(out)


def clip(text: str, limit: int = ECHO_LIMIT) -> str:
    """At most ``limit`` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} characters)"


def shown(value: object, limit: int = ECHO_LIMIT) -> str:
    """A declared value for an error message: a bounded repr, controls escaped, clipped.

    ``reprlib`` stops at a few items and levels, so even a value that a YAML
    alias chain would make a billion items long costs a few hundred characters.
    """
    if isinstance(value, str):
        rest = f"… ({len(value):,} characters)" if len(value) > limit else ""
        return repr(value[:limit]) + rest
    if isinstance(value, Decimal):
        return clip(str(value), limit)  # 1E+999999999, not Decimal('1E+999999999')
    try:
        text = _repr.repr(value)
    except ValueError:  # an int too long to print (sys.get_int_max_str_digits)
        text = f"<{type(value).__name__} too long to show>"
    return clip(escape_controls(text), limit)


def field_text(text: str, limit: int = ECHO_LIMIT) -> str:
    """A declared key or id inside a field path: controls escaped, clipped."""
    return clip(escape_controls(text), limit)


_MARKDOWN_SPECIAL = frozenset("\\`*_[]<>&|~#")


def markdown_text(text: str) -> str:
    """Declared text as literal Markdown inline text, safe inside a table cell.

    The characters that make inline markup are backslash-escaped, so nothing
    becomes emphasis, a link, code, a table column or raw HTML (``<`` and ``&``
    escaped by a backslash render as the characters themselves). Line
    breaks would end a table row: they are shown as ``\\n``. Other controls are
    escaped as on a terminal.
    """
    text = escape_controls(text)
    out = []
    for index, ch in enumerate(text):
        # An underscore between two letters or digits (first_time) can neither open nor
        # close emphasis in CommonMark: left as it is, ids stay readable in the source.
        intraword = ch == "_" and 0 < index < len(text) - 1 and text[index - 1].isalnum() and text[index + 1].isalnum()
        out.append("\\" + ch if ch in _MARKDOWN_SPECIAL and not intraword else ch)
    return "".join(out)


def markdown_code(text: str) -> str:
    """Text as a Markdown code span: a backtick fence longer than any run inside, controls escaped.

    Nothing inside a code span is markup or HTML; a ``|`` is still escaped so
    that a table cell does not end there (GFM unescapes it inside the span).
    """
    text = escape_controls(text)
    longest = run = 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text.replace('|', chr(92) + '|')}{pad}{fence}"


def escape_tree(value: Any, escape: Callable[[str], str], keep: frozenset[str] = frozenset()) -> Any:
    """A copy of a JSON-like model with every string passed through ``escape``, except under the keys in ``keep``."""
    if isinstance(value, str):
        return escape(value)
    if isinstance(value, list):
        return [escape_tree(item, escape, keep) for item in value]
    if isinstance(value, dict):
        return {key: item if key in keep else escape_tree(item, escape, keep) for key, item in value.items()}
    return value

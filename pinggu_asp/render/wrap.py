"""Line breaking for the text reports: Chinese prose may break between characters, but an
amount, a clause id or a field path never breaks at all.

The break opportunities are Unicode's (UAX #14, by ``uniseg``), which already keeps closing
punctuation off the start of a line. Two rules are added on top, because a reader of an
audit report must never see half a number: nothing breaks inside a run of ASCII characters
(``I-events-in-window`` and ``annual[2025].gross_output`` are one word here, where UAX #14
would break after each hyphen), and a number stays with the 元 or 万元 after it.
"""

from __future__ import annotations

from rich.cells import cell_len
from uniseg.linebreak import line_break_units

# 元 and 万 after a digit, and 元 after 万: "300,000元", "12.3万元" stay whole.
_UNIT_AFTER_NUMBER = ("元", "万")


def _glued(previous: str, following: str) -> bool:
    """Whether a break between these two pieces would cut a word this report must keep whole."""
    if not previous or not following or previous[-1].isspace():
        return False
    last, first = previous[-1], following[0]
    if last.isascii() and first.isascii() and not first.isspace():
        return True
    if last.isascii() and last.isdigit():
        return following.startswith(_UNIT_AFTER_NUMBER)
    return last == "万" and first == "元"


def units(text: str) -> list[str]:
    """The pieces of ``text`` between which a line may break."""
    pieces: list[str] = []
    for piece in line_break_units(text):
        if pieces and _glued(pieces[-1], piece):
            pieces[-1] += piece
        else:
            pieces.append(piece)
    return pieces


def widest(text: str) -> int:
    """The width of the widest piece that cannot be broken, over every line of ``text``."""
    return max((cell_len(piece.rstrip()) for line in text.split("\n") for piece in units(line)), default=0)


def wrap(text: str, width: int) -> str:
    """``text`` broken into lines of at most ``width`` cells, only where ``units`` allows.

    A piece wider than ``width`` stands alone on its line, whole: the caller decides
    (``widest``) whether that can happen, and chooses another layout where it would.
    """
    out: list[str] = []
    for line in text.split("\n"):
        current = ""
        for piece in units(line):
            candidate = current + piece
            if current and cell_len(candidate.rstrip()) > width:
                out.append(current.rstrip())
                current = piece.lstrip()
            else:
                current = candidate
        out.append(current.rstrip())
    return "\n".join(out)

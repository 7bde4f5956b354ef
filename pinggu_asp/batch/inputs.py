"""What a batch reads: one .jsonl or .xlsx file, or what an auditor has on disk.

An auditor's declarations are often one YAML or JSON file each, in a folder, or
a few files named on the command line, or JSON Lines on standard input (``-``).
Each is read here into the same ``Item``s the batch decides; a single .jsonl or
.xlsx file is read by ``reading.py`` as before. Every item says where it came
from (``file`` and ``line``), so an error record names the file to fix.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..loading import InputError, parse_text
from .reading import INPUT_SUFFIXES, BatchInputError, Item, check_input, check_readable, count_items, read_items

STDIN = Path("-")
# Files of one declaration each, in a folder or named one by one.
DECLARATION_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True)
class Inputs:
    """The batch's input: a single .jsonl/.xlsx file, or several sources read in the order given."""

    paths: tuple[Path, ...]
    stdin: BinaryIO | None = None  # standard input, when one of the paths is ``-``

    @property
    def single(self) -> Path | None:
        """The one .jsonl or .xlsx file, read as the batch always read it."""
        if len(self.paths) == 1 and self.paths[0] != STDIN and not self.paths[0].is_dir():
            return self.paths[0]
        return None

    def files(self) -> list[Path]:
        """Every source in order: a folder's declaration files sorted by name, then the others as given."""
        out: list[Path] = []
        for path in self.paths:
            if path != STDIN and path.is_dir():
                found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in (
                    *DECLARATION_SUFFIXES, ".jsonl"))
                if not found:
                    raise BatchInputError(f"{path}: the folder holds no .yaml, .yml, .json or .jsonl declarations")
                out.extend(found)
            else:
                out.append(path)
        return out

    def check(self) -> None:
        """Refuse, before any work, a source the batch cannot read at all."""
        if not self.paths:
            raise BatchInputError("no input: give a .jsonl or .xlsx file, a folder, declaration files, or -")
        if sum(path == STDIN for path in self.paths) > 1:
            raise BatchInputError("- (standard input) can be given once")
        if self.single is not None:
            check_input(self.single)
            return
        for path in self.files():
            if path == STDIN:
                continue
            if path.suffix.lower() == ".xlsx":
                raise BatchInputError(f"{path}: a workbook is a batch of its own; give it alone")
            if path.suffix.lower() not in (*DECLARATION_SUFFIXES, ".jsonl"):
                raise BatchInputError(f"{path}: a declaration file is .yaml, .yml, .json or .jsonl, "
                                      f"not {path.suffix or 'a file without a suffix'}")
            check_input(path) if path.suffix.lower() in INPUT_SUFFIXES else check_readable(path)

    def items(self) -> Iterator[Item]:
        if self.single is not None:
            return read_items(self.single)
        return self._gathered()

    def count(self) -> int | None:
        if self.single is not None:
            return count_items(self.single)
        return None

    def _gathered(self) -> Iterator[Item]:
        for path in self.files():
            if path == STDIN:
                yield from _lines(self.stdin or sys.stdin.buffer, "-")
            elif path.suffix.lower() == ".jsonl":
                with path.open("rb") as handle:
                    yield from _lines(handle, str(path))
            else:
                yield _declaration_file(path)


def _lines(handle: BinaryIO, name: str) -> Iterator[Item]:
    for number, raw in enumerate(handle, start=1):
        if not raw.strip():
            continue
        where = {"file": name, "line": number}
        try:
            yield Item(where, text=raw.decode("utf-8"))
        except UnicodeDecodeError:
            yield Item(where, problems=(("", "not UTF-8 text"),))


def _declaration_file(path: Path) -> Item:
    """One YAML or JSON declaration file as one item; the worker validates it as it validates a JSON line."""
    where = {"file": str(path), "line": 1}
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return Item(where, problems=(("", "not UTF-8 text"),))
    except OSError as exc:
        return Item(where, problems=(("", f"cannot be read: {exc.strerror}"),))
    try:
        data = parse_text(text, str(path), fmt="json" if path.suffix.lower() == ".json" else "yaml")
    except InputError as exc:
        return Item(where, problems=tuple(exc.problems))
    except RecursionError:
        return Item(where, problems=(("", "nested too deeply"),))
    if not isinstance(data, dict):
        return Item(where, problems=(("", "a declaration is a mapping of fields (pinggu-declaration/1)"),))
    return Item(where, data=data)


def inputs(paths: Sequence[Path], stdin: BinaryIO | None = None) -> Inputs:
    return Inputs(tuple(paths), stdin)

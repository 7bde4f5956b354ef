"""The shown atoms of a model read by clingo's raw symbol ids, never through ``clingo.Symbol`` objects.

A ``clingo.Symbol`` is a Python wrapper around a 64-bit id, and each of its
properties allocates cffi buffers and builds Python objects per call
(``arguments`` allocates twice and wraps every argument; ``type`` constructs
an Enum; hashing and comparing are a C call each). Reading a group's answer
through them cost half of a declaration's time. clingo interns its symbols,
so equal symbols have equal ids, and an id stays valid for the life of the
process: an id is a correct dictionary key, and each distinct symbol is read
once into a ``Term`` through the C library directly, with output buffers
allocated once per reader.

This uses clingo's private ``clingo._internal._lib``/``_ffi`` and a Symbol's
and a Model's ``_rep``; pyproject.toml pins clingo to the 5.8 series for
that reason, and ``tests/test_raw_read.py`` holds this reader equal to
``symbols.Reader`` (the public API) on every shown atom of generated groups.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

import clingo
from clingo import Symbol
from clingo._internal import _ffi, _handle_error, _lib

from .symbols import _CONST, _FUN, _INF, _NUM, _STR, _SUP, Term

_NUMBER: int = _lib.clingo_symbol_type_number
_STRING: int = _lib.clingo_symbol_type_string
_FUNCTION: int = _lib.clingo_symbol_type_function
_INFIMUM: int = _lib.clingo_symbol_type_infimum
_SHOWN: int = _lib.clingo_show_type_shown

_type = _lib.clingo_symbol_type


def _failed(ok: bool) -> None:
    # clingo's own error path: its message, as a RuntimeError (MemoryError on bad_alloc).
    _handle_error(ok)
    raise RuntimeError("clingo reported an error without a message")


def shown_ids(model: clingo.Model) -> list[int]:
    """The ids of the model's shown symbols (``model.symbols(shown=True)``), in clingo's order."""
    rep = model._rep
    size = _ffi.new("size_t*")
    if not _lib.clingo_model_symbols_size(rep, _SHOWN, size):
        _failed(False)
    count = size[0]
    if not count:
        return []
    out = _ffi.new("clingo_symbol_t[]", count)
    if not _lib.clingo_model_symbols(rep, _SHOWN, out, count):
        _failed(False)
    return _ffi.unpack(out, count)  # type: ignore[no-any-return]


def symbol(rep: int) -> Symbol:
    """The clingo Symbol of an id, for the calls that need one (looking atoms up in a Control)."""
    return Symbol(rep)  # type: ignore[call-arg]


class RawReader:
    """Reads symbol ids into Terms, each distinct id once; equal to ``symbols.Reader`` on Symbols."""

    def __init__(self) -> None:
        self._seen: dict[int, Term] = {}
        self._members: dict[int, int] = {}  # a member argument's id: its number (-1 for any other symbol)
        self._atoms: dict[int, tuple[int, str, list[int]]] = {}  # an atom's id: ``atom``'s reading
        self._stripped: dict[int, Term] = {}  # a member atom's id: its Term without the member
        self._args = _ffi.new("clingo_symbol_t**")
        self._size = _ffi.new("size_t*")
        self._chars = _ffi.new("char**")
        self._int = _ffi.new("int*")
        self._bool = _ffi.new("bool*")

    def arguments(self, rep: int) -> list[int]:
        """A function's argument ids (none for a constant); an error for any other symbol."""
        if not _lib.clingo_symbol_arguments(rep, self._args, self._size):
            _failed(False)
        count = self._size[0]
        return _ffi.unpack(self._args[0], count) if count else []  # type: ignore[no-any-return]

    def name(self, rep: int) -> str:
        if not _lib.clingo_symbol_name(rep, self._chars):
            _failed(False)
        return _ffi.string(self._chars[0]).decode()  # type: ignore[no-any-return]

    def number(self, rep: int) -> int:
        if not _lib.clingo_symbol_number(rep, self._int):
            _failed(False)
        return int(self._int[0])

    def _string(self, rep: int) -> str:
        if not _lib.clingo_symbol_string(rep, self._chars):
            _failed(False)
        return _ffi.string(self._chars[0]).decode()  # type: ignore[no-any-return]

    def _positive(self, rep: int) -> bool:
        if not _lib.clingo_symbol_is_positive(rep, self._bool):
            _failed(False)
        return bool(self._bool[0])

    def atom(self, rep: int, by_member: frozenset[tuple[str, int]]) -> tuple[int, str, list[int]]:
        """An atom's member, name and arguments after the member; the member -1 and every argument kept for
        an atom whose signature (without the member) is not in ``by_member`` or whose first argument is no number.

        Kept by id: a reader serves one grouped program (one ``by_member``)."""
        hit = self._atoms.get(rep)
        if hit is not None:
            return hit
        if not (_lib.clingo_symbol_arguments(rep, self._args, self._size) and _lib.clingo_symbol_name(rep, self._chars)):
            _failed(False)
        name: str = _ffi.string(self._chars[0]).decode()
        count = self._size[0]
        args: list[int] = _ffi.unpack(self._args[0], count) if count else []
        hit = (-1, name, args)
        if count and (name, count - 1) in by_member:
            first = args[0]
            member = self._members.get(first)
            if member is None:
                member = self._members[first] = self.number(first) if _type(first) == _NUMBER else -1
            if member >= 0:
                hit = (member, name, args[1:])
        self._atoms[rep] = hit
        return hit

    def stripped(self, reps: Iterable[int]) -> list[Term]:
        """Member atoms (each read by ``atom`` first) as Terms without their member argument."""
        seen, miss, atoms, cache = self._seen, self._miss, self._atoms, self._stripped
        out = []
        for rep in reps:
            hit = cache.get(rep)
            if hit is None:
                _, name, rest = atoms[rep]
                hit = cache[rep] = (
                    Term((_FUN, 0, len(rest), name, *[seen.get(a) or miss(a) for a in rest])) if rest
                    else Term((_CONST, 0, name))
                )
            out.append(hit)
        return out

    def read(self, rep: int) -> Term:
        return self._seen.get(rep) or self._miss(rep)  # a Term is never an empty tuple

    def _miss(self, rep: int) -> Term:
        kind = _type(rep)
        if kind == _NUMBER:
            out = Term((_NUM, self.number(rep)))
        elif kind == _STRING:
            out = Term((_STR, self._string(rep)))
        elif kind == _FUNCTION:
            args = self.arguments(rep)
            negative = 0 if self._positive(rep) else 1
            if args:
                seen, miss = self._seen, self._miss
                out = Term((_FUN, negative, len(args), self.name(rep), *[seen.get(a) or miss(a) for a in args]))
            else:
                out = Term((_CONST, negative, self.name(rep)))
        else:
            out = Term((_INF,) if kind == _INFIMUM else (_SUP,))
        self._seen[rep] = out
        return out

    def term(self, sym: Symbol) -> Term:
        """A clingo Symbol read by its id (``symbols.Reader.term``'s signature)."""
        return self.read(sym._rep)

    def size(self) -> int:
        return len(self._atoms) + len(self._seen)


# Atoms recur from group to group: member 7 of one group and member 7 of the next
# often derive the very same atom (a condition's status, a clause's basis), and an id
# means the same symbol for the life of the process. So a thread keeps one reader per
# grouped program across its groups: about half of a group's atoms are then known
# after a few groups. A reader that has kept READER_LIMIT atoms and terms is dropped
# for a new one, so a long-lived process (the service) stays flat. Per thread, because
# a reader's output buffers are its own.
READER_LIMIT = 150_000
_LOCAL = threading.local()


def shared_reader(by_member: frozenset[tuple[str, int]]) -> RawReader:
    """This thread's reader for a grouped program (``GroupedProgram.by_member``), new when the last grew too large."""
    readers: dict[frozenset[tuple[str, int]], RawReader] | None = getattr(_LOCAL, "readers", None)
    if readers is None:
        readers = _LOCAL.readers = {}
    reader = readers.get(by_member)
    if reader is None or reader.size() > READER_LIMIT:
        if reader is None and len(readers) >= 4:
            readers.clear()  # rulesets come and go (what-if, reforms): keep a few
        reader = readers[by_member] = RawReader()
    return reader


def forget_readers() -> None:
    """Drop this thread's readers: the next group starts from nothing (benchmarks that repeat a run)."""
    _LOCAL.readers = {}

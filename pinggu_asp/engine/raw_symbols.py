"""The shown atoms of a model read by clingo's raw symbol ids, never through ``clingo.Symbol`` objects.

A ``clingo.Symbol`` is a Python wrapper around a 64-bit id, and each of its
properties allocates cffi buffers and builds Python objects per call
(``arguments`` allocates twice and wraps every argument; ``type`` constructs
an Enum; hashing and comparing are a C call each). Reading a group's answer
through them cost half of a declaration's time. clingo interns its symbols,
so equal symbols have equal ids, and an id stays valid for the life of the
process: an id is a correct dictionary key, and each distinct symbol is read
once into a ``Term`` through the C library directly, with output buffers
allocated once per reader. A shown atom of a member is kept without its member
too (``RawReader.shown``), with its record (answer.py's), so that an atom any
member derived before is neither read again nor turned into a record again.

This uses clingo's private ``clingo._internal._lib``/``_ffi`` and a Symbol's
and a Model's ``_rep``; pyproject.toml pins clingo to the 5.8 series for
that reason, and ``tests/test_raw_read.py`` holds this reader equal to
``symbols.Reader`` (the public API) on every shown atom of generated groups.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

import clingo
from clingo import Symbol
from clingo._internal import _ffi, _handle_error, _lib

from .answer import maker
from .symbols import _CONST, _FUN, _INF, _NUM, _STR, _SUP, Term

_NUMBER: int = _lib.clingo_symbol_type_number
_STRING: int = _lib.clingo_symbol_type_string
_FUNCTION: int = _lib.clingo_symbol_type_function
_INFIMUM: int = _lib.clingo_symbol_type_infimum
_SHOWN: int = _lib.clingo_show_type_shown

_type = _lib.clingo_symbol_type
_arguments = _lib.clingo_symbol_arguments
_name = _lib.clingo_symbol_name
_is_positive = _lib.clingo_symbol_is_positive
_number = _lib.clingo_symbol_number


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


def signatures_named(atoms: clingo.SymbolicAtoms, names: Iterable[str]) -> list[tuple[str, int]]:
    """(name, arity) of each predicate signature of ``atoms`` (a Control's) whose name is one of ``names``.

    ``SymbolicAtoms.signatures`` decodes every signature's name through the
    wrappers (about 1.7 ms for a grounded declaration's few hundred); this
    compares the names' bytes and decodes none."""
    rep = atoms._rep  # type: ignore[attr-defined]
    size = _ffi.new("size_t*")
    if not _lib.clingo_symbolic_atoms_signatures_size(rep, size):
        _failed(False)
    count = size[0]
    sigs = _ffi.new("clingo_signature_t[]", count)
    if count and not _lib.clingo_symbolic_atoms_signatures(rep, sigs, count):
        _failed(False)
    wanted = {name.encode(): name for name in names}
    found: list[tuple[str, int]] = []
    for sig in _ffi.unpack(sigs, count):
        name = wanted.get(_ffi.string(_lib.clingo_signature_name(sig)))
        if name is not None:
            found.append((name, _lib.clingo_signature_arity(sig)))
    return found


def symbol(rep: int) -> Symbol:
    """The clingo Symbol of an id, for the calls that need one (looking atoms up in a Control)."""
    return Symbol(rep)  # type: ignore[call-arg]


# A shown atom read: its Term (a member's atom without the member argument) and its record
# (answer.py), or UNREAD where it has none (the error is raised where the record is wanted).
Entry = tuple[Term, Any]
# Whose a shown atom is, and under which key a member's answer lists it: (member, name) for a
# member's atom, (-2 - s, name) for parameter set s's, (SHARED, " " + name) for the group's.
Slot = tuple[int, str]
SHARED = -1
UNREAD: Any = object()


def set_slot(number: int) -> int:
    """The slot number of parameter set ``number``'s atoms."""
    return -2 - number


class RawReader:
    """Reads symbol ids into Terms, each distinct id once; equal to ``symbols.Reader`` on Symbols.

    A shown atom (``shown``) is kept twice: by its id, and without its member by its
    name and the ids of its other arguments. The id names the member, so it recurs
    only where the same member of another group derives the very same atom; the
    member-free key recurs across members and groups (about nine atoms in ten of
    a batch), and its Term and record are made once."""

    def __init__(self, by_member: frozenset[tuple[str, int]] = frozenset(),
                 parameters: frozenset[tuple[str, int]] = frozenset()) -> None:
        self.by_member = by_member  # the signatures (without the member) shown with a member or a set first
        self.parameters = parameters  # those of them shown with a parameter set first
        self.unread = 0  # entries made without a record
        self._seen: dict[int, Term] = {}
        self._members: dict[int, int] = {}  # a member argument's id: its number (-1 for any other symbol)
        self.hits: dict[int, tuple[Slot, Entry]] = {}  # a shown atom's id: its slot and entry
        self._entries: dict[tuple[Any, ...], Entry] = {}  # (name, *argument ids after the member): its entry
        # A name's char*: the name. clingo interns names and, like its symbols, never frees them (batch/run.py
        # WORKER_CHUNKS), so a pointer names one string for the life of the process, as an id one symbol.
        self._names: dict[Any, str] = {}
        self._slots: dict[Slot, Slot] = {}  # each slot once
        # A signature shown with a member or a set first, by its name and arity with that argument: whether a set's.
        self._kinds = {(name, arity + 1): (name, arity) in parameters for name, arity in by_member}
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

    def _member(self, rep: int) -> int:
        member = self._members.get(rep)
        if member is None:
            member = self._members[rep] = self.number(rep) if _type(rep) == _NUMBER else -1
        return member

    def shown(self, rep: int) -> tuple[Slot, Entry]:
        """A shown atom's slot and entry (``Slot``, ``Entry``); kept by its id, and its entry without its member."""
        hit = self.hits.get(rep)
        if hit is None:
            hit = self.shown_anew(rep)
        return hit

    def shown_anew(self, rep: int) -> tuple[Slot, Entry]:
        """``shown`` for an atom not yet kept by its id (``hits``)."""
        args, size, chars = self._args, self._size, self._chars
        if not (_arguments(rep, args, size) and _name(rep, chars)):
            _failed(False)
        count = size[0]
        name = self._names.get(chars[0])
        if name is None:
            name = self._name_of(chars[0])
        kind = self._kinds.get((name, count))
        entry: Entry | None = None
        if kind is not None:
            ids: list[Any] = _ffi.unpack(args[0], count)
            member = self._members.get(ids[0])
            if member is None:
                member = self._member(ids[0])
            if member >= 0:
                slot: Slot = (set_slot(member) if kind else member, name)
                ids[0] = name
                key = tuple(ids)
                entry = self._entries.get(key)
                if entry is None:
                    if count > 1:
                        seen, miss = self._seen, self._miss
                        term = Term((_FUN, 0, count - 1, name, *[seen.get(a) or miss(a) for a in ids[1:]]))
                    else:
                        term = Term((_CONST, 0, name))
                    entry = self._entries[key] = (term, self._record(name, term))
        if entry is None:
            slot = (SHARED, " " + name)
            term = self.read(rep)
            entry = (term, self._record(name, term))
        hit = self.hits[rep] = (self._slots.setdefault(slot, slot), entry)
        return hit

    def _name_of(self, pointer: Any) -> str:
        name: str = _ffi.string(pointer).decode()
        self._names[pointer] = name
        return name

    def _record(self, name: str, term: Term) -> Any:
        make = maker(name)
        if make is not None:
            try:
                return make(term)
            except Exception:  # noqa: BLE001 - raised again where the record is wanted (answer.read_records)
                pass
        self.unread += 1
        return UNREAD

    def read(self, rep: int) -> Term:
        return self._seen.get(rep) or self._miss(rep)  # a Term is never an empty tuple

    def _miss(self, rep: int) -> Term:
        kind = _type(rep)
        if kind == _FUNCTION:
            args, size, chars, positive = self._args, self._size, self._chars, self._bool
            if not (_arguments(rep, args, size) and _name(rep, chars) and _is_positive(rep, positive)):
                _failed(False)
            count = size[0]
            name = self._names.get(chars[0])
            if name is None:
                name = self._name_of(chars[0])
            negative = 0 if positive[0] else 1
            if count:
                seen, miss = self._seen, self._miss  # the ids are unpacked before any argument is read
                out = Term((_FUN, negative, count, name, *[seen.get(a) or miss(a) for a in _ffi.unpack(args[0], count)]))
            else:
                out = Term((_CONST, negative, name))
        elif kind == _NUMBER:
            if not _number(rep, self._int):
                _failed(False)
            out = Term((_NUM, int(self._int[0])))
        elif kind == _STRING:
            out = Term((_STR, self._string(rep)))
        else:
            out = Term((_INF,) if kind == _INFIMUM else (_SUP,))
        self._seen[rep] = out
        return out

    def term(self, sym: Symbol) -> Term:
        """A clingo Symbol read by its id (``symbols.Reader.term``'s signature)."""
        return self.read(sym._rep)

    def size(self) -> int:
        return len(self.hits) + len(self._entries) + len(self._seen)


# Atoms recur from group to group: member 7 of one group and member 7 of the next
# often derive the very same atom (a condition's status, a clause's basis), and any
# member's atom recurs without its member far more (``RawReader.shown``); an id means
# the same symbol for the life of the process. So a thread keeps one reader per
# grouped program across its groups. A reader that has kept READER_LIMIT atoms, entries
# and terms is dropped for a new one, so a long-lived process (the service) stays flat.
# Measured with tracemalloc on population declarations: about 165 bytes an element, so
# at most about 65 MB a reader, what the reader before entries took at 150,000; a batch
# worker's life (batch/run.py WORKER_CHUNKS, about 1,000 declarations: 200,000) fits.
# Per thread, because a reader's output buffers are its own.
READER_LIMIT = 400_000
_LOCAL = threading.local()


def shared_reader(by_member: frozenset[tuple[str, int]],
                  parameters: frozenset[tuple[str, int]] = frozenset()) -> RawReader:
    """This thread's reader for a grouped program (``GroupedProgram.by_member`` and ``.parameters``), new when
    the last grew too large."""
    readers: dict[tuple[frozenset[tuple[str, int]], ...], RawReader] | None = getattr(_LOCAL, "readers", None)
    if readers is None:
        readers = _LOCAL.readers = {}
    key = (by_member, parameters)
    reader = readers.get(key)
    if reader is None or reader.size() > READER_LIMIT:
        if reader is None and len(readers) >= 4:
            readers.clear()  # rulesets come and go (what-if, reforms): keep a few
        reader = readers[key] = RawReader(by_member, parameters)
    return reader


def forget_readers() -> None:
    """Drop this thread's readers: the next group starts from nothing (benchmarks that repeat a run)."""
    _LOCAL.readers = {}

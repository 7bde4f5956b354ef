"""The atoms of an answer set read once into Python values.

Every property of a ``clingo.Symbol`` is a call into the C library. Rendering a
result touches each atom's arguments several times (about 2,000 calls a
declaration), and those calls cost more than solving. So the shown atoms are
read once, right after the solve, into ``Term``s: tuples that hash, compare,
order and print exactly as clingo's symbols do (``tests/test_symbols.py``
holds this against clingo on every atom of generated results). Nothing is
decided here; a Term is only a cheaper copy of what the program derived.
"""

from __future__ import annotations

from collections.abc import Iterable

from clingo import Function, Infimum, Number, String, Supremum, Symbol, SymbolType

# The first element of a Term is its rank among clingo's symbol types, so that
# tuple order is clingo's order: #inf < numbers < constants (positive, then
# classically negated, each by name) < strings < functions with arguments
# (positive first, then by arity, name and arguments) < #sup.
_INF, _NUM, _CONST, _STR, _FUN, _SUP = 0, 1, 2, 4, 5, 7
_TYPES = {
    _INF: SymbolType.Infimum,
    _NUM: SymbolType.Number,
    _CONST: SymbolType.Function,
    _STR: SymbolType.String,
    _FUN: SymbolType.Function,
    _SUP: SymbolType.Supremum,
}


class Term(tuple):  # type: ignore[type-arg]
    """A symbol as a tuple: ``(rank, ...)``, with clingo's accessors.

    Layouts: number ``(1, n)``; constant ``(2, negative, name)``; string
    ``(4, s)``; function ``(5, negative, arity, name, *arguments)``.
    """

    __slots__ = ()

    @property
    def type(self) -> SymbolType:
        return _TYPES[self[0]]

    @property
    def name(self) -> str:
        rank = self[0]
        if rank == _FUN:
            return str(self[3])
        if rank == _CONST:
            return str(self[2])
        raise RuntimeError(f"{self} has no name")

    @property
    def arguments(self) -> tuple[Term, ...]:
        return self[4:] if self[0] == _FUN else ()  # type: ignore[return-value]

    @property
    def number(self) -> int:
        if self[0] != _NUM:
            raise RuntimeError(f"{self} is not a number")
        return int(self[1])

    @property
    def string(self) -> str:
        if self[0] != _STR:
            raise RuntimeError(f"{self} is not a string")
        return str(self[1])

    @property
    def positive(self) -> bool:
        return self[0] in (_CONST, _FUN) and not self[1]

    @property
    def negative(self) -> bool:
        return self[0] in (_CONST, _FUN) and bool(self[1])

    def __str__(self) -> str:
        rank = self[0]
        if rank == _NUM:
            return str(self[1])
        if rank == _STR:
            return '"' + self[1].replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"') + '"'
        if rank == _CONST:
            return ("-" if self[1] else "") + (self[2] or "()")
        if rank == _FUN:
            args = ",".join(str(arg) for arg in self[4:])
            tail = "," if self[3] == "" and self[2] == 1 else ""
            return ("-" if self[1] else "") + f"{self[3]}({args}{tail})"
        return "#inf" if rank == _INF else "#sup"

    def __repr__(self) -> str:
        return f"Term({self})"

    def symbol(self) -> Symbol:
        """The clingo symbol again (for callers that hand terms back to clingo)."""
        kind = self.type
        if kind == SymbolType.Number:
            return Number(self.number)
        if kind == SymbolType.String:
            return String(self.string)
        if kind == SymbolType.Function:
            return Function(self.name, [arg.symbol() for arg in self.arguments], self.positive)
        return Infimum if kind == SymbolType.Infimum else Supremum


def num(value: int) -> Term:
    return Term((_NUM, value))


def string(value: str) -> Term:
    return Term((_STR, value))


def fun(name: str, *arguments: Term, positive: bool = True) -> Term:
    if not arguments:
        return Term((_CONST, 0 if positive else 1, name))
    return Term((_FUN, 0 if positive else 1, len(arguments), name, *arguments))


class Reader:
    """Reads symbols into Terms, each distinct symbol once (symbols are shared a great deal)."""

    def __init__(self) -> None:
        self._seen: dict[Symbol, Term] = {}

    def term(self, sym: Symbol) -> Term:
        hit = self._seen.get(sym)
        if hit is not None:
            return hit
        kind = sym.type
        if kind == SymbolType.Number:
            out = Term((_NUM, sym.number))
        elif kind == SymbolType.String:
            out = Term((_STR, sym.string))
        elif kind == SymbolType.Function:
            args = sym.arguments
            negative = 0 if sym.positive else 1
            if args:
                out = Term((_FUN, negative, len(args), sym.name, *(self.term(arg) for arg in args)))
            else:
                out = Term((_CONST, negative, sym.name))
        else:
            out = Term((_INF,) if kind == SymbolType.Infimum else (_SUP,))
        self._seen[sym] = out
        return out

    def terms(self, symbols: Iterable[Symbol]) -> list[Term]:
        return [self.term(sym) for sym in symbols]

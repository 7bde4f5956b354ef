"""The answer read by clingo's raw symbol ids (pinggu_asp/engine/raw_symbols.py) equals the public API's reading.

raw_symbols reads through clingo's private cffi layer (pinned to clingo 5.8 in
pyproject.toml). These tests hold it equal to ``symbols.Reader`` over
``clingo.Symbol``s, and ``_Group``'s reading of a solved group equal to a
reading of ``model.symbols(shown=True)`` through the public API only, on groups
of generated declarations (every clause, boundaries, 10^10-10^11 yuan,
conflicts) and of declarations with hostile text everywhere.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import clingo
import pytest
from clingo import Function, Infimum, Number, String, Supremum, Symbol, Tuple_
from hypothesis import given, settings
from hypothesis import strategies as st
from test_injection import EVIL, HOSTILE_IDS
from test_injection import declaration as hostile_declaration

from pinggu_asp.declaration import Declaration
from pinggu_asp.engine import answer, raw_symbols, solve
from pinggu_asp.engine.grouping import MEMBER_PARAMETERS
from pinggu_asp.engine.raw_symbols import RawReader, shown_ids
from pinggu_asp.engine.symbols import Reader, Term, fun
from pinggu_asp.loading import declaration_from_data
from support import ruleset

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from population import valid_declarations  # noqa: E402

_leaves = st.one_of(
    st.integers(min_value=-(2**31), max_value=2**31 - 1).map(Number),
    st.text(max_size=6).map(String),
    st.sampled_from([*HOSTILE_IDS, "", "平谷区"]).map(String),
    st.tuples(st.sampled_from(["a", "b", "art3", "平谷"]), st.booleans()).map(lambda p: Function(p[0], [], p[1])),
    st.just(Function("")),
    st.sampled_from([Infimum, Supremum]),
)
_symbols = st.recursive(
    _leaves,
    lambda inner: st.one_of(
        st.tuples(st.sampled_from(["f", "g", "平谷"]), st.lists(inner, min_size=1, max_size=3), st.booleans()).map(
            lambda p: Function(p[0], p[1], p[2])),
        st.lists(inner, min_size=1, max_size=3).map(Tuple_),
    ),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_symbols, min_size=1, max_size=6))
def test_raw_reader_reads_as_the_public_reader(syms: list[Symbol]) -> None:
    raw, public = RawReader(), Reader()
    for sym in syms:
        assert raw.read(sym._rep) == public.term(sym)
        assert raw.term(sym) == public.term(sym)
        assert str(raw.read(sym._rep)) == str(sym)


def test_an_id_is_the_symbol() -> None:
    """clingo interns its symbols: equal symbols built apart have one id, so an id is a correct cache key."""
    a = Function("executed", [String('x"). #show.'), Number(-(2**31))])
    b = Function("executed", [String('x"). #show.'), Number(-(2**31))])
    assert a._rep == b._rep
    assert Function("executed", [String("x"), Number(1)])._rep != a._rep
    assert RawReader().read(a._rep) == fun("executed", Term((4, 'x"). #show.')), Term((1, -(2**31))))


def test_a_clingo_error_is_raised_never_read_as_a_value() -> None:
    reader = RawReader()
    with pytest.raises(RuntimeError):
        reader.name(Number(3)._rep)
    with pytest.raises(RuntimeError):
        reader.number(String("3")._rep)
    with pytest.raises(RuntimeError):
        reader.arguments(Number(3)._rep)


def _public_atoms(symbols: Sequence[Symbol], count: int, dependent: frozenset[tuple[str, int]],
                  parameters: frozenset[tuple[str, int]], sets: dict[int, int]) -> list[dict[str, list[Term]]]:
    """Each member's atoms read through the public API only: the member argument dropped, the group's shared kept,
    and its parameter set's atoms (shown once, with the set first) under each member of the set."""
    reader = Reader()
    members: list[dict[str, list[Term]]] = [defaultdict(list) for _ in range(count)]
    shared: list[tuple[str, Term]] = []
    for sym in symbols:
        args = sym.arguments
        if args and (sym.name, len(args) - 1) in parameters:
            for member in range(count):
                if sets[member] == args[0].number:
                    members[member][sym.name].append(fun(sym.name, *reader.terms(args[1:])))
        elif args and (sym.name, len(args) - 1) in dependent and args[0].type == clingo.SymbolType.Number:
            members[args[0].number][sym.name].append(fun(sym.name, *reader.terms(args[1:])))
        else:
            shared.append((sym.name, reader.term(sym)))
    for out in members:
        for name, term in shared:
            out[name].append(term)
    return [{name: sorted(items) for name, items in out.items()} for out in members]


def _check_group(decls: list[Declaration]) -> int:
    """Solve one group; its shown atoms read raw (``_Group``) and through the public API must be the same."""
    rules = ruleset()
    grouped = rules.grouped()
    group, _ = solve.ground_group(grouped, solve.group_members(decls, rules))
    both: list[tuple[list[Symbol], list[int]]] = []

    def on_model(model: clingo.Model) -> bool:
        both[:] = [(list(model.symbols(shown=True)), shown_ids(model))]
        return True

    group.ctl.configuration.solve.opt_mode = "opt"  # type: ignore[union-attr]
    group.ctl.solve(assumptions=group._open(range(len(decls))), on_model=on_model)  # type: ignore[call-overload]
    ((symbols, ids),) = both
    assert [sym._rep for sym in symbols] == ids
    raw, public = RawReader(), Reader()
    assert [raw.read(i) for i in ids] == public.terms(symbols)
    # Every ground atom besides the shown ones: the money limbs, the parameters, the declared text.
    grounded = [atom.symbol for atom in group.ctl.symbolic_atoms]
    assert [raw.read(sym._rep) for sym in grounded] == public.terms(grounded)
    sets = {sym.arguments[0].number: sym.arguments[1].number
            for sym in (atom.symbol for atom in group.ctl.symbolic_atoms.by_signature(MEMBER_PARAMETERS, 2))}
    public_atoms = _public_atoms(symbols, len(decls), grouped.dependent, grouped.parameters, sets)
    for index, split in enumerate(group.split(ids, range(len(decls)))):
        assert group.atoms(split) == public_atoms[index], index
    # Read again from the group's caches (a member's later answer sets share most atoms): the same.
    assert group.atoms(group.split(ids, [0])[0]) == public_atoms[0]
    return len(ids)


def test_a_population_group_reads_as_the_public_api() -> None:
    """Generated declarations (every clause, boundaries, 10^10-10^11 yuan, conflicts), in groups of 32."""
    decls = valid_declarations(96, 8)
    shown = sum(_check_group(decls[start : start + 32]) for start in range(0, len(decls), 32))
    assert shown > 10_000


def test_hostile_text_reads_as_the_public_api() -> None:
    decls = [declaration_from_data(hostile_declaration(text)) for text in EVIL]
    assert _check_group(decls) > 0


def test_the_records_read_with_the_atoms_are_those_of_the_atoms() -> None:
    """Derived.records (made once per atom by the reader) equal answer.read_records of the same atoms, and
    answer.read takes them."""
    decls = valid_declarations(64, 8)
    raw_symbols.forget_readers()
    decided = [d for d in solve.solve_many(decls[:32], ruleset()) + solve.solve_many(decls[32:], ruleset())
               if not isinstance(d, solve.EngineError)]
    assert len(decided) > 50 and sum(bool(d.atoms.get("component")) for d in decided) > 0
    for derived in decided:
        assert derived.records is not None
        assert derived.records == answer.read_records(derived.atoms)
        read = answer.read(derived).by_name
        assert read == derived.records and all(read[name] is not derived.records[name] for name in read)


def test_one_entry_per_atom_whichever_member_derives_it() -> None:
    """Two members with the same declaration derive the same atoms under different ids (the member is an
    argument); the reader makes each atom's Term and record once, and both read as the declaration alone."""
    rules = ruleset()
    decl = valid_declarations(1, 3)[0]
    raw_symbols.forget_readers()
    alone = solve.solve_many([decl], rules)[0]
    raw_symbols.forget_readers()
    both = solve.solve_many([decl, decl], rules)
    assert not isinstance(alone, solve.EngineError)
    for derived in both:
        assert not isinstance(derived, solve.EngineError)
        assert derived.atoms == alone.atoms and derived.records == alone.records
    grouped = rules.grouped()
    reader = raw_symbols.shared_reader(grouped.by_member, grouped.parameters)
    by_member: dict[int, dict[Term, object]] = defaultdict(dict)
    for (number, _), entry in reader.hits.values():
        if number >= 0:
            by_member[number][entry[0]] = entry
    assert set(by_member) == {0, 1} and by_member[0].keys() == by_member[1].keys()
    assert all(by_member[0][term] is by_member[1][term] for term in by_member[0])


def test_an_atom_without_a_record_is_read_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the reader cannot make an atom's record, the member has no records: answer.read reads its Terms
    and raises the error it always raised, never a partial answer."""
    decl = valid_declarations(1, 3)[0]
    raw_symbols.forget_readers()
    monkeypatch.delitem(answer._MAKERS, "val")
    try:
        (derived,) = solve.solve_many([decl], ruleset())
    finally:
        raw_symbols.forget_readers()  # its entries lack records: no later test may read them
    assert not isinstance(derived, solve.EngineError)
    assert derived.atoms["val"] and derived.records is None
    with pytest.raises(KeyError):
        answer.read(derived)

"""Terms (pinggu_asp/engine/symbols.py) hash, compare, order and print exactly as clingo's symbols do.

Results are rendered from Terms, so any difference from clingo here would
change an order or a printed key in the JSON; these tests hold both on
synthetic symbols (hypothesis) and on every atom of real results.
"""

from __future__ import annotations

import sys
from itertools import combinations
from pathlib import Path

import clingo
import yaml
from clingo import Function, Infimum, Number, String, Supremum, Symbol
from hypothesis import given, settings
from hypothesis import strategies as st

from pinggu_asp.engine.solve import solve_many
from pinggu_asp.engine.symbols import Reader, Term, fun, num, string
from pinggu_asp.loading import declaration_from_data
from support import ruleset

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from generate import valid_declarations  # noqa: E402

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "declaration.yaml"


names = st.sampled_from(["", "a", "aa", "b", "z", "art3", "平谷", "x_1"])
leaves = st.one_of(
    st.integers(min_value=-(2**31), max_value=2**31 - 1).map(Number),
    st.text(max_size=6).map(String),
    st.sampled_from(['x"). #show.', "a\nb", "\\", "平谷区", ""]).map(String),
    st.tuples(names.filter(bool), st.booleans()).map(lambda p: Function(p[0], [], p[1])),
    st.just(Function("")),
    st.sampled_from([Infimum, Supremum]),
)


def _function(children: st.SearchStrategy[list[Symbol]]) -> st.SearchStrategy[Symbol]:
    def build(parts: tuple[str, list[Symbol], bool]) -> Symbol:
        name, args, positive = parts
        return Function(name, args, positive or name == "")  # tuples carry no sign

    return st.tuples(names, children, st.booleans()).map(build)


symbols = st.recursive(leaves, lambda inner: _function(st.lists(inner, min_size=1, max_size=3)), max_leaves=8)


@settings(max_examples=400, deadline=None)
@given(st.lists(symbols, min_size=2, max_size=6))
def test_terms_order_compare_and_print_as_clingo(syms: list[Symbol]) -> None:
    reader = Reader()
    terms = reader.terms(syms)
    for sym, term in zip(syms, terms, strict=True):
        assert str(term) == str(sym)
        assert term.symbol() == sym
    for (a, ta), (b, tb) in combinations(zip(syms, terms, strict=True), 2):
        assert (ta < tb) == (a < b), (a, b)
        assert (ta == tb) == (a == b), (a, b)
        assert (hash(ta) == hash(tb)) or ta != tb
    assert [reader.term(s) for s in sorted(syms)] == sorted(terms)


def test_built_terms_equal_read_ones() -> None:
    reader = Reader()
    assert reader.term(Function("other_support", [Number(3)])) == fun("other_support", num(3))
    assert reader.term(Function("executed", [String("o-1"), Number(2025)])) == fun("executed", string("o-1"), num(2025))
    assert reader.term(Function("tiebreak")) == fun("tiebreak")
    assert reader.term(Function("a", [], False)) == fun("a", positive=False)
    assert fun("x", num(1)) != fun("x", num(2))


def test_every_atom_of_real_results_reads_back_exactly() -> None:
    decls = [declaration_from_data(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")))]
    decls += list(valid_declarations(24, seed=11))
    for derived in solve_many(decls, ruleset()):
        assert not isinstance(derived, Exception)
        for name, atoms in derived.atoms.items():
            originals = [term.symbol() for term in atoms]
            assert all(str(o) == str(t) for o, t in zip(originals, atoms, strict=True)), name
            # _group sorted the Terms; clingo sorts the same symbols the same way.
            assert originals == sorted(originals), name
        assert all(isinstance(c, Term) for c in derived.chosen)


def test_clingo_version_is_the_one_whose_order_this_mirrors() -> None:
    # The order mirrored above is clingo 5's; a major version may change it.
    assert clingo.__version__.startswith("5.")

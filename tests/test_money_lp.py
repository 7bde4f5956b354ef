"""money.lp against Python's big integers: every derived key is exact, or flagged money_overflow.

clingo's integers are 32-bit and wrap silently; money.lp computes on six base-10^4 limbs.
A tiny program loads money.lp, adds val/2 facts through the symbol API (facts.money()),
asks for derived keys with want/1, and the values are compared with Python ints.
Declared amounts go up to 10^17 fen (10^15 yuan), factors up to 100,000.
"""

from __future__ import annotations

import clingo
from clingo import Function, Number
from hypothesis import given, settings
from hypothesis import strategies as st

from pinggu_asp.engine.facts import money
from pinggu_asp.engine.terms import limbs
from pinggu_asp.money import LIMB_BASE, LIMBS
from pinggu_asp.policy.rules_files import rules_dir

MAX_FEN = 10**17
LIMIT = LIMB_BASE**LIMBS  # the first value six limbs cannot hold
fen = st.integers(min_value=0, max_value=MAX_FEN)
wide = st.integers(min_value=0, max_value=LIMIT - 1)
factor = st.integers(min_value=0, max_value=100_000)
divisor = st.integers(min_value=1, max_value=100_000)

A, B = Function("a"), Function("b")


def run(values: dict[clingo.Symbol, int], wants: list[clingo.Symbol], extra: list[clingo.Symbol] = ()):
    """Derived val/2 (as fen) and money_overflow/1 of a program with money.lp only."""
    messages: list[str] = []
    ctl = clingo.Control(["--warn=none"], logger=lambda code, msg: messages.append(msg))
    ctl.load(str(rules_dir() / "money.lp"))
    ctl.add("base", [], "#defined val/2. #show val/2. #show money_overflow/1.")
    with ctl.backend() as backend:
        for key, value in values.items():
            # As pinggu_asp.engine.facts does: a declared amount is both val/2 and declared/2.
            backend.add_rule([backend.add_atom(Function("val", [key, money(value)]))])
            backend.add_rule([backend.add_atom(Function("declared", [key, money(value)]))])
        for key in wants:
            backend.add_rule([backend.add_atom(Function("want", [key]))])
        for fact in extra:
            backend.add_rule([backend.add_atom(fact)])
    ctl.ground([("base", [])])
    models = []
    ctl.solve(on_model=lambda m: models.append(m.symbols(shown=True)))
    assert len(models) == 1, messages
    vals: dict[clingo.Symbol, list[int]] = {}
    overflow = set()
    for sym in models[0]:
        if sym.name == "val":
            vals.setdefault(sym.arguments[0], []).append(limbs(sym.arguments[1]))
        else:
            overflow.add(sym.arguments[0])
    return vals, overflow


def one(vals, key):
    """The single value of key (a key with two values would be a bug in money.lp)."""
    assert key in vals, f"no value derived for {key}"
    assert len(vals[key]) == 1, f"{key} has several values {vals[key]}"
    return vals[key][0]


SETTINGS = settings(max_examples=40, deadline=None)


@SETTINGS
@given(a=fen, n=factor)
def test_times(a, n):
    key = Function("times", [A, Number(n)])
    vals, overflow = run({A: a}, [key])
    assert one(vals, key) == a * n and not overflow


@SETTINGS
@given(a=wide, n=factor)
def test_times_overflow_is_flagged_not_wrapped(a, n):
    key = Function("times", [A, Number(n)])
    vals, overflow = run({A: a}, [key])
    if a * n < LIMIT:
        assert one(vals, key) == a * n and not overflow
    else:
        assert key not in vals and key in overflow


def test_times_beyond_max_factor_is_overflow():
    key = Function("times", [A, Number(100_001)])
    vals, overflow = run({A: 5}, [key])
    assert key not in vals and key in overflow


@SETTINGS
@given(a=wide, n=divisor)
def test_div_floors(a, n):
    key = Function("div", [A, Number(n)])
    vals, overflow = run({A: a}, [key])
    assert one(vals, key) == a // n and not overflow


def test_div_by_zero_or_too_large_is_overflow():
    zero, big = Function("div", [A, Number(0)]), Function("div", [A, Number(100_001)])
    vals, overflow = run({A: 7}, [zero, big])
    assert zero not in vals and big not in vals
    assert {zero, big} <= overflow


@SETTINGS
@given(a=wide, n=divisor)
def test_floor_to(a, n):
    key = Function("floor_to", [A, Number(n)])
    vals, overflow = run({A: a}, [key])
    assert one(vals, key) == a // n * n and not overflow


def test_floor_to_by_a_unit_out_of_range_is_overflow():
    """floor_to is computed in one rule (no div/2 value of its own), yet refuses a unit as the division would."""
    zero, big = Function("floor_to", [A, Number(0)]), Function("floor_to", [A, Number(100_001)])
    vals, overflow = run({A: 7}, [zero, big])
    assert zero not in vals and big not in vals
    assert {Function("div", [A, Number(0)]), Function("div", [A, Number(100_001)])} <= overflow


@SETTINGS
@given(a=fen, b=fen, n=divisor)
def test_ceil_and_shortfall_as_the_growth_gap_wants_them(a, b, n):
    """want_ceil_short(A, N, B): the value of div(plus(A, fen(N-1)), N), which is ⌈A / N⌉, and of
    minus(that, B), under the same keys as the generic operations give, which agree when wanted too."""
    need = Function("div", [Function("plus", [A, Function("fen", [Number(n - 1)])]), Number(n)])
    short = Function("minus", [need, B])
    demand = Function("want_ceil_short", [A, Number(n), B])
    ceil = -(-a // n)
    for wants, extra in (([], [demand]), ([short], [demand])):
        vals, overflow = run({A: a, B: b}, wants, extra)
        assert one(vals, need) == ceil and not overflow
        if ceil >= b:
            assert one(vals, short) == ceil - b
        else:
            assert short not in vals
    # Alone, the demand grounds neither the sum nor fen(N-1) as a key of its own.
    vals, _ = run({A: a, B: b}, [], [demand])
    assert not any(key.name in ("plus", "fen") for key in vals)


def test_ceil_by_a_divisor_out_of_range_is_overflow():
    big = Function("div", [Function("plus", [A, Function("fen", [Number(100_000)])]), Number(100_001)])
    vals, overflow = run({A: 7, B: 1}, [], [Function("want_ceil_short", [A, Number(100_001), B])])
    assert big not in vals and big in overflow


def test_floor_to_one_fen_either_side_of_a_multiple_at_10_11_yuan():
    """第十七条's 1,000 yuan (100,000 fen) at 10^11 yuan: one fen below a multiple floors to the one before."""
    unit = 100_000
    multiple = 10**8 * unit  # 10^11 yuan in fen, far past 2^31
    keys = {Function("floor_to", [Function("a", [Number(i)]), Number(unit)]): v
            for i, v in enumerate((multiple - 1, multiple, multiple + 1))}
    values = {key.arguments[0]: v for key, v in keys.items()}
    vals, overflow = run(values, list(keys))
    assert [one(vals, key) for key in keys] == [multiple - unit, multiple, multiple]
    assert not overflow
    # Only the floored amount is grounded: no value of the intermediate quotient or product.
    assert not any(key.name in ("div", "times") for key in vals)


def test_a_parameter_has_a_value_only_where_it_is_wanted():
    """val(param(N)) is derived per member, so only for the parameters a rule or the result reads."""
    wanted, unread = Function("param", [Function("p1")]), Function("param", [Function("p2")])
    params = [Function("param_money", [Function(n), money(v)]) for n, v in (("p1", 500), ("p2", 700))]
    vals, _ = run({}, [wanted], params)
    assert one(vals, wanted) == 500 and unread not in vals


@SETTINGS
@given(a=wide, b=wide)
def test_minus_monus_min(a, b):
    minus, monus, least = (Function(op, [A, B]) for op in ("minus", "monus", "min"))
    vals, overflow = run({A: a, B: b}, [minus, monus, least])
    if a >= b:
        assert one(vals, minus) == a - b
    else:
        assert minus not in vals  # negative money is undefined, never wrapped
    assert one(vals, monus) == max(a - b, 0)
    assert one(vals, least) == min(a, b)
    assert not overflow


@SETTINGS
@given(a=wide, b=wide)
def test_plus(a, b):
    key = Function("plus", [A, B])
    vals, overflow = run({A: a, B: b}, [key])
    if a + b < LIMIT:
        assert one(vals, key) == a + b and not overflow
    else:
        assert key not in vals and key in overflow


@SETTINGS
@given(items=st.lists(wide, min_size=0, max_size=12))
def test_sum(items):
    keys = [Function("k", [Number(i)]) for i in range(len(items))]
    group = Function("g")
    members = [Function("member", [group, k]) for k in keys]
    key = Function("sum", [group])
    vals, overflow = run(dict(zip(keys, items, strict=False)), [key], members)
    total = sum(items)
    if total < LIMIT:
        assert one(vals, key) == total and not overflow
    else:
        assert key not in vals and key in overflow


@SETTINGS
@given(items=st.lists(fen, min_size=1, max_size=12))
def test_sum_of_declared_amounts(items):
    keys = [Function("k", [Number(i)]) for i in range(len(items))]
    group = Function("g")
    key = Function("sum", [group])
    vals, _ = run(dict(zip(keys, items, strict=False)), [key], [Function("member", [group, k]) for k in keys])
    assert one(vals, key) == sum(items)


@SETTINGS
@given(a=fen, b=fen, n=factor, d=divisor)
def test_nested_keys(a, b, n, d):
    """The shape the articles use: min(div(times(minus(a, b), n), d), b) and a growth comparison."""
    key = Function("min", [Function("div", [Function("times", [Function("minus", [A, B]), Number(n)]), Number(d)]), B])
    vals, overflow = run({A: a, B: b}, [key])
    if a >= b:
        assert one(vals, key) == min((a - b) * n // d, b)
    else:
        assert key not in vals
    assert not overflow


@SETTINGS
@given(a=fen, b=fen)
def test_comparison_of_values_is_numeric(a, b):
    """Six-limb tuples compare lexicographically, which is the numeric order."""
    assert (money(a) < money(b)) == (a < b)
    assert (money(a) == money(b)) == (a == b)


def test_fen_constant():
    key = Function("fen", [Number(12_345_678)])
    vals, _ = run({}, [key])
    assert one(vals, key) == 12_345_678


def test_32_bit_wrap_is_what_money_lp_avoids():
    """The hazard itself: plain clingo arithmetic wraps 2,000,000,000 x 2 to a negative number."""
    ctl = clingo.Control(["--warn=none"])
    ctl.add("base", [], "x(2000000000*2).")
    ctl.ground([("base", [])])
    models = []
    ctl.solve(on_model=lambda m: models.append(m.symbols(atoms=True)))
    assert models[0][0].arguments[0].number == -294967296
    vals, _ = run({A: 2_000_000_000}, [Function("times", [A, Number(2)])])
    assert one(vals, Function("times", [A, Number(2)])) == 4_000_000_000


@SETTINGS
@given(cases=st.lists(st.tuples(wide, wide, factor, divisor), min_size=1, max_size=25))
def test_every_operation_batched(cases):
    """Many values in one program: every operation on every pair, compared with Python."""
    values, wants, expect = {}, [], {}
    for i, (a, b, n, d) in enumerate(cases):
        ka, kb = Function("a", [Number(i)]), Function("b", [Number(i)])
        values[ka], values[kb] = a, b
        ops = {
            Function("times", [ka, Number(n)]): a * n,
            Function("div", [ka, Number(d)]): a // d,
            Function("floor_to", [ka, Number(d)]): a // d * d,
            Function("minus", [ka, kb]): a - b if a >= b else None,
            Function("monus", [ka, kb]): max(a - b, 0),
            Function("plus", [ka, kb]): a + b,
            Function("min", [ka, kb]): min(a, b),
        }
        wants += list(ops)
        expect.update(ops)
    vals, overflow = run(values, wants)
    for key, value in expect.items():
        if value is None:
            assert key not in vals and key not in overflow
        elif value >= LIMIT:
            assert key not in vals and key in overflow, key
        else:
            assert one(vals, key) == value, key
            assert key not in overflow

"""第十八条 "从优不重复" (SPEC §4.2): clingo's optimum equals an exhaustive search.

On small random conflict graphs (this measure's awards resting on one or more
basis keys, some pairs allowed to stack, and competing support under other
Pinggu policies), the real select.lp, run by the engine's own selection
(pinggu_asp.engine.solve.decide_group), must:
- choose a conflict-free set with the largest total benefit, then the most
  paid by this measure, each summed exactly (weights may pass 2^31 in sum);
- choose the set the fixed candidate order prefers, whatever the seed;
- list as alternatives exactly the other optimal sets, never the chosen one,
  in a fixed order;
- mark every unchosen award superseded by the chosen candidates it conflicts
  with, and advise taking the other policy where one of those is the winner.
Expected: every generated graph agrees with the brute force.
"""

from __future__ import annotations

from itertools import combinations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pinggu_asp.engine.solve import ALTERNATIVES_LIMIT
from selection_harness import (
    Award,
    Other,
    Problem,
    award_sym,
    brute_force,
    candidates,
    conflicts,
    other_sym,
    run_select,
    score,
    tiebreak_choice,
)

YUAN = 100
THOUSAND = 1000 * YUAN

# Few distinct amounts make ties common, as they are in real declarations.
_award_fen = st.one_of(
    st.sampled_from([10, 20, 30, 50, 300, 500]).map(lambda k: k * THOUSAND),
    st.integers(min_value=10, max_value=10_000).map(lambda k: k * THOUSAND),
)
_other_fen = st.one_of(
    st.just(0),
    st.sampled_from([10, 20, 30, 50, 300, 500]).map(lambda k: k * THOUSAND),
    st.integers(min_value=1, max_value=3_000_000 * YUAN),
    # Near the 32-bit limit per weight (unit 1 fen): several of these pass 2^31 in sum.
    st.integers(min_value=2_000_000_000, max_value=2**31 - 1),
)


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    n_bases = draw(st.integers(min_value=1, max_value=4))
    basis = st.integers(min_value=0, max_value=n_bases - 1)
    awards = draw(
        st.lists(
            st.builds(Award, clause=st.just(0), bases=st.lists(basis, min_size=1, max_size=2, unique=True).map(tuple),
                      fen=_award_fen),
            min_size=0,
            max_size=6,
        )
    )
    awards = [Award(i, a.bases, a.fen) for i, a in enumerate(awards)]
    others = draw(st.lists(st.builds(Other, bases=basis, fen=_other_fen), max_size=3))
    pairs = [p for p in combinations(range(len(awards)), 2)]
    stack_pairs = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=3)) if pairs else []
    return Problem(awards, others, stack_pairs)


def _check(problem: Problem) -> None:
    outcome = run_select(problem)
    assert [m for m in outcome.messages if "show.lp" not in m] == []
    best, optimal = brute_force(problem)
    cands = candidates(problem)

    # The chosen set: conflict-free, optimal, and the one the fixed order prefers.
    assert set(outcome.chosen) <= set(cands)
    assert not any(conflicts(problem, x, y) for x, y in combinations(outcome.chosen, 2))
    assert score(problem, outcome.chosen) == best
    assert outcome.chosen == tiebreak_choice(problem, optimal)

    # Alternatives: exactly the other optimal sets, in a fixed order.
    assert outcome.chosen not in outcome.alternatives
    assert outcome.alternatives == sorted(outcome.alternatives, key=sorted)
    rest = sorted(set(optimal) - {outcome.chosen}, key=sorted)
    assert len(rest) == len(optimal) - 1
    assert outcome.truncated == (len(rest) > ALTERNATIVES_LIMIT)
    # Cut or not, the listed ones are the first of all the others in the fixed order.
    assert outcome.alternatives == rest[:ALTERNATIVES_LIMIT]

    # Statuses, what beat each superseded award, and the advice.
    status = {(a.arguments[0], a.arguments[1]): a.arguments[2].name for a in outcome.atoms.get("status", [])}
    superseded_by: dict[object, set] = {}
    for atom in outcome.atoms.get("superseded_by", []):
        superseded_by.setdefault(award_sym(atom.arguments[0].arguments[0].number), set()).add(atom.arguments[2])
    advice = {(a.arguments[0].arguments[0].number, a.arguments[1]) for a in outcome.atoms.get("advice", [])}
    expected_advice = set()
    for i, _ in enumerate(problem.awards):
        x = award_sym(i)
        winners = {y for y in outcome.chosen if conflicts(problem, x, y)}
        if x in outcome.chosen:
            assert status[(x.arguments[0], x.arguments[1])] == "granted"
            assert x not in superseded_by
        else:
            assert status[(x.arguments[0], x.arguments[1])] == "superseded"
            # Every positive-weight candidate left out is beaten by some chosen one.
            assert winners and superseded_by[x] == winners
            expected_advice |= {(y.arguments[0].number, x) for y in winners if y.name == "other"}
    assert advice == expected_advice
    for j, other in enumerate(problem.others):
        if other.fen == 0:
            assert other_sym(j) not in outcome.chosen  # 0 yuan is no benefit, never a candidate

    # Deterministic: the same set and alternatives whatever the solver's seed.
    for seed in (1, 12345):
        again = run_select(problem, seed=seed)
        assert again.chosen == outcome.chosen
        assert again.alternatives == outcome.alternatives


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_select_matches_brute_force(problem: Problem) -> None:
    _check(problem)


def test_many_optimal_sets_are_truncated_not_wrong() -> None:
    """Six independent ties of two equal awards: 64 optimal sets, more than the limit lists."""
    awards = [Award(2 * k + d, (k,), 20 * THOUSAND) for k in range(6) for d in range(2)]
    problem = Problem(awards)
    _, optimal = brute_force(problem)
    assert len(optimal) == 64
    _check(problem)


def test_weights_summing_past_2_31() -> None:
    """Weight unit 1 fen: the sets compared are worth more than 2^32 fen, decided by one fen."""
    problem = Problem(
        awards=[Award(0, (0,), 1_000_000_000)],  # 10,000,000 yuan
        others=[
            Other(0, 1_000_000_001),  # 10,000,000.01 yuan on the same basis: wins by 1 fen
            Other(1, 2_147_483_000),
            Other(2, 2_147_483_000),
        ],
    )
    assert problem.weight_unit() == 1
    best, _ = brute_force(problem)
    assert best[0] > 2**32
    outcome = run_select(problem)
    assert outcome.chosen == {other_sym(0), other_sym(1), other_sym(2)}
    assert outcome.alternatives == []
    assert score(problem, outcome.chosen) == (1_000_000_001 + 2 * 2_147_483_000, 0)

"""A summary-only batch decides with the program cut to what a digest reads (engine/pruning.py), and the digests stay the same."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

import clingo
import pytest
from clingo import ast

from pinggu_asp.engine.pruning import check_split, heads, prune, reads

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

TOY = """
a(1). a(2).
b(X) :- a(X), not c(X).
c(X) :- a(X), X > 1.
d(X) :- b(X).
e(X) :- d(X), f(X).
f(X) :- g(X).
g(1).
h(X) | k(X) :- a(X).
m(X) :- k(X).
:- b(X), n(X).
n(3).
{ p(X) : a(X) }.
:~ p(X). [1@1, X]
q(X) :- p(X), r(X).
r(X) :- a(X).
#show d/1.
#show e/1.
#show h/1.
#show q/1.
"""


def _parse(text: str) -> list[ast.AST]:
    out: list[ast.AST] = []
    ast.parse_string(text, out.append)
    return out


def _models(statements: list[ast.AST], shown: set[str] | None = None) -> list[frozenset[str]]:
    """The optimal answer sets, as the shown atoms (only those named in ``shown``), sorted."""
    ctl = clingo.Control(["--models=0", "--opt-mode=optN"])
    with ast.ProgramBuilder(ctl) as builder:
        for stm in statements:
            builder.add(stm)
    ctl.ground([("base", [])])
    found: list[frozenset[str]] = []
    ctl.solve(on_model=lambda m: found.append(frozenset(
        str(s) for s in m.symbols(shown=True) if shown is None or s.name in shown)) if m.optimality_proven else None)
    return sorted(set(found), key=sorted)


def test_pruning_keeps_what_the_wanted_and_the_constraints_rest_on_and_drops_the_rest() -> None:
    statements = _parse(TOY)
    kept, splitting = prune(statements, {("d", 1)})
    printed = {str(stm) for stm in kept}
    # d rests on b, b on a and (through negation) on c; the constraint reads b and n; the choice and its optimisation stay.
    assert {("d", 1), ("b", 1), ("a", 1), ("c", 1), ("n", 1), ("p", 1)} <= splitting
    # e, f, g, h, k, m, q and r serve only the shows not wanted.
    assert not splitting & {("e", 1), ("f", 1), ("g", 1), ("h", 1), ("k", 1), ("m", 1), ("q", 1), ("r", 1)}
    assert "#show d/1." in printed and "#show e/1." not in printed and "#show q/1." not in printed
    assert any(text.startswith("#false :-") for text in printed)
    assert any(text.startswith(":~") for text in printed)
    assert "g(1)." not in printed and "n(3)." in printed


def test_a_disjunction_kept_for_one_head_keeps_every_head_and_their_rules() -> None:
    kept, splitting = prune(_parse(TOY), {("h", 1)})
    assert {("h", 1), ("k", 1)} <= splitting
    assert ("m", 1) not in splitting  # m reads k, but nothing kept reads m
    assert any(str(stm).startswith("h(X); k(X)") or str(stm).startswith("k(X); h(X)") for stm in kept)


@pytest.mark.parametrize("wanted", [{"d"}, {"e"}, {"h"}, {"q"}, {"d", "q"}, set()])
def test_the_pruned_answer_sets_are_the_full_ones_restricted(wanted: set[str]) -> None:
    """The splitting-set theorem on the toy: the same optimal answer sets, on the wanted shown atoms."""
    statements = _parse(TOY)
    kept, _ = prune(statements, {(name, 1) for name in wanted})
    assert _models(kept, wanted) == _models(statements, wanted)


def test_a_kept_statement_that_reads_a_dropped_predicate_is_refused() -> None:
    """What ``prune`` never makes: the check fails on a bottom that is not closed, or that drops a constraint."""
    statements = _parse(TOY)
    edges = [(stm, (heads(stm), reads(stm)) if stm.ast_type == ast.ASTType.Rule else None) for stm in statements]
    e_rule = next(i for i, (stm, _) in enumerate(edges) if str(stm).startswith("e(X) :-"))
    kept = {e_rule}
    with pytest.raises(ValueError, match="reads or derives a dropped predicate"):
        check_split([(stm, edge, i in kept) for i, (stm, edge) in enumerate(edges)], frozenset({("e", 1)}))
    everything = frozenset(sig for _, edge in edges if edge for part in edge for sig in part)
    with pytest.raises(ValueError, match="a constraint was dropped"):
        check_split([(stm, edge, not str(stm).startswith("#false")) for stm, edge in edges], everything)
    with pytest.raises(ValueError, match="a dropped rule derives a kept predicate"):
        check_split([(stm, edge, not str(stm).startswith("f(X)")) for stm, edge in edges], everything)


def test_a_dropped_part_that_could_have_no_answer_set_is_refused_or_kept() -> None:
    """The theorem needs the dropped rules to extend every answer set of the kept ones."""
    # ``x :- not x.`` acts as a constraint: dropping it would make answer sets where the whole program has none.
    with pytest.raises(ValueError, match="not stratified"):
        prune(_parse("a. b :- a. x :- not x, a. #show b/0."), {("b", 0)})
    # A choice with bounds can fail as a constraint does: it is kept, with all it reads and derives.
    kept, splitting = prune(_parse("a. b :- a. 1 { c ; d } 1 :- a. e :- c. #show b/0."), {("b", 0)})
    assert {("c", 0), ("d", 0)} <= splitting and ("e", 0) not in splitting
    # Negation without a cycle is stratified: dropped.
    kept, splitting = prune(_parse("a. b :- a. y :- a, not z. z :- a. #show b/0."), {("b", 0)})
    assert splitting == {("a", 0), ("b", 0)}


def test_an_atom_the_pruning_cannot_name_is_refused() -> None:
    with pytest.raises(ValueError, match="does not know"):
        prune(_parse("a. -b :- a. c :- -b. #show c/0."), {("c", 0)})


def test_the_pruned_program_is_made_once_and_cached_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pinggu_asp.batch.summary import SUMMARY_SHOWS
    from pinggu_asp.engine.pruning import cached_pruned, prune_grouped
    from pinggu_asp.engine.solve import default_ruleset

    ruleset = default_ruleset()
    cut = dataclasses.replace(ruleset, shown=SUMMARY_SHOWS)
    assert cut.grouped() is cut.grouped() is dataclasses.replace(ruleset, shown=SUMMARY_SHOWS).grouped()
    assert cut.grouped() is not ruleset.grouped()
    monkeypatch.setenv("PINGGU_ASP_CACHE", str(tmp_path))
    fresh = prune_grouped(ruleset.grouped(), SUMMARY_SHOWS)
    first = cached_pruned(ruleset.grouped, SUMMARY_SHOWS, ruleset.sha256)
    (written,) = tmp_path.glob("pruned-*.json")

    def never() -> Any:
        raise AssertionError("a cached cut was made again")

    again = cached_pruned(never, SUMMARY_SHOWS, ruleset.sha256)
    assert first.text == again.text == fresh.text
    assert (again.dependent, again.externals, again.parameters) == (fresh.dependent, fresh.externals, fresh.parameters)
    # A damaged cache is cut again, never run.
    written.write_text(written.read_text(encoding="utf-8").replace("chosen", "chosem"), encoding="utf-8")
    assert cached_pruned(ruleset.grouped, SUMMARY_SHOWS, ruleset.sha256).text == fresh.text
    with pytest.raises(ValueError, match="does not show"):
        prune_grouped(ruleset.grouped(), ("no_such_predicate",))
    assert len(fresh.statements) < len(ruleset.grouped().statements)


def _hard_cases() -> list[dict[str, Any]]:
    """Declarations at the edges: 10^11 yuan, 10^15 yuan everywhere, a competing 10^15, one that overflows
    the selection's weights (an engine error), ties."""
    from support import baseline, set_annual
    from tied_declarations import ties_data

    big = baseline()
    set_annual(big, 2024, gross_output=300_000_000_000)
    set_annual(big, 2025, gross_output=318_000_000_000)
    largest = baseline()
    for year, output in ((2023, 10**15 // 2), (2024, 9 * 10**14), (2025, 10**15)):
        set_annual(largest, year, gross_output=output, rd_expense=output)
    competing = baseline()
    set_annual(competing, 2024, gross_output=200_000_000)
    set_annual(competing, 2025, gross_output=220_000_000)
    competing["other_pinggu_support"] = [{"basis": "output:2025", "policy": "p", "amount": 10**15, "status": "eligible"}]
    odd = baseline()
    set_annual(odd, 2024, gross_output=200_000_000)
    set_annual(odd, 2025, gross_output=220_000_000)
    # Not a multiple of the rounding unit: weighed in fen, 10^17 of them, past the weights' bound (money_overflow).
    odd["other_pinggu_support"] = [{"basis": "output:2025", "policy": "p", "amount": "999999999999999.99",
                                    "status": "eligible"}]
    return [big, largest, competing, odd, ties_data(3), ties_data(12)]


def test_a_population_decided_with_the_pruned_program_has_the_same_digests_and_atoms() -> None:
    """Several hundred generated declarations, conflicts, ties, 10^10-10^15 yuan and engine errors: the pruned
    program gives every member the same wanted atoms, chosen set, alternatives and errors, so the same digest."""
    from pinggu_asp.batch.summary import SUMMARY_SHOWS, digest_answer
    from pinggu_asp.engine.answer import Answer
    from pinggu_asp.engine.decide import answer_many
    from pinggu_asp.engine.solve import EngineError, default_ruleset
    from pinggu_asp.loading import declaration_from_data
    from population import valid_declarations
    from tied_declarations import tied_declarations

    decls = valid_declarations(320, seed=31) + tied_declarations(60, seed=31)
    decls += [declaration_from_data(json.loads(json.dumps(data))) for data in _hard_cases()]
    ruleset = default_ruleset()
    full = answer_many(decls, ruleset)
    pruned = answer_many(decls, dataclasses.replace(ruleset, shown=SUMMARY_SHOWS))
    errors = conflicted = 0
    for decl, a, b in zip(decls, full, pruned, strict=True):
        if isinstance(a, EngineError):
            assert isinstance(b, EngineError) and str(a) == str(b)
            errors += 1
            continue
        assert isinstance(a, Answer) and isinstance(b, Answer), (a, b)
        assert {k: v for k, v in a.by_name.items() if k in SUMMARY_SHOWS} == b.by_name
        assert (a.chosen, a.alternatives, a.alternatives_count, a.alternatives_truncated, a.alternative_groups) == (
            b.chosen, b.alternatives, b.alternatives_count, b.alternatives_truncated, b.alternative_groups)
        assert digest_answer(a, decl, {"line": 1}) == digest_answer(b, decl, {"line": 1})
        conflicted += bool(a.get("component"))
    assert errors >= 1, "the population should hold an engine error"
    assert conflicted >= 20, "the population should hold conflicts"


def test_a_digest_reads_nothing_the_pruned_program_does_not_show(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every predicate ``digest_answer`` asks an answer for is in SUMMARY_SHOWS (else it would read nothing, silently)."""
    from pinggu_asp.batch.summary import SUMMARY_SHOWS, digest_answer
    from pinggu_asp.engine.answer import Answer
    from pinggu_asp.engine.decide import answer_many
    from pinggu_asp.engine.solve import default_ruleset
    from population import valid_declarations

    decls = valid_declarations(60, seed=9)
    answers = answer_many(decls, default_ruleset())
    asked: set[str] = set()
    real = Answer.get

    def get(self: Answer, name: str) -> list[Any]:
        asked.add(name)
        return real(self, name)

    monkeypatch.setattr(Answer, "get", get)
    for decl, answer in zip(decls, answers, strict=True):
        if isinstance(answer, Answer):
            digest_answer(answer, decl, {})
    assert asked and asked <= set(SUMMARY_SHOWS), sorted(asked - set(SUMMARY_SHOWS))


def test_no_result_document_is_built_from_a_cut_program() -> None:
    """A ruleset cut down to the summary's predicates decides digests only: asked for documents, it refuses."""
    from pinggu_asp.batch.run import summary_ruleset
    from pinggu_asp.engine.decide import check_many
    from pinggu_asp.engine.solve import default_ruleset
    from pinggu_asp.loading import load_declaration
    from support import EXAMPLE

    decl = load_declaration(EXAMPLE)
    with pytest.raises(ValueError, match="needs the whole program"):
        check_many([decl], summary_ruleset(default_ruleset()))

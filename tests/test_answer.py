"""answer.py is the contract of show.lp: one record per shown predicate, read by name everywhere else.

Each #show line has a record with as many readers as the predicate has
arguments, and each record a #show line; a real answer reads into records whose
fields are the atom's arguments; and the modules that render results read no
atom by position (issue 18 §3).
"""

from __future__ import annotations

import re

import pytest

from pinggu_asp.engine import answer
from pinggu_asp.engine.solve import solve
from pinggu_asp.engine.terms import limbs
from pinggu_asp.loading import declaration_from_data, load_declaration
from support import EXAMPLE, REPO, baseline, ruleset

SHOW = REPO / "asp_rules" / "show.lp"


def _shown() -> dict[str, int]:
    return {name: int(arity) for name, arity in re.findall(r"^#show (\w+)/(\d+)\.", SHOW.read_text(), re.M)}


def test_every_shown_predicate_has_a_record_and_every_record_a_show_line() -> None:
    shown = _shown()
    assert set(shown) == set(answer.RECORDS), (
        f"shown without a record: {sorted(set(shown) - set(answer.RECORDS))}; "
        f"records not shown: {sorted(set(answer.RECORDS) - set(shown))}"
    )
    for name, arity in shown.items():
        _, readers = answer.RECORDS[name]
        assert len(readers) == arity, f"{name}/{arity} has {len(readers)} argument readers"


def test_each_record_documents_its_predicate() -> None:
    for name, (cls, _) in answer.RECORDS.items():
        assert cls.__doc__ and cls.__doc__.startswith(f"{name}("), f"{cls.__name__} does not name {name}/N first"


@pytest.mark.parametrize("source", ["example", "baseline"])
def test_a_real_answer_reads_field_by_field(source: str) -> None:
    """Each record holds its atom's arguments in order, each read as its kind says (a string
    argument read as a number, or a function as a name, raises)."""
    decl = load_declaration(EXAMPLE) if source == "example" else declaration_from_data(baseline())
    derived = solve(decl, ruleset())
    read = answer.read(derived)
    assert set(read.by_name) == set(derived.atoms)
    for name, atoms in derived.atoms.items():
        recs = read.get(name)
        assert len(recs) == len(atoms)
        cls, readers = answer.RECORDS[name]
        for atom, rec in zip(atoms, recs, strict=True):
            assert isinstance(rec, cls)
            expected: list[object] = []
            for reader, arg in zip(readers, atom.arguments, strict=True):
                if reader is answer._term:
                    expected.append(arg)
                elif reader is answer._str:
                    expected.append(arg.string)
                elif reader is answer._int:
                    expected.append(arg.number)
                elif reader is answer._name:
                    assert not arg.arguments, f"{atom}: {arg} is not a constant"
                    expected.append(arg.name)
                elif reader is answer._fen:
                    expected.append(limbs(arg))
                else:  # other(I), prior(I), take_other(I): the kind (where it varies) and the index
                    (index,) = arg.arguments
                    expected += [arg.name, index.number] if reader is answer._by else [index.number]
            assert list(rec) == expected, f"{atom} read as {rec}"
    assert read.chosen == derived.chosen
    assert read.interpretations == derived.interpretations


def test_the_article_is_the_rules_own() -> None:
    """clause_article/2 gives every listed clause its article (result.py reads it, never the clause id)."""
    read = answer.read(solve(load_declaration(EXAMPLE), ruleset()))
    articles = read.articles()
    assert articles
    for rec in read.get("listed"):
        assert articles[rec.clause] == int(rec.clause.name.removeprefix("art"))


def test_candidates_read_by_kind() -> None:
    from pinggu_asp.engine.symbols import fun, num

    award = answer.candidate(fun("award", fun("art3", fun("output_growth")), fun("output", num(2025))))
    assert isinstance(award, answer.AwardCandidate) and award.clause.name == "art3"
    other = answer.candidate(fun("other", num(2)))
    assert other == answer.OtherCandidate(2)


def test_a_predicate_without_a_record_is_an_error() -> None:
    from pinggu_asp.engine.symbols import fun, num

    with pytest.raises(KeyError):
        answer.read_records({"not_shown": [fun("not_shown", num(1))]})


# The modules that turn answers into documents read atoms through answer.py only.
READERS = ["engine/result.py", "analysis/catalogue.py", "analysis/reach.py", "engine/terms.py", "engine/decide.py",
           "analysis/whatif.py", "batch/summary.py", "batch/run.py"]


@pytest.mark.parametrize("module", READERS)
def test_no_atom_read_by_position(module: str) -> None:
    source = (REPO / "pinggu_asp" / module).read_text(encoding="utf-8")
    assert "arguments[" not in source, f"{module} reads an atom's arguments by position"
    assert "derived.get(" not in source and '.get("val")' not in source


def test_no_article_parsed_from_clause_ids() -> None:
    """Results and digests take a clause's article from clause_article/2, not from its id."""
    result = (REPO / "pinggu_asp" / "engine" / "result.py").read_text(encoding="utf-8")
    assert "_article_of" not in result and "import re\n" not in result
    summary = (REPO / "pinggu_asp" / "batch" / "summary.py").read_text(encoding="utf-8")
    digests = summary[summary.index("def digest(") : summary.index("def _totals(")]
    assert "[3:]" not in digests

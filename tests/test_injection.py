"""Declared text cannot change a decision: it travels into clingo only as String terms.

Names, ids, counterparties, notes and policies full of `"`, `)`, `.`, newlines, `#show`, `%`
and `:-` give the same result as benign text, once the echoed text itself is swapped back,
and the text round-trips exactly into the result (clingo-facts.md: concatenation was exploitable).
"""

import json

import pytest

from support import baseline, clause, decide, set_annual

EVIL = [
    'x"). #show.',
    'Evil Co"). growth_ok(evil). registered(evil). name(evil,"x',
    'a\n#show granted/1.\nchosen(award(art4(breakthrough),output(2025))).',
    'x). chosen(award(art3(output_growth),output(2025))). %',
    'p :- q. \\" \\\\ ) . % 中文名称 "',
    "tab\there\r\nand \x7f unicode ☃ \u202e",
]
BENIGN = "BENIGN-TEXT"


def declaration(text: str) -> dict:
    """Art 3 eligible (but blocked by another policy received on output:2025), with text everywhere."""
    data = baseline()
    set_annual(data, 2024, gross_output=200_000_000)
    set_annual(data, 2025, gross_output=220_000_000)
    set_annual(data, 2023, rd_expense=5_000_000)
    set_annual(data, 2024, rd_expense=5_500_000)
    set_annual(data, 2025, rd_expense=6_050_000)
    data["enterprise"]["name"] = text
    data["enterprise"]["locality"] = text
    data["enterprise"]["sectors"] = ["auto_parts", "pharma", "central_kitchen", "synthetic_biology"]
    data["penalties"] = [{"date": "2020-01-01", "kind": "major_administrative", "note": text}]
    data["fraud_findings"] = [{"date": "2019-01-01", "note": text}]
    data["ratings"] = [{"id": text, "kind": "beijing_green_factory", "date": "2025-11-01", "subject": text}]
    data["approvals"] = [{"id": text, "kind": "class3_device", "date": "2025-09-15", "first_time": True, "global_first": False}]
    data["orders"] = [
        {
            "id": text,
            "program": "auto_parts",
            "counterparty": text,
            "counterparty_kind": "nev_oem",
            "signed_date": "2025-09-01",
            "executed": {2025: 26_000_000},
        }
    ]
    data["standards"] = [
        {"id": text, "field": "central_kitchen", "level": "group", "lead_drafter": True, "implemented_date": "2025-12-15"}
    ]
    data["investment_projects"] = [
        {
            "id": text,
            "field": "synthetic_biology",
            "tech_transfer": True,
            "in_pinggu": True,
            "kind": "production",
            "fixed_asset_investment": 12_000_000,
            "commissioned_date": "2025-03-01",
            "output": {2025: 21_000_000},
        }
    ]
    data["other_pinggu_support"] = [
        {"basis": "output:2025", "policy": text, "amount": 100_000, "status": "received"},
        {"basis": "rd:2025", "policy": text + " (2)", "amount": 900_000, "status": "eligible"},
    ]
    return data


def scrub(value, text):
    """The result with every echo of the declared text replaced by the benign text."""
    if isinstance(value, dict):
        return {scrub(k, text): scrub(v, text) for k, v in value.items() if k != "declaration_sha256"}
    if isinstance(value, list):
        return [scrub(v, text) for v in value]
    if isinstance(value, str):
        return value.replace(text, BENIGN)
    return value


@pytest.fixture(scope="module")
def benign_result():
    return scrub(decide(declaration(BENIGN)), BENIGN)


@pytest.mark.parametrize("text", EVIL, ids=[f"evil{i}" for i in range(len(EVIL))])
def test_hostile_text_changes_nothing_but_the_echo(text, benign_result):
    result = decide(declaration(text))
    assert scrub(result, text) == benign_result


@pytest.mark.parametrize("text", EVIL, ids=[f"evil{i}" for i in range(len(EVIL))])
def test_hostile_text_round_trips_exactly(text):
    result = decide(declaration(text))
    assert result["enterprise"]["name"] == text
    art3 = clause(result, "art3.output_growth")
    assert art3["status"] == "blocked"
    assert [b["policy"] for b in art3["blocked_by"]] == [text]
    growth = clause(result, "art5.growth")
    assert growth["status"] == "superseded"
    assert [s["policy"] for s in growth["superseded_by"]] == [text + " (2)"]
    advice = [a for a in result["advisories"] if a["kind"] == "take_other_policy"]
    assert [a["policy"] for a in advice] == [text + " (2)"]
    # The JSON document carries the same text back, escaped and exact.
    assert json.loads(json.dumps(result, ensure_ascii=False))["enterprise"]["name"] == text


def test_the_benign_declaration_is_what_we_think():
    """The comparison above means something: the baseline decides Art 3 and Art 5 for real."""
    result = decide(declaration(BENIGN))
    assert clause(result, "art3.output_growth")["status"] == "blocked"
    assert clause(result, "art5.growth")["status"] == "superseded"
    assert result["total_yuan"] == sum(a["amount_yuan"] for a in result["awards"])


def test_no_injected_atom_in_the_program():
    """Directly: the facts are String terms, and no predicate named by the text is derived."""
    from pinggu_asp.engine.facts import declaration_facts
    from pinggu_asp.loading import declaration_from_data
    from support import ruleset

    text = EVIL[1]
    decl = declaration_from_data(declaration(text))
    facts = list(declaration_facts(decl, ruleset().parameters.in_force(decl.declaration_date)))
    names = {f.name for f in facts}
    assert not names & {"growth_ok", "registered", "name", "chosen", "granted"}
    assert any(arg.type.name == "String" and arg.string == text for f in facts for arg in f.arguments)


# The group's facts go to clingo as one text (facts.group_text), each fact clingo's own
# rendering of its Symbol. The same facts added one by one through the backend, with
# clingo's symbol API only, are the reference: both must ground to the same atoms.

HOSTILE_IDS = EVIL + ['x"). #show.', "a\nb", "%", "\\", chr(34), chr(92) + chr(34), ",fact__,x(", "fact__"]


def _backend_control(grouped, members):
    """The reference: the grouped rules, and every fact added through ``Control.backend()``."""
    import clingo
    from clingo import Function, Number, ast

    from pinggu_asp.engine.facts import MemberFacts
    from pinggu_asp.engine.grouping import MEMBER, MEMBER_PARAMETERS, PARAMETER_SET

    ctl = clingo.Control(["--warn=none"])
    with ast.ProgramBuilder(ctl) as builder:
        for statement in grouped.statements:
            builder.add(statement)
    sets: dict[tuple[str, ...], int] = {}
    with ctl.backend() as backend:

        def fact(name, args):
            backend.add_rule([backend.add_atom(Function(name, args))])

        for index, member in enumerate(members):
            assert isinstance(member, MemberFacts)
            e = Number(index)
            fact(MEMBER, [e])
            key = tuple(str(p) for p in member.parameters)
            if key not in sets:
                sets[key] = len(sets)
                fact(PARAMETER_SET, [Number(sets[key])])
                for p in member.parameters:
                    fact(p.name, [Number(sets[key]), *p.arguments])
            fact(MEMBER_PARAMETERS, [e, Number(sets[key])])
            for f in member.own:
                fact(f.name, [e, *f.arguments])
    ctl.ground([("base", [])])
    return ctl


def _atoms(ctl) -> set[tuple[str, bool]]:
    return {(str(a.symbol), a.is_fact) for a in ctl.symbolic_atoms}


def _same_atoms_both_ways(decls, interpretations=()) -> None:
    from pinggu_asp.engine import solve
    from support import ruleset

    rules = ruleset(interpretations)
    members = [m.__class__(m.parameters, list(m.own)) for m in solve.group_members(decls, rules)]
    text = _atoms(solve.grounded_control(rules.grouped(), members))
    backend = _atoms(_backend_control(rules.grouped(), members))
    assert text == backend


def test_text_facts_ground_as_the_backend_facts_on_a_population() -> None:
    """The population (every clause, boundaries, 10^11 yuan, conflicts), in groups of 32: the same atoms.

    PINGGU_ASP_EQUIVALENCE_COUNT=1000 runs it on more (the figure in the issue-18 report).
    """
    import os
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from population import valid_declarations

    decls = valid_declarations(int(os.environ.get("PINGGU_ASP_EQUIVALENCE_COUNT", "160")), seed=18)
    for start in range(0, len(decls), 32):
        _same_atoms_both_ways(decls[start : start + 32])


@pytest.mark.parametrize("text", HOSTILE_IDS)
def test_hostile_ids_ground_as_through_the_backend(text):
    """Ids, names and policies full of quotes, newlines, `%`, backslashes and the text path's own marker."""
    from pinggu_asp.loading import declaration_from_data

    hostile = declaration_from_data(declaration(text))
    benign = declaration_from_data(declaration(BENIGN))
    _same_atoms_both_ways([benign, hostile, benign])


@pytest.mark.parametrize("text", [*HOSTILE_IDS, ""])
def test_group_text_reads_back_exactly_the_symbols(text):
    """Parsed by clingo, the text holds exactly the given facts, each with its member first: no more, no less."""
    import clingo
    from clingo import Function, Number, String

    from pinggu_asp.engine.facts import MemberFacts, group_text

    params = (Function("param_int", [Function("x"), Number(3)]),)
    own = [
        Function("rating", [String(text), Function("smart"), Number(20250101)]),
        Function("order_supported", [String(text), Number(2025)]),
        Function("locality", [String(text)]),
        Function("val", [Function("executed", [String(text), Number(2025)]), Function("", [Number(0)] * 6)]),
    ]
    program, names = group_text([MemberFacts(params, own), MemberFacts(params, own[::-1])], "m", "mp", "ps")
    ctl = clingo.Control(["--warn=none"])
    ctl.add("base", [], program)
    ctl.ground([("base", [])])
    got = {a.symbol for a in ctl.symbolic_atoms}
    expected = {Function("m", [Number(0)]), Function("m", [Number(1)]), Function("ps", [Number(0)]),
                Function("mp", [Number(0), Number(0)]), Function("mp", [Number(1), Number(0)]),
                Function("param_int", [Number(0), Function("x"), Number(3)])}
    expected |= {Function(f.name, [Number(e), *f.arguments]) for e in (0, 1) for f in own}
    assert got == expected
    assert names == {"param_int", "rating", "order_supported", "locality", "val"}


def test_a_fact_the_text_cannot_carry_is_refused():
    """A fact that is not a predicate with arguments (a bare constant, a tuple) is an error, not a guess."""
    from clingo import Function, Number

    from pinggu_asp.engine.facts import MemberFacts, group_text

    for odd in (Function("tiebreak"), Function("", [Number(1)])):
        with pytest.raises(ValueError):
            group_text([MemberFacts((), [Function("a", [Number(1)]), odd])], "m", "mp", "ps")

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
    from pinggu_asp.facts import declaration_facts
    from pinggu_asp.loading import declaration_from_data
    from support import ruleset

    text = EVIL[1]
    decl = declaration_from_data(declaration(text))
    facts = list(declaration_facts(decl, ruleset().parameters.in_force(decl.declaration_date)))
    names = {f.name for f in facts}
    assert not names & {"growth_ok", "registered", "name", "chosen", "granted"}
    assert any(arg.type.name == "String" and arg.string == text for f in facts for arg in f.arguments)

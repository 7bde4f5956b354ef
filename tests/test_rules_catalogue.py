"""`pinggu-asp rules`: every clause of SPEC §3, read from the program, with its conditions, amount and parameters."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from pinggu_asp.cli import app
from pinggu_asp.declaration import clause_ids

runner = CliRunner()


def _catalogue(*args: str) -> dict:
    result = runner.invoke(app, ["rules", "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_every_clause_is_listed_once_with_its_conditions():
    cat = _catalogue()
    assert [c["clause"] for c in cat["clauses"]] == sorted(clause_ids(), key=lambda c: (int(c[3:c.index(".")]), c))
    for entry in cat["clauses"]:
        assert entry["conditions"], entry["clause"]
        for cond in entry["conditions"]:
            assert cond["phrase_zh"] and cond["text_zh"] and cond["text_en"], cond["id"]
        assert entry["amount"], entry["clause"]
        assert entry["basis"], entry["clause"]


def test_amounts_caps_and_payers_come_from_the_program():
    cat = {c["clause"]: c for c in _catalogue()["clauses"]}
    assert cat["art3.output_growth"]["cap_yuan"] == 5_000_000
    assert cat["art3.output_growth"]["basis"] == ["output:Y"]
    assert "5/1000" in cat["art3.output_growth"]["amount"]
    assert cat["art11.leading_enterprise"]["payer"] == "district+locality"
    assert cat["art11.leading_enterprise"]["basis"] == ["rd:Y"]
    vet = cat["art10.vet_drug"]["amount"]
    assert "art10_vet_class1_amount" in vet and "art10_vet_class3_amount" in vet
    assert cat["art10.vet_drug"]["up_to"] is False
    assert cat["art10.class3_device"]["up_to"] is True


def test_parameters_in_force_follow_a_reform(tmp_path):
    import yaml

    from support import REPO

    doc = yaml.safe_load((REPO / "asp_rules" / "parameters.yaml").read_text(encoding="utf-8"))
    doc["parameters"]["art3_cap"]["values"] = {"2025-08-29": 8_000_000}
    reform = tmp_path / "reform.yaml"
    reform.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    cat = _catalogue("--parameters", str(reform))
    assert cat["parameters"]["art3_cap"]["display"] == "8,000,000 元"
    assert (cat["parameters"]["art3_cap"]["value"], cat["parameters"]["art3_cap"]["unit"]) == (8_000_000, "yuan")
    assert {c["clause"]: c for c in cat["clauses"]}["art3.output_growth"]["cap_yuan"] == 8_000_000


def test_the_certificate_switch_adds_the_certificate_basis():
    cat = {c["clause"]: c for c in _catalogue("-i", "I-art11-certificate-basis")["clauses"]}
    assert cat["art11.leading_enterprise"]["basis"] == ["approval:<id>", "rd:Y"]
    assert "I-art11-certificate-basis" in _catalogue("-i", "I-art11-certificate-basis")["interpretations"]


def test_text_listing_in_both_languages():
    zh = runner.invoke(app, ["rules"])
    en = runner.invoke(app, ["rules", "--lang", "en"])
    assert zh.exit_code == 0 and en.exit_code == 0
    assert "art13.synbio_project" in zh.stdout and "「" in zh.stdout
    assert "Parameters in force" in en.stdout

"""Issue 19 §5: the published JSON Schemas are generated from models, shipped, and the outputs validate.

Beside these tests, conftest.py checks every result support.decide returns and every JSON document a
CLI test prints against the same schemas (tests/schema_check.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from pinggu_asp.cli import app
from pinggu_asp.schemas import NAMES, committed, dumps, generate
from schema_check import SchemaMismatch, check_document, validator
from support import EXAMPLE, REPO

runner = CliRunner()


@pytest.mark.parametrize("name", NAMES)
def test_the_committed_schema_is_the_generated_one(name: str):
    assert committed(name) == dumps(generate(name)), "run: python -m pinggu_asp.schemas"


@pytest.mark.parametrize("name", NAMES)
def test_schema_command_prints_it(name: str):
    out = runner.invoke(app, ["schema", name])
    assert out.exit_code == 0, out.output
    schema = json.loads(out.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema == generate(name)


def test_the_example_declaration_validates_and_a_wrong_one_does_not():
    from pinggu_asp.loading import parse_text

    declaration = jsonschema.Draft202012Validator(generate("declaration"))
    data = json.loads(json.dumps(parse_text(EXAMPLE.read_text(encoding="utf-8"), "x.yaml"), default=str))
    assert not list(declaration.iter_errors(data))
    data["support_year"] = "2025年"
    assert list(declaration.iter_errors(data))


def test_check_and_whatif_of_the_example_validate():
    result = json.loads(runner.invoke(app, ["check", str(EXAMPLE)]).stdout)
    assert not list(validator("result").iter_errors(result))
    out = runner.invoke(app, ["whatif", str(EXAMPLE), "--set", 'annual[2025].gross_output="120000000.55"',
                              "--param", "art3_cap=8000000", "-f", "json"])
    doc = json.loads(out.stdout)
    assert doc["schema"] == "pinggu-whatif/1"
    assert not list(validator("whatif").iter_errors(doc))


def test_a_batch_summary_with_a_reform_and_errors_validates(tmp_path: Path):
    lines = (REPO / "pinggu_asp" / "starter" / "population.jsonl").read_text(encoding="utf-8").splitlines()[:6]
    source = tmp_path / "population.jsonl"
    source.write_text("\n".join([*lines, '{"schema": "pinggu-declaration/1"}', "not json"]) + "\n", encoding="utf-8")
    summary = tmp_path / "summary.json"
    out = runner.invoke(app, ["batch", str(source), "-o", str(tmp_path / "r.jsonl"), "-j", "1", "--summary",
                              str(summary), "--compare-param", "art3_cap=6000000"])
    assert out.exit_code == 0, out.output
    doc = json.loads(summary.read_text(encoding="utf-8"))
    assert doc["invalid"] == 2 and "comparison" in doc
    assert not list(validator("summary").iter_errors(doc))
    for line in (tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines():
        check_document(json.loads(line))


def test_money_that_may_hold_fen_has_an_exact_integer_key():
    result = json.loads(runner.invoke(app, ["whatif", str(EXAMPLE), "--set",
                                            "annual[2025].gross_output=104000100", "-f", "json"]).stdout)["after"]
    growth = next(c for c in result["clauses"] if c["clause"] == "art3.output_growth")
    # 0.5% of a growth of 12,000,100 yuan holds fen: the yuan key is a decimal string, the fen key exact
    assert growth["amount_before_rounding_yuan_decimal"] == "60000.50"
    assert growth["amount_before_rounding_fen"] == 6_000_050
    assert growth["amount_before_rounding_fen"] == growth["derivation"]["before_rounding_fen"]
    for award in result["awards"]:
        assert isinstance(award["amount_yuan"], int)


def test_parameters_are_data_with_the_display_beside():
    result = json.loads(runner.invoke(app, ["check", str(EXAMPLE)]).stdout)
    cap, rate = result["parameters"]["art3_cap"], result["parameters"]["art3_rate"]
    assert (cap["value"], cap["unit"], cap["display"]) == (5_000_000, "yuan", "5,000,000 元")
    assert (rate["value"], rate["unit"], rate["display"]) == ("5/1000", "ratio", "0.5%")


def test_the_strict_check_catches_a_key_of_the_wrong_type_or_unknown():
    result = json.loads(runner.invoke(app, ["check", str(EXAMPLE)]).stdout)
    result["total_yuan"] = str(result["total_yuan"])
    with pytest.raises(SchemaMismatch, match="total_yuan"):
        check_document(result)
    result = json.loads(runner.invoke(app, ["check", str(EXAMPLE)]).stdout)
    result["awards"][0]["surprise"] = 1
    with pytest.raises(SchemaMismatch, match="surprise"):
        check_document(result)

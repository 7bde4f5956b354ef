"""POST /v1/whatif and /v1/reach answer as `pinggu-asp whatif -f json` does, byte for byte, and name bad fields."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from pinggu_asp.cli import app as cli_app
from pinggu_asp.policy.rules_files import rules_dir
from pinggu_asp.service import Settings, create_app
from support import EXAMPLE, REPO

runner = CliRunner()
EXAMPLE_TEXT = EXAMPLE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(workers=2))) as c:
        yield c


def cli(*args: str) -> str:
    result = runner.invoke(cli_app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def example() -> dict[str, Any]:
    return yaml.safe_load(EXAMPLE_TEXT)


def _errors(response: Any) -> list[dict[str, str]]:
    body = response.json()
    assert set(body) == {"errors"}, body
    assert "Traceback" not in response.text and str(REPO) not in response.text
    return list(body["errors"])


def _missing_art3(tmp_path: Path) -> tuple[dict[str, Any], Path]:
    """The example with 2025 output short of Art 3's 5% growth (2024: 92,000,000)."""
    data = example()
    for row in data["annual"]:
        if row["year"] == 2025:
            row["gross_output"] = 96_000_000
    path = tmp_path / "decl.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return data, path


def test_whatif_with_a_changed_fact_a_reform_and_a_reading_is_the_cli_output(client):
    changes = ["annual[2025].gross_output=120000000", "enterprise.credit_good=false"]
    body = {"declaration": EXAMPLE_TEXT, "changes": changes, "params": ["art3_cap=8000000"],
            "interpretations": ["I-output-stack"]}
    response = client.post("/v1/whatif", json=body)
    assert response.status_code == 200, response.text
    expected = cli("whatif", str(EXAMPLE), "-f", "json", *[a for c in changes for a in ("--set", c)],
                   "--param", "art3_cap=8000000", "-i", "I-output-stack")
    assert response.text == expected
    doc = json.loads(response.text)
    assert doc["schema"] == "pinggu-whatif/1"
    # credit_good=false bars everything: the total after is 0.
    assert doc["total_after_yuan"] == 0 and doc["total_before_yuan"] > 0


def test_whatif_with_a_reading_in_force_in_both_runs_is_the_cli_output(client, tmp_path):
    data, path = _missing_art3(tmp_path)
    body = {"declaration": data, "changes": ["annual[2025].gross_output=96600000"],
            "base_interpretations": ["I-output-stack"]}
    response = client.post("/v1/whatif", json=body)
    assert response.status_code == 200, response.text
    assert response.text == cli("whatif", str(path), "-f", "json", "--set", "annual[2025].gross_output=96600000",
                                "--base-interpretation", "I-output-stack")
    doc = json.loads(response.text)
    assert "I-output-stack" in doc["before"]["interpretations"]
    assert "I-output-stack" in doc["after"]["interpretations"]
    assert doc["asked"]["base_interpretations"] == ["I-output-stack"]


def test_whatif_with_a_parameters_override_names_it_request(client, tmp_path):
    params = yaml.safe_load((rules_dir() / "parameters.yaml").read_text(encoding="utf-8"))
    params["parameters"]["art3_cap"]["values"] = {"2025-08-29": 50_000}
    reform = yaml.safe_dump(params, allow_unicode=True)
    (tmp_path / "request").write_text(reform, encoding="utf-8")
    body = {"declaration": EXAMPLE_TEXT, "changes": ["annual[2025].gross_output=120000000"], "parameters": reform}
    response = client.post("/v1/whatif", json=body)
    assert response.status_code == 200, response.text
    assert response.text == cli("whatif", str(EXAMPLE), "-f", "json", "--set", "annual[2025].gross_output=120000000",
                                "--parameters", str(tmp_path / "request"))
    assert json.loads(response.text)["before"]["provenance"]["parameters_source"] == "request"


def test_reach_is_the_cli_output(client, tmp_path):
    data, path = _missing_art3(tmp_path)
    body = {"declaration": data, "clause": "art3.output_growth", "vary": ["annual[2025].gross_output"]}
    response = client.post("/v1/reach", json=body)
    assert response.status_code == 200, response.text
    assert response.text == cli("whatif", str(path), "-f", "json", "--reach", "art3.output_growth",
                                "--vary", "annual[2025].gross_output")
    doc = json.loads(response.text)
    (change,) = doc["changes"]
    # 92,000,000 × 105% = 96,600,000, inclusive (达到5%（含）).
    assert change["to"] == 96_600_000 and change["verified"] is True


def test_reach_of_a_granted_clause_says_so(client):
    response = client.post("/v1/reach", json={"declaration": EXAMPLE_TEXT, "clause": "art3.output_growth"})
    assert response.status_code == 200
    assert response.text == cli("whatif", str(EXAMPLE), "-f", "json", "--reach", "art3.output_growth")
    assert json.loads(response.text)["already_qualifies"] is True


@pytest.mark.parametrize(
    "path, body, field, words",
    [
        ("/v1/whatif", {"changes": ["annual[2031].gross_output=1"]}, "changes.annual[2031]", ""),
        ("/v1/whatif", {"changes": ["annual[2025].gross_output=many"]}, "changes", ""),
        ("/v1/whatif", {"params": ["art3_capp=1"]}, "params", "did you mean art3_cap"),
        ("/v1/whatif", {"params": ["art3_cap=lots"]}, "params", "art3_cap"),
        ("/v1/whatif", {"interpretations": ["I-nothing"]}, "interpretations", "I-nothing"),
        ("/v1/whatif", {"changes": "annual[2025].gross_output=1"}, "changes", "list of strings"),
        ("/v1/whatif", {"frobnicate": 1}, "frobnicate", "unknown field"),
        ("/v1/reach", {"clause": "art3.output_grwth"}, "clause", "did you mean"),
        ("/v1/reach", {}, "clause", "required"),
        ("/v1/reach", {"clause": "art3.output_growth", "vary": ["annual[2025].nothing"]}, "vary", ""),
    ],
)
def test_bad_whatif_and_reach_requests_are_422_naming_the_field(client, path, body, field, words):
    response = client.post(path, json={"declaration": EXAMPLE_TEXT, **body})
    assert response.status_code == 422, response.text
    errors = _errors(response)
    assert any(e["field"].startswith(field) and words in e["message"] for e in errors), errors


def test_the_openapi_schema_lists_whatif_and_reach(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert "/v1/whatif" in paths and "/v1/reach" in paths

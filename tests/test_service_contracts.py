"""Issue 19 §5 on the service: a bare declaration is accepted, /v1/validate and /v1/readings answer as the
CLI does, and /docs needs no network."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from pinggu_asp.cli import app as cli_app
from pinggu_asp.loading import parse_text
from pinggu_asp.service import Settings, create_app
from schema_check import check_document
from support import EXAMPLE

runner = CliRunner()


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(workers=1))) as c:
        yield c


def _example() -> dict:
    return json.loads(json.dumps(parse_text(EXAMPLE.read_text(encoding="utf-8"), "x.yaml"), default=str))


def test_a_bare_declaration_is_checked_as_the_envelope_is(client: TestClient):
    bare = client.post("/v1/check", json=_example())
    assert bare.status_code == 200, bare.text
    enveloped = client.post("/v1/check", json={"declaration": _example()})
    assert bare.text == enveloped.text
    cli = runner.invoke(cli_app, ["check", str(EXAMPLE)], env={"COLUMNS": None}).stdout
    assert bare.text == cli
    check_document(bare.json())


def test_a_bare_declaration_is_explained(client: TestClient):
    bare = client.post("/v1/explain", params={"format": "json"}, json=_example())
    assert bare.status_code == 200, bare.text
    assert bare.json()["schema"] == "pinggu-explanation/1"


def test_a_bare_declaration_with_a_bad_field_names_the_field(client: TestClient):
    data = _example()
    data["support_year"] = "soon"
    refused = client.post("/v1/check", json=data)
    assert refused.status_code == 422
    fields = [e["field"] for e in refused.json()["errors"]]
    assert fields == ["declaration.support_year"], fields
    # without the schema field it is not a declaration: the envelope's own checks answer
    data.pop("schema")
    assert client.post("/v1/check", json=data).status_code == 422


def test_validate(client: TestClient):
    ok = client.post("/v1/validate", json=_example())
    assert ok.status_code == 200, ok.text
    assert ok.json()["valid"] is True and ok.json()["support_year"] == 2025
    assert client.post("/v1/validate", json={"declaration": EXAMPLE.read_text(encoding="utf-8")}).status_code == 200
    data = _example()
    data["enterprise"]["credit_code"] = "not a code"
    bad = client.post("/v1/validate", json=data)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"].startswith("declaration.enterprise")


def test_readings_is_the_cli_output(client: TestClient):
    answer = client.get("/v1/readings", params={"on": "2026-01-01"})
    assert answer.status_code == 200, answer.text
    cli = runner.invoke(cli_app, ["readings", "-f", "json", "--on", "2026-01-01"]).stdout
    assert answer.text == cli
    assert client.get("/v1/readings", params={"on": "tomorrow"}).status_code == 422


def test_docs_load_their_assets_from_this_service(client: TestClient):
    page = client.get("/docs")
    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(s.startswith("/") for s in sources), sources
    for source in sources:
        assert client.get(source).status_code == 200, source
    assert "cdn" not in page.text.lower()
    schema = client.get("/openapi.json").json()
    assert {"/v1/validate", "/v1/readings"} <= set(schema["paths"])

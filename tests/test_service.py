"""The HTTP service answers as the CLI does, byte for byte, and refuses bad requests with the right status.

The app runs in-process (FastAPI's test client) with real worker processes; the
CLI runs through typer's runner on the same declarations written to files.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from pinggu_asp.api import assess
from pinggu_asp.cli import app as cli_app
from pinggu_asp.engine.result import dumps_line
from pinggu_asp.policy.rules_files import rules_dir
from pinggu_asp.service import Settings, create_app
from support import EXAMPLE, REPO, baseline, set_annual

sys.path.insert(0, str(REPO / "benchmarks"))
from generate import declaration as generated  # noqa: E402

runner = CliRunner()
EXAMPLE_TEXT = EXAMPLE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(workers=2, max_body=64 * 1024, max_batch_body=256 * 1024))) as c:
        yield c


def cli(*args: str) -> str:
    # As the CLI prints into a file: at its file width, whatever $COLUMNS says.
    result = runner.invoke(cli_app, list(args), env={"COLUMNS": None})
    assert result.exit_code == 0, result.output
    return result.stdout


def _json_file(tmp_path: Path, data: dict[str, Any], name: str = "decl.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _errors(response: Any) -> list[dict[str, str]]:
    body = response.json()
    assert set(body) == {"errors"}
    for error in body["errors"]:
        assert set(error) == {"field", "message"}
    assert "Traceback" not in response.text and "/work/" not in response.text and str(REPO) not in response.text
    return list(body["errors"])


def _fields(response: Any) -> list[str]:
    return [e["field"] for e in _errors(response)]


def _reform(tmp_path: Path, name: str, value: Any) -> str:
    params = yaml.safe_load((rules_dir() / "parameters.yaml").read_text(encoding="utf-8"))
    params["parameters"][name]["values"] = {"2025-08-29": value}
    return yaml.safe_dump(params, allow_unicode=True)


# --- the same document as the CLI -------------------------------------------------------


def test_check_of_the_example_as_yaml_text_is_the_cli_output(client):
    response = client.post("/v1/check", json={"declaration": EXAMPLE_TEXT})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.text == cli("check", str(EXAMPLE))


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_check_of_generated_declarations_as_json_objects_is_the_cli_output(client, tmp_path, seed):
    data = generated(random.Random(seed), seed)
    path = _json_file(tmp_path, data)
    # As an object in the request, and as JSON text: both exactly as `check` prints the file.
    assert client.post("/v1/check", json={"declaration": data}).text == cli("check", str(path))
    assert client.post("/v1/check", json={"declaration": path.read_text(encoding="utf-8")}).text == cli("check", str(path))


def test_decimal_amounts_stay_exact(client, tmp_path):
    """1234567.89 in the body is read as the CLI reads it from a file: a decimal, never a float."""
    data = baseline()
    set_annual(data, 2025, gross_output="120000000.07")
    text = json.dumps(data).replace('"120000000.07"', "120000000.07")
    path = tmp_path / "decl.json"
    path.write_text(text, encoding="utf-8")
    body = '{"declaration": ' + text + "}"
    response = client.post("/v1/check", content=body.encode())
    assert response.text == cli("check", str(path))


def test_interpretations_and_a_parameters_reform_are_request_fields(client, tmp_path):
    data = baseline()
    set_annual(data, 2024, gross_output=200_000_000)
    set_annual(data, 2025, gross_output=220_000_000)
    path = _json_file(tmp_path, data)
    # The CLI's parameters file is named as the service records request parameters.
    reform = _reform(tmp_path, "art3_cap", 50_000)
    (tmp_path / "request").write_text(reform, encoding="utf-8")
    body = {"declaration": data, "interpretations": ["I-output-stack"], "parameters": reform}
    response = client.post("/v1/check", json=body)
    expected = cli("check", str(path), "-i", "I-output-stack", "--parameters", str(tmp_path / "request"))
    assert response.text == expected
    doc = json.loads(response.text)
    assert doc["provenance"]["parameters_source"] == "request"
    assert "I-output-stack" in doc["interpretations"]
    assert json.loads(response.text) != json.loads(client.post("/v1/check", json={"declaration": data}).text)


@pytest.mark.parametrize("fmt", ["json", "html", "md", "text"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_explain_is_the_cli_output(client, fmt, lang):
    response = client.post(f"/v1/explain?lang={lang}&format={fmt}", json={"declaration": EXAMPLE_TEXT})
    assert response.status_code == 200
    assert response.text == cli("explain", str(EXAMPLE), "--lang", lang, "--format", fmt)
    media = {"json": "application/json", "html": "text/html", "md": "text/markdown", "text": "text/plain"}[fmt]
    assert response.headers["content-type"].startswith(media)


@pytest.mark.parametrize("fmt", ["json", "html", "text"])
def test_explain_one_clause_is_the_cli_output(client, fmt):
    response = client.post(f"/v1/explain?lang=en&format={fmt}&clause=art5.first_5m", json={"declaration": EXAMPLE_TEXT})
    assert response.text == cli("explain", str(EXAMPLE), "--lang", "en", "--format", fmt, "--clause", "art5.first_5m")


def test_explain_of_a_clause_not_listed_names_the_clause(client):
    response = client.post("/v1/explain?clause=art99.none", json={"declaration": EXAMPLE_TEXT})
    assert response.status_code == 422
    [error] = _errors(response)
    assert error["field"] == "clause" and "art99.none" in error["message"] and "art5.first_5m" in error["message"]


def test_rules_is_the_cli_output(client):
    assert client.get("/v1/rules").text == cli("rules", "-f", "json")
    switched = client.get("/v1/rules", params={"interpretation": "I-upgrade-full"})
    assert switched.text == cli("rules", "-f", "json", "-i", "I-upgrade-full")
    assert switched.text != client.get("/v1/rules").text


def test_health(client):
    body = client.get("/v1/health").json()
    assert body["status"] == "ok" and body["package"].startswith("pinggu-asp ")
    assert "I-upgrade-full" in body["interpretations"]


# --- batch ----------------------------------------------------------------------------------


def test_batch_streams_results_in_input_order_with_error_records_in_place(client):
    decls = [generated(random.Random(100 + i), i) for i in range(40)]
    lines = [json.dumps(d, ensure_ascii=False) for d in decls]
    lines.insert(5, "{not json")
    lines.insert(11, json.dumps({"schema": "pinggu-declaration/1"}))
    lines.insert(20, "")  # blank lines are skipped, but counted
    body = "\n".join(lines) + "\n"
    response = client.post("/v1/batch", content=body.encode())
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    out = response.text.split("\n")
    assert out[-1] == ""
    out = out[:-1]
    assert len(out) == len(lines) - 1
    expected: list[str] = []
    it = iter(decls)
    for number, line in enumerate(lines, 1):
        if line == "":
            continue
        if number == 6:
            record = json.loads(out[len(expected)])
            assert record["schema"] == "pinggu-error/1" and record["line"] == 6
            assert record["errors"][0]["field"] == "" and "not valid JSON" in record["errors"][0]["message"]
            expected.append(out[len(expected)])
        elif number == 12:
            record = json.loads(out[len(expected)])
            assert record["line"] == 12
            assert {"field": "support_year", "message": "required field is missing"} in record["errors"]
            expected.append(out[len(expected)])
        else:
            expected.append(dumps_line(assess(next(it))))
    assert out == expected


def test_batch_options_line_carries_interpretations_and_parameters(client, tmp_path):
    data = baseline()
    set_annual(data, 2024, gross_output=200_000_000)
    set_annual(data, 2025, gross_output=220_000_000)
    reform = _reform(tmp_path, "art3_cap", 50_000)
    (tmp_path / "request").write_text(reform, encoding="utf-8")
    options = {"schema": "pinggu-batch-options/1", "interpretations": ["I-output-stack"], "parameters": reform}
    body = json.dumps(options) + "\n" + json.dumps(data) + "\n"
    response = client.post("/v1/batch", content=body.encode())
    expected = assess(data, interpretations=["I-output-stack"], parameters=tmp_path / "request")
    assert response.text == dumps_line(expected) + "\n"


def test_batch_with_bad_options_is_refused_before_anything_streams(client):
    body = json.dumps({"schema": "pinggu-batch-options/1", "interpretations": ["I-nonsense"]}) + "\n{}\n"
    response = client.post("/v1/batch", content=body.encode())
    assert response.status_code == 422
    assert _fields(response) == ["interpretations"]
    body = json.dumps({"schema": "pinggu-batch-options/1", "colour": "red"}) + "\n{}\n"
    assert _fields(client.post("/v1/batch", content=body.encode())) == ["line 1: colour"]


def test_batch_over_its_size_limit_is_413(client):
    line = json.dumps(baseline()) + "\n"
    response = client.post("/v1/batch", content=(line * (256 * 1024 // len(line) + 1)).encode())
    assert response.status_code == 413
    assert _fields(response) == ["body"]


# --- bad requests -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        (b"not json", "body", "not valid JSON"),
        (b"", "body", "empty"),
        (b"[1, 2]", "body", "JSON object"),
        (b"\xff\xfe", "body", "UTF-8"),
        (b'{"declaration": {}, "declaration": {}}', "body", "appears twice"),
        (b"[" * 100_000 + b"]" * 100_000, "body", ""),
    ],
)
def test_a_body_that_is_not_a_json_object_is_400(client, body, field, words):
    response = client.post("/v1/check", content=body)
    assert response.status_code in (400, 413)
    [error] = _errors(response)
    assert error["field"] == field and words in error["message"]


def test_a_request_of_the_wrong_shape_is_422_naming_each_field(client):
    response = client.post("/v1/check", json={"declaration": 5, "interpretations": "I-upgrade-full", "colour": 1})
    assert response.status_code == 422
    assert sorted(_fields(response)) == ["colour", "declaration", "interpretations"]
    assert _fields(client.post("/v1/check", json={})) == ["declaration"]


def test_a_declaration_of_the_wrong_schema_is_422_naming_the_fields(client):
    data = baseline()
    data["support_year"] = "next year"
    del data["enterprise"]["credit_code"]
    data["annual"][0]["gross_output"] = -5
    response = client.post("/v1/check", json={"declaration": data})
    assert response.status_code == 422
    fields = _fields(response)
    assert "declaration.support_year" in fields
    assert "declaration.enterprise.credit_code" in fields
    assert any(f.startswith("declaration.annual[2023].gross_output") for f in fields)


def test_invalid_yaml_text_is_422_naming_the_declaration(client):
    response = client.post("/v1/check", json={"declaration": "a: [unclosed"})
    assert response.status_code == 422
    [error] = _errors(response)
    assert error["field"] == "declaration" and "not valid YAML" in error["message"]


def test_an_unknown_reading_or_a_bad_reform_is_422(client):
    response = client.post("/v1/check", json={"declaration": EXAMPLE_TEXT, "interpretations": ["I-nonsense"]})
    assert response.status_code == 422 and _fields(response) == ["interpretations"]
    assert "I-nonsense" in response.json()["errors"][0]["message"]
    response = client.post("/v1/check", json={"declaration": EXAMPLE_TEXT, "parameters": "schema: x"})
    assert response.status_code == 422 and _fields(response) == ["parameters"]
    assert "pinggu-parameters/1" in response.json()["errors"][0]["message"]
    # The scratch file the loader reads is never named.
    assert "pinggu-serve-" not in response.text and "/tmp" not in response.text


def test_bad_query_values_are_422(client):
    response = client.post("/v1/explain?lang=fr&format=pdf", json={"declaration": EXAMPLE_TEXT})
    assert response.status_code == 422
    assert sorted(_fields(response)) == ["query.format", "query.lang"]


def test_hostile_ids_and_text_are_data(client, tmp_path):
    """Text that looks like ASP reaches clingo only as a string: the decision is the CLI's."""
    data = baseline()
    data["enterprise"]["name"] = 'x"). #program base. award(art3.output_growth). %'
    data["enterprise"]["locality"] = "马坊镇\"). :- . #show."
    data["orders"] = [{
        "id": 'o"). #external z. %' + "\u202e" * 3, "program": "auto_parts", "counterparty": "#include \"/etc/passwd\".",
        "counterparty_kind": "nev_oem", "counterparty_in_pinggu": False, "counterparty_affiliated": False,
        "signed_date": "2025-09-01", "executed": {"2025": 26_000_000}, "supported_years": [],
    }]
    path = _json_file(tmp_path, data)
    response = client.post("/v1/check", json={"declaration": data})
    assert response.status_code == 200
    assert response.text == cli("check", str(path))
    assert "root:" not in response.text


def test_an_id_over_its_length_is_422(client):
    data = baseline()
    data["orders"] = [{"id": "o" * 5000, "program": "auto_parts", "counterparty": "c", "counterparty_kind": "nev_oem",
                       "signed_date": "2025-09-01", "executed": {"2025": 1}}]
    response = client.post("/v1/check", json={"declaration": data})
    assert response.status_code == 422
    assert any(f.startswith("declaration.orders[0].id") for f in _fields(response))


def test_a_body_over_the_limit_is_413_whether_or_not_its_length_is_declared(client):
    big = json.dumps({"declaration": "x" * (64 * 1024)}).encode()
    response = client.post("/v1/check", content=big)
    assert response.status_code == 413
    assert _fields(response) == ["body"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        for _ in range(80):
            yield b" " * 1024

    response = client.post("/v1/check", content=chunks())
    assert response.status_code == 413


def test_the_default_body_limit_is_2_mib():
    with TestClient(create_app(Settings(workers=1))) as c:
        response = c.post("/v1/check", content=b" " * (2 * 1024 * 1024 + 1))
        assert response.status_code == 413
        assert "2097152" in response.json()["errors"][0]["message"]


def test_unknown_paths_and_methods_are_json_errors(client):
    response = client.get("/v1/nothing")
    assert response.status_code == 404 and _errors(response)
    response = client.get("/v1/check")
    assert response.status_code == 405 and _errors(response)


def test_no_request_reaches_a_file(client):
    """A string is a declaration's text, never a path; the example's own path is refused as YAML content."""
    response = client.post("/v1/check", json={"declaration": str(EXAMPLE)})
    assert response.status_code == 422
    assert _fields(response) == ["declaration"]
    response = client.post("/v1/check", json={"declaration": EXAMPLE_TEXT, "parameters": str(rules_dir() / "parameters.yaml")})
    assert response.status_code == 422 and _fields(response) == ["parameters"]
    assert client.get("/static/../pyproject.toml").status_code == 404
    assert client.get("/static/%2e%2e/app.py").status_code == 404


# --- the token ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def guarded() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(workers=1, token="s3cret-token"))) as c:
        yield c


@pytest.mark.parametrize("header", [None, "Bearer wrong", "Bearer s3cret-token-and-more", "Basic czNjcmV0LXRva2Vu", "s3cret-token"])
def test_a_missing_or_wrong_token_is_401(guarded, header):
    headers = {"Authorization": header} if header else {}
    for response in (guarded.post("/v1/check", json={"declaration": EXAMPLE_TEXT}, headers=headers),
                     guarded.get("/v1/health", headers=headers), guarded.get("/v1/rules", headers=headers),
                     guarded.post("/v1/batch", content=b"{}\n", headers=headers)):
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
        assert _fields(response) == ["Authorization"]


def test_the_right_token_is_accepted_and_the_page_needs_none(guarded):
    response = guarded.post("/v1/check", json={"declaration": EXAMPLE_TEXT}, headers={"Authorization": "Bearer s3cret-token"})
    assert response.status_code == 200 and response.text == cli("check", str(EXAMPLE))
    assert guarded.get("/").status_code == 200  # the page holds no data; its calls send the token


# --- the time limit -------------------------------------------------------------------------


def _worker_pids() -> set[int]:
    """This process's engine worker processes (pool.py)."""
    pids = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == os.getpid() and b"pinggu_asp.service.pool" in cmdline and " Z " not in stat:
            pids.add(int(entry.name))
    return pids


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads worker processes from /proc (Linux)")
def test_a_request_past_the_time_limit_is_503_and_its_worker_is_killed_and_replaced():
    others = _worker_pids()  # workers of the other test clients still open
    # 1 ms: a worker's lone check took about 20 ms on the fastest machine yet, so 10 ms left a margin of two.
    with TestClient(create_app(Settings(workers=1, time_limit=0.001))) as c:
        before = _worker_pids() - others
        assert len(before) == 1
        response = c.post("/v1/check", json={"declaration": EXAMPLE_TEXT})
        assert response.status_code == 503
        [error] = _errors(response)
        assert "time limit" in error["message"] and "0.001 s" in error["message"]
        deadline = time.monotonic() + 30
        after = _worker_pids() - others
        while time.monotonic() < deadline and not (after and not after & before):
            time.sleep(0.1)
            after = _worker_pids() - others
        # The old worker is gone (killed, not left running the request) and a fresh one is ready.
        assert len(after) == 1 and not after & before


def test_a_batch_group_past_the_time_limit_gets_error_records():
    with TestClient(create_app(Settings(workers=1, time_limit=0.001, batch_group=2))) as c:
        body = "\n".join(json.dumps(baseline()) for _ in range(3)) + "\n"
        response = c.post("/v1/batch", content=body.encode())
        assert response.status_code == 200
        records = [json.loads(line) for line in response.text.splitlines()]
        assert [r["line"] for r in records] == [1, 2, 3]
        assert all("time limit" in r["errors"][0]["message"] for r in records)


def test_every_response_says_nosniff_and_no_store_once() -> None:
    # Answers, errors, the page, the schema and a stream alike (app._DefaultHeaders).
    with TestClient(create_app(Settings(workers=1))) as client:
        responses = [
            client.post("/v1/check", content=EXAMPLE.read_bytes(), headers={"Content-Type": "application/yaml"}),
            client.post("/v1/check", json={"declaration": EXAMPLE.read_text(encoding="utf-8")}),
            client.get("/no-such-page"),
            client.get("/"),
            client.get("/openapi.json"),
            client.post("/v1/batch", content=b"{}\n"),
        ]
    assert [r.status_code for r in responses] == [400, 200, 404, 200, 200, 200]
    for response in responses:
        assert response.headers.get_list("x-content-type-options") == ["nosniff"], response.url
        assert response.headers.get_list("cache-control") == ["no-store"], response.url

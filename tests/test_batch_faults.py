"""One declaration's fault is that declaration's error record: a reform with no value in force on its date,
an unreadable line, a line the engine fails on. Every other declaration is still decided, in the CLI batch and
in the service's /v1/batch, /v1/check and /v1/whatif."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from batch_support import batch, read_jsonl, write_lines
from pinggu_asp.api import assess
from pinggu_asp.engine import solve
from pinggu_asp.engine.result import dumps_line
from pinggu_asp.service import Settings, create_app
from pinggu_asp.service.work import do_batch_group
from support import baseline, set_annual

# A reform whose art3_cap takes effect on 2026-06-01: nothing is in force for a declaration dated before.
LATE = """schema: pinggu-parameters/1
parameters:
  art3_cap:
    values: {2026-06-01: 50000}
"""
DATES = ["2026-03-01", "2026-07-01", "2026-05-31", "2026-06-01"]
IN_FORCE = [False, True, False, True]


def _declaration(date: str, name: str = "测试企业") -> dict[str, Any]:
    data = baseline(declaration_date=date)
    set_annual(data, 2024, gross_output=200_000_000)
    set_annual(data, 2025, gross_output=220_000_000)  # art3 earns: the cap matters
    data["enterprise"]["name"] = name
    return data


@pytest.fixture(scope="module")
def late(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("late") / "late.yaml"
    path.write_text(LATE, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(workers=1, batch_group=16))) as c:
        yield c


def test_a_late_reform_as_the_parameters_errs_only_the_earlier_declarations(tmp_path: Path, late: Path) -> None:
    decls = [_declaration(d) for d in DATES]
    source = write_lines(tmp_path / "in.jsonl", [json.dumps(d, ensure_ascii=False) for d in decls])
    output, summary = tmp_path / "out.jsonl", tmp_path / "summary.json"
    result = batch(source, "-o", output, "--jobs", 1, "--parameters", late, "--summary", summary)
    assert result.exit_code == 0, result.output
    records = read_jsonl(output)
    assert len(records) == 4
    for line, (record, decl, ok) in enumerate(zip(records, decls, IN_FORCE, strict=True), 1):
        if ok:
            assert dumps_line(record) == dumps_line(assess(decl, parameters=late))
            assert [a["amount_yuan"] for a in record["awards"] if a["clause"].startswith("art3")] == [50000]
        else:
            assert record["schema"] == "pinggu-error/1" and record["line"] == line
            assert record["kind"] == "parameters"
            [error] = record["errors"]
            assert error["field"] == "declaration_date"
            assert "art3_cap" in error["message"] and decl["declaration_date"] in error["message"]
    doc = json.loads(summary.read_text(encoding="utf-8"))
    assert (doc["declarations"], doc["decided"], doc["invalid"]) == (4, 2, 2)


def test_a_late_reform_to_compare_lists_the_declarations_it_cannot_decide(tmp_path: Path, late: Path) -> None:
    decls = [_declaration(d) for d in DATES]
    source = write_lines(tmp_path / "in.jsonl", [json.dumps(d, ensure_ascii=False) for d in decls])
    output, summary = tmp_path / "out.jsonl", tmp_path / "summary.json"
    result = batch(source, "-o", output, "--jobs", 2, "--chunk-size", 1, "--compare-parameters", late,
                   "--summary", summary)
    assert result.exit_code == 0, result.output
    records = read_jsonl(output)
    assert [r["schema"] for r in records] == ["pinggu-result/1"] * 4  # the baseline decides every one
    comparison = json.loads(summary.read_text(encoding="utf-8"))["comparison"]
    assert [item["line"] for item in comparison["reform_errors"]["items"]] == [1, 3]
    assert all("art3_cap" in item["message"] for item in comparison["reform_errors"]["items"])
    # The two the reform decides changed (the cap); the two it cannot are in neither total.
    assert [item["line"] for item in comparison["enterprises_changed"]["items"]] == [2, 4]
    base_total = sum(r["total_yuan"] for r, ok in zip(records, IN_FORCE, strict=True) if ok)
    assert comparison["total"]["baseline_yuan"] == base_total


def test_a_late_reform_in_v1_batch_is_a_record_for_that_line_only(client: TestClient, late: Path) -> None:
    request = late.parent / "request"  # the service names parameters that came in a request "request"
    request.write_text(LATE, encoding="utf-8")
    decls = [_declaration(d) for d in DATES]
    options = {"schema": "pinggu-batch-options/1", "parameters": LATE}
    body = "\n".join([json.dumps(options)] + [json.dumps(d, ensure_ascii=False) for d in decls]) + "\n"
    response = client.post("/v1/batch", content=body.encode())
    assert response.status_code == 200
    out = response.text.splitlines()
    assert len(out) == 4
    for number, (line, decl, ok) in enumerate(zip(out, decls, IN_FORCE, strict=True), 2):
        if ok:
            assert line == dumps_line(assess(decl, parameters=request))
        else:
            record = json.loads(line)
            assert record["line"] == number
            [error] = record["errors"]
            assert error["field"] == "declaration_date" and "art3_cap" in error["message"]


def test_a_late_reform_in_v1_check_is_422(client: TestClient) -> None:
    response = client.post("/v1/check", json={"declaration": _declaration("2026-03-01"), "parameters": LATE})
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "declaration_date" and "2026-06-01" in error["message"]
    fine = client.post("/v1/check", json={"declaration": _declaration("2026-07-01"), "parameters": LATE})
    assert fine.status_code == 200


def test_a_late_reform_in_v1_whatif_is_422(client: TestClient) -> None:
    body = {"declaration": _declaration("2026-03-01"), "parameters": LATE, "params": ["art3_rate=2/100"]}
    response = client.post("/v1/whatif", json=body)
    assert response.status_code == 422
    assert any("art3_cap" in e["message"] for e in response.json()["errors"])
    body["declaration"] = _declaration("2026-07-01")
    assert client.post("/v1/whatif", json=body).status_code == 200


# --- one unreadable line ----------------------------------------------------------------------------


@pytest.fixture
def failing_facts(monkeypatch: pytest.MonkeyPatch) -> None:
    """The declaration named 坏企业 makes the engine fail as clingo does on a number past 32 bits."""
    real = solve.member_facts

    def facts(decl: Any, params: Any) -> Any:
        if decl.enterprise.name == "坏企业":
            raise OverflowError("integer 1099511627776 does not fit '32-bit int'")
        return real(decl, params)

    monkeypatch.setattr(solve, "member_facts", facts)


def _mixed() -> tuple[list[str], list[dict[str, Any]]]:
    good = [_declaration("2026-04-10", f"企业{i}") for i in range(4)]
    lines = [json.dumps(good[0], ensure_ascii=False), json.dumps(good[1], ensure_ascii=False), "{not json",
             json.dumps(_declaration("2026-04-10", "坏企业"), ensure_ascii=False),
             json.dumps(good[2], ensure_ascii=False), json.dumps(good[3], ensure_ascii=False)]
    return lines, good


def test_a_malformed_line_and_a_failing_line_cost_only_themselves_in_a_cli_batch(
    tmp_path: Path, failing_facts: None
) -> None:
    lines, good = _mixed()
    source = write_lines(tmp_path / "in.jsonl", lines)
    output, summary = tmp_path / "out.jsonl", tmp_path / "summary.json"
    result = batch(source, "-o", output, "--jobs", 1, "--summary", summary)  # one chunk holds every line
    assert result.exit_code == 0, result.output
    records = read_jsonl(output)
    assert [r.get("line") for r in records] == [None, None, 3, 4, None, None]
    assert "not valid JSON" in records[2]["errors"][0]["message"]
    assert records[3]["kind"] == "engine" and "OverflowError" in records[3]["errors"][0]["message"]
    decided = [r for r in records if r["schema"] == "pinggu-result/1"]
    assert [dumps_line(r) for r in decided] == [dumps_line(assess(d)) for d in good]
    doc = json.loads(summary.read_text(encoding="utf-8"))
    assert (doc["decided"], doc["invalid"], doc["engine_errors"]) == (4, 1, 1)


def test_a_malformed_line_and_a_failing_line_cost_only_themselves_in_a_v1_batch_group(failing_facts: None) -> None:
    lines, good = _mixed()
    out = do_batch_group([(n, line.encode()) for n, line in enumerate(lines, 1)], [], None)
    assert len(out) == 6
    assert json.loads(out[2])["line"] == 3 and json.loads(out[3])["line"] == 4
    assert "OverflowError" in json.loads(out[3])["errors"][0]["message"]
    assert [out[i] for i in (0, 1, 4, 5)] == [dumps_line(assess(d)) for d in good]

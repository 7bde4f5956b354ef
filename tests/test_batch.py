"""pinggu-asp batch over JSON Lines: each result is byte for byte what `check -f jsonl` prints, in input order.

Invalid declarations get an error record in their place and stop nothing; an
input that cannot be read at all, or a wrong option, writes nothing and exits 2.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from batch_support import batch, generated, read_jsonl, write_lines
from pinggu_asp.batch.command import BatchOptions, execute
from pinggu_asp.cli import app
from pinggu_asp.engine import decide as engine
from pinggu_asp.engine.solve import EngineError
from support import EXAMPLE, baseline, set_annual

POPULATION = 500


@pytest.fixture(scope="module")
def population_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated(tmp_path_factory.mktemp("pop") / "population.jsonl", POPULATION, seed=81, invalid=0.02)


@pytest.fixture(scope="module")
def one_by_one(population_file: Path, tmp_path_factory: pytest.TempPathFactory) -> list[str | None]:
    """What `check -f jsonl` prints for each line on its own (None where check refuses it with exit 2)."""
    folder = tmp_path_factory.mktemp("one")
    runner = CliRunner()
    out: list[str | None] = []
    for number, line in enumerate(population_file.read_text(encoding="utf-8").splitlines(), start=1):
        path = folder / f"{number}.json"
        path.write_text(line, encoding="utf-8")
        result = runner.invoke(app, ["check", str(path), "-f", "jsonl"])
        assert result.exit_code in (0, 2), result.output
        out.append(result.stdout if result.exit_code == 0 else None)
    return out


@pytest.mark.parametrize("jobs", [1, 2])
def test_batch_is_check_byte_for_byte(jobs: int, population_file: Path, one_by_one: list[str | None],
                                      tmp_path: Path) -> None:
    output = tmp_path / "results.jsonl"
    result = batch(population_file, "-o", output, "--jobs", jobs)
    assert result.exit_code == 0, result.output
    lines = output.read_text(encoding="utf-8").splitlines(keepends=True)
    assert len(lines) == POPULATION
    invalid = 0
    for number, (line, expected) in enumerate(zip(lines, one_by_one, strict=True), start=1):
        if expected is None:
            record = json.loads(line)
            assert record["schema"] == "pinggu-error/1" and record["line"] == number
            invalid += 1
        else:
            assert line == expected, f"line {number} differs from check"
    assert invalid > 0, "the population should hold invalid lines"
    assert f"{invalid} invalid" in result.stderr


def test_an_invalid_line_in_the_middle_gets_its_record_and_the_rest_their_results(tmp_path: Path) -> None:
    good = json.dumps(baseline(), ensure_ascii=False)
    negative = json.dumps(set_annual(baseline(), 2025, gross_output=-5), ensure_ascii=False)
    source = write_lines(tmp_path / "in.jsonl", [good, negative, "{not json", "", good])
    output = tmp_path / "out.jsonl"
    result = batch(source, "-o", output, "--jobs", 1)
    assert result.exit_code == 0, result.output
    assert "2 invalid" in result.stderr
    records = read_jsonl(output)
    assert [r["schema"] for r in records] == ["pinggu-result/1", "pinggu-error/1", "pinggu-error/1", "pinggu-result/1"]
    assert records[1] == {"schema": "pinggu-error/1", "line": 2, "errors": [
        {"field": "annual[2025].gross_output", "message": records[1]["errors"][0]["message"]}]}
    assert "negative" in records[1]["errors"][0]["message"]
    assert records[2]["line"] == 3 and records[2]["errors"][0]["field"] == ""
    # the blank line 4 holds no declaration; line 5 is the fourth record
    assert records[3]["enterprise"]["name"] == "测试企业"


def test_an_engine_error_is_recorded_in_place_and_stops_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = engine.solve_many

    def failing(decls, ruleset, params=None):  # type: ignore[no-untyped-def]
        # The group is decided for real; the marked member's outcome becomes an engine error.
        out = real(decls, ruleset, params)
        return [EngineError("the rules could not decide exactly") if d.enterprise.name == "坏企业" else o
                for d, o in zip(decls, out, strict=True)]

    monkeypatch.setattr(engine, "solve_many", failing)
    bad = baseline()
    bad["enterprise"]["name"] = "坏企业"
    source = write_lines(tmp_path / "in.jsonl", [json.dumps(baseline()), json.dumps(bad), json.dumps(baseline())])
    output, summary = tmp_path / "out.jsonl", tmp_path / "summary.json"
    result = batch(source, "-o", output, "--jobs", 1, "--summary", summary)
    assert result.exit_code == 0, result.output
    records = read_jsonl(output)
    assert records[1] == {"schema": "pinggu-error/1", "line": 2, "kind": "engine",
                          "errors": [{"field": "", "message": "the rules could not decide exactly"}]}
    assert records[0]["schema"] == records[2]["schema"] == "pinggu-result/1"
    doc = json.loads(summary.read_text(encoding="utf-8"))
    assert (doc["decided"], doc["invalid"], doc["engine_errors"]) == (2, 0, 1)
    assert "1 engine errors" in result.stderr


@pytest.mark.parametrize(
    ("make_args", "message"),
    [
        (lambda d: [d / "missing.jsonl", "-o", d / "out.jsonl"], "no such file"),
        (lambda d: [EXAMPLE, "-o", d / "out.jsonl"], "must be .jsonl or .xlsx"),
        (lambda d: [d / "in.jsonl", "-o", d / "out.txt"], "must be .jsonl, .xlsx or .csv"),
        (lambda d: [d / "in.jsonl", "-o", d / "out.jsonl", "--jobs", "0"], "at least 1"),
        (lambda d: [d / "in.jsonl", "-o", d / "out.jsonl", "-i", "I-nonsense"], "unknown interpretation"),
        (lambda d: [d / "in.jsonl", "-o", d / "out.jsonl", "--summary", d / "s.json", "--compare-param", "art3_cap"],
         "NAME=VALUE"),
        (lambda d: [d / "in.jsonl", "-o", d / "out.jsonl", "--summary", d / "s.json", "--compare-param", "nope=1"],
         "unknown parameter"),
        (lambda d: [d / "in.jsonl", "-o", d / "out.jsonl", "--compare-param", "art3_cap=6000000"], "--summary"),
        (lambda d: [d / "in.jsonl", "-o", d / "in.jsonl"], "overwrite the input"),
        (lambda d: [d / "in.jsonl", "-o", d / "out.jsonl", "--cluster", "tcp://127.0.0.1:9", "--jobs", "2"], "exclude"),
    ],
)
def test_an_unusable_input_or_option_writes_nothing_and_exits_2(make_args, message: str, tmp_path: Path) -> None:
    write_lines(tmp_path / "in.jsonl", [json.dumps(baseline())])
    before = sorted(p.name for p in tmp_path.iterdir())
    result = batch(*make_args(tmp_path))
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_a_failed_batch_leaves_the_previous_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = write_lines(tmp_path / "in.jsonl", [json.dumps(baseline())] * 3)
    output = tmp_path / "out.jsonl"
    output.write_text("previous\n", encoding="utf-8")

    def killed(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr("pinggu_asp.batch.run.check_many", killed)
    with pytest.raises(KeyboardInterrupt):
        execute(BatchOptions(input=source, output=output, jobs=1))
    assert output.read_text(encoding="utf-8") == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.jsonl"]


def test_the_progress_bar_counts_declarations_on_request(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    source = write_lines(tmp_path / "in.jsonl", [json.dumps(baseline())] * 2)
    report = execute(BatchOptions(input=source, output=tmp_path / "out.jsonl", jobs=1, progress=True))
    assert report.declarations == 2
    assert "2/2" in capfd.readouterr().err


def test_check_jsonl_is_the_json_document_on_one_line() -> None:
    runner = CliRunner()
    line = runner.invoke(app, ["check", str(EXAMPLE), "-f", "jsonl"]).stdout
    pretty = runner.invoke(app, ["check", str(EXAMPLE)]).stdout
    assert line.endswith("\n") and line.count("\n") == 1
    assert json.loads(line) == json.loads(pretty)

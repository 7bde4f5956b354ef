"""Issue 19 §6: help shows the real syntax, output names match their format, batch reads what auditors
have, `init` gives a starter kit, `serve` on a busy port is not "undecided", and the package's small conventions."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pinggu_asp.cli import EXIT_SERVE, app
from support import EXAMPLE, REPO

runner = CliRunner()


def _help(*command: str) -> str:
    out = runner.invoke(app, [*command, "-h"], env={"COLUMNS": "200"})
    assert out.exit_code == 0, out.output
    return out.output


def test_help_shows_brackets_as_written():
    whatif = _help("whatif")
    assert "orders[o-9]" in whatif and "annual[2025].gross_output" in whatif
    assert "orders=null" not in whatif
    assert ".[cluster]" in _help("batch")


@pytest.mark.parametrize(
    ("command", "name"),
    [
        (["check", str(EXAMPLE)], "report.html"),
        (["check", str(EXAMPLE)], "report.md"),
        (["check", str(EXAMPLE)], "result.csv"),
        (["explain", str(EXAMPLE)], "explanation.jsonl"),
        (["explain", str(EXAMPLE)], "explanation.pdf"),
        (["whatif", str(EXAMPLE), "--set", "annual[2025].gross_output=120000000"], "diff.xlsx"),
        (["rules"], "rules.html"),
        (["readings"], "readings.md"),
        (["schema", "result"], "result.txt"),
    ],
)
def test_an_output_suffix_the_command_cannot_write_is_exit_2(tmp_path: Path, command: list[str], name: str):
    target = tmp_path / name
    out = runner.invoke(app, [*command, "-o", str(target)])
    assert out.exit_code == 2, out.output
    assert "cannot write" in out.output and Path(name).suffix in out.output
    assert not target.exists()


@pytest.mark.parametrize(
    ("command", "name", "fmt"),
    [
        (["check", str(EXAMPLE)], "summary.txt", "json"),
        (["check", str(EXAMPLE)], "result.json", "text"),
        (["explain", str(EXAMPLE)], "report.html", "md"),
        (["rules"], "rules.json", "text"),
    ],
)
def test_a_suffix_that_contradicts_format_is_exit_2(tmp_path: Path, command: list[str], name: str, fmt: str):
    target = tmp_path / name
    out = runner.invoke(app, [*command, "-f", fmt, "-o", str(target)])
    assert out.exit_code == 2, out.output
    assert not target.exists()


def test_rules_and_readings_write_to_o_in_the_suffix_format(tmp_path: Path):
    rules = tmp_path / "rules.json"
    assert runner.invoke(app, ["rules", "-o", str(rules)]).exit_code == 0
    assert json.loads(rules.read_text(encoding="utf-8"))["schema"] == "pinggu-rules/1"
    text = tmp_path / "rules.txt"
    assert runner.invoke(app, ["rules", "-o", str(text)]).exit_code == 0
    assert not text.read_text(encoding="utf-8").lstrip().startswith("{")
    readings = tmp_path / "readings.json"
    assert runner.invoke(app, ["readings", "-o", str(readings)]).exit_code == 0
    assert json.loads(readings.read_text(encoding="utf-8"))["schema"] == "pinggu-readings/1"


def _declaration_files(folder: Path) -> list[Path]:
    """The example as YAML, the same as JSON with another enterprise, and one invalid file."""
    from pinggu_asp.loading import parse_text

    folder.mkdir()
    (folder / "a.yaml").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    data = parse_text(EXAMPLE.read_text(encoding="utf-8"), "example.yaml")
    data["enterprise"]["name"] = "第二家企业"
    (folder / "b.json").write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
    (folder / "c.yaml").write_text("schema: pinggu-declaration/1\nsupport_year: many\n", encoding="utf-8")
    (folder / "notes.txt").write_text("not a declaration", encoding="utf-8")
    return [folder / "a.yaml", folder / "b.json", folder / "c.yaml"]


def test_batch_of_a_folder_names_the_file_of_each_error(tmp_path: Path):
    files = _declaration_files(tmp_path / "declarations")
    out_path = tmp_path / "results.jsonl"
    out = runner.invoke(app, ["batch", str(tmp_path / "declarations"), "-o", str(out_path), "--jobs", "1"])
    assert out.exit_code == 0, out.output
    lines = [json.loads(line) for line in out_path.read_text(encoding="utf-8").splitlines()]
    assert [line["schema"] for line in lines] == ["pinggu-result/1", "pinggu-result/1", "pinggu-error/1"]
    assert [line["enterprise"]["name"] for line in lines[:2]] == ["北京平谷示例精密制造有限公司", "第二家企业"]
    assert lines[2]["file"] == str(files[2]) and any(e["field"] == "support_year" for e in lines[2]["errors"])
    # the same as deciding each file alone
    alone = json.loads(runner.invoke(app, ["check", str(files[0]), "-f", "jsonl"]).stdout)
    assert lines[0] == alone


def test_batch_of_several_files_and_standard_input_to_standard_output(tmp_path: Path):
    files = _declaration_files(tmp_path / "declarations")
    line = runner.invoke(app, ["check", str(EXAMPLE), "-f", "jsonl"]).stdout
    example = json.dumps(json.loads(line)["enterprise"])
    from pinggu_asp.loading import parse_text

    stdin_line = json.dumps(parse_text(EXAMPLE.read_text(encoding="utf-8"), "x.yaml"), ensure_ascii=False,
                            default=str)
    out = runner.invoke(app, ["batch", str(files[1]), "-", str(files[0]), "-o", "-", "--jobs", "1"],
                        input=stdin_line + "\n")
    assert out.exit_code == 0, out.output
    results = [json.loads(x) for x in out.stdout.splitlines()]
    assert [r["enterprise"]["name"] for r in results] == ["第二家企业", "北京平谷示例精密制造有限公司",
                                                         "北京平谷示例精密制造有限公司"]
    assert json.dumps(results[1]["enterprise"]) == example
    assert "3 declarations: 3 decided" in out.stderr


def test_batch_refuses_an_empty_folder_and_a_workbook_among_files(tmp_path: Path):
    (tmp_path / "empty").mkdir()
    out = runner.invoke(app, ["batch", str(tmp_path / "empty"), "-o", str(tmp_path / "r.jsonl")])
    assert out.exit_code == 2 and "no .yaml" in out.output
    out = runner.invoke(app, ["batch", str(EXAMPLE), str(REPO / "examples" / "declarations.xlsx"),
                              "-o", str(tmp_path / "r.jsonl")])
    assert out.exit_code == 2 and "workbook" in out.output
    assert not (tmp_path / "r.jsonl").exists()


def test_init_writes_a_starter_kit_that_works(tmp_path: Path):
    kit = tmp_path / "kit"
    out = runner.invoke(app, ["init", str(kit)])
    assert out.exit_code == 0, out.output
    assert sorted(p.name for p in kit.iterdir()) == ["declaration.yaml", "declarations.xlsx", "population.jsonl"]
    assert (kit / "declaration.yaml").read_text(encoding="utf-8") == EXAMPLE.read_text(encoding="utf-8")
    assert len((kit / "population.jsonl").read_text(encoding="utf-8").splitlines()) == 20
    decided = runner.invoke(app, ["batch", str(kit / "declarations.xlsx"), "-o", str(tmp_path / "r.jsonl"), "-j", "1"])
    assert decided.exit_code == 0 and "1 decided" in decided.output
    assert runner.invoke(app, ["check", str(kit / "declaration.yaml")]).exit_code == 0


def test_init_refuses_a_folder_that_is_not_empty_unless_forced(tmp_path: Path):
    (tmp_path / "mine.txt").write_text("keep me", encoding="utf-8")
    out = runner.invoke(app, ["init", str(tmp_path)])
    assert out.exit_code == 2 and "not empty" in out.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.txt"]
    assert runner.invoke(app, ["init", str(tmp_path), "--force"]).exit_code == 0
    assert (tmp_path / "mine.txt").read_text(encoding="utf-8") == "keep me"
    assert (tmp_path / "declaration.yaml").is_file()


def test_the_population_in_the_kit_is_valid():
    from pinggu_asp.loading import declaration_from_data, parse_text
    from pinggu_asp.starter import write_starter  # noqa: F401 - the module ships the file

    text = (REPO / "pinggu_asp" / "starter" / "population.jsonl").read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), 1):
        declaration_from_data(parse_text(line, f"line {number}", fmt="json"))


def test_serve_on_a_busy_port_is_not_exit_3():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        out = runner.invoke(app, ["serve", "--port", str(port), "--workers", "1"])
    assert out.exit_code == EXIT_SERVE != 3
    assert f"127.0.0.1:{port}" in out.output


def test_python_dash_m_and_the_package_conventions():
    done = subprocess.run([sys.executable, "-m", "pinggu_asp", "--version"], capture_output=True, text=True, check=False)
    import pinggu_asp

    assert done.returncode == 0 and done.stdout.strip() == f"pinggu-asp {pinggu_asp.__version__}"
    from pinggu_asp.engine.solve import EngineError
    from pinggu_asp.loading import InputError

    assert pinggu_asp.InputError is InputError and pinggu_asp.EngineError is EngineError
    assert (REPO / "pinggu_asp" / "py.typed").is_file()
    assert "MIT License" in (REPO / "LICENSE").read_text(encoding="utf-8")
    # the version is written once: pyproject reads it from the package
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in pyproject and "\nversion =" not in pyproject


def test_the_wheel_carries_the_law_spec_schemas_and_starter_files():
    import tomllib

    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    included = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert included["policy/SPEC.md"] == "pinggu_asp/policy/SPEC.md"
    assert included["policy/measures-2025.zh.txt"] == "pinggu_asp/policy/measures-2025.zh.txt"
    for source in included:
        assert (REPO / source).exists(), source
    # package data beside the modules goes into the wheel with the package
    for name in ("schemas/result.schema.json", "starter/population.jsonl", "py.typed"):
        assert (REPO / "pinggu_asp" / name).is_file(), name
    assert "slow" in " ".join(pyproject["tool"]["pytest"]["ini_options"]["markers"])

"""The `pinggu-asp` command line: check (json|text, zh|en), validate, interpretations and a
parameters reform, with exit 2 for anything it cannot use.
"""

import json
import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from pinggu_asp.cli import app
from pinggu_asp.policy.rules_files import rules_dir
from support import EXAMPLE, baseline, clause, set_annual

runner = CliRunner()


def art3_declaration(tmp_path):
    """Art 3 eligible: 200,000,000 -> 220,000,000 pays 100,000."""
    data = baseline()
    set_annual(data, 2024, gross_output=200_000_000)
    set_annual(data, 2025, gross_output=220_000_000)
    path = tmp_path / "decl.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_check_json_is_the_default():
    result = runner.invoke(app, ["check", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["schema"] == "pinggu-result/1"
    for key in ("awards", "total_yuan", "clauses", "gates", "alternatives", "interpretations"):
        assert key in doc
    assert doc["total_yuan"] == sum(a["amount_yuan"] for a in doc["awards"])


def test_check_format_json_explicit_equals_default():
    a = runner.invoke(app, ["check", str(EXAMPLE)])
    b = runner.invoke(app, ["check", str(EXAMPLE), "--format", "json"])
    assert a.stdout == b.stdout


def test_check_text_in_chinese_by_default():
    result = runner.invoke(app, ["check", str(EXAMPLE), "--format", "text"])
    assert result.exit_code == 0, result.output
    assert "北京平谷示例精密制造有限公司" in result.stdout
    assert "万元" in result.stdout


def test_check_text_in_english():
    result = runner.invoke(app, ["check", str(EXAMPLE), "--format", "text", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert re.search(r"[A-Za-z]{4,}", result.stdout)
    assert "yuan" in result.stdout
    zh = runner.invoke(app, ["check", str(EXAMPLE), "--format", "text"]).stdout
    assert zh != result.stdout


def test_output_file(tmp_path):
    out = tmp_path / "result.json"
    result = runner.invoke(app, ["check", str(EXAMPLE), "--output", str(out)])
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["schema"] == "pinggu-result/1"


def test_validate():
    result = runner.invoke(app, ["validate", str(EXAMPLE)])
    assert result.exit_code == 0
    assert "valid pinggu-declaration/1" in result.stdout


@pytest.mark.parametrize("fmt", ["xml", ""])
def test_unknown_format_is_a_usage_error(fmt):
    result = runner.invoke(app, ["check", str(EXAMPLE), "--format", fmt])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_unknown_interpretation_exit_2():
    result = runner.invoke(app, ["check", str(EXAMPLE), "--interpretation", "I-no-such-reading"])
    assert result.exit_code == 2
    assert "I-no-such-reading" in result.stderr
    assert result.stdout == ""


def test_default_interpretation_name_is_not_a_switch():
    """Only the alternatives are switches; naming a default reading is refused too."""
    result = runner.invoke(app, ["check", str(EXAMPLE), "-i", "I-output-basis"])
    assert result.exit_code == 2


def test_interpretation_switch_changes_the_reading(tmp_path):
    """I-output-stack lets Art 3 and Art 4 stack on output:2025 (the example has both)."""
    default = json.loads(runner.invoke(app, ["check", str(EXAMPLE)]).stdout)
    stacked = runner.invoke(app, ["check", str(EXAMPLE), "--interpretation", "I-output-stack"])
    assert stacked.exit_code == 0, stacked.output
    doc = json.loads(stacked.stdout)
    assert "I-output-stack" in doc["interpretations"] and "I-output-basis" not in doc["interpretations"]
    assert clause(default, "art3.output_growth")["status"] == "superseded"
    assert clause(doc, "art3.output_growth")["status"] == "granted"


def reform(tmp_path, name, value):
    params = yaml.safe_load((rules_dir() / "parameters.yaml").read_text(encoding="utf-8"))
    params["parameters"][name]["values"] = {"2025-08-29": value}
    path = tmp_path / "reform.yaml"
    path.write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    return path


def test_parameters_reform_changes_the_outcome(tmp_path):
    """A copy with art3_cap lowered to 50,000 caps the 100,000 Art 3 award at 50,000."""
    decl = art3_declaration(tmp_path)
    before = json.loads(runner.invoke(app, ["check", str(decl)]).stdout)
    assert clause(before, "art3.output_growth")["amount_yuan"] == 100_000
    result = runner.invoke(app, ["check", str(decl), "--parameters", str(reform(tmp_path, "art3_cap", 50_000))])
    assert result.exit_code == 0, result.output
    after = json.loads(result.stdout)
    assert clause(after, "art3.output_growth")["amount_yuan"] == 50_000
    assert after["provenance"]["parameters_sha256"] != before["provenance"]["parameters_sha256"]


def test_raising_the_cap_raises_a_capped_award(tmp_path):
    data = baseline()
    set_annual(data, 2024, gross_output=1_000_000_000)
    set_annual(data, 2025, gross_output=3_000_000_000)
    decl = tmp_path / "big.json"
    decl.write_text(json.dumps(data), encoding="utf-8")
    before = json.loads(runner.invoke(app, ["check", str(decl)]).stdout)
    assert clause(before, "art3.output_growth")["amount_yuan"] == 5_000_000
    params = reform(tmp_path, "art3_cap", 20_000_000)
    after = json.loads(runner.invoke(app, ["check", str(decl), "--parameters", str(params)]).stdout)
    assert clause(after, "art3.output_growth")["amount_yuan"] == 10_000_000


def test_reform_of_a_threshold(tmp_path):
    """Raising the Art 3 growth threshold to 20% makes +10% fail."""
    decl = art3_declaration(tmp_path)
    doc = json.loads(runner.invoke(app, ["check", str(decl), "--parameters", str(reform(tmp_path, "art3_growth_min", "20/100"))]).stdout)
    assert clause(doc, "art3.output_growth")["status"] == "ineligible"


BAD_PARAMETERS = [
    ("not-yaml", "parameters: [\n"),
    ("wrong-schema", "schema: other\nparameters: {}\n"),
    ("empty", "schema: pinggu-parameters/1\nparameters: {}\n"),
    ("bad-kind", "schema: pinggu-parameters/1\nparameters:\n  x: {kind: colour, article: 3, phrase_zh: a, values: {2025-08-29: 1}}\n"),
    ("float-money", "schema: pinggu-parameters/1\nparameters:\n  x: {kind: money, article: 3, phrase_zh: a, values: {2025-08-29: 1.5}}\n"),
    ("bad-rate", "schema: pinggu-parameters/1\nparameters:\n  x: {kind: rate, article: 3, phrase_zh: a, values: {2025-08-29: '5%'}}\n"),
    ("unknown-field", "schema: pinggu-parameters/1\nparameters:\n  x: {kind: int, article: 3, phrase_zh: a, colour: red, values: {2025-08-29: 1}}\n"),
]


@pytest.mark.parametrize("text", [b[1] for b in BAD_PARAMETERS], ids=[b[0] for b in BAD_PARAMETERS])
def test_invalid_parameters_file_exit_2(tmp_path, text):
    path = tmp_path / "params.yaml"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out.json"
    result = runner.invoke(app, ["check", str(EXAMPLE), "--parameters", str(path), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert not out.exists()


def _overlay(tmp_path, body: str):
    path = tmp_path / "overlay.yaml"
    path.write_text("schema: pinggu-parameters/1\nparameters:\n" + body, encoding="utf-8")
    return path


def test_overlay_reform_of_one_parameter(tmp_path):
    """A reform holds only what it changes: art3_cap alone, the other parameters as shipped."""
    decl = art3_declaration(tmp_path)
    overlay = _overlay(tmp_path, "  art3_cap:\n    values: {2025-08-29: 50000}\n")
    result = runner.invoke(app, ["check", str(decl), "--parameters", str(overlay)])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert clause(doc, "art3.output_growth")["amount_yuan"] == 50_000
    assert doc["parameters"]["art3_cap"]["display"] == "50,000 元" and doc["parameters"]["art3_cap"]["value"] == 50_000
    assert doc["parameters"]["art3_rate"]["display"] == "0.5%"
    assert doc["provenance"]["parameters_source"] == "overlay.yaml"


def test_overlay_with_a_misspelt_name_suggests_the_nearest(tmp_path):
    overlay = _overlay(tmp_path, "  art3_cpa:\n    values: {2025-08-29: 50000}\n")
    result = runner.invoke(app, ["check", str(EXAMPLE), "--parameters", str(overlay)])
    assert result.exit_code == 2, result.output
    assert "art3_cpa" in result.stderr and "did you mean art3_cap?" in result.stderr


def test_future_dated_reform_value_is_an_error_not_applied(tmp_path):
    """The example is declared on 2026-04-10; a reform dated 2026-06-01 is not yet in force."""
    overlay = _overlay(tmp_path, "  art3_cap:\n    values: {2026-06-01: 50000}\n")
    out = tmp_path / "out.json"
    result = runner.invoke(app, ["check", str(EXAMPLE), "--parameters", str(overlay), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert "art3_cap" in result.stderr and "2026-06-01" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()


def test_dated_reform_the_latest_on_or_before_the_declaration_date_is_in_force(tmp_path):
    decl = art3_declaration(tmp_path)
    date = json.loads(Path(decl).read_text(encoding="utf-8"))["declaration_date"]
    overlay = _overlay(tmp_path, f"  art3_cap:\n    values: {{2025-08-29: 50000, {date}: 70000, 2099-01-01: 1}}\n")
    doc = json.loads(runner.invoke(app, ["check", str(decl), "--parameters", str(overlay)]).stdout)
    assert clause(doc, "art3.output_growth")["amount_yuan"] == 70_000
    assert doc["parameters"]["art3_cap"]["since"] == date


def test_missing_parameters_file_exit_2(tmp_path):
    result = runner.invoke(app, ["check", str(EXAMPLE), "--parameters", str(tmp_path / "none.yaml")])
    assert result.exit_code == 2


def test_no_arguments_shows_help():
    result = runner.invoke(app, [])
    assert "check" in result.output and "validate" in result.output


def test_parameters_file_with_an_unknown_parameter_exit_2(tmp_path):
    """A misspelt name would silently leave the real parameter as it was: refused."""
    params = yaml.safe_load((rules_dir() / "parameters.yaml").read_text(encoding="utf-8"))
    params["parameters"]["art3_cpa"] = params["parameters"]["art3_cap"]
    path = tmp_path / "params.yaml"
    path.write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(app, ["check", str(EXAMPLE), "--parameters", str(path)])
    assert result.exit_code == 2, result.output
    assert "art3_cpa" in result.stderr


def test_parameters_file_changing_a_kind_exit_2(tmp_path):
    params = yaml.safe_load((rules_dir() / "parameters.yaml").read_text(encoding="utf-8"))
    params["parameters"]["art3_cap"]["kind"] = "int"
    path = tmp_path / "params.yaml"
    path.write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(app, ["check", str(EXAMPLE), "--parameters", str(path)])
    assert result.exit_code == 2, result.output
    assert "art3_cap" in result.stderr


def test_copy_of_the_shipped_parameters_is_accepted(tmp_path):
    path = tmp_path / "copy.yaml"
    path.write_text((rules_dir() / "parameters.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    a = json.loads(runner.invoke(app, ["check", str(EXAMPLE)]).stdout)
    b = json.loads(runner.invoke(app, ["check", str(EXAMPLE), "--parameters", str(path)]).stdout)
    a.pop("provenance"), b.pop("provenance")
    assert a == b


def test_output_file_is_an_ordinary_readable_file(tmp_path):
    """--output writes atomically, but the file keeps the usual permissions (not mkstemp's 0600)."""
    import os
    import stat

    from support import EXAMPLE

    out = tmp_path / "result.json"
    result = runner.invoke(app, ["check", str(EXAMPLE), "-o", str(out)])
    assert result.exit_code == 0, result.output
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask


def test_output_into_a_missing_folder_is_a_clear_error(tmp_path):
    from support import EXAMPLE

    result = runner.invoke(app, ["check", str(EXAMPLE), "-o", str(tmp_path / "no" / "such" / "result.json")])
    assert result.exit_code == 2
    assert "cannot write" in result.output and "Traceback" not in result.output

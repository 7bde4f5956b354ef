"""Issue 11, item 6: the command line behaves as a newcomer expects."""

from __future__ import annotations

import json
import re
from pathlib import Path

from rich.cells import cell_len
from typer.testing import CliRunner

from pinggu_asp import __version__
from pinggu_asp.cli import app
from pinggu_asp.policy.readings import catalogue
from support import EXAMPLE

runner = CliRunner()


def test_dash_h_is_help_for_the_app_and_each_command():
    for args in (["-h"], ["check", "-h"], ["explain", "-h"], ["readings", "-h"]):
        out = runner.invoke(app, args)
        assert out.exit_code == 0, out.output
        assert "Usage" in out.output


def test_version():
    out = runner.invoke(app, ["--version"])
    assert out.exit_code == 0
    assert out.output.strip() == f"pinggu-asp {__version__}"


def test_dash_reads_the_declaration_from_stdin():
    from_file = runner.invoke(app, ["check", str(EXAMPLE)])
    from_stdin = runner.invoke(app, ["check", "-"], input=EXAMPLE.read_text(encoding="utf-8"))
    assert from_stdin.exit_code == 0, from_stdin.output
    assert json.loads(from_stdin.stdout)["total_yuan"] == json.loads(from_file.stdout)["total_yuan"]
    valid = runner.invoke(app, ["validate", "-"], input=EXAMPLE.read_text(encoding="utf-8"))
    assert valid.exit_code == 0 and "valid" in valid.output


def test_format_follows_the_output_suffix(tmp_path: Path):
    text = tmp_path / "summary.txt"
    assert runner.invoke(app, ["check", str(EXAMPLE), "-o", str(text)]).exit_code == 0
    assert not text.read_text(encoding="utf-8").lstrip().startswith("{")
    page = tmp_path / "report.html"
    assert runner.invoke(app, ["explain", str(EXAMPLE), "-o", str(page)]).exit_code == 0
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    md = tmp_path / "report.md"
    assert runner.invoke(app, ["explain", str(EXAMPLE), "-o", str(md)]).exit_code == 0
    assert md.read_text(encoding="utf-8").startswith("# ")
    data = tmp_path / "explanation.json"
    assert runner.invoke(app, ["explain", str(EXAMPLE), "-o", str(data)]).exit_code == 0
    assert json.loads(data.read_text(encoding="utf-8"))["schema"] == "pinggu-explanation/1"
    # -f names the format of a file without a suffix; a suffix that contradicts it is refused
    # (issue 19 §6; tests/test_cli_contracts.py)
    forced = tmp_path / "forced"
    assert runner.invoke(app, ["check", str(EXAMPLE), "-f", "json", "-o", str(forced)]).exit_code == 0
    assert json.loads(forced.read_text(encoding="utf-8"))["schema"] == "pinggu-result/1"
    assert runner.invoke(app, ["check", str(EXAMPLE), "-f", "json", "-o", str(tmp_path / "forced.txt")]).exit_code == 2


def _with(tmp_path: Path, old: str, new: str) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "decl.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_unknown_field_suggests_the_nearest(tmp_path: Path):
    out = runner.invoke(app, ["check", str(_with(tmp_path, "  registered_in_pinggu:", "  registerd_in_pinggu:"))])
    assert out.exit_code == 2
    assert "enterprise.registerd_in_pinggu: unknown field; did you mean registered_in_pinggu?" in out.stderr


def test_unknown_clause_suggests_the_nearest_and_is_exit_2():
    out = runner.invoke(app, ["explain", str(EXAMPLE), "-c", "art3.output_grwoth", "--lang", "en"])
    assert out.exit_code == 2
    assert "did you mean art3.output_growth?" in out.stderr
    unlisted = runner.invoke(app, ["explain", str(EXAMPLE), "-c", "art6.lighthouse", "--lang", "en"])
    assert unlisted.exit_code == 1


def test_unknown_reading_suggests_the_nearest():
    out = runner.invoke(app, ["check", str(EXAMPLE), "-i", "I-output-stak"])
    assert out.exit_code == 2
    assert "did you mean I-output-stack?" in out.stderr


def test_yaml_error_names_file_line_and_column(tmp_path: Path):
    path = tmp_path / "broken.yaml"
    path.write_text("schema: pinggu-declaration/1\nsupport_year: 2025\nratings: [1, 2\nenterprise: {}\n", encoding="utf-8")
    out = runner.invoke(app, ["check", str(path)])
    assert out.exit_code == 2
    assert re.search(rf"{re.escape(str(path))}:4:\d+ \(line 4, column \d+\): not valid YAML", out.stderr), out.stderr
    assert "Traceback" not in out.output


def test_enum_error_echoes_the_value(tmp_path: Path):
    out = runner.invoke(app, ["check", str(_with(tmp_path, "kind: beijing_advanced_smart_factory", "kind: beijing_smart"))])
    assert out.exit_code == 2
    assert "ratings[r-1].kind: 'beijing_smart' is not allowed" in out.stderr


def test_no_color_and_no_escape_codes(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    for args in (["check", str(EXAMPLE), "-f", "text"], ["explain", str(EXAMPLE)], ["readings"]):
        out = runner.invoke(app, args, color=True)
        assert out.exit_code == 0, out.output
        assert "\x1b[" not in out.output


def _tokens(text: str) -> set[str]:
    """Words as a reader sees them: runs of ASCII between spaces; Chinese may break between
    any two characters (UAX #14, pinggu_asp/render/wrap.py), so each of its characters stands alone."""
    words = (t for t in re.split(r"[\s│┃┏┓┗┛━─┼├┤┬┴╇╈┡┩]+", text) if t)
    return {piece for word in words for piece in re.findall(r"[\x00-\x7f]+|[^\x00-\x7f]", word)}


def test_text_adapts_to_80_columns_without_breaking_words(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    narrow = runner.invoke(app, ["check", str(EXAMPLE), "-f", "text", "--lang", "en"]).stdout
    monkeypatch.setenv("COLUMNS", "400")
    wide = runner.invoke(app, ["check", str(EXAMPLE), "-f", "text", "--lang", "en"]).stdout
    assert max(cell_len(line) for line in narrow.splitlines()) <= 80
    assert max(cell_len(line) for line in wide.splitlines()) > 80
    # A word broken across lines leaves a fragment that the wide output never prints.
    fragments = _tokens(narrow) - _tokens(wide)
    assert fragments == set()
    assert "art12.oem_orders" in narrow


def test_readings_lists_every_reading_switchable_or_not():
    out = runner.invoke(app, ["readings", "-f", "json", "--on", "2026-04-10"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    names = [r["name"] for r in doc["readings"]]
    assert names == sorted(catalogue())
    by_name = {r["name"]: r for r in doc["readings"]}
    assert by_name["I-output-stack"]["switchable"] and not by_name["I-output-stack"]["default"]
    assert by_name["I-output-basis"]["switch"] == "I-output-stack"
    assert not by_name["I-art11-once"]["switchable"]
    assert "2027-08-28" in by_name["I-window-end"]["en"]  # filled from window_end
    text = runner.invoke(app, ["readings", "--lang", "en"]).stdout
    for name in names:
        assert name in text


def test_every_reading_in_force_is_described_in_the_result():
    doc = json.loads(runner.invoke(app, ["check", str(EXAMPLE)]).stdout)
    assert [r["name"] for r in doc["readings"]] == doc["interpretations"]
    assert all(r["zh"] != r["name"] and r["en"] != r["name"] for r in doc["readings"])


def test_explain_text_at_80_columns_breaks_no_words(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    narrow = runner.invoke(app, ["explain", str(EXAMPLE), "--lang", "en"]).stdout
    # the widest layout that is still blocks, not tables: the same words, fewer line breaks
    monkeypatch.setenv("COLUMNS", "119")
    wide = runner.invoke(app, ["explain", str(EXAMPLE), "--lang", "en"]).stdout
    assert max(cell_len(line) for line in narrow.splitlines()) <= 80
    assert _tokens(narrow) - _tokens(wide) == set()

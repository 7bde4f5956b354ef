"""`pinggu-asp test`: the YAML case runner (pinggu_asp/cases.py).

A passing case exits 0; a failing one exits 1 and prints file:line, the case's name, what it expected,
what it got and the condition that decided; a malformed case file exits 2 naming the file and line,
before anything is decided. A case may switch a reading and reform a parameter, and means exactly what
the same what-if means. Expected conclusion: each exit code and message as described.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from pinggu_asp.cases import load_case_file
from pinggu_asp.cli import app
from support import REPO

runner = CliRunner()
BASELINE = REPO / "tests" / "cases" / "baseline.yaml"

HEAD = f"""schema: pinggu-cases/1
bases:
  kitchen:
    base: {BASELINE}
    set:
      enterprise.sectors: [central_kitchen]
      orders[o-1]: {{program: central_kitchen, counterparty: x, counterparty_in_pinggu: true,
                    counterparty_affiliated: false, signed_date: "2025-09-01", executed: {{2025: 5000000}},
                    supported_years: []}}
cases:
"""


def write(tmp_path: Path, body: str, name: str = "cases.yaml") -> Path:
    path = tmp_path / name
    path.write_text(HEAD + body, encoding="utf-8")
    return path


def run(*paths: Path) -> tuple[int, str]:
    result = runner.invoke(app, ["test", *map(str, paths)])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_a_passing_case_exits_0(tmp_path: Path) -> None:
    path = write(tmp_path, """  - name: 不满足：订单金额恰为500万元，未超过500万元
    base: kitchen
    statuses: {art9.procurement: ineligible}
    conditions: {art9.orders_sum: fail}
    awards: {}
    total_yuan: 0
""")
    code, output = run(path)
    assert code == 0, output
    assert output.strip() == "1 cases passed (1 files)"


def test_a_failing_case_exits_1_naming_what_it_expected_got_and_the_deciding_condition(tmp_path: Path) -> None:
    path = write(tmp_path, """  - name: 满足（错误的期望）：订单金额恰为500万元
    base: kitchen
    statuses: {art9.procurement: granted}
  - name: 不满足：恰为500万元
    base: kitchen
    statuses: {art9.procurement: ineligible}
""")
    code, output = run(path)
    assert code == 1
    lines = output.strip().splitlines()
    assert len(lines) == 2  # one line for the failing case, then the count
    assert lines[0].startswith(f"{path}:11: 满足（错误的期望）：订单金额恰为500万元: ")
    assert "statuses.art9.procurement: expected granted, got ineligible" in lines[0]
    assert "decided by art9.orders_sum fail (observed 5000000, gt 5000000)" in lines[0]
    assert lines[1] == "1 of 2 cases failed (1 files)"


def test_a_failing_award_and_total_name_the_gate_that_barred_them(tmp_path: Path) -> None:
    path = write(tmp_path, """  - name: 满足（错误的期望）：信用不良仍给予
    base: kitchen
    set:
      orders[o-1].executed.2025: 6000000
      enterprise.credit_good: false
    awards: {art9.procurement: 60000}
    total_yuan: 60000
""")
    code, output = run(path)
    assert code == 1
    assert "awards.art9.procurement: expected 60,000, got none; decided by gate G-credit fail" in output
    assert "total_yuan: expected 60,000, got 0; from no award; gate G-credit fail" in output


def test_an_unexpected_award_fails_the_case(tmp_path: Path) -> None:
    """`awards` lists every award: one it does not name is a failure."""
    path = write(tmp_path, """  - name: 不满足（错误的期望）：没有奖励
    base: kitchen
    set:
      orders[o-1].executed.2025: 6000000
    awards: {}
""")
    code, output = run(path)
    assert code == 1
    assert "awards.art9.procurement: expected no award, got 60,000; decided by art9.procurement[procurement:central_kitchen:2025]: every condition passes" in output


def test_a_case_under_a_switched_reading(tmp_path: Path) -> None:
    """I-events-whole-year counts a standard implemented before the window; without it the same case fails."""
    body = """  - name: 满足（解释 I-events-whole-year）：2025-08-28 实施的标准按整年计入
    base: kitchen
    set:
      standards[s-1]: {field: central_kitchen, level: group, lead_drafter: true, implemented_date: "2025-08-28"}
    {readings}
    statuses: {art9.standard: granted}
"""
    code, output = run(write(tmp_path, body.replace("{readings}", "readings: [I-events-whole-year]")))
    assert code == 0, output
    code, output = run(write(tmp_path, body.replace("{readings}", "readings: []"), "without.yaml"))
    assert code == 1
    assert "art9.standard_implemented fail" in output


def test_a_case_under_a_reformed_parameter(tmp_path: Path) -> None:
    """art9_procurement_threshold lowered to 4,000,000: the 5,000,000 order passes and pays 1%, 50,000."""
    body = """  - name: 满足（改革）：门槛降为 4,000,000，订单 5,000,000 超过
    base: kitchen
    {parameters}
    awards: {art9.procurement: 50000}
    conditions: {art9.orders_sum: pass}
"""
    code, output = run(write(tmp_path, body.replace("{parameters}", "parameters: {art9_procurement_threshold: 4000000}")))
    assert code == 0, output
    code, output = run(write(tmp_path, body.replace("{parameters}", "parameters: {}"), "shipped.yaml"))
    assert code == 1
    assert "conditions.art9.orders_sum: expected pass, got fail" in output


@pytest.mark.parametrize(
    "body, line, message",
    [
        pytest.param("  - name: x\n    base: kitchen\n    colour: red\n    total_yuan: 0\n", 13,
                     "cases[0].colour: unknown field", id="unknown-field"),
        pytest.param("  - name: x\n    base: kitchen\n    statuses: {art9.procurement: granteed}\n", 13,
                     "cases[0].statuses.art9.procurement: Input should be", id="unknown-status"),
        pytest.param("  - name: x\n    base: kitchen\n", 11, "a case expects something", id="expects-nothing"),
        pytest.param("  - name: x\n    total_yuan: 0\n", 11, "give exactly one of base", id="no-declaration"),
        pytest.param("  - name: x\n    base: nowhere\n    total_yuan: 0\n", 12,
                     "base 'nowhere' is neither a base named in this file nor a file", id="unknown-base"),
        pytest.param("  - name: x\n    base: kitchen\n    set:\n      orderz[o-1].executed.2025: 1\n    total_yuan: 0\n",
                     14, "set orderz[o-1].executed.2025: no field orderz (did you mean orders?)", id="bad-set-path"),
        pytest.param("  - name: x\n    base: kitchen\n    set:\n      support_year: 1800\n    total_yuan: 0\n",
                     11, "the case's declaration is invalid: support_year", id="invalid-declaration"),
        pytest.param("  - name: x\n    base: kitchen\n    readings: [I-nonsense]\n    total_yuan: 0\n",
                     13, "readings: ", id="unknown-reading"),
        pytest.param("  - name: x\n    base: kitchen\n    parameters: {art3_capp: 1}\n    total_yuan: 0\n",
                     13, "art3_capp: unknown parameter (did you mean art3_cap?)", id="unknown-parameter"),
        pytest.param("  - name: x\n    base: kitchen\n    total_yuan: 0\n  - name: x\n    base: kitchen\n    total_yuan: 0\n",
                     14, "the name 'x' is already the case at line 11", id="duplicate-name"),
        pytest.param("  - name: x\n    base: kitchen\n    total_yuan: [0\n", 14, "not valid YAML", id="yaml-syntax"),
    ],
)
def test_a_malformed_case_file_exits_2_naming_file_and_line(tmp_path: Path, body: str, line: int, message: str) -> None:
    path = write(tmp_path, body)
    code, output = run(path)
    assert code == 2, output
    assert output.startswith(f"error: {path}:{line}: "), output
    assert message in output


def test_nothing_is_decided_when_one_file_is_malformed(tmp_path: Path) -> None:
    good = write(tmp_path, "  - name: x\n    base: kitchen\n    total_yuan: 0\n", "good.yaml")
    bad = write(tmp_path, "  - name: x\n    base: kitchen\n", "bad.yaml")
    code, output = run(good, bad)
    assert code == 2
    assert "cases passed" not in output and "failed" not in output


def test_a_folder_holds_cases_and_declarations_are_bases_not_cases(tmp_path: Path) -> None:
    (tmp_path / "baseline.yaml").write_text(BASELINE.read_text(encoding="utf-8"), encoding="utf-8")
    write(tmp_path, "  - name: x\n    base: baseline.yaml\n    total_yuan: 0\n")
    code, output = run(tmp_path)
    assert code == 0, output
    assert "1 cases passed (1 files)" in output


def test_an_empty_folder_is_an_error(tmp_path: Path) -> None:
    code, output = run(tmp_path)
    assert code == 2
    assert "no case files found" in output


def test_a_case_means_what_the_same_whatif_means(tmp_path: Path) -> None:
    """The case's declaration is the base with whatif.py's setter applied: the same declaration `whatif --set` builds."""
    from pinggu_asp.analysis.whatif import apply_changes
    from pinggu_asp.loading import load_declaration

    path = write(tmp_path, """  - name: x
    base: {baseline}
    set:
      annual[2025].gross_output: 120000000
      enterprise.sectors: [pharma]
    total_yuan: 300000
""".replace("{baseline}", str(BASELINE)))
    (case,) = load_case_file(path)
    expected = apply_changes(load_declaration(BASELINE), ["annual[2025].gross_output=120000000", 'enterprise.sectors=["pharma"]'])
    assert case.declaration == expected

"""Every kind of bad input (SPEC §6) is refused: exit code 2, a message naming the field, no traceback,
and with --output nothing written.

Run through the real command line (typer's CliRunner in-process; a few through a subprocess).
"""

import json
import subprocess
import sys

import pytest
import yaml
from typer.testing import CliRunner

from pinggu_asp.cli import app
from support import baseline

runner = CliRunner()


def with_(path, value):
    """A mutation setting one field, by a dotted path with list indices."""

    def mutate(data):
        *parents, last = path
        target = data
        for part in parents:
            target = target[part]
        target[last] = value

    return mutate


def add(list_name, *items):
    def mutate(data):
        data[list_name] = [dict(item) for item in items]

    return mutate


RATING = {"id": "r-1", "kind": "beijing_green_factory", "date": "2025-11-01"}
APPROVAL = {"id": "a-1", "kind": "class3_device", "date": "2025-09-15", "first_time": True}
ORDER = {
    "id": "o-1",
    "program": "auto_parts",
    "counterparty": "x",
    "counterparty_kind": "nev_oem",
    "signed_date": "2025-09-01",
    "executed": {"2025": 1_000_000},
}
STANDARD = {"id": "s-1", "field": "central_kitchen", "level": "group", "lead_drafter": True, "implemented_date": "2025-12-15"}
PROJECT = {
    "id": "p-1",
    "field": "synthetic_biology",
    "tech_transfer": True,
    "in_pinggu": True,
    "kind": "production",
    "fixed_asset_investment": 12_000_000,
}
NO_KIND = {k: v for k, v in ORDER.items() if k != "counterparty_kind"}


def drop_support_year(data):
    data["annual"] = [r for r in data["annual"] if r["year"] != 2025]


def duplicate_year(data):
    data["annual"].append({"year": 2024, "gross_output": 1})


# (id, mutation, field path the message must name)
CASES = [
    ("unknown-top-level-field", with_(["colour"], "red"), "colour"),
    ("unknown-enterprise-field", with_(["enterprise", "registred_in_pinggu"], True), "enterprise.registred_in_pinggu"),
    ("unknown-annual-field", with_(["annual", 2, "output"], 1), "annual[2025].output"),
    ("string-for-bool", with_(["enterprise", "credit_good"], "true"), "enterprise.credit_good"),
    ("yes-for-bool", with_(["enterprise", "credit_good"], "yes"), "enterprise.credit_good"),
    ("one-for-true", with_(["enterprise", "registered_in_pinggu"], 1), "enterprise.registered_in_pinggu"),
    ("bool-for-money", with_(["annual", 2, "gross_output"], True), "annual[2025].gross_output"),
    ("string-for-year", with_(["support_year"], "next year"), "support_year"),
    ("list-for-name", with_(["enterprise", "name"], ["a"]), "enterprise.name"),
    ("unknown-enum", with_(["enterprise", "sectors"], ["steel"]), "enterprise.sectors[0]"),
    ("missing-required-field", lambda d: d["enterprise"].pop("credit_good"), "enterprise.credit_good"),
    ("negative-money", with_(["annual", 2, "gross_output"], -1), "annual[2025].gross_output"),
    ("negative-money-string", with_(["annual", 2, "rd_expense"], "-0.01"), "annual[2025].rd_expense"),
    ("three-decimals-string", with_(["annual", 2, "gross_output"], "1.005"), "annual[2025].gross_output"),
    ("impossible-date", with_(["declaration_date"], "2025-02-30"), "declaration_date"),
    ("impossible-event-date", add("ratings", dict(RATING, date="2025-11-31")), "ratings[r-1].date"),
    ("datetime-not-date", with_(["declaration_date"], "2026-04-10T10:00:00"), "declaration_date"),
    ("support-year-without-record", drop_support_year, "annual"),
    ("duplicate-annual-year", duplicate_year, "annual[3].year"),
    ("duplicate-rating-id", add("ratings", RATING, dict(RATING, date="2025-12-01")), "ratings[1].id"),
    ("duplicate-approval-id", add("approvals", APPROVAL, APPROVAL), "approvals[1].id"),
    ("duplicate-order-id", add("orders", ORDER, ORDER), "orders[1].id"),
    ("duplicate-standard-id", add("standards", STANDARD, STANDARD), "standards[1].id"),
    ("duplicate-project-id", add("investment_projects", PROJECT, PROJECT), "investment_projects[1].id"),
    ("credit-code-check-digit", with_(["enterprise", "credit_code"], "91110117MA01C4QX38"), "enterprise.credit_code"),
    ("credit-code-bad-character", with_(["enterprise", "credit_code"], "91110117MA01C4QXI7"), "enterprise.credit_code"),
    ("rating-after-declaration", add("ratings", dict(RATING, date="2026-04-11")), "ratings[r-1].date"),
    ("approval-after-declaration", add("approvals", dict(APPROVAL, date="2026-05-01")), "approvals[a-1].date"),
    ("standard-after-declaration", add("standards", dict(STANDARD, implemented_date="2026-04-11")), "standards[s-1].implemented_date"),
    ("order-signed-after-declaration", add("orders", dict(ORDER, signed_date="2026-04-11")), "orders[o-1].signed_date"),
    ("project-after-declaration", add("investment_projects", dict(PROJECT, commissioned_date="2026-06-01")),
     "investment_projects[p-1].commissioned_date"),
    ("auto-parts-order-without-counterparty-kind", add("orders", NO_KIND), "orders[o-1]"),
    ("over-the-largest-amount", with_(["annual", 2, "gross_output"], 10**15 + 1), "annual[2025].gross_output"),
    ("wrong-schema", with_(["schema"], "pinggu-declaration/2"), "schema"),
]


def write(tmp_path, data, suffix=".json"):
    path = tmp_path / f"decl{suffix}"
    if suffix == ".json":
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def assert_refused(result, *paths):
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.stdout == ""
    for path in paths:
        assert path in result.stderr, result.stderr


@pytest.mark.parametrize("mutate, path", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_bad_input_is_refused_naming_the_field(tmp_path, mutate, path, suffix):
    data = baseline()
    mutate(data)
    decl = write(tmp_path, data, suffix)
    out = tmp_path / "result.json"
    assert_refused(runner.invoke(app, ["check", str(decl), "--output", str(out)]), path)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [decl]  # not even a temporary file is left
    assert_refused(runner.invoke(app, ["validate", str(decl)]), path)


def test_the_unmutated_baseline_is_valid(tmp_path):
    """Each case above breaks exactly one thing of a valid declaration."""
    for suffix in (".json", ".yaml"):
        result = runner.invoke(app, ["validate", str(write(tmp_path, baseline(), suffix))])
        assert result.exit_code == 0, result.output


RAW = [
    ("float-money-three-places-in-json", "decl.json", json.dumps(baseline()).replace("61000000", "1.005"),
     "annual[2025].gross_output"),
    ("float-money-three-places-in-yaml", "decl.yaml",
     yaml.safe_dump(baseline()).replace("61000000", "1234.567"), "annual[2025].gross_output"),
    ("unquoted-impossible-date-in-yaml", "decl.yaml",
     yaml.safe_dump(baseline()).replace("'2026-04-10'", "2025-02-30"), "declaration_date"),
    ("invalid-json", "decl.json", '{"schema": "pinggu-declaration/1",', "not valid JSON"),
    ("duplicate-json-key", "decl.json", '{"schema": "a", "schema": "b"}', "appears twice"),
    ("duplicate-yaml-key", "decl.yaml", "schema: pinggu-declaration/1\nsupport_year: 2025\nsupport_year: 2026\n",
     "appears twice"),
    ("invalid-yaml", "decl.yaml", "schema: [pinggu-declaration/1\nsupport_year: 2025\n", "not valid YAML"),
    ("yaml-not-a-mapping", "decl.yaml", "- 1\n- 2\n", "mapping"),
    ("empty-file", "decl.yaml", "", "mapping"),
]


@pytest.mark.parametrize("name, text, expected", [r[1:] for r in RAW], ids=[r[0] for r in RAW])
def test_bad_documents_are_refused(tmp_path, name, text, expected):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "result.json"
    assert_refused(runner.invoke(app, ["check", str(path), "-o", str(out)]), expected)
    assert not out.exists()


def test_float_money_in_json_is_read_exactly(tmp_path):
    """1.5 in JSON is read as the decimal 1.5, not a binary float: accepted."""
    path = tmp_path / "decl.json"
    path.write_text(json.dumps(baseline()).replace("61000000", "61000000.5"), encoding="utf-8")
    assert runner.invoke(app, ["validate", str(path)]).exit_code == 0


def test_missing_file(tmp_path):
    missing = tmp_path / "nowhere.yaml"
    out = tmp_path / "result.json"
    assert_refused(runner.invoke(app, ["check", str(missing), "--output", str(out)]), "nowhere.yaml", "no such file")
    assert not out.exists()
    assert_refused(runner.invoke(app, ["validate", str(missing)]), "no such file")


def test_not_utf8(tmp_path):
    path = tmp_path / "decl.yaml"
    path.write_bytes("name: 测试".encode("gb18030"))
    assert_refused(runner.invoke(app, ["check", str(path)]), "UTF-8")


@pytest.mark.parametrize(
    "mutate, path",
    [
        (with_(["annual", 2, "gross_output"], -5), "annual[2025].gross_output"),
        (add("orders", NO_KIND), "counterparty_kind"),
        (add("ratings", dict(RATING, date="2026-04-11")), "ratings[r-1].date"),
    ],
    ids=["negative", "order-kind", "future"],
)
def test_real_process_exit_2_without_traceback(tmp_path, mutate, path):
    """The installed entry point behaves as CliRunner says: exit 2, the field, no traceback."""
    data = baseline()
    mutate(data)
    decl = write(tmp_path, data)
    out = tmp_path / "out.json"
    proc = subprocess.run(
        [sys.executable, "-m", "pinggu_asp.cli", "check", str(decl), "--output", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert path in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.stdout == ""
    assert not out.exists()

"""The hostile-input catalogue (issue 17 §3): each kind refused with exit 2, the field or place named.

Every case runs the real CLI, ``pinggu-asp check``, in a subprocess under an
address-space limit (RLIMIT_AS, 1 GiB) and a timeout, so a case that made the
process balloon (an alias bomb, /dev/zero read whole) or recurse without end
fails here instead of taking the machine with it. Each must exit 2, name the
field (or the file's line and column, or the file itself) and the reason, print
no traceback, echo nothing unbounded and write no output file.

The inputs are files in ``tests/hostile/`` (each opens with a comment saying
what it is), except those that must be made: deep nesting, a file over the size
limit, /dev/zero, a FIFO, a directory, bytes that are not UTF-8. The JSON cases
also go through ``batch`` (an error record in place, the other lines decided)
and the service's ``/v1/check`` (422 naming the field).
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from pinggu_asp.service import Settings, create_app

HOSTILE = Path(__file__).resolve().parent / "hostile"
BASE_YAML = (HOSTILE / "base.yaml").read_text(encoding="utf-8")
BASE_JSON = json.dumps(yaml.safe_load(BASE_YAML), ensure_ascii=False)

MEMORY_LIMIT = 1 << 30  # bytes of address space for each CLI run
TIMEOUT = 120  # seconds: generous on a loaded machine; a runaway case never ends
ECHO_BOUND = 1_000  # characters of stderr a refusal may take, whatever the input's size
EXE = shutil.which("pinggu-asp", path=str(Path(sys.executable).parent)) or shutil.which("pinggu-asp")


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_cli(*args: str, stdin: bytes | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    assert EXE is not None, "pinggu-asp is not installed beside this Python"
    completed = subprocess.run(
        [EXE, *args], input=stdin, capture_output=True, timeout=TIMEOUT, preexec_fn=_limit_memory,
        env={**os.environ, "COLUMNS": "140", **(env or {})},
    )
    return subprocess.CompletedProcess(completed.args, completed.returncode,
                                       completed.stdout.decode("utf-8", "replace"),
                                       completed.stderr.decode("utf-8", "replace"))


def _yaml(old: str, new: str) -> str:
    assert old in BASE_YAML, old
    return BASE_YAML.replace(old, new, 1)


def _json(old: str, new: str) -> str:
    assert old in BASE_JSON, old
    return BASE_JSON.replace(old, new, 1)


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[Path], Path]  # the input, given a scratch directory
    field: str  # the field, or the place (file:line:column), the message names
    reason: str  # words of the reason


def _file(name: str) -> Callable[[Path], Path]:
    return lambda _tmp: HOSTILE / name


def _written(name: str, text: str | bytes) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        path = tmp / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path
    return make


def _fifo(tmp: Path) -> Path:
    path = tmp / "decl.yaml"
    os.mkfifo(path)
    return path


def _directory(tmp: Path) -> Path:
    path = tmp / "decl.yaml"
    path.mkdir()
    return path


DEEP = 100_000
SIZE_LIMIT = "10,485,760 bytes"

CASES = [
    # Billion laughs: nine aliases of nine, nine levels, into each kind of field.
    Case("alias-bomb-enum", _file("alias-bomb-enum.yaml"), "alias-bomb-enum.yaml:18:10", "aliases (*name) here and after repeat more than 100,000 values"),
    Case("alias-bomb-date", _file("alias-bomb-date.yaml"), "alias-bomb-date.yaml:6:8", "alias bomb"),
    Case("alias-bomb-year", _file("alias-bomb-year.yaml"), "alias-bomb-year.yaml:5:8", "alias bomb"),
    Case("alias-bomb-schema", _file("alias-bomb-schema.yaml"), "alias-bomb-schema.yaml:4:8", "alias bomb"),
    Case("alias-cycle", _written("decl.yaml", _yaml("  sectors: []", "  sectors: &s [*s]")), "decl.yaml:16:12", "its own anchor"),
    # Nesting: PyYAML's composer and the C JSON decoder recurse per level.
    Case("deep-json", _written("decl.json", _json('"support_year": 2025', '"support_year": ' + "[" * DEEP + "]" * DEEP)),
         "decl.json:1:", "nested more than 50 levels deep"),
    Case("deep-json-within-the-stack", _written("decl.json", _json('"support_year": 2025', '"support_year": ' + "[" * 60 + "]" * 60)),
         "support_year[0][0]", "nested more than 50 levels deep"),
    Case("deep-yaml-flow", _written("decl.yaml", _yaml("support_year: 2025", "support_year: " + "[" * DEEP + "]" * DEEP)),
         "decl.yaml:3:", "nested more than 50 levels deep"),
    Case("deep-yaml-mapping", _written("decl.yaml", _yaml("support_year: 2025", "support_year: " + "{a: " * DEEP + "}" * DEEP)),
         "decl.yaml:3:", "nested more than 50 levels deep"),
    Case("yaml-complex-key", _file("yaml-complex-key.yaml"), "yaml-complex-key.yaml:17:5", "a key must be a plain name or year"),
    Case("yaml-explicit-tag", _file("yaml-explicit-tag.yaml"), "yaml-explicit-tag.yaml:17:12", "explicit tag"),
    # Money beyond Decimal's context, and not in plain decimals.
    Case("money-exponent-huge-json", _file("money-exponent-huge.json"), "annual[2025].gross_output", "not with an exponent (got 1E+999999999)"),
    Case("money-exponent-tiny-json", _file("money-exponent-tiny.json"), "annual[2025].gross_output", "more than two decimal places"),
    Case("money-exponent-huge-yaml", _file("money-exponent-huge.yaml"), "annual[2025].gross_output", "must be a decimal amount in yuan"),
    Case("money-exponent-tiny-yaml", _file("money-exponent-tiny.yaml"), "annual[2025].gross_output", "(got '1.5e-999999999')"),
    Case("money-nan-json", _file("money-nan.json"), "annual[2025].gross_output", "must be a finite amount"),
    Case("money-infinity-json", _file("money-infinity.json"), "annual[2025].gross_output", "must be a finite amount"),
    Case("money-infinity-yaml", _file("money-infinity.yaml"), "annual[2025].gross_output", "(got '.inf')"),
    Case("year-long-integer-json", _file("year-long-integer.json"), "support_year", "must be a four-digit year"),
    Case("json-duplicate-key", _file("json-duplicate-key.json"), "", "key 'support_year' appears twice"),
    # YAML 1.1 numbers that PyYAML reads as something else than their digits.
    Case("yaml11-hex-money", _file("yaml11-hex-money.yaml"), "annual[2025].gross_output", "(got '0x3A2C940')"),
    Case("yaml11-octal-money", _file("yaml11-octal-money.yaml"), "annual[2025].rd_expense", "(got '04311360')"),
    Case("yaml11-octal-year", _file("yaml11-octal-year.yaml"), "support_year", "(got '0o3751')"),
    Case("yaml11-sexagesimal-money", _file("yaml11-sexagesimal-money.yaml"), "annual[2025].rd_expense", "(got '319:26:40')"),
    Case("yaml11-yes-bool", _file("yaml11-yes-bool.yaml"), "enterprise.registered_in_pinggu", "valid boolean"),
    # Digits other than ASCII, which int(), Decimal() and \d take.
    Case("year-arabic-digits", _file("year-arabic-digits.yaml"), "support_year", "(got '٢٠٢٥')"),
    Case("money-fullwidth-digits", _file("money-fullwidth-digits.yaml"), "annual[2025].gross_output", "(got '６１０００００００')"),
    Case("date-arabic-digits", _file("date-arabic-digits.yaml"), "declaration_date", "YYYY-MM-DD"),
    Case("industry-code-arabic-digits", _file("industry-code-arabic-digits.yaml"), "enterprise.industry_code", "pattern"),
    # Echoes: bounded, and control characters shown, never sent to the terminal.
    Case("long-enum-value", _written("decl.yaml", _yaml("sectors: []", "sectors: [" + "x" * 1_000_000 + "]")),
         "enterprise.sectors[0]", "(1,000,000 characters) is not allowed"),
    Case("escape-codes-in-key", _file("escape-codes-in-key.yaml"), "enterprise.\\x1b[31mred\\x1b]0;title\\x07", "unknown field"),
    # What is read at all.
    Case("file-over-the-limit", _written("decl.yaml", _yaml("测试企业", "x" * (11 << 20))), "", f"larger than the limit of {SIZE_LIMIT}"),
    Case("dev-zero", lambda _tmp: Path("/dev/zero"), "", f"larger than the limit of {SIZE_LIMIT}"),
    Case("fifo", _fifo, "", "is a pipe"),
    Case("directory", _directory, "", "is a directory"),
    Case("not-utf8", _written("decl.yaml", _yaml("测试企业", "NAME").encode().replace(b"NAME", b"\xff\xfe")), "", "not UTF-8 text"),
]


def assert_refused(completed: subprocess.CompletedProcess[str], field: str, reason: str) -> None:
    assert completed.returncode == 2, (completed.returncode, completed.stderr[-2000:])
    assert completed.stdout == ""
    assert "Traceback" not in completed.stderr
    assert completed.stderr.startswith("error: ")
    assert field in completed.stderr and reason in completed.stderr, completed.stderr[:2000]
    assert len(completed.stderr) < ECHO_BOUND, completed.stderr[:2000]
    assert "\x1b" not in completed.stderr and "\x07" not in completed.stderr


@pytest.fixture(scope="module")
def refusals(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[subprocess.CompletedProcess[str], Path]]:
    """Every case's run, a few at a time: each is a process start, and there are dozens."""
    def one(case: Case) -> tuple[str, tuple[subprocess.CompletedProcess[str], Path]]:
        scratch = tmp_path_factory.mktemp(case.name)
        source = case.make(scratch)
        out = scratch / "result.json"
        return case.name, (run_cli("check", str(source), "-f", "json", "-o", str(out)), scratch)

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(pool.map(one, CASES))


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hostile_input_is_refused_with_exit_2_under_a_memory_limit(
    case: Case, refusals: dict[str, tuple[subprocess.CompletedProcess[str], Path]]
) -> None:
    completed, scratch = refusals[case.name]
    assert_refused(completed, case.field, case.reason)
    # Nothing written: no result, and no staged file beside where it would have gone.
    assert not (scratch / "result.json").exists()
    assert [p.name for p in scratch.iterdir() if p.name.startswith(".result")] == []


def test_the_base_of_the_catalogue_is_valid(tmp_path: Path) -> None:
    # Else every case above would be refused for a reason that is not its own.
    for name, text in (("base.yaml", BASE_YAML), ("base.json", BASE_JSON)):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        completed = run_cli("check", str(path), "-f", "json")
        assert completed.returncode == 0, completed.stderr
        assert json.loads(completed.stdout)["schema"] == "pinggu-result/1"


def test_standard_input_is_read_within_the_limit() -> None:
    completed = run_cli("check", "-", stdin=b"\0" * (11 << 20))
    assert_refused(completed, "<stdin>", f"larger than the limit of {SIZE_LIMIT}")


def test_the_size_limit_is_a_setting(tmp_path: Path) -> None:
    path = tmp_path / "decl.yaml"
    path.write_text(BASE_YAML, encoding="utf-8")
    completed = run_cli("check", str(path), "-f", "json", env={"PINGGU_ASP_MAX_DECLARATION_BYTES": "100"})
    assert_refused(completed, "", "larger than the limit of 100 bytes")
    assert run_cli("check", str(path), "-f", "json", env={"PINGGU_ASP_MAX_DECLARATION_BYTES": str(1 << 20)}).returncode == 0


# --- what the plain-scalar YAML still reads ------------------------------------------------------------------


def test_valid_yaml_forms_still_read(tmp_path: Path) -> None:
    text = (BASE_YAML.replace("gross_output: 61000000", 'gross_output: "61000000.50"')
            .replace("rd_expense: 1150000}", "rd_expense: 1150000.25}")
            .replace("registered_in_pinggu: true", "registered_in_pinggu: True")
            .replace('declaration_date: "2026-04-10"', "declaration_date: 2026-04-10")
            .replace("  sectors: []", "  sectors: []\n  manufacturing_finding: ~\n  commissioned_year: 2016"))
    path = tmp_path / "decl.yaml"
    path.write_text(text, encoding="utf-8")
    completed = run_cli("check", str(path), "-f", "json")
    assert completed.returncode == 0, completed.stderr


def test_a_few_aliases_are_still_read(tmp_path: Path) -> None:
    # yaml.safe_dump writes an anchor and an alias for a value used twice.
    data = yaml.safe_load(BASE_YAML)
    shared = {"kind": "major_administrative", "date": "2019-01-01"}
    data["penalties"] = [shared, shared]
    text = yaml.safe_dump(data, allow_unicode=True)
    assert "&id001" in text and "*id001" in text
    path = tmp_path / "decl.yaml"
    path.write_text(text, encoding="utf-8")
    completed = run_cli("check", str(path), "-f", "json")
    assert completed.returncode == 0, completed.stderr


# --- the JSON cases in a batch and in the service -------------------------------------------------------------

JSON_LINES = {
    "deep-json": ('"support_year": 2025', '"support_year": ' + "[" * DEEP + "]" * DEEP, "", "nested more than 50 levels deep"),
    "money-exponent-huge": ('"gross_output": 61000000', '"gross_output": 1e999999999', "annual[2025].gross_output", "exponent"),
    "money-exponent-tiny": ('"gross_output": 61000000', '"gross_output": 1.5e-999999999', "annual[2025].gross_output", "two decimal places"),
    "money-nan": ('"gross_output": 61000000', '"gross_output": NaN', "annual[2025].gross_output", "finite"),
    "year-arabic-digits": ('"support_year": 2025', '"support_year": "٢٠٢٥"', "support_year", "four-digit year"),
    "duplicate-key": ('"support_year": 2025', '"support_year": 2025, "support_year": 2026', "", "appears twice"),
    "long-integer": ('"support_year": 2025', '"support_year": ' + "9" * 5000, "support_year", "four-digit year"),
}


def test_a_batch_gives_each_hostile_line_its_error_record_and_decides_the_others(tmp_path: Path) -> None:
    lines = [BASE_JSON]
    for old, new, _field, _reason in JSON_LINES.values():
        lines += [_json(old, new), BASE_JSON]
    lines.append(BASE_JSON.replace("测试企业", "y" * 300_000))  # a line over the (lowered) limit
    lines.append(BASE_JSON)
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    completed = run_cli("batch", str(source), "-o", str(out), "--jobs", "1",
                        env={"PINGGU_ASP_MAX_DECLARATION_BYTES": "250000"})
    assert completed.returncode == 0, completed.stderr[-2000:]
    assert "Traceback" not in completed.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == len(lines)
    errors = [r for r in records if r["schema"] == "pinggu-error/1"]
    decided = [r for r in records if r["schema"] == "pinggu-result/1"]
    assert len(decided) == len(JSON_LINES) + 2 and len(errors) == len(JSON_LINES) + 1
    for record, (name, (_old, _new, field, reason)) in zip(errors, JSON_LINES.items(), strict=False):
        [error] = record["errors"]
        assert error["field"] == field and reason in error["message"], (name, error)
        assert len(error["message"]) < ECHO_BOUND
    assert "larger than the limit of 250,000 bytes" in errors[-1]["errors"][0]["message"]
    assert errors[-1]["line"] == len(lines) - 1


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(workers=1, max_body=2 << 20))) as c:
        yield c


@pytest.mark.parametrize("name", list(JSON_LINES))
def test_the_service_refuses_each_json_case_with_422_naming_the_field(client: TestClient, name: str) -> None:
    old, new, field, reason = JSON_LINES[name]
    body = '{"declaration": ' + _json(old, new) + "}"
    response = client.post("/v1/check", content=body.encode("utf-8"), headers={"content-type": "application/json"})
    assert response.status_code in (400, 413, 422), response.text[:500]
    assert "Traceback" not in response.text and len(response.text) < 2 * ECHO_BOUND
    [error] = response.json()["errors"]
    if response.status_code == 422:
        assert error["field"] == f"declaration.{field}" and reason in error["message"], error
    else:  # the body itself is not JSON the service reads: it is named as the body
        assert error["field"] == "body" and reason in error["message"], error


@pytest.mark.parametrize("name", ["alias-bomb-enum.yaml", "yaml11-hex-money.yaml", "yaml-complex-key.yaml"])
def test_the_service_refuses_hostile_yaml_text_with_422(client: TestClient, name: str) -> None:
    text = (HOSTILE / name).read_text(encoding="utf-8")
    response = client.post("/v1/check", json={"declaration": text})
    assert response.status_code == 422, response.text[:500]
    [error] = response.json()["errors"]
    assert error["field"].startswith("declaration")


def test_a_declaration_nested_within_the_body_is_422_at_its_field(client: TestClient) -> None:
    body = '{"declaration": ' + _json('"support_year": 2025', '"support_year": ' + "[" * 60 + "]" * 60) + "}"
    response = client.post("/v1/check", content=body.encode("utf-8"), headers={"content-type": "application/json"})
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"].startswith("declaration.support_year[0][0]") and "nested" in error["message"]


# --- declared text in what people read ----------------------------------------------------------------------

EVIL_NAME = ("\x1b[31mEvil\x1b]0;title\x07 <script>alert(1)</script> | col | [x](javascript:alert(1)) "
             "\u202egnp.exe\x9b2J\nsecond line")
EVIL_ID = "<img src=x onerror=alert(1)>|`x`*y*_z_\x1b[2J"
CONTROLS = ("\x1b", "\x07", "\x9b", "\u202e")
# An approval a what-if adds, addressed by its id in a --set path (so no brackets in it).
WHATIF_ID = "<b>bold</b>|`x`*y*\x1bc"
ADDED = {"kind": "innovative_drug", "date": "2025-09-16", "first_time": True, "production_license": True,
         "industrialized": True}


@pytest.fixture(scope="module")
def evil(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A valid declaration whose name and approval id are terminal escapes, HTML and Markdown."""
    data = yaml.safe_load(BASE_YAML)
    data["enterprise"]["name"] = EVIL_NAME
    data["enterprise"]["sectors"] = ["pharma"]
    data["approvals"] = [{"id": EVIL_ID, "kind": "class3_device", "date": "2025-09-15", "first_time": True,
                          "global_first": False}]
    path = tmp_path_factory.mktemp("evil") / "decl.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _output(*args: str) -> str:
    from typer.testing import CliRunner

    from pinggu_asp.cli import app

    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "1000"})
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("args", [
    ("check", "-f", "text"),
    ("explain", "-f", "text", "--lang", "en"),
    ("explain", "-f", "text", "--lang", "zh", "--clause", "art10.class3_device"),
    ("whatif", "--set", f"approvals[{WHATIF_ID}]=" + json.dumps(ADDED), "-f", "text"),
], ids=["check", "explain", "explain-clause-tree", "whatif"])
def test_declared_text_reaches_a_terminal_with_its_controls_shown_not_acted_on(evil: Path, args: tuple[str, ...]) -> None:
    text = _output(args[0], str(evil), *args[1:])
    for control in CONTROLS:
        assert control not in text
    assert all(ch == "\n" or ch.isprintable() or ch == " " for ch in text)
    if args[0] != "whatif":
        assert "\\x1b[31mEvil\\x1b]0;title\\x07" in text and "\\u202egnp.exe\\x9b2J\\nsecond line" in text
    assert ("\\x1bc" if args[0] == "whatif" else "\\x1b[2J") in text  # the id, in a basis


def test_declared_text_in_markdown_is_text_not_markup_or_html(evil: Path) -> None:
    md = _output("explain", str(evil), "-f", "md", "--lang", "en")
    for control in CONTROLS:
        assert control not in md
    assert not re.search(r"(?<!\\)<(script|img)", md) and not re.search(r"(?<!\\)\]\(javascript:", md)
    assert "\\<script\\>alert(1)\\</script\\>" in md and "\\| col \\|" in md and "\\[x\\](javascript:alert(1))" in md
    assert "\\*y\\*\\_z\\_" in md and "\\`x\\`" in md
    # Every table row keeps its columns: a declared "|" or newline does not add a cell or end the row.
    unescaped_pipe = re.compile(r"(?<!\\)\|")
    for table in re.findall(r"((?:^\|.*\n)+)", md, flags=re.MULTILINE):
        rows = table.splitlines()
        assert {len(unescaped_pipe.findall(row)) for row in rows} == {len(unescaped_pipe.findall(rows[0]))}, table
    assert "second line" in md and "\nsecond line" not in md


def test_declared_text_in_a_whatif_in_markdown_is_text(evil: Path) -> None:
    md = _output("whatif", str(evil), "--set", f"approvals[{WHATIF_ID}]=" + json.dumps(ADDED), "-f", "md")
    assert "\x1b" not in md and not re.search(r"(?<!\\)<b>", md)
    assert "approval:\\<b\\>bold\\</b\\>\\|\\`x\\`\\*y\\*\\\\x1bc" in md, md


def test_declared_text_in_html_is_escaped(evil: Path) -> None:
    page = _output("explain", str(evil), "-f", "html", "--lang", "en")
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;img src=x onerror=alert(1)&gt;" in page


def test_an_error_message_echoes_declared_text_escaped_and_bounded() -> None:
    from pinggu_asp.loading import InputError, declaration_from_data

    data = yaml.safe_load(BASE_YAML)
    data["enterprise"]["sectors"] = ["\x1b[31m" + "y" * 100_000]
    data["annual"][0]["gross_output"] = "\u202e" + "9" * 100_000
    with pytest.raises(InputError) as caught:
        declaration_from_data(data)
    message = str(caught.value)
    assert len(message) < ECHO_BOUND and "\x1b" not in message and "\u202e" not in message
    assert "enterprise.sectors[0]: '\\x1b[31myyy" in message and "(100,005 characters)" in message
    assert "annual[2023].gross_output" in message and "\\u202e999" in message

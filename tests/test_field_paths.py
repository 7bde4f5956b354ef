"""Field paths in errors are the tool's own paths (issue 19 §5): ``annual[2025].gross_output``,
``orders[o-1]``, ``orders[o-1].executed.2025``, and a YAML file's errors carry file:line:column."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from pinggu_asp.cli import app
from pinggu_asp.loading import InputError, declaration_from_data, load_declaration
from support import baseline, set_annual

runner = CliRunner()

ORDER = {"id": "o-1", "program": "auto_parts", "counterparty": "某整车企业", "counterparty_kind": "nev_oem",
         "signed_date": "2025-09-01", "executed": {2025: 26_000_000}}


def _problems(data: dict) -> dict[str, str]:
    with pytest.raises(InputError) as caught:
        declaration_from_data(data)
    return dict(caught.value.problems)


def _line_col(text: str, needle: str) -> tuple[int, int]:
    """1-based line and column of the first ``needle`` in ``text``."""
    offset = text.index(needle)
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def test_a_year_record_is_named_by_its_year() -> None:
    problems = _problems(set_annual(baseline(), 2024, gross_output=-5))
    assert "must not be negative" in problems["annual[2024].gross_output"]
    assert not any(path.startswith("annual[1]") for path in problems)


def test_an_item_is_named_by_its_id_and_a_year_map_by_its_year() -> None:
    data = baseline()
    data["orders"] = [dict(ORDER, id="o-9"), dict(ORDER, id="o-1", program="steel", executed={2025: -1})]
    problems = _problems(data)
    assert "'steel' is not allowed" in problems["orders[o-1].program"]
    assert "must not be negative" in problems["orders[o-1].executed.2025"]


def test_an_unknown_field_of_an_item_is_named_by_the_item() -> None:
    data = baseline()
    data["orders"] = [dict(ORDER, colour="red")]
    assert _problems(data)["orders[o-1].colour"].startswith("unknown field")


def test_an_item_without_a_usable_id_or_year_keeps_its_index() -> None:
    data = baseline()
    data["orders"] = [dict(ORDER, program="steel"), dict(ORDER, program="steel")]  # the id names neither
    data["annual"].append({"year": "twenty", "gross_output": 1})
    problems = _problems(data)
    assert {"orders[0].program", "orders[1].program", "annual[3].year"} <= problems.keys()


def test_a_date_after_the_declaration_is_named_by_the_item() -> None:
    data = baseline()
    data["orders"] = [dict(ORDER, signed_date="2026-12-01")]
    assert "after the declaration date" in _problems(data)["orders[o-1].signed_date"]


def test_injection_shaped_ids_are_plain_text_in_the_path() -> None:
    data = baseline()
    data["orders"] = [dict(ORDER, id='x"). #show.\nnext', program="steel")]
    assert '\'steel\' is not allowed' in _problems(data)['orders[x"). #show.\\nnext].program']


def test_yaml_errors_carry_file_line_and_column(tmp_path: Path) -> None:
    data = set_annual(baseline(), 2025, gross_output=-5)
    data["annual"][1]["rd_expens"] = 1
    data["orders"] = [dict(ORDER, program="steel")]
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    path = tmp_path / "decl.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_declaration(path)
    problems = dict(caught.value.problems)
    line, column = _line_col(text, "-5")
    assert problems["annual[2025].gross_output"].endswith(f"(at {path}:{line}:{column})")
    line, column = _line_col(text, "rd_expens:")  # an unknown key: where the key is written
    assert problems["annual[2024].rd_expens"].endswith(f"(at {path}:{line}:{column})")
    line, column = _line_col(text, "steel")
    assert problems["orders[o-1].program"].endswith(f"(at {path}:{line}:{column})")

    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert f"annual[2025].gross_output: must not be negative (got -5) (at {path}:" in result.stderr


def test_json_errors_name_the_same_paths_without_a_place(tmp_path: Path) -> None:
    path = tmp_path / "decl.json"
    path.write_text(json.dumps(set_annual(baseline(), 2025, gross_output=-5)), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert "annual[2025].gross_output: must not be negative (got -5)\n" in result.stderr


def test_standard_input_is_named_stdin(tmp_path: Path) -> None:
    text = yaml.safe_dump(set_annual(baseline(), 2025, gross_output=-5), allow_unicode=True)
    result = runner.invoke(app, ["validate", "-"], input=text)
    assert result.exit_code == 2
    assert "annual[2025].gross_output: must not be negative (got -5) (at <stdin>:" in result.stderr


def test_the_service_gives_the_same_paths() -> None:
    from fastapi.testclient import TestClient

    from pinggu_asp.service.app import Settings, create_app

    data = set_annual(baseline(), 2025, gross_output=-5)
    data["orders"] = [dict(ORDER, program="steel", executed={"2025": 1})]
    with TestClient(create_app(Settings(workers=1))) as client:
        response = client.post("/v1/check", json={"declaration": data})
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"declaration.annual[2025].gross_output", "declaration.orders[o-1].program"} <= fields

"""Parameters that cite (issue 20 §3): each parameter in asp_rules/parameters.yaml carries a description
(zh/en), a unit, a reference (article and phrase) found in the law's text, and the range in which the
rules are exact; `rules` prints them (text and JSON) and the service serves them at /v1/parameters.
The file stays the one place each value lives. Expected conclusion: every parameter is described, every
reference is a quote of its article, and both outputs show what the file says.
"""

from __future__ import annotations

import json
import re

import pytest
import yaml
from typer.testing import CliRunner

from pinggu_asp.cli import app
from pinggu_asp.policy.parameters import ParameterError, load_parameters
from support import REPO

runner = CliRunner()
PARAMETERS = REPO / "asp_rules" / "parameters.yaml"
RAW = yaml.safe_load(PARAMETERS.read_text(encoding="utf-8"))["parameters"]
LAW = (REPO / "policy" / "measures-2025.zh.txt").read_text(encoding="utf-8")
UNITS = {"money": {"元"}, "rate": {"rate"}, "date": {"date"}, "int": {"years", "division"}}
CN = "一二三四五六七八九"


def _article_number(n: int) -> str:
    if n < 10:
        return CN[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN[tens - 1]) + "十" + (CN[ones - 1] if ones else "")


def _article_text(n: int) -> str:
    match = re.search(rf"^第{_article_number(n)}条 .*$", LAW, re.M)
    assert match, f"第{_article_number(n)}条 is not in the law's text"
    return re.sub(r"\s+", "", match.group(0))


@pytest.mark.parametrize("name", sorted(RAW))
def test_each_parameter_is_described_and_cites_its_article(name: str) -> None:
    spec = RAW[name]
    assert set(spec["description"]) == {"zh", "en"} and all(spec["description"].values())
    assert re.search(r"[\u4e00-\u9fff]", spec["description"]["zh"]) and not re.search(r"[\u4e00-\u9fff]", spec["description"]["en"])
    assert spec["unit"] in UNITS[spec["kind"]], spec["unit"]
    assert len(spec["range"]) == 2
    reference = spec["reference"]
    text = _article_text(reference["article"])
    parts = [p for p in re.split(r"……|…", re.sub(r"\s+", "", reference["phrase_zh"])) if p]
    assert parts and all(part in text for part in parts), f"{name}: not a quote of 第{reference['article']}条"


def test_the_shipped_file_needs_every_description(tmp_path, monkeypatch) -> None:
    """A parameter without its unit, description, reference or range is refused where the file is loaded."""
    import copy

    import pinggu_asp.policy.parameters as parameters

    doc = yaml.safe_load(PARAMETERS.read_text(encoding="utf-8"))
    path = tmp_path / "parameters.yaml"
    monkeypatch.setattr(parameters, "shipped", lambda: path)  # this file stands for the shipped one
    for field in ("unit", "description", "reference", "range"):
        broken = copy.deepcopy(doc)
        del broken["parameters"]["art3_cap"][field]
        path.write_text(yaml.safe_dump(broken, allow_unicode=True), encoding="utf-8")
        with pytest.raises(ParameterError, match=rf"parameters\.art3_cap\.{field}"):
            load_parameters(path)


def test_rules_json_describes_every_parameter() -> None:
    result = runner.invoke(app, ["rules", "-f", "json"])
    assert result.exit_code == 0, result.output
    params = json.loads(result.stdout)["parameters"]
    assert set(params) == set(RAW)
    cap = params["art3_cap"]
    assert cap["value"] == 5_000_000 and cap["unit"] == "yuan" and cap["display"] == "5,000,000 元"
    assert cap["written"] == 5_000_000
    assert cap["unit_label"] == "元" and cap["description"]["en"] == RAW["art3_cap"]["description"]["en"]
    assert cap["reference"] == {"article": 3, "phrase_zh": "奖励资金最高不超过500万元"}
    assert cap["range"] == [0, 1_000_000_000_000]
    assert params["penalty_lookback_years"]["range"] == [0, 100]
    assert params["art3_rate"]["range"] == ["0/1", "1/1"] and params["art3_rate"]["written"] == "5/1000"
    assert params["art17_round_unit"]["step"] == 1


@pytest.mark.parametrize("lang, words", [("zh", ("有效期末日", "精确范围 1900-01-01 – 2100-12-31")),
                                         ("en", ("the last day of the two-year validity window", "exact in 0 – 100"))])
def test_rules_text_prints_description_unit_and_range(lang: str, words: tuple[str, ...]) -> None:
    result = runner.invoke(app, ["rules", "--lang", lang])
    assert result.exit_code == 0, result.output
    for word in words:
        assert word in result.stdout


def test_the_service_serves_the_parameters() -> None:
    from fastapi.testclient import TestClient

    from pinggu_asp.service import Settings, create_app

    with TestClient(create_app(Settings(workers=1))) as client:
        response = client.get("/v1/parameters", params={"on": "2026-04-10"})
        assert response.status_code == 200
        doc = response.json()
        assert doc["schema"] == "pinggu-parameters-in-force/1" and doc["on"] == "2026-04-10"
        assert set(doc["parameters"]) == set(RAW)
        cli = json.loads(runner.invoke(app, ["rules", "-f", "json"]).stdout)["parameters"]
        assert doc["parameters"]["window_end"] == cli["window_end"]
        assert client.get("/v1/parameters", params={"on": "soon"}).status_code == 422

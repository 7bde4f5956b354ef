"""The budget report is one self-contained page whose plotly charts render in headless Chromium."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from batch_support import batch, generated

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    source = generated(folder / "in.jsonl", 60, seed=12, invalid=0.05)
    page = folder / "report.html"
    result = batch(source, "-o", folder / "out.jsonl", "--report", page, "--summary", folder / "s.json", "--jobs", 1,
                   "--compare-param", "art3_cap=6000000", "--compare-interpretation", "I-output-stack")
    assert result.exit_code == 0, result.output
    return page


def test_the_report_is_self_contained(report: Path) -> None:
    html = report.read_text(encoding="utf-8")
    assert "<script src=\"http" not in html and "cdn.plot.ly" not in html.split("</head>")[0]
    assert html.count("Plotly.newPlot") >= 3  # cost by article, by payer, the near misses (and the reform)
    summary = json.loads((report.parent / "s.json").read_text(encoding="utf-8"))
    assert f"{summary['declarations']}</td>" in html


def _summary(report: Path) -> dict[str, Any]:
    return dict(json.loads((report.parent / "s.json").read_text(encoding="utf-8")))


def test_the_report_states_the_reform_first(report: Path) -> None:
    html = report.read_text(encoding="utf-8")
    top = html[: html.index('id="population"')]
    # Each changed parameter from → to (Art 3's cap, 5,000,000 → 6,000,000 yuan), the reading switched on,
    # and the package and hashes of both runs, before any figure.
    row = top[top.index("<code>art3_cap</code>"):]
    row = row[: row.index("</tr>")]
    assert "第三条" in row and "5,000,000 元" in row and "6,000,000 元" in row
    assert row.index("5,000,000 元") < row.index("6,000,000 元")
    summary = _summary(report)
    comparison = summary["comparison"]
    assert [p["name"] for p in comparison["parameters_changed"]] == ["art3_cap"]
    assert comparison["readings_switched_on"] == ["I-output-stack"]
    assert "I-output-stack" in top
    for needle in (summary["provenance"]["package"], summary["provenance"]["rules_sha256"],
                   summary["provenance"]["parameters_sha256"], comparison["reform"]["parameters_sha256"]):
        assert needle in top, needle
    # The baseline's readings and every parameter's value.
    assert "I-output-basis" in top and "art3_rate" in top


def test_totals_split_exact_and_up_to(report: Path) -> None:
    summary = _summary(report)
    assert summary["total_exact_yuan"] + summary["total_up_to_yuan"] == summary["total_yuan"]
    assert summary["total_up_to_yuan"] > 0  # Art 4's breakthrough and Arts 6-7 are ceilings
    html = report.read_text(encoding="utf-8")
    assert f"不超过 up to {summary['total_up_to_yuan']:,} 元" in html
    # Each clause's total says whether it is a ceiling: Art 4's breakthrough is (ceiling/1), Art 3's is not.
    assert "art4.breakthrough" in summary["ceiling_clauses"] and "art3.output_growth" not in summary["ceiling_clauses"]
    clauses = html[html.index('id="clauses"'):]
    row = clauses[clauses.index("<code>art4.breakthrough</code>"):]
    assert "不超过 up to" in row[: row.index("</tr>")]


def test_payers_in_words_near_misses_by_enterprise_and_axes_in_wan(report: Path) -> None:
    html = report.read_text(encoding="utf-8")
    summary = _summary(report)
    payers = html[html.index('id="payers"'):]
    assert "区级财政 / district budget" in payers and ">district<" not in payers
    near = html[html.index('id="near-misses"'):]
    near = near[: near.index("</table>")]
    for item in summary["near_misses"]["items"]:
        assert item["name"] in near and item["credit_code"] in near and item["short_by_share"] in near
    # Axes in 元 with their ticks written in 万元 (plotly's own would read "40M"), and titled.
    article = html[html.index('id="plot-article"'):]
    raw = article[article.index('"ticktext":['):][:400]
    # plotly writes its JSON with orjson when that is installed (UTF-8 as it is), else with \\u escapes.
    ticks = raw if "万元" in raw else raw.encode().decode("unicode_escape")
    assert '"ticktext":["0.0万元"' in ticks and "500.0万元" in ticks
    assert "amount (yuan)" in article


def test_winners_and_losers_are_charted_and_listed(report: Path) -> None:
    html = report.read_text(encoding="utf-8")
    changed = _summary(report)["comparison"]["enterprises_changed"]["items"]
    assert changed and 'id="plot-winners"' in html
    table = html[html.index('id="winners"'):]
    for item in changed:
        assert item["name"] in table


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (.ci/run installs it)")
def test_the_report_renders_its_charts_in_headless_chromium(report: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'profile'}",
         "--virtual-time-budget=15000", "--dump-dom", report.as_uri()],
        capture_output=True, text=True, timeout=180, check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    # plotly.js draws each chart as SVG into its div once the page has run: drawn, not merely embedded.
    for chart in ("plot-article", "plot-payer", "plot-near", "plot-reform", "plot-winners"):
        start = dom.index(f'id="{chart}"')
        assert 'class="main-svg"' in dom[start:start + 5000], f"{chart} was not drawn"


def test_a_report_amount_is_money_or_a_clear_error() -> None:
    from pinggu_asp.batch.report import _money, _signed
    from pinggu_asp.money import MoneyError

    assert _money(None) == "—"
    assert _money("0.005") == "0.005 元"  # a fraction of a fen: as the rules gave it
    assert _signed(-12_300) == "−12,300 元（−1.23万元）"
    # Decimal("") raises decimal.InvalidOperation, which is no ValueError: a bad amount used to escape as one.
    with pytest.raises(MoneyError, match="'' is not an amount in yuan"):
        _money("")

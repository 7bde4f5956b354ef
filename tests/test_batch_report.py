"""The budget report is one self-contained page whose plotly charts render in headless Chromium."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from batch_support import batch, generated

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    source = generated(folder / "in.jsonl", 60, seed=12, invalid=0.05)
    page = folder / "report.html"
    result = batch(source, "-o", folder / "out.jsonl", "--report", page, "--summary", folder / "s.json", "--jobs", 1,
                   "--compare-param", "art3_cap=6000000")
    assert result.exit_code == 0, result.output
    return page


def test_the_report_is_self_contained(report: Path) -> None:
    html = report.read_text(encoding="utf-8")
    assert "<script src=\"http" not in html and "cdn.plot.ly" not in html.split("</head>")[0]
    assert html.count("Plotly.newPlot") >= 3  # cost by article, by payer, the near misses (and the reform)
    summary = json.loads((report.parent / "s.json").read_text(encoding="utf-8"))
    assert f"{summary['declarations']}</td>" in html


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
    for chart in ("plot-article", "plot-payer", "plot-near", "plot-reform"):
        start = dom.index(f'id="{chart}"')
        assert 'class="main-svg"' in dom[start:start + 5000], f"{chart} was not drawn"

"""The printed report lays out without overlap, with a running header on every page.

The auditor files `explain -f html` as a PDF. Laid out by the browser for print (A4, the
page's own margins), every table cell's text must stay inside its cell — a field path or a
formula that runs over the next column is the defect this guards — and the PDF must carry
the enterprise, its credit code, the support year and "page X of N" on each page.
The geometry comes from the browser (each cell's text range, `getClientRects`), not from a
screenshot diff; the PDF is printed by the same browser and read back with pdftotext, and
its pages are rendered to PNG with pdftoppm for a person to look at.
"""

from __future__ import annotations

import base64
import copy
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from pinggu_asp.engine.decide import check
from pinggu_asp.loading import declaration_from_data
from pinggu_asp.render.explain import build
from pinggu_asp.render.html import render_html
from support import EXAMPLE, ruleset

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install '.[test]')")

pytestmark = [
    pytest.mark.skipif(CHROMIUM is None or DRIVER is None,
                       reason="headless Chromium is not installed (Debian: apt-get install chromium chromium-driver)"),
]

# A4 less the page's side margins (12 mm each), in CSS pixels: the width print lays out at.
PRINT_WIDTH_PX = round((210 - 24) / 25.4 * 96)

# Each cell's text rectangles against the cell's own box; 1 px of tolerance for rounding.
_OVERFLOWS = """
const out = [];
for (const cell of document.querySelectorAll('td, th')) {
  const box = cell.getBoundingClientRect();
  const range = document.createRange();
  range.selectNodeContents(cell);
  for (const r of range.getClientRects()) {
    if (r.width === 0 || r.height === 0) continue;
    if (r.left < box.left - 1 || r.right > box.right + 1) {
      out.push({text: cell.innerText.slice(0, 80), where: (cell.closest('section') || {}).id || cell.closest('table').className,
                cell: [box.left, box.right], text_box: [r.left, r.right], ws: getComputedStyle(cell).whiteSpace});
      break;
    }
  }
}
return out;
"""


def _long_declaration() -> dict[str, Any]:
    """The example with ids and fields long enough to press on every column."""
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    for approval in data.get("approvals", []):
        approval["id"] = "NMPA-registration-certificate-2025-" + approval["id"] + "-with-a-very_long_suffix.v2"
    return data


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=str(DRIVER)))
    try:
        yield driver
    finally:
        driver.quit()


def _report(tmp_path: Path, data: dict[str, Any], lang: str) -> Path:
    result = check(declaration_from_data(data), ruleset())
    path = tmp_path / f"report-{lang}.html"
    path.write_text(render_html(build(result), lang), encoding="utf-8")
    return path


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("which", ["example", "long ids"])
def test_no_cell_text_runs_over_its_column_in_print(browser: Any, tmp_path: Path, lang: str, which: str) -> None:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")) if which == "example" else _long_declaration()
    page = _report(tmp_path, data, lang)
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": PRINT_WIDTH_PX, "height": 1123, "deviceScaleFactor": 1, "mobile": False})
    browser.get(page.as_uri())
    assert browser.execute_script("return document.querySelectorAll('td').length") > 50
    overflows = browser.execute_script(_OVERFLOWS)
    assert overflows == [], overflows[:5]


def test_every_printed_page_names_the_enterprise_year_and_page(browser: Any, tmp_path: Path) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed (Debian: poppler-utils)")
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    page = _report(tmp_path, data, "zh")
    browser.get(page.as_uri())
    printed = browser.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True})
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(base64.b64decode(printed["data"]))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True, timeout=60).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages) >= 3
    name, code = data["enterprise"]["name"], data["enterprise"]["credit_code"]
    for number, content in enumerate(pages, start=1):
        head = "\n".join(content.strip().splitlines()[:2])
        assert name in head and code in head, (number, head)
        assert f"支持年度 {data['support_year']}" in head, (number, head)
        assert f"第 {number} 页 / 共 {len(pages)} 页" in head, (number, head)
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "50", "-f", "1", "-l", "1", "-png", str(pdf), str(tmp_path / "page")],
                       check=True, timeout=60)
        assert any(tmp_path.glob("page-*.png"))


def test_a_declared_name_is_data_in_the_running_header(tmp_path: Path) -> None:
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["enterprise"]["name"] = 'Evil"; } body { display: none } </style><script>alert(1)</script>'
    html = _report(tmp_path, data, "en").read_text(encoding="utf-8")
    style = html[html.index("<style>") : html.index("</style>")]
    assert "<script>" not in html
    # In the running header the name is one CSS string of hex escapes: no rule of its own.
    assert "display: none" not in style and "display\\00003a" in style

"""Take the README's pictures of the printed report and of the budget report with a reform.

    python docs/report_screenshots.py

- docs/printed-report-p1.png, docs/printed-report-p3.png: `pinggu-asp explain examples/declaration.yaml
  -f html`, printed to PDF by headless Chromium (A4, the page's own running header), pages 1 and 3
  converted by pdftoppm (poppler-utils).
- docs/budget-report.png: `pinggu-asp batch` of the starter population (pinggu_asp/starter/population.jsonl)
  with a reform that raises Art 3's cap and lowers the cap of Art 6 (national titles) (--compare-param art3_cap=6000000
  --compare-param art6_national_max=800000), so that it has winners and losers; the top of its --report page
  in headless Chromium.

Needs Debian's chromium and poppler-utils (as the browser tests do). Each picture is kept under 300 KB.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
LIMIT = 300_000


def _chromium(*args: str, profile: Path) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        sys.exit("chromium is not installed")
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                    f"--user-data-dir={profile}", *args], check=True, capture_output=True, timeout=300)


def _cli(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pinggu_asp", *args], check=True, cwd=ROOT, timeout=1200)


def printed_report(work: Path) -> list[Path]:
    page = work / "report.html"
    _cli("explain", "examples/declaration.yaml", "-f", "html", "-o", str(page))
    pdf = work / "report.pdf"
    _chromium("--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri(), profile=work / "profile")
    out = []
    for number in (1, 3):
        target = HERE / f"printed-report-p{number}"
        # 70 dpi: an A4 page of text well under the size limit, still readable on screen.
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", str(number), "-l", str(number), "-singlefile",
                        str(pdf), str(target)], check=True, timeout=120)
        out.append(target.with_suffix(".png"))
    return out


def budget_report(work: Path) -> Path:
    page = work / "budget.html"
    _cli("batch", "pinggu_asp/starter/population.jsonl", "-o", str(work / "results.jsonl"), "--jobs", "1",
         "--report", str(page), "--compare-param", "art3_cap=6000000", "--compare-param", "art6_national_max=800000")
    target = HERE / "budget-report.png"
    _chromium("--window-size=1100,2250", "--virtual-time-budget=15000", f"--screenshot={target}", page.as_uri(),
              profile=work / "profile")
    return target


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="pinggu-docs-") as scratch:
        work = Path(scratch)
        pictures = [*printed_report(work), budget_report(work)]
    for picture in pictures:
        size = picture.stat().st_size
        print(f"{picture.relative_to(ROOT)}: {size:,} bytes")
        if size > LIMIT:
            sys.exit(f"{picture.name} is {size:,} bytes, over {LIMIT:,}")


if __name__ == "__main__":
    main()

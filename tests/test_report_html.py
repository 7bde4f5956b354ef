"""The printable HTML report: one self-contained page, rendered in a real headless Chromium.

The page must carry no external assets (no scripts, fonts, images or styles
from elsewhere), and once a browser has rendered it, its text must hold the
enterprise, the total and every listed clause id. The browser test skips, and
says why, where Debian's `chromium` is not installed (.ci/run installs it).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pinggu_asp.cli import app
from pinggu_asp.engine.decide import check
from pinggu_asp.loading import load_declaration
from pinggu_asp.render.explain import build
from pinggu_asp.render.html import render_html
from support import EXAMPLE, ruleset, visible_text

runner = CliRunner()

CHROMIUM = next((p for p in (shutil.which(n) for n in ("chromium", "chromium-browser")) if p), None)
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="headless Chromium is not installed (apt-get install -y chromium); .ci/run installs it"
)


@pytest.fixture(scope="module")
def result() -> dict[str, Any]:
    return check(load_declaration(EXAMPLE), ruleset())


def _write_report(tmp_path: Path, lang: str) -> Path:
    path = tmp_path / f"report-{lang}.html"
    out = runner.invoke(app, ["explain", str(EXAMPLE), "--format", "html", "--lang", lang, "--output", str(path)])
    assert out.exit_code == 0, out.output
    return path


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
         f"--user-data-dir={profile}", *args],
        capture_output=True, text=True, timeout=120, check=False,
    )


_visible_text = visible_text


def test_page_is_self_contained(result: dict[str, Any]) -> None:
    for lang in ("zh", "en"):
        page = render_html(build(result), lang)
        assert page.startswith("<!DOCTYPE html>") and "<style>" in page
        lowered = page.lower()
        for banned in ("<script", "<link", "<img", "<iframe", "@import", "url(", "src=", "@font-face"):
            assert banned not in lowered, banned
        assert not re.search(r"href\s*=", lowered)
        assert "http://" not in lowered and "https://" not in lowered


def test_page_has_total_and_every_clause_in_both_languages(result: dict[str, Any]) -> None:
    model = build(result)
    zh, en = visible_text(render_html(model, "zh")), visible_text(render_html(model, "en"))
    for clause in result["clauses"]:
        assert clause["clause"] in zh and clause["clause"] in en
    assert model["total_text"]["zh"] in zh and model["total_text"]["en"] in en
    # each condition's reading is given in both languages on either page
    first = result["clauses"][0]["conditions"][0]
    for page in (zh, en):
        assert first["text_zh"] in page and first["text_en"] in page


@needs_chromium
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_rendered_in_headless_chromium(tmp_path: Path, result: dict[str, Any], lang: str) -> None:
    path = _write_report(tmp_path, lang)
    rendered = _chromium(tmp_path, "--dump-dom", path.as_uri())
    assert rendered.returncode == 0, rendered.stderr[-2000:]
    text = _visible_text(rendered.stdout)
    model = build(result)
    assert model["total_text"][lang] in text
    assert result["enterprise"]["name"] in text
    for clause in result["clauses"]:
        assert clause["clause"] in text, clause["clause"]


@needs_chromium
def test_prints_to_pdf(tmp_path: Path) -> None:
    path = _write_report(tmp_path, "zh")
    pdf = tmp_path / "report.pdf"
    printed = _chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", path.as_uri())
    assert printed.returncode == 0, printed.stderr[-2000:]
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 10_000


def _glyph_png(tmp_path: Path, char: str) -> bytes:
    """One character of the report's Chinese, in the report's own CSS, as a screenshot."""
    from pinggu_asp.render.html import CSS

    page = tmp_path / f"glyph-{ord(char)}.html"
    page.write_text(f"<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><style>{CSS}"
                    "body{font-size:120px;margin:0}</style></head><body>" + char + "</body></html>", encoding="utf-8")
    png = tmp_path / f"glyph-{ord(char)}.png"
    shot = _chromium(tmp_path, f"--screenshot={png}", "--window-size=200,200", "--hide-scrollbars", page.as_uri())
    assert shot.returncode == 0, shot.stderr[-2000:]
    return png.read_bytes()


@needs_chromium
def test_chinese_glyphs_render_not_tofu(tmp_path: Path) -> None:
    """Without a CJK font every Chinese character is drawn as the same empty box (tofu), so two
    different characters give the same picture; with fonts-noto-cjk (.ci/run) they differ."""
    if not shutil.which("fc-list") or "CJK" not in subprocess.run(["fc-list"], capture_output=True, text=True).stdout:
        pytest.skip("no CJK font installed (apt-get install -y fonts-noto-cjk); .ci/run installs it")
    ping, gu, ping_again = _glyph_png(tmp_path, "平"), _glyph_png(tmp_path, "谷"), _glyph_png(tmp_path, "平")
    assert ping == ping_again  # the comparison is deterministic
    assert ping != gu


def test_print_layout_page_numbers_signoff_and_derivations(result: dict[str, Any]) -> None:
    model = build(result)
    page = render_html(model, "zh")
    assert "counter(page)" in page and "counter(pages)" in page
    assert "编制人" in page and "审核人" in page
    # a clause may break across pages: avoiding breaks inside a whole clause left pages half blank
    assert not re.search(r"\.clause \{[^}]*break-inside: avoid", page)
    assert model["awards"][0]["derivation_text"]["zh"] in visible_text(page)
    assert model["total_note"]["zh"] in visible_text(page)
    for reading in model["readings"]:
        assert reading["zh"] in visible_text(page)

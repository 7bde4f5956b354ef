"""Text reports at any width cut no amount, clause id or field path (issue: what users see).

Every word that an auditor copies into a file — an amount, a clause id, a basis key, the
declared field a value came from — must appear whole on one line of the output, at every
width: a table where it fits, one block per clause or condition where it does not.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len

from pinggu_asp.render.wrap import units, widest, wrap

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "declaration.yaml"
WIDTHS = (60, 80, 100, 120, 140, 160, 200)


def _env(width: int | None = None) -> dict[str, str]:
    # This checkout's code, whatever is installed; no COLUMNS means a file or a pipe (140).
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    if width is not None:
        env["COLUMNS"] = str(width)
    return env


def _run(*args: str, width: int) -> str:
    done = subprocess.run([sys.executable, "-m", "pinggu_asp.cli", *args], capture_output=True, text=True,
                          env=_env(width), cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def result() -> dict[str, Any]:
    return json.loads(_run("check", str(EXAMPLE), "-f", "json", width=140))


def _words(result: dict[str, Any], full: bool) -> set[str]:
    """The words that must never be cut: ids, bases, amounts as the reports print them, and
    (in the auditor's full view) caps, condition ids and the declared fields."""
    words: set[str] = set()
    for clause in result["clauses"]:
        words |= {clause["clause"], clause["basis"]}
        if clause["status"] in ("granted", "superseded"):
            words.add(f"{clause['amount_yuan']:,}")
        if not full:
            continue
        for value in (clause.get("amount_yuan"), clause.get("cap_yuan")):
            if isinstance(value, int):
                words.add(f"{value:,}")
        for cond in clause["conditions"]:
            words.add(cond["id"])
            if cond.get("source_field"):
                words.add(cond["source_field"])
    for award in result["awards"]:
        words.add(f"{award['amount_yuan']:,}")
    words.add(f"{result['total_yuan']:,}")
    return words


def _whole_on_a_line(text: str, word: str) -> bool:
    return any(word in line for line in text.split("\n"))


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("command", [("check", "-f", "text"), ("explain",)])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_word_is_cut(result: dict[str, Any], width: int, command: tuple[str, ...], lang: str) -> None:
    text = _run(command[0], str(EXAMPLE), *command[1:], "--lang", lang, width=width)
    lines = text.split("\n")
    assert max(cell_len(line) for line in lines) <= width
    cut = sorted(word for word in _words(result, command[0] == "explain") if not _whole_on_a_line(text, word))
    assert not cut, f"cut at width {width}: {cut[:10]}"
    # rich ellipsizes with "…"; the law's own quotes use "……", which is not a cut.
    assert "…" not in text.replace("……", "")


def test_check_summary_file_is_a_table_at_140(tmp_path: Path) -> None:
    """The README's `check -o summary.txt`: a pipe or a file is 140 columns, and the table holds."""
    out = tmp_path / "summary.txt"
    done = subprocess.run([sys.executable, "-m", "pinggu_asp.cli", "check", str(EXAMPLE), "-o", str(out)],
                          capture_output=True, text=True, env=_env(), cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    assert "┃" in text and "…" not in text
    assert "30.0万元" in text and "（300,000元）" in text


def test_units_keep_numbers_ids_and_paths_whole() -> None:
    text = "＝ 不超过 300,000元（上限）；取整至 1,000元 (annual[2025].gross_output) I-events-in-window 12.3万元"
    pieces = [piece.strip() for piece in units(text)]
    for word in ("300,000元", "1,000元", "(annual[2025].gross_output)", "I-events-in-window", "12.3万元"):
        assert any(word in piece for piece in pieces), word
    # Chinese prose still breaks between characters.
    assert "取" in pieces and "整" in pieces


@pytest.mark.parametrize("width", [8, 12, 20, 40])
def test_wrap_never_exceeds_the_width_except_for_one_whole_piece(width: int) -> None:
    text = "按第十七条取整（向下取整至 1,000元 的整数倍）前后均为 300,000元；annual[2025].gross_output"
    for line in wrap(text, width).split("\n"):
        assert cell_len(line) <= max(width, widest(text))
    assert wrap(text, width).replace("\n", "").replace(" ", "") == text.replace(" ", "")

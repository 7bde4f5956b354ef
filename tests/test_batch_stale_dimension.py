"""A workbook whose sheets' <dimension> understates their rows (as many writers leave it) loses no row."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

from batch_support import batch, read_jsonl
from pinggu_asp.batch.reading import read_items
from pinggu_asp.batch.workbook import write_workbook
from pinggu_asp.loading import parse_text
from population import credit_code
from support import EXAMPLE


def _understated(tmp_path: Path) -> tuple[Path, Path]:
    example = parse_text(EXAMPLE.read_text(encoding="utf-8"), str(EXAMPLE))
    declarations = []
    for index in range(3):
        data = json.loads(json.dumps(example))
        data["enterprise"]["name"] = f"企业{index}"
        data["enterprise"]["credit_code"] = credit_code(index)
        declarations.append(data)
    honest = tmp_path / "honest.xlsx"
    write_workbook(honest, declarations)
    stale = tmp_path / "stale.xlsx"
    rewritten = 0
    with zipfile.ZipFile(honest) as source, zipfile.ZipFile(stale, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                data, count = re.subn(rb'<dimension ref="[^"]*" ?/>', b'<dimension ref="A1:Z2"/>', data)
                rewritten += count
            out.writestr(info, data)
    assert rewritten >= 2  # every sheet, the enterprises and annual sheets among them
    return honest, stale


def test_every_row_is_read_whatever_the_dimension_says(tmp_path: Path) -> None:
    honest, stale = _understated(tmp_path)
    with zipfile.ZipFile(stale) as book:
        assert b'<dimension ref="A1:Z2"/>' in book.read("xl/worksheets/sheet1.xml")
    items = list(read_items(stale))
    assert [item.where for item in items] == [{"sheet": "enterprises", "row": n} for n in (2, 3, 4)]
    assert [item.data for item in items] == [item.data for item in read_items(honest)]
    assert all(item.problems == () for item in items)
    # Each enterprise's annual rows (sheet 2, also understated) came with it.
    assert all(len(item.data["annual"]) >= 3 for item in items if item.data)


def test_a_batch_of_the_stale_workbook_decides_every_enterprise(tmp_path: Path) -> None:
    honest, stale = _understated(tmp_path)
    results = {}
    for path in (honest, stale):
        output = tmp_path / f"{path.stem}.jsonl"
        outcome = batch(path, "-o", output, "--jobs", 1)
        assert outcome.exit_code == 0, outcome.output
        results[path.stem] = read_jsonl(output)
    assert len(results["stale"]) == 3
    assert [r["enterprise"]["name"] for r in results["stale"]] == ["企业0", "企业1", "企业2"]
    assert results["stale"] == results["honest"]

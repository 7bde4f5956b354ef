"""Regenerate examples/declarations.xlsx, the batch workbook template, from examples/declaration.yaml.

    python examples/make_workbook.py
"""

from __future__ import annotations

from pathlib import Path

from pinggu_asp.batch.workbook import write_workbook
from pinggu_asp.loading import parse_text

HERE = Path(__file__).resolve().parent


def main() -> None:
    source = HERE / "declaration.yaml"
    data = parse_text(source.read_text(encoding="utf-8"), str(source))
    write_workbook(HERE / "declarations.xlsx", [data])


if __name__ == "__main__":
    main()

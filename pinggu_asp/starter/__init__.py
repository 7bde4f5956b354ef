"""``pinggu-asp init DIR``: the starter kit a new user copies from.

The example declaration is the one the README and the page use (shipped in the
wheel, or read from the checkout's examples/); the workbook template is written
from it by the batch's own workbook writer, as examples/make_workbook.py does;
the sample population is 20 declarations generated once by
``benchmarks/population.py`` (seed 19, no invalid lines) and kept here.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ..batch.workbook import write_workbook
from ..loading import parse_text

FILES = ("declaration.yaml", "declarations.xlsx", "population.jsonl")


def example_text() -> str:
    """The example declaration: shipped beside the page in the wheel, or the checkout's examples/."""
    packaged = Path(str(resources.files("pinggu_asp.service") / "static" / "example.yaml"))
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    return (Path(__file__).resolve().parents[2] / "examples" / "declaration.yaml").read_text(encoding="utf-8")


def write_starter(directory: Path) -> list[Path]:
    """Write the three starter files into ``directory`` (created if missing); returns their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    declaration, workbook, population = (directory / name for name in FILES)
    text = example_text()
    declaration.write_text(text, encoding="utf-8")
    write_workbook(workbook, [parse_text(text, "declaration.yaml")])
    population.write_bytes((resources.files(__name__) / "population.jsonl").read_bytes())
    return [declaration, workbook, population]

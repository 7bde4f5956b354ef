"""Shared for the batch tests: a generated population on disk, and running the batch command."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from pinggu_asp.cli import app
from support import REPO

sys.path.insert(0, str(REPO / "benchmarks"))

from population import population  # noqa: E402


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def generated(path: Path, count: int, seed: int = 8, **shares: float) -> Path:
    return write_lines(path, list(population(count, seed, **shares)))


def batch(*args: Any) -> Any:
    """Run ``pinggu-asp batch`` in this process; returns the CliRunner result."""
    return CliRunner().invoke(app, ["batch", *[str(a) for a in args]])


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]

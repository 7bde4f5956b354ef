"""The code passes its linter and type checker (configured in pyproject.toml)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from support import REPO


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300)


def test_ruff() -> None:
    if shutil.which("ruff") is None:
        pytest.skip("ruff is not installed (pip install '.[test]' brings it)")
    result = _run("ruff", "check", "pinggu_asp", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy() -> None:
    pytest.importorskip("mypy", reason="mypy is not installed (pip install '.[test]' brings it)")
    result = _run(sys.executable, "-m", "mypy", "pinggu_asp")
    assert result.returncode == 0, result.stdout + result.stderr

"""plotly, FastAPI and uvicorn are extras (issue 19 §8): a command that needs a missing one says how to install it."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from support import REPO, baseline

# Runs the CLI with the named top-level modules unimportable, as on a base install without the extra.
_BLOCKED = """
import sys
for name in sys.argv[1].split(","):
    sys.modules[name] = None  # import raises ImportError, importlib.util.find_spec gives None
from pinggu_asp.cli import main
sys.argv = ["pinggu-asp", *sys.argv[2:]]
main()
"""


def _run_without(modules: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", _BLOCKED, modules, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, check=False)


def test_serve_without_the_serve_extra_names_the_install_command(tmp_path: Path) -> None:
    done = _run_without("fastapi,uvicorn", "serve", "--port", "8765", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "pip install 'pinggu-asp[serve]'" in done.stderr and "fastapi" in done.stderr, done.stderr


def test_batch_report_without_the_report_extra_names_the_install_command(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(baseline(), ensure_ascii=False) + "\n", encoding="utf-8")
    done = _run_without("plotly", "batch", str(source), "-o", str(tmp_path / "out.jsonl"), "--report",
                        str(tmp_path / "report.html"), "--jobs", "1", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "pip install 'pinggu-asp[report]'" in done.stderr and "plotly" in done.stderr, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]  # nothing half-written


def test_a_batch_without_report_does_not_need_plotly(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(baseline(), ensure_ascii=False) + "\n", encoding="utf-8")
    done = _run_without("plotly,fastapi,uvicorn,starlette", "batch", str(source), "-o", str(tmp_path / "out.jsonl"),
                        "--jobs", "1", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))["schema"] == "pinggu-result/1"


@pytest.mark.parametrize("name", ["plotly", "fastapi", "uvicorn", "swagger-ui-bundle"])
def test_the_base_install_leaves_out_the_heavy_extras(name: str) -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert not any(dep.lower().startswith(name) for dep in project["dependencies"])
    extras = project["optional-dependencies"]
    assert any(dep.lower().startswith(name) for dep in extras["report"] + extras["serve"])
    assert "pinggu-asp[report,serve]" in extras["test"]  # the suite tests every command


def test_upper_bounds_on_typer_fastapi_and_starlette() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    deps = project["dependencies"] + project["optional-dependencies"]["serve"]
    for name in ("typer", "fastapi", "starlette"):
        [dep] = [d for d in deps if d.lower().startswith(name)]
        assert "<" in dep, dep

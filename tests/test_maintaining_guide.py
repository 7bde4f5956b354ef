"""docs/maintaining.md's worked example runs as written (issue 20 §6).

The guide's patch (its ```diff block) is applied with `git apply` to a copy of
the package and its rules, and the guide's commands (its last ```sh block) are
run there, in a fresh interpreter that imports the copy. The made-up clause must
then be decided, listed and its cases pass; before the patch the same case file
is refused, and the patch touches only the files the guide's stat lists.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support import REPO

GUIDE = REPO / "docs" / "maintaining.md"
EXAMPLE = "## Worked example"


def _blocks(language: str) -> list[str]:
    text = GUIDE.read_text(encoding="utf-8")
    example = text[text.index(EXAMPLE):]
    return re.findall(rf"^```{language}\n(.*?)^```$", example, flags=re.DOTALL | re.MULTILINE)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the package, its rules, the policy text and the cases: what the guide's reader edits."""
    root = tmp_path_factory.mktemp("scratch")
    for name in ("pinggu_asp", "asp_rules", "policy"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "tests" / "cases", root / "tests" / "cases")
    return root


def _run(root: Path, command: str) -> subprocess.CompletedProcess[str]:
    """A guide command, `pinggu-asp ...`, run by the copy's package (PYTHONPATH puts it first)."""
    args = command.split()
    assert args[0] == "pinggu-asp", command
    env = {"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin", "HOME": str(root), "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "pinggu_asp", *args[1:]], cwd=root, env=env,
                          capture_output=True, text=True, timeout=600)


def _patch_files(patch: str) -> list[str]:
    return sorted(re.findall(r"^\+\+\+ b/(\S+)$", patch, flags=re.MULTILINE))


def test_the_guide_has_one_patch_its_stat_and_its_commands() -> None:
    (patch,) = _blocks("diff")
    (stat,) = _blocks("text")
    listed = sorted(line.split("|")[0].strip() for line in stat.splitlines() if "|" in line)
    assert listed == _patch_files(patch)
    # a new clause over existing inputs: rules, parameters and cases, no Python
    assert not [f for f in listed if f.endswith(".py")]
    assert _blocks("sh")[-1].strip()


@pytest.mark.skipif(shutil.which("git") is None, reason="the guide applies its patch with `git apply`; git is not installed")
def test_the_worked_example_runs_as_written(scratch: Path) -> None:
    (patch,) = _blocks("diff")
    commands = [line for line in _blocks("sh")[-1].splitlines() if line.strip()]
    case_file = next(c for c in commands if c.startswith("pinggu-asp test")).split()[-1]

    # Before the patch, the case file names a parameter the rules do not have: refused, never passed.
    (scratch / case_file).parent.mkdir(parents=True, exist_ok=True)
    new_case = subprocess.run(["git", "apply", "--include", case_file, "-"], cwd=scratch, input=patch,
                              capture_output=True, text=True, timeout=60)
    assert new_case.returncode == 0, new_case.stderr
    before = _run(scratch, f"pinggu-asp test {case_file}")
    assert before.returncode == 2, before.stdout + before.stderr
    (scratch / case_file).unlink()

    applied = subprocess.run(["git", "apply", "-"], cwd=scratch, input=patch, capture_output=True, text=True,
                             timeout=60)
    assert applied.returncode == 0, applied.stderr

    tested = _run(scratch, commands[0])
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert re.search(r"\b3 cases passed", tested.stdout), tested.stdout

    listed = _run(scratch, commands[1])
    assert listed.returncode == 0, listed.stderr
    clauses = {c["clause"]: c for c in json.loads(listed.stdout)["clauses"]}
    assert "art5.steady_rd" in clauses
    entry = clauses["art5.steady_rd"]
    assert entry["article"] == 5
    assert [c["id"] for c in entry["conditions"]] == ["art5.steady_rd_level"]
    # The real clauses are still there: the example adds, it replaces nothing.
    assert {"art5.first_5m", "art5.growth", "art13.synbio_project"} <= set(clauses)

"""The README's example commands run as written, so the README never lies."""

from __future__ import annotations

import os
import re
import shlex

import pytest
from typer.testing import CliRunner

from pinggu_asp.cli import app
from support import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def _commands() -> list[str]:
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", README, flags=re.S):
        for line in block.splitlines():
            line = line.split("  #")[0].strip()
            # The quick start installs first: only the part that runs the tool is ours to check.
            line = line.split("&&")[-1].strip()
            if line.startswith("pinggu-asp "):
                commands.append(line)
    return commands


def test_the_readme_has_examples():
    assert len(_commands()) >= 5


@pytest.mark.parametrize("command", _commands())
def test_readme_command_runs(command, tmp_path, monkeypatch):
    monkeypatch.chdir(REPO)
    args = shlex.split(command)[1:]
    # Outputs go to a scratch folder, not into the checkout.
    args = [str(tmp_path / a) if i and args[i - 1] in ("-o", "--output") else a for i, a in enumerate(args)]
    result = CliRunner().invoke(app, args, env={**os.environ, "COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output


def test_the_readme_test_command_is_what_ci_runs():
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install '.[test]' && pytest" in README
    assert "pip install '.[test]' && pytest" in ci

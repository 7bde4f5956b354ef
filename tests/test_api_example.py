"""The README's Python API example runs as written and prints what its comments say."""

from __future__ import annotations

import contextlib
import io
import re

import pytest

from support import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def _example() -> str:
    section = README.split("### Python API", 1)[1]
    return re.findall(r"```python\n(.*?)```", section, flags=re.S)[0]


def test_the_readme_api_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    code = _example()
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "README.md", "exec"), {})  # noqa: S102 - the README's own example
    lines = printed.getvalue().splitlines()
    promised = [m.strip() for m in re.findall(r"#\s*(.+)$", code, flags=re.M)]
    assert lines[0] == promised[0] == "5630000"
    assert lines[1] == promised[1] == "5630000 5330000"
    assert lines[2] == promised[2] == "['art3.output_growth']"
    assert "art11.global_first_certificate" in lines[3]

"""A cold `pinggu-asp` process: what the real entry imports, and what the start-up shortcuts must not change.

tests/test_lazy_imports.py probes `pinggu_asp.cli.main` from `-c`; these run the command as installed
(`python -m pinggu_asp`, through `__main__` and `main()`), each in a new interpreter, and read the
imports from `-X importtime`, which lists every module the process loaded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import typing
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "declaration.yaml"


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-X", "importtime", "-m", "pinggu_asp", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=300, env=env, check=False)


def _imported(stderr: str) -> set[str]:
    """The modules `-X importtime` reports (``import time: self | cumulative | name`` lines)."""
    return {line.rsplit("|", 1)[1].strip() for line in stderr.splitlines() if line.startswith("import time:")
            and "|" in line and not line.rstrip().endswith("imported package")}


@pytest.mark.parametrize("args", [("--version",), ("-h",)])
def test_version_and_help_through_the_real_entry_import_neither_engine_nor_model(args: tuple[str, ...]) -> None:
    done = _run(*args)
    assert done.returncode == 0, done.stderr[-2000:]
    loaded = _imported(done.stderr)
    assert "pinggu_asp.cli" in loaded  # the probe reads what it should
    heavy = {"clingo", "pydantic", "pinggu_asp.declaration", "pinggu_asp.engine.solve", "yaml"}
    assert not loaded & heavy, sorted(loaded & heavy)


def test_a_cold_check_through_the_real_entry_prints_the_whole_result() -> None:
    # main() freezes the collector as the process ends; the document must still be printed whole.
    done = _run("check", str(EXAMPLE))
    assert done.returncode == 0, done.stderr[-2000:]
    assert {"clingo", "pinggu_asp.declaration"} <= _imported(done.stderr)
    from pinggu_asp.api import assess
    from pinggu_asp.engine.result import dumps

    assert done.stdout == dumps(assess(EXAMPLE))


def test_a_cold_check_of_bad_input_still_exits_2_with_the_field_named(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    data = json.loads(json.dumps(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")), default=str))
    data["support_year"] = "next year"
    bad.write_text(json.dumps(data), encoding="utf-8")
    done = _run("check", str(bad))
    assert done.returncode == 2
    assert done.stdout == ""
    assert "support_year" in done.stderr and "Traceback" not in done.stderr


def test_the_commands_annotations_are_objects_not_strings() -> None:
    # As strings, typer evaluates every command's annotations (every typer.Option rebuilt) on
    # each start, whichever command runs: ~30 ms of a cold check (cli.py says why).
    from pinggu_asp.cli import app

    callbacks = [info.callback for info in app.registered_commands]
    assert len(callbacks) >= 10
    for callback in callbacks:
        assert callback is not None
        for name, annotation in callback.__annotations__.items():
            assert not isinstance(annotation, str), f"{callback.__name__}({name}): {annotation!r}"
        typing.get_type_hints(callback, include_extras=True)  # and they resolve


@pytest.mark.parametrize("setting", [None, "some-plugin"])
def test_the_declaration_model_puts_back_the_pydantic_plugin_setting(setting: str | None) -> None:
    # The models are built with pydantic's plugins off (no entry-point scan); the caller's setting stays.
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    if setting is not None:
        env["PYDANTIC_DISABLE_PLUGINS"] = setting
    probe = ("import os, pinggu_asp.declaration as d\n"
             "print(repr(os.environ.get('PYDANTIC_DISABLE_PLUGINS')))\n"
             "print(type(d.Declaration.__pydantic_validator__).__name__)\n")
    done = subprocess.run([sys.executable, "-c", probe], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines() == [repr(setting), "SchemaValidator"]

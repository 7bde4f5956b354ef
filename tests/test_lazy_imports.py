"""What a cold start imports: `--version` and `-h` need neither the model (pydantic) nor the engine (clingo).

Each case runs in a new interpreter, since this test process has imported everything already.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
HEAVY = ("clingo", "pydantic", "pinggu_asp.declaration", "pinggu_asp.api", "pinggu_asp.engine.decide", "yaml")


def _modules_after(code: str) -> set[str]:
    """The modules loaded after running ``code`` (which may exit) in a fresh interpreter."""
    probe = (
        "import atexit, json, sys\n"
        "atexit.register(lambda: sys.__stderr__.write('MODULES ' + json.dumps(sorted(sys.modules)) + '\\n'))\n"
        + code
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert done.returncode == 0, done.stderr[-2000:]
    line = [x for x in done.stderr.splitlines() if x.startswith("MODULES ")][-1]
    return set(json.loads(line[len("MODULES "):]))


def _cli(*args: str) -> str:
    return f"import sys\nsys.argv = ['pinggu-asp', *{list(args)!r}]\nfrom pinggu_asp.cli import main\nmain()\n"


@pytest.mark.parametrize("args", [("--version",), ("-h",), ("--help",)])
def test_version_and_help_import_neither_model_nor_engine(args: tuple[str, ...]) -> None:
    loaded = _modules_after(_cli(*args))
    assert "pinggu_asp.cli" in loaded
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


@pytest.mark.parametrize("args", [("check", "-h"), ("batch", "--help"), ("serve", "--help")])
def test_command_help_imports_no_engine(args: tuple[str, ...]) -> None:
    # typer itself builds pydantic adapters for a command's options, so pydantic
    # may load here; the declaration model and clingo must not.
    loaded = _modules_after(_cli(*args))
    unwanted = {"clingo", "pinggu_asp.declaration", "pinggu_asp.api", "pinggu_asp.engine.decide", "fastapi", "plotly", "openpyxl"}
    assert not loaded & unwanted, sorted(loaded & unwanted)


def test_cli_imports_no_renderer_or_service_stack() -> None:
    loaded = _modules_after("import pinggu_asp.cli\n")
    unwanted = {"rich", "plotly", "openpyxl", "fastapi", "jinja2", "uvicorn", *HEAVY}
    assert not loaded & unwanted, sorted(loaded & unwanted)
    assert not {m for m in loaded if m.startswith(("pinggu_asp.batch", "pinggu_asp.service", "pinggu_asp.render"))}


def test_package_import_is_light_and_the_api_resolves_on_use() -> None:
    loaded = _modules_after(
        "import pinggu_asp\n"
        "assert 'pinggu_asp.api' not in sys.modules\n"
        "from pinggu_asp import assess\n"
        "assert callable(assess) and assess is pinggu_asp.assess\n"
    )
    assert "pinggu_asp.api" in loaded and "clingo" in loaded


def test_json_check_does_not_import_the_text_renderer(tmp_path: Path) -> None:
    loaded = _modules_after(_cli("check", "examples/declaration.yaml", "-o", str(tmp_path / "r.json")))
    assert "clingo" in loaded and "pinggu_asp.declaration" in loaded
    assert not loaded & {"rich", "pinggu_asp.render.text", "plotly", "openpyxl", "fastapi"}, sorted(
        loaded & {"rich", "pinggu_asp.render.text", "plotly", "openpyxl", "fastapi"}
    )


def test_api_names_stay_functions_beside_submodules_of_the_same_name() -> None:
    # ``pinggu_asp.analysis.whatif`` and ``pinggu_asp.analysis.reach`` are modules named as the
    # API's functions; importing them first must not turn the package's API names into modules.
    _modules_after(
        "import pinggu_asp.analysis.whatif, pinggu_asp.analysis.reach, pinggu_asp.render.whatif\n"
        "import pinggu_asp\n"
        "assert callable(pinggu_asp.whatif) and callable(pinggu_asp.reach), (pinggu_asp.whatif, pinggu_asp.reach)\n"
        "assert pinggu_asp.whatif.__module__ == 'pinggu_asp.api'\n"
        "from pinggu_asp.analysis.whatif import apply_changes\n"
        "assert callable(apply_changes)\n"
        "assert 'assess' in dir(pinggu_asp)\n"
    )


def test_a_cold_check_with_the_rules_cached_parses_no_rule_file(tmp_path: Path) -> None:
    # The rules are found in the cache by the digest of the files' bytes; parsing them
    # (a tenth of a cold check) is only for a cache that lacks their rewrite.
    probe = (
        "import json, sys\n"
        "import clingo.ast\n"
        "parsed = []\n"
        "real = clingo.ast.parse_files\n"
        "clingo.ast.parse_files = lambda files, *a, **k: (parsed.append(files), real(files, *a, **k))[1]\n"
        "from pinggu_asp.api import assess\n"
        "from pinggu_asp.engine.result import dumps\n"
        "text = dumps(assess('examples/declaration.yaml'))\n"
        "print(json.dumps({'parsed': len(parsed), 'text': text}))\n"
    )
    env = {**os.environ, "PINGGU_ASP_CACHE": str(tmp_path)}

    def run() -> dict[str, object]:
        done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300, cwd=REPO,
                              env=env)
        assert done.returncode == 0, done.stderr[-2000:]
        return dict(json.loads(done.stdout))

    first, second = run(), run()
    assert first["parsed"] == 1 and list(tmp_path.glob("grouped-*.json"))  # a miss: parsed, rewritten, stored
    assert second["parsed"] == 0  # a hit: the cached text, checked, given to clingo
    assert second["text"] == first["text"]

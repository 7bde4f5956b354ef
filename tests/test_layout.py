"""The layout's import directions (issue 20 §5), read from every module's imports, lazy ones included.

engine/ decides and imports no renderer, analysis, batch, service or CLI; policy/ is the pack and imports
none of the code that runs it; render/ lays out documents and reads the engine only through its public
reader of answers (engine.answer, engine.terms); analysis/ runs the engine and renders nothing.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "pinggu_asp"

# layer -> (sub-packages and modules of pinggu_asp it must not import, the exceptions it may)
RULES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "engine": (("render", "analysis", "batch", "service", "cli"), ()),
    "policy": (("engine", "render", "analysis", "batch", "service", "cli"), ()),
    "render": (("engine", "analysis", "batch", "service", "cli"), ("engine.answer", "engine.terms")),
    "analysis": (("render", "batch", "service", "cli"), ()),
}


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path, root: Path) -> list[tuple[int, str]]:
    """(line, dotted name) of every import in the module, anywhere in it; ``from m import n`` gives ``m.n``."""
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
    return found


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def violations(root: Path) -> list[str]:
    """``file:line imports name`` for every import against RULES in the package at ``root``."""
    top = root.name
    out = []
    for path in sorted(root.rglob("*.py")):
        layer = module_name(path, root).split(".")[1:2]
        if not layer or layer[0] not in RULES:
            continue
        forbidden, allowed = RULES[layer[0]]
        for line, name in imported(path, root):
            if any(_within(name, f"{top}.{f}") for f in forbidden) and not any(
                _within(name, f"{top}.{a}") for a in allowed
            ):
                out.append(f"{path.relative_to(root)}:{line} imports {name}")
    return out


def test_the_package_keeps_the_import_directions() -> None:
    assert violations(PACKAGE) == []


def test_every_layer_is_a_package_that_says_what_it_may_import() -> None:
    for layer in RULES:
        init = PACKAGE / layer / "__init__.py"
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert "May import" in doc and "never" in doc, layer
        # an __init__ imports nothing, so importing one module of a layer loads only what that module needs
        assert imported(init, PACKAGE) == [], layer


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "pinggu_asp"
    for name, text in {"__init__.py": "", "engine/__init__.py": "", "render/__init__.py": "",
                       "policy/__init__.py": "", "analysis/__init__.py": "", **files}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize("module, source, expected", [
    ("engine/solve.py", "def f():\n    from ..render.text import render\n", "engine/solve.py:2 imports pinggu_asp.render.text.render"),
    ("engine/solve.py", "from .. import cli\n", "engine/solve.py:1 imports pinggu_asp.cli"),
    ("engine/solve.py", "import pinggu_asp.batch.run\n", "engine/solve.py:1 imports pinggu_asp.batch.run"),
    ("render/text.py", "from ..engine.solve import Ruleset\n", "render/text.py:1 imports pinggu_asp.engine.solve.Ruleset"),
    ("render/text.py", "from .. import engine\n", "render/text.py:1 imports pinggu_asp.engine"),
    ("policy/pack.py", "from ..engine import answer\n", "policy/pack.py:1 imports pinggu_asp.engine.answer"),
    ("analysis/reach.py", "class A:\n    def f(self):\n        from ..render import html\n",
     "analysis/reach.py:3 imports pinggu_asp.render.html"),
])
def test_a_planted_violation_is_found(tmp_path: Path, module: str, source: str, expected: str) -> None:
    assert violations(_tree(tmp_path, {module: source})) == [expected]


def test_what_the_layers_may_import_is_not_reported(tmp_path: Path) -> None:
    root = _tree(tmp_path, {
        "render/text.py": "from ..engine.answer import Answer\nfrom ..engine import terms\nfrom ..policy import pack\n",
        "engine/solve.py": "from ..policy.parameters import Parameter\nfrom . import answer\nfrom ..declaration import D\n",
        "analysis/reach.py": "from ..engine.decide import check\n",
        "cli.py": "from .render.text import render\nfrom .engine.solve import Ruleset\n",
        "batch/run.py": "from ..engine.decide import check\n",
    })
    assert violations(root) == []

"""The engine's Python names no article: the policy's words are in asp_rules/texts.yaml (issue 20 §4).

What counts is a string literal in code: a `第…条` or an `Art N` / `Arts N` in a
string the program can print (f-strings included). Comments and docstrings do
not count: they say why the code is as it is, and citing the article is that
reason. declaration.py is left out on purpose: it is the declaration schema,
pinggu-declaration/1, which the issue keeps Pinggu's own until a second policy
exists (its validation messages name the article whose order fields they require).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "pinggu_asp"
ARTICLE = re.compile(r"第[一二三四五六七八九十百零〇两]+条|\bArts?\.? ?\d")
# The declaration schema (see above); the reason is the test's, not a convenience.
NOT_CHECKED = {"declaration.py"}


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of the Constant nodes that are docstrings (module, class, function)."""
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                out.add(id(body[0].value))
    return out


def article_literals(source: str) -> list[tuple[int, str]]:
    """(line, text) of every string literal outside docstrings that names an article."""
    tree = ast.parse(source)
    docs = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            if ARTICLE.search(node.value):
                found.append((node.lineno, node.value))
    return sorted(found)


def _modules() -> list[Path]:
    # Every module, in every sub-package (engine/, policy/, render/, analysis/, batch/, service/, schemas/...):
    # they say an article only through render.i18n.article_label.
    return sorted(p for p in PACKAGE.rglob("*.py") if str(p.relative_to(PACKAGE)) not in NOT_CHECKED)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_article_literal_in_the_engines_python(path: Path) -> None:
    found = article_literals(path.read_text(encoding="utf-8"))
    assert not found, f"{path.relative_to(PACKAGE)}: article literals {found}; move them to asp_rules/texts.yaml"


def test_the_modules_checked_include_the_sub_packages() -> None:
    checked = {str(p.relative_to(PACKAGE)) for p in _modules()}
    assert {"cli.py", "engine/solve.py", "render/text.py", "batch/summary.py", "service/app.py"} <= checked
    assert "declaration.py" not in checked


def test_the_check_finds_what_it_looks_for() -> None:
    # The check itself, on a made-up module: strings and f-strings are found, comments and docstrings are not.
    source = '''"""Rounding as 第十七条 says."""
# 第十八条: most favourable
A = "按第十八条取整"
B = f"under Art {n}: {x}"
C = f"under Art 18: {x}"
D = "Gates (Arts 2, 15)"
E = "art17_round_unit"
def f():
    """Art 17."""
    return "第{n}条"
'''
    assert [line for line, _ in article_literals(source)] == [3, 5, 6]

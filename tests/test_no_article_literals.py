"""The engine's Python names no article and no Pinggu: the policy's words are in asp_rules/ (issue 20 §4).

What counts is a string literal in code: a `第…条` or an `Art N` / `Arts N`, or
平谷 / Pinggu / 京平, in a string the program can print (f-strings included),
in every module of pinggu_asp/ and its sub-packages. The policy's name, number
and issuer are asp_rules/pack.yaml's; its headings are asp_rules/texts.yaml's. Comments and docstrings do
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
# The policy's place and issuer; lower-case `pinggu` is the program's own name (pinggu-asp, pinggu-result/1).
POLICY_WORD = re.compile(r"平谷|Pinggu|京平")
# The declaration schema (see above); the reason is the test's, not a convenience. It names no Pinggu, though.
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


def article_literals(source: str, pattern: re.Pattern[str] = ARTICLE) -> list[tuple[int, str]]:
    """(line, text) of every string literal outside docstrings that names an article (or matches ``pattern``)."""
    tree = ast.parse(source)
    docs = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            if pattern.search(node.value):
                found.append((node.lineno, node.value))
    return sorted(found)


def _modules() -> list[Path]:
    # Every module, in every sub-package (engine/, policy/, render/, analysis/, batch/, service/, schemas/...),
    # at any depth: they say an article only through render.i18n.article_label.
    return sorted(PACKAGE.rglob("*.py"))


def _name(path: Path) -> str:
    return str(path.relative_to(PACKAGE))


@pytest.mark.parametrize("path", [p for p in _modules() if _name(p) not in NOT_CHECKED], ids=_name)
def test_no_article_literal_in_the_engines_python(path: Path) -> None:
    found = article_literals(path.read_text(encoding="utf-8"))
    assert not found, f"{_name(path)}: article literals {found}; move them to asp_rules/texts.yaml"


@pytest.mark.parametrize("path", _modules(), ids=_name)
def test_no_pinggu_word_in_the_engines_python(path: Path) -> None:
    found = article_literals(path.read_text(encoding="utf-8"), POLICY_WORD)
    assert not found, f"{_name(path)}: the policy's words {found}; take them from asp_rules/pack.yaml or texts.yaml"


def test_the_modules_checked_include_the_sub_packages() -> None:
    checked = {_name(p) for p in _modules() if _name(p) not in NOT_CHECKED}
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


def test_the_check_finds_the_policys_words() -> None:
    source = '''"""A checker for Pinggu District's measures (京平科信发〔2025〕8号)."""
# 平谷区: the district
A = "平谷区高端制造业措施"
B = f"Eligibility for Pinggu's measures ({n})"
C = "<h1>京平科信发〔2025〕8号</h1>"
D = "pinggu-result/1"
E = f"the policy {title} names"
'''
    assert [line for line, _ in article_literals(source, POLICY_WORD)] == [3, 4, 5]

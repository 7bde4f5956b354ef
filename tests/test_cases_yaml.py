"""The YAML cases under tests/cases/ (pinggu-cases/1), one test each, as `pinggu-asp test tests/cases` runs them.

Each case's name says why it passes or fails; a failing case reports what it expected, what it got and
the condition that decided. Expected conclusion: every case file loads and every case holds.
"""

from __future__ import annotations

import pytest

from pinggu_asp.cases import Case, decide, load_cases
from support import REPO

CASES_DIR = REPO / "tests" / "cases"
CASES, ERRORS = load_cases([CASES_DIR])


def test_every_case_file_loads() -> None:
    assert not ERRORS, "\n".join(ERRORS)


def test_every_article_and_the_gates_have_their_case_file() -> None:
    names = {path.stem for path in CASES_DIR.glob("*.yaml")}
    assert {f"art{n}" for n in range(3, 14)} | {"gates"} <= names


@pytest.mark.parametrize("case", CASES, ids=[f"{c.file.name}:{c.line}" for c in CASES])
def test_case(case: Case) -> None:
    (outcome,) = decide([case])
    assert outcome.passed, outcome.line()

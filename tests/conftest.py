"""pytest set-up: tests import their builders from support.py beside this file."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _check_outputs_against_schemas() -> None:
    """Every result support.decide returns and every JSON the CLI prints in a test is checked against
    the published schema of its kind (tests/schema_check.py)."""
    from typer.testing import CliRunner

    import support
    from schema_check import check_document, check_text

    decide = support.decide

    def checked_decide(*args, **kwargs):  # type: ignore[no-untyped-def]
        result = decide(*args, **kwargs)
        check_document(result)
        return result

    checked_decide.__doc__ = decide.__doc__
    support.decide = checked_decide

    invoke = CliRunner.invoke

    def checked_invoke(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        outcome = invoke(self, *args, **kwargs)
        if outcome.exit_code == 0:
            try:
                stdout = outcome.stdout
            except ValueError:  # output not captured as text
                return outcome
            check_text(stdout)
        return outcome

    CliRunner.invoke = checked_invoke  # type: ignore[method-assign]


_check_outputs_against_schemas()


# `pytest -m "not slow"`: the quick subset (README). Marked here, by module and fixture, so the
# test files stay as they are: the auditors' page in a browser, Chromium rendering, the Dask
# cluster, and the tests over generated populations.
SLOW_MODULES = {"test_page_browser", "test_batch_cluster", "test_pure_python_agrees", "test_batch_summary"}
SLOW_FIXTURES = {"population_file"}


def pytest_collection_modifyitems(config, items):  # type: ignore[no-untyped-def]
    import pytest

    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1] if getattr(item, "module", None) else ""
        browser = any(mark.name == "skipif" and "Chromium" in str(mark.kwargs.get("reason", ""))
                      for mark in item.iter_markers())
        if module in SLOW_MODULES or browser or SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)

"""Local workers are forked from a fork server that imported the engine and parsed the default rules once.

A worker that imported and parsed for itself cost about 0.6 s of CPU, paid again
for every retired worker's successor; the speed itself lives in
benchmarks/bench_batch.py, not here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pinggu_asp.batch import run as batch_run
from pinggu_asp.batch.reading import Item
from pinggu_asp.batch.run import Plan
from support import baseline, ruleset

ROOT = Path(__file__).resolve().parents[1]


def test_the_batch_asks_the_fork_server_to_preload_the_warm_module(monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing.forkserver

    asked: list[list[str]] = []
    real = multiprocessing.forkserver.set_forkserver_preload
    monkeypatch.setattr(multiprocessing.forkserver, "set_forkserver_preload",
                        lambda names: (asked.append(list(names)), real(names))[1])
    items = [Item({"line": n}, text=json.dumps(baseline())) for n in (1, 2)]
    outcomes = list(batch_run.run(items, Plan(baseline=ruleset()), jobs=2, chunk_size=1))
    assert [o.error for o in outcomes] == [None, None]
    assert asked and "pinggu_asp.batch.warm" in asked[-1] and "__main__" in asked[-1]


def test_importing_the_warm_module_leaves_the_default_rules_parsed_and_frozen() -> None:
    # In a fresh interpreter, as the fork server imports it.
    probe = (
        "import gc, pinggu_asp.batch.warm\n"
        "from pinggu_asp.engine.solve import default_ruleset, _grouped\n"
        "assert _grouped.cache_info().currsize == 1\n"
        "assert default_ruleset().grouped()._statements is not None\n"
        "assert gc.get_freeze_count() > 0\n"
        "print('warm')\n"
    )
    assert _printed(probe) == "warm"


def test_the_fork_server_starts_even_when_the_rules_cannot_be_parsed() -> None:
    probe = (
        "from pinggu_asp.engine import solve\n"
        "def broken(*a, **k): raise RuntimeError('unparsable')\n"
        "solve._grouped = broken\n"
        "import pinggu_asp.batch.warm\n"
        "print('started')\n"
    )
    assert _printed(probe) == "started"


def _printed(probe: str) -> str:
    """What ``probe`` prints in a fresh interpreter (as the fork server imports the warm module), once it succeeded."""
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()

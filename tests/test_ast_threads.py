"""Threads that add the grouped rules to their Controls at once leave the shared statements intact."""

from __future__ import annotations

import threading

import clingo

from pinggu_asp.engine import solve
from pinggu_asp.engine.grouping import group_program


def test_threads_adding_the_same_statements_at_once_corrupt_nothing() -> None:
    """clingo counts AST references without atomics and releases the GIL in its calls: unguarded, four threads
    adding the same rewritten statements (whose nodes the rewrite shares) corrupted them about one run in
    three ("invalid ast: term expected"). Each thread adds them 15 times; every add must succeed, and the
    statements must still print as before."""
    grouped = group_program(solve._parse(solve._files(()))[0])  # rewritten here: nodes shared between statements
    before = [str(s) for s in grouped.statements]
    errors: list[BaseException] = []

    def add() -> None:
        try:
            for _ in range(15):
                grouped.add_to(clingo.Control(["--warn=none"]))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=add) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert [str(s) for s in grouped.statements] == before

"""A thread's answer reader outlives its groups (raw_symbols.shared_reader): what it kept from earlier
groups never changes what a later group reads, and it is replaced once it holds READER_LIMIT entries."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest

from pinggu_asp.engine import raw_symbols
from pinggu_asp.engine.solve import EngineError, solve_many
from support import ruleset

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from generate import valid_declarations  # noqa: E402


def _reader(rules: object) -> raw_symbols.RawReader:
    grouped = rules.grouped()  # type: ignore[attr-defined]
    return raw_symbols.shared_reader(grouped.by_member, grouped.parameters)


def _fresh() -> None:
    raw_symbols.forget_readers()


def _atoms(decls: list, rules: object) -> list:
    return [o if isinstance(o, EngineError) else (o.atoms, o.chosen, o.alternatives)
            for o in solve_many(decls, rules)]  # type: ignore[arg-type]


def test_a_warm_reader_reads_a_group_as_a_fresh_one_does() -> None:
    rules = ruleset()
    earlier = valid_declarations(24, seed=31)
    later = valid_declarations(24, seed=32)
    _fresh()
    alone = _atoms(later, rules)
    _fresh()
    # The later group read after the earlier ones, and after itself in other groupings.
    _atoms(earlier, rules)
    _atoms(later[::-1], rules)
    reader = _reader(rules)
    known = reader.size()
    assert known > 0, "the reader was kept across the groups"
    assert _atoms(later, rules) == alone
    assert _reader(rules) is reader


def test_a_reader_past_its_limit_is_replaced(monkeypatch: pytest.MonkeyPatch) -> None:
    rules = ruleset()
    decls = valid_declarations(4, seed=33)
    _fresh()
    _atoms(decls, rules)
    first = _reader(rules)
    monkeypatch.setattr(raw_symbols, "READER_LIMIT", first.size() - 1)
    second = _reader(rules)
    assert second is not first and second.size() == 0
    assert _atoms(decls, rules) == _atoms(decls, rules)


def test_each_thread_has_its_own_reader() -> None:
    rules = ruleset()
    mine = _reader(rules)
    theirs: list[raw_symbols.RawReader] = []
    thread = threading.Thread(target=lambda: theirs.append(_reader(rules)))
    thread.start()
    thread.join()
    assert theirs and theirs[0] is not mine


def test_threads_reading_at_once_read_as_one_alone() -> None:
    """Two threads decide groups at the same time, each with its own reader (its entries and output
    buffers): each group reads as it does alone."""
    rules = ruleset()
    groups = [valid_declarations(16, seed=41), valid_declarations(16, seed=42)]
    _fresh()
    alone = [_atoms(group, rules) for group in groups]
    together: dict[int, list] = {}
    errors: list[BaseException] = []

    def decide(index: int) -> None:
        try:
            raw_symbols.forget_readers()
            for _ in range(2):  # the second time from this thread's warm reader
                together[index] = _atoms(groups[index], rules)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=decide, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert [together[0], together[1]] == alone

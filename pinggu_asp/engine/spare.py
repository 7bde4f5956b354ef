"""Controls made ahead and freed late, so a request at rest pays only for grounding its own facts.

A lone ``check`` spends about 67 CPU ms, of which making a Control and adding
the ~900 grouped statements is 6–7 ms and freeing the grounded Control 5 ms.
Neither depends on the request. A long-lived process that answers one request
at a time (a service worker) can do both between requests: after its reply
is sent it frees the Controls of the last request and makes the next one's
Control, with the rules added, before the next request arrives. The work is
the same; it is only moved off the request's path, so this helps latency, not
throughput.

Off unless a process asks for it (``enable``): a batch worker decides group
after group with no gap between, and a short-lived ``check`` exits after one.
A spare serves one grouped program and one seed; a logger is fixed when a
Control is made, so the spare's logger relays to whatever sink the request
that takes it supplies.
"""

from __future__ import annotations

from collections.abc import Callable

import clingo

from .grouping import GroupedProgram
from .live import LiveProgram, pickable

# Requests whose live statements (engine/live.py) a spare's rules are the common part of.
RECENT = 8

Logger = Callable[[clingo.MessageCode, str], None]
# Grounded Controls held for freeing at most: each may hold a group's whole grounding.
RETIRED_LIMIT = 2


class _Relay:
    """A Control's logger that passes each message to the current sink (none: dropped).

    clingo calls it in a nothrow scope, where an exception aborts the process;
    the sinks the engine supplies only collect, and a missing sink drops."""

    def __init__(self) -> None:
        self.sink: Logger | None = None

    def __call__(self, code: clingo.MessageCode, message: str) -> None:
        sink = self.sink
        if sink is not None:
            sink(code, message)


class _State:
    def __init__(self) -> None:
        self.enabled = False
        # (the grouped program, the Control's arguments) -> the spare, its logger's relay, and the statements
        # it holds (indices of the program's; None: all of them).
        self.spares: dict[tuple[int, tuple[str, ...]],
                          tuple[GroupedProgram, clingo.Control, _Relay, frozenset[int] | None]] = {}
        self.retired: list[clingo.Control] = []
        self.last: tuple[GroupedProgram, tuple[str, ...]] | None = None
        # The live statements of the last requests for the program used last (None: a request used all of them).
        self.recent: list[frozenset[int] | None] = []


_STATE = _State()


def enable(on: bool = True) -> None:
    """Make Controls ahead and free them late in this process (a service worker); off frees what is held."""
    _STATE.enabled = on
    if not on:
        _STATE.spares.clear()
        _STATE.retired.clear()
        _STATE.last = None
        _STATE.recent.clear()


def expect(grouped: GroupedProgram, arguments: tuple[str, ...]) -> None:
    """The program and arguments the next request will likely use (before any has come)."""
    if _STATE.enabled:
        _STATE.last = (grouped, arguments)
        _STATE.recent.clear()


def control(grouped: GroupedProgram, arguments: tuple[str, ...], logger: Logger | None,
            rules: GroupedProgram | LiveProgram | None = None) -> clingo.Control:
    """A Control with ``arguments``, logging to ``logger``, with ``rules`` added (``grouped``'s, or the part of
    them a request's facts can fire: engine/live.py); a spare made ahead for ``grouped`` if one waits.

    A spare holds the statements live for every one of the last RECENT requests (``idle``), added before this
    request's facts were known; this request's other live statements are added here. A statement the spare
    holds that this request's facts cannot fire grounds to nothing (as when the whole program is added), so
    the atoms are those of ``rules`` alone; and grounding costs what ``rules`` costs, give or take the few
    statements only recent requests needed, rather than the whole program's (about 10 ms more for one member)."""
    added = grouped if rules is None else rules
    if _STATE.enabled:
        if _STATE.last is None or _STATE.last[0] is not grouped or _STATE.last[1] != arguments:
            _STATE.recent.clear()
        _STATE.last = (grouped, arguments)
        wanted = _statements(grouped, added)
        _STATE.recent = [*_STATE.recent[-(RECENT - 1):], wanted]
        spare = _STATE.spares.pop((id(grouped), arguments), None)
        if spare is not None and spare[0] is grouped:
            _, ctl, relay, held = spare
            relay.sink = logger
            if held is not None:
                missing = _every(grouped) - held if wanted is None else wanted - held
                undefined = added.undefined if isinstance(added, LiveProgram) else ()
                if missing or undefined:
                    LiveProgram(grouped, sorted(missing), undefined).add_to(ctl)
            return ctl
    ctl = clingo.Control(list(arguments), logger=logger)
    added.add_to(ctl)
    return ctl


def _statements(grouped: GroupedProgram, rules: GroupedProgram | LiveProgram) -> frozenset[int] | None:
    """The indices of ``rules``' statements in ``grouped``; None for all of them, or where they cannot be picked
    one by one (no live table, or statements that do not line up with it: then only the whole is added)."""
    if not isinstance(rules, LiveProgram) or not pickable(grouped):
        return None
    return frozenset(rules.kept)


def _every(grouped: GroupedProgram) -> frozenset[int]:
    tab = grouped.live_table
    return frozenset(range(len(tab.kinds))) if tab is not None else frozenset()


def retire(ctl: clingo.Control) -> None:
    """The request is done with ``ctl``: freed at the next ``idle`` when enabled (else when the caller drops it)."""
    if _STATE.enabled:
        retired = _STATE.retired
        if len(retired) >= RETIRED_LIMIT:
            del retired[0]  # no idle gap came (requests back to back, or no worker loop): free now
        retired.append(ctl)


def idle() -> None:
    """Between requests: free the retired Controls, and make a spare for the program used last."""
    if not _STATE.enabled:
        return
    _STATE.retired.clear()
    if _STATE.last is None:
        return
    grouped, arguments = _STATE.last
    key = (id(grouped), arguments)
    if key in _STATE.spares:
        return
    # One spare at a time: a request for another program (an interpretation, a reform) makes its own.
    _STATE.spares.clear()
    relay = _Relay()
    ctl = clingo.Control(list(arguments), logger=relay)
    recent = _STATE.recent
    if recent and all(kept is not None for kept in recent):
        common = frozenset.intersection(*[kept for kept in recent if kept is not None])
        LiveProgram(grouped, sorted(common), ()).add_to(ctl)
        _STATE.spares[key] = (grouped, ctl, relay, common)
    else:  # no request yet, or one that used the whole program
        grouped.add_to(ctl)
        _STATE.spares[key] = (grouped, ctl, relay, None)


def held() -> tuple[int, int]:
    """(spares, retired Controls) held now: for tests."""
    return len(_STATE.spares), len(_STATE.retired)


def statements_held() -> list[int | None]:
    """For each spare held, how many of its program's statements it holds (None: all): for tests."""
    return [None if held is None else len(held) for _, _, _, held in _STATE.spares.values()]

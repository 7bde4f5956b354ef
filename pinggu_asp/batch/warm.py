"""Imported once by the batch's fork server, before it forks a worker: every worker then starts warm.

A worker forked from a bare fork server imported the package and parsed the
rules again: about 0.6 s of CPU, paid again whenever a retired worker
(``run.WORKER_CHUNKS``) is replaced. Forked from a server that did both once,
a worker inherits the modules and the default rules' parsed statements. Only
the default rules are parsed here; a batch with switched readings or other
parameters parses its own in each worker, as before. The clauses the rules
define (``declaration.clause_ids``, which the model's validators read: the
rules loaded and grounded once) are found here too, not once a worker.
"""

from __future__ import annotations

import gc

from .run import decide_chunk  # noqa: F401 - the worker's code, imported once for every worker


def _warm() -> None:
    from ..declaration import clause_ids
    from ..engine.solve import default_ruleset
    from .run import summary_ruleset

    try:
        rules = default_ruleset()
        rules.grouped().statements  # noqa: B018 - parsed now, shared by every fork
        # And the program a batch without documents decides with: cut once (read from the cache).
        summary_ruleset(rules).grouped().statements  # noqa: B018
        clause_ids()
    except Exception:  # noqa: BLE001 - the fork server must start; each worker then meets the error itself
        return
    gc.collect()
    gc.freeze()  # what every worker inherits stays out of the collector's walks


_warm()

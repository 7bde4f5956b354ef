"""A Dask worker preload for tests/test_batch_cluster.py: every chunk takes at least CHUNK_FLOOR seconds more.

The test of worker replacement needs the batch to outlive a worker's 5 s lifetime on any
machine. Without a floor, a fast machine decided its 400 declarations within the first
worker's life, so no worker was ever replaced and the test failed though nothing was wrong.
The function is replaced in the worker's module, where the client's pickle (by reference:
module and name) finds it.
"""

from __future__ import annotations

import time
from typing import Any

from pinggu_asp.batch import run

CHUNK_FLOOR = 0.4


def _slowed(decide_chunk: Any) -> Any:
    def slower_decide_chunk(*args: Any, **kwargs: Any) -> Any:
        time.sleep(CHUNK_FLOOR)
        return decide_chunk(*args, **kwargs)

    slower_decide_chunk.slowed = True  # type: ignore[attr-defined]
    return slower_decide_chunk


# Dask may run a preload file more than once in a process; wrapped again, each chunk would wait
# once for every run.
if not getattr(run.decide_chunk, "slowed", False):
    run.decide_chunk = _slowed(run.decide_chunk)

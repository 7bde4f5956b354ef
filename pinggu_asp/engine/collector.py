"""Python's cyclic collector paused while the engine makes many small objects that form no cycle."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """The cyclic collector off for the block, on again after (if it was on).

    Reading a group's answer and building its documents makes hundreds of
    thousands of small objects, each batch of which triggers a collection that
    walks every object still alive (the answer reader's whole cache among
    them); none of them is a cycle the block needs freed before it ends
    (engine objects are released by reference counting:
    tests/test_worker_memory.py). The switch is process-wide: a caller that
    found it off leaves it off, so concurrent blocks never leave it off for good.
    """
    was_on = gc.isenabled()
    if was_on:
        gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()

"""Python's cycle collector, paused while cust works.

A command runs and exits, and what it builds (a row, a dict and a few strings per shop or
line, all alive until it ends) holds almost no reference cycles: the collector, which runs
every few hundred new objects, would walk those live objects again and again as they pile
up. Memory is freed as before, by reference counts; the collector resumes after.
Measured at city scale: a roster import's card writes 7.0 s -> 4.2 s, `cust churn`
1.32 s -> 1.12 s.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """The collector off inside the block, and as it was after it."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()

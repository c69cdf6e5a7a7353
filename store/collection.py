"""The cyclic garbage collector held off while a whole reading builds its objects.

A reading of 100,000 claims allocates millions of objects and frees almost none, yet
each allocation threshold crossed made the collector walk all of them again: 3.6 s of
an 8.2 s reading. Held off for the reading, then what it built is frozen out of later
collections' scans (gc.freeze), as it lives as long as the picture holding it.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collection_paused"]

class _Pauses:
    """How many readings hold the collector off, and whether it was on before the first."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.count = 0
        self.was_enabled = True


_PAUSES = _Pauses()


@contextmanager
def collection_paused() -> Iterator[None]:
    """No cyclic collection within (nested or in several threads: the last one out
    turns it back on, as the first found it); what was built is frozen on leaving."""
    with _PAUSES.lock:
        if _PAUSES.count == 0:
            _PAUSES.was_enabled = gc.isenabled()
            gc.disable()
        _PAUSES.count += 1
    try:
        yield
    finally:
        with _PAUSES.lock:
            _PAUSES.count -= 1
            if _PAUSES.count == 0:
                gc.freeze()
                if _PAUSES.was_enabled:
                    gc.enable()

"""A few values kept by what they are built from, not by how they were asked for.

An event layer's columns and table follow from the claims the layer stands on
(store/features.py's `layer_content`), not from the known-on day that selected them: "As
known on" switched on at a day by which every event was reported holds the same claims,
and must not build 100,000 events' columns again. An lru_cache would key on the day too.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

__all__ = ["ContentCache"]

Value = TypeVar("Value")


class ContentCache(Generic[Value]):
    """The last `size` values by key, each built once (one build at a time)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._held: OrderedDict[Hashable, Value] = OrderedDict()
        self._lock = threading.RLock()

    def get(self, key: Hashable, build: Callable[[], Value]) -> Value:
        with self._lock:
            if key in self._held:
                self._held.move_to_end(key)
                return self._held[key]
            value = build()
            self._held[key] = value
            while len(self._held) > self.size:
                self._held.popitem(last=False)
            return value

    def cache_clear(self) -> None:
        """Forget every value (tests/conftest.py's clear_data_caches calls it by name)."""
        with self._lock:
            self._held.clear()

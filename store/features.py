"""The features the map draws, read through the store.

One store per location, opened and seeded once per process. The placed features
are cached by the store's version, so a claim recorded by another process (an
import, a second server) shows on the app's next rerun, and an unchanged store
re-renders nothing.
"""

from __future__ import annotations

import datetime as dt
import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache

from geo.claims import Claim, Retraction, TrailEntry
from geo.errors import PostureDataError, SchemaError
from geo.features import PlacedFeature, Undrawable, place_each
from geo.schema import FeatureRecord
from store import SqlStore, open_store
from store.location import store_location
from store.seed import seed

__all__ = ["feature_trails", "one_version", "placed_features", "placed_in_layer",
           "posture_features", "recorded", "retracted_things", "shared_store",
           "store_version", "undrawable"]


_OPENING = threading.Lock()


def _opened(location: str) -> SqlStore:
    # One opening per location, though the warm-up thread and the first page ask at once.
    with _OPENING:
        return _open_and_seed(location)


@lru_cache(maxsize=8)
def _open_and_seed(location: str) -> SqlStore:
    store = open_store(location)
    seed(store)
    return store


def shared_store() -> SqlStore:
    """The environment's store, seeded."""
    return _opened(store_location())


_PINNED: ContextVar[str | None] = ContextVar("posture_store_version", default=None)


@contextmanager
def one_version() -> Iterator[None]:
    """Within, the store's version is read once: one page run sees one state of the store,
    however many times it asks for features (a rerun asked about 40 times)."""
    try:
        token = _PINNED.set(shared_store().version())
    except PostureDataError:
        yield  # the page's own first read names the error where it can show it
        return
    try:
        yield
    finally:
        _PINNED.reset(token)


def store_version() -> str:
    return _PINNED.get() or shared_store().version()


@dataclass(frozen=True)
class _Reading:
    """One reading of the store's current claims: what is drawn, what cannot be (never
    failing the rest), and who recorded each current claim, when ("What changed")."""

    placed: tuple[PlacedFeature, ...]
    undrawable: tuple[Undrawable, ...]
    recorded: dict[str, tuple[str, dt.datetime]]


@lru_cache(maxsize=32)
def _reading(location: str, version: str, known_on: dt.date | None) -> _Reading:
    claims = _opened(location).current(known_on)
    records: list[FeatureRecord] = []
    unreadable = []
    for claim in claims:
        try:
            records.append(claim.record)
        except SchemaError as e:  # valid when written, not under today's schema
            unreadable.append(Undrawable(claim.feature_id, str(claim.raw.get("layer", "")),
                                         str(e).split(": ", 1)[-1], None))
    placed, undrawable = place_each(records)
    reading = _Reading(placed, (*undrawable, *unreadable),
                       {c.feature_id: (c.recorded_by, c.recorded_at) for c in claims})
    # What was just read lives as long as the cache: out of the collector's scans, or
    # each full collection walks 100,000 claims' objects again (about a second).
    gc.freeze()
    return reading


def _placed(location: str, version: str, known_on: dt.date | None
            ) -> tuple[PlacedFeature, ...]:
    return _reading(location, version, known_on).placed


@lru_cache(maxsize=8)
def _trails(location: str, version: str, known_on: dt.date | None
            ) -> dict[str, tuple[TrailEntry, ...]]:
    return _opened(location).trails(known_on)


def recorded(known_on: dt.date | None = None) -> dict[str, tuple[str, dt.datetime]]:
    """Who recorded each thing's current claim as known on `known_on`, and when."""
    location = store_location()
    with _PLACING:
        return _reading(location, _PINNED.get() or _opened(location).version(),
                        known_on).recorded


def undrawable(known_on: dt.date | None = None) -> tuple[Undrawable, ...]:
    """The current claims as known on `known_on` that cannot be drawn, each with why:
    left off the map and the exports, which draw everything else."""
    location = store_location()
    with _PLACING:
        return _reading(location, _PINNED.get() or _opened(location).version(),
                        known_on).undrawable


@lru_cache(maxsize=8)
def _retracted(location: str, version: str, known_on: dt.date | None
               ) -> tuple[tuple[Claim, Retraction], ...]:
    return tuple(_opened(location).retracted(known_on))


def retracted_things(known_on: dt.date | None = None) -> tuple[tuple[Claim, Retraction], ...]:
    """The things a retraction closed as known on `known_on`, with it (store/sql.py's
    `retracted`), read once per store version."""
    location = store_location()
    return _retracted(location, _PINNED.get() or _opened(location).version(), known_on)


def feature_trails(known_on: dt.date | None = None) -> dict[str, tuple[TrailEntry, ...]]:
    """Every thing's history as known on `known_on`, for the cards (store/sql.py)."""
    location = store_location()
    return _trails(location, _PINNED.get() or _opened(location).version(), known_on)


# One reading of a store's version at a time: the start-up warm-up (scripts/serve.py)
# and the first page ask at once, and two 100,000-claim readings in parallel took as
# long each as both in turn (one GIL).
_PLACING = threading.RLock()


def placed_features(known_on: dt.date | None = None) -> tuple[PlacedFeature, ...]:
    """Every thing's current claim as known on `known_on` (None: today), placed."""
    location = store_location()
    with _PLACING:
        return _placed(location, _PINNED.get() or _opened(location).version(), known_on)


@lru_cache(maxsize=32)
def _by_layer(location: str, version: str, known_on: dt.date | None
              ) -> dict[str, tuple[PlacedFeature, ...]]:
    layers: dict[str, list[PlacedFeature]] = {}
    for placed in _placed(location, version, known_on):
        layers.setdefault(placed.record.layer, []).append(placed)
    return {layer: tuple(features) for layer, features in layers.items()}


def placed_in_layer(layer_id: str, known_on: dt.date | None = None
                    ) -> tuple[PlacedFeature, ...]:
    """placed_features of one layer, in the same order: a page asks per layer about 40
    times, and a 100,000-event layer made each ask of every other layer a full scan."""
    location = store_location()
    with _PLACING:
        return _by_layer(location, _PINNED.get() or _opened(location).version(),
                         known_on).get(layer_id, ())


@lru_cache(maxsize=32)
def _posture(location: str, version: str, known_on: dt.date | None
             ) -> tuple[PlacedFeature, ...]:
    return tuple(p for p in _placed(location, version, known_on) if p.record.event is None)


def posture_features(known_on: dt.date | None = None) -> tuple[PlacedFeature, ...]:
    """placed_features without the events (geo/events.py): the forces, places and lines
    the posture views (dates, filters, chart, fading) read. Events have their own."""
    location = store_location()
    with _PLACING:
        return _posture(location, _PINNED.get() or _opened(location).version(), known_on)

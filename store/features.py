"""The features the map draws, read through the store.

One store per location, opened and seeded once per process. What the store says is
held as a picture per known-on day (store/picture.py), brought forward to the store's
version on each page run: a claim recorded by another process (an import, a second
server) shows on the app's next rerun at the cost of reading it alone, and an
unchanged store re-renders nothing.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache

from geo.claims import Claim, Retraction, TrailEntry
from geo.errors import PostureDataError
from geo.features import PlacedFeature, Undrawable
from store import SqlStore, open_store
from store.location import store_location
from store.picture import (
    Picture,
    SharedReadings,
    StoreVersion,
    brought_forward,
    fresh_picture,
    trails_of,
)
from store.seed import seed

__all__ = ["feature_trails", "features_by_layer", "first_reading_pending", "layer_content",
           "layer_version", "one_version", "placed_features", "placed_in_layer", "posture_features",
           "recorded", "retracted_things", "shared_store", "start_first_reading",
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


class _Pictures:
    """The pictures this process holds (store/picture.py), by store and known-on day:
    the last few versions of each, the newest brought forward on each write."""

    KEPT_VERSIONS = 3

    def __init__(self) -> None:
        self._held: dict[tuple[str, dt.date | None], list[Picture]] = {}
        self._shared: dict[str, SharedReadings] = {}

    def __call__(self, location: str, version: str, known_on: dt.date | None) -> Picture:
        wanted = StoreVersion.parse(version)
        with _PLACING:
            if known_on is not None and self._held.get((location, None)):
                # As known on the day of the latest report or later, the store says what
                # it says today: today's picture, not a whole reading for that day.
                today = self(location, version, None)
                if today.latest_report is None or today.latest_report <= known_on:
                    return today
            held = self._held.setdefault((location, known_on), [])
            for picture in held:
                if picture.version == wanted:
                    return picture
            earlier = [p for p in held if wanted.covers(p.version)]
            store = _opened(location)
            if earlier:
                picture = brought_forward(store, max(earlier, key=lambda p: p.version), wanted)
            elif held:
                # A page pinned its version before a reading (the warm-up's, say) read a
                # later one: it sees that later state, never a whole reading again.
                return held[-1]
            else:
                picture = fresh_picture(store, wanted, known_on,
                                        self._shared.setdefault(location, SharedReadings()))
            held.append(picture)
            held.sort(key=lambda p: p.version)
            del held[:-self.KEPT_VERSIONS]
            return picture

    def placed_ready(self, location: str, known_on: dt.date | None) -> bool:
        """A picture of the store is held and placed: a page asking now waits for a
        write's few claims at most, not for a whole reading."""
        return any("_placed" in picture.__dict__
                   for picture in self._held.get((location, known_on), ()))

    def cache_clear(self) -> None:
        with _PLACING:
            self._held.clear()
            self._shared.clear()


_picture = _Pictures()


def _current_picture(known_on: dt.date | None) -> Picture:
    location = store_location()
    return _picture(location, _PINNED.get() or _opened(location).version(), known_on)


_FIRST_READINGS: dict[str, threading.Thread] = {}
_STARTING = threading.Lock()


def first_reading_pending() -> bool:
    """This process holds no placed picture of the store yet: the page's first run would
    wait for a whole reading (seconds for 100,000 claims) before anything shows."""
    return not _picture.placed_ready(store_location(), None)


def start_first_reading() -> threading.Thread:
    """The whole reading, in a thread of its own (one per store), so that the page can say
    how far it has come (store/picture.py: reading_progress) while it waits. At the
    version the page pinned (one_version), if it did."""
    location = store_location()
    version = _PINNED.get()
    with _STARTING:
        thread = _FIRST_READINGS.get(location)
        if thread is None or not thread.is_alive():
            thread = threading.Thread(target=_read_first, args=(location, version),
                                      name="posture-first-reading", daemon=True)
            _FIRST_READINGS[location] = thread
            thread.start()
        return thread


def _read_first(location: str, version: str | None) -> None:
    try:
        with _PLACING:
            _ = _picture(location, version or _opened(location).version(), None).placed
    except PostureDataError:
        pass  # the page reads again, and names the error where the reader sees it


def recorded(known_on: dt.date | None = None) -> dict[str, tuple[str, dt.datetime]]:
    """Who recorded each thing's current claim as known on `known_on`, and when."""
    with _PLACING:
        return _current_picture(known_on).recorded


def undrawable(known_on: dt.date | None = None) -> tuple[Undrawable, ...]:
    """The current claims as known on `known_on` that cannot be drawn, each with why:
    left off the map and the exports, which draw everything else."""
    with _PLACING:
        return _current_picture(known_on).undrawable


def retracted_things(known_on: dt.date | None = None) -> tuple[tuple[Claim, Retraction], ...]:
    """The things a retraction closed as known on `known_on`, with it (store/sql.py's
    `retracted`), read once per store version."""
    with _PLACING:
        return _current_picture(known_on).retracted


def feature_trails(known_on: dt.date | None = None, feature_ids: Iterable[str] | None = None
                   ) -> dict[str, tuple[TrailEntry, ...]]:
    """Every thing's history as known on `known_on` (store/trails.py), or only the
    things in `feature_ids`: a layer's cards need their own, not 100,000 events'."""
    with _PLACING:
        picture = _current_picture(known_on)
        return trails_of(_opened(store_location()), picture, feature_ids)


# One reading of a store's version at a time: the start-up warm-up (scripts/serve.py)
# and the first page ask at once, and two 100,000-claim readings in parallel took as
# long each as both in turn (one GIL).
_PLACING = threading.RLock()


def placed_features(known_on: dt.date | None = None) -> tuple[PlacedFeature, ...]:
    """Every thing's current claim as known on `known_on` (None: today), placed."""
    with _PLACING:
        return _current_picture(known_on).placed


def placed_in_layer(layer_id: str, known_on: dt.date | None = None
                    ) -> tuple[PlacedFeature, ...]:
    """placed_features of one layer, in the same order: a page asks per layer about 40
    times, and a 100,000-event layer made each ask of every other layer a full scan."""
    with _PLACING:
        return _current_picture(known_on).by_layer.get(layer_id, ())


def features_by_layer(known_on: dt.date | None = None
                      ) -> dict[str, tuple[PlacedFeature, ...]]:
    """placed_features by layer, each in the same order."""
    with _PLACING:
        return _current_picture(known_on).by_layer


def layer_version(layer_id: str, known_on: dt.date | None = None) -> str:
    """The store version at which what `layer_id` draws (as known on `known_on`) last
    changed: a layer's caches key on it, so a write to another layer keeps them."""
    location = store_location()
    with _PLACING:
        # With the store: two stores (a test's, say) can stand at the same version.
        return f"{_current_picture(known_on).layer_version(layer_id)}@{location}"


def layer_content(layer_id: str, known_on: dt.date | None = None) -> str:
    """Which claims what `layer_id` draws (as known on `known_on`) stands on, as a mark
    alike in any process and any store that holds the same claims (store/picture.py's
    `layer_marks`): what is built from a layer is remembered across starts under it."""
    with _PLACING:
        mark = _current_picture(known_on).layer_marks.get(layer_id, 0)
    return f"{mark:032x}"


def posture_features(known_on: dt.date | None = None) -> tuple[PlacedFeature, ...]:
    """placed_features without the events (geo/events.py): the forces, places and lines
    the posture views (dates, filters, chart, fading) read. Events have their own."""
    with _PLACING:
        return _current_picture(known_on).posture

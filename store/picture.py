"""What the store says as known on one day, read once, then brought forward by each write.

A reading of 100,000 claims costs seconds, and an append-only store changes its version
on every write. So a process reads the whole picture once per known-on day; after a
write it reads only what was recorded since the version it holds (claims and
retractions with a higher `fid`) and merges it in. A thing's current claim is the
latest it knows of (store/sql.py's rule: reported later, then recorded later; undated
first), so merging is taking a maximum, and a retraction closes the claim it names.

Each layer carries the version at which what it draws last changed, so the caches of a
layer no write touched (its script, an event layer's columns) outlive the write.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple
from weakref import WeakValueDictionary

from sqlalchemy import Connection, select

from geo.claims import Claim, Retraction, TrailEntry
from geo.features import PlacedFeature, Undrawable
from store.collection import collection_paused
from store.layer_marks import layer_marks
from store.placed_forward import Forward, layers_forward, placed_forward
from store.placing import Placement, has_series, place_claims
from store.reading_stats import PROGRESS_EVERY, count_read, report_progress
from store.records import claim_from_row, retraction_from_row
from store.sql import SqlStore
from store.trails import read_trails

__all__ = ["Picture", "SharedReadings", "StoreVersion", "brought_forward",
           "fresh_picture", "trails_of"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, order=True)
class StoreVersion:
    """The highest fid of each table: what a reader has seen (store/sql.py's `version`)."""

    claims: int
    retractions: int
    layers: int

    @classmethod
    def parse(cls, text: str) -> StoreVersion:
        claims, retractions, layers = (int(part) for part in text.split("."))
        return cls(claims, retractions, layers)

    def __str__(self) -> str:
        return f"{self.claims}.{self.retractions}.{self.layers}"

    def covers(self, other: StoreVersion) -> bool:
        """Everything `other` has seen, this has seen too."""
        return (self.claims >= other.claims and self.retractions >= other.retractions
                and self.layers >= other.layers)


class _Head(NamedTuple):
    """A thing's latest claim known by the picture's day, as the claims table indexes it."""

    fid: int
    reported_on: dt.date | None
    claim_id: str
    layer: str

    @property
    def recency(self) -> tuple[bool, dt.date, int]:
        # store/sql.py's `_latest_known`: an undated claim is older than any dated one;
        # then the later report; then the later recording.
        return (self.reported_on is not None, self.reported_on or dt.date.min, self.fid)


@dataclass
class SharedReadings:
    """What the pictures of one store share, by claim id: a claim never changes, so it is
    parsed, validated and placed once however many days' pictures hold it. Weak: a claim
    no picture holds any more is let go."""

    claims: WeakValueDictionary[str, Claim] = field(default_factory=WeakValueDictionary)
    # Where each claim without a series lands (a series is placed as a whole).
    placements: WeakValueDictionary[str, Placement] = field(
        default_factory=WeakValueDictionary)


@dataclass(eq=False)
class Picture:
    """Each thing's latest claim as known on `known_on`, at `version` of the store."""

    version: StoreVersion
    known_on: dt.date | None
    # The fid each thing was first recorded at, known by the day or not: things keep the
    # order they were first recorded in (the seed's file order).
    first_fid: dict[str, int]
    heads: dict[str, _Head]
    claims: dict[str, Claim]  # each head's claim, by thing
    closed: dict[str, tuple[int, Retraction]]  # retractions known by the day, by claim id
    order: list[str]  # the things with a head, by first fid
    layer_versions: dict[str, StoreVersion]
    shared: SharedReadings = field(default_factory=lambda: SharedReadings())
    # The things this picture changed against the one it was brought forward from
    # (None: read afresh), with that picture, to carry its derived views forward.
    touched: frozenset[str] | None = None
    earlier: Picture | None = None
    # Read whole: its first placing reports its progress (reading_progress).
    reports_progress: bool = False
    # The latest day any claim or retraction read was reported (None: none dated): as
    # known on that day or later, the store says what it says today.
    latest_report: dt.date | None = None
    trails: dict[str, tuple[TrailEntry, ...]] | None = None  # every thing's, once read
    some_trails: dict[str, tuple[TrailEntry, ...]] = field(default_factory=dict)
    # What the write changed in the placing, where it was brought forward (placed_forward).
    _forward: Forward | None = field(default=None, repr=False)

    def layer_version(self, layer_id: str) -> StoreVersion:
        """The version at which what `layer_id` draws last changed."""
        return self.layer_versions.get(layer_id, StoreVersion(0, 0, 0))

    @cached_property
    def current_claims(self) -> tuple[Claim, ...]:
        """The open current claims, in the order things were first recorded."""
        heads, closed, claims = self.heads, self.closed, self.claims
        return tuple(claims[f] for f in self.order if heads[f].claim_id not in closed)

    @cached_property
    def _placed(self) -> tuple[tuple[PlacedFeature, ...], tuple[Undrawable, ...]]:
        forward = placed_forward(self, self.earlier) if self.earlier is not None else None
        if forward is not None:
            placed, undrawable, self._forward = forward
            return placed, undrawable
        with collection_paused():
            return place_claims(self.current_claims, self.shared.placements,
                                report=self.reports_progress)

    @property
    def placed(self) -> tuple[PlacedFeature, ...]:
        return self._placed[0]

    @property
    def undrawable(self) -> tuple[Undrawable, ...]:
        return self._placed[1]

    @cached_property
    def recorded(self) -> dict[str, tuple[str, dt.datetime]]:
        return {c.feature_id: (c.recorded_by, c.recorded_at) for c in self.current_claims}

    @cached_property
    def by_layer(self) -> dict[str, tuple[PlacedFeature, ...]]:
        earlier = self.earlier.__dict__.get("by_layer") if self.earlier else None
        changed = {layer for layer, version in self.layer_versions.items()
                   if version == self.version}
        _ = self._placed  # placed first: brought forward, it says what changed
        forward = self.__dict__.get("_forward")
        if earlier is not None and forward is not None:
            layers = layers_forward(earlier, changed, forward)
            if layers is not None:
                return layers
        layers: dict[str, list[PlacedFeature]] = {}
        for placed in self.placed:
            layer = placed.record.layer
            if earlier is None or layer in changed or layer not in earlier:
                layers.setdefault(layer, []).append(placed)
        kept = {} if earlier is None else {
            layer: features for layer, features in earlier.items() if layer not in changed}
        return {**kept, **{layer: tuple(features) for layer, features in layers.items()}}

    @cached_property
    def layer_marks(self) -> dict[str, int]:
        """Per layer, which claims its open things stand on (store/layer_marks.py)."""
        return layer_marks(self)

    @cached_property
    def posture(self) -> tuple[PlacedFeature, ...]:
        return tuple(p for p in self.placed if p.record.event is None)

    @cached_property
    def retracted(self) -> tuple[tuple[Claim, Retraction], ...]:
        """The things whose latest claim a known retraction closed, in retraction order."""
        pairs = sorted((self.closed[head.claim_id], feature_id)
                       for feature_id, head in self.heads.items()
                       if head.claim_id in self.closed)
        return tuple((self.claims[feature_id], retraction)
                     for (_, retraction), feature_id in pairs)


def _known(reported_on: dt.date | None, known_on: dt.date | None) -> bool:
    return known_on is None or reported_on is None or reported_on <= known_on


def _claim_keys(store: SqlStore, conn: Connection, after: int, up_to: int) -> Any:
    c = store.claims.c
    return conn.execute(select(c.fid, c.feature_id, c.reported_on, c.claim_id, c.layer)
                        .where(c.fid > after, c.fid <= up_to).order_by(c.fid))


# Claims whose records are fetched by fid in one IN list (SQLite caps bound parameters).
FETCH_CHUNK = 5_000


def _fetched_claims(store: SqlStore, conn: Connection, fids: list[int], after: int,
                    up_to: int, *, report: bool) -> dict[int, Claim]:
    """The claims at `fids` (all in (after, up_to]), records parsed. Most of a range: one
    scan of it; a few: by fid."""
    c = store.claims.c
    columns = (c.fid, c.claim_id, c.record, c.recorded_at, c.recorded_by, c.supersedes,
               c.feature_id, c.layer)
    wanted = set(fids)
    found: dict[int, Claim] = {}
    if len(fids) > FETCH_CHUNK and len(fids) * 2 > up_to - after:
        for row in conn.execute(select(*columns).where(c.fid > after, c.fid <= up_to)):
            if row.fid in wanted:
                found[row.fid] = claim_from_row(row)
                if report and len(found) % PROGRESS_EVERY == 0:
                    report_progress("records", len(found), len(fids))
        return found
    for start in range(0, len(fids), FETCH_CHUNK):
        chunk = fids[start:start + FETCH_CHUNK]
        found.update((row.fid, claim_from_row(row)) for row in conn.execute(
            select(*columns).where(c.fid.in_(chunk))))
        if report:
            report_progress("records", len(found), len(fids))
    return found


def _retraction_rows(store: SqlStore, conn: Connection, after: int, up_to: int) -> Any:
    r = store.retractions.c
    return conn.execute(select(r.fid, r.claim_id, r.feature_id, r.reason, r.reported_on,
                               r.recorded_at, r.recorded_by).where(r.fid > after, r.fid <= up_to)
                        .order_by(r.fid))


def fresh_picture(store: SqlStore, version: StoreVersion, known_on: dt.date | None,
                  shared: SharedReadings | None = None) -> Picture:
    """The picture read whole: every claim's keys and retraction up to `version`, and the
    records of the claims current then that `shared` (another day's pictures of the same
    store) does not hold already."""
    empty = Picture(StoreVersion(0, 0, 0), known_on, {}, {}, {}, {}, [], {},
                    SharedReadings() if shared is None else shared)
    with collection_paused():
        picture = _merged(store, empty, version, full=True)
    picture.touched, picture.earlier = None, None
    picture.reports_progress = True
    return picture


def brought_forward(store: SqlStore, picture: Picture, version: StoreVersion) -> Picture:
    """`picture` with what was recorded after its version, up to `version`, merged in."""
    if not version.covers(picture.version):
        raise ValueError(f"cannot bring version {picture.version} back to {version}")
    if version == picture.version:
        return picture
    return _merged(store, picture, version, full=False)


def _merged(store: SqlStore, earlier: Picture, version: StoreVersion, *, full: bool
            ) -> Picture:
    known_on = earlier.known_on
    first_fid = dict(earlier.first_fid)
    heads = dict(earlier.heads)
    closed = dict(earlier.closed)
    shared = earlier.shared
    new_heads: dict[str, _Head] = {}
    touched: set[str] = set()
    claims_read = retractions_read = 0
    latest = earlier.latest_report
    with store.engine.connect() as conn:
        for row in _claim_keys(store, conn, earlier.version.claims, version.claims):
            claims_read += 1
            if full and claims_read % PROGRESS_EVERY == 0:
                report_progress("claims", claims_read, version.claims)
            first_fid.setdefault(row.feature_id, row.fid)
            if row.reported_on is not None and (latest is None or row.reported_on > latest):
                latest = row.reported_on
            if not _known(row.reported_on, known_on):
                continue
            touched.add(row.feature_id)
            head = _Head(row.fid, row.reported_on, row.claim_id, row.layer)
            before = heads.get(row.feature_id)
            if before is None or head.recency > before.recency:
                heads[row.feature_id] = head
                new_heads[row.feature_id] = head
        for row in _retraction_rows(store, conn, earlier.version.retractions,
                                    version.retractions):
            retractions_read += 1
            if latest is None or row.reported_on > latest:
                latest = row.reported_on
            if known_on is None or row.reported_on <= known_on:
                # The first retraction of a claim closes it; a second changes nothing.
                closed.setdefault(row.claim_id, (row.fid, retraction_from_row(row)))
                touched.add(row.feature_id)
        claims = dict(earlier.claims)
        missing = []
        for feature_id, head in new_heads.items():
            held = shared.claims.get(head.claim_id)
            if held is None:
                missing.append(head.fid)
            else:
                claims[feature_id] = held
        fetched = _fetched_claims(store, conn, missing, earlier.version.claims,
                                  version.claims, report=full)
    for feature_id, head in new_heads.items():
        if head.fid in fetched:
            claims[feature_id] = shared.claims[head.claim_id] = fetched[head.fid]
    count_read(full, claims_read, len(fetched), retractions_read)
    order = _reordered(earlier.order, earlier.heads, new_heads, first_fid)
    layer_versions = dict(earlier.layer_versions)
    for feature_id in touched:
        for head in (earlier.heads.get(feature_id), heads.get(feature_id)):
            if head is not None:
                layer_versions[head.layer] = version
    picture = Picture(version, known_on, first_fid, heads, claims, closed, order,
                      layer_versions, shared, frozenset(touched), earlier, latest_report=latest)
    if not full:  # a fresh picture's every layer is new already
        _mark_series_changes(picture, earlier)
    # Only the picture just before is kept, to carry its views forward: a chain of every
    # version since the start would hold each version's indexes.
    earlier.earlier = None
    if not full:
        log.info("store picture %s -> %s (known on %s): %d claims' keys, %d records and "
                 "%d retractions read", earlier.version, version, known_on, claims_read,
                 len(fetched), retractions_read)
    return picture


def _reordered(order: list[str], heads_before: dict[str, _Head], new_heads: dict[str, Any],
               first_fid: dict[str, int]) -> list[str]:
    arrived = sorted((f for f in new_heads if f not in heads_before), key=first_fid.__getitem__)
    if not arrived:
        return order
    if not order or first_fid[arrived[0]] > first_fid[order[-1]]:
        return [*order, *arrived]  # things recorded for the first time: at the end
    return sorted([*order, *arrived], key=first_fid.__getitem__)


def _mark_series_changes(picture: Picture, earlier: Picture) -> None:
    """A claim of a series can make another of its series undrawable in another layer
    (a series keeps to one layer): those layers change with it."""
    if not picture.touched:
        return
    if not any(has_series(picture.claims[f]) or (f in earlier.claims and
                                                  has_series(earlier.claims[f]))
               for f in picture.touched if f in picture.claims):
        return
    before = {p.record.id: "placed" for p in earlier.placed}
    before.update({u.feature_id: u.reason for u in earlier.undrawable})
    after = {p.record.id: "placed" for p in picture.placed}
    after.update({u.feature_id: u.reason for u in picture.undrawable})
    for feature_id in before.keys() | after.keys():
        if before.get(feature_id) != after.get(feature_id) and feature_id in picture.heads:
            picture.layer_versions[picture.heads[feature_id].layer] = picture.version


def trails_of(store: SqlStore, picture: Picture, feature_ids: Iterable[str] | None = None
              ) -> dict[str, tuple[TrailEntry, ...]]:
    """Each thing's history as known on the picture's day (store/trails.py), or only the
    things in `feature_ids` (a layer's cards): read whole once, or thing by thing as
    asked; after a write, only the touched things' trails are read again."""
    up_to = (picture.version.claims, picture.version.retractions)
    earlier = picture.earlier if picture.touched is not None else None
    touched = picture.touched or frozenset()
    if feature_ids is None:
        if picture.trails is None:
            with store.engine.connect() as conn:
                if earlier is not None and earlier.trails is not None:
                    picture.trails = {**earlier.trails, **read_trails(
                        conn, store.claims, store.retractions, picture.known_on,
                        up_to=up_to, feature_ids=sorted(touched))}
                else:
                    picture.trails = read_trails(conn, store.claims, store.retractions,
                                                 picture.known_on, up_to=up_to)
        return picture.trails
    wanted = list(dict.fromkeys(feature_ids))
    if picture.trails is not None:
        return {f: picture.trails[f] for f in wanted if f in picture.trails}
    held = picture.some_trails
    if earlier is not None and not held and earlier.some_trails:
        held.update((f, trail) for f, trail in earlier.some_trails.items()
                    if f not in touched)
    missing = [f for f in wanted if f not in held]
    if missing:
        with store.engine.connect() as conn:
            found = read_trails(conn, store.claims, store.retractions, picture.known_on,
                                up_to=up_to, feature_ids=missing)
        held.update((f, found.get(f, ())) for f in missing)  # (): a thing without one
    return {f: held[f] for f in wanted if held[f]}

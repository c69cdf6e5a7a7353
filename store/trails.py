"""Every thing's history as its card shows it: who recorded each claim and when, what
each changed against the one before, and retractions (store/sql.py's `trails`)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Table, and_, or_, select, true

from geo.claims import TrailEntry, changes
from store.records import parse_time

__all__ = ["read_trails"]


def read_trails(conn: Connection, claims_table: Table, retractions: Table,
                known_on: dt.date | None, *, up_to: tuple[int, int] | None = None,
                feature_ids: Sequence[str] | None = None
                ) -> dict[str, tuple[TrailEntry, ...]]:
    """The trails as known on `known_on` (None: today). Only the things with more than
    one claim have their records read. `up_to`: the highest claim and retraction fid to
    read (store/picture.py reads at a version); `feature_ids`: only these things'."""
    c, r = claims_table.c, retractions.c
    known = true() if known_on is None else or_(c.reported_on.is_(None),
                                                c.reported_on <= known_on)
    retraction_known = true() if known_on is None else r.reported_on <= known_on
    if up_to is not None:
        known = and_(known, c.fid <= up_to[0])
        retraction_known = and_(retraction_known, r.fid <= up_to[1])
    if feature_ids is not None:
        return _some_trails(conn, claims_table, retractions, known, retraction_known,
                            feature_ids)
    rows = conn.execute(select(c.feature_id, c.recorded_at, c.recorded_by)
                        .where(known).order_by(c.fid)).all()
    by_feature: dict[str, list[Any]] = {}
    for row in rows:
        by_feature.setdefault(row.feature_id, []).append(row)
    several = sorted(f for f, claims in by_feature.items() if len(claims) > 1)
    records: dict[str, list[dict[str, Any]]] = {}
    for start in range(0, len(several), 500):  # SQLite caps bound parameters
        for feature_id, record in conn.execute(
                select(c.feature_id, c.record).where(
                    known, c.feature_id.in_(several[start:start + 500])).order_by(c.fid)):
            records.setdefault(feature_id, []).append(json.loads(record))
    retracted = conn.execute(select(r.feature_id, r.reason, r.recorded_at, r.recorded_by)
                             .where(retraction_known)).all()
    return _trails(by_feature, records, retracted)


def _some_trails(conn: Connection, claims_table: Table, retractions: Table, known: Any,
                 retraction_known: Any, feature_ids: Sequence[str]
                 ) -> dict[str, tuple[TrailEntry, ...]]:
    """The trails of a few things, their records read whole (IN lists of 500: SQLite
    caps bound parameters)."""
    c, r = claims_table.c, retractions.c
    by_feature: dict[str, list[Any]] = {}
    records: dict[str, list[dict[str, Any]]] = {}
    retracted: list[Any] = []
    for start in range(0, len(feature_ids), 500):
        chunk = feature_ids[start:start + 500]
        for row in conn.execute(select(c.feature_id, c.recorded_at, c.recorded_by, c.record)
                                .where(known, c.feature_id.in_(chunk)).order_by(c.fid)):
            by_feature.setdefault(row.feature_id, []).append(row)
            records.setdefault(row.feature_id, []).append(json.loads(row.record))
        retracted.extend(conn.execute(
            select(r.feature_id, r.reason, r.recorded_at, r.recorded_by)
            .where(retraction_known, r.feature_id.in_(chunk))).all())
    return _trails(by_feature, records, retracted)


def _trails(by_feature: dict[str, list[Any]], records: dict[str, list[dict[str, Any]]],
            retracted: Iterable[Any]) -> dict[str, tuple[TrailEntry, ...]]:
    trails: dict[str, list[TrailEntry]] = {}
    for feature_id, claims in by_feature.items():
        raws = records.get(feature_id, [])
        trails[feature_id] = [
            TrailEntry(parse_time(row.recorded_at), row.recorded_by,
                       tuple(changes(raws[i - 1], raws[i])) if i and raws else (),
                       first=i == 0, raws=(raws[i - 1], raws[i]) if i and raws else None)
            for i, row in enumerate(claims)]
    for row in retracted:
        trails.setdefault(row.feature_id, []).append(TrailEntry(
            parse_time(row.recorded_at), row.recorded_by, retraction_reason=row.reason))
    return {feature_id: tuple(sorted(entries, key=lambda e: e.recorded_at))
            for feature_id, entries in trails.items()}

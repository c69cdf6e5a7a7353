"""The claims store's behaviour, written once for both backends (SQLAlchemy Core).

The GeoPackage (store/gpkg.py) and PostGIS (store/postgis.py) differ only in how a
geometry is written and how concurrent writers are kept in line; everything a
caller can observe is here, so one set of contract tests covers both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Literal

from shapely import Geometry
from shapely.geometry import shape
from sqlalchemy import (
    Connection,
    Engine,
    Table,
    and_,
    func,
    insert,
    or_,
    select,
    text,
    true,
)

from geo.checks import check_identifier
from geo.claims import (
    Claim,
    Retraction,
    TrailEntry,
    canonical_json,
    changes,
    check_reason,
    check_recorder,
    digest,
    normal_raw,
    validated,
)
from geo.errors import SchemaError
from geo.timeline import holds_on
from store.failures import worded_failures
from store.records import (
    FeatureStamp,
    HistoryEntry,
    RecordResult,
    SerializedRecord,
    StoredLayer,
    claim_from_row,
    keys_of,
    new_claim_ids,
    parse_time,
    record_text,
    retraction_from_row,
    utc_now_text,
)
from store.stamps import check_unchanged, last_stamp
from store.tables import StoreTables
from store.trails import read_trails
from store.write_lookups import closed_claims, latest_claims, open_in_layers

__all__ = ["BulkInsert", "SqlStore"]

ANALYZE_AFTER_ROWS = 1_000
# How a backend inserts claims: (connection, table, rows, each row's GeoJSON geometry).
BulkInsert = Callable[[Connection, Table, list[dict[str, Any]], list[dict[str, Any] | None]],
                      None]


class SqlStore:
    """Claims, append only, with two time axes: valid time (in each record) and
    reporting time (`reported_on`, which `known_on` cuts at)."""

    def __init__(self, engine: Engine, tables: StoreTables, *, name: str,
                 geometry_value: Callable[[Geometry | None], Any],
                 writing: Callable[[Connection], None],
                 bulk_insert: BulkInsert | None = None) -> None:
        self.engine = engine
        self.claims = tables.claims
        self.retractions = tables.retractions
        self.layer_table = tables.layers
        self.users = tables.users
        self.sign_in_failures = tables.sign_in_failures
        self.name = name  # where the store is, for messages: never a password
        self._geometry_value = geometry_value
        self._writing = writing
        self._insert: BulkInsert = bulk_insert or self._insert_rows

    def close(self) -> None:
        self.engine.dispose()

    # Reading -----------------------------------------------------------------

    def version(self) -> str:
        """Changes whenever anything is recorded; the app's caches key on it."""
        with self.engine.connect() as conn:
            # Retractions first: a retraction counted names a claim written before it,
            # so the claims counted after include it (store/picture.py reads up to here).
            retractions = conn.execute(select(func.max(self.retractions.c.fid))).scalar() or 0
            claims = conn.execute(select(func.max(self.claims.c.fid))).scalar() or 0
            layers = conn.execute(select(func.max(self.layer_table.c.fid))).scalar() or 0
        return f"{claims}.{retractions}.{layers}"

    def layers(self) -> list[StoredLayer]:
        """The layers imports made, in the order they were made."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(self.layer_table).order_by(self.layer_table.c.fid)).all()
        return [StoredLayer(row.layer_id, row.title_en, row.title_ar, row.color,
                            parse_time(row.recorded_at), row.recorded_by) for row in rows]

    def current(self, known_on: dt.date | None = None, valid_on: dt.date | None = None,
                recorded_by: str | None = None) -> list[Claim]:
        """Each thing's claim as known on `known_on` (None: today): its latest reported
        claim by then, unless a retraction reported by then closed it. `valid_on` keeps
        only the claims that hold in the world on that day (geo/timeline.py: holds_on)."""
        c, first = self.claims.c, self.claims.alias("first")
        latest, retracted = self._latest_known(known_on)
        # Things keep the order they were first recorded in: the seed's file order.
        first_recorded = select(func.min(first.c.fid)).where(
            first.c.feature_id == c.feature_id).scalar_subquery()
        query = select(c.claim_id, c.record, c.recorded_at, c.recorded_by, c.supersedes).where(
            latest, ~retracted.exists())
        if valid_on is not None:
            query = query.where(or_(c.valid_from.is_(None), c.valid_from <= valid_on),
                                or_(c.valid_to.is_(None), c.valid_to >= valid_on))
        if recorded_by is not None:  # current claims that this recorder made
            query = query.where(c.recorded_by == recorded_by)
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(first_recorded, c.fid)).all()
        claims = [claim_from_row(row) for row in rows]
        if valid_on is not None:
            # The SQL above keeps a superset (a claim without valid_from has its start in
            # its record's as_of, not in a column); the time model itself decides.
            claims = [claim for claim in claims if holds_on(claim.record, valid_on)]
        return claims

    def retracted(self, known_on: dt.date | None = None) -> list[tuple[Claim, Retraction]]:
        """The things a retraction closed, as known on `known_on` (None: today): each
        one's last claim and the retraction that closed it, in the order of recording.
        An editor finds them again here, and un-retracts one with a new claim."""
        c, r = self.claims.c, self.retractions.c
        latest, _ = self._latest_known(known_on)
        known = true() if known_on is None else r.reported_on <= known_on
        query = (select(c.claim_id, c.record, c.recorded_at, c.recorded_by, c.supersedes,
                        r.reason, r.reported_on.label("retracted_on"),
                        r.recorded_at.label("retracted_at"),
                        r.recorded_by.label("retracted_by"))
                 # From the retractions (few) to their claims by the unique claim id.
                 .join_from(self.retractions, self.claims, r.claim_id == c.claim_id)
                 .where(latest, known).order_by(r.fid))
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [(claim_from_row(row), Retraction(row.claim_id, row.reason, row.retracted_on,
                                              parse_time(row.retracted_at),
                                              row.retracted_by)) for row in rows]

    def _latest_known(self, known_on: dt.date | None) -> tuple[Any, Any]:
        """(the condition that a claim is its thing's latest as known on `known_on`,
        the subquery of a retraction known by then that closed it)."""
        newer = self.claims.alias("newer")
        c, n, r = self.claims.c, newer.c, self.retractions.c

        def known(table_c: Any) -> Any:
            return (true() if known_on is None else
                    or_(table_c.reported_on.is_(None), table_c.reported_on <= known_on))

        # A claim is current if no claim about the same thing known by then is newer:
        # reported later, or the same day and recorded later; an undated claim (reference
        # geography) is older than any dated one. Found through the (feature_id,
        # reported_on) index, so a view's few hundred candidates cost little in 100,000.
        is_newer = or_(
            and_(c.reported_on.is_(None), or_(n.reported_on.is_not(None), n.fid > c.fid)),
            and_(c.reported_on.is_not(None), n.reported_on.is_not(None),
                 or_(n.reported_on > c.reported_on,
                     and_(n.reported_on == c.reported_on, n.fid > c.fid))))
        superseded = select(n.fid).where(n.feature_id == c.feature_id, known(n), is_newer)
        retracted = select(r.claim_id).where(
            r.claim_id == c.claim_id, true() if known_on is None else r.reported_on <= known_on)
        return and_(known(c), ~superseded.exists()), retracted

    def trails(self, known_on: dt.date | None = None) -> dict[str, tuple[TrailEntry, ...]]:
        """Every thing's history as known on `known_on` (None: today), as its card shows
        it (store/trails.py)."""
        with self.engine.connect() as conn:
            return read_trails(conn, self.claims, self.retractions, known_on)

    def history(self, feature_id: str) -> list[HistoryEntry]:
        """Every claim about `feature_id` in the order recorded, each with what it
        changed against the one before, and every retraction among them."""
        c, r = self.claims.c, self.retractions.c
        with self.engine.connect() as conn:
            claim_rows = conn.execute(select(self.claims).where(c.feature_id == feature_id)
                                      .order_by(c.fid)).all()
            retraction_rows = conn.execute(select(self.retractions)
                                           .where(r.feature_id == feature_id)).all()
        entries: list[HistoryEntry] = []
        before: dict[str, Any] | None = None
        for row in claim_rows:
            claim = claim_from_row(row)
            entries.append(HistoryEntry(claim, None, tuple(changes(before, claim.raw)),
                                        before_raw=before))
            before = claim.raw
        entries.extend(HistoryEntry(None, retraction_from_row(row)) for row in retraction_rows)
        return sorted(entries, key=lambda entry: entry.recorded_at)

    # Writing -----------------------------------------------------------------

    def record(self, raws: Sequence[dict[str, Any] | SerializedRecord], recorded_by: str, *,
               compare: Literal["current", "own"] = "current",
               source: str = "import", new_layer: StoredLayer | None = None,
               retract_missing: str | None = None, dry_run: bool = False,
               checked: bool = False,
               opened_at: Mapping[str, str | None] | None = None,
               reopen: bool = False) -> RecordResult:
        """Record each raw feature as a claim, in one transaction, keyed by its id.

        A record equal to the thing's current claim (`compare="own"`: to the latest
        this recorder made) adds nothing; a different one adds a claim superseding it.
        Every record is validated first: one bad record, and nothing is written.
        `new_layer` is made in the same transaction if no layer has its id yet.
        `retract_missing` (a reason) closes every open claim in the records' layers
        whose thing the records leave out. `dry_run` decides all of it and writes none.
        `checked`: the caller has validated every record (an import does, row by row or
        column by column), so they are not parsed again; only then may a record come
        serialized already (a SerializedRecord).
        `opened_at` maps a thing's id to the stamp token it was opened at (None: opened as
        new); a thing changed since then refuses the whole write with ConflictError.
        """
        recorded_by = check_recorder(recorded_by)
        if retract_missing is not None:
            retract_missing = check_reason(retract_missing)
        if not checked and any(isinstance(raw, SerializedRecord) for raw in raws):
            raise TypeError("a serialized record is recorded only as checked")
        keys = ([raw.keys if isinstance(raw, SerializedRecord) else keys_of(raw)
                 for raw in raws] if checked else
                [validated(raw, index, source) for index, raw in enumerate(raws)])
        seen: set[str] = set()
        for key in keys:
            if key.id in seen:
                raise SchemaError(f"{source}: feature id {key.id!r} appears twice")
            seen.add(key.id)
        with self.write_transaction() as (conn, transaction):
            check_unchanged(conn, self.claims, self.retractions, opened_at or {})
            layer_created = self._make_layer(conn, new_layer, recorded_by)
            latest = latest_claims(conn, self.claims, self.retractions, seen,
                                   recorded_by if compare == "own" else None)
            closed = closed_claims(conn, self.retractions,
                                   [claim_id for claim_id, _ in latest.values()]) \
                if reopen else set()
            recorded_at = utc_now_text()
            rows, new, changed = [], 0, 0
            geometries = []
            for raw, key in zip(raws, keys, strict=True):
                if isinstance(raw, SerializedRecord):
                    normal, content, geometry = raw.json_utf8, raw.content_hash, raw.geometry
                else:
                    # A checked record is in its normal form already (imports build it so).
                    normal = canonical_json(raw if checked else normal_raw(raw))
                    content, geometry = digest(normal), raw.get("geometry")
                before = latest.get(key.id)
                if before is not None and before[1] == content and before[0] not in closed:
                    continue
                new, changed = (new + 1, changed) if before is None else (new, changed + 1)
                rows.append(self._row(normal if checked else canonical_json(raw), key,
                                      recorded_at, recorded_by,
                                      before[0] if before else None, content))
                geometries.append(geometry)
            if rows:
                for row, claim_id in zip(rows, new_claim_ids(len(rows)), strict=True):
                    row["claim_id"] = claim_id
                self._insert(conn, self.claims, rows, geometries)
            gone: list[str] = []
            if retract_missing is not None:
                gone = open_in_layers(conn, self.claims, self.retractions,
                                      {k.layer for k in keys}, seen)
                if gone:
                    conn.execute(insert(self.retractions), [
                        self._retraction_row(claim_id, feature_id, retract_missing,
                                             dt.date.today(), recorded_by)
                        for feature_id, claim_id in gone])
            if dry_run:
                transaction.rollback()
        if len(rows) >= ANALYZE_AFTER_ROWS and not dry_run:
            # Fresh statistics: PostGIS planned a view over 100,000 new claims at 5 s
            # without them, 0.1 s with them (autovacuum comes a minute later, if at all).
            with worded_failures("update its statistics", self.engine), \
                    self.engine.begin() as conn:
                conn.execute(text("ANALYZE claims"))
        return RecordResult(new=new, changed=changed, unchanged=len(keys) - new - changed,
                            retracted=len(gone), layer_created=layer_created,
                            retracted_ids=tuple(feature_id for feature_id, _ in gone))

    def retract(self, feature_id: str, reason: str, recorded_by: str,
                reported_on: dt.date | None = None,
                opened_at: str | None = None) -> Retraction:
        """Close the thing's current claim, with a reason (refused with ConflictError if
        `opened_at` is given and the thing changed since that stamp)."""
        check_identifier(feature_id, "retraction", "feature_id")
        reason, recorded_by = check_reason(reason), check_recorder(recorded_by)
        with self.write_transaction() as (conn, _):
            if opened_at is not None:
                check_unchanged(conn, self.claims, self.retractions,
                                {feature_id: opened_at})
            current = latest_claims(conn, self.claims, self.retractions, {feature_id}, None,
                                    unretracted=True).get(feature_id)
            if current is None:
                raise SchemaError(f"retraction: no open claim about {feature_id!r} to retract")
            row = self._retraction_row(current[0], feature_id, reason,
                                       reported_on or dt.date.today(), recorded_by)
            conn.execute(insert(self.retractions), [row])
        return Retraction(current[0], reason, row["reported_on"],
                          parse_time(row["recorded_at"]), recorded_by)

    def stamp(self, feature_id: str) -> FeatureStamp | None:
        """The last thing recorded about the thing, for an editor to open it at."""
        with self.engine.connect() as conn:
            return last_stamp(conn, self.claims, self.retractions, feature_id)

    # Internals ---------------------------------------------------------------


    @contextmanager
    def write_transaction(self) -> Iterator[tuple[Connection, Any]]:
        """One write transaction, the backend's writer lock taken first: committed on
        success, rolled back on any error (or by the caller, through the transaction)."""
        with worded_failures("be written", self.engine), \
                self.engine.connect().execution_options(posture_write=True) as conn, \
                conn.begin() as transaction:
            self._writing(conn)
            yield conn, transaction

    @staticmethod
    def _retraction_row(claim_id: str, feature_id: str, reason: str, reported_on: dt.date,
                        recorded_by: str) -> dict[str, Any]:
        return {"claim_id": claim_id, "feature_id": feature_id, "reason": reason,
                "reported_on": reported_on, "recorded_at": utc_now_text(),
                "recorded_by": recorded_by}

    def _make_layer(self, conn: Connection, layer: StoredLayer | None,
                    recorded_by: str) -> str | None:
        """Make `layer` unless one of its id exists; its id if made."""
        if layer is None:
            return None
        t = self.layer_table.c
        if conn.execute(select(t.fid).where(t.layer_id == layer.layer_id)).first():
            return None
        conn.execute(insert(self.layer_table), [{
            "layer_id": layer.layer_id, "title_en": layer.title_en, "title_ar": layer.title_ar,
            "color": layer.color, "recorded_at": utc_now_text(), "recorded_by": recorded_by}])
        return layer.layer_id

    @staticmethod
    def _row(record_json: str, key: Any, recorded_at: str, recorded_by: str,
             supersedes: str | None, digest: str) -> dict[str, Any]:
        return {"claim_id": None, "feature_id": key.id, "layer": key.layer,
                "valid_from": key.valid_from, "valid_to": key.valid_to,
                "reported_on": key.reported_on, "recorded_at": recorded_at,
                "recorded_by": recorded_by, "supersedes": supersedes, "content_hash": digest,
                "record": record_json}

    def _insert_rows(self, conn: Connection, table: Table, rows: list[dict[str, Any]],
                     geometries: list[dict[str, Any] | None]) -> None:
        """The claims, each with its geometry as the backend stores it."""
        for row, geometry in zip(rows, geometries, strict=True):
            row["geom"] = self._geometry_value(shape(geometry) if geometry else None)
            row["record"] = record_text(row["record"])
        conn.execute(insert(table), rows)

"""The embedded store: one GeoPackage file.

GDAL (through pyogrio) creates the file, so it is a GeoPackage any GIS opens, with
its R-tree. Writes then go through sqlite3 (SQLAlchemy's pysqlite), which needs:
- geometries encoded as the GeoPackage standard says (a `GP` header, then WKB);
- the functions GDAL's R-tree triggers call (ST_MinX…, ST_IsEmpty), served here;
- WAL and a busy timeout, so two writers wait for each other instead of failing;
- write transactions begun IMMEDIATE, so two writers never deadlock on upgrading a
  read lock.
The file is opened read-write, so a hot journal left by a killed writer is rolled
back (GDAL, opening it read-only, cannot).
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import struct
from operator import itemgetter
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely import Geometry
from shapely.geometry import shape
from sqlalchemy import Connection, Engine, Table, create_engine, event, insert, inspect, text

from store.records import record_text
from store.rtree_pack import pack_rtree
from store.sql import SqlStore
from store.tables import CLAIM_COLUMNS, SRID, StoreTables, store_tables

__all__ = ["gpkg_blob", "open_geopackage"]

# flags: little-endian, envelope [minx, maxx, miny, maxy]; see the GeoPackage standard, 2.1.3.
_HEADER = struct.Struct("<2sBBi")
_ENVELOPE = struct.Struct("<4d")
_FLAGS_XY_ENVELOPE = 0b0000_0011
_EMPTY_FLAG = 0b0001_0000
BUSY_TIMEOUT_MS = 30_000


def gpkg_blob(geometry: Geometry | None) -> bytes | None:
    """A geometry as a GeoPackage stores it; None stays NULL."""
    if geometry is None:
        return None
    if geometry.is_empty:
        return _HEADER.pack(b"GP", 0, _EMPTY_FLAG | 0b1, SRID) + shapely.to_wkb(geometry)
    minx, miny, maxx, maxy = geometry.bounds
    return (_HEADER.pack(b"GP", 0, _FLAGS_XY_ENVELOPE, SRID)
            + _ENVELOPE.pack(minx, maxx, miny, maxy)
            + shapely.to_wkb(geometry, byte_order=1))


# A 2-D point as the GeoPackage stores it, field by field: the header with its envelope
# (2.1.3), then little-endian WKB (byte order, type 1, x, y). A packed record of fixed
# size, so many points are written as one array.
_POINT_BLOB = np.dtype([("magic", "S2"), ("version", "u1"), ("flags", "u1"), ("srid", "<i4"),
                        ("envelope", "<f8", (4,)), ("byte_order", "u1"), ("wkb_type", "<u4"),
                        ("xy", "<f8", (2,))])


def point_blobs(coordinates: np.ndarray) -> list[bytes]:
    """gpkg_blob for many points at once: (n, 2) longitudes and latitudes."""
    points = np.zeros(len(coordinates), dtype=_POINT_BLOB)
    points["magic"], points["flags"], points["srid"] = b"GP", _FLAGS_XY_ENVELOPE, SRID
    points["envelope"] = coordinates[:, [0, 0, 1, 1]]  # minx, maxx, miny, maxy
    points["byte_order"], points["wkb_type"], points["xy"] = 1, 1, coordinates
    data, size = points.tobytes(), _POINT_BLOB.itemsize
    return [data[start:start + size] for start in range(0, len(data), size)]


def _blobs_and_bounds(geometries: list[dict[str, Any] | None]
                      ) -> tuple[list[bytes | None], list[tuple[float, ...] | None]]:
    """Each geometry's blob and its R-tree box (minx, maxx, miny, maxy), None for none
    or an empty one. Points, an import's bulk, are encoded all at once."""
    blobs: list[bytes | None] = [None] * len(geometries)
    bounds: list[tuple[float, ...] | None] = [None] * len(geometries)
    points = [index for index, g in enumerate(geometries)
              if g is not None and g["type"] == "Point" and len(g["coordinates"]) == 2]
    if points:
        coordinates = np.array([geometries[i]["coordinates"] for i in points],  # type: ignore[index]
                               dtype=float)
        for index, blob, (x, y) in zip(points, point_blobs(coordinates),
                                       coordinates.tolist(), strict=True):
            blobs[index], bounds[index] = blob, (x, x, y, y)
    if len(points) == len(geometries):
        return blobs, bounds
    for index in sorted(set(range(len(geometries))) - set(points)):
        geometry = shape(geometries[index]) if geometries[index] else None
        blobs[index] = gpkg_blob(geometry)
        if geometry is not None and not geometry.is_empty:
            minx, miny, maxx, maxy = geometry.bounds
            bounds[index] = (minx, maxx, miny, maxy)
    return blobs, bounds


# Above this many claims, one write maintains the R-tree and the feature count itself
# instead of through GDAL's per-row triggers (whose ST_* calls run in Python): for
# 100,000 points, 1.9 s instead of 6.1 s.
BULK_ROWS = 1_000
# 64 MB holds the indexes of 100,000 claims: 256 MB was no faster (3.9-4.1 s for the
# whole command either way) and took the import's memory past 1 GB.
BULK_CACHE_KIB = 64 * 1024
_RTREE_TRIGGER = "rtree_claims_geom_insert"
_COUNT_TRIGGER = "trigger_insert_feature_count_claims"
# The record may come as UTF-8 bytes (store/records.py's SerializedRecord): SQLite's
# CAST keeps it TEXT, read as the database's UTF-8, without Python encoding it again.
_CLAIM_INSERT = (f"INSERT INTO claims (fid, {', '.join(CLAIM_COLUMNS)}, geom) VALUES (?, "
                 + ", ".join("CAST(? AS TEXT)" if column == "record" else "?"
                             for column in CLAIM_COLUMNS) + ", ?)")


class _IsoDays(dict):
    """Each date's ISO text, made once: 100,000 claims name a few hundred days."""

    def __missing__(self, day: dt.date | None) -> str | None:
        text = None if day is None else day.isoformat()
        self[day] = text
        return text


def _insert(conn: Connection, table: Table, rows: list[dict[str, Any]],
            geometries: list[dict[str, Any] | None]) -> None:
    """Claims into the GeoPackage, its R-tree and feature count kept exact. Inside the
    caller's transaction: the triggers dropped here are back before it commits, and
    a writer killed before then leaves them as they were."""
    blobs, bounds = _blobs_and_bounds(geometries)
    if len(rows) < BULK_ROWS:
        for row, blob in zip(rows, blobs, strict=True):
            row["geom"], row["record"] = blob, record_text(row["record"])
        conn.execute(insert(table), rows)
        return
    triggers = dict(conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN (?, ?)",
        (_RTREE_TRIGGER, _COUNT_TRIGGER)).all())
    for name in triggers:
        conn.exec_driver_sql(f"DROP TRIGGER {name}")
    # The indexes of 100,000 new claims outgrow SQLite's 2 MB page cache, and each
    # insert then reads back pages it has just spilled: 1.7 s instead of 1.1 s here.
    cache_pages = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size = {-BULK_CACHE_KIB}")
    # Inside the writers' lock no other insert can take these keys; naming them saves
    # reading them back for the R-tree.
    first = (conn.exec_driver_sql("SELECT max(fid) FROM claims").scalar() or 0) + 1
    # Claims are never deleted, so the keys below `first` count those stored. When at
    # least as many come at once, the secondary indexes are built again after the
    # insert (one sort) rather than kept up row by row (a random insert each):
    # 100,000 claims into the seed took 0.8 s + 0.2 s instead of 1.4 s here.
    rebuilt = dict(conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'claims' "
        "AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'").all()) \
        if len(rows) >= first - 1 else {}
    for name in rebuilt:
        conn.exec_driver_sql(f"DROP INDEX {name}")
    iso = _IsoDays()
    columns = itemgetter(*CLAIM_COLUMNS)
    # In CLAIM_COLUMNS' order; dates as the ISO text SQLAlchemy's Date writes.
    conn.exec_driver_sql(_CLAIM_INSERT, [
        (fid, claim_id, feature_id, layer, iso[since], iso[until], iso[reported], *rest, blob)
        for fid, (claim_id, feature_id, layer, since, until, reported, *rest), blob in zip(
            range(first, first + len(rows)), map(columns, rows), blobs, strict=True)])
    for sql in rebuilt.values():
        conn.exec_driver_sql(sql)
    if _RTREE_TRIGGER in triggers:
        boxes = [(fid, *box) for fid, box in zip(range(first, first + len(rows)), bounds,
                                                 strict=True) if box is not None]
        if rebuilt and boxes:  # the R-tree too is built whole (store/rtree_pack.py)
            packed = np.array(boxes, dtype=np.float64).reshape(-1, 5)
            pack_rtree(conn, "rtree_claims_geom", packed[:, 0].astype(np.int64),
                       packed[:, 1:])
        elif boxes:
            conn.exec_driver_sql("INSERT INTO rtree_claims_geom VALUES (?, ?, ?, ?, ?)",
                                 boxes)
    if _COUNT_TRIGGER in triggers:
        conn.exec_driver_sql("UPDATE gpkg_ogr_contents SET feature_count = feature_count + ? "
                             "WHERE lower(table_name) = 'claims'", (len(rows),))
    for sql in triggers.values():
        conn.exec_driver_sql(sql)
    conn.exec_driver_sql(f"PRAGMA cache_size = {int(cache_pages)}")


def _envelope(blob: bytes | None) -> tuple[float, float, float, float] | None:
    # Only the header is read (the envelope this module writes); never the WKB.
    if blob is None or len(blob) < _HEADER.size:
        return None
    _, _, flags, _ = _HEADER.unpack_from(blob)
    if flags & _EMPTY_FLAG or (flags >> 1) & 0b111 != 1:
        return None
    return _ENVELOPE.unpack_from(blob, _HEADER.size)


def _serve_rtree_functions(connection: sqlite3.Connection) -> None:
    def bound(index: int):  # noqa: ANN202 - a sqlite3 scalar function
        return lambda blob: (e[index] if (e := _envelope(blob)) else None)

    for name, index in (("ST_MinX", 0), ("ST_MaxX", 1), ("ST_MinY", 2), ("ST_MaxY", 3)):
        connection.create_function(name, 1, bound(index), deterministic=True)
    connection.create_function("ST_IsEmpty", 1, lambda blob: int(_envelope(blob) is None),
                               deterministic=True)


def _append_only(conn: Connection, table: str) -> None:
    for action in ("UPDATE", "DELETE"):
        conn.exec_driver_sql(
            f"CREATE TRIGGER {table}_append_only_{action.lower()} BEFORE {action} "
            f"ON {table} BEGIN SELECT RAISE(ABORT, "
            f"'{table} are append-only: record a new claim or a retraction'); END")


def _add_attribute_table(conn: Connection, table: Table, description: str, *,
                         append_only: bool = True) -> None:
    """A table without geometry, registered as a GeoPackage attributes table."""
    table.create(conn)
    conn.exec_driver_sql(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description) "
        f"VALUES ('{table.name}', 'attributes', '{table.name}', '{description}')")
    if append_only:
        _append_only(conn, table.name)


_FAILURES_TABLE = "Failed sign-ins of the last minute"


def _add_missing_tables(engine: Engine, tables: StoreTables) -> None:
    """The tables a store made by an earlier version lacks: `layers` came with imports,
    `users` with sign-in, `sign_in_failures` with a throttle shared by replicas."""
    wanted = ((tables.layers, "Layers made by imports", True),
              (tables.users, "Who may sign in", False),
              (tables.sign_in_failures, _FAILURES_TABLE, False))
    if all(inspect(engine).has_table(table.name) for table, _, _ in wanted):
        return
    with engine.connect().execution_options(posture_write=True) as conn, conn.begin():
        for table, description, append_only in wanted:
            if not inspect(conn).has_table(table.name):
                _add_attribute_table(conn, table, description, append_only=append_only)


def _create(path: Path) -> None:
    """A new GeoPackage with the store's tables, written beside `path` and moved
    into place whole, so two processes starting at once never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    building = path.with_name(f".{path.stem}.{os.getpid()}.building.gpkg")
    building.unlink(missing_ok=True)
    # Text columns, typed explicitly: GDAL makes an untyped empty column REAL.
    empty = gpd.GeoDataFrame({name: pd.Series([], dtype="string") for name in CLAIM_COLUMNS},
                             geometry=gpd.GeoSeries([], crs=f"EPSG:{SRID}"))
    # Imported here: only a new store needs GDAL, and every start of the app opens one.
    import pyogrio
    from pyogrio.errors import DataLayerError, DataSourceError

    try:
        pyogrio.write_dataframe(empty, building, layer="claims", driver="GPKG",
                                geometry_type="Unknown", promote_to_multi=False,
                                layer_options={"FID": "fid", "GEOMETRY_NAME": "geom"})
    except (DataSourceError, DataLayerError) as e:
        raise OSError(f"GDAL could not write {building.name}: {e}") from e
    connection = sqlite3.connect(building, isolation_level=None)
    try:
        tables = store_tables()
        engine = create_engine("sqlite://", creator=lambda: connection)
        with engine.begin() as conn:
            for index in tables.claims.indexes:
                index.create(conn)
            conn.exec_driver_sql("CREATE UNIQUE INDEX claims_claim_id ON claims (claim_id)")
            _add_attribute_table(conn, tables.retractions, "Claims closed, with the reason")
            _append_only(conn, "claims")
            _add_attribute_table(conn, tables.layers, "Layers made by imports")
            _add_attribute_table(conn, tables.users, "Who may sign in", append_only=False)
            _add_attribute_table(conn, tables.sign_in_failures, _FAILURES_TABLE,
                                 append_only=False)
    finally:
        connection.close()
    os.chmod(building, 0o600)  # the password hashes are in it: this account's alone
    try:
        os.link(building, path)  # fails if another process got there first: keep theirs
    except FileExistsError:
        pass
    finally:
        building.unlink(missing_ok=True)


def _keep_private(path: Path) -> None:
    """A store made before it was kept 0600 (it was 0644: every local account read the
    password hashes) is shut now, with its journal files (SQLite gives them the store's
    mode when it makes them)."""
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            if file.stat().st_mode & 0o077:
                os.chmod(file, 0o600)
        except (FileNotFoundError, PermissionError):
            continue


def open_geopackage(path: Path) -> SqlStore:
    """The store in the GeoPackage at `path`, created (empty) if it does not exist."""
    if not path.exists():
        _create(path)
    _keep_private(path)
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _connect(connection: sqlite3.Connection, _: Any) -> None:
        connection.isolation_level = None  # the "begin" hook below says how to begin
        _serve_rtree_functions(connection)
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        connection.execute("PRAGMA journal_mode = WAL")

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        writing = conn.get_execution_options().get("posture_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")

    tables = store_tables()
    with engine.connect() as conn:
        conn.execute(text("SELECT 1 FROM claims LIMIT 1"))  # a foreign file fails here
    _add_missing_tables(engine, tables)
    return SqlStore(engine, tables, name=path.name, geometry_value=gpkg_blob,
                    writing=lambda conn: None, bulk_insert=_insert)

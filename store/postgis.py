"""The team store: PostgreSQL with PostGIS, when DATABASE_URL is set.

The same tables and the same behaviour as the GeoPackage (store/sql.py); here the
geometry is a PostGIS geometry, append-only is a trigger function, and writers
take a transaction-scoped advisory lock, so two imports at once each see the
other's claims before deciding what is new.
"""

from __future__ import annotations

from geoalchemy2 import Geometry as GeometryColumn
from geoalchemy2.shape import from_shape
from shapely import Geometry
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url

from store.sql import SqlStore
from store.tables import SRID, store_tables

__all__ = ["open_postgis", "sqlalchemy_url"]

# Any fixed number: the key of the one advisory lock every writer takes.
_WRITERS_LOCK = 7_240_912
_APPEND_ONLY = """
CREATE OR REPLACE FUNCTION posture_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% are append-only: record a new claim or a retraction', TG_TABLE_NAME;
END $$;
"""


def sqlalchemy_url(database_url: str) -> str:
    """`postgresql://…` as the user gives it, driven by psycopg 3."""
    url = make_url(database_url)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


def _geometry(geometry: Geometry | None) -> object:
    return None if geometry is None else from_shape(geometry, srid=SRID)


def _lock_writers(conn: Connection) -> None:
    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _WRITERS_LOCK})


def open_postgis(database_url: str) -> SqlStore:
    """The store in the database at `database_url`; tables made if missing."""
    engine = create_engine(sqlalchemy_url(database_url), pool_pre_ping=True)
    tables = store_tables(GeometryColumn(srid=SRID))
    with engine.begin() as conn:
        _lock_writers(conn)  # two servers starting at once create the tables once
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
        tables.metadata.create_all(conn)
        conn.execute(text(_APPEND_ONLY))
        for table in ("claims", "retractions", "layers"):
            conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}"))
            conn.execute(text(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE "
                              f"OR TRUNCATE ON {table} FOR EACH STATEMENT "
                              "EXECUTE FUNCTION posture_append_only()"))
    url = make_url(engine.url)
    return SqlStore(engine, tables,
                    name=f"PostGIS database {url.database or ''}".strip(),
                    geometry_value=_geometry, writing=_lock_writers)

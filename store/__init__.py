"""The claims store: every statement recorded, never overwritten (see store/sql.py).

`open_store()` opens the store the environment names (store/location.py) and
seeds it from the committed data, idempotently (store/seed.py).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from geo.errors import StoreError
from store.failures import DiskFull, store_failure
from store.location import store_location
from store.records import RecordResult
from store.sql import SqlStore

__all__ = ["RecordResult", "SqlStore", "open_store", "store_label"]


def store_label(location: str) -> str:
    """The store named for a message: a file's name, or a database without its password."""
    if "://" in location:
        url = make_url(location)
        return f"PostGIS database {url.database or ''} on {url.host or 'a local socket'}"
    return Path(location).name


def open_store(location: str | None = None) -> SqlStore:
    """The store at `location` (default: from the environment), opened and ready."""
    location = location or store_location()
    try:
        if "://" in location:
            from store.postgis import open_postgis  # only teams need the PostGIS driver

            return open_postgis(location)
        from store.gpkg import open_geopackage

        return open_geopackage(Path(location))
    except (SQLAlchemyError, DBAPIError, sqlite3.Error, OSError) as e:
        folder = None if "://" in location else Path(location).parent
        failure = store_failure(e, "be opened", folder)
        if isinstance(failure, DiskFull):
            raise DiskFull(f"cannot open the store ({store_label(location)}): "
                           "the disk holding the store is full") from e
        reason = getattr(e, "orig", None) or e
        raise StoreError(f"cannot open the store ({store_label(location)}): "
                         f"{str(reason).splitlines()[0] if str(reason) else type(e).__name__}"
                         ) from e

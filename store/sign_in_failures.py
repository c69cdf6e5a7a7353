"""Failed sign-ins, kept in the store (issue 12): several app processes behind the sticky
proxy share them, so a name held back after five failures is held back on every
replica, whichever one the next try reaches.

A try is counted before its password is checked, inside one write transaction under a
lock (PostGIS: an advisory lock of the sign-ins' own; the GeoPackage: the file's writer
lock), and uncounted if the password was right: so guesses sent in parallel, to one
process or to several, cannot all be checked before any of them is counted.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, delete, func, insert, select, text
from sqlalchemy.exc import SQLAlchemyError

from store.failures import file_folder, store_failure
from store.sql import SqlStore

__all__ = ["SignInFailures"]

# PostGIS: sign-ins count under a lock of their own, never the writers' one that an
# import holds for seconds (store/postgis.py's _WRITERS_LOCK is the next number down).
_COUNTING_LOCK = 7_240_913


class SignInFailures:
    """The failed sign-ins of one store, by folded name."""

    def __init__(self, store: SqlStore) -> None:
        self._store, self._table = store, store.sign_in_failures

    def count_try(self, key: str, now: float, window_s: float, allowed: int
                  ) -> tuple[int | None, float]:
        """Count a try for `key` at `now` (Unix seconds). Returns the try's row, to
        uncount if it succeeds, and 0; or, when `allowed` failures already lie within
        `window_s`, no row and the seconds until the oldest of them leaves the window.
        Rows older than the window, anyone's, are deleted here."""
        table = self._table
        with self._counting() as conn:
            conn.execute(delete(table).where(table.c.failed_at <= now - window_s))
            count, oldest = conn.execute(
                select(func.count(), func.min(table.c.failed_at))
                .where(table.c.name_key == key)).one()
            if count >= allowed:
                return None, window_s - (now - oldest)
            row = conn.execute(insert(table).values(name_key=key, failed_at=now)
                               ).inserted_primary_key[0]
        return row, 0.0

    def uncount(self, row: int) -> None:
        """One counted try taken back (`count_try`'s row): it succeeded."""
        with self._counting() as conn:
            conn.execute(delete(self._table).where(self._table.c.fid == row))

    def succeeded(self, key: str) -> None:
        """The right password: the name's failures are forgiven, as one process did."""
        with self._counting() as conn:
            conn.execute(delete(self._table).where(self._table.c.name_key == key))

    @contextmanager
    def _counting(self) -> Iterator[Connection]:
        """One write transaction. In the GeoPackage it takes the file's one writer lock
        (an import holds it for seconds; past the busy timeout, StoreError). A store that
        fails is a StoreError, which the gate tells the page in words."""
        try:
            with self._store.engine.connect().execution_options(posture_write=True) as conn, \
                    conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                 {"key": _COUNTING_LOCK})
                yield conn
        except (SQLAlchemyError, sqlite3.Error, OSError) as e:
            raise store_failure(e, "count the sign-in",
                                file_folder(self._store.engine)) from e

    def recent(self, key: str) -> int:
        """How many failures of `key` the store holds (the tests read it)."""
        with self._store.engine.connect() as conn:
            return conn.execute(select(func.count()).where(
                self._table.c.name_key == key)).scalar_one()

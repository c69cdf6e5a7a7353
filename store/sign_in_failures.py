"""Failed sign-ins, kept in the store (issue 12): several app processes behind the sticky
proxy share them, so a name held back after five failures is held back on every
replica, whichever one the next try reaches.

A try is counted before its password is checked, inside one write transaction (the
backend's writer lock taken, as for claims), and uncounted if the password was right:
so guesses sent in parallel, to one process or to several, cannot all be checked
before any of them is counted.
"""

from __future__ import annotations

from sqlalchemy import delete, func, insert, select

from store.sql import SqlStore

__all__ = ["SignInFailures"]


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
        with self._store.write_transaction() as (conn, _):
            conn.execute(delete(table).where(table.c.failed_at <= now - window_s))
            count, oldest = conn.execute(
                select(func.count(), func.min(table.c.failed_at))
                .where(table.c.name_key == key)).one()
            if count >= allowed:
                return None, window_s - (now - oldest)
            row = conn.execute(insert(table).values(name_key=key, failed_at=now)
                               ).inserted_primary_key[0]
        return row, 0.0

    def succeeded(self, key: str) -> None:
        """The right password: the name's failures are forgiven, as one process did."""
        with self._store.write_transaction() as (conn, _):
            conn.execute(delete(self._table).where(self._table.c.name_key == key))

    def recent(self, key: str) -> int:
        """How many failures of `key` the store holds (for tests and the CLI)."""
        with self._store.engine.connect() as conn:
            return conn.execute(select(func.count()).where(
                self._table.c.name_key == key)).scalar_one()

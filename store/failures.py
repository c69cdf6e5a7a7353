"""A database's failure on a write, in words: above all a full disk, which must read
"the disk holding the store is full" wherever it happens (an import, an editor's save,
a sign-in), never a traceback or "the store is busy"."""

from __future__ import annotations

import errno
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from geo.errors import StoreError

__all__ = ["DISK_FULL", "DiskFull", "is_disk_full", "store_failure", "worded_failures"]

DISK_FULL = "the disk holding the store is full: nothing was written"
_SQLITE_FULL = 13  # SQLITE_FULL: "database or disk is full"
_PG_DISK_FULL = "53100"  # PostgreSQL's disk_full class of SQLSTATE
_NO_ROOM_BYTES = 64 * 1024


class DiskFull(StoreError):
    """The store's disk is full; the write was rolled back."""


def _causes(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo: list[BaseException | None] = [error]
    while todo:
        found = todo.pop()
        if found is None or id(found) in seen:
            continue
        seen.add(id(found))
        yield found
        todo.extend([getattr(found, "orig", None), found.__cause__, found.__context__])


def _no_room(folder: Path | None) -> bool:
    # SQLite says "disk I/O error" when it cannot map its shared-memory file on a full
    # disk: the free space says what the message does not.
    if folder is None:
        return False
    try:
        return shutil.disk_usage(folder).free < _NO_ROOM_BYTES
    except OSError:
        return False


def is_disk_full(error: BaseException, folder: Path | None = None) -> bool:
    """Whether `error`, or what caused it, says the disk is full (SQLite, PostgreSQL
    or the operating system), or the store's `folder` has no room left."""
    if _no_room(folder):
        return True
    for cause in _causes(error):
        if isinstance(cause, sqlite3.Error) and (
                getattr(cause, "sqlite_errorcode", None) == _SQLITE_FULL
                or "database or disk is full" in str(cause)):
            return True
        if getattr(cause, "sqlstate", None) == _PG_DISK_FULL or getattr(
                cause, "pgcode", None) == _PG_DISK_FULL:
            return True
        if isinstance(cause, OSError) and cause.errno == errno.ENOSPC:
            return True
        if "No space left on device" in str(cause):
            return True
    return False


def store_failure(error: BaseException, doing: str, folder: Path | None = None
                  ) -> StoreError:
    """The StoreError to raise for `error`: DiskFull when the disk is full, otherwise
    what the database said, first line only."""
    if is_disk_full(error, folder):
        return DiskFull(DISK_FULL)
    reason = getattr(error, "orig", None) or error
    said = str(reason).splitlines()[0] if str(reason) else type(error).__name__
    return StoreError(f"the store could not {doing}: {said}")


def file_folder(engine: Engine) -> Path | None:
    """The folder of a file database (the GeoPackage), whose free space tells a full
    disk; None for a server's."""
    database = engine.url.database
    return Path(database).parent if engine.dialect.name == "sqlite" and database else None


@contextmanager
def worded_failures(doing: str, engine: Engine | None = None) -> Iterator[None]:
    """Within, a database's or the disk's failure is raised as store_failure's."""
    try:
        yield
    except (SQLAlchemyError, sqlite3.Error, OSError) as e:
        raise store_failure(e, doing, file_folder(engine) if engine else None) from e

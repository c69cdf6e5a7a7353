"""Who may sign in, and as what: the store's `users` table.

A user has a name, a role and an Argon2 hash of their password (argon2-cffi); the
password itself is never stored, logged or shown. Roles:
- `viewer` reads, as anyone who can reach the app does;
- `editor` also records, corrects and retracts claims, and imports reports;
- `admin` is an editor who may also manage users from the page (the CLI,
  `posture-users`, runs with the operator's access to the store and needs no role).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Connection, delete, insert, select, update

from geo.errors import SchemaError
from store.failures import worded_failures
from store.records import parse_time, utc_now_text
from store.sql import SqlStore

__all__ = ["COMMON_PASSWORDS_REFUSED", "MAX_PASSWORD_CHARS", "MIN_PASSWORD_CHARS", "ROLES",
           "WRITING_ROLES", "User", "UserError", "Users", "check_password", "check_role",
           "check_user_name"]

ROLES = ("viewer", "editor", "admin")
WRITING_ROLES = frozenset({"editor", "admin"})
MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_CHARS = 1024
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
_HASHER = PasswordHasher()
# Checked against when the name is unknown, so a wrong name costs what a wrong password
# does and the time taken does not tell which names exist. A hash made once, of a secret
# nobody kept, with the hasher's own parameters (a test holds them equal): hashing it at
# import cost every start of the app 85 ms, and at the first sign-in would have made the
# first unknown name slower than the rest.
_DECOY_HASH = ("$argon2id$v=19$m=65536,t=3,p=4$0OyqKPqOI4ICmJgoQeNSkw$"
               "+cELYiof8mmQsGCQ0Ok9ZEyz6VZQ/rZeQzVlCOAmdHA")


class UserError(SchemaError):
    """A user name, role or password that cannot be taken, or a user that is missing."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    created_at: object  # datetime, UTC
    updated_at: object

    @property
    def may_write(self) -> bool:
        return self.role in WRITING_ROLES


def check_user_name(name: object) -> str:
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise UserError(f"user name {str(name)[:80]!r} is not allowed: 1 to 64 letters, "
                        "digits, '.', '_', '@' or '-', starting with a letter or digit")
    return name


def check_role(role: object) -> str:
    if role not in ROLES:
        raise UserError(f"role {str(role)[:40]!r} is not one of {', '.join(ROLES)}")
    return str(role)


COMMON_PASSWORDS_REFUSED = 10_000


@cache
def _common_passwords() -> frozenset[str]:
    # zxcvbn's list of leaked passwords, most used first.
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"][:COMMON_PASSWORDS_REFUSED])


def check_password(password: object, name: str | None = None) -> str:
    """A password that may be set for the user `name`: long enough, not one of the
    10,000 most common, and not their name."""
    if not isinstance(password, str) or not MIN_PASSWORD_CHARS <= len(password) \
            <= MAX_PASSWORD_CHARS:
        raise UserError(f"a password must be {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} "
                        "characters long")
    if password != password.strip():
        raise UserError("a password must not start or end with spaces (a pasted newline?)")
    folded = password.casefold()
    if folded in _common_passwords():
        raise UserError(f"that password is one of the {COMMON_PASSWORDS_REFUSED:,} most "
                        "common ones (leaked lists try them first): choose another")
    if name and len(name) >= 3 and name.casefold() in folded:
        raise UserError("a password must not contain the user's name")
    return password


class Users:
    """The users of one store."""

    def __init__(self, store: SqlStore) -> None:
        self.store = store
        self.engine, self.table = store.engine, store.users

    def add(self, name: str, role: str, password: str) -> User:
        name, role = check_user_name(name), check_role(role)
        password_hash = _HASHER.hash(check_password(password, name))
        now = utc_now_text()
        with self._writing() as conn:
            if conn.execute(select(self.table.c.fid).where(self.table.c.name == name)).first():
                raise UserError(f"user {name!r} exists already")
            conn.execute(insert(self.table).values(name=name, password_hash=password_hash,
                                                   role=role, created_at=now, updated_at=now))
        return self._get(name)  # type: ignore[return-value]

    def all(self) -> list[User]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(self.table).order_by(self.table.c.name)).all()
        return [self._user(row) for row in rows]

    def get(self, name: str) -> User | None:
        """The user of that name now (a role changed since sign-in counts)."""
        return self._get(name) if _NAME.fullmatch(name or "") else None

    def set_role(self, name: str, role: str) -> User:
        name, role = check_user_name(name), check_role(role)
        with self._writing() as conn:
            done = conn.execute(update(self.table).where(self.table.c.name == name)
                                .values(role=role, updated_at=utc_now_text())).rowcount
        if not done:
            raise UserError(f"no user {name!r}")
        return self._get(name)  # type: ignore[return-value]

    def set_password(self, name: str, password: str) -> None:
        name = check_user_name(name)
        password_hash = _HASHER.hash(check_password(password, name))
        with self._writing() as conn:
            done = conn.execute(update(self.table).where(self.table.c.name == name).values(
                password_hash=password_hash, updated_at=utc_now_text())).rowcount
        if not done:
            raise UserError(f"no user {name!r}")

    def remove(self, name: str) -> None:
        name = check_user_name(name)
        with self._writing() as conn:
            if not conn.execute(delete(self.table).where(self.table.c.name == name)).rowcount:
                raise UserError(f"no user {name!r}")

    def verify(self, name: str, password: str) -> User | None:
        """The user, if `password` is theirs; None for a wrong name or password alike."""
        user_row = None
        if isinstance(name, str) and _NAME.fullmatch(name):
            with self.engine.connect() as conn:
                user_row = conn.execute(select(self.table).where(self.table.c.name == name)
                                        ).first()
        try:
            _HASHER.verify(user_row.password_hash if user_row else _DECOY_HASH,
                           password if isinstance(password, str) else "")
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        return self._user(user_row) if user_row is not None else None

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        # The GeoPackage's writer lock taken at the start (store/gpkg.py's "begin" hook),
        # so a write waits for another instead of failing half-way.
        with worded_failures("write the user", self.engine), \
                self.engine.connect().execution_options(posture_write=True) as conn, \
                conn.begin():
            yield conn

    def _get(self, name: str) -> User | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(self.table).where(self.table.c.name == name)).first()
        return self._user(row) if row is not None else None

    @staticmethod
    def _user(row: object) -> User:
        return User(row.name, row.role, parse_time(row.created_at),  # type: ignore[attr-defined]
                    parse_time(row.updated_at))  # type: ignore[attr-defined]

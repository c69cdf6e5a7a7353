"""Sign-in, sessions and the role check every write goes through, for one app process.

A session is a random token: the page keeps it in `st.session_state`, and this
process keeps what it means (who, since when, last seen). Nothing the page holds is
trusted: every write asks the gate, which finds the session by its token, ends it
if it has been idle too long, and reads the user's role from the store again, so a
role taken away or a user removed counts at once.

Failed sign-ins are counted per name: after five within a minute, that name's
further tries are refused until the minute has passed. The count lives in the store
(store/sign_in_failures.py), so several replicas behind the sticky proxy share it:
five failures on one hold the name back on all of them.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from geo.errors import PostureDataError, StoreError
from store.failures import DiskFull
from store.sign_in_failures import SignInFailures
from store.users import User, Users

__all__ = [
    "FAILURES_ALLOWED",
    "FAILURE_WINDOW_S",
    "IDLE_ENV",
    "AccessError",
    "Gate",
    "NotAllowed",
    "NotSignedIn",
    "SignInRefused",
    "SignInUnavailable",
    "idle_seconds",
]

IDLE_ENV = "POSTURE_SESSION_IDLE_MINUTES"
DEFAULT_IDLE_MINUTES = 30
FAILURES_ALLOWED = 5
# From one address, failures across names: a guess at each of many names is held back
# too (20 names x 1 guess were all checked in 3.9 s).
FAILURES_PER_ADDRESS = 10
FAILURE_WINDOW_S = 60.0


class AccessError(PostureDataError):
    """Why an action was refused, in words the page shows."""


class SignInRefused(AccessError):
    def __init__(self, message: str, wait_s: float = 0.0) -> None:
        super().__init__(message)
        self.wait_s = wait_s


class SignInUnavailable(SignInRefused):
    """The store could not count the try (busy past its timeout, unreachable, or its
    disk full: `disk_full`)."""

    def __init__(self, message: str, disk_full: bool = False) -> None:
        super().__init__(message)
        self.disk_full = disk_full


class NotSignedIn(AccessError):
    pass


class NotAllowed(AccessError):
    pass


def idle_seconds() -> float:
    """How long a session may sit idle: POSTURE_SESSION_IDLE_MINUTES, default 30."""
    text = os.environ.get(IDLE_ENV, "").strip()
    if not text:
        return DEFAULT_IDLE_MINUTES * 60.0
    try:
        minutes = float(text)
    except ValueError:
        raise AccessError(f"{IDLE_ENV}={text[:20]!r} is not a number of minutes") from None
    if not 0 < minutes <= 7 * 24 * 60:
        raise AccessError(f"{IDLE_ENV}={text[:20]!r}: give minutes between 0 and 10080")
    return minutes * 60.0


@dataclass
class _Session:
    name: str
    last_seen: float


@dataclass
class Gate:
    users: Users
    idle_s: float = field(default_factory=idle_seconds)
    # Wall-clock seconds: the failures in the store are compared across processes.
    clock: Callable[[], float] = time.time
    _sessions: dict[str, _Session] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._failures = SignInFailures(self.users.store)

    def sign_in(self, name: str, password: str, address: str | None = None) -> str:
        """A new session's token; SignInRefused for a wrong name or password (the same
        words for both), or while the name, or the `address` the try comes from, is
        throttled."""
        key = (name or "").strip().lower()[:64]
        # Names cannot hold ':', so an address's count never meets a name's.
        address_key = f"address:{address}"[:64] if address is not None else None
        try:
            counted, wait = self._failures.count_try(key, self.clock(), FAILURE_WINDOW_S,
                                                     FAILURES_ALLOWED)
            if counted is None:
                raise SignInRefused(f"too many failed sign-ins for this name: try again in "
                                    f"{max(1, round(wait))} s", wait)
            from_address = None
            if address_key is not None:
                from_address, wait = self._failures.count_try(
                    address_key, self.clock(), FAILURE_WINDOW_S, FAILURES_PER_ADDRESS)
                if from_address is None:
                    raise SignInRefused(f"too many failed sign-ins from this address: try "
                                        f"again in {max(1, round(wait))} s", wait)
        except StoreError as e:
            raise SignInUnavailable(str(e), disk_full=isinstance(e, DiskFull)) from e
        user = self.users.verify(name, password)
        if user is None:
            raise SignInRefused("wrong name or password")  # the try stays counted
        if from_address is not None:
            # This one try is forgiven, not the address's others: an attacker with one
            # account of their own must not wipe their count by signing in with it.
            with contextlib.suppress(StoreError):
                self._failures.uncount(from_address)
        # The store failing here leaves the failures counted for their minute; the
        # sign-in itself stands.
        with contextlib.suppress(StoreError):
            self._failures.succeeded(key)
        with self._lock:
            return self._new_session(user.name)

    def sign_in_verified(self, name: str) -> str:
        """A session for a user whose identity an OIDC provider has just verified
        (Streamlit's st.login): no password, but only for a user of this store, whose
        role is theirs here. SignInRefused for anyone else."""
        user = self.users.get(name) if isinstance(name, str) else None
        if user is None:
            raise SignInRefused(f"{str(name)[:64]!r} is not a user of this dashboard: ask the "
                                "operator to add them with posture-users")
        with self._lock:
            return self._new_session(user.name)

    def _new_session(self, name: str) -> str:
        """Under the lock. Sessions left idle are dropped here too, so the table does not
        grow with abandoned tabs (the store drops old failures as it counts new ones)."""
        now = self.clock()
        for token in [t for t, s in self._sessions.items() if now - s.last_seen > self.idle_s]:
            del self._sessions[token]
        token = secrets.token_urlsafe(32)
        self._sessions[token] = _Session(name, now)
        return token

    def sign_out(self, token: str | None) -> None:
        with self._lock:
            self._sessions.pop(token or "", None)

    def user(self, token: object) -> User | None:
        """The signed-in user of a live session (and the session kept alive); None for no
        session, an ended one or one idle too long (which this ends)."""
        if not isinstance(token, str):
            return None
        with self._lock:
            session = self._sessions.get(token)
            if session is None:
                return None
            now = self.clock()
            if now - session.last_seen > self.idle_s:
                del self._sessions[token]
                return None
            session.last_seen = now
            name = session.name
        user = self.users.get(name)
        if user is None:  # removed since: the session ends with them
            self.sign_out(token)
        return user

    def editor(self, token: object) -> User:
        """The user behind `token` if they may write now; NotSignedIn or NotAllowed if not.
        Called inside every write, whatever the page showed."""
        user = self.user(token)
        if user is None:
            raise NotSignedIn("sign in as an editor to record, correct, retract or import "
                              "(your session may have ended)")
        if not user.may_write:
            raise NotAllowed(f"{user.name} is a {user.role}: only editors may write")
        return user

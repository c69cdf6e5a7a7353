"""The sign-in throttle shared through the store (issue 12), on both backends: five
failures within a minute hold a name back in every app process on that store, and
guesses sent all at once are each counted before any password is checked."""

from __future__ import annotations

import threading

import pytest

from access.gate import FAILURE_WINDOW_S, Gate, SignInRefused
from store import open_store
from store.sign_in_failures import SignInFailures
from store.users import Users
from tests.test_access import PASSWORD, Clock


@pytest.fixture
def replicas(store, store_location):
    """Two gates on two openings of one store, as two app processes have."""
    Users(store).add("alice", "editor", PASSWORD)
    other = open_store(store_location)
    clock = Clock()
    yield Gate(Users(store), idle_s=600, clock=clock), Gate(Users(other), idle_s=600,
                                                             clock=clock), clock
    other.close()


def test_five_failures_on_one_process_hold_the_name_back_on_the_other(replicas):
    first, second, clock = replicas
    for attempt in range(5):
        gate = first if attempt % 2 == 0 else second  # a proxy without stickiness
        with pytest.raises(SignInRefused, match=r"^wrong name or password$"):
            gate.sign_in("Alice", "not the password")  # names are folded: Alice is alice
        clock.now += 1
    for gate in (first, second):
        with pytest.raises(SignInRefused, match=r"too many failed sign-ins .* try again in "
                                                r"5\d s"):
            gate.sign_in("alice", PASSWORD)
    clock.now += FAILURE_WINDOW_S
    token = second.sign_in("alice", PASSWORD)
    assert second.user(token).name == "alice"
    assert first.user(token) is None  # the session itself is the process's own


def test_the_right_password_forgives_the_names_failures_everywhere(replicas, store):
    first, second, _ = replicas
    for _ in range(4):
        with pytest.raises(SignInRefused):
            first.sign_in("alice", "not the password")
    assert SignInFailures(store).recent("alice") == 4
    second.sign_in("alice", PASSWORD)
    assert SignInFailures(store).recent("alice") == 0


def test_guesses_sent_at_once_are_counted_before_any_is_checked(replicas, store):
    """Twelve wrong guesses at the same moment, through both processes: only five are
    checked against the password; the rest are held back."""
    first, second, _ = replicas
    outcomes: list[str] = []
    start = threading.Barrier(12)

    def guess(gate: Gate) -> None:
        start.wait()
        try:
            gate.sign_in("alice", "a guess made in parallel")
        except SignInRefused as e:
            outcomes.append("wrong" if str(e) == "wrong name or password" else "held")

    threads = [threading.Thread(target=guess, args=(first if i % 2 else second,))
               for i in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(outcomes) == ["held"] * 7 + ["wrong"] * 5
    assert SignInFailures(store).recent("alice") == 5


def test_a_sign_in_never_waits_for_an_import_holding_postgis_writers_lock(postgis_url):
    """PostGIS: an import holds the writers' advisory lock for seconds; sign-ins count
    under a lock of their own."""
    from sqlalchemy import text

    from store.postgis import _WRITERS_LOCK

    store = open_store(postgis_url)
    Users(store).add("alice", "editor", PASSWORD)
    gate = Gate(Users(store), idle_s=600, clock=Clock())
    with store.engine.connect() as importer, importer.begin():
        importer.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _WRITERS_LOCK})
        done = threading.Event()
        thread = threading.Thread(target=lambda: (gate.sign_in("alice", PASSWORD),
                                                  done.set()))
        thread.start()
        assert done.wait(timeout=20), "the sign-in waited for the writers' lock"
    thread.join()
    store.close()


def test_a_store_too_busy_to_count_the_try_is_said_so_not_wrong_password(tmp_path,
                                                                        monkeypatch):
    """GeoPackage: a writer holding the file past the busy timeout. The page says the
    store is busy; it does not call the password wrong, and nothing is tried."""
    import sqlite3

    import store.gpkg
    from access.gate import SignInUnavailable

    path = tmp_path / "store.gpkg"
    Users(open_store(str(path))).add("alice", "editor", PASSWORD)
    monkeypatch.setattr(store.gpkg, "BUSY_TIMEOUT_MS", 300)
    gate = Gate(Users(open_store(str(path))), idle_s=600, clock=Clock())
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(SignInUnavailable, match="the store could not count the sign-in: "
                                                    "database is locked"):
            gate.sign_in("alice", PASSWORD)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert gate.user(gate.sign_in("alice", PASSWORD)).name == "alice"

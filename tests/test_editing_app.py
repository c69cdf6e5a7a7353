"""What the page gives whom, run by AppTest: a reader and a viewer get no editing
controls and a map that reports no clicks; a session state made up to look like an
editor's gets nothing either; an editor gets the panel and a map that reports clicks;
a store too busy to count a sign-in is said so."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from store import open_store
from store.users import Users
from tests.app_helpers import APP, map_args
from tests.test_import import env_store  # noqa: F401
from ui.posture_table import MAP_DRAWN_KEY

PASSWORD = "editors write claims"


@pytest.fixture
def store_location(tmp_path) -> str:
    """These run the page, so the GeoPackage only (the contract is the store's tests')."""
    return str(tmp_path / "claims.gpkg")


@pytest.fixture
def people(env_store, store_location):  # noqa: F811
    store = open_store(store_location)
    Users(store).add("alice", "editor", PASSWORD)
    Users(store).add("victor", "viewer", PASSWORD)
    store.close()


def _page(token: object = None, **state: object) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if token is not None:
        at.session_state["auth:token"] = token
    for key, value in state.items():
        at.session_state[key] = value
    at.session_state[MAP_DRAWN_KEY] = True  # as after the map's first report
    at.run()
    assert not at.exception
    return at


def _token(name: str) -> str:
    from ui.signin import current_gate

    return current_gate().sign_in(name, PASSWORD)


def _editing(at: AppTest) -> bool:
    return any(r.label == "What to do" for r in at.radio)


def test_a_reader_gets_no_editing_and_no_clicks(people):
    at = _page()
    assert not _editing(at)
    assert "last_clicked" not in map_args(at)["returned_objects"]
    assert [e.label for e in at.expander].count("Import a report") == 0


@pytest.mark.parametrize("state", [
    {"auth:token": "alice"},
    {"auth:token": {"name": "alice", "role": "editor"}},
    {"auth:token": "A" * 43, "auth:name": "alice", "auth:role": "editor"},
])
def test_a_made_up_session_is_a_reader(people, state):
    at = _page(**state)
    assert not _editing(at)
    assert "auth:token" not in at.session_state  # forgotten, and said so
    assert "last_clicked" not in map_args(at)["returned_objects"]


def test_a_viewer_is_a_reader_whatever_else_the_state_says(people):
    at = _page(_token("victor"), **{"auth:role": "editor", "edit:mode": "new"})
    assert any("Signed in as victor (viewer)" in c.value for c in at.sidebar.caption)
    assert not _editing(at)
    assert "last_clicked" not in map_args(at)["returned_objects"]


def test_an_editor_gets_the_panel_and_a_map_that_reports_clicks(people):
    at = _page(_token("alice"))
    assert _editing(at)
    assert map_args(at)["returned_objects"] == ["bounds", "center", "zoom", "last_clicked",
                                                 "last_active_drawing", "all_drawings"]
    # Full width under the map, not in the narrow sidebar.
    assert any(e.label == "Import a report" for e in at.main.expander)
    assert not any(e.label == "Import a report" for e in at.sidebar.expander)


def test_with_an_oidc_provider_configured_the_page_offers_it_instead_of_passwords(people):
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = {
        "redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "x" * 32,
        "client_id": "posture", "client_secret": "not-a-secret",
        "server_metadata_url": "https://idp.invalid/.well-known/openid-configuration"}
    at.run()
    assert not at.exception
    labels = [b.label for b in at.sidebar.button]
    assert "Sign in with your organisation's account" in labels
    assert not [i for i in at.sidebar.text_input if i.label == "Password"]


def test_without_a_provider_the_local_sign_in_stays(people):
    at = _page()
    labels = [i.label for i in at.sidebar.text_input]
    assert "Name" in labels
    assert "Password" in labels
    assert "Sign in with your organisation's account" not in [b.label for b in at.sidebar.button]


def _submit_sign_in(at: AppTest, name: str, password: str) -> AppTest:
    at.sidebar.text_input(key="auth:name").input(name)
    at.sidebar.text_input(key="auth:password").input(password)
    next(b for b in at.sidebar.button if b.label == "Sign in").click()
    at.run()
    assert not at.exception
    return at


def test_a_store_too_busy_to_count_a_sign_in_is_said_so_on_the_page(people, store_location,
                                                                     monkeypatch):
    # An import holds the GeoPackage's write lock past the busy timeout: the page says the
    # store is busy and nothing was tried, not that the password is wrong.
    import sqlite3

    import store.gpkg

    monkeypatch.setattr(store.gpkg, "BUSY_TIMEOUT_MS", 300)
    at = _page()
    writer = sqlite3.connect(store_location, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        _submit_sign_in(at, "alice", PASSWORD)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    errors = [e.value for e in at.sidebar.error]
    assert errors == ["The store is busy (an import is being written, say) or cannot be "
                      "reached: nothing was tried. Try again in a moment."]
    assert "auth:token" not in at.session_state
    assert not _editing(at)
    _submit_sign_in(at, "alice", PASSWORD)  # the lock gone, the same sign-in goes through
    assert not at.sidebar.error
    assert _editing(at)


def test_an_editor_whose_role_is_taken_away_is_told(people, store_location):
    """Issue 24: the save of an editor made a viewer since vanished without a word."""
    at = _page(_token("alice"))
    assert _editing(at)
    store = open_store(store_location)
    try:
        Users(store).set_role("alice", "viewer")
    finally:
        store.close()
    at.run()
    assert not _editing(at)
    assert [w.value for w in at.sidebar.warning] == [
        "You may no longer write: your role is now viewer. Nothing you were saving or "
        "importing was recorded."]
    at.run()  # said once, not on every run after
    assert not at.sidebar.warning

"""A reader's upload is refused (issue 24, part 3): Streamlit gives any session upload
URLs and kept every file PUT to them in memory, so a signed-out reader took the server
from 866 MB to 1,866 MB. In Chromium: the reader's own session, its XSRF cookie and a
PUT as Streamlit's page makes one are refused; the same session signed in as an editor
may upload."""

from __future__ import annotations

import pytest

from store import open_store
from store.users import Users
from tests.browser_helpers import open_dashboard, sign_in, streamlit_session_ids, wait_idle
from tests.conftest import start_app, stop_app

pytestmark = pytest.mark.browser

PASSWORD = "editors write claims"


@pytest.fixture
def server(tmp_path):
    location = str(tmp_path / "store.gpkg")
    store = open_store(location)
    Users(store).add("alice", "editor", PASSWORD)
    store.close()
    started = start_app(tmp_path, {"POSTURE_STORE": location})
    yield started
    stop_app(started)


def _put(page, server, session_id: str, size: int) -> int:
    xsrf = next(c["value"] for c in page.context.cookies() if c["name"] == "_streamlit_xsrf")
    response = page.request.put(
        f"{server.url}/_stcore/upload_file/{session_id}/probe-file",
        multipart={"file": {"name": "big.csv", "mimeType": "text/csv",
                            "buffer": b"a,b\n" * (size // 4)}},
        headers={"X-Xsrftoken": xsrf})
    return response.status


def test_a_reader_cannot_upload_and_an_editor_can(page, server, offline):
    ids = streamlit_session_ids(page)
    open_dashboard(page, server)
    assert ids, "the page announced no session"
    assert _put(page, server, ids[-1], 1_000_000) == 403
    sign_in(page, "alice", PASSWORD)
    wait_idle(page)
    assert _put(page, server, ids[-1], 1_000_000) == 204
    assert offline.attempted == []

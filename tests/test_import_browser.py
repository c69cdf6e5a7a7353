"""The import form in a real browser: upload a CSV, see the summary, the new layer's
toggle and its points on the map; upload a bad one, see the rejected rows and nothing
imported."""

from __future__ import annotations

import pytest

from store import open_store
from store.users import Users
from tests.browser_helpers import feature_ids, open_dashboard, sign_in, wait_idle
from tests.conftest import start_app, stop_app
from tests.test_import import GOOD_ROWS, HEADER, write_csv

pytestmark = pytest.mark.browser
PASSWORD = "imports need an editor"


@pytest.fixture
def own_server(tmp_path):
    """A server on a store of its own, with an editor: this test writes to it."""
    store = open_store(str(tmp_path / "store.gpkg"))
    Users(store).add("importer", "editor", PASSWORD)
    store.close()
    server = start_app(tmp_path, {"POSTURE_STORE": str(tmp_path / "store.gpkg")})
    yield server
    stop_app(server)


def _import(page, path, layer: str) -> None:
    sidebar = page.locator("[data-testid=stSidebar]")
    if not sidebar.get_by_text("Signed in as importer").is_visible():
        sign_in(page, "importer", PASSWORD)
    expander = sidebar.get_by_text("Import a report", exact=True)
    form = sidebar.locator("[data-testid=stForm]")
    if not form.is_visible():
        expander.click()
    form.locator("input[type=file]").set_input_files(str(path))
    form.get_by_label("Layer", exact=True).fill(layer)
    form.get_by_label("Key column", exact=True).fill("key")
    form.get_by_role("button", name="Import").click()
    wait_idle(page)


def test_a_reader_gets_no_import_form(page, own_server, offline):
    open_dashboard(page, own_server)
    sidebar = page.locator("[data-testid=stSidebar]")
    sidebar.get_by_text("Sign in to edit", exact=True).wait_for()
    assert sidebar.get_by_text("Import a report", exact=True).count() == 0
    assert offline.attempted == []


def test_an_upload_is_imported_drawn_and_reported(page, own_server, tmp_path, offline):
    open_dashboard(page, own_server, "?as_of=2024-12-31")
    good = write_csv(tmp_path / "posts.csv", HEADER, GOOD_ROWS)
    _import(page, good, "posts")
    sidebar = page.locator("[data-testid=stSidebar]")
    sidebar.get_by_text("Imported: 3 new, 0 changed, 0 unchanged, 0 retracted, 0 rejected"
                        ).wait_for(timeout=30_000)
    assert sidebar.get_by_role("switch", name="posts", exact=True).is_checked()
    frame = open_dashboard(page, own_server, "?as_of=2024-12-31")
    assert {"posts.r1", "posts.r2", "posts.r3"} <= feature_ids(frame)
    page.screenshot(path=str(tmp_path / "imported.png"))

    bad = write_csv(tmp_path / "bad.csv", HEADER,
                    [["r9", "Nowhere", 41.0, 95.0, "2024-12-06", "media", "Rudaw", ""]])
    _import(page, bad, "posts")
    sidebar.get_by_text("Nothing imported: 0 new, 0 changed, 0 unchanged, 0 retracted, "
                        "1 rejected", exact=False).wait_for(timeout=30_000)
    table = sidebar.locator("[data-testid=stDataFrame]")
    table.wait_for()
    page.screenshot(path=str(tmp_path / "rejected.png"))
    assert "posts.r9" not in feature_ids(open_dashboard(page, own_server, "?as_of=2024-12-31"))
    assert offline.attempted == []

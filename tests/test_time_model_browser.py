"""The time model in Chromium (issue 23): an analyst's December 2024 file (a date, no
valid_from) is drawn on none of its days' eve: not in 2019, not the day before; and
"Compare with an earlier date" from 2024-12-01 to 2024-12-08 lists every row as
appeared, in the sidebar and in the page's "What changed" section."""

from __future__ import annotations

import pytest

from imports.run import ImportOptions, import_file
from store import open_store
from store.seed import seed
from tests.browser_helpers import feature_ids, open_dashboard, wait_idle
from tests.conftest import start_app, stop_app

pytestmark = pytest.mark.browser

ROWS = (("Patrol near Al-Qaim", 41.10, 34.37, "2024-12-03", "Shafaq News"),
        ("Checkpoint at Rabia", 42.10, 36.80, "2024-12-05", "Rudaw"),
        ("Convoy at Al-Bukamal", 40.93, 34.45, "2024-12-07", "Enab Baladi"))


@pytest.fixture
def server(tmp_path):
    """A server on a store holding the seed and the analyst's file, in layer 'december'."""
    location = str(tmp_path / "store.gpkg")
    report = tmp_path / "december.csv"
    report.write_text("name,lon,lat,date,source,confidence\n" + "".join(
        f"{name},{lon},{lat},{day},{source},media\n" for name, lon, lat, day, source in ROWS),
        encoding="utf-8")
    store = open_store(location)
    seed(store)
    outcome = import_file(report, ImportOptions(layer="december", recorded_by="analyst"), store)
    assert outcome.result.new == len(ROWS), outcome.summary()
    ids = {c.feature_id for c in store.current() if c.record.layer == "december"}
    store.close()
    started = start_app(tmp_path, {"POSTURE_STORE": location})
    started.ids = ids
    yield started
    stop_app(started)


def test_a_file_without_valid_from_is_drawn_from_its_dates_only(page, server, offline):
    # A positive control first: on 8 December every row is drawn.
    assert server.ids <= feature_ids(open_dashboard(page, server, "?as_of=2024-12-08"))
    assert feature_ids(open_dashboard(page, server, "?as_of=2019-06-01")) & server.ids == set()
    # The day before the first row's date, none; on the 5th, the first two.
    assert feature_ids(open_dashboard(page, server, "?as_of=2024-12-02")) & server.ids == set()
    on_fifth = feature_ids(open_dashboard(page, server, "?as_of=2024-12-05")) & server.ids
    assert len(on_fifth) == 2
    assert offline.attempted == []


def test_compare_lists_every_row_as_appeared(page, server, offline):
    open_dashboard(page, server, "?as_of=2024-12-08&since=2024-12-01")
    names = [name for name, *_ in ROWS]
    sidebar = page.locator("[data-testid=stSidebar]")
    appeared = sidebar.locator("p").filter(has_text="Appeared")
    appeared.first.wait_for()
    text = appeared.first.inner_text()
    assert all(name in text for name in names), text
    # The page's section reads the same date, and says who recorded each and on whose word.
    section = page.locator("[data-testid=stExpander]").filter(has_text="What changed")
    section.get_by_text("What changed", exact=True).click()
    wait_idle(page)
    listed = section.locator("li").all_inner_texts()
    for name, *_, source in ROWS:
        line = next((li for li in listed if li.startswith(name)), None)
        assert line is not None, listed
        assert "Recorded by analyst" in line
        assert source in line
    section.screenshot(path=str(server.log_path.parent / "what-changed.png"))
    assert offline.attempted == []

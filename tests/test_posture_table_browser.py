"""Choosing a row of the posture table centres the map on that force and opens its card."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.browser_helpers import map_frame, open_dashboard, wait_idle

pytestmark = pytest.mark.browser
HAMA = (35.13, 36.75)  # shared/FACTS.md places: Hama, lat and lon
ROW_PX = 35  # Streamlit's data grid: header and rows


def test_choosing_a_row_centres_the_map_and_opens_the_card(page, app_server, offline):
    from geo.posture import posture_rows
    from layers.catalogue import catalogue, features_of

    open_dashboard(page, app_server, "?as_of=2024-12-02")
    # The row's place in the table as the page builds it: default layers, in their order.
    features = [p for e in catalogue() if e.default_on for p in features_of(e)]
    rows = posture_rows(features, dt.date(2024, 12, 2), 12)
    index = [r.feature_id for r in rows].index("hama-front")
    grid = page.locator("[data-testid=stDataFrame]")
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 16, box["y"] + ROW_PX * (index + 1) + ROW_PX / 2)
    frame = map_frame(page)
    frame.wait_for_function(
        "([lat, lon]) => Math.abs(map_div.getCenter().lat - lat) < 0.01"
        " && Math.abs(map_div.getCenter().lng - lon) < 0.01", arg=list(HAMA), timeout=30_000)
    wait_idle(page)
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=30_000)
    assert "Hama front" in popup.inner_text()
    assert frame.evaluate("() => map_div.getZoom()") == 8
    assert offline.attempted == []

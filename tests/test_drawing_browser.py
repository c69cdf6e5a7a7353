"""Drawing on an editor's map in Chromium (issue 12): a line drawn with Leaflet.draw's
tools becomes the new claim's place and is saved; the drawn shape is reshaped and
deleted before saving, and the form follows; the tools speak the page's language."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser_helpers import map_frame, open_dashboard, pick_option, sign_in, wait_idle
from tests.test_editing_browser import MAP, PASSWORD, _fill, _panel, server

pytestmark = pytest.mark.browser
__all__ = ["server"]  # the fixture, shared with the editing tests


def _draw_line(page) -> None:
    """Two vertices across the western desert, away from every feature, then Finish."""
    frame_locator = page.frame_locator(MAP)
    tool = frame_locator.locator(".leaflet-draw-draw-polyline")
    tool.wait_for()
    wait_idle(page)
    page.locator(MAP).scroll_into_view_if_needed()
    tool.click()
    box = page.locator(MAP).bounding_box()
    for fraction in (0.40, 0.50):
        # As a hand does it: Leaflet.draw takes a vertex from a press and a release.
        page.mouse.move(box["x"] + box["width"] * fraction, box["y"] + box["height"] * 0.85)
        page.mouse.down()
        page.wait_for_timeout(100)
        page.mouse.up()
        page.wait_for_timeout(300)
    frame_locator.get_by_role("link", name="Finish").click()


def test_an_editor_draws_a_line_with_the_maps_tools(page, server, offline):
    open_dashboard(page, server, "?as_of=2024-12-31")
    sign_in(page, "alice", PASSWORD)
    # Leaflet.draw, served by the app (the offline guard fails any CDN request).
    _draw_line(page)
    form = _panel(page).locator("[data-testid=stForm]").filter(
        has=page.get_by_role("button", name="Save the claim"))
    wkt = form.get_by_label("Line or area (WKT)", exact=True)
    two_points = r"^LINESTRING \(\d\d\.\d+ \d\d\.\d+, \d\d\.\d+ \d\d\.\d+\)$"
    expect(wkt).to_have_value(re.compile(two_points), timeout=30_000)
    wait_idle(page)
    pick_option(page, _panel(page), "Layer", "Force levels", "Force levels: troop counts")
    _fill(form, {"Name (English)": "Supply route", "As of (the date the report describes)":
                 "2024-12-01", "Reported on": "2024-12-02", "Source: who (English)": "Rudaw"})
    pick_option(page, form, "Confidence", "reported by media", "reported by media")
    form.get_by_role("button", name="Save the claim").click()
    wait_idle(page)
    page.get_by_text("Saved: force-levels.supply-route-").wait_for()
    map_frame(page).wait_for_function(
        "() => !!document.querySelector('path[class*=\"feature-force-levels.supply-route-\"]')",
        timeout=30_000)
    page.locator(MAP).scroll_into_view_if_needed()
    page.screenshot(path=str(server.log_path.parent / "drawn.png"))
    assert offline.attempted == []


def test_an_editor_reshapes_then_deletes_a_drawn_line_before_saving(page, server, offline):
    """Leaflet.draw's "Edit layers" and "Delete layers" act on the shape just drawn: a
    vertex dragged moves the form's line with it; the shape deleted empties the place."""
    open_dashboard(page, server, "?as_of=2024-12-31")
    sign_in(page, "alice", PASSWORD)
    frame_locator = page.frame_locator(MAP)
    _draw_line(page)
    form = _panel(page).locator("[data-testid=stForm]").filter(
        has=page.get_by_role("button", name="Save the claim"))
    wkt = form.get_by_label("Line or area (WKT)", exact=True)
    line = re.compile(r"^LINESTRING \((\d\d\.\d+) (\d\d\.\d+), (\d\d\.\d+) (\d\d\.\d+)\)$")
    expect(wkt).to_have_value(line, timeout=30_000)
    wait_idle(page)
    drawn = [float(v) for v in line.match(wkt.input_value()).groups()]

    # A second line replaces the first on the map, as in the form: one shape at a time.
    _draw_line(page)
    wait_idle(page)
    assert map_frame(page).evaluate("() => window.drawnItems.getLayers().length") == 1
    expect(wkt).to_have_value(line)

    # Edit layers: the second vertex dragged 60 px up moves the line's end north.
    frame_locator.locator(".leaflet-draw-edit-edit").click()
    frame_locator.locator(".leaflet-editing-icon").first.wait_for()
    # The line's last vertex, where its handle sits (the handles between vertices add one).
    end = map_frame(page).evaluate("""() => { const l = window.drawnItems.getLayers()[0];
        const ll = l.getLatLngs(); const p = l._map.latLngToContainerPoint(ll[ll.length - 1]);
        return [p.x, p.y]; }""")
    box = page.locator(MAP).bounding_box()  # the form above may have grown meanwhile
    x, y = box["x"] + end[0], box["y"] + end[1]
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x, y - 60, steps=6)
    page.mouse.up()
    page.screenshot(path=str(server.log_path.parent / "reshaping.png"))
    frame_locator.locator(".leaflet-draw-actions").get_by_role("link", name="Save").click()
    expect(wkt).not_to_have_value(wkt.input_value(), timeout=30_000)
    moved = [float(v) for v in line.match(wkt.input_value()).groups()]
    assert moved[0:2] == pytest.approx(drawn[0:2], abs=1e-4)  # the first vertex stays
    assert moved[3] > drawn[3] + 0.1  # the second went north (60 px at zoom 6: ~0.6 deg)
    wait_idle(page)

    # Delete layers: the shape clicked and the deletion saved; the form has no place.
    frame_locator.locator(".leaflet-draw-edit-remove").click()
    # Clicked halfway along the line, on its stroke.
    shape = map_frame(page).evaluate("""() => { const l = window.drawnItems.getLayers()[0];
        const [a, b] = l.getLatLngs().map((ll) => l._map.latLngToContainerPoint(ll));
        return [(a.x + b.x) / 2, (a.y + b.y) / 2]; }""")
    box = page.locator(MAP).bounding_box()
    page.mouse.click(box["x"] + shape[0], box["y"] + shape[1])
    frame_locator.locator(".leaflet-draw-actions").get_by_role("link", name="Save").click()
    expect(wkt).to_have_value("", timeout=30_000)
    assert map_frame(page).evaluate("() => window.drawnItems.getLayers().length") == 0
    assert offline.attempted == []


def test_the_drawing_tools_speak_the_pages_language(page, server, offline):
    open_dashboard(page, server, "?as_of=2024-12-31")
    sign_in(page, "alice", PASSWORD)
    frame_locator = page.frame_locator(MAP)
    # Our words, not Leaflet.draw's own ("Draw a polyline", "Edit layers").
    expect(frame_locator.locator(".leaflet-draw-draw-polyline")).to_have_attribute(
        "title", "Draw a line")
    expect(frame_locator.locator(".leaflet-draw-draw-marker")).to_have_attribute(
        "title", "Place a point")
    page.locator("[data-testid=stSidebar]").get_by_text("العربية", exact=True).click()
    wait_idle(page)
    # The map shown: after a change of language Streamlit may keep the previous map's
    # iframe in the page for a while, hidden (no width), which no reader sees.
    shown = page.frame_locator(f"{MAP} >> visible=true")
    expect(shown.locator(".leaflet-draw-draw-polyline")).to_have_attribute(
        "title", "رسم خط", timeout=30_000)
    expect(shown.locator(".leaflet-draw-edit-edit")).to_have_attribute(
        "title", "لا شيء مرسوم لتعديله")  # nothing drawn yet: the disabled button's words
    shown.locator(".leaflet-draw-draw-polyline").click()
    expect(shown.locator(".leaflet-draw-tooltip")).to_contain_text("انقر لبدء رسم الخط.")
    expect(shown.locator(".leaflet-draw-actions").first).to_contain_text("إلغاء")
    page.screenshot(path=str(server.log_path.parent / "draw-ar.png"))
    assert offline.attempted == []

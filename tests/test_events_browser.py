"""An event layer of 100,000 events in Chromium (issue 13): it draws; the window, the
type filter and a dragged histogram change what is drawn, counted in the canvas layer's
own selection and checked against the CSV read here with the csv module; events without
a place are counted, not drawn; a click opens the right event's card; hostile notes
stay text; nothing leaves the machine."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from imports.run import ImportOptions, import_file
from scripts.make_acled_csv import ACLED_HEADER, write_acled_csv
from store import open_store
from store.seed import seed
from tests.browser_helpers import MAP_IFRAME, map_frame, open_dashboard, wait_idle
from tests.conftest import start_app, stop_app

pytestmark = pytest.mark.browser

EVENTS = 100_000
AS_OF = dt.date(2024, 6, 30)
HOSTILE = "<img src=x onerror=alert(1)>`${alert(2)}`</script>"
# Far from the generated events' box (lon 36-45.5, lat 31-37): no neighbour near it.
HOSTILE_ROW = {"event_id_cnty": "IRQ999999", "event_date": "2024-06-20", "time_precision": "1",
               "event_type": "Battles", "sub_event_type": "Armed clash",
               "actor1": HOSTILE, "actor2": "", "latitude": "30.5000",
               "longitude": "47.8000", "geo_precision": "1", "source": "Rudaw",
               "notes": HOSTILE, "fatalities": "1", "location": "Basra",
               "timestamp": "1718900000"}
# Three events whose source gives no place: counted in the window, never drawn.
UNPLACED_ROWS = [dict(HOSTILE_ROW, event_id_cnty=f"SYR88888{i}", event_date="2024-06-25",
                      event_type=kind, actor1="HTS", notes="Place not given.", latitude="",
                      longitude="") for i, kind in enumerate(("Battles", "Battles", "Protests"))]


@pytest.fixture(scope="module")
def events_csv(tmp_path_factory):
    """The 100,000 generated events, and the hand-made rows in a second file (an import
    takes at most 100,000 rows a file); every row of both."""
    folder = tmp_path_factory.mktemp("events")
    path = write_acled_csv(folder / "acled.csv", EVENTS)
    extra = folder / "acled-more.csv"
    with extra.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, ACLED_HEADER, restval="")
        writer.writeheader()
        writer.writerows([HOSTILE_ROW, *UNPLACED_ROWS])
    rows = []
    for file in (path, extra):
        with file.open(encoding="utf-8") as f:
            rows.extend(csv.DictReader(f))
    return (path, extra), rows


@pytest.fixture(scope="module")
def server(events_csv, tmp_path_factory, browser):
    folder = tmp_path_factory.mktemp("events-server")
    location = str(folder / "store.gpkg")
    store = open_store(location)
    seed(store)
    new = sum(import_file(path, ImportOptions(recorded_by="analyst"), store).result.new
              for path in events_csv[0])
    assert new == EVENTS + 4
    store.close()
    started = start_app(folder, {"POSTURE_STORE": location}, timeout_s=120)
    # The first page of a 100,000-claim store reads and checks every claim once (the
    # start-up warm-up has begun it); the tests start on the warm server.
    context = browser.new_context()
    try:
        first = context.new_page()
        first.goto(started.url)
        first.frame_locator(MAP_IFRAME).locator("path.leaflet-interactive").first.wait_for(
            state="attached", timeout=300_000)
    finally:
        context.close()
    yield started
    stop_app(started)


def expected(rows, to: dt.date, days: int, types: set[str] | None = None) -> int:
    start = (to - dt.timedelta(days=days - 1)).isoformat()
    return sum(1 for r in rows if start <= r["event_date"] <= to.isoformat()
               and (types is None or r["event_type"] in types))


def stats(frame) -> dict:
    frame.wait_for_function("() => window.postureEvents && window.postureEvents.stats()"
                            ".length > 0 && window.postureEvents.stats()[0].loaded",
                            timeout=60_000)
    (only,) = frame.evaluate("() => window.postureEvents.stats()")
    return only


def wait_count(frame, count: int) -> dict:
    frame.wait_for_function(f"() => window.postureEvents.stats()[0].inWindow === {count}",
                            timeout=30_000)
    return stats(frame)


def test_the_event_layer_draws_filters_drags_and_opens_cards(page, server, events_csv,
                                                             offline):
    rows = events_csv[1]
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    frame = open_dashboard(page, server, f"?as_of={AS_OF}")
    drawn = stats(frame)
    assert drawn["total"] == EVENTS + 4
    assert drawn["error"] is None
    thirty = expected(rows, AS_OF, 30)
    assert 3_000 < thirty < 5_500  # ~137 a day in the generated file
    drawn = wait_count(frame, thirty)
    assert drawn["mode"] == "density"  # the default view is zoomed out
    in_window = [r for r in rows if "2024-06-01" <= r["event_date"] <= "2024-06-30"]
    assert drawn["precision3"] == sum(1 for r in in_window if r["geo_precision"] == "3"
                                      and r["longitude"])
    # The three without a place: in the window's count, off the canvas, and said so.
    assert (drawn["unplaced"], drawn["drawn"]) == (3, thirty - 3)
    assert "3 of them have no coordinates" in frame.locator(
        ".posture-histogram-caption").inner_text()
    assert "events_days=30" in page.url
    legend = page.locator("[data-testid=stSidebar]").get_by_text(
        f"{thirty:,} in the window", exact=False)
    legend.wait_for()
    assert page.locator("[data-testid=stSidebar]").get_by_text(
        "Without coordinates: 3 events in the window", exact=False).count() == 1
    page.screenshot(path=str(server.log_path.parent / "events-density.png"))

    # A shorter window, typed in the sidebar: the map draws its days only.
    sidebar = page.locator("[data-testid=stSidebar]")
    days = sidebar.get_by_label("Days in the window", exact=True)
    days.fill("7")
    days.press("Enter")
    wait_idle(page)
    wait_count(frame, expected(rows, AS_OF, 7))
    assert "events_days=7" in page.url

    # One event type: the map and the histogram's caption count only it.
    types = sidebar.get_by_label("Event types", exact=True)
    types.click()
    types.press_sequentially("Battles")
    page.get_by_role("option", name="Battles", exact=True).wait_for()
    types.press("Enter")
    page.keyboard.press("Escape")
    wait_idle(page)
    battles = expected(rows, AS_OF, 7, {"Battles"})
    assert battles < expected(rows, AS_OF, 7)
    wait_count(frame, battles)
    caption = frame.locator(".posture-histogram-caption")
    assert caption.inner_text().startswith(f"{battles:,} events in the window: 7 days")

    # Dragging the histogram's window left moves it back in time: the map follows at
    # once, and the sidebar's "Events up to" takes the new end (so the URL does).
    histogram = frame.locator(".posture-histogram canvas")
    box = histogram.bounding_box()
    x, y = box["x"] + box["width"] * 0.95, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - box["width"] * 0.2, y, steps=8)
    page.mouse.up()
    new_to = dt.date(1970, 1, 1) + dt.timedelta(
        days=frame.evaluate("() => window.postureEvents.filter().to"))
    assert new_to < AS_OF - dt.timedelta(days=60)
    wait_count(frame, expected(rows, new_to, 7, {"Battles"}))
    up_to = sidebar.get_by_label("Events up to (YYYY-MM-DD)", exact=True)
    page.wait_for_function("(el) => el.value !== ''", arg=up_to.element_handle(),
                           timeout=30_000)
    wait_idle(page)
    assert up_to.input_value() == new_to.isoformat()
    assert f"events_to={new_to}" in page.url
    wait_count(frame, expected(rows, new_to, 7, {"Battles"}))

    # The hostile event, clicked where it is drawn: its own card, its notes as text.
    up_to.fill(HOSTILE_ROW["event_date"])
    up_to.press("Enter")
    wait_idle(page)
    wait_count(frame, expected(rows, dt.date(2024, 6, 20), 7, {"Battles"}))
    frame.evaluate("""() => { for (const k in window) {
        if (k.startsWith('map_') && window[k] && window[k].setView) {
          window[k].setView([30.5, 47.8], 12, {animate: false}); return; } } }""")
    frame.wait_for_function("() => window.postureEvents.stats()[0].mode === 'points'")
    point = frame.evaluate("""() => { for (const k in window) {
        if (k.startsWith('map_') && window[k] && window[k].setView) {
          const p = window[k].latLngToContainerPoint([30.5, 47.8]); return [p.x, p.y]; } } }""")
    iframe = page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()
    page.mouse.click(iframe["x"] + point[0], iframe["y"] + point[1])
    card = frame.locator(".posture-event-card")
    card.wait_for(timeout=15_000)
    assert card.get_attribute("data-event-id") == "acled.IRQ999999"
    text = card.inner_text()
    assert HOSTILE in text  # the notes, shown as the characters they are
    assert card.locator("img").count() == 0
    assert dialogs == []
    page.screenshot(path=str(server.log_path.parent / "events-card.png"))
    assert offline.attempted == []


def test_a_click_opens_the_card_of_the_event_drawn_there(page, server, events_csv, offline):
    rows = events_csv[1]
    frame = open_dashboard(page, server, f"?as_of={AS_OF}&events_days=1")
    wait_count(frame, expected(rows, AS_OF, 1))
    # One event of the day, from the CSV: at zoom 12 the day's ~140 others are far away.
    row = next(r for r in rows if r["event_date"] == AS_OF.isoformat())
    lat, lon = float(row["latitude"]), float(row["longitude"])
    frame.evaluate(f"""() => {{ for (const k in window) {{
        if (k.startsWith('map_') && window[k] && window[k].setView) {{
          window[k].setView([{lat}, {lon}], 12, {{animate: false}}); return; }} }} }}""")
    frame.wait_for_function("() => window.postureEvents.stats()[0].mode === 'points'")
    box = page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()
    size = map_frame(page).evaluate("() => [window.innerWidth, window.innerHeight]")
    # setView centres the event: hovering at the map's centre, 3 px off, names it, and a
    # click there opens its card.
    x, y = box["x"] + size[0] / 2 + 3, box["y"] + size[1] / 2 - 2
    page.mouse.move(x - 40, y)
    page.mouse.move(x, y)
    hover = frame.locator(".posture-event-hover")
    hover.wait_for(timeout=15_000)
    named = hover.inner_text()
    assert f"{row['event_date']} · {row['event_type']}" in named
    assert f"Source: {row['source']}, via ACLED" in named
    page.mouse.click(x, y)
    card = frame.locator(".posture-event-card")
    card.wait_for(timeout=15_000)
    assert card.get_attribute("data-event-id") == "acled." + row["event_id_cnty"]
    text = card.inner_text()
    assert row["notes"] in text
    assert row["source"] in text
    assert offline.attempted == []

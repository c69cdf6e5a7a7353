"""Event layers in exports (issue 13), through posture-export: data files hold every event
in the view and the window and import back unchanged; a printed map draws hexagons or
dots and its legend counts them; the HTML file carries the window's events and works
from disk with nothing fetched. Expected counts come from the CSV, read with csv."""

from __future__ import annotations

import csv
import os
import subprocess

import pytest
from lxml import etree

from exports.view import DEFAULT_BBOX
from imports.run import ImportOptions, import_file
from scripts.make_acled_csv import ACLED_HEADER, write_acled_csv
from store import open_store
from store.seed import seed
from tests.conftest import ROOT

EXPORT = ROOT / ".venv" / "bin" / "posture-export"
IMPORT = ROOT / ".venv" / "bin" / "posture-import"
AS_OF = "2024-06-30"
HOSTILE = "<img src=x onerror=alert(1)>`${alert(2)}`</script>"
HOSTILE_ROW = {"event_id_cnty": "IRQ777777", "event_date": "2024-06-29", "time_precision": "1",
               "event_type": "Battles", "sub_event_type": "Armed clash", "actor1": HOSTILE,
               "latitude": "33.3000", "longitude": "44.4000", "geo_precision": "1",
               "source": "Rudaw", "notes": HOSTILE, "fatalities": "2", "location": "Baghdad",
               "timestamp": "1719700000"}
# Two events whose source gives no place: in the window, in no view, never drawn.
UNPLACED_ROWS = [dict(HOSTILE_ROW, event_id_cnty=f"SYR77778{i}", event_date=day, actor1="HTS",
                      event_type=kind, latitude="", longitude="", notes="Place not given.")
                 for i, (day, kind) in enumerate((("2024-06-27", "Battles"),
                                                  ("2024-06-28", "Protests")))]


@pytest.fixture(scope="module")
def events(tmp_path_factory):
    """A store of the seed and 3,003 ACLED events (two without a place), and the CSV's
    rows."""
    folder = tmp_path_factory.mktemp("events-exports")
    path = write_acled_csv(folder / "acled.csv", 3_000, seed=11)
    with path.open("a", encoding="utf-8", newline="") as f:
        csv.DictWriter(f, ACLED_HEADER, restval="").writerows([HOSTILE_ROW, *UNPLACED_ROWS])
    location = str(folder / "store.gpkg")
    store = open_store(location)
    seed(store)
    assert import_file(path, ImportOptions(recorded_by="analyst"), store).result.new == 3_003
    store.close()
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return location, rows


def export(location: str, out, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([EXPORT, "--out", str(out), "--as-of", AS_OF, *args],
                          env={**os.environ, "POSTURE_STORE": location}, capture_output=True,
                          text=True, check=True)


def in_window(rows, first: str, last: str, types: set[str] | None = None,
              bbox: tuple[float, float, float, float] | None = DEFAULT_BBOX) -> list[dict]:
    west, south, east, north = bbox or (-180, -90, 180, 90)
    return [r for r in rows if first <= r["event_date"] <= last
            and (types is None or r["event_type"] in types)
            and (not r["longitude"]  # no place: in every view's window, drawn in none
                 or (west <= float(r["longitude"]) <= east
                 and south <= float(r["latitude"]) <= north))]


def test_a_data_export_holds_every_event_in_view_and_window(events, tmp_path):
    location, rows = events
    out = tmp_path / "events.csv"
    export(location, out, "--format", "csv", "--layers", "acled", "--events-days", "7",
           "--event-types", "Battles|Protests")
    written = list(csv.DictReader(out.open(encoding="utf-8")))
    wanted = in_window(rows, "2024-06-24", AS_OF, {"Battles", "Protests"})
    assert sorted(r["id"] for r in written) == sorted("acled." + r["event_id_cnty"]
                                                      for r in wanted)
    by_id = {r["id"]: r for r in written}
    for row in wanted[:50]:
        got = by_id["acled." + row["event_id_cnty"]]
        assert (got["event_type"], got["event_sub_type"], got["event_actor1"],
                got["event_actor2"], got["event_fatalities"], got["event_geo_precision"]) == (
            row["event_type"], row["sub_event_type"], row["actor1"], row["actor2"],
            row["fatalities"], row["geo_precision"])
    # The events without a place are written with an empty geometry, not a made-up one.
    assert [(by_id["acled." + r["event_id_cnty"]]["wkt"], by_id["acled." + r["event_id_cnty"]][
        "geometry_note"]) for r in UNPLACED_ROWS] == [
        ("", "No coordinates given: not placed on the map.")] * 2


@pytest.mark.parametrize("fmt", ["csv", "geojson"])
def test_an_export_of_events_imports_back_unchanged(events, tmp_path, fmt):
    location, rows = events
    out = tmp_path / f"events.{fmt}"
    export(location, out, "--format", fmt, "--layers", "acled", "--events-days", "30")
    count = len(in_window(rows, "2024-06-01", AS_OF))
    result = subprocess.run([IMPORT, str(out)], capture_output=True, text=True,
                            env={**os.environ, "POSTURE_STORE": location,
                                 "POSTURE_USER": "analyst"})
    assert (result.returncode, result.stdout.strip()) == (
        0, f"0 new, 0 changed, {count} unchanged, 0 retracted, 0 rejected"), result.stderr


def _svg_text(path) -> str:
    tree = etree.parse(str(path))
    return " ".join(" ".join(t.itertext()) for t in tree.iter("{http://www.w3.org/2000/svg}text"))


def test_a_printed_map_draws_hexagons_for_many_events_and_counts_them(events, tmp_path):
    location, rows = events
    out = tmp_path / "map.svg"
    # Two years of events: more than EVENT_POINTS_MAX in view, so hexagons.
    export(location, out, "--format", "svg", "--layers", "acled,border", "--events-days",
           "730")
    count = len(in_window(rows, "2022-07-01", AS_OF))  # 730 days to 2024-06-30
    assert count > 2_000
    text = _svg_text(out)
    assert f"acled: {count:,} events, 730 days to {AS_OF}" in text
    assert "hexagons: darker for more events" in text
    assert "Battles" not in text  # no per-type dots: the hexagons stand for them


def test_a_printed_map_draws_few_events_as_dots_by_type(events, tmp_path):
    location, rows = events
    out = tmp_path / "map.svg"
    export(location, out, "--format", "svg", "--layers", "acled,border", "--events-days", "7")
    wanted = in_window(rows, "2024-06-24", AS_OF)
    text = _svg_text(out)
    assert f"acled: {len(wanted):,} events, 7 days to {AS_OF}" in text
    assert "hexagons" not in text
    for event_type in {r["event_type"] for r in wanted}:
        assert event_type in text
    rings = sum(1 for r in wanted if r["geo_precision"] == "3" and r["longitude"])
    assert f"ring: placed at a province's capital ({rings})" in text
    assert "not drawn: 2 without coordinates" in text
    assert HOSTILE not in text  # names are not printed beside thousands of dots


@pytest.mark.browser
def test_the_html_export_carries_the_window_and_works_from_disk(events, tmp_path, page):
    location, rows = events
    out = tmp_path / "map.html"
    export(location, out, "--format", "html", "--layers", "acled,border", "--events-days",
           "30")
    fetched: list[str] = []
    page.route("**/*", lambda route: route.continue_()
               if route.request.url.startswith(("file:", "data:"))
               else (fetched.append(route.request.url), route.abort()))
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(out.as_uri())
    page.wait_for_function("() => window.postureEvents && window.postureEvents.stats()"
                           ".length && window.postureEvents.stats()[0].loaded", timeout=30_000)
    (drawn,) = page.evaluate("() => window.postureEvents.stats()")
    # Every event of the window, in the view or not: the reader may pan.
    assert drawn["total"] == drawn["inWindow"] == len(in_window(rows, "2024-06-01", AS_OF,
                                                                bbox=None))
    # The two without a place are in the window's count, and not on the canvas.
    assert (drawn["unplaced"], drawn["drawn"]) == (2, drawn["inWindow"] - 2)
    caption = page.locator(".posture-histogram-caption").inner_text()
    assert "2 of them have no coordinates in their source and are not drawn." in caption
    # The hostile event, found among the window's cards, then its card opened.
    hostile = page.evaluate("""async (total) => {
      for (let i = 0; i < total; i++) {
        const card = await window.postureEvents.cardOf('acled', i);
        if (card.id === 'acled.IRQ777777') return i;
      }
      return null; }""", drawn["total"])
    assert hostile is not None
    page.evaluate("(i) => window.postureEvents.openCard('acled', i)", hostile)
    card = page.locator(".posture-event-card")
    card.wait_for()
    assert card.get_attribute("data-event-id") == "acled.IRQ777777"
    assert HOSTILE in card.inner_text()
    assert card.locator("img").count() == 0
    assert dialogs == []
    assert fetched == []

"""Events without coordinates (issue 13, "bad data"): an event row whose source gives no
place is imported, kept and counted as unplaced, never put at 0,0 or at a centroid.
Its claim has no geometry; the event file carries it with NaN coordinates; the legend
and the import's notices count it; a half-given place, or a row that is not an event,
is still refused by name."""

from __future__ import annotations

import csv
import datetime as dt
import math

import pytest

from imports.run import ImportOptions, import_file
from layers.event_data import event_columns, write_event_files
from layers.event_layer import EventWindow
from tests.test_events import HAND_ROWS, _read, _write

# The note an unplaced event carries, as the product promises it (written by hand).
NOTE_EN = "No coordinates given: not placed on the map."
UNPLACED_ROW = dict(HAND_ROWS[0], event_id_cnty="IRQ9004", event_date="2024-12-04",
                    latitude="", longitude="", notes="Somewhere in Anbar.")


def test_an_event_without_coordinates_is_imported_unplaced_and_counted(store, tmp_path):
    path = _write(tmp_path / "acled.csv", [*HAND_ROWS, UNPLACED_ROW])
    outcome = import_file(path, ImportOptions(recorded_by="analyst"), store)
    assert (outcome.result.new, outcome.rejected, outcome.exit_status) == (4, 0, 0)
    assert any(n.startswith("1 event row(s) give no coordinates") for n in outcome.notices)
    stored = {c.feature_id: c.record for c in store.current()}
    record = stored["acled.IRQ9004"]
    assert (record.geometry, record.geometry_ref) == (None, None)
    assert record.unplaced
    assert record.geometry_approximate
    # The ACLED precision note speaks of a place; an unplaced event says it has none.
    assert record.geometry_note == NOTE_EN
    assert record.event.type == "Battles"
    assert record.event.fatalities == 4
    assert not stored["acled.IRQ9001"].unplaced
    # Imported again: nothing new, nothing changed.
    again = import_file(path, ImportOptions(recorded_by="analyst"), store)
    assert (again.result.new, again.result.changed, again.result.unchanged) == (0, 0, 4)


@pytest.mark.parametrize(("changes", "field"), [
    ({"latitude": ""}, "lat"),
    ({"longitude": ""}, "lon"),
])
def test_an_event_with_half_a_place_is_refused_by_name(store, tmp_path, changes, field):
    path = _write(tmp_path / "acled.csv", [HAND_ROWS[0], {**UNPLACED_ROW, "latitude": "34.1",
                                                             "longitude": "41.2", **changes}])
    outcome = import_file(path, ImportOptions(recorded_by="analyst"), store)
    assert not outcome.written
    assert [(p.row, p.field) for p in outcome.problems] == [(3, field)]
    assert "a place needs both lon and lat" in outcome.problems[0].reason


def test_a_row_that_is_not_an_event_still_needs_a_place(store, tmp_path):
    path = tmp_path / "posts.csv"
    path.write_text("id,name_en,lon,lat,as_of,confidence,source\n"
                    "p1,Post one,41.1,34.4,2024-12-01,media,Reuters\n"
                    "p2,Post two,,,2024-12-01,media,Reuters\n", encoding="utf-8")
    outcome = import_file(path, ImportOptions(layer="posts", recorded_by="analyst"), store)
    assert not outcome.written
    assert [(p.row, p.field) for p in outcome.problems] == [(3, "geometry")]
    assert "no place" in outcome.problems[0].reason


def test_the_event_file_holds_an_unplaced_event_with_no_coordinates(tmp_path):
    from geo.claims import validated
    from geo.features import place
    from imports.columns import column_map
    from imports.read import read_table
    from imports.rows import RowDefaults, row_record

    path = _write(tmp_path / "acled.csv", [*HAND_ROWS, UNPLACED_ROW])
    table = read_table(path)
    defaults = RowDefaults("acled.csv", "acled", None, "event_id_cnty")
    records = [validated(row_record(table.row(i), None, column_map(table.columns), defaults,
                                    False)) for i in range(len(table))]
    events = event_columns(place(tuple(records)), "en")
    url = write_event_files(events, "acled", "en", tmp_path / "out", "/static")
    header, columns = _read(tmp_path / "out" / url.rsplit("/", 1)[1])
    assert header["count"] == 4
    # By day: 12-03, 12-04 (the unplaced one), 12-05, 12-08.
    epoch = dt.date.fromisoformat(header["epoch"])
    assert [(epoch + dt.timedelta(days=int(d))).isoformat() for d in columns["day"]] == [
        "2024-12-03", "2024-12-04", "2024-12-05", "2024-12-08"]
    assert math.isnan(columns["lon"][1])
    assert math.isnan(columns["lat"][1])
    assert not any(math.isnan(v) for i, v in enumerate(columns["lon"]) if i != 1)
    assert header["labels"]["unplaced"] == ("{count} of them have no coordinates in their "
                                            "source and are not drawn.")


def test_the_legend_counts_the_windows_unplaced_events(store_location, tmp_path, monkeypatch):
    from tests.conftest import clear_data_caches

    monkeypatch.setenv("DATABASE_URL" if "://" in store_location else "POSTURE_STORE",
                       store_location)
    clear_data_caches()
    from layers.catalogue import layer
    from layers.event_legend import events_legend
    from store.features import shared_store

    import_file(_write(tmp_path / "acled.csv", [*HAND_ROWS, UNPLACED_ROW]),
                ImportOptions(recorded_by="a"), shared_store())
    clear_data_caches()
    try:
        acled = layer("acled")
        legend = events_legend([acled], EventWindow(dt.date(2024, 12, 8), 30), None, "en")
        assert "4 in the window" in legend
        assert "Without coordinates: 1 events in the window" in legend
        before = events_legend([acled], EventWindow(dt.date(2024, 12, 3), 30), None, "en")
        assert "1 in the window" in before
        assert "Without coordinates" not in before
        arabic = events_legend([acled], EventWindow(dt.date(2024, 12, 8), 30), None, "ar")
        assert "بلا إحداثيات: 1 حدثاً" in arabic
    finally:
        clear_data_caches()


def test_csv_rows_with_and_without_places_keep_their_order_in_the_report(store, tmp_path):
    """An unplaced row in a file large enough for the column-wise path (which proves only
    placed rows) goes through the row rules, and lands like the rest."""
    from scripts.make_acled_csv import write_acled_csv

    path = write_acled_csv(tmp_path / "acled.csv", 2_500, seed=5)
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for index in (10, 1_500):
        rows[index].update(latitude="", longitude="")
    _write(path, rows)
    outcome = import_file(path, ImportOptions(recorded_by="analyst"), store)
    assert (outcome.result.new, outcome.rejected) == (2_500, 0)
    unplaced = sorted(c.feature_id for c in store.current() if c.record.unplaced)
    assert unplaced == sorted("acled." + rows[i]["event_id_cnty"] for i in (10, 1_500))


def test_an_editor_can_place_an_unplaced_event_and_it_keeps_its_facts(store, tmp_path):
    from editing.form import claim_from_form, form_of
    from geo.claims import validated
    from geo.features import place

    import_file(_write(tmp_path / "acled.csv", [UNPLACED_ROW]),
                ImportOptions(recorded_by="analyst"), store)
    (record,) = (c.record for c in store.current() if c.feature_id == "acled.IRQ9004")
    (placed,) = place((record,))
    opened = form_of(placed)
    assert (opened.fields.get("lon"), opened.fields.get("lat")) == (None, None)
    # Saved as it is, it stays unplaced; given a place, it is placed there.
    unchanged = validated(claim_from_form(opened.fields, layer="acled", feature_id=record.id,
                                          carried=opened.carried))
    assert unchanged.unplaced
    assert unchanged.event == record.event
    fields = {**opened.fields, "lon": "41.4", "lat": "34.1",
              "geometry_note_en": "Placed from a later report."}
    moved = validated(claim_from_form(fields, layer="acled", feature_id=record.id,
                                      carried=opened.carried))
    assert moved.geometry == {"type": "Point", "coordinates": [41.4, 34.1]}
    assert not moved.unplaced
    assert moved.event == record.event
    # Placed without a word on where from: the note no longer says "no coordinates".
    placed_plainly = validated(claim_from_form({**opened.fields, "lon": "41.4", "lat": "34.1"},
                                               layer="acled", feature_id=record.id,
                                               carried=opened.carried))
    assert placed_plainly.geometry_note == "Placed on the map by an editor."


def test_a_file_that_places_an_unplaced_event_drops_its_no_coordinates_note(store, tmp_path):
    """An exported unplaced event, given coordinates in the file and imported back."""
    path = tmp_path / "placed.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "layer", "name_en", "as_of", "confidence", "source", "lon",
                         "lat", "event_type", "geometry_note", "geometry_note_ar"])
        writer.writerow(["e1", "clashes", "Clash", "2024-12-04", "media", "Rudaw", "41.4",
                         "34.1", "Battles", NOTE_EN, "لم تُذكر إحداثيات: لم يوضع على الخريطة."])
    outcome = import_file(path, ImportOptions(layer="clashes", recorded_by="analyst"), store)
    assert outcome.result.new == 1, outcome.problems
    (record,) = (c.record for c in store.current() if c.record.layer == "clashes")
    assert not record.unplaced
    assert record.geometry_note == "Position as given in placed.csv."

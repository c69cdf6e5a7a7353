"""Event layers (issue 13), without a browser: the importer keeps ACLED's event facts on
each claim; an event layer is known as one; its compact file holds every event, by
day, exactly as the CSV gives it (read back here with the csv module and numpy); the
window and filters keep what they say."""

from __future__ import annotations

import csv
import datetime as dt
import json
import struct

import numpy as np
import pytest

from geo.errors import SchemaError
from geo.events import EventFacts, parse_event
from imports.run import ImportOptions, import_file
from layers.event_data import CARD_CHUNK, event_columns, write_event_files
from layers.event_layer import EventWindow
from scripts.make_acled_csv import ACLED_HEADER, write_acled_csv
from tests.conftest import clear_data_caches

# Three ACLED rows written by hand: every event fact, and one row leaving two out.
HAND_ROWS = [
    {"event_id_cnty": "IRQ9001", "event_date": "2024-12-03", "time_precision": "1",
     "event_type": "Battles", "sub_event_type": "Armed clash",
     "actor1": "Popular Mobilization Forces", "actor2": "Islamic State (Iraq)",
     "latitude": "34.3833", "longitude": "40.9833", "geo_precision": "1",
     "source": "Shafaq News", "notes": "Clash near Al-Qaim.", "fatalities": "4",
     "location": "Al-Qaim", "timestamp": "1733400000"},
    {"event_id_cnty": "SYR9002", "event_date": "2024-12-05", "time_precision": "2",
     "event_type": "Strategic developments", "sub_event_type": "Non-violent transfer of territory",
     "actor1": "Hayat Tahrir al-Sham", "actor2": "",
     "latitude": "35.1318", "longitude": "36.7578", "geo_precision": "3",
     "source": "SOHR", "notes": "Hama taken.", "fatalities": "0",
     "location": "Hama", "timestamp": "1733500000"},
    {"event_id_cnty": "SYR9003", "event_date": "2024-12-08", "time_precision": "1",
     "event_type": "Protests", "sub_event_type": "", "actor1": "Protesters (Syria)",
     "actor2": "", "latitude": "34.4500", "longitude": "40.9200", "geo_precision": "2",
     "source": "Enab Baladi", "notes": "", "fatalities": "",
     "location": "Al-Bukamal", "timestamp": "1733700000"},
]


def _write(path, rows):
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, ACLED_HEADER, restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def imported(store, tmp_path):
    outcome = import_file(_write(tmp_path / "acled.csv", HAND_ROWS),
                          ImportOptions(recorded_by="analyst"), store)
    assert outcome.result.new == 3, outcome.summary()
    return {c.feature_id: c.record for c in store.current()}


def test_acled_rows_keep_their_event_facts(imported):
    assert imported["acled.IRQ9001"].event == EventFacts(
        type="Battles", sub_type="Armed clash", actor1="Popular Mobilization Forces",
        actor2="Islamic State (Iraq)", fatalities=4, geo_precision=1)
    assert imported["acled.SYR9002"].event == EventFacts(
        type="Strategic developments", sub_type="Non-violent transfer of territory",
        actor1="Hayat Tahrir al-Sham", actor2=None, fatalities=0, geo_precision=3)
    assert imported["acled.SYR9003"].event == EventFacts(
        type="Protests", sub_type=None, actor1="Protesters (Syria)", actor2=None,
        fatalities=None, geo_precision=2)
    assert imported["acled.IRQ9001"].as_of == dt.date(2024, 12, 3)
    # Seed claims are not events.
    assert all(r.event is None for i, r in imported.items() if not i.startswith("acled."))


def test_an_acled_row_without_its_event_type_is_refused_by_name(store, tmp_path):
    rows = [dict(HAND_ROWS[0], event_type=""), HAND_ROWS[1]]
    outcome = import_file(_write(tmp_path / "acled.csv", rows),
                          ImportOptions(recorded_by="analyst"), store)
    assert not outcome.written  # all or nothing: the file is refused whole
    assert [(p.field, p.reason) for p in outcome.problems] == [
        ("event_type", "an ACLED row needs its event_type")]


@pytest.mark.parametrize(("raw", "named"), [
    ("Battles", "must be an object"),
    ({"sub_type": "Armed clash"}, "'event.type'"),
    ({"type": "Battles", "weapon": "tank"}, "unknown keys"),
    ({"type": "Battles", "geo_precision": 4}, "'event.geo_precision'"),
    ({"type": "Battles", "geo_precision": True}, "'event.geo_precision'"),
    ({"type": "Battles", "fatalities": -1}, "'event.fatalities'"),
    ({"type": "Battles", "fatalities": 2.5}, "'event.fatalities'"),
    ({"type": "B" * 301}, "'event.type'"),
    ({"type": "Battles", "actor1": "a\x00b"}, "'event.actor1'"),
])
def test_bad_event_facts_are_refused_naming_the_field(raw, named):
    with pytest.raises(SchemaError, match=named):
        parse_event(raw, "features.json: feature 'x'")


@pytest.fixture
def app_store(store_location, tmp_path, monkeypatch):
    """The store the app's caches read (POSTURE_STORE or DATABASE_URL), with HAND_ROWS."""
    if "://" in store_location:
        monkeypatch.setenv("DATABASE_URL", store_location)
    else:
        monkeypatch.setenv("POSTURE_STORE", store_location)
    clear_data_caches()
    from store.features import shared_store

    import_file(_write(tmp_path / "acled.csv", HAND_ROWS), ImportOptions(recorded_by="a"),
                shared_store())
    clear_data_caches()
    yield store_location
    clear_data_caches()


def test_an_imported_event_layer_is_an_event_layer(app_store):
    from layers.catalogue import catalogue

    kinds = {e.id: e.kind for e in catalogue()}
    assert kinds["acled"] == "events"
    assert kinds["force-levels"] == "features"


def _read(path):
    """The event file decoded from its documented layout, by hand."""
    data = path.read_bytes()
    (length,) = struct.unpack_from("<I", data)
    header = json.loads(data[4:4 + length])
    assert (4 + length) % 4 == 0
    columns = {c["name"]: np.frombuffer(data, dtype=np.dtype(c["type"]).newbyteorder("<"),
                                        count=header["count"], offset=4 + length + c["offset"])
               for c in header["columns"]}
    return header, columns


def test_the_event_file_holds_every_event_by_day_as_the_csv_gives_it(tmp_path):
    from geo.claims import validated
    from geo.features import place
    from imports.columns import column_map
    from imports.read import read_table
    from imports.rows import RowDefaults, row_record

    csv_path = write_acled_csv(tmp_path / "acled.csv", 3_000, seed=7)
    table = read_table(csv_path)
    columns_map = column_map(table.columns)
    defaults = RowDefaults("acled.csv", "acled", None, "event_id_cnty")
    records = [validated(row_record(table.row(i), None, columns_map, defaults, False))
               for i in range(len(table))]
    events = event_columns(place(tuple(records)), "en")
    url = write_event_files(events, "acled", "en", tmp_path / "out", "/static")
    header, columns = _read(tmp_path / "out" / url.rsplit("/", 1)[1])

    with csv_path.open(encoding="utf-8") as f:
        rows = sorted(csv.DictReader(f), key=lambda r: (r["event_date"],
                                                        "acled." + r["event_id_cnty"]))
    assert header["count"] == len(rows) == 3_000
    epoch = dt.date.fromisoformat(header["epoch"])
    days = [(epoch + dt.timedelta(days=int(d))).isoformat() for d in columns["day"]]
    assert days == [r["event_date"] for r in rows]
    assert np.allclose(columns["lon"], [float(r["longitude"]) for r in rows], atol=1e-5)
    assert np.allclose(columns["lat"], [float(r["latitude"]) for r in rows], atol=1e-5)
    assert [header["types"][i] for i in columns["type"]] == [r["event_type"] for r in rows]
    assert header["types"][1:] == sorted({r["event_type"] for r in rows})  # legend order
    assert [header["actors"][i] for i in columns["actor1"]] == [r["actor1"] for r in rows]
    assert [header["actors"][i] for i in columns["actor2"]] == [r["actor2"] for r in rows]
    assert [header["sources"][i] for i in columns["source"]] == [
        f"{r['source']}, via ACLED" for r in rows]
    assert columns["fatalities"].tolist() == [int(r["fatalities"]) for r in rows]
    assert columns["precision"].tolist() == [int(r["geo_precision"]) for r in rows]
    # Each card sits in its chunk at the event's place, with the row's own notes.
    assert len(header["cards"]) == -(-3_000 // CARD_CHUNK)
    second = json.loads((tmp_path / "out" / header["cards"][1].rsplit("/", 1)[1]).read_text())
    assert second[5]["id"] == "acled." + rows[CARD_CHUNK + 5]["event_id_cnty"]
    assert second[5]["notes"] == rows[CARD_CHUNK + 5]["notes"]


def test_the_same_events_keep_the_same_file_name(tmp_path):
    from geo.claims import validated
    from geo.features import place

    raw = {"id": "acled.X1", "layer": "acled", "symbol": "point", "name_en": "Clash",
           "kind": "Armed clash", "actor_en": "A", "summary_en": "<b>notes</b>",
           "geometry_note": "town", "count": {"words_en": "none"}, "as_of": "2024-01-02",
           "reported_on": "2024-01-03", "sources": [{"who": "AFP"}], "confidence": "media",
           "geometry": {"type": "Point", "coordinates": [41.0, 34.0]},
           "event": {"type": "Battles"}}
    events = event_columns(place((validated(raw),)), "en")
    first = write_event_files(events, "acled", "en", tmp_path, "/s")
    assert write_event_files(events, "acled", "en", tmp_path, "/s") == first
    changed = event_columns(place((validated({**raw, "as_of": "2024-01-01"}),)), "en")
    assert write_event_files(changed, "acled", "en", tmp_path, "/s") != first


def test_the_window_keeps_its_days_types_and_actors():
    window = EventWindow(dt.date(2024, 12, 31), 30, ("Battles",), ("PMF", "HTS"))
    assert window.start == dt.date(2024, 12, 2)
    assert window.keeps(dt.date(2024, 12, 2), "Battles", ("PMF", None))
    assert window.keeps(dt.date(2024, 12, 31), "Battles", (None, "HTS"))
    assert not window.keeps(dt.date(2024, 12, 1), "Battles", ("PMF", None))
    assert not window.keeps(dt.date(2025, 1, 1), "Battles", ("PMF", None))
    assert not window.keeps(dt.date(2024, 12, 10), "Protests", ("PMF", None))
    assert not window.keeps(dt.date(2024, 12, 10), "Battles", ("IS", None))
    assert EventWindow(dt.date(2024, 12, 31)).keeps(dt.date(2024, 12, 2), "Any", (None,))


def test_an_event_layer_as_known_on_a_day_holds_only_what_was_reported_by_then(app_store):
    from layers.catalogue import layer
    from layers.event_layer import _columns

    acled = layer("acled")
    # The rows' timestamps: reported 2024-12-05, 2024-12-06 and 2024-12-08 (UTC).
    known = {day: _columns(acled, "en", dt.date.fromisoformat(day)).ids
             for day in ("2024-12-04", "2024-12-06", "2024-12-08")}
    assert known == {"2024-12-04": [], "2024-12-06": ["acled.IRQ9001", "acled.SYR9002"],
                     "2024-12-08": ["acled.IRQ9001", "acled.SYR9002", "acled.SYR9003"]}


def test_an_event_corrected_in_the_editors_form_keeps_its_event_facts(imported):
    from editing.form import claim_from_form, form_of
    from geo.claims import validated
    from geo.features import place

    record = imported["acled.IRQ9001"]
    (placed,) = place((record,))
    opened = form_of(placed)
    fields = {**opened.fields, "name_en": "Clash near Al-Qaim (corrected)"}
    raw = claim_from_form(fields, layer="acled", feature_id=record.id, carried=opened.carried)
    corrected = validated(raw)
    assert corrected.name_en == "Clash near Al-Qaim (corrected)"
    assert corrected.event == EventFacts(
        type="Battles", sub_type="Armed clash", actor1="Popular Mobilization Forces",
        actor2="Islamic State (Iraq)", fatalities=4, geo_precision=1)


def test_a_layer_with_more_types_than_its_column_holds_is_refused_by_name(monkeypatch):
    from geo.claims import validated
    from geo.features import place
    from layers import event_data

    monkeypatch.setitem(event_data._LIMITS, "type", 2)
    raws = [{"id": f"acled.X{i}", "layer": "acled", "symbol": "point", "name_en": "Event",
             "kind": "k", "actor_en": "A", "summary_en": "s", "geometry_note": "town",
             "count": {"words_en": "none"}, "as_of": "1950-01-02", "reported_on": "1950-01-03",
             "sources": [{"who": "AFP"}], "confidence": "media",
             "geometry": {"type": "Point", "coordinates": [41.0, 34.0]},
             "event": {"type": f"Type {i}"}} for i in range(3)]
    features = place(tuple(validated(raw) for raw in raws))
    with pytest.raises(SchemaError, match="more than 2 distinct types: too many to draw"):
        event_columns(features, "en")
    # Two types fit; an event of 1950 keeps its day (the columns count from 1900).
    events = event_columns(features[:2], "en")
    assert events.columns["day"].tolist() == [(dt.date(1950, 1, 2) - dt.date(1900, 1, 1)).days] * 2


@pytest.mark.parametrize(("events_to", "said"), [
    (None, False),  # the window ends on the as-of date: one date, nothing to say
    ("2024-12-02", False),  # set to the as-of date itself
    ("2024-12-01", True),  # the day before: two dates on one map
    ("2024-02-29", True),  # the analysts' report: dragged to February
])
def test_the_page_says_when_events_and_forces_are_of_two_dates(app_store, events_to, said):
    from streamlit.testing.v1 import AppTest

    from tests.app_helpers import APP

    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["as_of"] = "2024-12-02"
    if events_to:
        at.query_params["events_to"] = events_to
    at.run()
    assert not at.exception
    notice = (f"Events show the 30 days up to {events_to}; forces and lines show as of "
              "2024-12-02.")
    assert any(notice == i.value for i in at.info) is said
    assert any(notice == w.value for w in at.sidebar.warning) is said
    if said:  # and the way back: the window follows the as-of date again
        at.sidebar.button(key="events:follow").click().run()
        assert not any("Events show" in i.value for i in at.info)


def test_an_event_actor_s_name_is_not_markdown_in_the_link_notice(app_store, tmp_path):
    """Issue 24: an imported actor's name, listed in the notice of an unknown
    `event_actors` in a link, became a live link and an image."""
    from streamlit.testing.v1 import AppTest

    from store.features import shared_store
    from tests.app_helpers import APP

    hostile = "[pwned](http://beacon.invalid/x) ![b](http://beacon.invalid/p.png) **loud**"
    row = {**HAND_ROWS[0], "event_id_cnty": "IRQ9009", "actor1": hostile}
    import_file(_write(tmp_path / "hostile.csv", [row]), ImportOptions(recorded_by="a"),
                shared_store())
    clear_data_caches()
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["as_of"] = "2024-12-08"
    at.query_params["event_actors"] = "nosuch"
    at.run()
    assert not at.exception
    (toast,) = [t.value for t in at.toast if "event_actors=nosuch" in t.value]
    # Escaped as written by hand: backslashes, and a word joiner after each "http".
    assert (r"\[pwned\]\(http" "\u2060" r"://beacon\.invalid/x\) \!\[b\]\(http" "\u2060"
            r"://beacon\.invalid/p\.png\) \*\*loud\*\*") in toast
    assert "[pwned](" not in toast

"""One claim that cannot be drawn never takes the map down (issue 24, part 1), on both
backends.

- The import and the form make a bow-tie polygon valid, as two areas, with a note; what
  cannot be made valid as the same kind of shape is refused by row and field.
- A stored claim that cannot be drawn (written before these checks, or by another
  tool) is left off the map and named with its reason; every export works, the rest
  of the map too.

The bow-tie's crossing point (41, 34) and its two triangles of one square degree each
are worked out by hand.
"""

from __future__ import annotations

import copy
import json

import pytest
import shapely
from shapely.geometry import shape

from editing.form import claim_from_form
from exports.cli import main as export_main
from exports.formats import EXPORT_FORMATS
from geo.errors import SchemaError
from geo.validity import made_valid
from store import open_store
from tests.test_import import env_store, run  # noqa: F401

BOW_TIE_WKT = "POLYGON ((40 33, 42 35, 42 33, 40 35, 40 33))"
# A claim as an older version (or another tool) could have stored it: schema-valid, but
# its polygon crosses itself at (41, 34).
BOW_TIE = {"id": "probe-bow", "layer": "nineveh", "symbol": "area", "name_en": "Bow tie",
           "summary_en": "A probe's polygon that crosses itself.", "kind": "report",
           "actor_en": "not stated", "count": {"words_en": "no figure given"},
           "as_of": "2024-12-01", "reported_on": "2024-12-01",
           "sources": [{"who": "the probe"}], "confidence": "media",
           "geometry_note": "Drawn by the probe.",
           "geometry": {"type": "Polygon",
                        "coordinates": [[[40, 33], [42, 35], [42, 33], [40, 35], [40, 33]]]}}
# Seed things in every part of the map, each of which must still be drawn.
SEED_THINGS = {"iraq-syria-border", "nineveh-governorate", "alqaim-jordan-armour",
               "pmf-crossing-into-syria", "us-troops-iraq"}


def _plant(location: str, *raws: dict) -> None:
    store = open_store(location)
    try:
        store.record(list(raws), "probe")
    finally:
        store.close()


def test_made_valid_keeps_the_kind_or_refuses():
    repair = made_valid(shapely.from_wkt(BOW_TIE_WKT))
    assert repair is not None
    assert repair.geometry.geom_type == "MultiPolygon"
    assert shapely.get_num_geometries(repair.geometry) == 2
    assert repair.geometry.area == pytest.approx(2.0)  # two triangles of base 2, height 1
    assert "Self-intersection[41 34]" in repair.note_en
    assert "Self-intersection[41 34]" in repair.note_ar
    assert made_valid(shapely.from_wkt("POLYGON ((40 33, 42 33, 41 34, 40 33))")) is None
    # An area that encloses nothing would become a line; a line of one point, a point.
    for wkt, became in (("POLYGON ((40 33, 41 33, 42 33, 40 33))", "MultiLineString"),
                        ("LINESTRING (40 33, 40 33)", "Point")):
        with pytest.raises(SchemaError, match=f"would be a {became}, not the same kind"):
            made_valid(shapely.from_wkt(wkt))


def test_the_import_makes_a_bow_tie_valid_with_a_note(env_store, tmp_path, capsys):  # noqa: F811
    path = tmp_path / "bow.csv"
    path.write_text("id,name,as_of,confidence,wkt\n"
                    f'bow,Bow tie,2024-12-01,media,"{BOW_TIE_WKT}"\n', encoding="utf-8")
    code, out, err = run(capsys, path, "--layer", "probe", "--source", "the probe")
    assert code == 0, err
    assert "1 new" in out
    assert "1 row(s) gave an invalid geometry, made valid" in err
    assert "(row 2)" in err
    store = open_store(env_store)
    try:
        (claim,) = [c for c in store.current() if c.record.layer == "probe"]
    finally:
        store.close()
    stored = shape(claim.raw["geometry"])
    assert stored.geom_type == "MultiPolygon"
    assert stored.is_valid
    assert stored.area == pytest.approx(2.0)
    assert claim.raw["geometry_note"] == (
        "Position as given in bow.csv. The geometry as given was invalid "
        "(Self-intersection[41 34]); it was made valid with shapely's make_valid, as 2 areas.")
    assert "Self-intersection[41 34]" in claim.raw["geometry_note_ar"]


@pytest.mark.parametrize(("wkt", "symbol", "reason"), [
    ("POLYGON ((40 33, 41 33, 42 33, 40 33))", "area", "would be a MultiLineString"),
    ("LINESTRING (40 33, 40 33)", "line", "would be a Point"),
    ("LINESTRING (40 33, 41 34, 42 33)", "arrow", "an arrow needs a two-point LineString"),
    ("LINESTRING (40 33, 41 34)", "point", "symbol 'point' needs a Point"),
])
def test_the_import_refuses_what_cannot_be_drawn_by_row_and_field(
        env_store, tmp_path, capsys, wkt, symbol, reason):  # noqa: F811
    path = tmp_path / "bad.csv"
    path.write_text("id,name,as_of,confidence,symbol,wkt\n"
                    f'bad,Bad,2024-12-01,media,{symbol},"{wkt}"\n', encoding="utf-8")
    code, _, err = run(capsys, path, "--layer", "probe", "--source", "the probe")
    assert code == 3
    rejected = [line for line in err.splitlines() if "rejected: row 2" in line]
    assert len(rejected) == 1, err
    assert reason in rejected[0], err
    assert rejected[0].split("rejected: row 2, ")[1].split(":")[0] in ("wkt", "geometry")


def test_the_form_makes_a_drawn_bow_tie_valid_and_says_so():
    repairs: list = []
    raw = claim_from_form({"name_en": "Bow tie", "as_of": "2024-12-01",
                           "source_en": "Rudaw", "confidence": "media", "wkt": BOW_TIE_WKT},
                          layer="probe", feature_id="probe-bow", placed_by="alice",
                          repairs=repairs)
    assert shape(raw["geometry"]).geom_type == "MultiPolygon"
    assert len(repairs) == 1
    assert "Self-intersection[41 34]" in repairs[0].note_en
    assert raw["geometry_note"].startswith("Placed on the map by alice. The geometry as "
                                           "given was invalid")


def test_a_stored_bow_tie_is_left_off_and_named(env_store):  # noqa: F811
    from store.features import placed_features, undrawable

    unknown_actor = {**copy.deepcopy(BOW_TIE), "id": "probe-actor", "actor": "nobody-listed",
                     "geometry": {"type": "Point", "coordinates": [41, 34]},
                     "symbol": "point"}
    _plant(env_store, BOW_TIE, unknown_actor)
    drawn = {p.record.id for p in placed_features()}
    assert drawn >= SEED_THINGS
    assert not {"probe-bow", "probe-actor"} & drawn
    named = {u.feature_id: u for u in undrawable()}
    assert set(named) == {"probe-bow", "probe-actor"}
    assert "Self-intersection[41 34]" in named["probe-bow"].reason
    assert "'nobody-listed', which actors.json does not list" in named["probe-actor"].reason
    # As stored, to open in the editor's form: the polygon as it was written.
    assert named["probe-bow"].feature.geometry.wkt == BOW_TIE_WKT
    assert named["probe-bow"].layer == "nineveh"


@pytest.mark.parametrize("layers", [None, "border"])
@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_every_export_works_beside_a_stored_bow_tie(env_store, tmp_path, capsys, fmt,  # noqa: F811
                                                    layers):
    _plant(env_store, BOW_TIE)
    out = tmp_path / f"map.{fmt}"
    code = export_main(["--format", fmt, "--out", str(out), "--as-of", "2024-12-31",
                        *(["--layers", layers] if layers else [])])
    err = capsys.readouterr().err
    assert code == 0, err
    assert out.stat().st_size > 0
    if layers is None:  # the bow-tie's layer is drawn: the note names it and why
        assert "1 claim(s) could not be drawn and are left out: probe-bow (" in err
        assert "Self-intersection[41 34]" in err
    else:
        assert "could not be drawn" not in err
    if fmt == "geojson":
        ids = {f["properties"]["id"] for f in json.loads(out.read_text())["features"]}
        assert "probe-bow" not in ids
        assert "iraq-syria-border" in ids


def test_a_stored_record_today_s_schema_refuses_is_named_not_fatal(env_store):  # noqa: F811
    """A record written under an older schema (here a confidence level that no longer
    exists), stored as its importer serialised it: named with its reason, the rest drawn,
    and "What changed" still made."""
    import datetime as dt
    import hashlib

    from exports.changes import change_report
    from geo.filters import Filters
    from layers.catalogue import catalogue
    from store.features import placed_features, undrawable
    from store.records import RecordKeys, SerializedRecord

    raw = {**copy.deepcopy(BOW_TIE), "id": "probe-old", "confidence": "certain",
           "geometry": {"type": "Point", "coordinates": [41, 34]}, "symbol": "point"}
    text = json.dumps(raw, sort_keys=True, separators=(",", ":")).encode()
    old = SerializedRecord(RecordKeys("probe-old", "nineveh", None, None, dt.date(2024, 12, 1)),
                           text, hashlib.sha256(text).hexdigest(), raw["geometry"])
    store = open_store(env_store)
    try:
        store.record([old], "probe", checked=True)
        (entry,) = store.history("probe-old")
    finally:
        store.close()
    (named,) = undrawable()
    assert named.feature_id == "probe-old"
    assert named.feature is None  # not even readable: listed, not openable in the form
    # A stored record is trusted on reading (geo/stored_record.py), but not past what the
    # map dispatches on: named by its claim, and what is wrong with it.
    assert named.reason == (f"stored claim {entry.claim.claim_id}: its record's confidence "
                            "'certain' is not one the map knows")
    assert "features.json" not in named.reason  # the store's, not the seed file's
    assert {p.record.id for p in placed_features()} >= SEED_THINGS
    # Retracted, it is still no reason for "What changed" to fail.
    store = open_store(env_store)
    try:
        store.retract("probe-old", "written under an older schema", "probe")
    finally:
        store.close()
    today = dt.date.today()
    report = change_report(catalogue(), today - dt.timedelta(days=7), today, Filters(), None)
    assert "probe-old" not in {item.feature_id for item in report.items}
    assert report.of("retracted") == ()

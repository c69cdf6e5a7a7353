"""Feature records: good ones load, bad ones fail with a message naming the field."""

from __future__ import annotations

import copy
import json
import re

import pytest

from geo.errors import DataFileError, SchemaError
from geo.features import load_features
from geo.schema import parse_feature
from store.features import placed_features
from tests.conftest import DATA_DIR, load_json

GOOD = load_json(DATA_DIR / "features.json")["features"][5]  # the PMF crossing


def test_the_committed_features_all_validate():
    records = load_features()
    assert len(records) >= 15
    assert len({r.id for r in records}) == len(records)


def test_words_stay_words():
    record = parse_feature(GOOD, 0)
    assert record.count.value is None
    assert record.count.words_en == "dozens"
    assert record.count.words_ar == "العشرات"
    assert record.count.text("en") == "dozens"
    assert record.count.text("ar") == "العشرات"


def test_approximate_numbers_say_so():
    raw = {**GOOD, "symbol": "proportional", "count": {"value": 2500, "approximate": True}}
    assert parse_feature(raw, 0).count.text("en") == "about 2,500"
    assert parse_feature(raw, 0).count.text("ar") == "نحو 2,500"


@pytest.mark.parametrize(("change", "message"), [
    ({"name_ar": ""}, "'name_ar'"),
    ({"sources": []}, "at least one source"),
    ({"sources": [{"via": "Reuters", "fact": "B7"}]}, "'who'"),
    ({"sources": [{"who": "Reuters", "fact": "B7"}]}, "'who_ar'"),
    ({"sources": [{"who": "a source", "who_ar": "مصدر", "via": "Reuters", "fact": "B7"}]},
     "both 'via' and 'via_ar'"),
    ({"kind_ar": ""}, "'kind_ar'"),
    ({"geometry_note_ar": None}, "'geometry_note_ar'"),
    ({"validity_note_ar": None}, "both 'validity_note' and 'validity_note_ar'"),
    ({"as_of": "2024-13-01"}, "'as_of' must be a YYYY-MM-DD date"),
    ({"as_of": None}, "'as_of'"),
    ({"confidence": "certain"}, "confidence 'certain'"),
    ({"symbol": "star"}, "symbol 'star'"),
    ({"count": {"value": -3}}, "count.value"),
    ({"count": {"value": "many"}}, "count.value"),
    ({"count": {"words_en": "dozens"}}, "words_en and words_ar"),
    ({"count": {}}, "count needs"),
    ({"count": {"low": 10, "high": 5}}, "low <= high"),
    ({"symbol": "proportional"}, "numeric count.value"),
    ({"geometry_ref": "derived:iraq_syria_border"}, "exactly one of"),
    ({"geometry": {"type": "Point"}}, "GeoJSON geometry"),
    ({"reported_on_inferred": "yes"}, "'reported_on_inferred'"),
])
def test_bad_records_name_what_is_wrong(change, message):
    raw = {**copy.deepcopy(GOOD), **change}
    with pytest.raises(SchemaError, match="feature 'pmf-crossing-into-syria'") as excinfo:
        parse_feature(raw, 3)
    assert message in str(excinfo.value)


def test_every_text_field_has_both_languages():
    record = parse_feature(GOOD, 0)
    for field in ("name", "label", "kind", "actor", "summary", "geometry_note",
                  "validity_note"):
        english, arabic = record.text(field, "en"), record.text(field, "ar")
        assert english, field
        assert arabic, field
        assert english != arabic, field
        assert re.search("[\u0600-\u06ff]", arabic), field
    assert record.sources[0].text("ar") == "مصدر بارز في الجيش السوري، عبر رويترز"
    assert record.sources[0].text("en") == "a senior Syrian army source, via Reuters"


def test_missing_field_is_named():
    raw = copy.deepcopy(GOOD)
    del raw["actor_en"]
    with pytest.raises(SchemaError, match="missing field 'actor_en'"):
        parse_feature(raw, 0)


def test_reference_geography_may_have_no_dates():
    raw = {**GOOD, "confidence": "reference", "as_of": None, "reported_on": None}
    record = parse_feature(raw, 0)
    assert record.as_of is None
    assert record.reported_on is None


def test_duplicate_ids_are_refused(data_copy):
    path = data_copy / "features.json"
    payload = json.loads(path.read_text())
    payload["features"].append(payload["features"][0])
    path.write_text(json.dumps(payload))
    with pytest.raises(SchemaError, match="used twice"):
        load_features()


def test_unreadable_feature_file_is_a_data_error(data_copy):
    (data_copy / "features.json").write_text("{not json")
    with pytest.raises(DataFileError, match=r"features\.json"):
        load_features()


def test_missing_feature_file_is_a_data_error(data_copy):
    (data_copy / "features.json").unlink()
    with pytest.raises(DataFileError, match="feature file missing"):
        load_features()


def test_missing_basemap_is_a_data_error(data_copy):
    (data_copy / "basemap" / "iraq_syria_admin1.geojson").unlink()
    with pytest.raises(DataFileError, match="make basemap"):
        placed_features()


def test_unknown_geometry_ref_is_named(data_copy):
    path = data_copy / "features.json"
    payload = json.loads(path.read_text())
    payload["features"][0]["geometry_ref"] = "derived:nowhere"
    path.write_text(json.dumps(payload))
    with pytest.raises(SchemaError, match="unknown geometry_ref 'derived:nowhere'"):
        placed_features()

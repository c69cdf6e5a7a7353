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
    # One language is enough (issue 11), but one there must be.
    ({"sources": [{"via": "Reuters", "fact": "B7"}]}, "'sources.0.who' or 'sources.0.who_ar'"),
    ({"sources": [{"who": "x", "link": "javascript:alert(1)"}]}, "'sources.0.link'"),
    ({"sources": [{"who": "x", "link": "https://a.example/\"onmouseover="}]},
     "'sources.0.link'"),
    ({"sources": [{"who": "x", "url": "https://a.example/"}]}, "unknown keys ['url']"),
    ({"kind_ar": ""}, "'kind_ar'"),
    ({"name_en": None, "name_ar": None}, "give 'name_en' or 'name_ar'"),
    ({"geometry_note": None, "geometry_note_ar": None},
     "give 'geometry_note' or 'geometry_note_ar'"),
    ({"as_of": "2024-13-01"}, "'as_of' must be a YYYY-MM-DD date"),
    ({"as_of": None}, "'as_of'"),
    ({"confidence": "certain"}, "confidence 'certain'"),
    ({"symbol": "star"}, "symbol 'star'"),
    ({"count": {"value": -3}}, "count.value"),
    ({"count": {"value": "many"}}, "count.value"),
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
    del raw["symbol"]
    with pytest.raises(SchemaError, match="missing field 'symbol'"):
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


def test_a_one_language_claim_is_valid_and_shows_its_own_words_in_both():
    """Issue 11: at least one of English and Arabic; the other language shows the
    given words (nothing is translated), and the record says which were filled."""
    raw = copy.deepcopy(GOOD)
    for key in ("name_ar", "kind_ar", "actor_ar", "summary_ar", "geometry_note_ar"):
        raw.pop(key)
    raw["count"] = {"words_en": "dozens"}
    raw["sources"] = [{"who": "Reuters", "via": "Alhurra"}]
    record = parse_feature(raw, 0)
    assert record.name_ar == raw["name_en"]
    assert record.text("name", "ar") == raw["name_en"]
    assert record.count.text("ar") == "dozens"
    assert (record.sources[0].who_ar, record.sources[0].via_ar) == ("Reuters", "Alhurra")
    assert record.sources[0].fact is None
    assert record.filled == {"name_ar", "kind_ar", "actor_ar", "summary_ar",
                             "geometry_note_ar", "count.words_ar", "sources.0.who_ar",
                             "sources.0.via_ar"}


def test_an_arabic_only_claim_is_valid():
    raw = copy.deepcopy(GOOD)
    raw.pop("name_en")
    record = parse_feature(raw, 0)
    assert record.name_en == GOOD["name_ar"]
    assert record.filled == {"name_en"}

"""The claim form (editing/form.py): a thing's form opened and saved untouched says
exactly what its claim says; a change changes only that field; bad input is refused
naming the form's field; hostile text stays text."""

from __future__ import annotations

import pytest

from editing.form import FormProblem, claim_from_form, form_of, new_feature_id
from geo.claims import changes, content_hash, normal_raw
from store import open_store
from store.seed import seed

NEW = {"name_en": "Forward post", "lon": "41.12", "lat": "34.38", "as_of": "2024-12-01",
       "reported_on": "2024-12-02", "source_en": "Rudaw", "confidence": "media",
       "count_value": "200"}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    store = open_store(str(tmp_path_factory.mktemp("form") / "store.gpkg"))
    seed(store)
    yield store
    store.close()


def _placed(store):
    from geo.features import place

    return place(tuple(c.record for c in store.current()))


def test_every_seed_thing_opened_and_saved_untouched_is_unchanged(seeded):
    claims = {c.record.id: c for c in seeded.current()}
    placed = _placed(seeded)
    assert len(placed) == len(claims) > 10
    for feature in placed:
        opened = form_of(feature)
        raw = claim_from_form(opened.fields, layer=feature.record.layer,
                              feature_id=feature.record.id, carried=opened.carried)
        stored = claims[feature.record.id].raw
        assert content_hash(raw) == content_hash(stored), (
            feature.record.id, changes(normal_raw(stored), raw))


def test_a_changed_count_changes_the_count_only(seeded):
    feature = next(f for f in _placed(seeded) if f.record.id == "us-troops-iraq")
    opened = form_of(feature)
    assert opened.fields["count_value"] == "2500"  # FACTS F1
    raw = claim_from_form({**opened.fields, "count_value": "3000"}, layer=feature.record.layer,
                          feature_id=feature.record.id, carried=opened.carried)
    stored = next(c.raw for c in seeded.current() if c.record.id == "us-troops-iraq")
    assert [(c.field, c.before, c.after) for c in changes(normal_raw(stored), raw)] == [
        ("count.value", 2500, 3000)]


def test_a_changed_source_keeps_the_sources_other_fields(seeded):
    feature = next(f for f in _placed(seeded) if f.record.id == "us-troops-iraq")
    opened = form_of(feature)
    raw = claim_from_form({**opened.fields, "source_link": "https://example.org/report"},
                          layer=feature.record.layer, feature_id=feature.record.id,
                          carried=opened.carried)
    assert raw["sources"] == [{"who": "the report", "who_ar": "التقرير", "via": "AFP",
                               "via_ar": "وكالة فرانس برس", "fact": "F1",
                               "link": "https://example.org/report"}]


def test_a_new_point_from_the_form():
    feature_id = new_feature_id("us-forces", "Forward post")
    assert feature_id.startswith("us-forces.forward-post-")
    assert len(feature_id) == 29
    raw = claim_from_form(NEW, layer="us-forces", feature_id=feature_id, placed_by="alice")
    assert raw["geometry"] == {"type": "Point", "coordinates": [41.12, 34.38]}
    assert raw["count"] == {"value": 200}
    assert raw["sources"] == [{"who": "Rudaw"}]
    assert raw["geometry_note"] == "Placed on the map by alice."


def test_a_line_from_well_known_text():
    raw = claim_from_form({**NEW, "lon": "", "lat": "", "wkt": "LINESTRING (41 34, 41.5 34.2)"},
                          layer="us-forces", feature_id="us-forces.route-1")
    assert raw["symbol"] == "line"
    assert raw["geometry"]["coordinates"] == [[41.0, 34.0], [41.5, 34.2]]


@pytest.mark.parametrize(("field", "value", "reason"), [
    ("count_value", "a few hundred", "must be a whole number"),
    ("lat", "95", "latitude is out of range"),
    ("lon", "east", "is not a number of degrees"),
    ("reported_on", "2999-01-01", "a report cannot come from the future"),
    ("as_of", "yesterday", "date"),
    ("confidence", "rumour", "is not a confidence level: give one of official"),
    ("source_link", "javascript:alert(1)", "must be an http:// or https:// address"),
    ("name_en", "", "give 'name_en' or 'name_ar'"),
    ("wkt", "LINESTRING (41 34", "is not well-known text"),
])
def test_bad_input_is_refused_naming_the_forms_field(field, value, reason):
    with pytest.raises(FormProblem) as refused:
        claim_from_form({**NEW, field: value}, layer="us-forces", feature_id="us-forces.x-1")
    assert refused.value.field == field
    assert reason in refused.value.reason


def test_hostile_text_is_kept_as_written():
    hostile = "<img src=x onerror=alert(1)>`${alert(2)}`</script>"
    fields = {**NEW, "name_en": hostile, "actor_en": hostile, "count_words_en": hostile,
              "source_en": hostile, "geometry_note_en": hostile}
    raw = claim_from_form(fields, layer="us-forces", feature_id="us-forces.x-1")
    assert raw["name_en"] == raw["actor_en"] == raw["count"]["words_en"] == hostile
    assert raw["sources"][0]["who"] == raw["geometry_note"] == hostile

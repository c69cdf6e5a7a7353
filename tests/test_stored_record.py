"""A stored record is trusted on reading (geo/stored_record.py): it must read as the
validating parser (geo/schema.py's parse_feature) reads it, for every record a door can
write, and a row that cannot be read is named by its claim, never a crash.

The oracle is parse_feature itself, which every door runs before a record is stored:
the two are held equal over random valid records (Hypothesis) and over the seed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.errors import SchemaError
from geo.schema import CONFIDENCE_LEVELS, SYMBOLS, parse_feature
from geo.stored_record import stored_record
from store import open_store
from store.records import RecordKeys, SerializedRecord
from tests.conftest import DATA_DIR
from tests.test_import import env_store  # noqa: F401

SEED = json.loads((DATA_DIR / "features.json").read_text(encoding="utf-8"))["features"]

_IDENTIFIER = st.text(string.ascii_lowercase + string.digits + "-_.", min_size=1,
                      max_size=30).map(lambda s: "a" + s)
# Text as a source gives it: Latin, Arabic, digits and punctuation, never blank.
_TEXT = st.text(string.ascii_letters + string.digits + " ,.-()'" + "سوريا العراق قوات",
                min_size=1, max_size=40).filter(str.strip)
_DAY = st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31))


def _pair(draw, key_en: str, key_ar: str, *, required: bool) -> dict:
    """One language, the other, or both (or, when not required, neither)."""
    choice = draw(st.sampled_from(("en", "ar", "both") + (() if required else ("none",))))
    out = {}
    if choice in ("en", "both"):
        out[key_en] = draw(_TEXT)
    if choice in ("ar", "both"):
        out[key_ar] = draw(_TEXT)
    return out


@st.composite
def _count(draw, numeric: bool) -> dict:
    count: dict = {}
    kind = "value" if numeric else draw(st.sampled_from(("value", "range", "words")))
    if kind == "value":
        count["value"] = draw(st.integers(0, 500_000))
    elif kind == "range":
        low = draw(st.integers(0, 10_000))
        count.update(low=low, high=draw(st.integers(low, 20_000)))
    words = _pair(draw, "words_en", "words_ar", required=kind == "words")
    if kind == "words" and "words_en" not in words:
        words["words_en"] = draw(_TEXT)  # words need words_en or a number (the schema's)
    count.update(words)
    count.update(_pair(draw, "quantity_en", "quantity_ar", required=False))
    if draw(st.booleans()):
        count["approximate"] = draw(st.booleans())
    return count


@st.composite
def _source(draw) -> dict:
    source = _pair(draw, "who", "who_ar", required=True)
    source.update(_pair(draw, "via", "via_ar", required=False))
    for key, value in (("fact", st.sampled_from(("B7", "A1", "basemap"))),
                       ("date", _DAY.map(dt.date.isoformat)),
                       ("link", st.sampled_from(("https://example.org/a",
                                                 "http://news.example/b?c=1")))):
        if draw(st.booleans()):
            source[key] = draw(value)
    return source


@st.composite
def _event(draw) -> dict:
    event = {"type": draw(_TEXT)}
    for key, value in (("sub_type", _TEXT), ("actor1", _TEXT), ("actor2", _TEXT),
                       ("fatalities", st.integers(0, 500)),
                       ("geo_precision", st.sampled_from((1, 2, 3)))):
        if draw(st.booleans()):
            event[key] = draw(value)
    return event


@st.composite
def valid_records(draw) -> dict:
    """A record every door would accept: the schema's rules, written out by hand."""
    symbol = draw(st.sampled_from(SYMBOLS))
    confidence = draw(st.sampled_from(CONFIDENCE_LEVELS))
    raw: dict = {"id": draw(_IDENTIFIER), "layer": draw(_IDENTIFIER), "symbol": symbol,
                 "confidence": confidence}
    for key_en, key_ar in (("name_en", "name_ar"), ("kind", "kind_ar"),
                           ("actor_en", "actor_ar"), ("summary_en", "summary_ar"),
                           ("geometry_note", "geometry_note_ar")):
        raw.update(_pair(draw, key_en, key_ar, required=True))
    raw["count"] = draw(_count(numeric=symbol == "proportional"))
    raw["sources"] = draw(st.lists(_source(), min_size=1, max_size=3))
    if draw(st.booleans()):
        raw["event"] = draw(_event())
    where = draw(st.sampled_from(("point", "line", "ref", "none")))
    if where == "none" and not (symbol == "point" and "event" in raw):
        where = "point"
    if where == "point":
        raw["geometry"] = {"type": "Point", "coordinates": [
            draw(st.floats(35, 48)), draw(st.floats(29, 38))]}
    elif where == "line":
        raw["geometry"] = {"type": "LineString", "coordinates": [[41.0, 34.0], [41.5, 34.2]]}
    elif where == "ref":
        raw["geometry_ref"] = draw(st.sampled_from(("admin1:IQ-NI", "derived:al-qaim-sector")))
    for key in ("as_of", "reported_on"):
        if confidence != "reference" or draw(st.booleans()):
            raw[key] = draw(_DAY).isoformat()
    for key in ("reported_on_inferred", "geometry_approximate"):
        if draw(st.booleans()):
            raw[key] = draw(st.booleans())
    for key in ("label_en", "label_ar", "series"):
        if draw(st.booleans()):
            raw[key] = draw(_TEXT)
    if draw(st.booleans()):
        raw["as_of_precision"] = draw(st.sampled_from(("day", "month", "year")))
    start = draw(st.none() | _DAY)
    end = draw(st.none() | _DAY)
    if start is not None and end is not None and start > end:
        start, end = end, start
    if start is not None:
        raw["valid_from"] = start.isoformat()
    if end is not None:
        raw["valid_to"] = end.isoformat()
    raw.update(_pair(draw, "validity_note", "validity_note_ar", required=False))
    if draw(st.booleans()):
        raw["actor"] = draw(st.sampled_from(("us", "iran-backed-militias", "not-listed-x")))
        if draw(st.booleans()):
            raw["sidc"] = draw(st.sampled_from(("10011000001205000000",
                                                "10011000001211000000")))
    return raw


@settings(max_examples=400, deadline=None)
@given(valid_records())
def test_a_stored_record_reads_as_the_validating_parser_reads_it(raw):
    assert stored_record(json.loads(json.dumps(raw))) == parse_feature(raw, 0)


def test_every_seed_record_reads_as_validated():
    assert SEED
    for raw in SEED:
        assert stored_record(raw) == parse_feature(raw, 0), raw["id"]


def _write_as_is(location: str, feature_id: str, text: bytes) -> str:
    """A row written past the doors' checks (an older schema, a hand edit): the store
    takes a SerializedRecord as its importer made it. Its claim id."""
    keys = RecordKeys(feature_id, "nineveh", None, None, dt.date(2024, 12, 1))
    store = open_store(location)
    try:
        store.record([SerializedRecord(keys, text, hashlib.sha256(text).hexdigest(), None)],
                     "probe", checked=True)
        (entry,) = store.history(feature_id)
        return entry.claim.claim_id
    finally:
        store.close()


def test_a_row_that_cannot_be_read_is_named_by_its_claim_and_the_rest_is_drawn(
        env_store):  # noqa: F811
    """On both backends: a record that is not JSON, one that is not an object and one
    without its sources are each listed as undrawable with their claim id and why; the
    seed is drawn as before."""
    from store.features import placed_features, undrawable

    seed_ids = {p.record.id for p in placed_features()}
    hama = next(raw for raw in SEED if raw["id"] == "hama-front")
    without_sources = {k: v for k, v in hama.items() if k != "sources"}
    claims = {
        "probe-not-json": _write_as_is(env_store, "probe-not-json", b'{"id": "probe-not'),
        "probe-a-list": _write_as_is(env_store, "probe-a-list", b"[1, 2]"),
        "probe-no-sources": _write_as_is(
            env_store, "probe-no-sources",
            json.dumps({**without_sources, "id": "probe-no-sources"}).encode()),
    }
    from tests.conftest import clear_data_caches

    clear_data_caches()  # a fresh process's whole reading, not a write brought forward
    named = {u.feature_id: u for u in undrawable()}
    assert set(named) == set(claims)
    assert named["probe-not-json"].reason.startswith(
        f"stored claim {claims['probe-not-json']}: its record is not JSON (")
    assert named["probe-a-list"].reason == (
        f"stored claim {claims['probe-a-list']}: its record is not a JSON object")
    assert named["probe-no-sources"].reason == (
        f"stored claim {claims['probe-no-sources']}: its record cannot be read "
        "(no field 'sources')")
    assert all(u.feature is None for u in named.values())
    assert {p.record.id for p in placed_features()} == seed_ids


def test_a_stored_record_the_map_cannot_dispatch_on_is_refused():
    """What the map's drawing dispatches on stays checked: each of these raises
    SchemaError with the field named, where trusting it would fail later, far away."""
    hama = next(raw for raw in SEED if raw["id"] == "hama-front")
    cases = {"symbol": {**hama, "symbol": "banner"},
             "confidence": {**hama, "confidence": ["official"]},
             "as_of_precision": {**hama, "as_of_precision": "week"},
             "geometry": {k: v for k, v in hama.items() if k != "geometry"}}
    for field, raw in cases.items():
        with pytest.raises(SchemaError, match=field):
            stored_record(raw)

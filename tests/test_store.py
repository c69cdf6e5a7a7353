"""The claims store's contract, run against both backends: a GeoPackage and PostGIS.

Expected values are read from data/features.json with json (not through the store or
geo/), or written by hand.
"""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from geo.errors import SchemaError
from store import open_store
from store.seed import seed
from tests.conftest import DATA_DIR

RAW = json.loads((DATA_DIR / "features.json").read_text(encoding="utf-8"))["features"]
SEED_IDS = [f["id"] for f in RAW]
US_IRAQ = "us-troops-iraq"  # FACTS F1: about 2,500 US troops in Iraq, reported 2024-01-25


def _raw(feature_id: str) -> dict:
    return copy.deepcopy(next(f for f in RAW if f["id"] == feature_id))


def _corrected(value: int, reported_on: str) -> dict:
    raw = _raw(US_IRAQ)
    raw["count"]["value"] = value
    raw["reported_on"] = reported_on
    return raw


def _ids(claims) -> list[str]:
    return [c.feature_id for c in claims]


def test_the_seed_is_recorded_once_in_the_files_order(store):
    assert _ids(store.current()) == SEED_IDS
    again = seed(store)
    assert (again.new, again.changed, again.unchanged, again.retracted) == (0, 0, len(RAW), 0)
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM claims")).scalar() == len(RAW)
    claim = next(c for c in store.current() if c.feature_id == US_IRAQ)
    assert claim.recorded_by == "seed"
    assert claim.raw == _raw(US_IRAQ)  # the record comes back exactly as written


def test_a_correction_supersedes_without_overwriting(store):
    first = next(c for c in store.current() if c.feature_id == US_IRAQ)
    result = store.record([_corrected(2600, "2025-01-10")], "analyst-a")
    assert (result.new, result.changed, result.unchanged) == (0, 1, 0)
    now = next(c for c in store.current() if c.feature_id == US_IRAQ)
    assert now.raw["count"]["value"] == 2600
    assert now.supersedes == first.claim_id
    assert now.recorded_by == "analyst-a"
    history = store.history(US_IRAQ)
    assert [entry.claim.raw["count"]["value"] for entry in history] == [2500, 2600]
    changed = {(c.field, c.before, c.after) for c in history[1].changes}
    assert changed == {("count.value", 2500, 2600), ("reported_on", "2024-01-25", "2025-01-10")}
    # Recording the same again adds nothing.
    assert store.record([_corrected(2600, "2025-01-10")], "analyst-b").unchanged == 1


def test_known_on_hides_what_was_reported_later(store):
    store.record([_corrected(2600, "2025-01-10")], "analyst-a")
    new_thing = _raw("hama-front")
    new_thing.update(id="hama-front-2025", reported_on="2025-02-01", valid_from="2025-02-01")
    store.record([new_thing], "analyst-a")

    def count_on(day: dt.date | None) -> int:
        return next(c for c in store.current(day) if c.feature_id == US_IRAQ
                    ).raw["count"]["value"]

    assert count_on(dt.date(2025, 1, 9)) == 2500
    assert count_on(dt.date(2025, 1, 10)) == 2600
    assert count_on(None) == 2600
    assert "hama-front-2025" not in _ids(store.current(dt.date(2025, 1, 31)))
    assert "hama-front-2025" in _ids(store.current(dt.date(2025, 2, 1)))
    # Part 2 of the report (2024-12-02) was not yet known in June 2024.
    june = _ids(store.current(dt.date(2024, 6, 1)))
    assert "pmf-crossing-into-syria" not in june
    assert {US_IRAQ, "us-troops-syria", "albukamal-crossing", "city-baghdad"} <= set(june)


def test_valid_on_keeps_what_holds_in_the_world_that_day(store):
    held = _ids(store.current(valid_on=dt.date(2010, 6, 1)))
    # Coalition 131,000 held from 2009-12-31 to 2011-12-30; reference places always hold.
    assert "coalition-iraq-2009" in held
    assert "coalition-iraq-2011" not in held
    assert "pmf-crossing-into-syria" not in held
    assert "city-baghdad" in held
    # A claim with no valid_from holds from its as_of date, never before.
    raw = _raw("us-troops-syria")  # FACTS F2: as of 2024-01-25
    del raw["valid_from"]
    raw["id"] = "us-troops-syria-undated-start"
    store.record([raw], "analyst-a")
    assert raw["id"] not in _ids(store.current(valid_on=dt.date(2024, 1, 24)))
    assert raw["id"] in _ids(store.current(valid_on=dt.date(2024, 1, 25)))


def test_a_retraction_closes_a_claim_from_its_reporting_day(store):
    store.retract("idlib-taken", "the source withdrew it", "analyst-a",
                  reported_on=dt.date(2025, 3, 1))
    assert "idlib-taken" not in _ids(store.current())
    assert "idlib-taken" in _ids(store.current(dt.date(2025, 2, 28)))
    last = store.history("idlib-taken")[-1]
    assert last.retraction is not None
    assert last.retraction.reason == "the source withdrew it"
    assert last.retraction.recorded_by == "analyst-a"
    with pytest.raises(SchemaError, match="no open claim about 'idlib-taken'"):
        store.retract("idlib-taken", "again", "analyst-a")
    with pytest.raises(SchemaError, match="'reason'"):
        store.retract("hama-front", "   ", "analyst-a")


def test_the_seed_does_not_undo_an_analysts_correction_or_retraction(store):
    store.retract("idlib-taken", "the source withdrew it", "analyst-a")
    store.record([_corrected(2600, "2025-01-10")], "analyst-a")
    again = seed(store)
    assert (again.new, again.changed, again.retracted) == (0, 0, 0)
    assert "idlib-taken" not in _ids(store.current())
    assert next(c for c in store.current() if c.feature_id == US_IRAQ
                ).raw["count"]["value"] == 2600


def test_a_feature_dropped_from_the_seed_is_retracted(store_location, data_copy):
    trimmed = [f for f in RAW if f["id"] != "idlib-taken"]
    features_file = data_copy / "features.json"
    payload = json.loads(features_file.read_text(encoding="utf-8"))
    payload["features"] = trimmed
    features_file.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    from tests.conftest import clear_data_caches

    clear_data_caches()
    fresh = open_store(store_location)
    try:
        # The store seeded from the full data by the `store` fixture is not used here: seed
        # from the full data by hand first, then from the trimmed copy.
        fresh.record(RAW, "seed", compare="own")
        result = seed(fresh)
        assert result.retracted == 1
        assert "idlib-taken" not in _ids(fresh.current())
        assert fresh.history("idlib-taken")[-1].retraction.reason == \
            "no longer in the committed seed data"
    finally:
        fresh.close()


def test_a_bad_record_means_nothing_is_written(store):
    before = store.version()
    bad = _raw("hama-front")
    bad["id"] = "hama-front-bad"
    bad["confidence"] = "certain"
    with pytest.raises(SchemaError, match="confidence 'certain'"):
        store.record([_corrected(2600, "2025-01-10"), bad], "analyst-a")
    assert store.version() == before
    assert next(c for c in store.current() if c.feature_id == US_IRAQ
                ).raw["count"]["value"] == 2500


def test_one_id_twice_in_one_batch_is_refused(store):
    with pytest.raises(SchemaError, match="'us-troops-iraq' appears twice"):
        store.record([_corrected(2600, "2025-01-10"), _corrected(2700, "2025-01-11")], "a")


def test_the_version_moves_on_every_write_and_only_then(store):
    before = store.version()
    store.current()
    store.history(US_IRAQ)
    assert store.version() == before
    store.record([_corrected(2600, "2025-01-10")], "analyst-a")
    after_record = store.version()
    assert after_record != before
    store.retract("hama-front", "duplicate", "analyst-a")
    assert store.version() not in (before, after_record)


@pytest.mark.parametrize("statement", ["UPDATE claims SET recorded_by = 'x'",
                                       "DELETE FROM claims",
                                       "UPDATE retractions SET reason = 'x'"])
def test_nothing_is_updated_or_deleted_even_by_hand(store, statement):
    store.retract("hama-front", "duplicate", "analyst-a")
    with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
        conn.execute(text(statement))
    assert _ids(store.current()) == [i for i in SEED_IDS if i != "hama-front"]


def test_the_recorder_is_required(store):
    with pytest.raises(SchemaError, match="'recorded_by'"):
        store.record([_corrected(2600, "2025-01-10")], "")


def test_a_large_write_finds_each_things_latest_claim_across_its_lookups(store):
    """A write looks up its things' latest claims by the span of their ids, or over
    store/write_lookups.py's IN_CHUNK ids at a time: either way a thing, changed or not, is told
    apart from a new one."""
    from tests.store_writer import claims

    many = claims("bulk", 12_000)
    assert store.record(many, "analyst-a").summary(0) == \
        "12000 new, 0 changed, 0 unchanged, 0 retracted, 0 rejected"
    again = copy.deepcopy(many)
    for index in (0, 5_000, 11_999):  # one in each 5,000 looked up at once
        again[index]["count"]["value"] = 7
    again.append(_raw("hama-front"))  # from the seed, unchanged
    assert store.record(again, "analyst-a").summary(0) == \
        "0 new, 3 changed, 11998 unchanged, 0 retracted, 0 rejected"
    # Two ids far apart: thousands of claims sort between them, looked up by id.
    few = [copy.deepcopy(again[1]), copy.deepcopy(again[11_999])]
    few[1]["count"]["value"] = 8
    assert store.record(few, "analyst-a").summary(0) == \
        "0 new, 1 changed, 1 unchanged, 0 retracted, 0 rejected"

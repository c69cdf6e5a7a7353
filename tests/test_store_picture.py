"""A reader's picture of the store, brought forward by each write (store/picture.py),
against a brute-force oracle and a fresh reading, on both backends.

The oracle reads the claims and retractions tables whole with plain SQL and applies
the rule as written here: a thing's current claim as known on a day is its latest
claim reported by then (undated first, then by report day, then by recording), unless
a retraction reported by then closed that very claim. Things keep the order of their
first claim.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import json
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from geo.errors import SchemaError
from store.picture import Picture, StoreVersion, brought_forward, fresh_picture
from store.picture import trails_of as picture_trails
from store.reading_stats import read_counts
from tests.conftest import DATA_DIR, ROOT
from tests.test_import import env_store  # noqa: F401

RAW = {f["id"]: f for f in json.loads((DATA_DIR / "features.json").read_text(
    encoding="utf-8"))["features"]}
# Things the writes below touch: a plain point, two of a series (a series keeps to one
# layer, so moving one makes the other undrawable), and things of their own.
SEEDED = ("hama-front", "us-troops-iraq", "coalition-iraq-2009")
LAYERS = ("syria-front", "force-levels", "context")
DAYS = [None, *(dt.date(2024, 12, day) for day in range(1, 7))]
KNOWN_ON = (None, dt.date(2024, 12, 3), dt.date(2024, 1, 30))


def _version(store) -> StoreVersion:
    return StoreVersion.parse(store.version())


def _claim(thing: str, layer: str, reported_on: dt.date | None, value: int) -> dict:
    if reported_on is None:  # undated: reference geography, as a town is
        raw = copy.deepcopy(RAW["town-al-qaim"])
    else:
        raw = copy.deepcopy(RAW[thing] if thing in RAW else RAW["hama-front"])
        raw["reported_on"] = reported_on.isoformat()
    raw.update(id=thing, layer=layer, summary_en=f"Version {value}.")
    return raw


def _oracle(store, known_on: dt.date | None) -> tuple[list[str], list[tuple[str, str]]]:
    """(the open current claims' ids in order, (claim id, retracted claim id) pairs of the
    things a retraction closed, in the retractions' order), by brute force."""
    with store.engine.connect() as conn:
        claims = conn.execute(text(
            "SELECT fid, feature_id, reported_on, claim_id FROM claims")).all()
        retractions = conn.execute(text(
            "SELECT fid, claim_id, reported_on FROM retractions")).all()

    def day(value) -> dt.date | None:
        return None if value is None else dt.date.fromisoformat(str(value))

    def known(value) -> bool:
        return known_on is None or day(value) is None or day(value) <= known_on

    first: dict[str, int] = {}
    latest: dict[str, tuple] = {}
    for fid, thing, reported_on, claim_id in claims:
        first[thing] = min(first.get(thing, fid), fid)
        if not known(reported_on):
            continue
        rank = (day(reported_on) is not None, day(reported_on) or dt.date.min, fid)
        if thing not in latest or rank > latest[thing][0]:
            latest[thing] = (rank, claim_id)
    closing = {}
    for fid, claim_id, reported_on in sorted(retractions):
        if known_on is None or day(reported_on) <= known_on:
            closing.setdefault(claim_id, fid)
    things = sorted(latest, key=first.__getitem__)
    current = [latest[t][1] for t in things if latest[t][1] not in closing]
    closed = sorted((closing[latest[t][1]], latest[t][1]) for t in things
                    if latest[t][1] in closing)
    return current, [(claim_id, claim_id) for _, claim_id in closed]


def _seen(picture: Picture) -> tuple[list[str], list[tuple[str, str]]]:
    return ([c.claim_id for c in picture.current_claims],
            [(c.claim_id, r.claim_id) for c, r in picture.retracted])


def _layer_views(store, picture: Picture) -> dict[str, tuple]:
    """What each layer draws: its things' placements, and their trails (the cards)."""
    trails = picture_trails(store, picture)
    views: dict[str, list] = {}
    for placed in picture.placed:
        views.setdefault(placed.record.layer, []).append(
            (placed.record.id, picture.heads[placed.record.id].claim_id,
             trails.get(placed.record.id)))
    for gone in picture.undrawable:
        views.setdefault(gone.layer, []).append((gone.feature_id, gone.reason))
    return {layer: tuple(view) for layer, view in views.items()}


def _assert_same(store, picture: Picture) -> None:
    assert _seen(picture) == _oracle(store, picture.known_on)
    fresh = fresh_picture(store, picture.version, picture.known_on)
    assert _seen(fresh) == _seen(picture)
    assert [p.record.id for p in fresh.placed] == [p.record.id for p in picture.placed]
    assert [(u.feature_id, u.reason) for u in fresh.undrawable] == \
        [(u.feature_id, u.reason) for u in picture.undrawable]
    assert {layer: [p.record.id for p in features]
            for layer, features in fresh.by_layer.items()} == \
        {layer: [p.record.id for p in features]
         for layer, features in picture.by_layer.items() if features}
    assert fresh.recorded == picture.recorded
    assert picture_trails(store, fresh) == picture_trails(store, picture)
    assert _marks(fresh) == _marks(picture) == _marks_oracle(picture)


def _marks(picture: Picture) -> dict[str, int]:
    return {layer: mark for layer, mark in picture.layer_marks.items() if mark}


def _marks_oracle(picture: Picture) -> dict[str, int]:
    """Each layer's open claims' ids digested (blake2b, 16 bytes) and XOR-ed, by hand."""
    import hashlib

    marks: dict[str, int] = {}
    for placed_or_not in [*picture.placed, *picture.undrawable]:
        feature_id = getattr(placed_or_not, "feature_id", None) or placed_or_not.record.id
        head = picture.heads[feature_id]
        digest = hashlib.blake2b(head.claim_id.encode(), digest_size=16).digest()
        marks[head.layer] = marks.get(head.layer, 0) ^ int.from_bytes(digest, "big")
    return {layer: mark for layer, mark in marks.items() if mark}


WRITES = st.lists(st.one_of(
    st.tuples(st.just("claim"), st.sampled_from((*SEEDED, "own-0", "own-1")),
              st.sampled_from(LAYERS), st.sampled_from(DAYS), st.integers(0, 3)),
    st.tuples(st.just("retract"), st.sampled_from((*SEEDED, "own-0", "own-1")),
              st.sampled_from(DAYS[1:])),
    st.tuples(st.just("look"))), min_size=1, max_size=8)


@settings(max_examples=30, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(writes=WRITES, known_on=st.sampled_from(KNOWN_ON))
def test_a_picture_brought_forward_is_the_picture_read_afresh(store, writes, known_on):
    """Random writes (corrections, back-dated reports, moves between layers, undated
    claims, retractions on any day), the reader looking in between: at each look, what
    it holds equals the oracle and a fresh reading; it read only the new rows; and each
    layer whose drawing changed has a new layer version (the caches key on it)."""
    picture = fresh_picture(store, _version(store), known_on)
    views = _layer_views(store, picture)
    for write in (*writes, ("look",)):
        if write[0] == "claim":
            _, thing, layer, reported_on, value = write
            store.record([_claim(thing, layer, reported_on, value)], "analyst-a")
        elif write[0] == "retract":
            with contextlib.suppress(SchemaError):  # nothing open to retract
                store.retract(write[1], "withdrawn", "analyst-b", reported_on=write[2])
        else:
            version = _version(store)
            before, counts = picture, read_counts()
            picture = brought_forward(store, picture, version)
            read = read_counts()
            assert read.full_readings == counts.full_readings
            written = version.claims - before.version.claims
            assert read.claim_keys_read - counts.claim_keys_read == written
            assert read.records_read - counts.records_read <= written
            assert read.retractions_read - counts.retractions_read == \
                version.retractions - before.version.retractions
            _assert_same(store, picture)
            now = _layer_views(store, picture)
            for layer in now.keys() | views.keys():
                if now.get(layer) != views.get(layer):
                    assert picture.layer_version(layer) == version, layer
            views = now


def test_a_picture_is_not_taken_back_to_an_earlier_version(store):
    picture = fresh_picture(store, _version(store), None)
    earlier = picture.version
    store.record([_claim("own-0", "context", None, 1)], "analyst-a")
    later = brought_forward(store, picture, _version(store))
    with pytest.raises(ValueError, match="cannot bring version"):
        brought_forward(store, later, earlier)


def test_another_processs_write_costs_the_reader_its_own_claims(store_location, monkeypatch):
    """The process-wide reading (store/features.py): after another process records 3 and
    then 2 claims, the next reading shows them and has read 5 claims, not the store."""
    from store import features as store_features

    env = "DATABASE_URL" if store_location.startswith("postgresql") else "POSTURE_STORE"
    monkeypatch.setenv(env, store_location)
    store_features._picture.cache_clear()
    placed = {p.record.id for p in store_features.placed_features()}
    assert "writer-0" not in placed
    counts = read_counts()
    for prefix, count in (("writer", 3), ("second", 2)):
        subprocess.run([sys.executable, "-m", "tests.store_writer", store_location, prefix,
                        str(count)], cwd=ROOT, check=True, capture_output=True, timeout=120)
    with store_features.one_version():
        now = [p.record.id for p in store_features.placed_features()]
        trails = store_features.feature_trails()
        in_layer = [p.record.id for p in store_features.placed_in_layer("syria-front")]
    assert now[-5:] == ["writer-0", "writer-1", "writer-2", "second-0", "second-1"]
    assert in_layer[-5:] == now[-5:]
    assert trails["second-1"][0].recorded_by == "writer-second"
    read = read_counts()
    assert read.full_readings == counts.full_readings
    assert read.claim_keys_read - counts.claim_keys_read == 5
    assert read.records_read - counts.records_read == 5
    store_features._picture.cache_clear()


def test_a_series_tipping_into_another_layer_changes_the_layer_it_left(store):
    """A series keeps to its most used layer; the rest are undrawable. Two new members
    recorded in another layer tip it there: the old layer, which no write touched, now
    draws less, so its version moves too (or its cached script would draw them still)."""
    series = copy.deepcopy(RAW["us-troops-iraq"])
    store.record([_claim("us-troops-iraq", "context", dt.date(2024, 12, 2), 1)], "analyst-a")
    picture = fresh_picture(store, _version(store), None)
    assert "us-troops-iraq" in {u.feature_id for u in picture.undrawable}
    members = [{**series, "id": f"us-troops-iraq-{n}", "layer": "context"} for n in (1, 2)]
    store.record(members, "analyst-a")
    later = brought_forward(store, picture, _version(store))
    undrawable = {u.feature_id for u in later.undrawable}
    assert {"coalition-iraq-2009", "coalition-iraq-2011"} <= undrawable
    assert "us-troops-iraq" not in undrawable
    assert later.layer_version("force-levels") == later.version
    _assert_same(store, later)


def test_a_whole_reading_leaves_the_collector_as_it_found_it(store, monkeypatch):
    """The cyclic collector is held off while a reading builds (store/collection.py),
    then turned back on, even when the reading fails, and not turned on where it was off."""
    import gc

    from store import picture as picture_module

    was_on = gc.isenabled()
    try:
        gc.enable()
        held = fresh_picture(store, _version(store), None)
        assert held.placed
        assert gc.isenabled()
        gc.disable()
        assert fresh_picture(store, _version(store), None).placed
        assert not gc.isenabled()
        gc.enable()

        def failing(*_args, **_kwargs):
            assert not gc.isenabled()  # held off within
            raise RuntimeError("the store went away")

        monkeypatch.setattr(picture_module, "_merged", failing)
        with pytest.raises(RuntimeError, match="went away"):
            fresh_picture(store, _version(store), None)
        assert gc.isenabled()
    finally:
        (gc.enable if was_on else gc.disable)()


def test_a_write_places_only_what_it_touched(store, monkeypatch):
    """store/placed_forward.py: a correction, a new thing, a retraction and a move are
    each placed alone, the placing before copied around them, and the picture equals a
    fresh reading; a thing back in view mid-order is placed whole. The whole placing is
    made to fail where it must not be needed."""
    from store import picture as picture_module

    def whole_placing(*_args, **_kwargs):
        raise AssertionError("the whole store was placed again")

    picture = fresh_picture(store, _version(store), None)
    _ = picture.by_layer
    steps = [
        ("a correction", lambda: store.record([_claim("hama-front", "syria-front",
                                                        dt.date(2024, 12, 5), 1)], "a")),
        ("a new thing", lambda: store.record([_claim("own-0", "syria-front",
                                                       dt.date(2024, 12, 5), 2)], "a")),
        ("a retraction", lambda: store.retract("own-0", "withdrawn", "b")),
        ("a move", lambda: store.record([_claim("hama-front", "context",
                                                  dt.date(2024, 12, 6), 3)], "a")),
    ]
    for what, write in steps:
        write()
        with monkeypatch.context() as patch:
            patch.setattr(picture_module, "place_claims", whole_placing)
            picture = brought_forward(store, picture, _version(store))
            _ = picture.by_layer
        assert picture._forward is not None, what
        _assert_same(store, picture)
    # Back in view mid-order: hama-front (the seed's) again, after its retraction.
    store.retract("hama-front", "withdrawn", "b")
    picture = brought_forward(store, picture, _version(store))
    _ = picture.by_layer
    store.record([_claim("hama-front", "syria-front", dt.date(2024, 12, 7), 4)], "a")
    picture = brought_forward(store, picture, _version(store))
    _ = picture.by_layer
    _assert_same(store, picture)
    assert picture._forward is None


def test_as_known_on_a_day_after_every_report_the_picture_is_todays(env_store):  # noqa: F811
    """From the latest report on (a claim's or a retraction's), a known-on day's picture
    is today's, not read again; a day before a late retraction is its own. Each against
    the store's own SQL reading (store/sql.py's `current`), on both backends."""
    from store import open_store
    from store.features import placed_features, retracted_things, store_version
    from tests.conftest import clear_data_caches

    store = open_store(env_store)
    store.record([_claim("own-0", "syria-front", dt.date(2030, 1, 10), 1)], "analyst-a")
    store.retract("own-0", "withdrawn", "analyst-b", reported_on=dt.date(2030, 1, 20))

    def expected(known_on):
        return [c.feature_id for c in store.current(known_on)]

    clear_data_caches()
    today = placed_features()
    assert store_version()
    for day, same in ((dt.date(2030, 1, 20), True), (dt.date(2030, 2, 1), True),
                      (dt.date(2030, 1, 19), False), (dt.date(2030, 1, 10), False)):
        placed = placed_features(day)
        assert (placed is today) == same, day
        assert [p.record.id for p in placed] == expected(day), day
    assert "own-0" in [p.record.id for p in placed_features(dt.date(2030, 1, 19))]
    assert "own-0" in [c.feature_id for c, _ in retracted_things(dt.date(2030, 1, 20))]
    store.close()

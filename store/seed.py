"""Seed the store from the committed data, once per change of the data.

The seed is recorded by "seed" and compared with the seed's own latest claims, not
with the current ones: an analyst's correction or retraction of a seed feature is
never undone by the next start, and an unchanged seed adds nothing.
"""

from __future__ import annotations

from dataclasses import replace

from geo.features import load_features, seed_raws
from geo.schema import FEATURES_FILE
from store.records import RecordResult
from store.sql import SqlStore

__all__ = ["SEED_RECORDER", "seed"]

SEED_RECORDER = "seed"


def seed(store: SqlStore) -> RecordResult:
    """Record the committed data's changes since the last seeding; a thing the data no
    longer holds is retracted, unless an analyst has recorded it since."""
    load_features()  # the seed file's own checks: unique ids, actors, series
    raws = seed_raws()
    result = store.record(raws, SEED_RECORDER, compare="own", source=FEATURES_FILE)
    kept = {raw["id"] for raw in raws}
    # Only the seed's own current claims are read: every start seeds, and a store of
    # 100,000 imported claims must not be parsed whole for it.
    gone = [claim.feature_id for claim in store.current(recorded_by=SEED_RECORDER)
            if claim.feature_id not in kept]
    for feature_id in gone:
        store.retract(feature_id, "no longer in the committed seed data", SEED_RECORDER)
    return replace(result, retracted=len(gone))

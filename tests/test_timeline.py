"""Posture as of a date, at and around validity boundaries, and what changed between dates."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from geo.errors import SchemaError
from geo.features import placed_features
from geo.schema import parse_feature
from geo.timeline import changes_between, features_at, valid_at
from tests.conftest import DATA_DIR, load_json

D = dt.date
RECORDS = {p.record.id: p.record for p in placed_features()}
JAN, DEC = D(2024, 1, 25), D(2024, 12, 2)


def ids_at(date):
    return {p.record.id for p in features_at(placed_features(), date)}


@pytest.mark.parametrize(("feature_id", "date", "shown"), [
    ("pmf-crossing-into-syria", D(2024, 11, 30), False),
    ("pmf-crossing-into-syria", D(2024, 12, 1), True),  # the first day is included
    ("pmf-crossing-into-syria", D(2026, 1, 1), True),  # open end
    ("coalition-iraq-2009", D(2009, 12, 30), False),
    ("coalition-iraq-2009", D(2009, 12, 31), True),
    ("coalition-iraq-2009", D(2011, 12, 30), True),  # the last day is included
    ("coalition-iraq-2009", D(2011, 12, 31), False),
    ("coalition-iraq-2011", D(2011, 12, 31), True),
    ("city-baghdad", D(1990, 1, 1), True),  # reference geography: always
])
def test_validity_boundaries(feature_id, date, shown):
    assert valid_at(RECORDS[feature_id], date) is shown


def test_january_2024_has_no_armour_on_the_sector_and_no_pmf_crossing():
    at_jan = ids_at(JAN)
    assert "alqaim-jordan-armour" not in at_jan
    assert "pmf-crossing-into-syria" not in at_jan
    assert {"us-troops-iraq", "us-troops-syria", "iraq-syria-border"} <= at_jan


def test_december_2024_has_both():
    at_dec = ids_at(DEC)
    assert {"alqaim-jordan-armour", "pmf-crossing-into-syria", "aleppo-taken"} <= at_dec


def test_no_date_means_everything():
    assert len(features_at(placed_features(), None)) == len(placed_features())


def test_changes_from_january_to_december_2024():
    changes = changes_between(placed_features(), JAN, DEC)
    assert set(changes.appeared) == {"alqaim-jordan-armour", "nineveh-nw-reinforcement",
                                     "pmf-crossing-into-syria", "aleppo-taken", "idlib-taken",
                                     "hama-front"}
    assert changes.ended == ()
    assert changes.changed == ()


def test_a_new_count_in_a_series_is_a_change_not_an_appearance():
    changes = changes_between(placed_features(), D(2010, 6, 1), D(2012, 6, 1))
    assert changes.changed == ("coalition-iraq",)
    assert changes.appeared == ()
    assert changes.ended == ()


def test_going_back_in_time_reverses_appeared_and_ended():
    forward = changes_between(placed_features(), JAN, DEC)
    backward = changes_between(placed_features(), DEC, JAN)
    assert backward.ended == forward.appeared
    assert backward.appeared == forward.ended


def test_inverted_validity_is_refused():
    raw = copy.deepcopy(load_json(DATA_DIR / "features.json")["features"][5])
    raw.update(valid_from="2024-12-05", valid_to="2024-12-01")
    with pytest.raises(SchemaError, match="valid_from 2024-12-05 is after valid_to"):
        parse_feature(raw, 0)


def test_every_reported_feature_says_from_when_it_is_shown():
    for record in RECORDS.values():
        if record.confidence != "reference" and record.id != "iraq-syria-border":
            assert record.valid_from is not None, record.id
            assert record.validity_note, record.id

"""Posture as of a date, at and around validity boundaries, and what changed between dates."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from geo.errors import SchemaError
from geo.schema import parse_feature
from geo.timeline import (
    changes_between,
    features_at,
    holds_from,
    holds_on,
    latest_report,
    months_before,
    stale_at,
)
from store.features import placed_features
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
    ("iraq-syria-border", D(2009, 1, 1), True),  # the line from the map's first date
    ("us-troops-syria", D(2024, 1, 24), False),  # from its as_of date, never before
    ("us-troops-syria", D(2024, 1, 25), True),
])
def test_validity_boundaries(feature_id, date, shown):
    assert holds_on(RECORDS[feature_id], date) is shown


def _imported(**fields):
    """A claim as an analyst's CSV gives it: a date, no valid_from or valid_to."""
    raw = {"id": "report.1", "layer": "imported", "symbol": "point", "name_en": "Patrol",
           "name_ar": "دورية", "kind": "patrol", "kind_ar": "دورية", "actor_en": "PMF",
           "actor_ar": "الحشد", "summary_en": "A patrol.", "summary_ar": "دورية.",
           "count": {"words_en": "dozens", "words_ar": "العشرات"},
           "as_of": "2024-12-05", "reported_on": "2024-12-05",
           "sources": [{"who": "Shafaq News", "who_ar": "شفق نيوز"}],
           "confidence": "media", "geometry_approximate": False, "geometry_note": "As given.",
           "geometry_note_ar": "كما ورد.",
           "geometry": {"type": "Point", "coordinates": [41.1, 34.4]},
           **fields}
    return parse_feature(raw, 0, "test")


@pytest.mark.parametrize(("fields", "date", "shown"), [
    ({}, D(2019, 6, 1), False),  # the analyst's bug report: drawn in 2019
    ({}, D(2024, 12, 4), False),  # the day before its as_of date
    ({}, D(2024, 12, 5), True),  # its as_of date: the first day
    ({}, D(2026, 1, 1), True),  # no end given: open
    ({"valid_from": "2024-12-01"}, D(2024, 12, 1), True),  # valid_from wins over as_of
    ({"valid_from": "2024-12-01"}, D(2024, 11, 30), False),
    ({"valid_to": "2024-12-06"}, D(2024, 12, 6), True),  # the last day is included
    ({"valid_to": "2024-12-06"}, D(2024, 12, 7), False),
])
def test_a_claim_without_valid_from_holds_from_its_as_of_date(fields, date, shown):
    record = _imported(**fields)
    assert holds_on(record, date) is shown
    assert holds_from(record) == D.fromisoformat(fields.get("valid_from", "2024-12-05"))


def test_january_2024_has_no_armour_on_the_sector_and_no_pmf_crossing():
    at_jan = ids_at(JAN)
    assert "alqaim-jordan-armour" not in at_jan
    assert "pmf-crossing-into-syria" not in at_jan
    assert {"us-troops-iraq", "us-troops-syria", "iraq-syria-border"} <= at_jan


def test_december_2024_has_both():
    at_dec = ids_at(DEC)
    assert {"alqaim-jordan-armour", "pmf-crossing-into-syria", "aleppo-taken"} <= at_dec


def test_no_date_means_every_feature_but_only_the_latest_of_a_series():
    # The coalition's 131,000 (end 2009) and 0 (end 2011) are superseded by the US
    # figure of January 2024 in the series of US-led forces in Iraq (FACTS F1, F3).
    assert ids_at(None) == {p.record.id for p in placed_features()} - {
        "coalition-iraq-2009", "coalition-iraq-2011"}


@pytest.mark.parametrize(("date", "shown"), [
    (D(2010, 6, 1), "coalition-iraq-2009"),  # 131,000 at the end of 2009
    (D(2012, 6, 1), "coalition-iraq-2011"),  # 0 at the end of 2011
    (D(2024, 1, 24), "coalition-iraq-2011"),  # still the latest word the day before
    (D(2024, 1, 25), "us-troops-iraq"),  # ~2,500 from the report of 25 January 2024
    (D(2026, 11, 30), "us-troops-iraq"),
])
def test_us_led_forces_in_iraq_are_one_series(date, shown):
    in_series = {"coalition-iraq-2009", "coalition-iraq-2011", "us-troops-iraq"}
    assert ids_at(date) & in_series == {shown}


def test_the_count_change_from_zero_to_2500_is_a_change_of_the_series():
    changes = changes_between(placed_features(), D(2012, 6, 1), JAN)
    assert changes.changed == ("us-led-forces-iraq",)
    assert "us-troops-iraq" not in changes.appeared
    assert "coalition-iraq-2011" not in changes.ended


@pytest.mark.parametrize(("date", "months", "stale"), [
    # On 2 December 2024, only the 2020 estimate (F4) is over a year old.
    (DEC, 12, {"iraq-armed-forces"}),
    # Six months back from 2 December is 2 June: January's US figures are older.
    (DEC, 6, {"iraq-armed-forces", "us-troops-iraq", "us-troops-syria"}),
    # On 25 January 2024 the US figures are new.
    (JAN, 12, {"iraq-armed-forces"}),
    # Two years on, every dated claim of the report is old.
    (D(2026, 11, 30), 12, {"iraq-armed-forces", "us-troops-iraq", "us-troops-syria",
                           "alqaim-jordan-armour", "nineveh-nw-reinforcement",
                           "pmf-crossing-into-syria", "aleppo-taken", "idlib-taken",
                           "hama-front", "iraq-syria-border"}),
])
def test_old_figures_are_stale(date, months, stale):
    assert set(stale_at(features_at(placed_features(), date), date, months)) == stale


@pytest.mark.parametrize(("date", "months", "before"), [
    (D(2024, 12, 2), 12, D(2023, 12, 2)),
    (D(2024, 3, 31), 1, D(2024, 2, 29)),  # a leap year's February
    (D(2023, 3, 31), 1, D(2023, 2, 28)),
    (D(2024, 1, 15), 1, D(2023, 12, 15)),  # across a year
    (D(2024, 12, 31), 24, D(2022, 12, 31)),
])
def test_months_before(date, months, before):
    assert months_before(date, months) == before


def test_the_default_date_is_the_latest_report():
    # FACTS.md: Part 2 was reported on Monday 2024-12-02.
    assert latest_report(placed_features()) == DEC


def test_changes_from_january_to_december_2024():
    changes = changes_between(placed_features(), JAN, DEC)
    assert set(changes.appeared) == {"alqaim-jordan-armour", "nineveh-nw-reinforcement",
                                     "pmf-crossing-into-syria", "aleppo-taken", "idlib-taken",
                                     "hama-front"}
    assert changes.ended == ()
    assert changes.changed == ()


def test_a_new_count_in_a_series_is_a_change_not_an_appearance():
    changes = changes_between(placed_features(), D(2010, 6, 1), D(2012, 6, 1))
    assert changes.changed == ("us-led-forces-iraq",)
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


@pytest.mark.parametrize(("fields", "shown"), [
    ({}, "from <bdi>2024-12-05</bdi>, with no end given"),  # from its as_of date
    ({"valid_to": "2024-12-06"}, "from <bdi>2024-12-05</bdi> to <bdi>2024-12-06</bdi>"),
    ({"valid_from": "2024-12-01"}, "from <bdi>2024-12-01</bdi>, with no end given"),
])
def test_the_card_says_when_the_map_shows_a_claim(fields, shown):
    from layers.tooltip import feature_card_html

    card = feature_card_html(_imported(**fields))
    assert shown in card
    assert "at every date" not in card

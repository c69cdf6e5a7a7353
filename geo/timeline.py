"""Posture at a date, and what changed between two dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from geo.features import PlacedFeature
from geo.schema import FeatureRecord

__all__ = ["FIRST_DATE", "Changes", "changes_between", "date_out_of_range", "features_at",
           "valid_at"]

# The earliest date the map can show: the seed's oldest figure is the end of 2009.
FIRST_DATE = dt.date(2009, 1, 1)


def date_out_of_range(date: dt.date) -> bool:
    """True for a date the map cannot show: before FIRST_DATE or after today.

    The app's date sliders, its links and the command line all keep to this.
    """
    return not FIRST_DATE <= date <= dt.date.today()


def valid_at(record: FeatureRecord, date: dt.date) -> bool:
    """True if the map shows the feature on `date` (both ends of the interval included)."""
    if record.valid_from is not None and date < record.valid_from:
        return False
    return record.valid_to is None or date <= record.valid_to


def features_at(features: Iterable[PlacedFeature], date: dt.date | None) -> list[PlacedFeature]:
    """The features shown as of `date`; None means no date filter."""
    return [p for p in features if date is None or valid_at(p.record, date)]


@dataclass(frozen=True)
class Changes:
    appeared: tuple[str, ...]  # feature ids shown at `until` and not at `since`
    ended: tuple[str, ...]  # shown at `since` and not at `until`
    changed: tuple[str, ...]  # series whose count differs between the two dates


def changes_between(features: Iterable[PlacedFeature], since: dt.date,
                    until: dt.date) -> Changes:
    features = list(features)
    before = {p.record.id: p.record for p in features if valid_at(p.record, since)}
    after = {p.record.id: p.record for p in features if valid_at(p.record, until)}

    def by_series(records: dict[str, FeatureRecord]) -> dict[str, FeatureRecord]:
        return {r.series: r for r in records.values() if r.series}

    series_before, series_after = by_series(before), by_series(after)
    changed = tuple(sorted(
        name for name in series_before.keys() & series_after.keys()
        if series_before[name].count != series_after[name].count))
    # A new value in a series is a change of count, not a feature appearing and ending.
    in_changed = {r.id for name in changed for r in (series_before[name], series_after[name])}
    return Changes(
        appeared=tuple(sorted(set(after) - set(before) - in_changed)),
        ended=tuple(sorted(set(before) - set(after) - in_changed)),
        changed=changed,
    )

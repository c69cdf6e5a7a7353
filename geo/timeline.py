"""Posture at a date, and what changed between two dates: the one time model.

A claim holds from its `valid_from` or, where none is given, from its `as_of` date (the
day its source says it was so), never before; it holds until its `valid_to`. An event
with no interval of its own holds on its day only. Reference geography (no `as_of`, no
interval) is no claim and holds at every date. Of the things in one series, the newest
figure holding on a day supersedes the older ones; a thing's newer claim replaces its
older one as known on a day (store/sql.py's `current`), and a retraction closes it.
Everything that asks "is it shown on this day?" calls `holds_on` and `features_at`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from geo.features import PlacedFeature
from geo.schema import FeatureRecord

__all__ = ["DEFAULT_STALE_MONTHS", "FIRST_DATE", "STALE_MONTHS_RANGE", "Changes",
           "changes_between", "changes_in_knowledge", "date_out_of_range", "features_at",
           "holds_from", "holds_on", "holds_until", "latest_report", "months_before",
           "stale_at"]

# The earliest date the map can show: the seed's oldest figure is the end of 2009.
FIRST_DATE = dt.date(2009, 1, 1)
# A figure older than this before the as-of date is drawn faded.
DEFAULT_STALE_MONTHS = 12
STALE_MONTHS_RANGE = (1, 240)


def date_out_of_range(date: dt.date) -> bool:
    """True for a date the map cannot show: before FIRST_DATE or after today.

    The app's date sliders, its links and the command line all keep to this.
    """
    return not FIRST_DATE <= date <= dt.date.today()


def latest_report(features: Iterable[PlacedFeature]) -> dt.date | None:
    """The latest reporting date in the data: the honest default date of the map."""
    dates = [p.record.reported_on for p in features if p.record.reported_on is not None]
    return max(dates, default=None)


def holds_from(record: FeatureRecord) -> dt.date | None:
    """The first day the claim holds: its valid_from, else its as_of date (None:
    reference geography, which holds at every date). The posture table's "since"."""
    return record.valid_from or record.as_of


def holds_until(record: FeatureRecord) -> dt.date | None:
    """The last day the claim holds (None: open). An event without an interval of its
    own holds on its day only."""
    if record.valid_to is not None:
        return record.valid_to
    if record.event is not None and record.valid_from is None:
        return record.as_of
    return None


def holds_on(record: FeatureRecord, date: dt.date) -> bool:
    """True if the claim holds in the world on `date`, both ends included."""
    start = holds_from(record)
    if start is not None and date < start:
        return False
    end = holds_until(record)
    return end is None or date <= end


def features_at(features: Iterable[PlacedFeature], date: dt.date | None) -> list[PlacedFeature]:
    """The features shown as of `date` (None: at any date).

    Within a series (one force in one country), a figure is shown only until a
    newer one supersedes it: of the members valid at the date, the latest.
    """
    valid = [p for p in features if date is None or holds_on(p.record, date)]
    latest: dict[str, PlacedFeature] = {}
    for p in valid:
        series = p.record.series
        if series and (series not in latest or _as_of_key(p) > _as_of_key(latest[series])):
            latest[series] = p
    return [p for p in valid if not p.record.series or latest[p.record.series] is p]


def _as_of_key(p: PlacedFeature) -> dt.date:
    return p.record.as_of or dt.date.min


def months_before(date: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier (the month's last day if shorter)."""
    index = date.year * 12 + date.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    next_month = dt.date(year + month // 12, month % 12 + 1, 1)
    return dt.date(year, month, min(date.day, (next_month - dt.timedelta(days=1)).day))


def stale_at(features: Iterable[PlacedFeature], date: dt.date | None,
             months: int = DEFAULT_STALE_MONTHS) -> list[str]:
    """Ids of the dated features whose figure is older than `months` before `date`:
    still the latest word, but drawn faded, with its date."""
    if date is None:
        return []
    cutoff = months_before(date, months)
    return [p.record.id for p in features
            if p.record.as_of is not None and p.record.as_of < cutoff]


@dataclass(frozen=True)
class Changes:
    appeared: tuple[str, ...]  # feature ids shown at `until` and not at `since`
    ended: tuple[str, ...]  # shown at `since` and not at `until`
    changed: tuple[str, ...]  # series whose count differs between the two dates
    # Shown at both, but said differently: a claim corrected in between (knowledge axis).
    corrected: tuple[str, ...] = ()


def changes_between(features: Iterable[PlacedFeature], since: dt.date,
                    until: dt.date) -> Changes:
    """What changed in the world: the features shown at `since` against those at `until`."""
    features = list(features)
    return _changes(features_at(features, since), features_at(features, until))


def changes_in_knowledge(known_then: Iterable[PlacedFeature],
                         known_now: Iterable[PlacedFeature], as_of: dt.date) -> Changes:
    """What changed in what was known: the posture as of one date, as known at two times
    (a report arrived, a claim was corrected or retracted in between)."""
    return _changes(features_at(known_then, as_of), features_at(known_now, as_of))


def _changes(then: Iterable[PlacedFeature], now: Iterable[PlacedFeature]) -> Changes:
    before = {p.record.id: p.record for p in then}
    after = {p.record.id: p.record for p in now}

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
        corrected=tuple(sorted(i for i in before.keys() & after.keys()
                               if before[i] != after[i] and i not in in_changed)),
    )

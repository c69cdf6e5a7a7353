"""What changed between two days, everything at once: what appeared, what ended and
whose count changed in the world (the time model, geo/timeline.py), and what was
corrected or retracted in what was known; each with who recorded it and on whose
word. "What changed this week?" is the first thing an analyst asks; the page's
"What changed" section and `posture-export --changes-since` both read this."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from geo.claims import Claim, Retraction, TrailEntry
from geo.features import PlacedFeature
from geo.schema import FeatureRecord
from geo.timeline import features_at, holds_from, holds_until

__all__ = ["CHANGE_KINDS", "ChangeItem", "ChangeReport", "what_changed"]

CHANGE_KINDS = ("appeared", "ended", "count_changed", "corrected", "retracted")


@dataclass(frozen=True)
class ChangeItem:
    kind: str  # one of CHANGE_KINDS
    record: FeatureRecord  # the claim now; of what ended or was retracted, its last claim
    day: dt.date | None  # the day it began or ended holding, or was reported or retracted
    recorded_by: str
    recorded_at: dt.datetime | None
    before: FeatureRecord | None = None  # a count change's earlier figure
    raws: tuple[dict[str, Any], dict[str, Any]] | None = None  # a correction's two claims
    reason: str | None = None  # a retraction's

    @property
    def feature_id(self) -> str:
        return self.record.id


@dataclass(frozen=True)
class ChangeReport:
    since: dt.date
    until: dt.date
    items: tuple[ChangeItem, ...]
    # Events are counted, not listed: a week of ACLED is thousands of rows.
    events_by_layer: Mapping[str, int] = field(default_factory=dict)

    def of(self, kind: str) -> tuple[ChangeItem, ...]:
        return tuple(item for item in self.items if item.kind == kind)


def _corrections(trails: Mapping[str, tuple[TrailEntry, ...]], since: dt.date,
                 until: dt.date
                 ) -> dict[str, tuple[dict[str, Any], dict[str, Any], TrailEntry]]:
    """Things a claim reported in (since, until] corrected: what the thing said before
    the first such claim, what the last one says, and the last one's trail entry."""
    found = {}
    for feature_id, trail in trails.items():
        if len(trail) < 2:  # one claim: nothing corrected
            continue
        inside = [(e, e.raws) for e in trail if e.raws is not None
                  and e.raws[1].get("reported_on")
                  and since < dt.date.fromisoformat(e.raws[1]["reported_on"]) <= until]
        if inside:
            found[feature_id] = (inside[0][1][0], inside[-1][1][1], inside[-1][0])
    return found


def what_changed(features: Iterable[PlacedFeature], since: dt.date, until: dt.date, *,
                 recorded: Mapping[str, tuple[str, dt.datetime]],
                 trails: Mapping[str, tuple[TrailEntry, ...]],
                 retracted: Sequence[tuple[Claim, Retraction]],
                 keep: Callable[[FeatureRecord], bool] = lambda record: True
                 ) -> ChangeReport:
    """Between `since` (excluded) and `until` (included), of `features` (each thing's
    current claim as known on the view's known-on day) that `keep` keeps:

    - appeared / ended: shown on `until` and not on `since`, or the other way round;
    - count_changed: a series whose figure on `until` differs from that on `since`;
    - corrected: a thing a claim reported in between changed;
    - retracted: a claim a retraction reported in between closed.
    """
    events: dict[str, int] = {}
    posture = []
    for p in features:  # 100,000 events in a large store: the window first, then `keep`
        record = p.record
        if record.event is None:
            if keep(record):
                posture.append(p)
        elif record.as_of is not None and since < record.as_of <= until and keep(record):
            events[record.layer] = events.get(record.layer, 0) + 1
    then = {p.record.id: p.record for p in features_at(posture, since)}
    now = {p.record.id: p.record for p in features_at(posture, until)}

    def who(record: FeatureRecord) -> tuple[str, dt.datetime | None]:
        return recorded.get(record.id, ("", None))

    items: list[ChangeItem] = []
    series_then = {r.series: r for r in then.values() if r.series}
    series_now = {r.series: r for r in now.values() if r.series}
    in_series_change = set()
    for name in sorted(series_then.keys() & series_now.keys()):
        before, after = series_then[name], series_now[name]
        if before.count != after.count:
            in_series_change |= {before.id, after.id}
            items.append(ChangeItem("count_changed", after, holds_from(after), *who(after),
                                    before=before))
    for feature_id in sorted(now.keys() - then.keys() - in_series_change):
        record = now[feature_id]
        items.append(ChangeItem("appeared", record, holds_from(record), *who(record)))
    for feature_id in sorted(then.keys() - now.keys() - in_series_change):
        record = then[feature_id]
        items.append(ChangeItem("ended", record, holds_until(record), *who(record)))
    current = {p.record.id: p.record for p in posture}
    for feature_id, (before_raw, after_raw, last) in sorted(
            _corrections(trails, since, until).items()):
        if feature_id not in current:  # retracted since, or left out by `keep`
            continue
        items.append(ChangeItem("corrected", current[feature_id],
                                dt.date.fromisoformat(after_raw["reported_on"]),
                                last.recorded_by, last.recorded_at,
                                raws=(before_raw, after_raw)))
    for claim, retraction in retracted:
        if since < retraction.reported_on <= until and claim.record.event is None \
                and keep(claim.record):
            items.append(ChangeItem("retracted", claim.record, retraction.reported_on,
                                    retraction.recorded_by, retraction.recorded_at,
                                    reason=retraction.reason))
    # Within each kind, in the order things happened: "what changed this week" as a log.
    items.sort(key=lambda item: (CHANGE_KINDS.index(item.kind), item.day or dt.date.min,
                                 item.feature_id))
    return ChangeReport(since, until, tuple(items), events)

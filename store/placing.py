"""Where each current claim lands on the map (geo/features.py's place_each), each claim
placed once in the process and shared by every picture that holds it (store/picture.py)."""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence

from geo.claims import Claim
from geo.errors import SchemaError
from geo.features import PlacedFeature, Undrawable, place_each
from geo.schema import FeatureRecord
from store.reading_stats import PROGRESS_EVERY, report_progress

__all__ = ["Placement", "has_series", "place_claims"]

Placement = PlacedFeature | Undrawable


def _unreadable(claim: Claim, error: SchemaError) -> Undrawable:
    return Undrawable(claim.feature_id, claim.layer,
                      str(error).split(": ", 1)[-1], None)


def has_series(claim: Claim) -> bool:
    try:
        return claim.record.series is not None
    except SchemaError:
        return False  # unreadable: no series to check


def place_claims(claims: Sequence[Claim], placements: MutableMapping[str, Placement], *,
                 report: bool = False
                 ) -> tuple[tuple[PlacedFeature, ...], tuple[Undrawable, ...]]:
    """geo/features.py's place_each over the current claims, each claim placed once in the
    process: only the claims of a series are placed together each time, since whether a
    series spans layers depends on all of them.
    `placements`: where claims were placed already, by claim id (filled in here);
    `report`: say how far it has come (a whole reading's first placing)."""
    found: list[Placement | None] = [placements.get(c.claim_id) for c in claims]
    alone: list[tuple[Claim, FeatureRecord]] = []  # placed for good, the batch at once
    series_records = []
    for index, claim in enumerate(claims):
        if report and index % PROGRESS_EVERY == 0:
            report_progress("placing", index, len(claims))
        if found[index] is not None:
            continue
        try:
            record = claim.record
        except SchemaError as e:  # unreadable, so no series to check: placed for good
            found[index] = placements[claim.claim_id] = _unreadable(claim, e)
            continue
        if record.series is not None:
            series_records.append(record)
        else:
            alone.append((claim, record))
    # Claims outside a series are placed for good, each as if alone: their ids are
    # unique among current claims, so the batch finds no problem across them.
    placed, undrawable = place_each(record for _, record in alone)
    by_id: dict[str, Placement] = {p.record.id: p for p in placed}
    by_id.update({u.feature_id: u for u in undrawable})
    for claim, _ in alone:
        placements[claim.claim_id] = by_id[claim.feature_id]
    in_series: dict[str, Placement] = {}
    placed, undrawable = place_each(series_records)
    in_series.update({p.record.id: p for p in placed})
    in_series.update({u.feature_id: u for u in undrawable})
    found = [placement or placements.get(claim.claim_id)
             for claim, placement in zip(claims, found, strict=True)]
    kept_placed: list[PlacedFeature] = []
    kept_undrawable: list[Undrawable] = []
    unreadable: list[Undrawable] = []
    for claim, placement in zip(claims, found, strict=True):
        placement = placement or in_series[claim.feature_id]
        if isinstance(placement, PlacedFeature):
            kept_placed.append(placement)
        elif placement.feature is None:
            unreadable.append(placement)
        else:
            kept_undrawable.append(placement)
    if report:
        report_progress("placing", len(claims), len(claims))
    # As the full reading orders them: the drawable's problems, then the unreadable.
    return tuple(kept_placed), (*kept_undrawable, *unreadable)

"""Where each current claim lands on the map (geo/features.py's place_each), each claim
placed once in the process and shared by every picture that holds it (store/picture.py)."""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence

from geo.claims import Claim
from geo.errors import SchemaError
from geo.features import PlacedFeature, Undrawable, place_each
from store.reading_stats import PROGRESS_EVERY, report_progress

__all__ = ["Placement", "has_series", "place_claims"]

Placement = PlacedFeature | Undrawable


def _placement(claim: Claim) -> Placement:
    try:
        record = claim.record
    except SchemaError as e:  # valid when written, not under today's schema
        return Undrawable(claim.feature_id, str(claim.raw.get("layer", "")),
                          str(e).split(": ", 1)[-1], None)
    placed, undrawable = place_each([record])
    return placed[0] if placed else undrawable[0]


def has_series(claim: Claim) -> bool:
    return claim.raw.get("series") is not None


def place_claims(claims: Sequence[Claim], placements: MutableMapping[str, Placement], *,
                 report: bool = False
                 ) -> tuple[tuple[PlacedFeature, ...], tuple[Undrawable, ...]]:
    """geo/features.py's place_each over the current claims, each claim placed once in the
    process: only the claims of a series are placed together each time, since whether a
    series spans layers depends on all of them.
    `placements`: where claims were placed already, by claim id (filled in here);
    `report`: say how far it has come (a whole reading's first placing)."""
    found: list[Placement | None] = [placements.get(c.claim_id) for c in claims]
    in_series: dict[str, Placement] = {}
    series_records = []
    for index, claim in enumerate(claims):
        if report and index % PROGRESS_EVERY == 0:
            report_progress("placing", index, len(claims))
        if found[index] is not None:
            continue
        placement = _placement(claim)
        if not has_series(claim) or (isinstance(placement, Undrawable)
                                      and placement.feature is None):
            # No series (or unreadable, so none to check): placed for good.
            found[index] = placements[claim.claim_id] = placement
        else:
            series_records.append(claim.record)
    placed, undrawable = place_each(series_records)
    in_series.update({p.record.id: p for p in placed})
    in_series.update({u.feature_id: u for u in undrawable})
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

"""A picture's placing and its layers brought forward from the picture before a write.

After a write, a picture brought forward (store/picture.py) differs from the one before in
its touched things only. Placing all 1,000,000 current claims again to find them cost a
reader 1.6 s per write; here only the touched things are placed, and the placing before is
copied with them replaced, dropped or added. Where that could not keep the order a whole
placing gives (a thing back in view in the middle of the order, a series, a thing now
undrawable, a thing moved between layers), these return None and the picture is placed
whole. tests/test_store_picture.py holds the result equal to a fresh reading's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from geo.features import PlacedFeature, Undrawable
from store.placing import has_series, place_claims

if TYPE_CHECKING:
    from store.picture import Picture

__all__ = ["Forward", "layers_forward", "placed_forward"]


@dataclass(frozen=True)
class Forward:
    """What a write changed in the placing: things placed anew (by id), things gone."""

    replaced: dict[str, PlacedFeature]
    arrived: tuple[PlacedFeature, ...]  # new to the store, after every thing before
    gone: frozenset[str]
    moved: bool  # a thing replaced in another layer than before


def _open(picture: Picture, feature_id: str) -> bool:
    head = picture.heads.get(feature_id)
    return head is not None and head.claim_id not in picture.closed


def placed_forward(picture: Picture, earlier: Picture
                   ) -> tuple[tuple[PlacedFeature, ...], tuple[Undrawable, ...], Forward] | None:
    """(placed, undrawable, what changed) from `earlier`'s placing, or None: place whole."""
    done = earlier.__dict__.get("_placed")
    touched = picture.touched
    if done is None or touched is None:
        return None
    placed_before, undrawable_before = done
    for feature_id in touched:
        for claims in (picture.claims, earlier.claims):
            claim = claims.get(feature_id)
            if claim is not None and has_series(claim):
                return None  # a series is placed as a whole
    undrawable_ids = {u.feature_id for u in undrawable_before}
    if touched & undrawable_ids:
        return None
    first_fid = picture.first_fid
    open_now = sorted((f for f in touched if _open(picture, f)), key=first_fid.__getitem__)
    last_before = first_fid[placed_before[-1].record.id] if placed_before else -1
    arriving = [f for f in open_now if not _open(earlier, f)]
    if any(first_fid[f] < last_before for f in arriving):
        return None  # back in view mid-order
    placed_now, undrawable_now = place_claims([picture.claims[f] for f in open_now],
                                              picture.shared.placements)
    if undrawable_now:
        return None
    by_id = {p.record.id: p for p in placed_now}
    arrived = tuple(by_id.pop(f) for f in arriving)
    gone = frozenset(f for f in touched if not _open(picture, f))
    replaced = by_id
    kept = [replaced.get(p.record.id, p) for p in placed_before
            if p.record.id not in gone] if (gone or replaced) else list(placed_before)
    moved = any(earlier.heads[f].layer != picture.heads[f].layer for f in replaced)
    return (*kept, *arrived), undrawable_before, Forward(replaced, arrived, gone, moved)


def layers_forward(earlier: dict[str, tuple[PlacedFeature, ...]], changed: set[str],
                   forward: Forward) -> dict[str, tuple[PlacedFeature, ...]] | None:
    """`earlier`'s layers with `forward` applied to the `changed` ones, or None where a
    thing moved between layers (its place in the new layer is mid-order): group whole."""
    if forward.moved:
        return None
    layers = {layer: features for layer, features in earlier.items() if layer not in changed}
    for layer in changed:
        features = [forward.replaced.get(p.record.id, p) for p in earlier.get(layer, ())
                    if p.record.id not in forward.gone]
        features.extend(p for p in forward.arrived if p.record.layer == layer)
        if features:
            layers[layer] = tuple(features)
    return layers

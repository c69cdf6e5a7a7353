"""Filters on the posture: by actor, confidence and reporting date. One rule for the map,
the posture table and every export. Reference geography (places, governorates) is not a
claim, so no filter hides it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from geo.actors import actor
from geo.features import PlacedFeature
from geo.schema import FeatureRecord

__all__ = ["Filters", "actor_key", "actor_label", "filtered"]


def actor_key(record: FeatureRecord) -> str:
    """The actor a filter names: its id in actors.json, or else its English name."""
    return record.actor or record.actor_en


def actor_label(record: FeatureRecord, lang: str) -> str:
    if record.actor:
        return actor(record.actor).name(lang)
    return record.text("actor", lang) or record.actor_en


@dataclass(frozen=True)
class Filters:
    actors: tuple[str, ...] = ()  # actor keys; empty: every actor
    confidence: tuple[str, ...] = ()  # confidence levels; empty: every level
    reported_from: dt.date | None = None  # both ends included; None: open
    reported_to: dt.date | None = None

    @property
    def active(self) -> bool:
        return bool(self.actors or self.confidence or self.reported_from or self.reported_to)

    def keeps(self, record: FeatureRecord) -> bool:
        if record.confidence == "reference":
            return True
        if self.actors and actor_key(record) not in self.actors:
            return False
        if self.confidence and record.confidence not in self.confidence:
            return False
        reported = record.reported_on
        if self.reported_from and (reported is None or reported < self.reported_from):
            return False
        return not (self.reported_to and (reported is None or reported > self.reported_to))


def filtered(features: Iterable[PlacedFeature], filters: Filters) -> list[PlacedFeature]:
    return [p for p in features if filters.keeps(p.record)]

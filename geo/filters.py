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
from i18n import t

__all__ = ["Filters", "actor_key", "actor_label", "describe", "filtered"]


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


def describe(filters: Filters, lang: str, features: Iterable[PlacedFeature]) -> str:
    """The filters in words, for a printed map that must say what it leaves out;
    `features` name the actors."""
    names = {actor_key(p.record): actor_label(p.record, lang) for p in features}
    parts = []
    if filters.actors:
        parts.append(t("filters.describe.actors", lang, names=t("list.comma", lang).join(
            names.get(a, a) for a in filters.actors)))
    if filters.confidence:
        parts.append(t("filters.describe.confidence", lang, levels=t("list.comma", lang).join(
            t(f"confidence.{level}", lang) for level in filters.confidence)))
    if filters.reported_from or filters.reported_to:
        parts.append(t("filters.describe.reported", lang,
                       start=filters.reported_from.isoformat() if filters.reported_from
                       else "…",
                       end=filters.reported_to.isoformat() if filters.reported_to else "…"))
    return t("filters.describe", lang, parts=t("list.semicolon", lang).join(parts))


def filtered(features: Iterable[PlacedFeature], filters: Filters) -> list[PlacedFeature]:
    return [p for p in features if filters.keeps(p.record)]

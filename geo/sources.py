"""Every source the map rests on, and which features rest on each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from geo.features import PlacedFeature

__all__ = ["SourceEntry", "source_index"]


@dataclass
class SourceEntry:
    label: str  # who, via whom: in the language the index was built for
    facts: list[str] = field(default_factory=list)  # rows of data/FACTS.md
    reported_on: list[dt.date] = field(default_factory=list)
    feature_ids: list[str] = field(default_factory=list)
    feature_names: list[str] = field(default_factory=list)


def source_index(features: Iterable[PlacedFeature], lang: str = "en") -> list[SourceEntry]:
    """One entry per (who, via), in order of first appearance, worded in `lang`."""
    index: dict[tuple[str, str | None], SourceEntry] = {}
    for p in features:
        for source in p.record.sources:
            entry = index.setdefault((source.who, source.via), SourceEntry(source.text(lang)))
            for bucket, value in ((entry.facts, source.fact),
                                  (entry.reported_on, p.record.reported_on),
                                  (entry.feature_ids, p.record.id),
                                  (entry.feature_names, p.record.text("name", lang))):
                if value is not None and value not in bucket:
                    bucket.append(value)
    return list(index.values())

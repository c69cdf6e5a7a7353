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
    # Ordered sets while collecting: a list's `in` made a layer of 50,000 posts on one
    # source take 55 s (each post's id looked for among those before it).
    index: dict[tuple[str, str | None], tuple[SourceEntry, tuple[dict, ...]]] = {}
    for p in features:
        for source in p.record.sources:
            key = (source.who, source.via)
            if key not in index:
                index[key] = (SourceEntry(source.text(lang)), ({}, {}, {}, {}))
            buckets = index[key][1]
            for bucket, value in zip(buckets, (source.fact, p.record.reported_on, p.record.id,
                                               p.record.text("name", lang)), strict=True):
                if value is not None:
                    bucket.setdefault(value, None)
    entries = []
    for entry, (facts, reported_on, ids, names) in index.values():
        entry.facts, entry.reported_on = list(facts), list(reported_on)
        entry.feature_ids, entry.feature_names = list(ids), list(names)
        entries.append(entry)
    return entries

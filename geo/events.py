"""What makes a claim an event (issue 13): a clash, a strike, a crossing, a protest.

An event is a claim like any other (a place, a day, a source, notes), plus the facts an
events dataset codes: its type and sub-type, the actors on each side, the fatalities
reported and how precisely it is placed. ACLED's export fills them as it comes. A layer
whose claims carry these facts is an event layer: drawn on a canvas from compact
columns, never one map element per event (layers/event_data.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from geo.checks import check_count, check_text, shown
from geo.errors import SchemaError

__all__ = ["EVENT_KEYS", "EVENT_TEXT_CHARS", "GEO_PRECISIONS", "UNPLACED_NOTE", "EventFacts",
           "parse_event"]

EVENT_KEYS = ("type", "sub_type", "actor1", "actor2", "fatalities", "geo_precision")
# ACLED's geo_precision: 1 the place itself, 2 near it, 3 a province's capital standing
# for the province. A precision-3 event is not where its point is, and is drawn so.
GEO_PRECISIONS = (1, 2, 3)
EVENT_TEXT_CHARS = 300
# Where an event stands whose source gave no coordinates: nowhere on the map.
UNPLACED_NOTE = ("No coordinates given: not placed on the map.",
                 "لم تُذكر إحداثيات: لم يوضع على الخريطة.")


@dataclass(frozen=True, slots=True)
class EventFacts:
    type: str
    sub_type: str | None = None
    actor1: str | None = None
    actor2: str | None = None
    fatalities: int | None = None
    geo_precision: int | None = None


def parse_event(raw: Any, where: str) -> EventFacts | None:
    """The record's `event` object, checked; None when the claim is not an event."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise SchemaError(f"{where}: field 'event' must be an object, got {shown(raw)}")
    unknown = set(raw) - set(EVENT_KEYS)
    if unknown:
        raise SchemaError(f"{where}: event has unknown keys {shown(sorted(unknown))}")
    texts = {key: check_text(raw.get(key), where, f"event.{key}", required=key == "type",
                             max_chars=EVENT_TEXT_CHARS)
             for key in ("type", "sub_type", "actor1", "actor2")}
    precision = raw.get("geo_precision")
    if precision is not None and (isinstance(precision, bool)
                                  or precision not in GEO_PRECISIONS):
        raise SchemaError(f"{where}: field 'event.geo_precision' must be one of "
                          f"{GEO_PRECISIONS}, got {shown(precision)}")
    return EventFacts(**texts, fatalities=check_count(raw.get("fatalities"), where,
                                                      "event.fatalities"),
                      geo_precision=precision)

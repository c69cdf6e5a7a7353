"""A stored claim's record, read as it was written.

Every door checks a record once, when it is recorded (geo/claims.py's `validated`), and
the store never changes a stored claim (both backends' triggers refuse it). Checking every
text of 100,000 stored claims again was a third of a cold start, so a stored record is
trusted: this builds the FeatureRecord parse_feature would, from the fields as they are.
tests/test_stored_record.py holds the two equal over random valid records.

What stays checked costs a lookup each: the fields the map dispatches on (symbol,
confidence, a date's form). A record that fails them (written under an older schema, or
edited by hand past the triggers) raises SchemaError, and its thing is listed as
undrawable by its claim id, never a crash.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from geo.errors import SchemaError
from geo.events import EventFacts
from geo.schema import (
    AS_OF_PRECISIONS,
    BILINGUAL,
    CONFIDENCE_LEVELS,
    SYMBOLS,
    Count,
    FeatureRecord,
    Source,
)

__all__ = ["stored_record"]

_SYMBOLS = frozenset(SYMBOLS)
_CONFIDENCE = frozenset(CONFIDENCE_LEVELS)
_PRECISIONS = frozenset(AS_OF_PRECISIONS)


class _Pairs:
    """One-language pairs as geo/schema.py's one_language_pair makes them, and the fields
    it names as filled from the other language."""

    def __init__(self) -> None:
        self.filled: set[str] = set()

    def __call__(self, raw: dict[str, Any], key_en: str, key_ar: str, prefix: str = ""
                 ) -> tuple[Any, Any]:
        en, ar = raw.get(key_en), raw.get(key_ar)
        if en is None:
            if ar is not None:
                self.filled.add(prefix + key_en)
            return ar, ar
        if ar is None:
            self.filled.add(prefix + key_ar)
            return en, en
        return en, ar


def _day(value: Any) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


def _count(raw: dict[str, Any], pair: _Pairs) -> Count:
    words_en, words_ar = pair(raw, "words_en", "words_ar", "count.")
    quantity_en, quantity_ar = pair(raw, "quantity_en", "quantity_ar", "count.")
    return Count(raw.get("value"), raw.get("low"), raw.get("high"),
                 raw.get("approximate", False), words_en, words_ar, quantity_en, quantity_ar)


def _source(raw: dict[str, Any], index: int, pair: _Pairs) -> Source:
    prefix = f"sources.{index}."
    who, who_ar = pair(raw, "who", "who_ar", prefix)
    via, via_ar = pair(raw, "via", "via_ar", prefix)
    date = raw.get("date")
    return Source(who=who, via=via, fact=raw.get("fact"),
                  date=dt.date.fromisoformat(date) if date else None, who_ar=who_ar,
                  via_ar=via_ar, link=raw.get("link"))


def _event(raw: dict[str, Any] | None) -> EventFacts | None:
    if raw is None:
        return None
    return EventFacts(raw["type"], raw.get("sub_type"), raw.get("actor1"), raw.get("actor2"),
                      raw.get("fatalities"), raw.get("geo_precision"))


def _built(raw: dict[str, Any]) -> FeatureRecord:
    pair = _Pairs()
    texts: dict[str, Any] = {}
    for key_en, key_ar in BILINGUAL:
        texts[key_en], texts[key_ar] = pair(raw, key_en, key_ar)
    count = _count(raw["count"], pair)
    sources = tuple(_source(source, index, pair)
                    for index, source in enumerate(raw["sources"]))
    validity_note, validity_note_ar = pair(raw, "validity_note", "validity_note_ar")
    valid_from, valid_to = raw.get("valid_from"), raw.get("valid_to")
    return FeatureRecord(
        id=raw["id"], layer=raw["layer"], symbol=raw["symbol"],
        confidence=raw["confidence"], **texts, count=count,
        as_of=_day(raw.get("as_of")), reported_on=_day(raw.get("reported_on")),
        reported_on_inferred=raw.get("reported_on_inferred", False), sources=sources,
        geometry_approximate=raw.get("geometry_approximate", False),
        geometry=raw.get("geometry"), geometry_ref=raw.get("geometry_ref"),
        label_en=raw.get("label_en"), label_ar=raw.get("label_ar"),
        as_of_precision=raw.get("as_of_precision", "day"),
        valid_from=dt.date.fromisoformat(valid_from) if valid_from else None,
        valid_to=dt.date.fromisoformat(valid_to) if valid_to else None,
        validity_note=validity_note, validity_note_ar=validity_note_ar,
        series=raw.get("series"), sidc=raw.get("sidc"), actor=raw.get("actor"),
        event=_event(raw.get("event")), filled=frozenset(pair.filled))


def stored_record(raw: dict[str, Any]) -> FeatureRecord:
    """The FeatureRecord of a record the store holds, its texts not checked again."""
    try:
        record = _built(raw)
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        what = f"no field {e}" if isinstance(e, KeyError) else str(e)
        raise SchemaError(f"its record cannot be read ({what})") from e
    for field, allowed in (("symbol", _SYMBOLS), ("confidence", _CONFIDENCE),
                           ("as_of_precision", _PRECISIONS)):
        value = getattr(record, field)
        if not isinstance(value, str) or value not in allowed:
            raise SchemaError(f"its record's {field} {value!r} is not one the map knows")
    if record.geometry is None and record.geometry_ref is None and record.event is None:
        raise SchemaError("its record has neither a geometry nor a geometry_ref")
    return record

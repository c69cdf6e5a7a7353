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
import sys
from functools import lru_cache
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


def _shared(value: Any) -> Any:
    """One string object for a value many records repeat (an event type, an actor, a
    source): 100,000 events' records otherwise hold 100,000 copies of each."""
    return sys.intern(value) if value.__class__ is str else value


@lru_cache(maxsize=65_536)
def _day(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


@lru_cache(maxsize=1_024)
def _filled(names: frozenset[str]) -> frozenset[str]:
    return names  # the first equal set, for every record that names the same fields


class _Pairs:
    """One-language pairs as geo/schema.py's one_language_pair makes them, and the fields
    it names as filled from the other language."""

    def __init__(self) -> None:
        self.filled: set[str] = set()

    def __call__(self, raw: dict[str, Any], key_en: str, key_ar: str, prefix: str = ""
                 ) -> tuple[Any, Any]:
        en, ar = _shared(raw.get(key_en)), _shared(raw.get(key_ar))
        if en is None:
            if ar is not None:
                self.filled.add(prefix + key_en)
            return ar, ar
        if ar is None:
            self.filled.add(prefix + key_ar)
            return en, en
        return en, ar


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
    return Source(who=who, via=via, fact=_shared(raw.get("fact")),
                  date=_day(date) if date else None, who_ar=who_ar, via_ar=via_ar,
                  link=_shared(raw.get("link")))


def _event(raw: dict[str, Any] | None) -> EventFacts | None:
    if raw is None:
        return None
    return EventFacts(_shared(raw["type"]), _shared(raw.get("sub_type")),
                      _shared(raw.get("actor1")), _shared(raw.get("actor2")),
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
        id=raw["id"], layer=_shared(raw["layer"]), symbol=_shared(raw["symbol"]),
        confidence=_shared(raw["confidence"]), **texts, count=count,
        as_of=_day(raw.get("as_of")), reported_on=_day(raw.get("reported_on")),
        reported_on_inferred=raw.get("reported_on_inferred", False), sources=sources,
        geometry_approximate=raw.get("geometry_approximate", False),
        geometry=raw.get("geometry"), geometry_ref=raw.get("geometry_ref"),
        label_en=raw.get("label_en"), label_ar=raw.get("label_ar"),
        as_of_precision=_shared(raw.get("as_of_precision", "day")),
        valid_from=_day(valid_from) if valid_from else None,
        valid_to=_day(valid_to) if valid_to else None,
        validity_note=validity_note, validity_note_ar=validity_note_ar,
        series=_shared(raw.get("series")), sidc=_shared(raw.get("sidc")),
        actor=_shared(raw.get("actor")), event=_event(raw.get("event")),
        filled=_filled(frozenset(pair.filled)))


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

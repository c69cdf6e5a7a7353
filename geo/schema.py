"""The schema every drawn feature follows, and its validation.

A feature's record says what is where, how many, since when, and on whose
word. Validation names the record and the field that is wrong, so a data
editor can fix it without reading code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from geo.errors import SchemaError

__all__ = ["CONFIDENCE_LEVELS", "SYMBOLS", "Count", "FeatureRecord", "Source",
           "parse_feature"]

# How a feature is drawn; the layer builder has one drawing rule per symbol.
SYMBOLS = ("line", "deployment_line", "area", "approx_area", "arrow", "point",
           "proportional", "place", "label")
CONFIDENCE_LEVELS = {
    "official": "officially announced",
    "media_anonymous": "reported by media via anonymous sources",
    "media": "reported by media",
    "estimate": "research estimate",
    "reference": "reference geography",
}


@dataclass(frozen=True)
class Count:
    """A figure as the source gives it: a number, a range, or only words."""

    value: int | None = None
    low: int | None = None
    high: int | None = None
    approximate: bool = False
    words_en: str | None = None
    words_ar: str | None = None

    @property
    def is_numeric(self) -> bool:
        return self.value is not None

    def text_en(self) -> str:
        if self.value is not None:
            prefix = "about " if self.approximate else ""
            return f"{prefix}{self.value:,}" + (f" ({self.words_en})" if self.words_en else "")
        if self.low is not None and self.high is not None:
            return f"{self.low:,}–{self.high:,}" + (f" ({self.words_en})" if self.words_en else "")
        return self.words_en or ""


@dataclass(frozen=True)
class Source:
    who: str
    via: str | None
    fact: str  # the row of shared/FACTS.md the feature rests on, e.g. "B7"
    date: dt.date | None = None

    def text(self) -> str:
        return self.who + (f", via {self.via}" if self.via else "")


@dataclass(frozen=True)
class FeatureRecord:
    id: str
    layer: str
    symbol: str
    name_en: str
    name_ar: str
    kind: str
    actor_en: str
    actor_ar: str
    summary_en: str
    summary_ar: str
    count: Count
    as_of: dt.date | None  # None only for reference geography, which has no date
    reported_on: dt.date | None
    reported_on_inferred: bool
    sources: tuple[Source, ...]
    confidence: str
    geometry_approximate: bool
    geometry_note: str
    geometry: dict[str, Any] | None  # GeoJSON geometry, or None when geometry_ref is set
    geometry_ref: str | None
    label_en: str | None = None
    label_ar: str | None = None
    # When the map shows the feature: None means open (always, or still).
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    validity_note: str | None = None
    # Features that are the same quantity at different dates (a force level
    # over time) share a series, so a change in count can be told apart from
    # one feature ending and another appearing.
    series: str | None = None


def _require(record: dict[str, Any], where: str, key: str, kind: type | tuple[type, ...]) -> Any:
    if key not in record:
        raise SchemaError(f"{where}: missing field {key!r}")
    value = record[key]
    if not isinstance(value, kind) or (isinstance(value, str) and not value.strip()):
        expected = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
        raise SchemaError(f"{where}: field {key!r} must be a non-empty {expected}, "
                          f"got {value!r}")
    return value


def _date(value: Any, where: str, key: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError) as e:
        raise SchemaError(f"{where}: field {key!r} must be a YYYY-MM-DD date, "
                          f"got {value!r}") from e


def _optional_date(raw: dict[str, Any], where: str, key: str,
                   confidence: str) -> dt.date | None:
    # Reference geography (a city, a governorate) is not a report, so has no date;
    # everything a source reported must say when.
    if raw.get(key) is None and confidence == "reference":
        return None
    return _date(raw.get(key), where, key)


def _count(raw: Any, where: str) -> Count:
    if not isinstance(raw, dict):
        raise SchemaError(f"{where}: field 'count' must be an object, got {raw!r}")
    unknown = set(raw) - {"value", "low", "high", "approximate", "words_en", "words_ar"}
    if unknown:
        raise SchemaError(f"{where}: count has unknown keys {sorted(unknown)}")
    for key in ("value", "low", "high"):
        number = raw.get(key)
        if number is not None and (not isinstance(number, int) or isinstance(number, bool)
                                   or number < 0):
            raise SchemaError(f"{where}: count.{key} must be a whole number >= 0, got {number!r}")
    count = Count(**raw)
    has_range = count.low is not None or count.high is not None
    if has_range and (count.low is None or count.high is None or count.low > count.high):
        raise SchemaError(f"{where}: count range needs low <= high, got {raw!r}")
    if count.value is None and not has_range and not count.words_en:
        raise SchemaError(f"{where}: count needs a value, a low/high range or words_en")
    if bool(count.words_en) != bool(count.words_ar):
        raise SchemaError(f"{where}: count words need both words_en and words_ar")
    return count


def _source(raw: Any, where: str) -> Source:
    if not isinstance(raw, dict):
        raise SchemaError(f"{where}: each source must be an object, got {raw!r}")
    who = _require(raw, where, "who", str)
    fact = _require(raw, where, "fact", str)
    via = raw.get("via")
    if via is not None and not isinstance(via, str):
        raise SchemaError(f"{where}: source 'via' must be text, got {via!r}")
    date = _date(raw["date"], where, "source.date") if raw.get("date") else None
    return Source(who=who, via=via, fact=fact, date=date)


def parse_feature(raw: Any, index: int) -> FeatureRecord:
    """Validate one feature record from features.json."""
    if not isinstance(raw, dict):
        raise SchemaError(f"feature #{index}: must be an object, got {type(raw).__name__}")
    where = f"feature {raw.get('id', f'#{index}')!r}"
    text = {key: _require(raw, where, key, str) for key in (
        "id", "layer", "symbol", "name_en", "name_ar", "kind", "actor_en", "actor_ar",
        "summary_en", "summary_ar", "confidence", "geometry_note")}
    if text["symbol"] not in SYMBOLS:
        raise SchemaError(f"{where}: symbol {text['symbol']!r} is not one of {SYMBOLS}")
    if text["confidence"] not in CONFIDENCE_LEVELS:
        raise SchemaError(f"{where}: confidence {text['confidence']!r} is not one of "
                          f"{tuple(CONFIDENCE_LEVELS)}")
    raw_sources = _require(raw, where, "sources", list)
    if not raw_sources:
        raise SchemaError(f"{where}: needs at least one source")
    geometry, geometry_ref = raw.get("geometry"), raw.get("geometry_ref")
    if (geometry is None) == (geometry_ref is None):
        raise SchemaError(f"{where}: give exactly one of 'geometry' and 'geometry_ref'")
    if geometry is not None and not (isinstance(geometry, dict) and "type" in geometry
                                     and "coordinates" in geometry):
        raise SchemaError(f"{where}: 'geometry' must be a GeoJSON geometry object")
    count = _count(raw.get("count"), where)
    if text["symbol"] == "proportional" and not count.is_numeric:
        raise SchemaError(f"{where}: a proportional symbol needs a numeric count.value; "
                          "use symbol 'point' where the source gives only words")
    return FeatureRecord(
        **text,
        count=count,
        as_of=_optional_date(raw, where, "as_of", text["confidence"]),
        reported_on=_optional_date(raw, where, "reported_on", text["confidence"]),
        reported_on_inferred=_require(raw, where, "reported_on_inferred", bool),
        sources=tuple(_source(s, where) for s in raw_sources),
        geometry_approximate=_require(raw, where, "geometry_approximate", bool),
        geometry=geometry,
        geometry_ref=geometry_ref,
        label_en=raw.get("label_en"),
        label_ar=raw.get("label_ar"),
        **_validity(raw, where),
    )


def _validity(raw: dict[str, Any], where: str) -> dict[str, Any]:
    valid_from = _date(raw["valid_from"], where, "valid_from") if raw.get("valid_from") else None
    valid_to = _date(raw["valid_to"], where, "valid_to") if raw.get("valid_to") else None
    if valid_from and valid_to and valid_from > valid_to:
        raise SchemaError(f"{where}: valid_from {valid_from} is after valid_to {valid_to}")
    series, note = raw.get("series"), raw.get("validity_note")
    for key, value in (("series", series), ("validity_note", note)):
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise SchemaError(f"{where}: field {key!r} must be non-empty text, got {value!r}")
    return {"valid_from": valid_from, "valid_to": valid_to, "validity_note": note,
            "series": series}

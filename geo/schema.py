"""The schema every drawn feature follows, and its validation.

A feature's record says what is where, how many, since when, and on whose
word. Validation names the record and the field that is wrong, so a data
editor can fix it without reading code.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from geo.checks import (
    MAX_TEXT_CHARS,
    check_count,
    check_geometry,
    check_identifier,
    check_link,
    check_text,
    shown,
)
from geo.errors import SchemaError
from geo.events import EventFacts, parse_event
from geo.sidc import check_sidc
from i18n import t

__all__ = ["AS_OF_PRECISIONS", "BILINGUAL", "CONFIDENCE_LEVELS", "FEATURES_FILE", "SYMBOLS",
           "Count", "FeatureRecord", "Source", "one_language_pair", "parse_feature"]

# The file every feature message names, relative to the data folder.
FEATURES_FILE = "features.json"
# A FACTS.md row such as "B7" or a short note such as "basemap".
MAX_FACT_CHARS = 40
# A unit symbol's quantity amplifier sits above its frame.
MAX_QUANTITY_CHARS = 40
# The text fields every claim has, in English and Arabic; one language is enough.
BILINGUAL = (("name_en", "name_ar"), ("kind", "kind_ar"), ("actor_en", "actor_ar"),
              ("summary_en", "summary_ar"), ("geometry_note", "geometry_note_ar"))
_GEOMETRY_REF = re.compile(r"^(admin1|derived):[A-Za-z0-9_-]+$")

# How a feature is drawn; the layer builder has one drawing rule per symbol.
SYMBOLS = ("line", "deployment_line", "area", "approx_area", "arrow", "point",
           "proportional", "place", "label")
AS_OF_PRECISIONS = ("day", "month", "year")
# Worded in i18n/<lang>.json as confidence.<level>.
CONFIDENCE_LEVELS = ("official", "media_anonymous", "media", "estimate", "reference")


@dataclass(frozen=True, slots=True)
class Count:
    """A figure as the source gives it: a number, a range, or only words."""

    value: int | None = None
    low: int | None = None
    high: int | None = None
    approximate: bool = False
    words_en: str | None = None
    words_ar: str | None = None
    # The words a unit symbol's quantity amplifier prints, where the count's words
    # are a sentence ("armored units, no count given") too long to sit on a symbol.
    quantity_en: str | None = None
    quantity_ar: str | None = None

    @property
    def is_numeric(self) -> bool:
        return self.value is not None

    def text(self, lang: str = "en") -> str:
        """The figure as the source gives it; words in the source's own language."""
        words = self.words_ar if lang == "ar" else self.words_en
        if self.value is not None:
            number = f"{self.value:,}"
            figure = t("count.about", lang, number=number) if self.approximate else number
        elif self.low is not None and self.high is not None:
            figure = t("count.range", lang, low=f"{self.low:,}", high=f"{self.high:,}")
        else:
            return words or ""
        return figure + (f" ({words})" if words else "")

    def amplifier(self, lang: str = "en") -> str:
        """The count as a unit symbol's quantity amplifier prints it: the figure, or
        the source's words where it gives none ("dozens")."""
        if self.value is not None or (self.low is not None and self.high is not None):
            return Count(self.value, self.low, self.high, self.approximate).text(lang)
        short = self.quantity_ar if lang == "ar" else self.quantity_en
        return short or self.text(lang)


@dataclass(frozen=True, slots=True)
class Source:
    who: str
    via: str | None
    # The row of data/FACTS.md the feature rests on, e.g. "B7"; an imported report
    # has none (its link and date say where it comes from).
    fact: str | None
    date: dt.date | None = None
    who_ar: str = ""
    via_ar: str | None = None
    link: str | None = None

    def text(self, lang: str = "en") -> str:
        who, via = (self.who_ar, self.via_ar) if lang == "ar" else (self.who, self.via)
        return t("source.via", lang, who=who, via=via) if via else who

    def cited(self, lang: str = "en", brackets: str = "[]") -> str:
        """Who, via whom, and the FACTS.md row where there is one: "Reuters [B7]"."""
        opening, closing = brackets
        return self.text(lang) + (f" {opening}{self.fact}{closing}" if self.fact else "")


@dataclass(frozen=True, slots=True)
class FeatureRecord:
    id: str
    layer: str
    symbol: str
    name_en: str
    name_ar: str
    kind: str
    kind_ar: str
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
    geometry_note_ar: str
    # GeoJSON geometry, or None when geometry_ref is set, or both None for an event
    # its source gave no place for (`unplaced`): counted, never drawn as if placed.
    geometry: dict[str, Any] | None
    geometry_ref: str | None
    label_en: str | None = None
    label_ar: str | None = None
    # When the map shows the feature: None means open (always, or still).
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    validity_note: str | None = None
    validity_note_ar: str | None = None
    # Features that are the same quantity at different dates (a force level
    # over time) share a series, so a change in count can be told apart from
    # one feature ending and another appearing.
    series: str | None = None
    # How precisely the source dates the figure: "2020 estimate" is a year.
    as_of_precision: str = "day"
    # A unit: its symbol code (MIL-STD-2525D, 20 digits; the viewpoint sets its
    # standard identity) and its actor in data/actors.json.
    sidc: str | None = None
    actor: str | None = None
    # An event's coded facts (type, actors, fatalities): its layer is an event layer.
    event: EventFacts | None = None
    # Text fields the claim gave in one language only, each shown in the other's
    # words ("name_ar", "count.words_ar", "sources.0.who_ar"): a one-language claim
    # is valid, and nothing is translated. Exports leave these empty.
    filled: frozenset[str] = frozenset()

    @property
    def unplaced(self) -> bool:
        """An event without coordinates: kept and counted, but on no spot of the map."""
        return self.geometry is None and self.geometry_ref is None

    def as_of_text(self, lang: str = "en") -> str | None:
        """The as-of date as a map label gives it: "Jan 2024", or "2020" for a year."""
        if self.as_of is None:
            return None
        if self.as_of_precision == "year":
            return str(self.as_of.year)
        return t("date.month_year", lang, month=t(f"month.{self.as_of.month}", lang),
                 year=self.as_of.year)

    def text(self, field: str, lang: str = "en") -> str | None:
        """A text field in `lang`: name, label, kind, actor, summary, geometry_note,
        validity_note. A label falls back to the name."""
        if field == "label":
            return (self.label_ar if lang == "ar" else self.label_en) or self.text("name", lang)
        suffix = "_ar" if lang == "ar" else ("_en" if hasattr(self, f"{field}_en") else "")
        return getattr(self, field + suffix)


def _require(record: dict[str, Any], where: str, key: str, kind: type) -> Any:
    if key not in record:
        raise SchemaError(f"{where}: missing field {key!r}")
    value = record[key]
    if kind is str:
        return check_text(value, where, key)
    if not isinstance(value, kind):
        raise SchemaError(f"{where}: field {key!r} must be a {kind.__name__}, "
                          f"got {shown(value)}")
    return value


def _flag(raw: dict[str, Any], where: str, key: str) -> bool:
    """true or false; absent is false (a record's normal form leaves defaults out)."""
    value = raw.get(key, False)
    if not isinstance(value, bool):
        raise SchemaError(f"{where}: field {key!r} must be true or false, got {shown(value)}")
    return value


def _date(value: Any, where: str, key: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError) as e:
        raise SchemaError(f"{where}: field {key!r} must be a YYYY-MM-DD date, "
                          f"got {shown(value)}") from e


def _optional_date(raw: dict[str, Any], where: str, key: str,
                   confidence: str) -> dt.date | None:
    # Reference geography (a city, a governorate) is not a report, so has no date;
    # everything a source reported must say when.
    if raw.get(key) is None and confidence == "reference":
        return None
    return _date(raw.get(key), where, key)


def one_language_pair(raw: dict[str, Any], where: str, key_en: str, key_ar: str, *,
                      required: bool = True, prefix: str = "",
                      max_chars: int = MAX_TEXT_CHARS) -> tuple[Any, Any, frozenset[str]]:
    """A text in English and Arabic where one language is enough: the missing one is
    shown in the given one's words (and named in the set returned). `required`: at
    least one must be given."""
    en = check_text(raw.get(key_en), where, prefix + key_en, required=False,
                    max_chars=max_chars)
    ar = check_text(raw.get(key_ar), where, prefix + key_ar, required=False,
                    max_chars=max_chars)
    if en is None and ar is None:
        if required:
            raise SchemaError(f"{where}: give {prefix + key_en!r} or {prefix + key_ar!r} "
                              "(one language is enough)")
        return None, None, frozenset()
    if en is None:
        return ar, ar, frozenset({prefix + key_en})
    if ar is None:
        return en, en, frozenset({prefix + key_ar})
    return en, ar, frozenset()


def _count(raw: Any, where: str) -> tuple[Count, frozenset[str]]:
    if not isinstance(raw, dict):
        raise SchemaError(f"{where}: field 'count' must be an object, got {shown(raw)}")
    unknown = set(raw) - {"value", "low", "high", "approximate", "words_en", "words_ar",
                          "quantity_en", "quantity_ar"}
    if unknown:
        raise SchemaError(f"{where}: count has unknown keys {shown(sorted(unknown))}")
    numbers = {key: check_count(raw.get(key), where, f"count.{key}")
               for key in ("value", "low", "high")}
    words_en, words_ar, filled = one_language_pair(raw, where, "words_en", "words_ar",
                                                   required=False, prefix="count.")
    quantity_en, quantity_ar, filled_quantity = one_language_pair(
        raw, where, "quantity_en", "quantity_ar", required=False, prefix="count.",
        max_chars=MAX_QUANTITY_CHARS)
    words = {"words_en": words_en, "words_ar": words_ar, "quantity_en": quantity_en,
             "quantity_ar": quantity_ar}
    approximate = raw.get("approximate", False)
    if not isinstance(approximate, bool):
        raise SchemaError(f"{where}: field 'count.approximate' must be true or false, "
                          f"got {shown(approximate)}")
    count = Count(**numbers, **words, approximate=approximate)
    has_range = count.low is not None or count.high is not None
    if has_range and (count.low is None or count.high is None or count.low > count.high):
        raise SchemaError(f"{where}: count range needs low <= high, got {shown(raw)}")
    if count.value is None and not has_range and not count.words_en:
        raise SchemaError(f"{where}: count needs a value, a low/high range or words "
                          "(words_en or words_ar)")
    return count, filled | filled_quantity


def _source(raw: Any, where: str, index: int) -> tuple[Source, frozenset[str]]:
    if not isinstance(raw, dict):
        raise SchemaError(f"{where}: each source must be an object, got {shown(raw)}")
    unknown = set(raw) - {"who", "who_ar", "via", "via_ar", "fact", "date", "link"}
    if unknown:
        raise SchemaError(f"{where}: source has unknown keys {shown(sorted(unknown))}")
    prefix = f"sources.{index}."
    who, who_ar, filled_who = one_language_pair(raw, where, "who", "who_ar", prefix=prefix)
    via, via_ar, filled_via = one_language_pair(raw, where, "via", "via_ar", required=False,
                                                prefix=prefix)
    fact = check_text(raw.get("fact"), where, "source.fact", required=False,
                      max_chars=MAX_FACT_CHARS)
    date = _date(raw["date"], where, "source.date") if raw.get("date") else None
    link = check_link(raw.get("link"), where, prefix + "link")
    return (Source(who=who, via=via, fact=fact, date=date, who_ar=who_ar, via_ar=via_ar,
                   link=link), filled_who | filled_via)


def _geometry_ref(value: Any, where: str) -> str:
    ref = check_text(value, where, "geometry_ref", max_chars=100)
    if not _GEOMETRY_REF.match(ref):
        raise SchemaError(f"{where}: field 'geometry_ref' must look like admin1:<ISO 3166-2> "
                          f"or derived:<name>, got {shown(ref)}")
    return ref


def parse_feature(raw: Any, index: int, source: str = FEATURES_FILE) -> FeatureRecord:
    """Validate one feature record; `source` names its file in every message."""
    if not isinstance(raw, dict):
        raise SchemaError(f"{source}: feature #{index}: must be an object, "
                          f"got {type(raw).__name__}")
    where = f"{source}: feature {shown(raw['id']) if 'id' in raw else f'#{index}'}"
    for key in ("id", "layer"):
        if key in raw:
            check_identifier(raw[key], where, key)
    text = {key: _require(raw, where, key, str) for key in (
        "id", "layer", "symbol", "confidence")}
    filled: frozenset[str] = frozenset()
    for key_en, key_ar in BILINGUAL:
        text[key_en], text[key_ar], one = one_language_pair(raw, where, key_en, key_ar)
        filled |= one
    if text["symbol"] not in SYMBOLS:
        raise SchemaError(f"{where}: symbol {shown(text['symbol'])} is not one of {SYMBOLS}")
    if text["confidence"] not in CONFIDENCE_LEVELS:
        raise SchemaError(f"{where}: confidence {shown(text['confidence'])} is not one of "
                          f"{CONFIDENCE_LEVELS}")
    raw_sources = _require(raw, where, "sources", list)
    if not raw_sources:
        raise SchemaError(f"{where}: needs at least one source")
    event = parse_event(raw.get("event"), where)
    geometry, geometry_ref = raw.get("geometry"), raw.get("geometry_ref")
    if geometry is not None and geometry_ref is not None:
        raise SchemaError(f"{where}: give exactly one of 'geometry' and 'geometry_ref'")
    if geometry is not None:
        check_geometry(geometry, where)
    elif geometry_ref is not None:
        geometry_ref = _geometry_ref(geometry_ref, where)
    elif event is None or text["symbol"] != "point":
        # Only an event may lack a place (its dataset's row had no coordinates): a
        # force or a line with no place would vanish from the map unnoticed.
        raise SchemaError(f"{where}: give exactly one of 'geometry' and 'geometry_ref'")
    count, filled_count = _count(raw.get("count"), where)
    sources = []
    for index, source_raw in enumerate(raw_sources):
        source, filled_source = _source(source_raw, where, index)
        sources.append(source)
        filled |= filled_source
    if text["symbol"] == "proportional" and not count.is_numeric:
        raise SchemaError(f"{where}: a proportional symbol needs a numeric count.value; "
                          "use symbol 'point' where the source gives only words")
    validity, filled_validity = _validity(raw, where)
    return FeatureRecord(
        **text,
        count=count,
        as_of=_optional_date(raw, where, "as_of", text["confidence"]),
        reported_on=_optional_date(raw, where, "reported_on", text["confidence"]),
        reported_on_inferred=_flag(raw, where, "reported_on_inferred"),
        sources=tuple(sources),
        geometry_approximate=_flag(raw, where, "geometry_approximate"),
        geometry=geometry,
        geometry_ref=geometry_ref,
        label_en=check_text(raw.get("label_en"), where, "label_en", required=False),
        label_ar=check_text(raw.get("label_ar"), where, "label_ar", required=False),
        as_of_precision=_as_of_precision(raw, where),
        **validity,
        **_unit(raw, where),
        event=event,
        filled=filled | filled_count | filled_validity,
    )


def _unit(raw: dict[str, Any], where: str) -> dict[str, Any]:
    sidc, actor = raw.get("sidc"), raw.get("actor")
    if sidc is not None:
        check_sidc(sidc, where)
        if actor is None:
            raise SchemaError(f"{where}: a feature with a 'sidc' needs an 'actor' from "
                              "actors.json, whose viewpoints set its affiliation")
    if actor is not None:
        check_identifier(actor, where, "actor")
    return {"sidc": sidc, "actor": actor}


def _as_of_precision(raw: dict[str, Any], where: str) -> str:
    precision = raw.get("as_of_precision", "day")
    if precision not in AS_OF_PRECISIONS:
        raise SchemaError(f"{where}: field 'as_of_precision' must be one of {AS_OF_PRECISIONS}, "
                          f"got {shown(precision)}")
    return precision


def _validity(raw: dict[str, Any], where: str) -> tuple[dict[str, Any], frozenset[str]]:
    valid_from = _date(raw["valid_from"], where, "valid_from") if raw.get("valid_from") else None
    valid_to = _date(raw["valid_to"], where, "valid_to") if raw.get("valid_to") else None
    if valid_from and valid_to and valid_from > valid_to:
        raise SchemaError(f"{where}: valid_from {valid_from} is after valid_to {valid_to}")
    series = check_text(raw.get("series"), where, "series", required=False)
    note, note_ar, filled = one_language_pair(raw, where, "validity_note", "validity_note_ar",
                                              required=False)
    return {"valid_from": valid_from, "valid_to": valid_to, "validity_note": note,
            "validity_note_ar": note_ar, "series": series}, filled

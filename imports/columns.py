"""Which column of a file is which field of a claim, in English or Arabic.

A header is matched after folding case and turning spaces and hyphens into "_".
Columns named for one language (`name_en`, `name_ar`, "الاسم بالعربية") fill that
language; a column named for neither ("name", "الاسم", "notes") fills the language
its text is written in, row by row, and never overrides a column named for it.
ACLED's export is known by its own columns and read with its own names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = ["ACLED_COLUMNS", "CONFIDENCE_WORDS", "ColumnMap", "accepted_confidence",
           "column_map", "confidence_code", "fold"]

# Confidence as people write it, by level (geo/schema.py's CONFIDENCE_LEVELS): the code,
# words in English and Arabic, and the page's own words for the level (i18n), which our
# exports write in confidence_text. Matched after folding case, spaces, "_" and "-", and
# the Arabic vowel marks.
CONFIDENCE_WORDS: dict[str, tuple[str, ...]] = {
    "official": ("official", "confirmed", "officially announced", "مؤكد", "رسمي",
                 "أعلن رسميا"),
    "media_anonymous": ("media_anonymous", "anonymous", "unconfirmed",
                        "reported by media via anonymous sources", "غير مؤكد",
                        "مصادر مجهولة", "نقلته وسائل إعلام عن مصادر لم تسم"),
    "media": ("media", "reported", "reported by media", "إعلامي", "نقلته وسائل إعلام"),
    "estimate": ("estimate", "estimated", "research estimate", "تقدير", "تقديري",
                 "تقدير بحثي"),
    "reference": ("reference", "reference geography", "مرجعي", "جغرافيا مرجعية"),
}

# Columns whose field is fixed, by the field each fills.
_FIXED: dict[str, tuple[str, ...]] = {
    "id": ("id", "key", "المعرف"),
    "layer": ("layer", "الطبقة"),
    "symbol": ("symbol", "الرمز"),
    "name_en": ("name_en", "english_name", "name_english", "الاسم_بالإنجليزية"),
    "name_ar": ("name_ar", "arabic_name", "name_arabic", "الاسم_بالعربية"),
    "kind": ("kind_en",),
    "kind_ar": ("kind_ar", "النوع_بالعربية"),
    "actor_en": ("actor_en",),
    "actor_ar": ("actor_ar", "الجهة_بالعربية"),
    "summary_en": ("summary_en",),
    "summary_ar": ("summary_ar", "الملخص_بالعربية"),
    "geometry_note": ("geometry_note_en",),
    "geometry_note_ar": ("geometry_note_ar",),
    "label_en": ("label_en",),
    "label_ar": ("label_ar",),
    "count_value": ("count_value", "count", "value", "number", "troops", "strength", "العدد"),
    "count_low": ("count_low", "low", "الحد_الأدنى"),
    "count_high": ("count_high", "high", "الحد_الأعلى"),
    "count_approximate": ("count_approximate", "approximate", "تقريبي"),
    "count_words_en": ("count_words_en",),
    "count_words_ar": ("count_words_ar",),
    "count_quantity_en": ("count_quantity_en",),
    "count_quantity_ar": ("count_quantity_ar",),
    "as_of": ("as_of", "date", "event_date", "التاريخ", "تاريخ_الحدث"),
    "as_of_precision": ("as_of_precision", "date_precision", "دقة_التاريخ"),
    "reported_on": ("reported_on", "report_date", "reported", "تاريخ_التقرير", "تاريخ_النشر"),
    "reported_on_inferred": ("reported_on_inferred",),
    "valid_from": ("valid_from", "صالح_من"),
    "valid_to": ("valid_to", "صالح_حتى"),
    "validity_note": ("validity_note", "validity_note_en"),
    "validity_note_ar": ("validity_note_ar",),
    "series": ("series", "السلسلة"),
    "sources_json": ("sources_json",),
    "source_en": ("source_en", "who"),
    "source_ar": ("source_ar", "who_ar", "المصدر_بالعربية"),
    "via_en": ("via_en",),
    "via_ar": ("via_ar",),
    "source_link": ("link", "url", "source_url", "source_link", "الرابط"),
    "source_date": ("source_date", "تاريخ_المصدر"),
    "fact": ("fact",),
    "confidence": ("confidence", "الثقة", "الموثوقية"),
    "geometry_approximate": ("geometry_approximate", "approximate_location", "الموقع_تقريبي"),
    "geometry_ref": ("geometry_ref",),
    "sidc": ("sidc", "symbol_code"),
    "actor": ("actor_id",),
    "viewpoint": ("viewpoint",),
    # An event's coded facts, as posture-export writes them (geo/events.py); an ACLED
    # file's own columns are read by the ACLED rules instead.
    "event_type": ("event_type",),
    "event_sub_type": ("event_sub_type",),
    "event_actor1": ("event_actor1",),
    "event_actor2": ("event_actor2",),
    "event_fatalities": ("event_fatalities",),
    "event_geo_precision": ("event_geo_precision",),
    "lon": ("lon", "lng", "long", "longitude", "x", "خط_الطول"),
    "lat": ("lat", "latitude", "y", "خط_العرض"),
    "wkt": ("wkt", "geometry", "geom", "the_geom", "الشكل"),
}
# Columns named for neither language: the text's script says which it fills.
_EITHER: dict[tuple[str, str], tuple[str, ...]] = {
    ("name_en", "name_ar"): ("name", "title", "place", "الاسم", "العنوان", "المكان"),
    ("kind", "kind_ar"): ("kind", "type", "النوع"),
    ("actor_en", "actor_ar"): ("actor", "force", "unit", "الجهة", "الفاعل", "القوة"),
    ("summary_en", "summary_ar"): ("summary", "description", "notes", "الملخص", "الوصف",
                                   "ملاحظات"),
    ("geometry_note", "geometry_note_ar"): ("geometry_note", "location_note"),
    ("count_words_en", "count_words_ar"): ("count_words", "count_text_given"),
    ("source_en", "source_ar"): ("source", "المصدر"),
    ("via_en", "via_ar"): ("via", "عبر"),
    ("validity_note", "validity_note_ar"): (),
}
# Our own exports' columns that are for reading only (worded from the others).
_FOR_READING = {"count_text", "count_text_ar", "sources_ar", "confidence_text",
                "confidence_text_ar", "affiliation"}
# What LIBKML adds to every placemark; empty unless the file set them.
_KML_STYLE = {"timestamp", "begin", "end", "altitudemode", "tessellate", "extrude",
              "visibility", "draworder", "icon"}
# ACLED's export, as it comes: these columns say the file is one.
ACLED_COLUMNS = ("event_id_cnty", "event_date", "latitude", "longitude")
_ACLED_OWN = ("event_id_cnty", "event_type", "sub_event_type", "actor1", "actor2", "location",
              "fatalities", "time_precision", "geo_precision", "timestamp", "country",
              "admin1", "admin2", "admin3")
_ARABIC_LETTER = re.compile("[\u0600-\u06ff]")


def fold(header: str) -> str:
    return re.sub(r"[\s\-]+", "_", header.strip().lower())


_ARABIC_MARKS = re.compile("[\u064b-\u0652\u0640]")  # vowel marks and the tatweel


def _fold_word(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", _ARABIC_MARKS.sub("", text).strip().lower())


_CONFIDENCE_BY_WORD = {_fold_word(word): level for level, words in CONFIDENCE_WORDS.items()
                       for word in words}


def confidence_code(text: str) -> str | None:
    """The confidence level `text` names, or None."""
    return _CONFIDENCE_BY_WORD.get(_fold_word(text))


def accepted_confidence() -> str:
    """The words a refusal lists: each level's code, and its first words in English and
    Arabic."""
    def named(level: str) -> str:
        words = CONFIDENCE_WORDS[level]
        others = [w for w in words[1:] if not _ARABIC_LETTER.search(w)][:1] + \
            [w for w in words if _ARABIC_LETTER.search(w)][:1]
        return f"{level} ({', '.join(others)})"
    return "; ".join(named(level) for level in CONFIDENCE_WORDS)


_BY_ALIAS = {fold(alias): target for target, aliases in _FIXED.items() for alias in aliases}
_EITHER_BY_ALIAS = {fold(alias): pair for pair, aliases in _EITHER.items() for alias in aliases}


def _alias(key: str, aliases: dict[str, Any]) -> Any:
    """What `key` names: as written, or its singular ("sources", "summaries")."""
    for form in (key, key[:-3] + "y" if key.endswith("ies") else None,
                 key[:-1] if key.endswith("s") and not key.endswith("ss") else None):
        if form and form in aliases:
            return aliases[form]
    return None


@dataclass(frozen=True)
class ColumnMap:
    """How one file's header maps onto a claim's fields."""

    fixed: dict[str, str]  # field -> the file's column
    either: dict[tuple[str, str], str]  # (english field, arabic field) -> column
    acled: bool
    ignored: tuple[str, ...]

    def column_for(self, name: str) -> str | None:
        """The file's column for `name`: a column of the file, or a field's name."""
        if name in self.fixed.values() or name in self.either.values():
            return name
        folded = fold(name)
        for column in (*self.fixed.values(), *self.either.values()):
            if fold(column) == folded:
                return column
        return self.fixed.get(_BY_ALIAS.get(folded, folded))

    def fields(self, row: dict[str, Any]) -> dict[str, Any]:
        """The row's values by field; a column named for a language wins."""
        values = {target: row.get(column) for target, column in self.fixed.items()}
        for (english, arabic), column in self.either.items():
            value = row.get(column)
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            target = arabic if isinstance(value, str) and _ARABIC_LETTER.search(value) \
                else english
            if values.get(target) is None:
                values[target] = value
        return values


def column_map(columns: list[str]) -> ColumnMap:
    folded = {fold(c): c for c in columns}
    acled = all(c in folded for c in ACLED_COLUMNS)
    fixed: dict[str, str] = {}
    either: dict[tuple[str, str], str] = {}
    ignored = []
    for column in columns:
        key = fold(column)
        if acled and key in _ACLED_OWN:
            continue  # read by the ACLED rules (imports/rows.py)
        if key in _FOR_READING or key in _KML_STYLE:
            continue
        target, pair = _alias(key, _BY_ALIAS), _alias(key, _EITHER_BY_ALIAS)
        if target is not None and target not in fixed:
            fixed[target] = column
        elif pair is not None and pair not in either:
            either[pair] = column
        else:
            ignored.append(column)
    return ColumnMap(fixed, either, acled, tuple(ignored))

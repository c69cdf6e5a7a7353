"""What a correction changed, in words: each changed field by its label in the page's
language, its old value and its new one as a reader says them ("Count: about 2,500 →
about 2,000"; "Source: Shafaq News → Shafaq News, via ACLED"), never as the record's
Python structures. The history panel, the cards and `posture-history` all read this."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from shapely.geometry import shape

from geo.claims import changes, validated
from geo.errors import PostureDataError
from geo.schema import FeatureRecord
from i18n import t

__all__ = ["WORDED_FIELDS", "FieldChange", "describe_changes", "field_of"]


@dataclass(frozen=True)
class FieldChange:
    """One field a reader knows (a count, a source), before and after, in words."""

    field: str  # the field's id: "count", "sources", …
    label: str
    before: str
    after: str

    def text(self) -> str:
        return f"{self.label}: {self.before} → {self.after}"


# A record's keys, by the field a reader knows them as: both languages of a name are
# one name; a count's value, range and words are one count.
_FIELD_OF = {
    "name_en": "name", "name_ar": "name", "kind": "kind", "kind_ar": "kind",
    "actor_en": "actor", "actor_ar": "actor", "actor": "actor",
    "summary_en": "summary", "summary_ar": "summary", "label_en": "label", "label_ar": "label",
    "count": "count", "as_of": "as_of", "as_of_precision": "as_of",
    "reported_on": "reported_on", "reported_on_inferred": "reported_on",
    "valid_from": "valid_from", "valid_to": "valid_to", "validity_note": "validity_note",
    "validity_note_ar": "validity_note", "sources": "sources", "confidence": "confidence",
    "geometry": "geometry", "geometry_ref": "geometry",
    "geometry_approximate": "geometry_approximate", "geometry_note": "geometry_note",
    "geometry_note_ar": "geometry_note", "sidc": "sidc", "symbol": "symbol",
    "series": "series", "event": "event", "layer": "layer",
}
# The order a reader meets them in on a card.
_ORDER = ("name", "kind", "actor", "count", "as_of", "reported_on", "valid_from", "valid_to",
          "validity_note", "sources", "confidence", "geometry", "geometry_approximate",
          "geometry_note", "summary", "label", "sidc", "symbol", "series", "event", "layer")


def field_of(key: str) -> str:
    """The field a record's (dotted) key belongs to: "count.value" is the count."""
    top = key.split(".", 1)[0]
    return _FIELD_OF.get(top, top)


def _date(value: Any, lang: str) -> str:
    return value.isoformat() if value is not None else t("history.open", lang)


def _geometry(record: FeatureRecord, lang: str) -> str:
    if record.geometry_ref is not None:
        return record.geometry_ref
    if record.geometry is None:
        return t("history.unplaced", lang)
    geometry = shape(record.geometry)
    if geometry.geom_type == "Point":
        return f"{geometry.x:.5f}, {geometry.y:.5f}"
    kind = "history.line" if "Line" in geometry.geom_type else "history.area"
    point = geometry.representative_point()
    return t(kind, lang, lon=f"{point.x:.3f}", lat=f"{point.y:.3f}")


def _yes_no(value: bool, lang: str) -> str:
    return t("history.yes" if value else "history.no", lang)


_WORDS: dict[str, Callable[[FeatureRecord, str], str]] = {
    "name": lambda r, lang: r.text("name", lang) or "",
    "kind": lambda r, lang: r.text("kind", lang) or "",
    "actor": lambda r, lang: r.text("actor", lang) or "",
    "summary": lambda r, lang: r.text("summary", lang) or "",
    "label": lambda r, lang: r.text("label", lang) or "",
    "validity_note": lambda r, lang: r.text("validity_note", lang) or "",
    "geometry_note": lambda r, lang: r.text("geometry_note", lang) or "",
    "count": lambda r, lang: r.count.text(lang),
    "as_of": lambda r, lang: _date(r.as_of, lang),
    "reported_on": lambda r, lang: _date(r.reported_on, lang) + (
        f" ({t('history.inferred', lang)})" if r.reported_on_inferred else ""),
    "valid_from": lambda r, lang: _date(r.valid_from, lang),
    "valid_to": lambda r, lang: _date(r.valid_to, lang),
    "sources": lambda r, lang: t("list.semicolon", lang).join(s.text(lang) for s in r.sources),
    "confidence": lambda r, lang: t(f"confidence.{r.confidence}", lang),
    "geometry": _geometry,
    "geometry_approximate": lambda r, lang: _yes_no(r.geometry_approximate, lang),
    "sidc": lambda r, lang: r.sidc or "—",
    "symbol": lambda r, lang: r.symbol,
    "series": lambda r, lang: r.series or "—",
    "layer": lambda r, lang: r.layer,
    "event": lambda r, lang: t("list.comma", lang).join(
        str(v) for v in (r.event.type, r.event.sub_type, r.event.actor1, r.event.actor2,
                         r.event.fatalities) if v is not None) if r.event else "—",
}


# The fields with words of their own, each labelled by its `field.` string.
WORDED_FIELDS = tuple(_WORDS)


def _record(raw: dict[str, Any]) -> FeatureRecord | None:
    try:
        return validated(raw)
    except PostureDataError:  # an old claim the rules no longer take: shown as stored
        return None


def _said(field: str, record: FeatureRecord | None, raw: dict[str, Any] | None,
          lang: str) -> str:
    words = _WORDS.get(field)
    if raw is None:
        return "—"
    if record is None or words is None:  # a field of no known words: its stored value
        return str(raw.get(field, "—"))
    return words(record, lang) or "—"


def describe_changes(before: dict[str, Any] | None, after: dict[str, Any], lang: str
                     ) -> list[FieldChange]:
    """The fields `after` changed against `before`, each in words in `lang`, in the
    order a card shows them. A field whose words come out the same in `lang` (the
    Arabic name changed, read in English) is given in the other language's words."""
    changed = {field_of(c.field) for c in changes(before, after)}
    old, new = (_record(before) if before else None), _record(after)
    out = []
    for field in sorted(changed, key=lambda f: (_ORDER.index(f) if f in _ORDER
                                                else len(_ORDER), f)):
        words = _WORDS.get(field)
        label = t(f"field.{field}", lang) if field in _WORDS else field
        was, now = _said(field, old, before, lang), _said(field, new, after, lang)
        if was == now and words is not None and old is not None and new is not None:
            # Changed only in the other language's words: say it in those.
            other = "en" if lang == "ar" else "ar"
            was, now = words(old, other) or "—", words(new, other) or "—"
        out.append(FieldChange(field, label, was, now))
    return out

"""The features in view as GeoJSON, GeoPackage, KML or CSV, with every attribute."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely import Geometry

from exports.formats import DATA_FORMATS
from geo.actors import affiliation
from geo.events import EVENT_KEYS
from geo.features import PlacedFeature
from geo.schema import FeatureRecord
from geo.sidc import with_affiliation
from i18n import t
from layers.unit_symbols import Display

__all__ = ["COLUMNS", "features_frame", "write_data"]


def _sources(record: FeatureRecord, lang: str) -> str:
    return t("list.semicolon", lang).join(s.cited(lang) for s in record.sources)


def _unit(record: FeatureRecord, display: Display) -> dict[str, object]:
    """A unit's symbol code as the export's viewpoint draws it, and that viewpoint."""
    if record.sidc is None or record.actor is None:
        return {"actor_id": record.actor, "sidc": None, "affiliation": None, "viewpoint": None}
    side = affiliation(record.actor, display.viewpoint)
    return {"actor_id": record.actor, "sidc": with_affiliation(record.sidc, side),
            "affiliation": side, "viewpoint": display.viewpoint}


def _given(record: FeatureRecord, path: str, value: object) -> object:
    """A text as the claim gave it: empty where it was shown in the other language's
    words, so the export imports back as the same one-language claim."""
    return None if path in record.filled else value


def _sources_json(record: FeatureRecord) -> str:
    """Every source with all its fields, as JSON: what `sources` says for reading."""
    return json.dumps([{key: value for key, value in {
        "who": _given(record, f"sources.{i}.who", s.who),
        "who_ar": _given(record, f"sources.{i}.who_ar", s.who_ar),
        "via": _given(record, f"sources.{i}.via", s.via),
        "via_ar": _given(record, f"sources.{i}.via_ar", s.via_ar),
        "fact": s.fact, "date": s.date.isoformat() if s.date else None, "link": s.link,
    }.items() if value is not None} for i, s in enumerate(record.sources)],
        ensure_ascii=False)


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _row(feature: PlacedFeature, display: Display) -> dict[str, object]:
    r, c = feature.record, feature.record.count
    given = {key: _given(r, key, getattr(r, key)) for key in (
        "name_en", "name_ar", "kind", "kind_ar", "actor_en", "actor_ar", "summary_en",
        "summary_ar", "geometry_note", "geometry_note_ar", "validity_note", "validity_note_ar")}
    return {**_unit(r, display), **given,
        "id": r.id, "layer": r.layer, "symbol": r.symbol,
        "label_en": r.label_en, "label_ar": r.label_ar,
        "count_text": c.text("en"), "count_text_ar": c.text("ar"), "count_value": c.value,
        "count_low": c.low, "count_high": c.high, "count_approximate": c.approximate,
        "count_words_en": _given(r, "count.words_en", c.words_en),
        "count_words_ar": _given(r, "count.words_ar", c.words_ar),
        "count_quantity_en": _given(r, "count.quantity_en", c.quantity_en),
        "count_quantity_ar": _given(r, "count.quantity_ar", c.quantity_ar),
        "as_of": _date(r.as_of), "as_of_precision": r.as_of_precision,
        "reported_on": _date(r.reported_on), "reported_on_inferred": r.reported_on_inferred,
        "valid_from": _date(r.valid_from), "valid_to": _date(r.valid_to), "series": r.series,
        "sources": _sources(r, "en"), "sources_ar": _sources(r, "ar"),
        "sources_json": _sources_json(r),
        "confidence": r.confidence, "confidence_text": t(f"confidence.{r.confidence}", "en"),
        "confidence_text_ar": t(f"confidence.{r.confidence}", "ar"),
        "geometry_approximate": r.geometry_approximate, "geometry_ref": r.geometry_ref,
        **_event(r),
    }


def _event(record: FeatureRecord) -> dict[str, object]:
    """An event's coded facts (geo/events.py), each in a column of its own."""
    event = record.event
    return {f"event_{key}": getattr(event, key) if event else None for key in EVENT_KEYS}


# Every attribute column, in order: an empty view still gets the full header. The
# columns after `viewpoint` carry the rest of each claim, so an export imports back
# unchanged (posture-import); `*_text`, `sources` and `sources_ar` are for reading
# and are not read back.
COLUMNS = (
    "id", "layer", "name_en", "name_ar", "kind", "kind_ar", "actor_en", "actor_ar",
    "summary_en", "summary_ar", "count_text", "count_text_ar", "count_value", "count_low",
    "count_high", "count_approximate", "count_words_en", "count_words_ar", "as_of",
    "reported_on", "reported_on_inferred", "sources", "sources_ar", "confidence",
    "confidence_text", "confidence_text_ar", "geometry_approximate", "geometry_note",
    "geometry_note_ar", "actor_id", "sidc", "affiliation", "viewpoint",
    "symbol", "label_en", "label_ar", "count_quantity_en", "count_quantity_ar",
    "as_of_precision", "valid_from", "valid_to", "validity_note", "validity_note_ar",
    "series", "sources_json", "geometry_ref",
    *(f"event_{key}" for key in EVENT_KEYS),
)


def _geometry(feature: PlacedFeature) -> Geometry | None:
    """What the claim says is where: an arrow is its two-point movement (the drawn
    arrowhead is cartography), an event without coordinates nothing (an empty cell,
    a null geometry), anything else its geometry."""
    if feature.record.unplaced:
        return None
    return feature.movement if feature.movement is not None else feature.geometry


def features_frame(features: Iterable[PlacedFeature], display: Display | None = None
                   ) -> gpd.GeoDataFrame:
    """One row per feature, every attribute in both languages, units' codes from the
    display's viewpoint; no rows for an empty view."""
    features = list(features)
    display = display or Display()
    rows = pd.DataFrame([_row(f, display) for f in features], columns=list(COLUMNS))
    frame = gpd.GeoDataFrame(rows, geometry=gpd.GeoSeries([_geometry(f) for f in features],
                                                          crs="EPSG:4326"))
    # Nullable integers keep "no number" apart from zero in every format.
    for column in ("count_value", "count_low", "count_high", "event_fatalities",
                   "event_geo_precision"):
        frame[column] = frame[column].astype("Int64")
    return frame


def write_data(features: Iterable[PlacedFeature], fmt: str, path: Path,
               display: Display | None = None) -> None:
    """Write to `path` (the caller makes the write atomic)."""
    frame = features_frame(features, display)
    driver, _ = DATA_FORMATS[fmt]
    if driver is None:
        # Full precision: the default six decimals would move a point on import back.
        table = frame.drop(columns="geometry").assign(
            wkt=frame.geometry.to_wkt(rounding_precision=-1))
        table.to_csv(path, index=False, encoding="utf-8")
    else:
        frame.to_file(path, driver=driver, engine="pyogrio", layer="features")

"""The features in view as GeoJSON, GeoPackage, KML or CSV, with every attribute."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import pandas as pd

from exports.formats import DATA_FORMATS
from geo.actors import affiliation
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


def _row(feature: PlacedFeature, display: Display) -> dict[str, object]:
    r, c = feature.record, feature.record.count
    return {**_unit(r, display),
        "id": r.id, "layer": r.layer, "name_en": r.name_en, "name_ar": r.name_ar,
        "kind": r.kind, "kind_ar": r.kind_ar, "actor_en": r.actor_en, "actor_ar": r.actor_ar,
        "summary_en": r.summary_en, "summary_ar": r.summary_ar,
        "count_text": c.text("en"), "count_text_ar": c.text("ar"), "count_value": c.value,
        "count_low": c.low, "count_high": c.high, "count_approximate": c.approximate,
        "count_words_en": c.words_en, "count_words_ar": c.words_ar,
        "as_of": r.as_of.isoformat() if r.as_of else None,
        "reported_on": r.reported_on.isoformat() if r.reported_on else None,
        "reported_on_inferred": r.reported_on_inferred,
        "sources": _sources(r, "en"), "sources_ar": _sources(r, "ar"),
        "confidence": r.confidence, "confidence_text": t(f"confidence.{r.confidence}", "en"),
        "confidence_text_ar": t(f"confidence.{r.confidence}", "ar"),
        "geometry_approximate": r.geometry_approximate, "geometry_note": r.geometry_note,
        "geometry_note_ar": r.geometry_note_ar,
    }


# Every attribute column, in order: an empty view still gets the full header.
COLUMNS = (
    "id", "layer", "name_en", "name_ar", "kind", "kind_ar", "actor_en", "actor_ar",
    "summary_en", "summary_ar", "count_text", "count_text_ar", "count_value", "count_low",
    "count_high", "count_approximate", "count_words_en", "count_words_ar", "as_of",
    "reported_on", "reported_on_inferred", "sources", "sources_ar", "confidence",
    "confidence_text", "confidence_text_ar", "geometry_approximate", "geometry_note",
    "geometry_note_ar", "actor_id", "sidc", "affiliation", "viewpoint",
)


def features_frame(features: Iterable[PlacedFeature], display: Display | None = None
                   ) -> gpd.GeoDataFrame:
    """One row per feature, every attribute in both languages, units' codes from the
    display's viewpoint; no rows for an empty view."""
    features = list(features)
    display = display or Display()
    rows = pd.DataFrame([_row(f, display) for f in features], columns=list(COLUMNS))
    frame = gpd.GeoDataFrame(rows, geometry=gpd.GeoSeries([f.geometry for f in features],
                                                          crs="EPSG:4326"))
    # Nullable integers keep "no number" apart from zero in every format.
    for column in ("count_value", "count_low", "count_high"):
        frame[column] = frame[column].astype("Int64")
    return frame


def write_data(features: Iterable[PlacedFeature], fmt: str, path: Path,
               display: Display | None = None) -> None:
    """Write to `path` (the caller makes the write atomic)."""
    frame = features_frame(features, display)
    driver, _ = DATA_FORMATS[fmt]
    if driver is None:
        table = frame.drop(columns="geometry").assign(wkt=frame.geometry.to_wkt())
        table.to_csv(path, index=False, encoding="utf-8")
    else:
        frame.to_file(path, driver=driver, engine="pyogrio", layer="features")

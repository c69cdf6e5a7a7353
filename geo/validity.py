"""Invalid geometry made valid where that keeps its kind, or refused with why.

A polygon drawn as a bow-tie crosses itself: GEOS measures, clips and draws it wrongly,
and before this check one such claim stopped the whole map from loading. shapely's
`make_valid` splits it into the areas it encloses. That is kept, with a note saying so,
only when the result is the same kind of shape (an area stays an area, a line a line);
anything else (an area that encloses nothing, a line of one repeated point) is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

import shapely
from shapely import Geometry

from geo.errors import SchemaError

__all__ = ["Repair", "made_valid"]

_KIND = {"Point": "point", "MultiPoint": "point", "LineString": "line",
         "MultiLineString": "line", "LinearRing": "line", "Polygon": "area",
         "MultiPolygon": "area"}
_KIND_AR = {"point": "نقطة", "line": "خط", "area": "مساحة"}


@dataclass(frozen=True)
class Repair:
    """A geometry made valid, and the note (English, Arabic) that says what was done."""

    geometry: Geometry
    note_en: str
    note_ar: str


def _parts(geometry: Geometry) -> int:
    return shapely.get_num_geometries(geometry)


def made_valid(geometry: Geometry) -> Repair | None:
    """None when `geometry` is valid; else the Repair that keeps its kind. SchemaError
    (the reason only) when no repair keeps it: the caller names the row or field."""
    if geometry.is_valid:
        return None
    reason = shapely.is_valid_reason(geometry)
    kind = _KIND.get(geometry.geom_type)
    try:
        repaired = shapely.make_valid(geometry)
    except shapely.errors.ShapelyError as e:  # GEOS gave up: nothing to keep
        raise SchemaError(f"is not a valid geometry ({reason}) and could not be made valid: "
                          f"{e}") from e
    if kind is None or repaired.is_empty or _KIND.get(repaired.geom_type) != kind:
        became = "nothing" if repaired.is_empty else f"a {repaired.geom_type}"
        raise SchemaError(f"is not a valid {geometry.geom_type} ({reason}); made valid it "
                          f"would be {became}, not the same kind of shape: correct it "
                          "at its source")
    parts = _parts(repaired)
    words = {"area": ("area", "areas"), "line": ("line", "lines"),
             "point": ("point", "points")}[kind]
    note_en = (f"The geometry as given was invalid ({reason}); it was made valid with "
               f"shapely's make_valid, as {parts} {words[0] if parts == 1 else words[1]}.")
    note_ar = (f"كان الشكل الهندسي كما ورد غير صالح ({reason})، فصُحِّح باستخدام make_valid "
               f"من مكتبة shapely، وبقي {_KIND_AR[kind]}، وعدد أجزائه {parts}.")
    return Repair(repaired, note_en, note_ar)

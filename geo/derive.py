"""Shapes derived from the basemap: the border, its sectors and the areas the report names.

Nothing here is hand-drawn: every line follows Natural Earth's geometry.
"""

from __future__ import annotations

import math
from functools import cache, partial

import shapely
from pyproj import Transformer
from shapely import Geometry
from shapely.geometry import LineString, MultiPolygon, Point, Polygon
from shapely.ops import linemerge, substring, unary_union

from geo.basemap import admin1_full
from geo.errors import SchemaError

__all__ = [
    "AL_QAIM_CROSSING",
    "TRIPOINT_IQ_JO_SY",
    "alqaim_jordan_sector",
    "arrow",
    "border_segment_near",
    "country_anchor",
    "country_of_total",
    "country_outline",
    "governorate",
    "iraq_syria_border",
    "nineveh_northwest_sector",
    "resolve_geometry_ref",
]

# From FACTS.md: where the border meets the Euphrates valley road, and the
# Iraq-Jordan-Syria tripoint at the sector's southern end.
AL_QAIM_CROSSING = Point(40.99, 34.43)
TRIPOINT_IQ_JO_SY = Point(38.79, 33.37)
# The report gives no extent for the reinforced north-west Nineveh sector; the
# border districts Sinjar, Rabia and Ba'aj lie within about this distance of
# the Syrian border.
NW_NINEVEH_DEPTH_KM = 60.0

# A local equidistant projection centred on the border keeps buffers in km honest.
_TO_LOCAL = Transformer.from_crs("EPSG:4326", "+proj=aeqd +lat_0=35 +lon_0=41 +units=m",
                                  always_xy=True)
_TO_WGS84 = Transformer.from_crs("+proj=aeqd +lat_0=35 +lon_0=41 +units=m", "EPSG:4326",
                                 always_xy=True)


def _reproject(geometry: Geometry, transformer: Transformer) -> Geometry:
    return shapely.transform(geometry, lambda x, y: transformer.transform(x, y),
                             interleaved=False)


@cache
def country_outline(iso_a2: str) -> Polygon | MultiPolygon:
    """A country's outline: the union of its full-precision governorates."""
    frame = admin1_full()
    parts = frame[frame["iso_a2"] == iso_a2]
    if parts.empty:
        raise SchemaError(f"no governorates for country {iso_a2!r} in the basemap")
    return unary_union(list(parts.geometry))


@cache
def governorate(iso_3166_2: str) -> Polygon | MultiPolygon:
    frame = admin1_full()
    match = frame[frame["iso_3166_2"] == iso_3166_2]
    if match.empty:
        raise SchemaError(f"unknown governorate {iso_3166_2!r}")
    return match.geometry.iloc[0]


@cache
def iraq_syria_border() -> LineString:
    """The shared edge of Iraq's and Syria's outlines, merged into one line."""
    shared = country_outline("IQ").boundary.intersection(country_outline("SY").boundary)
    merged = linemerge(shared)
    if not isinstance(merged, LineString):
        raise SchemaError(f"Iraq-Syria border did not merge into one line: {merged.geom_type}")
    return merged


def border_segment_near(start: Point, end: Point) -> LineString:
    """The part of the border between the border points nearest `start` and `end`."""
    border = iraq_syria_border()
    a, b = border.project(start), border.project(end)
    return substring(border, min(a, b), max(a, b))


@cache
def alqaim_jordan_sector() -> LineString:
    """The border from the Al-Qaim crossing south to the Iraq-Jordan-Syria tripoint."""
    return border_segment_near(AL_QAIM_CROSSING, TRIPOINT_IQ_JO_SY)


@cache
def nineveh_northwest_sector() -> Polygon | MultiPolygon:
    """Approximate: the part of Nineveh within NW_NINEVEH_DEPTH_KM of the Syrian border."""
    nineveh = governorate("IQ-NI")
    border_in_nineveh = iraq_syria_border().intersection(nineveh.buffer(1e-6))
    zone = _reproject(border_in_nineveh, _TO_LOCAL).buffer(NW_NINEVEH_DEPTH_KM * 1000)
    return nineveh.intersection(_reproject(zone, _TO_WGS84))


def arrow(start: tuple[float, float], end: tuple[float, float],
          head_fraction: float = 0.3) -> Polygon:
    """An arrow from start to end, as one polygon: a slim shaft and a triangular head."""
    (x0, y0), (x1, y1) = _TO_LOCAL.transform(*start), _TO_LOCAL.transform(*end)
    length = math.hypot(x1 - x0, y1 - y0)
    ux, uy = (x1 - x0) / length, (y1 - y0) / length  # along the arrow
    nx, ny = -uy, ux  # across it
    head_len = length * head_fraction
    head_half, shaft_half = head_len * 0.6, head_len * 0.22
    bx, by = x1 - ux * head_len, y1 - uy * head_len
    outline = [
        (x0 + nx * shaft_half, y0 + ny * shaft_half), (bx + nx * shaft_half, by + ny * shaft_half),
        (bx + nx * head_half, by + ny * head_half), (x1, y1),
        (bx - nx * head_half, by - ny * head_half), (bx - nx * shaft_half, by - ny * shaft_half),
        (x0 - nx * shaft_half, y0 - ny * shaft_half),
    ]
    return Polygon([_TO_WGS84.transform(x, y) for x, y in outline])


@cache
def country_anchor(iso_a2: str) -> Point:
    """Where a country-level figure is drawn: the outline's centroid, if it lies inside."""
    outline = country_outline(iso_a2)
    centroid = outline.centroid
    return centroid if outline.contains(centroid) else outline.representative_point()


# The references that stand for a whole country: a figure drawn there is a country
# total, not a force at that spot.
COUNTRY_ANCHORS = {"derived:iraq_anchor": "IQ", "derived:syria_anchor": "SY"}


def country_of_total(ref: str | None) -> str | None:
    """The ISO code of the country whose total a figure at `ref` is, or None."""
    return COUNTRY_ANCHORS.get(ref or "")


def resolve_geometry_ref(ref: str) -> Geometry:
    """Turn a `derived:NAME` or `admin1:ISO` reference from the data into geometry."""
    kind, _, name = ref.partition(":")
    if kind == "admin1":
        return governorate(name)
    if kind == "derived" and name in _DERIVED:
        return _DERIVED[name]()
    known = ", ".join(f"derived:{k}" for k in sorted(_DERIVED))
    raise SchemaError(f"unknown geometry_ref {ref!r}: use admin1:<ISO 3166-2> or one of {known}")


_DERIVED = {
    "iraq_syria_border": iraq_syria_border,
    "alqaim_jordan_sector": alqaim_jordan_sector,
    "nineveh_northwest_sector": nineveh_northwest_sector,
    **{ref.partition(":")[2]: partial(country_anchor, iso) for ref, iso in COUNTRY_ANCHORS.items()},
}

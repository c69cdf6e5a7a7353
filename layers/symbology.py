"""Sizes, dash patterns and confidence styling shared by the live map, the legend
and the static exports."""

from __future__ import annotations

import math
from dataclasses import dataclass

from geo.basemap import country_name
from geo.derive import country_of_total
from geo.schema import FeatureRecord
from i18n import t

__all__ = ["APPROX_DASH", "ARROW_OUTLINE_PX", "ARROW_PX", "CONFIDENCE_KEY_COLOR",
           "CONFIDENCE_KEY_FILL", "CONFIDENCE_STYLES", "COUNTRY_EDGE", "FOCUS_LAND",
           "GOVERNORATE_EDGE", "MIN_RADIUS_PX", "OTHER_LAND", "POINT_PANE", "POINT_PANE_Z",
           "PROPORTIONAL_MAX_PX", "PROPORTIONAL_REFERENCE", "SEA", "STALE_OPACITY",
           "SYMBOL_STYLES", "ZERO_COUNT_DASH", "ConfidenceStyle", "SymbolStyle",
           "confidence_style", "figure_label", "proportional_radius", "screen_angle"]

# Circle area is proportional to the count, against a fixed reference so that
# the same count always has the same size, whatever else is shown.
PROPORTIONAL_REFERENCE = 500_000
PROPORTIONAL_MAX_PX = 60.0
# Below this a circle cannot be seen or hovered; the legend says so.
MIN_RADIUS_PX = 3.0
# Dashes (and hatching in print) mean one thing only: approximate geometry.
APPROX_DASH = "6 6"


@dataclass(frozen=True)
class SymbolStyle:
    """How one symbol is drawn, in CSS pixels and opacities at full confidence.

    The live map (layers/builder.py), the legend (layers/legend.py) and print
    (exports/static_map.py) all read these, so a change of style is one edit.
    """

    weight: float  # stroke width
    opacity: float = 1.0  # stroke opacity
    fill_opacity: float | None = None  # None: not filled
    dash: str | None = None  # dash pattern; dashes mean approximate geometry (or deployment)
    radius: float | None = None  # circle markers
    outline: str | None = None  # a stroke colour other than the layer's (a white ring)


SYMBOL_STYLES: dict[str, SymbolStyle] = {
    "line": SymbolStyle(weight=3, opacity=0.95),
    # Solid: its geometry is the exact border, and dashes mean approximate geometry only.
    "deployment_line": SymbolStyle(weight=8, opacity=0.85),
    "area": SymbolStyle(weight=2, fill_opacity=0.06),
    "approx_area": SymbolStyle(weight=2.5, fill_opacity=0.25, dash=APPROX_DASH),
    "arrow": SymbolStyle(weight=1.5, fill_opacity=0.9),
    "point": SymbolStyle(weight=2, fill_opacity=0.95, radius=8, outline="#ffffff"),
    "place": SymbolStyle(weight=1, fill_opacity=1.0, radius=4),
    "proportional": SymbolStyle(weight=1.5, fill_opacity=0.18),
}
# A count of zero: a dotted ring with no fill.
ZERO_COUNT_DASH = "2 3"

# Small point symbols (events, crossings, places) get a map pane above every other
# symbol, arrows and labels included, below cards (650): drawn with the other paths,
# the crossing's marker was buried under the movement arrow and the town markers.
POINT_PANE = "posture-points"
POINT_PANE_Z = 620

# A schematic movement arrow is a symbol of fixed screen size, pointing east before it is
# turned: drawn to scale it grew to 80 km at zoom 11 and covered both towns of the crossing.
ARROW_PX = (64, 24)
ARROW_OUTLINE_PX = ((2, 8), (42, 8), (42, 2), (62, 12), (42, 22), (42, 16), (2, 16))

# The embedded basemap, live and in print.
SEA = "#c9dbe6"
FOCUS_LAND = "#f4efe4"  # Iraq and Syria
OTHER_LAND = "#e3ddd0"
COUNTRY_EDGE = "#8c8273"
GOVERNORATE_EDGE = "#b3a996"


@dataclass(frozen=True)
class ConfidenceStyle:
    """How sure the map is of a feature, drawn into its style.

    `strength` scales every opacity of the feature's marks: what was officially
    announced is drawn at full strength, what media heard from unnamed sources
    at half. `mark` follows the feature's label, so the difference survives
    greyscale printing; the symbols are language-neutral.
    """

    strength: float
    mark: str


CONFIDENCE_STYLES: dict[str, ConfidenceStyle] = {
    "official": ConfidenceStyle(1.0, "✔"),
    "media": ConfidenceStyle(0.8, "◐"),
    "estimate": ConfidenceStyle(0.8, "~"),
    "media_anonymous": ConfidenceStyle(0.5, "?"),
    # Reference geography is not a claim about forces: no mark.
    "reference": ConfidenceStyle(1.0, ""),
}


# A figure older than the chosen age before the as-of date: drawn at this opacity,
# on the live map (map_style.css, .posture-stale) and in print.
STALE_OPACITY = 0.4

# The legend's confidence swatches (map legend and print legend): one neutral
# colour, filled at this opacity times each level's strength.
CONFIDENCE_KEY_COLOR = "#2c3e50"
CONFIDENCE_KEY_FILL = 0.6


def screen_angle(start: tuple[float, float], end: tuple[float, float]) -> float:
    """Degrees clockwise from east of the line start → end on a Web Mercator map."""
    def mercator_y(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    dx = math.radians(end[0] - start[0])
    dy = mercator_y(end[1]) - mercator_y(start[1])
    return math.degrees(math.atan2(-dy, dx))  # screen y grows downwards


def confidence_style(confidence: str) -> ConfidenceStyle:
    return CONFIDENCE_STYLES[confidence]


def proportional_radius(value: int) -> float:
    """Radius in pixels of the circle for a count (area proportional to count)."""
    radius = PROPORTIONAL_MAX_PX * math.sqrt(max(value, 0) / PROPORTIONAL_REFERENCE)
    return max(radius, MIN_RADIUS_PX)


def figure_label(record: FeatureRecord, lang: str) -> tuple[str, str]:
    """A feature's map label in `lang`, with the date its figure holds ("~2,500 US · Jan
    2024"), and its confidence mark: the same text on the live map and in print."""
    label = record.text("label", lang) or ""
    country = country_of_total(record.geometry_ref)
    if country:
        # Drawn at the middle of the country, a total must not read as a force there.
        label = t("label.country_total", lang, label=label, country=country_name(country, lang))
    date = record.as_of_text(lang)
    if date:
        label = t("label.dated", lang, label=label, date=date)
    return label, confidence_style(record.confidence).mark

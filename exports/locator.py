"""An optional locator inset for printed maps: the region, with the printed view outlined.

A reader handed a zoomed-in briefing page sees at once where on the border it is.
"""

from __future__ import annotations

import math

from matplotlib.axes import Axes
from matplotlib.patches import Rectangle
from matplotlib.transforms import Bbox
from shapely.geometry import box

from exports.label_layout import marker_boxes
from geo.basemap import countries
from geo.features import PlacedFeature
from layers.basemap_vector import FOCUS_COUNTRIES
from layers.symbology import COUNTRY_EDGE, FOCUS_LAND, OTHER_LAND, SEA

__all__ = ["LOWER_RIGHT", "UPPER_LEFT", "VIEW_OUTLINE", "add_locator"]

# The inset's two possible places in the map frame (axes fractions: x, y, width,
# height), clear of the scale bar (lower left) and the north arrow (upper right).
LOWER_RIGHT = (0.775, 0.015, 0.21, 0.21)
UPPER_LEFT = (0.015, 0.775, 0.21, 0.21)
VIEW_OUTLINE = "#c0392b"
# Context around the view: the inset shows at least this many degrees each way.
MARGIN_DEG = 3.0


def _extent(view_bbox: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """The inset's bounds: the basemap's whole region and the view with a margin."""
    region = countries().total_bounds
    west, south, east, north = view_bbox
    return (min(region[0], west - MARGIN_DEG), min(region[1], south - MARGIN_DEG),
            max(region[2], east + MARGIN_DEG), max(region[3], north + MARGIN_DEG))


def _covered(ax: Axes, corner: tuple[float, float, float, float],
             features: list[PlacedFeature]) -> int:
    """How many drawn symbols and features the inset would cover in `corner`."""
    x, y, width, height = corner
    (west, east), (south, north) = ax.get_xlim(), ax.get_ylim()
    area = box(west + x * (east - west), south + y * (north - south),
               west + (x + width) * (east - west), south + (y + height) * (north - south))
    covered = sum(p.geometry.intersects(area) for p in features)
    # Circles reach beyond their centres: count every marker whose disc meets the corner.
    ax.apply_aspect()
    shown = Bbox(ax.transAxes.transform([(x, y), (x + width, y + height)]))
    return covered + sum(marker.overlaps(shown) for marker in marker_boxes(ax))


def add_locator(ax: Axes, view_bbox: tuple[float, float, float, float],
                features: list[PlacedFeature]) -> Axes:
    """Draw the inset in the corner of `ax` that hides the least of the map (the lower
    right when both hide as much); returns the inset's axes."""
    corner = min((LOWER_RIGHT, UPPER_LEFT), key=lambda c: _covered(ax, c, features))
    inset = ax.inset_axes(corner, zorder=12)
    west, south, east, north = _extent(view_bbox)
    inset.set_facecolor(SEA)
    inset.set_xticks([])
    inset.set_yticks([])
    for spine in inset.spines.values():
        spine.set_edgecolor("#444444")
        spine.set_linewidth(0.8)
    frame = countries()
    for iso_a2, group in frame.groupby("iso_a2"):
        group.plot(ax=inset, color=FOCUS_LAND if iso_a2 in FOCUS_COUNTRIES else OTHER_LAND,
                   edgecolor=COUNTRY_EDGE, linewidth=0.3)
    # plot() resets the limits, the aspect and the axis names; the inset keeps its own
    # bounds, shapes true at the middle latitude as on the map itself, and no names.
    inset.set_xlim(west, east)
    inset.set_ylim(south, north)
    inset.set_aspect(1 / math.cos(math.radians((south + north) / 2)), adjustable="box")
    inset.set_anchor("SE" if corner == LOWER_RIGHT else "NW")
    inset.set_xlabel("")
    inset.set_ylabel("")
    view_west, view_south, view_east, view_north = view_bbox
    inset.add_patch(Rectangle((view_west, view_south), view_east - view_west,
                              view_north - view_south, fill=False, edgecolor=VIEW_OUTLINE,
                              linewidth=1.2, zorder=5, gid="locator-view"))
    inset.set_gid("locator")
    return inset

"""Static snapshots (PNG, PDF, SVG) drawn with matplotlib from the layer catalogue.

Colours, dash patterns and proportional-circle sizes come from the same
catalogue and symbology as the live map, so a briefing slide matches the screen.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from dataclasses import dataclass
from pathlib import Path

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Polygon
from matplotlib.transforms import Affine2D, ScaledTranslation
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from exports.event_marks import draw_events
from exports.furniture import add_furniture
from exports.label_layout import mark_label, place_labels
from exports.locator import add_locator
from exports.page_layout import page_layout
from exports.paper import pixel_size
from exports.table_page import posture_table_page
from exports.unit_marks import add_unit_symbol
from exports.view import View, features_in_view
from geo.basemap import countries, governorates
from geo.features import PlacedFeature
from geo.timeline import stale_at
from i18n import direction
from layers.basemap_vector import FOCUS_COUNTRIES
from layers.catalogue import LayerEntry, features_of, layer
from layers.point_canvas import on_canvas
from layers.symbology import (
    APPROX_DASH,
    ARROW_OUTLINE_PX,
    ARROW_PX,
    COUNTRY_EDGE,
    FOCUS_LAND,
    GOVERNORATE_EDGE,
    OTHER_LAND,
    SEA,
    STALE_OPACITY,
    SYMBOL_STYLES,
    ZERO_COUNT_DASH,
    SymbolStyle,
    confidence_style,
    figure_label,
    proportional_radius,
)
from layers.unit_symbols import Display, feature_symbol, symbol_anchor, symbol_shift_px

__all__ = ["StaticMap", "draw_static", "label_text", "write_static"]

PX_TO_PT = 0.75  # CSS pixels (the live map's unit) to points
STALE_TEXT = "#7a7a7a"  # the label of a faded, old figure


@dataclass
class StaticMap:
    figure: Figure
    ax: Axes
    view: View
    features: list[PlacedFeature]
    label_ms: float = 0.0  # time label placement took, for the bench

    def pixel_of(self, lon: float, lat: float) -> tuple[int, int]:
        """Where (lon, lat) lands in the saved PNG, as (column, row) from the top left."""
        self.ax.apply_aspect()
        x, y = self.ax.transData.transform((lon, lat))
        return round(x), round(self.figure.bbox.height - y)


def _dashes(pattern: str) -> tuple[float, tuple[float, ...]]:
    return 0.0, tuple(float(v) * PX_TO_PT for v in pattern.split())


def _plot_geometry(ax: Axes, geometry: BaseGeometry, **style: object) -> None:
    if geometry.geom_type.startswith("Multi") or geometry.geom_type == "GeometryCollection":
        for part in geometry.geoms:
            _plot_geometry(ax, part, **style)
        return
    if geometry.geom_type == "Polygon":
        x, y = geometry.exterior.xy
        ax.fill(x, y, **style)
    elif geometry.geom_type == "LineString":
        x, y = geometry.xy
        ax.plot(x, y, **style)


def _draw_basemap(ax: Axes, view_bbox: tuple[float, float, float, float], lang: str) -> None:
    name = "name_ar" if lang == "ar" else "name_en"
    view = box(*view_bbox)
    for row in countries().itertuples():
        fill = FOCUS_LAND if row.iso_a2 in FOCUS_COUNTRIES else OTHER_LAND
        _plot_geometry(ax, row.geometry, facecolor=fill, edgecolor=COUNTRY_EDGE, linewidth=0.8,
                       zorder=1)
        point = row.geometry.intersection(view).representative_point() \
            if row.geometry.intersects(view) else None
        if point is not None and not point.is_empty:
            mark_label(ax.annotate(getattr(row, name).upper() if lang == "en"
                                   else getattr(row, name), (point.x, point.y),
                                   xytext=(0, 0), textcoords="offset points", fontsize=8,
                                   color="#6b6258", ha="center", va="center", zorder=2,
                                   clip_on=True), 3)
    for geometry in governorates().geometry:
        _plot_geometry(ax, geometry.boundary, color=GOVERNORATE_EDGE, linewidth=0.4, zorder=2)


def label_text(p: PlacedFeature, lang: str) -> str:
    """The feature's label in `lang` and its confidence mark, as on the live map."""
    label, mark = figure_label(p.record, lang)
    return label + (f" {mark}" if mark else "")


def _label(ax: Axes, p: PlacedFeature, lang: str, dx: float = 6, dy: float = 0,
           priority: int = 0, **style: object) -> None:
    text = label_text(p, lang)
    point = p.geometry if p.geometry.geom_type == "Point" else p.geometry.representative_point()
    mark_label(ax.annotate(
        text, (point.x, point.y), xytext=(dx, dy), textcoords="offset points",
        fontsize=style.pop("fontsize", 7), zorder=9, clip_on=True, va="center",
        bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.6},
        **style), priority)


def _strength(p: PlacedFeature, stale: bool) -> float:
    """The live map's opacity scale: confidence strength, and faded if the figure is old."""
    return confidence_style(p.record.confidence).strength * (STALE_OPACITY if stale else 1.0)


def _movement_arrow(ax: Axes, p: PlacedFeature, color: str, fill: float, edge_pt: float,
                    zorder: float) -> None:
    """The live map's arrow symbol at its size in points, at the movement's middle and
    turned along it as printed: the same size whatever the printed extent."""
    line = p.movement
    assert line is not None  # geo/features.py checked: an arrow is a two-point line
    ax.apply_aspect()
    (x0, y0), (x1, y1) = ax.transData.transform([line.coords[0], line.coords[-1]])
    middle = line.interpolate(0.5, normalized=True)
    width, height = ARROW_PX
    # The outline in points, centred, y up (SVG's y runs down), turned, then placed.
    outline = [((x - width / 2) * PX_TO_PT, (height / 2 - y) * PX_TO_PT)
               for x, y in ARROW_OUTLINE_PX]
    place = (Affine2D().rotate(math.atan2(y1 - y0, x1 - x0)).scale(ax.figure.dpi / 72)
             + ScaledTranslation(middle.x, middle.y, ax.transData))
    # Fill at the symbol's opacity, outline solid, as the live map draws it.
    ax.add_patch(Polygon(outline, closed=True, transform=place,
                         facecolor=(*to_rgb(color), fill), edgecolor=color, linewidth=edge_pt,
                         zorder=zorder, gid="movement-arrow",
                         linestyle=_dashes(APPROX_DASH) if p.record.geometry_approximate
                         else "-"))


def _draw_feature(ax: Axes, p: PlacedFeature, entry: LayerEntry, lang: str,
                  stale: bool = False, unit_symbols: bool = False) -> None:
    symbol, color, z = p.record.symbol, entry.color, 3 + entry.z_order / 10
    geometry = p.display_geometry
    strength = _strength(p, stale)
    text_color = STALE_TEXT if stale else "black"
    spec = SYMBOL_STYLES.get(symbol, SymbolStyle(weight=1))
    fill = spec.fill_opacity or 0.0
    if symbol in ("line", "deployment_line"):
        _plot_geometry(ax, geometry, color=color, linewidth=spec.weight * PX_TO_PT, zorder=z,
                       alpha=spec.opacity * strength,
                       linestyle=_dashes(spec.dash) if spec.dash else "-",
                       solid_capstyle="butt")
    if symbol == "deployment_line":
        anchor = geometry.interpolate(0.3, normalized=True)
        mark_label(ax.annotate(label_text(p, lang), (anchor.x, anchor.y), xytext=(10, -4),
                               textcoords="offset points", fontsize=7, fontweight="bold",
                               zorder=9, color=text_color, va="center"), 0)
    elif symbol in ("area", "approx_area"):
        approx = symbol == "approx_area"
        _plot_geometry(ax, geometry, facecolor=color, alpha=fill * strength,
                       zorder=z)
        _plot_geometry(ax, geometry.boundary, color=color, linewidth=spec.weight * PX_TO_PT,
                       zorder=z, alpha=spec.opacity * strength,
                       linestyle=_dashes(spec.dash) if spec.dash else "-")
        if approx:
            _plot_geometry(ax, geometry, facecolor="none", edgecolor=color, hatch="///",
                           linewidth=0, zorder=z, alpha=strength)
            _label(ax, p, lang, dx=-40, fontweight="bold", color=text_color)
    elif symbol == "arrow":
        _movement_arrow(ax, p, color, fill * strength, spec.weight * PX_TO_PT, z)
        _label(ax, p, lang, dy=8, fontweight="bold", color=text_color)
    elif symbol == "point" and unit_symbols and p.record.sidc:
        _label(ax, p, lang, fontweight="bold", color=text_color)  # its symbol replaces the dot
    elif symbol == "point":
        ax.scatter([p.geometry.x], [p.geometry.y], s=((spec.radius or 0) * PX_TO_PT * 2) ** 2,
                   color=color, edgecolors=spec.outline or color,
                   linewidths=spec.weight * PX_TO_PT, zorder=z + 1,
                   alpha=fill * strength,
                   linestyle="--" if p.record.geometry_approximate else "-")
        _label(ax, p, lang, fontweight="bold", color=text_color)
    elif symbol == "place":
        ax.scatter([p.geometry.x], [p.geometry.y], s=((spec.radius or 0) * PX_TO_PT * 2) ** 2,
                   color="white", edgecolors=color, linewidths=spec.weight * PX_TO_PT,
                   zorder=z + 1)
        _label(ax, p, lang, dx=5, priority=1)
    elif symbol == "label":
        mark_label(ax.annotate(p.record.text("name", lang),
                               (p.geometry.x, p.geometry.y), xytext=(0, 0),
                               textcoords="offset points", fontsize=6, color="#6f6f6f",
                               # DejaVu's oblique faces have no Arabic glyphs.
                               style="normal" if lang == "ar" else "italic",
                               ha="center", va="center", zorder=2.5, clip_on=True), 2)


def _draw_proportional(ax: Axes, features: list[PlacedFeature], lang: str,
                       stale: set[str]) -> None:
    stacks: dict[tuple[float, float], list[PlacedFeature]] = {}
    for p in features:
        stacks.setdefault((p.geometry.x, p.geometry.y), []).append(p)
    for (x, y), stack in stacks.items():
        stack.sort(key=lambda p: p.record.count.value or 0, reverse=True)
        color = layer(stack[0].record.layer).color
        largest = proportional_radius(stack[0].record.count.value or 0) * PX_TO_PT
        for index, p in enumerate(stack):
            value = p.record.count.value or 0
            size = (proportional_radius(value) * PX_TO_PT * 2) ** 2
            faded = p.record.id in stale
            strength = _strength(p, faded)
            spec = SYMBOL_STYLES["proportional"]
            fill = spec.fill_opacity or 0.0
            # Fill and ring at their own opacities, as on the live map.
            ax.scatter([x], [y], s=size, zorder=8 + index * 0.01, linewidths=0,
                       facecolors=color if value else "none",
                       alpha=fill * strength)
            ax.scatter([x], [y], s=size, zorder=8 + index * 0.01,
                       linewidths=spec.weight * PX_TO_PT, facecolors="none", edgecolors=color,
                       alpha=spec.opacity * strength,
                       linestyle=_dashes(ZERO_COUNT_DASH) if not value else "-")
            mark_label(ax.annotate(
                label_text(p, lang), (x, y), xytext=(largest + 4, 8 - 9 * index),
                textcoords="offset points", fontsize=6.5, fontweight="bold", zorder=9,
                va="center", color=STALE_TEXT if faded else "black"), 0)


def _unit_slot(p: PlacedFeature, known_on: dt.date | None) -> tuple[int, int]:
    """The symbol's place among the units sharing its anchor, as on the live map: fixed
    whatever date hides its neighbours."""
    if p.record.symbol != "proportional":
        return 0, 1
    anchor = symbol_anchor(p)
    sharing = [q.record.id for q in features_of(layer(p.record.layer), known_on)
               if q.record.symbol == "proportional" and q.record.sidc
               and symbol_anchor(q) == anchor]
    return sharing.index(p.record.id), len(sharing)


def _draw_units(ax: Axes, features: list[PlacedFeature], display: Display, lang: str,
                stale: set[str], known_on: dt.date | None) -> None:
    for p in features:
        symbol = feature_symbol(p.record, display.viewpoint, lang)
        if symbol is None:
            continue
        lat, lon = symbol_anchor(p)
        shift_x, shift_y = symbol_shift_px(p, _unit_slot(p, known_on))
        add_unit_symbol(ax, symbol, (lon, lat), PX_TO_PT, p.record.id,
                        alpha=STALE_OPACITY if p.record.id in stale else 1.0,
                        # Screen pixels grow downwards, offset points upwards.
                        shift_pt=(shift_x * PX_TO_PT, -shift_y * PX_TO_PT))


def _draw_canvas_points(ax: Axes, points: list[PlacedFeature]) -> None:
    """A layer drawn on the live map's canvas (layers/point_canvas.py) as it is there from
    zoom 8: a dot per point in the layer's colour, unlabelled. One feature's marks and
    label apiece took more than 5 minutes for 50,000 posts."""
    by_layer: dict[str, list[PlacedFeature]] = {}
    for p in points:
        if p.geometry.geom_type == "Point" and not p.geometry.is_empty:
            by_layer.setdefault(p.record.layer, []).append(p)
    for layer_id, drawn in by_layer.items():
        ax.scatter([p.geometry.x for p in drawn], [p.geometry.y for p in drawn], s=3,
                   color=layer(layer_id).color, linewidths=0, zorder=5, rasterized=True)


def draw_static(view: View, paper: str, dpi: int) -> StaticMap:
    width, height = pixel_size(paper, dpi)
    # A bare Figure, not pyplot: no global state, nothing to close, no display needed.
    figure = Figure(figsize=(width / dpi, height / dpi), dpi=dpi)
    rtl = direction(view.lang) == "rtl"
    layout = page_layout(width, height, rtl)
    ax = figure.add_axes(layout.map_axes)
    west, south, east, north = view.bbox
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    # Equirectangular with the aspect of the view's middle latitude: true shapes there.
    # The axes box shrinks to keep that aspect, so the bounds stay exactly the view's.
    ax.set_aspect(1 / math.cos(math.radians((south + north) / 2)), adjustable="box")
    ax.set_anchor("NW")
    ax.set_facecolor(SEA)
    ax.set_xticks([])
    ax.set_yticks([])
    _draw_basemap(ax, view.bbox, view.lang)
    features = features_in_view(view)
    stale = set(stale_at(features, view.as_of, view.stale_months))
    events = [p for p in features if p.record.event is not None]
    event_handles = draw_events(ax, view.layers(), events, view)
    on_canvas_ids = {e.id for e in view.layers() if on_canvas(e, view.known_on)}
    _draw_canvas_points(ax, [p for p in features if p.record.layer in on_canvas_ids])
    marked = [p for p in features if p.record.layer not in on_canvas_ids]
    for p in marked:
        if p.record.symbol != "proportional" and p.record.event is None:
            _draw_feature(ax, p, layer(p.record.layer), view.lang, p.record.id in stale,
                          view.display.units)
    _draw_proportional(ax, [p for p in marked if p.record.symbol == "proportional"],
                       view.lang, stale)
    if view.display.units:
        _draw_units(ax, marked, view.display, view.lang, stale, view.known_on)
    add_furniture(figure, ax, view, features, layout, event_handles)
    if view.locator:
        add_locator(ax, view.bbox, features)
    started = time.perf_counter()
    place_labels(ax, rtl=rtl)
    label_ms = (time.perf_counter() - started) * 1000
    return StaticMap(figure, ax, view, features, label_ms)


def write_static(view: View, fmt: str, path: Path, paper: str = "a4-landscape",
                 dpi: int = 150) -> StaticMap:
    # Text stays text: selectable and searchable in the PDF, editable in the SVG.
    with matplotlib.rc_context({"pdf.fonttype": 42, "svg.fonttype": "none"}):
        static = draw_static(view, paper, dpi)
        if fmt == "pdf":
            # A second page: the posture table of the printed view, with its sources.
            with PdfPages(path, metadata={"Title": view.heading}) as pages:
                pages.savefig(static.figure, dpi=dpi, facecolor="white")
                pages.savefig(posture_table_page(view, paper, dpi), dpi=dpi,
                              facecolor="white")
        else:
            static.figure.savefig(path, format=fmt, dpi=dpi, facecolor="white",
                                  metadata={"Title": view.heading} if fmt == "svg" else None)
    return static

"""Map furniture for static snapshots: title, legend, scale bar, north arrow, dates,
sources, attribution and the caveat for approximate geometry."""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from collections.abc import Callable, Sequence

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.legend_handler import HandlerBase, HandlerPatch
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, FancyArrow, Patch, PathPatch
from matplotlib.text import Text
from matplotlib.transforms import Affine2D, Bbox, Transform

from exports.page_layout import PageLayout
from exports.unit_marks import symbol_shapes
from exports.view import View
from geo.actors import actor, viewpoint_title
from geo.features import PlacedFeature
from geo.filters import describe
from geo.measure import distance_km
from geo.schema import CONFIDENCE_LEVELS
from geo.sources import source_index
from i18n import direction, t
from layers.catalogue import LayerEntry, layer
from layers.symbology import (
    CONFIDENCE_KEY_COLOR,
    CONFIDENCE_KEY_FILL,
    SYMBOL_STYLES,
    confidence_style,
    proportional_radius,
)
from layers.unit_symbols import UnitSymbol, unit_kinds, unit_symbol
from store.features import placed_features

__all__ = ["add_furniture", "nice_scale_km", "sources_in_view"]

_FACTS_ROW = re.compile(r"^[A-Z]+\d+$")  # B7, F1: a row of data/FACTS.md
# Characters per line of the printed sources: as wide as their column holds at 5.5 pt.
SOURCE_CHARS = 68
SOURCE_PT, SMALLEST_SOURCE_PT = 5.5, 4.0
_NICE_KM = (10, 20, 25, 50, 100, 150, 200, 250, 300, 500, 1000)


def sources_in_view(features: list[PlacedFeature], lang: str = "en") -> list[str]:
    """Every distinct source behind a feature in view, in first-seen order: who, via whom,
    the FACTS rows and the report's dates ("…, via Reuters · FACTS B7, B8 · Alhurra report
    of 2024-12-02")."""
    lines = []
    for entry in source_index(features, lang):
        line = entry.label
        # Reference sources (the basemap, the gazetteer) rest on no row of the report.
        rows = [fact for fact in entry.facts if _FACTS_ROW.match(fact)]
        if rows:
            line = t("furniture.source_facts", lang, source=line, facts=", ".join(rows))
            if entry.reported_on:
                line = t("furniture.source_report", lang, source=line, dates=", ".join(
                    d.isoformat() for d in sorted(entry.reported_on)))
        lines.append(line)
    return lines


def nice_scale_km(span_km: float) -> int:
    """A round length close to a quarter of the map's width."""
    target = span_km / 4
    return min(_NICE_KM, key=lambda km: abs(km - target))


def _legend_handles(entries: list[LayerEntry], features: list[PlacedFeature],
                    lang: str) -> list[object]:
    handles: list[object] = []
    for entry in entries:
        symbols = {p.record.symbol for p in features if p.record.layer == entry.id}
        if not symbols:
            continue
        label = in_reading_order(textwrap.fill(entry.title(lang), 34), lang)
        if symbols & {"area", "approx_area"}:
            handles.append(Patch(facecolor=entry.color, alpha=0.3, edgecolor=entry.color,
                                 hatch="///" if "approx_area" in symbols else None,
                                 label=label))
        elif symbols & {"line", "deployment_line"}:
            spec = SYMBOL_STYLES["deployment_line" if "deployment_line" in symbols else "line"]
            # Points (0.75 of a CSS pixel), as the map itself is drawn.
            handles.append(Line2D([], [], color=entry.color, linewidth=spec.weight * 0.75,
                                  alpha=spec.opacity, label=label))
        else:
            handles.append(Line2D([], [], marker="o", linestyle="", markersize=8,
                                  markerfacecolor=entry.color, markeredgecolor="white",
                                  alpha=0.8, label=label))
    return handles


class UnitSwatch(Patch):
    """A legend entry drawn as a unit's bare symbol, as the live legend shows it."""

    def __init__(self, symbol: UnitSymbol, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.symbol = symbol


class _UnitSwatchHandler(HandlerBase):
    def create_artists(self, legend: Legend, orig_handle: Artist, xdescent: float,
                       ydescent: float, width: float, height: float, fontsize: float,
                       trans: Transform) -> list[Artist]:
        symbol: UnitSymbol = orig_handle.symbol  # type: ignore[attr-defined]
        (min_x, min_y, vb_width, vb_height), paths, _texts = symbol_shapes(symbol.svg)
        # The frame a little taller than a text line, centred in the handle's box.
        scale = min(width / vb_width, 1.5 * height / vb_height)
        place = Affine2D().translate(-min_x - vb_width / 2, -min_y - vb_height / 2) \
            .scale(scale, -scale).translate(width / 2 - xdescent, height / 2 - ydescent)
        return [PathPatch(path, facecolor=fill, edgecolor=stroke, linewidth=0.6,
                          transform=place + trans) for path, fill, stroke, _weight in paths]


def _unit_handles(features: list[PlacedFeature], view: View) -> list[object]:
    """One entry per unit type and actor in view, from the view's viewpoint."""
    handles: list[object] = []
    for kind in unit_kinds((p.record for p in features), view.display.viewpoint):
        # The short name the symbol prints: the legend column has no room for more.
        text = f"{actor(kind.actor).designation(view.lang)} " \
            f"({t(f'units.affiliation.{kind.affiliation}', view.lang)})"
        handles.append(UnitSwatch(unit_symbol(kind.code), label=in_reading_order(
            textwrap.fill(text, 34), view.lang)))
    return handles


class MarkedSwatch(Patch):
    """A legend swatch with the confidence mark drawn inside it, as in the live legend:
    strength alone made near-identical grey boxes."""

    def __init__(self, mark: str, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.mark = mark


class _MarkedSwatchHandler(HandlerPatch):
    def create_artists(self, legend: Legend, orig_handle: Artist, xdescent: float,
                       ydescent: float, width: float, height: float, fontsize: float,
                       trans: Transform) -> list[Artist]:
        artists = super().create_artists(legend, orig_handle, xdescent, ydescent, width,
                                          height, fontsize, trans)
        mark = getattr(orig_handle, "mark", "")
        if mark:
            artists.append(Text(width / 2 - xdescent, height / 2 - ydescent, mark,
                                ha="center", va="center", fontsize=fontsize,
                                fontweight="bold", color="white", transform=trans))
        return artists


def _confidence_handles(features: list[PlacedFeature], lang: str) -> list[object]:
    """The confidence key, as in the live map's legend: only the levels in view."""
    present = {p.record.confidence for p in features}
    handles: list[object] = []
    for level in CONFIDENCE_LEVELS:
        if level in present:
            style = confidence_style(level)
            text = f"{style.mark} {t(f'confidence.{level}', lang)}".strip()
            handles.append(MarkedSwatch(style.mark, facecolor=CONFIDENCE_KEY_COLOR,
                                        edgecolor=CONFIDENCE_KEY_COLOR,
                                        alpha=CONFIDENCE_KEY_FILL * style.strength,
                                        label=textwrap.fill(text, 34)))
    if any(p.record.geometry_approximate for p in features):
        handles.append(Patch(facecolor="none", edgecolor=CONFIDENCE_KEY_COLOR, hatch="///",
                             linestyle="--", label=textwrap.fill(t("legend.approximate", lang),
                                                                 34)))
    return handles


SIZE_KEY_COUNTS = (500_000, 100_000, 10_000)


def _size_key(figure: Figure, top: float, left: float | None = None,
              right: float | None = None) -> float:
    """Nested circles at the size the map draws them, each with its count, from `left`
    or to `right` (figure fractions); returns the figure fraction where the key ends."""
    points_per_px = 0.75  # the live map's CSS pixels, as the map itself is drawn
    largest = proportional_radius(SIZE_KEY_COUNTS[0]) * points_per_px  # points
    height = (2 * largest + 8) / 72 / figure.get_figheight()
    width = (2 * largest + 40) / 72 / figure.get_figwidth()
    x = left if left is not None else (right or 1.0) - width
    key = figure.add_axes((x, top - height, width, height), gid="size-key")
    key.set_axis_off()
    key.set_xlim(0, 2 * largest + 40)
    key.set_ylim(0, 2 * largest + 8)
    key.set_aspect("equal", adjustable="datalim")
    spec = SYMBOL_STYLES["proportional"]
    for count in SIZE_KEY_COUNTS:
        r = proportional_radius(count) * points_per_px
        key.add_patch(Circle((largest + 2, 4 + r), r, facecolor=CONFIDENCE_KEY_COLOR,
                             alpha=spec.fill_opacity, edgecolor=CONFIDENCE_KEY_COLOR,
                             linewidth=spec.weight * points_per_px))
        key.text(2 * largest + 6, 4 + 2 * r, f"{count:,}", fontsize=6, va="center",
                 ha="left")
    return top - height


def _scale_bar(ax: Axes, lang: str) -> None:
    ax.apply_aspect()
    (west, east), (south, north) = ax.get_xlim(), ax.get_ylim()
    lat = south + (north - south) * 0.06
    span_km = distance_km(west, lat, east, lat)
    length_km = nice_scale_km(span_km)
    # Degrees of longitude for that length at this latitude, from the geodesic.
    length_deg = (east - west) * length_km / span_km
    x0 = west + (east - west) * 0.04
    ax.plot([x0, x0 + length_deg], [lat, lat], color="black", linewidth=3, zorder=20,
            solid_capstyle="butt")
    ax.text(x0 + length_deg / 2, lat + (north - south) * 0.015, t("furniture.km", lang,
                                                                   km=length_km),
            ha="center", va="bottom", fontsize=7, zorder=20)


def _north_arrow(ax: Axes, lang: str) -> None:
    # Small and in the corner: the labels keep clear of it (exports/label_layout.py).
    ax.add_patch(FancyArrow(0.965, 0.925, 0, 0.04, width=0.005, head_width=0.018,
                            head_length=0.018, transform=ax.transAxes, color="black",
                            zorder=20))
    ax.text(0.965, 0.915, t("furniture.north", lang), transform=ax.transAxes, ha="center",
            va="top", fontsize=7, fontweight="bold", zorder=20)


RIGHT_TO_LEFT_MARK = "\u200f"


def in_reading_order(text: str, lang: str) -> str:
    """`text` with each of its lines set as a paragraph in the language's direction.

    Matplotlib lays out each line on its own and, like any bidi renderer, takes
    its direction from the line's first strong letter: an Arabic source line that
    opens with "Natural Earth" would read left to right, bullet on the left. A
    right-to-left mark leading every line keeps Arabic lines right to left, with
    their Latin runs in order inside them.
    """
    if direction(lang) != "rtl":
        return text
    return "\n".join(RIGHT_TO_LEFT_MARK + line for line in text.split("\n"))


def _shrink_until(text: Text, fits: Callable[[Bbox], bool], smallest_pt: float) -> None:
    """Step a text's size down until its box `fits` the page, or it reaches `smallest_pt`:
    every source must print, and the dates line is longer than a portrait page is wide."""
    renderer = FigureCanvasAgg(text.get_figure()).get_renderer()
    while not fits(text.get_window_extent(renderer)) and text.get_fontsize() > smallest_pt:
        text.set_fontsize(text.get_fontsize() - 0.25)


def _ends_on_page(figure: Figure) -> Callable[[Bbox], bool]:
    bottom = figure.bbox.y0 + 0.01 * figure.bbox.height
    return lambda box: box.y0 >= bottom


def _within_width(figure: Figure) -> Callable[[Bbox], bool]:
    margin = 0.01 * figure.bbox.width
    return lambda box: box.x0 >= figure.bbox.x0 + margin and box.x1 <= figure.bbox.x1 - margin


def add_furniture(figure: Figure, ax: Axes, view: View, features: list[PlacedFeature],
                  layout: PageLayout, event_handles: Sequence[object] = ()) -> None:
    lang = view.lang
    entries = [layer(i) for i in dict.fromkeys(p.record.layer for p in features)]
    # Arabic furniture reads from the right: flush right against the map's right edge.
    rtl = direction(lang) == "rtl"
    left, align = (layout.map_right, "right") if rtl else (layout.map_axes[0], "left")
    figure.text(left, 0.955, in_reading_order(view.heading, lang), fontsize=15,
                fontweight="bold", va="top", ha=align)
    if view.banner:
        # A handling banner, as briefing papers carry it: top and bottom of the page.
        for y, va in ((0.993, "top"), (0.007, "bottom")):
            figure.text(0.5, y, view.banner, fontsize=9, fontweight="bold", color="#a00000",
                        ha="center", va=va)
    as_of = view.as_of.isoformat() if view.as_of else t("furniture.latest", lang)
    exported = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    dates = t("furniture.dates", lang, as_of=as_of, known_on=view.known_on_text,
              exported=exported)
    if view.display.units:
        dates += " · " + t("furniture.viewpoint", lang,
                           viewpoint=viewpoint_title(view.display.viewpoint, lang))
    # Just under the title and clear of the map's frame, whose top is at 0.90 in landscape.
    _shrink_until(figure.text(left, 0.92, in_reading_order(dates, lang), fontsize=8,
                              color="#444444", va="top", ha=align),
                  _within_width(figure), smallest_pt=5.5)
    handles = _legend_handles([e for e in entries if not e.is_events], features, lang) + [
        *event_handles] + (
        _unit_handles(features, view) if view.display.units else []) + \
        _confidence_handles(features, lang)
    column = layout.legend
    # Landscape: legend, key and sources in one column. Portrait: the key beside the legend,
    # on its reading side's far edge, and the sources in a column of their own.
    under = layout.sources_under_legend
    key_top, key_left, key_right = column.top, column.left + 0.01, column.right
    if handles:
        hang_right = rtl and not under
        anchor, loc = ((column.right, column.top), "upper right") if hang_right \
            else ((column.left, column.top), "upper left")
        legend = figure.legend(handles=handles, loc=loc, bbox_to_anchor=anchor,
                               fontsize=7, title=t("furniture.legend", lang), title_fontsize=8,
                               labelspacing=0.25,
                               frameon=False,
                               handler_map={MarkedSwatch: _MarkedSwatchHandler(),
                                            UnitSwatch: _UnitSwatchHandler()})
        renderer = FigureCanvasAgg(figure).get_renderer()
        box = legend.get_window_extent(renderer).transformed(figure.transFigure.inverted())
        if under:
            key_top = box.y0 - 0.015
        else:
            key_left, key_right = box.x1 + 0.02, box.x0 - 0.02
    if any(p.record.symbol == "proportional" for p in features):
        bottom = _size_key(figure, key_top, right=key_right) if rtl and not under \
            else _size_key(figure, key_top, left=key_left)
        key_top = bottom - 0.015 if under else key_top
    sources_top = key_top if under else layout.sources.top
    sources = sources_in_view(features, lang)
    wrapped = "\n".join(textwrap.fill(f"• {s}", SOURCE_CHARS, break_on_hyphens=False)
                        for s in sources)
    column_x, column_align = (layout.sources.right, "right") if rtl \
        else (layout.sources.left, "left")
    # A filtered map says what it leaves out, above the sources it does show.
    left_out = describe(view.filters, lang, placed_features(view.known_on))
    filtered = textwrap.fill(left_out, SOURCE_CHARS) + "\n\n" if view.filters.active else ""
    listed = figure.text(column_x, sources_top,
                         in_reading_order(filtered + t("furniture.sources", lang) + "\n"
                                          + wrapped, lang),
                         fontsize=SOURCE_PT, va="top", ha=column_align,
                         multialignment=column_align, linespacing=1.25)
    _shrink_until(listed, _ends_on_page(figure), SMALLEST_SOURCE_PT)
    figure.text(left, 0.10, in_reading_order(
        t("basemap.attribution", lang) + ". " + t("furniture.facts", lang), lang),
                fontsize=6.5, color="#444444", ha=align)
    # Events placed near a town or at a province's capital: the legend's ring says so.
    approximate = [p.record for p in features
                   if p.record.geometry_approximate and p.record.event is None]
    if approximate:
        names = t("list.comma", lang).join(r.text("name", lang) or "" for r in approximate[:4])
        if len(approximate) > 4:
            names = t("furniture.and_more", lang, names=names, n=len(approximate) - 4)
        figure.text(left, 0.075, in_reading_order(
            textwrap.fill(t("furniture.caveat", lang, names=names), 150), lang),
                    fontsize=6.5, color="#8a1c1c", va="top", ha=align, multialignment=align)
    _scale_bar(ax, lang)
    _north_arrow(ax, lang)

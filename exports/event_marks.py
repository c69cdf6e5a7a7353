"""Event layers on a printed map (PNG, PDF, SVG; issue 13): hexagons shaded by count when
the view holds more than EVENT_POINTS_MAX events, else one dot per event coloured by
type as on the live map; and their legend entries, which say how many are drawn."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from exports.furniture import in_reading_order
from exports.view import View
from geo.events import EventFacts
from geo.features import PlacedFeature
from i18n import t
from layers.catalogue import LayerEntry
from layers.event_layer import type_colour
from layers.event_legend import event_table

__all__ = ["EVENT_POINTS_MAX", "draw_events"]

# Above this many events in view, dots would merge into a blot: hexagons instead.
EVENT_POINTS_MAX = 2_000
_HEXAGONS_ACROSS = 40
_EVENT_Z = 2.8  # above the basemap and areas, under lines, points and labels


def _event(p: PlacedFeature) -> EventFacts:
    assert p.record.event is not None  # draw_events is given events only
    return p.record.event


def _facts(events: Sequence[PlacedFeature]) -> tuple[np.ndarray, ...]:
    lon = np.array([p.geometry.x for p in events])
    lat = np.array([p.geometry.y for p in events])
    fatalities = np.array([_event(p).fatalities or 0 for p in events])
    imprecise = np.array([_event(p).geo_precision == 3 for p in events])
    return lon, lat, fatalities, imprecise


def _hexagons(ax: Axes, events: Sequence[PlacedFeature], view: View) -> int:
    lon, lat, _, _ = _facts(events)
    west, south, east, north = view.bbox
    cells = ax.hexbin(lon, lat, gridsize=_HEXAGONS_ACROSS, extent=(west, east, south, north),
                      mincnt=1, cmap="Reds", alpha=0.8, linewidths=0.2, edgecolors="white",
                      zorder=_EVENT_Z)
    return int(np.max(cells.get_array())) if len(cells.get_array()) else 0


def _points(ax: Axes, events: Sequence[PlacedFeature], types: list[str]) -> None:
    lon, lat, fatalities, imprecise = _facts(events)
    colours = np.array([type_colour(types.index(_event(p).type)) for p in events])
    sizes = (2 + np.minimum(6, 1.2 * np.sqrt(fatalities))) ** 2
    exact = ~imprecise
    ax.scatter(lon[exact], lat[exact], s=sizes[exact], c=colours[exact], alpha=0.8,
               linewidths=0, zorder=_EVENT_Z)
    ax.scatter(lon[imprecise], lat[imprecise], s=sizes[imprecise], facecolors="none",
               edgecolors=colours[imprecise], linewidths=0.6, linestyle="--", zorder=_EVENT_Z)


def draw_events(ax: Axes, entries: Sequence[LayerEntry], events: Sequence[PlacedFeature],
                view: View) -> list[object]:
    """Draw the view's events; returns their legend entries (with the counts drawn)."""
    handles: list[object] = []
    window, lang = view.event_window(), view.lang
    for entry in entries:
        if not entry.is_events:
            continue
        mine = [p for p in events if p.record.layer == entry.id]
        unplaced = sum(1 for p in mine if p.record.unplaced)
        # Colours by the layer's every type, in name order, as the live map has them.
        types = list(event_table(entry, view.known_on).type_names)
        handles.append(Line2D([], [], linestyle="", label=in_reading_order(t(
            "events.print_count", lang, layer=entry.title(lang), count=f"{len(mine):,}",
            days=window.days, to=window.to.isoformat()), lang)))
        if unplaced:
            handles.append(Line2D([], [], linestyle="", label=in_reading_order(t(
                "events.print_unplaced", lang, count=f"{unplaced:,}"), lang)))
        mine = [p for p in mine if not p.record.unplaced]
        if len(mine) > EVENT_POINTS_MAX:
            most = _hexagons(ax, mine, view)
            handles.append(Line2D([], [], marker="h", linestyle="", markersize=9,
                                  markerfacecolor="#cb181d", markeredgecolor="white",
                                  label=in_reading_order(t("events.print_density", lang,
                                                           most=f"{most:,}"), lang)))
            continue
        _points(ax, mine, types)
        shown = {_event(p).type for p in mine}
        handles.extend(Line2D([], [], marker="o", linestyle="", markersize=6,
                              markerfacecolor=type_colour(index), markeredgecolor="none",
                              label=name) for index, name in enumerate(types) if name in shown)
        imprecise = sum(1 for p in mine if _event(p).geo_precision == 3)
        if imprecise:
            handles.append(Line2D([], [], marker="o", linestyle="", markersize=6,
                                  markerfacecolor="none", markeredgecolor="#444444",
                                  label=in_reading_order(t("events.print_precision3", lang,
                                                           count=f"{imprecise:,}"), lang)))
    return handles

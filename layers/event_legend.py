"""An event layer's legend (live map and HTML export) and the counts it states: each
layer's event facts as arrays, cached by the store's version, so a window is counted
without a loop over 100,000 events (issue 13)."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from i18n import t
from layers.catalogue import LayerEntry
from layers.content_cache import ContentCache
from layers.event_layer import DENSITY_BELOW_ZOOM, EventWindow, type_colour
from store.features import layer_content, placed_in_layer

__all__ = ["EventTable", "event_table", "events_legend"]


@dataclass(frozen=True)
class EventTable:
    """One event layer's facts as arrays, to count what a window keeps without a loop."""

    days: np.ndarray  # date ordinals
    types: np.ndarray
    actor1: np.ndarray
    actor2: np.ndarray
    precision: np.ndarray
    unplaced: np.ndarray  # no coordinates: counted, never drawn
    type_names: tuple[str, ...]  # sorted: the legend's colour order (layers/event_data.py)
    actor_names: tuple[str, ...]

    def kept(self, window: EventWindow) -> np.ndarray:
        keep = (self.days >= window.start.toordinal()) & (self.days <= window.to.toordinal())
        if window.types is not None:
            keep &= np.isin(self.types, list(window.types))
        if window.actors is not None:
            keep &= np.isin(self.actor1, list(window.actors)) | np.isin(self.actor2,
                                                                        list(window.actors))
        return keep


def _table(layer_id: str, known_on: dt.date | None) -> EventTable:
    features = [p for p in placed_in_layer(layer_id, known_on)
                if p.record.event is not None and p.record.as_of is not None]
    events = [(p.record.as_of, p.record.event) for p in features]
    return EventTable(np.array([day.toordinal() for day, _ in events], dtype=np.int64),
                      np.array([e.type for _, e in events], dtype=object),
                      np.array([e.actor1 or "" for _, e in events], dtype=object),
                      np.array([e.actor2 or "" for _, e in events], dtype=object),
                      np.array([e.geo_precision or 0 for _, e in events], dtype=np.int8),
                      np.array([p.record.unplaced for p in features], dtype=bool),
                      tuple(sorted({e.type for _, e in events})),
                      tuple(sorted({a for _, e in events for a in (e.actor1, e.actor2) if a})))


_TABLES: ContentCache[EventTable] = ContentCache(16)


def event_table(entry: LayerEntry, known_on: dt.date | None) -> EventTable:
    """The layer's events (as known on `known_on`), kept by the claims the layer stands
    on: another known-on day whose layer holds the same claims reads them again for
    nothing (layers/content_cache.py)."""
    return _TABLES.get((entry.id, layer_content(entry.id, known_on)),
                       lambda: _table(entry.id, known_on))


# tests/conftest.py's clear_data_caches forgets what has a cache_clear.
event_table.cache_clear = _TABLES.cache_clear  # type: ignore[attr-defined]


def events_legend(entries: Sequence[LayerEntry], window: EventWindow, known_on: dt.date | None,
                  lang: str) -> str:
    """The legend for each event layer switched on (HTML): how it is drawn, the colour of
    each type, and how many events the window and filters keep."""
    parts = []
    for entry in entries:
        if not entry.is_events:
            continue
        table = event_table(entry, known_on)
        kept = table.kept(window)
        words = t("events.legend", lang, layer=entry.title(lang), count=f"{int(kept.sum()):,}",
                  days=window.days, to=window.to.isoformat(), zoom=DENSITY_BELOW_ZOOM,
                  precision3=f"{int((kept & (table.precision == 3)).sum()):,}")
        unplaced = int((kept & table.unplaced).sum())
        if unplaced:
            words += " " + t("events.legend_unplaced", lang, count=f"{unplaced:,}")
        types = table.type_names
        swatches = "".join(
            f"<li><span style='color:{type_colour(index)};font-size:1.4em'>\u25cf</span> "
            f"{html.escape(name)}</li>"
            for index, name in enumerate(types))
        parts.append(f"<div class='posture-events-legend'><p>{html.escape(words)}</p>"
                     f"<ul style='list-style:none;padding:0'>{swatches}</ul></div>")
    return "".join(parts)

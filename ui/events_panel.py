"""The sidebar's events section (issue 13): the time window and the filters by event type
and actor, for every event layer switched on. Kept in the URL as `events_days`,
`events_to`, `event_types` and `event_actors` (values joined by "|": actors' names
hold commas). The map applies them in the browser; the legend counts what they keep."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import streamlit as st

from i18n import t
from layers.catalogue import LayerEntry
from layers.event_layer import (
    DEFAULT_WINDOW_DAYS,
    DENSITY_BELOW_ZOOM,
    EventWindow,
    type_colour,
)
from store.features import placed_in_layer, store_version
from ui.text import plain

__all__ = ["MAX_WINDOW_DAYS", "EventTable", "event_table", "events_legend", "events_panel"]

MAX_WINDOW_DAYS = 3650
_SEPARATOR = "|"


@dataclass(frozen=True)
class EventTable:
    """One event layer's facts as arrays, to count what a window keeps without a loop."""

    days: np.ndarray  # date ordinals
    types: np.ndarray
    actor1: np.ndarray
    actor2: np.ndarray
    precision: np.ndarray
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


@lru_cache(maxsize=16)
def _table(layer_id: str, known_on: dt.date | None, version: str) -> EventTable:
    events = [(p.record.as_of, p.record.event) for p in placed_in_layer(layer_id, known_on)
              if p.record.event is not None and p.record.as_of is not None]
    return EventTable(np.array([day.toordinal() for day, _ in events], dtype=np.int64),
                      np.array([e.type for _, e in events], dtype=object),
                      np.array([e.actor1 or "" for _, e in events], dtype=object),
                      np.array([e.actor2 or "" for _, e in events], dtype=object),
                      np.array([e.geo_precision or 0 for _, e in events], dtype=np.int8),
                      tuple(sorted({e.type for _, e in events})),
                      tuple(sorted({a for _, e in events for a in (e.actor1, e.actor2) if a})))


def event_table(entry: LayerEntry, known_on: dt.date | None) -> EventTable:
    """The layer's events (as known on `known_on`), cached by the store's version."""
    return _table(entry.id, known_on, store_version())


def _vocabulary(tables: Sequence[EventTable]) -> tuple[list[str], list[str]]:
    types = sorted({name for table in tables for name in table.type_names})
    actors = sorted({name for table in tables for name in table.actor_names})
    return types, actors


def _from_link(types: list[str], actors: list[str]) -> None:
    if st.session_state.get("link:events-applied"):
        return
    st.session_state["link:events-applied"] = True
    days = st.query_params.get("events_days", "")
    st.session_state["events:days"] = (int(days) if days.isdigit()
                                       and 1 <= int(days) <= MAX_WINDOW_DAYS
                                       else DEFAULT_WINDOW_DAYS)
    st.session_state["events:to"] = st.query_params.get("events_to", "")
    for name, known in (("event_types", types), ("event_actors", actors)):
        raw = st.query_params.get(name)
        if raw:
            st.session_state[f"events:{name}"] = [v for v in raw.split(_SEPARATOR)
                                                  if v in known]


def _window_end(text: str, as_of: dt.date, lang: str) -> dt.date:
    if not text.strip():
        return as_of
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        st.sidebar.warning(t("events.bad_to", lang, value=plain(text[:40])))
        return as_of


def events_panel(entries: Sequence[LayerEntry], known_on: dt.date | None, as_of: dt.date,
                 lang: str) -> EventWindow | None:
    """The window and filters for the event layers switched on; None when there are none."""
    if not any(e.is_events for e in entries):
        return None
    types, actors = _vocabulary([event_table(e, known_on) for e in entries if e.is_events])
    _from_link(types, actors)
    st.sidebar.header(t("events.header", lang))
    days = int(st.sidebar.number_input(t("events.days", lang), min_value=1,
                                       max_value=MAX_WINDOW_DAYS, step=1, key="events:days"))
    label = t("events.to", lang)
    to = _window_end(st.sidebar.text_input(label, key="events:to",
                                           help=t("events.to_help", lang)), as_of, lang)
    chosen = {}
    for name, key, known in (("event_types", "events.types", types),
                             ("event_actors", "events.actors", actors)):
        picked = st.sidebar.multiselect(t(key, lang), known, key=f"events:{name}",
                                        placeholder=t("events.all", lang))
        chosen[name] = tuple(picked) or None
    st.query_params["events_days"] = str(days)
    st.query_params["events_to"] = to.isoformat()
    for name, picked in chosen.items():
        if picked:
            st.query_params[name] = _SEPARATOR.join(picked)
        elif name in st.query_params:
            del st.query_params[name]
    return EventWindow(to, days, chosen["event_types"], chosen["event_actors"], label)


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
        types, _ = _vocabulary([table])
        swatches = "".join(
            f"<li><span style='color:{type_colour(index)}'>\u25cf</span> {html.escape(name)}</li>"
            for index, name in enumerate(types))
        parts.append(f"<div class='posture-events-legend'><p>{html.escape(words)}</p>"
                     f"<ul style='list-style:none;padding:0'>{swatches}</ul></div>")
    return "".join(parts)

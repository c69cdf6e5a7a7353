"""The sidebar's events section (issue 13): the time window and the filters by event type
and actor, for every event layer switched on. Kept in the URL as `events_days`,
`events_to`, `event_types` and `event_actors` (values joined by "|": actors' names
hold commas). The map applies them in the browser; the legend counts what they keep."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence

import streamlit as st

from geo.events import EventFacts
from geo.features import PlacedFeature
from i18n import t
from layers.catalogue import LayerEntry, features_of
from layers.event_layer import (
    DEFAULT_WINDOW_DAYS,
    DENSITY_BELOW_ZOOM,
    EventWindow,
    type_colour,
)
from ui.text import plain

__all__ = ["MAX_WINDOW_DAYS", "event_features", "events_legend", "events_panel"]

MAX_WINDOW_DAYS = 3650
_SEPARATOR = "|"


def event_features(entries: Sequence[LayerEntry], known_on: dt.date | None
                   ) -> list[PlacedFeature]:
    return [p for e in entries if e.is_events for p in features_of(e, known_on)
            if p.record.event is not None and p.record.as_of is not None]


def _vocabulary(events: Sequence[PlacedFeature]) -> tuple[list[str], list[str]]:
    types = sorted({_event(p).type for p in events})
    actors = sorted({a for p in events for a in _facts(p)[2] if a})
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
    events = event_features(entries, known_on)
    if not any(e.is_events for e in entries):
        return None
    types, actors = _vocabulary(events)
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
        events = event_features([entry], known_on)
        kept = [p for p in events if window.keeps(*_facts(p))]
        imprecise = sum(1 for p in kept if _event(p).geo_precision == 3)
        words = t("events.legend", lang, layer=entry.title(lang), count=f"{len(kept):,}",
                  days=window.days, to=window.to.isoformat(), zoom=DENSITY_BELOW_ZOOM,
                  precision3=f"{imprecise:,}")
        types, _ = _vocabulary(events)
        swatches = "".join(
            f"<li><span style='color:{type_colour(index)}'>\u25cf</span> {html.escape(name)}</li>"
            for index, name in enumerate(types))
        parts.append(f"<div class='posture-events-legend'><p>{html.escape(words)}</p>"
                     f"<ul style='list-style:none;padding:0'>{swatches}</ul></div>")
    return "".join(parts)


def _event(p: PlacedFeature) -> EventFacts:
    assert p.record.event is not None
    return p.record.event


def _facts(p: PlacedFeature) -> tuple[dt.date, str, tuple[str | None, ...]]:
    event = _event(p)
    assert p.record.as_of is not None
    return p.record.as_of, event.type, (event.actor1, event.actor2)

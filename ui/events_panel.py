"""The sidebar's events section (issue 13): the time window and the filters by event type
and actor, for every event layer switched on. Kept in the URL as `events_days`,
`events_to`, `event_types` and `event_actors` (values joined by "|": actors' names
hold commas). The map applies them in the browser; the legend counts what they keep."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import streamlit as st

from i18n import t
from layers.catalogue import LayerEntry
from layers.event_layer import DEFAULT_WINDOW_DAYS, MAX_WINDOW_DAYS, EventWindow
from layers.event_legend import EventTable, event_table
from ui.text import plain

__all__ = ["events_panel", "window_notice"]

_SEPARATOR = "|"


def _vocabulary(tables: Sequence[EventTable]) -> tuple[list[str], list[str]]:
    types = sorted({name for table in tables for name in table.type_names})
    actors = sorted({name for table in tables for name in table.actor_names})
    return types, actors


def _from_link(types: list[str], actors: list[str], lang: str) -> None:
    """A shared link's window and filters, once per session; what a link gets wrong is
    named in a notice and left out, never a failure."""
    if st.session_state.get("link:events-applied"):
        return
    st.session_state["link:events-applied"] = True
    days = st.query_params.get("events_days")
    valid = days is not None and days.isdigit() and 1 <= int(days) <= MAX_WINDOW_DAYS
    if days is not None and not valid:
        st.toast(t("link.bad_filter", lang, name="events_days", values=plain(days[:40]),
                   known=f"1–{MAX_WINDOW_DAYS}"))
    st.session_state["events:days"] = int(days) if valid else DEFAULT_WINDOW_DAYS  # type: ignore[arg-type]
    st.session_state["events:to"] = st.query_params.get("events_to", "")
    for name, known in (("event_types", types), ("event_actors", actors)):
        wanted = [v for v in st.query_params.get(name, "").split(_SEPARATOR) if v]
        unknown = [v for v in wanted if v not in known]
        if unknown:
            st.toast(t("link.bad_filter", lang, name=name,
                       values=plain(", ".join(u[:40] for u in unknown[:5])),
                       known=plain(", ".join(known[:12]))))
        if wanted:
            st.session_state[f"events:{name}"] = [v for v in wanted if v in known]


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
    _from_link(types, actors, lang)
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
    if to != as_of:
        # Two dates on one map: say so where the window is set, and offer the way back.
        st.sidebar.warning(t("events.differs", lang, to=to, days=days, as_of=as_of))
        st.sidebar.button(t("events.follow", lang), key="events:follow",
                          on_click=st.session_state.__setitem__, args=("events:to", ""))
    st.query_params["events_days"] = str(days)
    st.query_params["events_to"] = to.isoformat()
    for name, picked in chosen.items():
        if picked:
            st.query_params[name] = _SEPARATOR.join(picked)
        elif name in st.query_params:
            del st.query_params[name]
    return EventWindow(to, days, chosen["event_types"], chosen["event_actors"], label)


def window_notice(window: EventWindow | None, as_of: dt.date, lang: str) -> None:
    """Right under the map, when the event window ends on another day than the as-of
    date: the events and the forces are then of two dates, and the page says which is
    which."""
    if window is not None and window.to != as_of:
        st.info(t("events.differs", lang, to=window.to, days=window.days, as_of=as_of))

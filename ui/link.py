"""Links that reproduce a view: layers, basemap and map position from the URL.

The date, comparison date and language are read where their widgets live
(ui/dates.py, ui/language.py). Bad values fall back to the defaults with a
short notice, never an error.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from i18n import t
from layers.basemap import BASEMAPS, MAX_ZOOM, MIN_ZOOM
from layers.catalogue import LayerEntry
from ui.text import plain

__all__ = ["FIRST_DATE", "apply_link", "date_from_url"]

FIRST_DATE = dt.date(2009, 1, 1)


def apply_link(entries: tuple[LayerEntry, ...], lang: str) -> None:
    """On a session's first run, take layers, basemap and view from the URL."""
    if st.session_state.get("link:applied"):
        return
    st.session_state["link:applied"] = True
    params = st.query_params
    if "layers" in params:
        wanted = [i for i in params["layers"].split(",") if i]
        unknown = [i for i in wanted if i not in {e.id for e in entries}]
        if unknown:
            st.toast(t("link.unknown_layers", lang,
                       ids=plain(", ".join(u[:30] for u in unknown[:5]))))
        for entry in entries:
            st.session_state[f"layer:{entry.id}"] = entry.id in wanted
    if "basemap" in params:
        if params["basemap"] in BASEMAPS:
            st.session_state["basemap"] = params["basemap"]
        else:
            st.toast(t("link.bad_basemap", lang, value=plain(params["basemap"][:30])))
    if {"lat", "lon", "zoom"} & params.keys():
        try:
            lat, lon, zoom = float(params["lat"]), float(params["lon"]), int(params["zoom"])
            if not (-90 <= lat <= 90 and -180 <= lon <= 180 and MIN_ZOOM <= zoom <= MAX_ZOOM):
                raise ValueError
            st.session_state["link:view"] = (lat, lon, zoom)
        except (KeyError, ValueError):
            st.toast(t("link.bad_view", lang, min=MIN_ZOOM, max=MAX_ZOOM))


def date_from_url(name: str, default: dt.date, lang: str) -> dt.date:
    """A date from the URL, or `default` with a notice if it is malformed or out of range."""
    raw = st.query_params.get(name)
    if raw is None:
        return default
    try:
        value = dt.date.fromisoformat(raw)
    except ValueError:
        value = None
    if value is None or not FIRST_DATE <= value <= dt.date.today():
        st.toast(t("link.bad_date", lang, name=name, value=plain(raw[:40]), first=FIRST_DATE,
                   default=default))
        return default
    return value

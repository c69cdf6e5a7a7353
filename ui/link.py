"""Links that reproduce a view: layers, basemap and map position from the URL.

The date, comparison date and language are read where their widgets live
(ui/dates.py, ui/language.py). Bad values fall back to the defaults with a
short notice, never an error.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from geo.checks import MAX_ZOOM, MIN_ZOOM
from geo.timeline import (
    DEFAULT_STALE_MONTHS,
    FIRST_DATE,
    STALE_MONTHS_RANGE,
    date_out_of_range,
)
from i18n import t
from layers.basemap import BASEMAPS
from layers.catalogue import LayerEntry
from ui.text import plain

__all__ = ["apply_link", "date_from_url", "stale_months_from_url"]

def apply_link(entries: tuple[LayerEntry, ...], lang: str) -> None:
    """On a session's first run, take layers, basemap and view from the URL."""
    if st.session_state.get("link:applied"):
        return
    st.session_state["link:applied"] = True
    params = st.query_params
    if "layers" in params:
        _layers_from_link(params["layers"], entries, lang)
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


def _layers_from_link(value: str, entries: tuple[LayerEntry, ...], lang: str) -> None:
    """The link's layers; unknown ids are dropped with a notice, and if none is
    known the defaults stay. `layers=` (empty) is a view with every layer off."""
    wanted = [i for i in value.split(",") if i]
    known = {e.id for e in entries}
    unknown = [i for i in wanted if i not in known]
    if unknown:
        st.toast(t("link.unknown_layers", lang,
                   ids=plain(", ".join(u[:30] for u in unknown[:5]))))
    if wanted and len(unknown) == len(wanted):
        st.toast(t("link.layers_default", lang))
        return
    for entry in entries:
        st.session_state[f"layer:{entry.id}"] = entry.id in wanted


def date_from_url(name: str, default: dt.date, lang: str) -> dt.date:
    """A date from the URL, or `default` with a notice if it is malformed or out of range."""
    raw = st.query_params.get(name)
    if raw is None:
        return default
    try:
        value = dt.date.fromisoformat(raw)
    except ValueError:
        value = None
    if value is None or date_out_of_range(value):
        st.toast(t("link.bad_date", lang, name=name, value=plain(raw[:40]), first=FIRST_DATE,
                   default=default))
        return default
    return value


def stale_months_from_url(lang: str) -> int:
    """`fade` from the URL: months before a figure is drawn faded, or the default with a
    notice if it is not a whole number in range."""
    raw = st.query_params.get("fade")
    if raw is None:
        return DEFAULT_STALE_MONTHS
    low, high = STALE_MONTHS_RANGE
    if raw.isdigit() and low <= int(raw) <= high:
        return int(raw)
    st.toast(t("link.bad_fade", lang, value=plain(raw[:20]), low=low, high=high,
               default=DEFAULT_STALE_MONTHS))
    return DEFAULT_STALE_MONTHS

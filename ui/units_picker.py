"""How the map draws units: military symbols or plain markers, and whose viewpoint
sets friend and hostile. Both are kept in the URL (`symbols`, `viewpoint`)."""

from __future__ import annotations

import streamlit as st

from geo.actors import default_viewpoint, viewpoints
from i18n import t
from layers.unit_symbols import Display
from ui.text import plain

__all__ = ["SYMBOL_MODES", "unit_display_picker"]

SYMBOL_MODES = ("units", "plain")


def _from_link(lang: str) -> None:
    # Read once per session: afterwards the widgets own the values.
    if st.session_state.get("link:units-applied"):
        return
    st.session_state["link:units-applied"] = True
    mode, viewpoint = st.query_params.get("symbols"), st.query_params.get("viewpoint")
    if mode is not None:
        if mode in SYMBOL_MODES:
            st.session_state["units:symbols"] = mode == "units"
        else:
            st.toast(t("link.bad_symbols", lang, value=plain(mode[:20])))
    if viewpoint is not None:
        known = [v.id for v in viewpoints()]
        if viewpoint in known:
            st.session_state["units:viewpoint"] = viewpoint
        else:
            st.toast(t("link.bad_viewpoint", lang, value=plain(viewpoint[:40]),
                       known=", ".join(known)))


def unit_display_picker(lang: str) -> Display:
    """The sidebar's unit controls; returns what the map, legend and exports draw."""
    _from_link(lang)
    st.sidebar.header(t("units.header", lang))
    st.session_state.setdefault("units:symbols", True)
    st.session_state.setdefault("units:viewpoint", default_viewpoint())
    symbols = st.sidebar.toggle(t("units.symbols", lang), key="units:symbols",
                                help=t("units.symbols_help", lang))
    by_id = {v.id: v for v in viewpoints()}
    viewpoint = st.sidebar.selectbox(t("units.viewpoint", lang), list(by_id),
                                     key="units:viewpoint",
                                     format_func=lambda v: by_id[v].title(lang),
                                     disabled=not symbols)
    st.sidebar.caption(by_id[viewpoint].rule(lang))
    st.query_params["symbols"] = "units" if symbols else "plain"
    st.query_params["viewpoint"] = viewpoint
    return Display(units=symbols, viewpoint=viewpoint)

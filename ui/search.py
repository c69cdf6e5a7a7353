"""Find a place by any usual spelling, offline, and centre the map on it."""

from __future__ import annotations

import streamlit as st

from geo.gazetteer import Place, search
from i18n import t
from ui.text import plain

__all__ = ["place_search"]


def place_search(lang: str) -> Place | None:
    """A search box; returns the chosen place, or None."""
    query = st.sidebar.text_input(t("search.label", lang), key="search",
                                  placeholder=t("search.placeholder", lang), max_chars=80)
    if not query.strip():
        return None
    matches = search(query)
    if not matches:
        # st.info renders markdown: the query is shown as typed, never as markup.
        st.sidebar.info(t("search.none", lang, query=plain(query.strip())))
        return None
    place = matches[0] if len(matches) == 1 else st.sidebar.selectbox(
        t("search.matches", lang), matches, key="search:choice",
        format_func=lambda p: f"{p.name_en} · {p.name_ar}")
    name = place.name_ar if lang == "ar" else place.name_en
    st.sidebar.caption(t("search.centred", lang, name=plain(name), lat=f"{place.lat:.2f}",
                         lon=f"{place.lon:.2f}"))
    return place

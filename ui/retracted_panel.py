"""Retracted things, found again: under the posture table, a switch lists every thing a
retraction closed (as known on the map's known-on day), with who retracted it, when and
why, and opens its history. A retraction hides a thing from the map, never from view."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from geo.errors import PostureDataError
from i18n import t
from store.features import retracted_things
from ui.history_panel import history_panel
from ui.text import plain

__all__ = ["SHOWN", "retracted_panel"]

SHOWN = 200  # the latest retractions listed


def _name(raw: dict, lang: str) -> str:
    first, second = ("name_ar", "name_en") if lang == "ar" else ("name_en", "name_ar")
    return raw.get(first) or raw.get(second) or raw.get("id", "")


def retracted_panel(lang: str, known_on: dt.date | None) -> None:
    if not st.toggle(t("retracted.toggle", lang), key="table:show_retracted"):
        return
    try:
        pairs = list(retracted_things(known_on))
    except PostureDataError as e:
        st.error(plain(str(e)))
        return
    if not pairs:
        st.caption(t("retracted.none", lang))
        return
    if len(pairs) > SHOWN:  # an import's --retract-missing can close thousands
        st.caption(t("retracted.more", lang, shown=SHOWN, n=len(pairs)))
        pairs = pairs[-SHOWN:]
    # st.table escapes every cell: nothing in a claim is read as HTML.
    st.table([{t("retracted.name", lang): _name(claim.raw, lang),
               t("retracted.id", lang): claim.feature_id,
               t("retracted.when", lang): retraction.reported_on.isoformat(),
               t("retracted.by", lang): retraction.recorded_by,
               t("retracted.reason", lang): retraction.reason} for claim, retraction in pairs])
    names = {claim.feature_id: _name(claim.raw, lang) for claim, _ in pairs}
    chosen = st.selectbox(t("retracted.history_of", lang), list(names), index=None,
                          key="retracted:chosen", placeholder=t("retracted.choose", lang),
                          format_func=lambda i: f"{names[i]} ({i})")
    if chosen is not None:
        history_panel(chosen, lang, key="retracted-history")

"""The language switch: English or Arabic, right-to-left for Arabic, kept in the URL."""

from __future__ import annotations

import streamlit as st

from i18n import DEFAULT_LANGUAGE, LANGUAGES, direction, t
from ui.text import plain

__all__ = ["language_picker"]

# Streamlit has no page direction setting: Arabic flips the sidebar and the
# main column with CSS. Date sliders stay left-to-right (time runs that way
# on every axis of the page, including the chart's), and so does the map,
# whose cards carry their own direction.
_RTL_CSS = """<style>
section[data-testid="stSidebar"], [data-testid="stMain"] { direction: rtl; text-align: right; }
[data-testid="stSlider"], iframe, [data-testid="stVegaLiteChart"] { direction: ltr; }
/* Streamlit aligns headings, markdown and captions left whatever the direction. */
[data-testid="stHeading"], [data-testid="stMarkdownContainer"],
[data-testid="stCaptionContainer"] { text-align: right; }
/* A switch's track slides its knob with a left-to-right transform: keep it so,
   or the knob of a switch that is on leaves the track. */
span:has(> input[role="switch"]) + div { direction: ltr; }
</style>"""


def language_picker() -> str:
    """The page language: from the link on a session's first run, then from the switch."""
    if "lang" not in st.session_state:
        wanted = st.query_params.get("lang", DEFAULT_LANGUAGE)
        if wanted not in LANGUAGES:
            st.toast(t("link.bad_lang", DEFAULT_LANGUAGE, value=plain(wanted[:20])))
            wanted = DEFAULT_LANGUAGE
        st.session_state["lang"] = wanted
    lang = st.session_state["lang"]
    st.sidebar.radio(t("language.label", lang), LANGUAGES, key="lang", horizontal=True,
                     format_func=lambda code: t("language.name", code))
    st.query_params["lang"] = lang
    if direction(lang) == "rtl":
        st.html(_RTL_CSS)
    return lang

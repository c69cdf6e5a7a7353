"""The "could not be drawn" notice, right under the map: each stored claim the map
leaves off (store/features.py's `undrawable`), by id, layer, name and reason, so that one
bad claim is seen and can be found, never a page that fails whole."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from geo.features import Undrawable
from i18n import t
from store.features import undrawable

__all__ = ["SHOWN", "undrawable_notice"]

SHOWN = 200


def _name(thing: Undrawable, lang: str) -> str:
    return thing.feature.record.text("name", lang) or "" if thing.feature else ""


def undrawable_notice(known_on: dt.date | None, lang: str) -> None:
    things = undrawable(known_on)
    if not things:
        return
    st.warning(t("undrawable.notice", lang, n=len(things)))
    if len(things) > SHOWN:
        st.caption(t("undrawable.more", lang, shown=SHOWN, n=len(things)))
    # st.table escapes every cell: nothing in a claim is read as HTML or Markdown.
    st.table([{t("undrawable.id", lang): thing.feature_id,
               t("undrawable.layer", lang): thing.layer,
               t("undrawable.name", lang): _name(thing, lang),
               t("undrawable.reason", lang): thing.reason} for thing in things[:SHOWN]])

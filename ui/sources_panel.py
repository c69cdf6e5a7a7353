"""Every source behind the features shown at the date; choosing one highlights its features."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from geo.sources import source_index
from i18n import t
from layers.catalogue import LayerEntry, features_of
from ui.text import plain

__all__ = ["sources_panel"]


def sources_panel(entries: tuple[LayerEntry, ...], shown: dict[str, list[str]],
                  lang: str, known_on: dt.date | None = None) -> list[str]:
    """The sources panel; returns the ids of the features to highlight."""
    index = source_index((p for e in entries if not e.is_events
                          for p in features_of(e, known_on) if p.record.id in shown[e.id]),
                         lang)
    separator = t("list.semicolon", lang)
    with st.expander(t("sources.expander", lang, n=len(index)), expanded=False):
        chosen = st.selectbox(t("sources.highlight", lang), [None, *range(len(index))],
                              key="source:highlight",
                              format_func=lambda i: "—" if i is None else index[i].label)
        # Markdown, not st.dataframe: the grid's script is heavy for the page's first load.
        st.markdown("\n".join("- " + t(
            "sources.line", lang, label=plain(s.label), facts=plain(", ".join(s.facts)),
            dates=", ".join(d.isoformat() for d in s.reported_on) or "—",
            features=plain(separator.join(s.feature_names))) for s in index))
    return [] if chosen is None else index[chosen].feature_ids

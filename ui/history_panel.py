"""A thing's history for an editor: every claim with who recorded it and when, its
source, and what it changed against the one before; any retraction with its reason.
Choosing a claim draws the map as known when that claim was reported."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from geo.change_words import describe_changes
from geo.claims import validated
from i18n import t
from store.features import shared_store
from store.records import HistoryEntry

__all__ = ["history_panel"]

_TIME = "%Y-%m-%d %H:%M UTC"


def _source(raw: dict, lang: str) -> str:
    record = validated(raw)
    return t("list.semicolon", lang).join(
        s.text(lang) + (f" {s.link}" if s.link else "") for s in record.sources)


def _row(entry: HistoryEntry, lang: str) -> dict[str, str]:
    if entry.claim is None:
        retraction = entry.retraction
        assert retraction is not None
        return {t("history.when", lang): retraction.recorded_at.strftime(_TIME),
                t("history.by", lang): retraction.recorded_by,
                t("history.what", lang): t("history.retracted", lang,
                                           reason=retraction.reason),
                t("history.reported", lang): str(retraction.reported_on),
                t("history.source", lang): ""}
    claim = entry.claim
    what = "; ".join(c.text() for c in describe_changes(entry.before_raw, claim.raw, lang)) \
        if claim.supersedes else t("history.first", lang)
    return {t("history.when", lang): claim.recorded_at.strftime(_TIME),
            t("history.by", lang): claim.recorded_by,
            t("history.what", lang): what,
            t("history.reported", lang): claim.raw.get("reported_on") or "—",
            t("history.source", lang): _source(claim.raw, lang)}


def _known_on(day: dt.date) -> None:
    # Before the pickers run: a callback (the known-on slider reads these keys).
    st.session_state["known"] = True
    st.session_state["known_on"] = min(day, dt.date.today())


def history_panel(feature_id: str, lang: str, key: str = "history") -> None:
    """The thing's history; `key` keeps two panels on one page apart."""
    entries = shared_store().history(feature_id)
    st.subheader(t("history.header", lang))
    # A table, not a grid: a history is short, and its text is then the page's own
    # (st.table escapes every cell: nothing in a claim is read as HTML).
    st.table([_row(e, lang) for e in entries])
    dated = [(e.claim.recorded_at, dt.date.fromisoformat(e.claim.raw["reported_on"]))
             for e in entries if e.claim is not None and e.claim.raw.get("reported_on")]
    if not dated:
        return
    chosen = st.selectbox(t("history.choose", lang), range(len(dated)),
                          key=f"{key}:{feature_id}",
                          format_func=lambda i: t("history.choice", lang,
                                                  recorded=dated[i][0].strftime(_TIME),
                                                  reported=dated[i][1]))
    st.button(t("history.show_known_on", lang, date=dated[chosen][1]), key=f"{key}:show",
              on_click=_known_on, args=(dated[chosen][1],))

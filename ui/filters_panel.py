"""The sidebar's filters: which actors, which confidence levels, reported between which
dates. They act on the map, the posture table and every export, and live in the URL
(`actors`, `confidence`, `reported_from`, `reported_to`)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from geo.filters import Filters, actor_key, actor_label
from geo.schema import CONFIDENCE_LEVELS
from geo.timeline import FIRST_DATE
from i18n import t
from store.features import posture_features
from ui.link import date_from_url
from ui.text import plain

__all__ = ["filters_panel"]

_CLAIM_LEVELS = tuple(level for level in CONFIDENCE_LEVELS if level != "reference")


def _actor_choices(lang: str) -> dict[str, str]:
    """Actor key → its name in `lang`, for every actor of a sourced claim."""
    return {actor_key(p.record): actor_label(p.record, lang) for p in posture_features()
            if p.record.confidence != "reference"}


def _list_from_link(name: str, known: list[str], lang: str) -> list[str] | None:
    raw = st.query_params.get(name)
    if raw is None:
        return None
    wanted = [part for part in raw.split(",") if part]
    unknown = [part for part in wanted if part not in known]
    if unknown:
        st.toast(t("link.bad_filter", lang, name=name,
                   values=plain(", ".join(u[:40] for u in unknown[:5])),
                   known=plain(", ".join(known))))
    return [part for part in wanted if part in known]


def _from_link(actors: list[str], lang: str) -> None:
    if st.session_state.get("link:filters-applied"):
        return
    st.session_state["link:filters-applied"] = True
    for name, known in (("actors", actors), ("confidence", list(_CLAIM_LEVELS))):
        chosen = _list_from_link(name, known, lang)
        if chosen is not None:
            st.session_state[f"filter:{name}"] = chosen
    today = dt.date.today()
    start = date_from_url("reported_from", FIRST_DATE, lang)
    end = date_from_url("reported_to", today, lang)
    if start > end:
        st.toast(t("link.bad_reported_range", lang, start=start, end=end))
        start, end = FIRST_DATE, today
    st.session_state["filter:reported"] = (start, end)


def filters_panel(lang: str) -> Filters:
    choices = _actor_choices(lang)
    _from_link(list(choices), lang)
    today = dt.date.today()
    with st.sidebar.expander(t("filters.header", lang),
                             expanded=bool(st.session_state.get("filter:actors")
                                           or st.session_state.get("filter:confidence"))):
        actors = st.multiselect(t("filters.actors", lang), list(choices), key="filter:actors",
                                format_func=lambda key: choices.get(key, key),
                                placeholder=t("filters.all", lang))
        levels = st.multiselect(t("filters.confidence", lang), list(_CLAIM_LEVELS),
                                key="filter:confidence",
                                format_func=lambda level: t(f"confidence.{level}", lang),
                                placeholder=t("filters.all", lang))
        st.session_state.setdefault("filter:reported", (FIRST_DATE, today))
        # A range slider, like the as-of date's: a date picker's script costs the first
        # visitor about a second before the map appears (measured, make bench).
        start, end = st.slider(t("filters.reported", lang), min_value=FIRST_DATE,
                               max_value=today, key="filter:reported", format="YYYY-MM-DD")
    filters = Filters(actors=tuple(actors), confidence=tuple(levels),
                      reported_from=start if start and start > FIRST_DATE else None,
                      reported_to=end if end and end < today else None)
    _to_link(filters)
    if filters.active:
        st.sidebar.info(t("filters.active", lang))
    return filters


def _to_link(filters: Filters) -> None:
    for name, value in (("actors", ",".join(filters.actors)),
                        ("confidence", ",".join(filters.confidence)),
                        ("reported_from", filters.reported_from.isoformat()
                         if filters.reported_from else ""),
                        ("reported_to", filters.reported_to.isoformat()
                         if filters.reported_to else "")):
        if value:
            st.query_params[name] = value
        else:
            st.query_params.pop(name, None)

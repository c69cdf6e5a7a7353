"""The as-of date, and what changed since an earlier one."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from geo.timeline import (
    FIRST_DATE,
    STALE_MONTHS_RANGE,
    changes_between,
    changes_in_knowledge,
    features_at,
    latest_report,
)
from i18n import t
from store.features import posture_features
from ui.link import date_from_url, stale_months_from_url
from ui.text import plain

__all__ = ["COMPARE_AXES", "QUICK_DATES", "as_of_picker", "changes_since", "known_on_picker"]

# "Compare" works on either time axis: the world (as of) or what was known (as known on).
COMPARE_AXES = ("as_of", "known")

# The seed's two reporting dates, by the key of their button label.
QUICK_DATES = {"dates.quick_part1": dt.date(2024, 1, 25),
               "dates.quick_part2": dt.date(2024, 12, 2)}
_FIRST_REPORT = QUICK_DATES["dates.quick_part1"]


def _latest_report() -> dt.date:
    return latest_report(posture_features()) or dt.date.today()


def as_of_picker(lang: str) -> tuple[dt.date, int]:
    """The map's date and how old a figure may be before it is drawn faded.

    The default date is the latest report in the data, not today: a map dated
    today would present two-year-old figures as current. Today is one click away.
    """
    today, latest = dt.date.today(), _latest_report()
    if "as_of" not in st.session_state:  # first run: a shared link may carry the date
        st.session_state["as_of"] = date_from_url("as_of", latest, lang)
    st.sidebar.header(t("dates.header", lang))
    # One per row: side by side, the labels (with their dates) were cut short.
    for label, date in (*QUICK_DATES.items(), ("dates.today", today)):
        st.sidebar.button(t(label, lang, date=date), key=f"as_of:{date}", width="stretch",
                          on_click=st.session_state.__setitem__, args=("as_of", date))
    as_of = st.sidebar.slider(t("dates.slider", lang), min_value=FIRST_DATE, max_value=today,
                              key="as_of", format="YYYY-MM-DD", label_visibility="collapsed")
    st.query_params["as_of"] = as_of.isoformat()  # copying the URL reproduces the view
    which = ("dates.is_latest" if as_of == latest else
             "dates.is_today" if as_of == today else "dates.is_chosen")
    st.sidebar.caption(t(which, lang, date=as_of, latest=latest))
    return as_of, _stale_months_picker(lang)


def known_on_picker(lang: str) -> dt.date | None:
    """The second time axis: the map as it was known on a day, drawn only from claims
    reported by then (None: everything recorded). Kept in the URL as `known_on`."""
    today = dt.date.today()
    if "known_on" not in st.session_state and "known_on" in st.query_params:
        st.session_state["known"] = True
        st.session_state["known_on"] = date_from_url("known_on", today, lang)
    if not st.sidebar.checkbox(t("known.checkbox", lang), key="known"):
        st.query_params.pop("known_on", None)
        return None
    st.session_state.setdefault("known_on", today)
    known_on = st.sidebar.slider(t("known.slider", lang), min_value=FIRST_DATE, max_value=today,
                                 key="known_on", format="YYYY-MM-DD")
    st.query_params["known_on"] = known_on.isoformat()
    st.sidebar.caption(t("known.caption", lang, date=known_on))
    return known_on


def _stale_months_picker(lang: str) -> int:
    low, high = STALE_MONTHS_RANGE
    if "stale_months" not in st.session_state:
        st.session_state["stale_months"] = stale_months_from_url(lang)
    months = st.sidebar.number_input(t("dates.stale_months", lang), min_value=low,
                                     max_value=high, step=1, key="stale_months")
    st.query_params["fade"] = str(months)
    return int(months)


def changes_since(as_of: dt.date, lang: str, known_on: dt.date | None = None
                  ) -> tuple[str, ...]:
    """An optional comparison date; lists what changed and returns the ids to mark."""
    default = min(_FIRST_REPORT, as_of)
    if "since" not in st.session_state and "since" in st.query_params:
        st.session_state["compare"] = True
        since = date_from_url("since", default, lang)
        if since > as_of:
            st.toast(t("link.since_after", lang, value=since, as_of=as_of, default=default))
            since = default
        st.session_state["since"] = since
    if "compare_axis" not in st.session_state:
        st.session_state["compare_axis"] = (
            "known" if st.query_params.get("compare_axis") == "known" else "as_of")
    if not st.sidebar.checkbox(t("changes.checkbox", lang), key="compare"):
        st.query_params.pop("since", None)
        st.query_params.pop("compare_axis", None)
        return ()
    axis = st.sidebar.radio(t("changes.axis", lang), COMPARE_AXES, key="compare_axis",
                            format_func=lambda a: t(f"changes.axis.{a}", lang))
    st.session_state.setdefault("since", default)
    since = st.sidebar.slider(t("changes.slider", lang), min_value=FIRST_DATE,
                              max_value=dt.date.today(), key="since", format="YYYY-MM-DD")
    st.query_params["since"] = since.isoformat()
    st.query_params["compare_axis"] = axis
    until = known_on or dt.date.today()
    # Comparing backwards would list what appeared as ended: say so instead.
    if axis == "as_of" and since > as_of:
        st.sidebar.warning(t("changes.since_after", lang, since=since, as_of=as_of))
        return ()
    if axis == "known" and since > until:
        st.sidebar.warning(t("changes.since_after_known", lang, since=since, until=until))
        return ()
    features = posture_features(known_on)
    if axis == "known":
        known_then = posture_features(since)
        changes = changes_in_knowledge(known_then, features, as_of)
        features = (*features, *known_then)  # names of what was known then only
        period = t("changes.period_known", lang, as_of=as_of, since=since, until=until)
    else:
        changes = changes_between(features, since, as_of)
        period = t("changes.period", lang, since=since, as_of=as_of)
    names = {p.record.id: plain(p.record.text("name", lang) or "") for p in features}
    series = {p.record.series: p for p in features_at(posture_features(known_on), as_of)
              if p.record.series}
    nothing = t("changes.nothing", lang)
    separator = t("list.comma", lang)
    counted = separator.join(
        t("changes.now", lang, name=names[series[s].record.id],
          count=plain(series[s].record.count.text(lang)))
        for s in changes.changed if s in series)
    lines = [f"**{t('changes.appeared', lang)}**: "
             f"{separator.join(names[i] for i in changes.appeared) or nothing}",
             f"**{t('changes.ended', lang)}**: "
             f"{separator.join(names[i] for i in changes.ended) or nothing}",
             f"**{t('changes.count_changed', lang)}**: {counted or nothing}"]
    if axis == "known":
        lines.append(f"**{t('changes.corrected', lang)}**: "
                     f"{separator.join(names[i] for i in changes.corrected) or nothing}")
    st.sidebar.markdown(period + "  \n" + "  \n".join(lines))
    return (*changes.appeared, *(series[s].record.id for s in changes.changed if s in series),
            *changes.corrected)

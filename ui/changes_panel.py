"""The page's "What changed" section: between a day and the as-of date, what appeared,
ended and changed in count, and what was corrected or retracted, each with who
recorded it and on whose word (geo/what_changed.py). A week before the as-of date by
default, or the date "Compare with an earlier date" chose; `?changes_since=` in a link."""

from __future__ import annotations

import datetime as dt
import io

import streamlit as st

from exports.changes import change_report, change_what, change_who, write_changes
from geo.filters import Filters
from geo.timeline import FIRST_DATE
from geo.what_changed import CHANGE_KINDS, ChangeItem
from i18n import t
from layers.catalogue import LayerEntry
from ui.link import date_from_url
from ui.text import plain

__all__ = ["DEFAULT_DAYS", "SHOWN_LINES", "change_line", "changes_panel"]

DEFAULT_DAYS = 7  # "What changed this week?"
SHOWN_LINES = 200  # of each kind of change; the CSV holds them all


def change_line(item: ChangeItem, lang: str) -> str:
    name = item.record.text("name", lang) or item.feature_id
    return f"{name} ({item.feature_id}): {change_what(item, lang)}. {change_who(item, lang)}"


def _since(as_of: dt.date, compare_since: dt.date | None, lang: str) -> dt.date:
    default = compare_since or max(FIRST_DATE, as_of - dt.timedelta(days=DEFAULT_DAYS))
    if "changes:since" not in st.session_state:
        since = date_from_url("changes_since", default, lang) \
            if "changes_since" in st.query_params else default
        st.session_state["changes:since"] = min(since, as_of)
    elif compare_since is not None and st.session_state.get("changes:compare") != compare_since:
        st.session_state["changes:since"] = compare_since  # the sidebar's date was moved
    st.session_state["changes:compare"] = compare_since
    if st.session_state["changes:since"] > as_of:
        st.session_state["changes:since"] = default if default <= as_of else as_of
    return st.date_input(t("whatchanged.since", lang), key="changes:since",
                         min_value=FIRST_DATE, max_value=as_of, format="YYYY-MM-DD")


def changes_panel(entries: tuple[LayerEntry, ...], as_of: dt.date, filters: Filters,
                  known_on: dt.date | None, lang: str,
                  compare_since: dt.date | None = None) -> None:
    with st.expander(t("whatchanged.header", lang), expanded=False):
        since = _since(as_of, compare_since, lang)
        st.query_params["changes_since"] = since.isoformat()
        report = change_report(entries, since, as_of, filters, known_on)
        st.caption(t("whatchanged.period", lang, since=since, until=as_of,
                     known=(known_on or dt.date.today()).isoformat()))
        truncated = False
        for kind in CHANGE_KINDS:
            items = report.of(kind)
            # 50,000 lines of Markdown (a large layer imported in the week) hung the page.
            lines = "\n".join(f"- {plain(change_line(item, lang))}"
                              for item in items[:SHOWN_LINES])
            if len(items) > SHOWN_LINES:
                truncated = True
                lines += "\n\n" + t("whatchanged.more", lang,
                                     count=f"{len(items) - SHOWN_LINES:,}")
            st.markdown(f"**{t(f'whatchanged.{kind}', lang)}** ({len(items):,})  \n"
                        + (lines or t("changes.nothing", lang)))
        if truncated:
            rows = io.StringIO()
            write_changes(report, rows, lang)
            st.download_button(t("whatchanged.csv", lang), rows.getvalue(),
                               file_name=f"changes-{since}-{as_of}.csv", mime="text/csv",
                               key="changes:csv")
        titles = {e.id: e.title(lang) for e in entries}
        for layer, count in sorted(report.events_by_layer.items()):
            st.caption(t("whatchanged.events", lang, n=f"{count:,}",
                         layer=plain(titles.get(layer, layer))))

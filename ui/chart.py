"""Force levels over time, each point naming its source."""

from __future__ import annotations

import re

import altair as alt
import streamlit as st

from geo.features import placed_features
from i18n import t

__all__ = ["force_levels_chart"]


def _figure_name(name: str, in_series: bool) -> str:
    # One line per series: "Coalition forces in Iraq, end of 2009" and "…, end of
    # 2011" are the same quantity at two dates. The date follows the first comma.
    return re.split("[,،]", name)[0] if in_series else name


def force_levels_chart(lang: str) -> None:
    """Every numeric force level on a time axis, drawn on request."""
    # On request: the chart library's script would slow every page's first load.
    if not st.toggle(t("chart.toggle", lang), key="chart"):
        return
    figure, as_reported = t("chart.figure", lang), t("chart.as_reported", lang)
    date, source = t("chart.date", lang), t("chart.source", lang)
    separator = t("list.semicolon", lang)
    rows = [{date: p.record.as_of.isoformat(), "count": p.record.count.value,
             figure: _figure_name(p.record.text("name", lang) or "", bool(p.record.series)),
             as_reported: p.record.count.text(lang),
             source: separator.join(f"{s.text(lang)} [{s.fact}]" for s in p.record.sources)}
            for p in placed_features()
            if p.record.symbol == "proportional" and p.record.as_of is not None]
    with st.container():
        points = alt.OverlayMarkDef(size=80)
        chart = alt.Chart(alt.Data(values=rows)).mark_line(point=points).encode(
            x=alt.X(f"{date}:T", title=t("chart.x", lang)),
            y=alt.Y("count:Q", title=t("chart.y", lang)),
            color=alt.Color(f"{figure}:N", title=None,
                            legend=alt.Legend(orient="bottom", columns=2)),
            tooltip=[f"{figure}:N", f"{as_reported}:N", f"{date}:T", f"{source}:N"],
        )
        st.altair_chart(chart, width="stretch")
        st.caption(t("chart.caption", lang))

"""Force levels over time, each point naming its source."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from geo.features import PlacedFeature, series_titles
from i18n import t
from store.features import posture_features

__all__ = ["SERIES_COLORS", "force_levels_chart"]

# One colour per force, the same in either language (Tableau 10, colour-blind safe order).
SERIES_COLORS = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948",
                 "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac")


def _force(p: PlacedFeature) -> str:
    """The force a figure counts: its series, or the figure itself if it stands alone."""
    return p.record.series or p.record.id


def _force_name(p: PlacedFeature, lang: str) -> str:
    if p.record.series:
        english, arabic = series_titles()[p.record.series]
        return arabic if lang == "ar" else english
    return p.record.text("name", lang) or p.record.id


def force_levels_chart(lang: str, as_of: dt.date | None = None,
                       known_on: dt.date | None = None) -> None:
    """Every numeric force level on a time axis, drawn on request.

    A symmetric-log axis, so 900 and 2,500 read beside 495,000 (and 0 still has a
    place); a rule at the as-of date; one colour per force in either language.
    """
    # On request: the chart library's script would slow every page's first load.
    if not st.toggle(t("chart.toggle", lang), key="chart"):
        return
    # Imported here, not at the top: altair's import alone is about 0.3 s of a cold start,
    # and most visits never open the chart.
    import altair as alt
    figure, as_reported = t("chart.figure", lang), t("chart.as_reported", lang)
    date, source = t("chart.date", lang), t("chart.source", lang)
    separator = t("list.semicolon", lang)
    figures = [p for p in posture_features(known_on)
               if p.record.symbol == "proportional" and p.record.as_of is not None]
    forces = sorted({_force(p) for p in figures})
    names = {_force(p): _force_name(p, lang) for p in figures}
    rows = [{date: p.record.as_of.isoformat(), "count": p.record.count.value,
             figure: names[_force(p)], as_reported: p.record.count.text(lang),
             source: separator.join(s.cited(lang) for s in p.record.sources)}
            for p in figures]
    colors = alt.Scale(domain=[names[f] for f in forces],
                       range=[SERIES_COLORS[i % len(SERIES_COLORS)] for i in range(len(forces))])
    with st.container():
        points = alt.OverlayMarkDef(size=90, filled=True)
        lines = alt.Chart(alt.Data(values=rows)).mark_line(point=points).encode(
            x=alt.X(f"{date}:T", title=t("chart.x", lang)),
            y=alt.Y("count:Q", title=t("chart.y_log", lang),
                    scale=alt.Scale(type="symlog", constant=100)),
            color=alt.Color(f"{figure}:N", title=None, scale=colors,
                            legend=alt.Legend(orient="bottom", columns=2)),
            tooltip=[f"{figure}:N", f"{as_reported}:N", f"{date}:T", f"{source}:N"],
        )
        layers = [lines]
        if as_of is not None:
            rule = alt.Chart(alt.Data(values=[{date: as_of.isoformat()}])).mark_rule(
                color="#b00020", strokeDash=[4, 3]).encode(x=f"{date}:T")
            layers.append(rule)
        st.altair_chart(alt.layer(*layers), width="stretch")
        st.caption(t("chart.caption", lang, as_of=as_of.isoformat() if as_of else "—"))

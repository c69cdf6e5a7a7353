"""The posture table under the map: who is where, how many, since when, on whose word.

Sortable by any column (Streamlit's own header sorting); choosing a row centres the
map on the force and opens its card; a CSV of exactly the rows shown can be saved.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from geo.features import PlacedFeature
from geo.posture import PostureRow, posture_rows
from i18n import t
from layers.unit_symbols import Display, feature_symbol

__all__ = ["FOCUS_ZOOM", "MAP_DRAWN_KEY", "Selected", "chosen_row", "map_drawn", "posture_frame",
           "posture_table", "table_rows"]

FOCUS_ZOOM = 8
TABLE_KEY = "posture-table"
# Set once this session's map has reported its view, i.e. has been drawn in the browser.
MAP_DRAWN_KEY = "map:drawn"
COLUMNS = ("actor", "place", "governorate", "country", "count", "since", "reported_on",
           "source", "confidence", "age_days", "status")


@dataclass(frozen=True)
class Selected:
    feature_id: str
    lat: float
    lon: float


SHOWN_ROWS = 2_000


def _symbol_uri(p: PlacedFeature, display: Display, lang: str) -> str:
    # The bare frame: the row gives the count and the force in columns of their own.
    symbol = feature_symbol(p.record, display.viewpoint, lang, amplifiers=False) \
        if display.units else None
    if symbol is None:
        return ""
    return "data:image/svg+xml;base64," + base64.b64encode(symbol.svg.encode()).decode("ascii")


def posture_frame(rows: list[PostureRow], lang: str) -> pd.DataFrame:
    """The rows as the table and its CSV show them: words in `lang`, dates as ISO text."""
    records = []
    for row in rows:
        records.append({
            "actor": row.actor, "place": row.place, "governorate": row.governorate,
            "country": row.country, "count": row.count,
            "since": row.since.isoformat() if row.since else "",
            "reported_on": row.reported_on.isoformat() if row.reported_on else "",
            "source": row.source, "confidence": t(f"confidence.{row.confidence}", lang),
            "age_days": row.age_days, "status": t(f"table.status.{row.status}", lang)})
    frame = pd.DataFrame.from_records(records, columns=list(COLUMNS))
    frame["age_days"] = frame["age_days"].astype("Int64")
    return frame


def chosen_row(rows: list[PostureRow]) -> Selected | None:
    """The force whose row the reader chose, from the table's state of the last run:
    known before the map is drawn, so the table itself can be drawn after the map."""
    state = st.session_state.get(TABLE_KEY)
    selection = state.get("selection", {}) if isinstance(state, dict) else \
        getattr(state, "selection", {})
    chosen = list((selection or {}).get("rows", []) if isinstance(selection, dict)
                  else getattr(selection, "rows", []))
    if not chosen or not 0 <= chosen[0] < len(rows):
        return None
    row = rows[chosen[0]]
    return Selected(row.feature_id, row.lat, row.lon)


def map_drawn(report: dict | None) -> bool:
    """Whether the map has been drawn in this session; on its first report, a full rerun.

    The table waits for the map: its grid's script (about 1.2 MB) shares the browser's main
    thread with the map's iframe, and loaded first it delayed the first drawn map by about
    half a second. The rerun that follows the map's first report draws the table.
    """
    if st.session_state.get(MAP_DRAWN_KEY):
        return True
    if "center" in (report or {}):
        st.session_state[MAP_DRAWN_KEY] = True
        st.rerun()
    return False


def table_rows(features: Iterable[PlacedFeature], as_of: dt.date | None, stale_months: int,
               lang: str) -> list[PostureRow]:
    return posture_rows(features, as_of, stale_months, lang)


def posture_table(features: Iterable[PlacedFeature], rows: list[PostureRow], lang: str,
                  display: Display) -> None:
    """Draw the table of `rows` (from `features`) and its CSV button."""
    by_id = {p.record.id: p for p in features}
    st.subheader(t("table.header", lang))
    if not rows:
        st.caption(t("table.empty", lang))
        return
    frame = posture_frame(rows, lang)
    # The grid sends every row to the browser: 50,000 rows (a large imported layer) hung
    # the page. The first rows show; the CSV below holds every one.
    shown = frame.head(SHOWN_ROWS).copy()
    shown.insert(0, "symbol", [_symbol_uri(by_id[r.feature_id], display, lang)
                               for r in rows[:SHOWN_ROWS]])
    if len(rows) > SHOWN_ROWS:
        st.caption(t("table.first_rows", lang, shown=f"{SHOWN_ROWS:,}", count=f"{len(rows):,}"))
    config = {name: st.column_config.Column(t(f"table.{name}", lang)) for name in COLUMNS}
    config["symbol"] = st.column_config.ImageColumn(t("table.symbol", lang), width="small")
    config["age_days"] = st.column_config.NumberColumn(t("table.age_days", lang), format="%d")
    st.dataframe(shown, key=TABLE_KEY, hide_index=True, on_select="rerun",
                 selection_mode="single-row", column_config=config, width="stretch")
    st.download_button(t("table.csv", lang), frame.rename(
        columns={name: t(f"table.{name}", lang) for name in COLUMNS}).to_csv(index=False),
                       file_name="posture-table.csv", mime="text/csv", key="table:csv")

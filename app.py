"""Force posture on the Iraq–Syria border: the Streamlit page.

A thin page: data and geometry come from geo/, map layers from layers/. The
base map is built the same way on every rerun, so its iframe is never
remounted; toggled layers travel as `feature_group_to_add`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

import altair as alt
import folium
import streamlit as st
from streamlit_folium import st_folium

from exports.formats import EXPORT_FORMATS, MIME_TYPES, STATIC_FORMATS
from exports.paper import PAPERS
from exports.view import DEFAULT_BBOX, View
from geo.errors import PostureDataError
from geo.features import placed_features
from geo.gazetteer import search
from geo.paths import data_dir
from geo.sources import source_index
from geo.timeline import changes_between, valid_at
from layers.assets import ensure_vendor_assets
from layers.basemap import (
    BASEMAPS,
    DEFAULT_BASEMAP,
    MAX_ZOOM,
    MIN_ZOOM,
    NATURAL_EARTH_ATTRIBUTION,
    build_base_map,
)
from layers.builder import toggled_layer
from layers.bundle import write_bundle
from layers.catalogue import LayerEntry, catalogue, features_of, groups, shown_at
from layers.legend import legend_html
from layers.toggle_sync import HighlightFeatures, ShownAtDate, SidebarToggleSync

MAP_KEY = "posture-map"
MAP_HEIGHT = 640

st.set_page_config(page_title="Iraq–Syria border: force posture", layout="wide")


@st.cache_resource(show_spinner=False)
def _vendor_assets() -> None:
    ensure_vendor_assets()


# Keyed by the data folder, so a server pointed at other data never sees these.
@st.cache_resource(show_spinner=False)
def _layers(data_folder: str) -> tuple[LayerEntry, ...]:
    return catalogue()


@st.cache_resource(show_spinner=False)
def _bundle_url(data_folder: str) -> str:
    return write_bundle(_layers(data_folder))


def _layer_toggles(entries: tuple[LayerEntry, ...]) -> list[LayerEntry]:
    st.sidebar.header("Layers")
    enabled = []
    for group in groups():
        members = [e for e in entries if e.group == group.id]
        if not members:
            continue
        st.sidebar.caption(group.title_en)
        for entry in members:
            key = f"layer:{entry.id}"
            st.session_state.setdefault(key, entry.default_on)
            if st.sidebar.toggle(entry.title_en, key=key):
                enabled.append(entry)
    st.query_params["layers"] = ",".join(e.id for e in enabled)
    return enabled


def _apply_link(entries: tuple[LayerEntry, ...]) -> None:
    """On a session's first run, take layers, basemap and view from the URL.

    Bad values fall back to the defaults with a short notice, never an error.
    """
    if st.session_state.get("link:applied"):
        return
    st.session_state["link:applied"] = True
    params = st.query_params
    if "layers" in params:
        wanted = [i for i in params["layers"].split(",") if i]
        unknown = [i for i in wanted if i not in {e.id for e in entries}]
        if unknown:
            st.toast("Ignored unknown layers from the link: "
                     + _plain(", ".join(u[:30] for u in unknown[:5])))
        for entry in entries:
            st.session_state[f"layer:{entry.id}"] = entry.id in wanted
    if "basemap" in params:
        if params["basemap"] in BASEMAPS:
            st.session_state["basemap"] = params["basemap"]
        else:
            st.toast(f"Ignored basemap {_plain(params['basemap'][:30])} from the link.")
    if {"lat", "lon", "zoom"} & params.keys():
        try:
            lat, lon, zoom = float(params["lat"]), float(params["lon"]), int(params["zoom"])
            if not (-90 <= lat <= 90 and -180 <= lon <= 180 and MIN_ZOOM <= zoom <= MAX_ZOOM):
                raise ValueError
            st.session_state["link:view"] = (lat, lon, zoom)
        except (KeyError, ValueError):
            st.toast(f"Ignored the view in the link: lat, lon and zoom ({MIN_ZOOM}–{MAX_ZOOM}) "
                     "must all be given and in range.")


def _bbox_of(result: dict | None) -> tuple[float, float, float, float]:
    bounds = (result or {}).get("bounds") or {}
    try:
        south_west, north_east = bounds["_southWest"], bounds["_northEast"]
        bbox = (south_west["lng"], south_west["lat"], north_east["lng"], north_east["lat"])
    except (KeyError, TypeError):
        return DEFAULT_BBOX
    if None in bbox or bbox[0] >= bbox[2] or bbox[1] >= bbox[3]:
        return DEFAULT_BBOX
    return tuple(round(float(v), 4) for v in bbox)  # type: ignore[return-value]


def _place_search() -> tuple[float, float, int] | None:
    """A search box; returns (lat, lon, zoom) of the chosen place, or None."""
    query = st.sidebar.text_input("Find a place", key="search",
                                  placeholder="Abu Kamal, البوكمال, Sinjar…", max_chars=80)
    if not query.strip():
        return None
    matches = search(query)
    if not matches:
        st.sidebar.info(f"No place matching “{query.strip()}” in the gazetteer.")
        return None
    place = matches[0] if len(matches) == 1 else st.sidebar.selectbox(
        "Matches", matches, key="search:choice",
        format_func=lambda p: f"{p.name_en} · {p.name_ar}")
    st.sidebar.caption(f"Centred on {place.name_en} ({place.lat:.2f} N, {place.lon:.2f} E)")
    return place.lat, place.lon, place.zoom


QUICK_DATES = {"Part 1 report (2024-01-25)": dt.date(2024, 1, 25),
               "Part 2 report (2024-12-02)": dt.date(2024, 12, 2)}
FIRST_DATE = dt.date(2009, 1, 1)


def _as_of_picker() -> dt.date:
    """The as-of date: a slider from 2009 to today, with the seed's two reporting dates."""
    today = dt.date.today()
    if "as_of" not in st.session_state:  # first run: a shared link may carry the date
        st.session_state["as_of"] = _date_from_url("as_of", today)
    st.sidebar.header("As of")
    columns = st.sidebar.columns(len(QUICK_DATES))
    for column, (label, date) in zip(columns, QUICK_DATES.items(), strict=True):
        column.button(label, key=f"as_of:{date}", width="stretch",
                      on_click=st.session_state.__setitem__, args=("as_of", date))
    as_of = st.sidebar.slider("As of", min_value=FIRST_DATE, max_value=today, key="as_of",
                              format="YYYY-MM-DD", label_visibility="collapsed")
    st.query_params["as_of"] = as_of.isoformat()  # copying the URL reproduces the view
    return as_of


def _date_from_url(name: str, default: dt.date) -> dt.date:
    raw = st.query_params.get(name)
    if raw is None:
        return default
    try:
        value = dt.date.fromisoformat(raw)
    except ValueError:
        value = None
    if value is None or not FIRST_DATE <= value <= dt.date.today():
        st.toast(f"Ignored {name}={_plain(raw[:40])} from the link: not a date between "
                 f"{FIRST_DATE} and today. Showing {default}.")
        return default
    return value


def _plain(text: str) -> str:
    """Data text shown as itself inside Streamlit markdown."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>$~])", r"\\\1", text)


def _changes_since(as_of: dt.date) -> tuple[str, ...]:
    """An optional comparison date; lists what changed and returns the ids to mark."""
    if "since" not in st.session_state and "since" in st.query_params:
        st.session_state["compare"] = True
        st.session_state["since"] = _date_from_url("since", QUICK_DATES[next(iter(QUICK_DATES))])
    if not st.sidebar.checkbox("Compare with an earlier date", key="compare"):
        st.query_params.pop("since", None)
        return ()
    st.session_state.setdefault("since", QUICK_DATES[next(iter(QUICK_DATES))])
    since = st.sidebar.slider("Changed since", min_value=FIRST_DATE, max_value=dt.date.today(),
                              key="since", format="YYYY-MM-DD")
    st.query_params["since"] = since.isoformat()
    features = placed_features()
    names = {p.record.id: _plain(p.record.name_en) for p in features}
    series = {p.record.series: p for p in features if p.record.series and
              valid_at(p.record, as_of)}
    changes = changes_between(features, since, as_of)
    lines = [f"**Appeared**: {', '.join(names[i] for i in changes.appeared) or 'nothing'}",
             f"**Ended**: {', '.join(names[i] for i in changes.ended) or 'nothing'}",
             "**Count changed**: " + (", ".join(
                 f"{_plain(series[s].record.name_en)} (now "
                 f"{_plain(series[s].record.count.text_en())})"
                 for s in changes.changed if s in series) or "nothing")]
    st.sidebar.markdown(f"From {since} to {as_of}:  \n" + "  \n".join(lines))
    return (*changes.appeared, *(series[s].record.id for s in changes.changed if s in series))


def _force_levels_chart() -> None:
    """Every numeric force level on a time axis; each point's tooltip names its source."""
    # Drawn on request: the chart library's script would slow every page's first load.
    if not st.toggle("Show force levels over time", key="chart"):
        return
    rows = [{"date": p.record.as_of.isoformat(), "count": p.record.count.value,
             # One line per series: "Coalition forces in Iraq, end of 2009" and
             # "…, end of 2011" are the same quantity at two dates.
             "figure": p.record.name_en.split(",")[0] if p.record.series else p.record.name_en,
             "count as reported": p.record.count.text_en(),
             "source": "; ".join(f"{s.text()} [{s.fact}]" for s in p.record.sources)}
            for p in placed_features()
            if p.record.symbol == "proportional" and p.record.as_of is not None]
    with st.container():
        points = alt.OverlayMarkDef(size=80)
        chart = alt.Chart(alt.Data(values=rows)).mark_line(point=points).encode(
            x=alt.X("date:T", title="As of"),
            y=alt.Y("count:Q", title="Personnel"),
            color=alt.Color("figure:N", title=None, legend=alt.Legend(orient="bottom",
                                                                     columns=2)),
            tooltip=["figure:N", "count as reported:N", "date:T", "source:N"],
        )
        st.altair_chart(chart, width="stretch")
        st.caption("Each point is one figure from the report; hover it for its source. Lines "
                   "join figures of the same series only (the coalition, end 2009 → end 2011).")


def _sources_panel(entries: tuple[LayerEntry, ...], shown: dict[str, list[str]]) -> list[str]:
    """Every source behind the features shown at the date; returns the ids to highlight."""
    index = source_index(p for e in entries for p in features_of(e)
                         if p.record.id in shown[e.id])
    with st.expander(f"Sources ({len(index)})", expanded=False):
        chosen = st.selectbox("Highlight the features resting on", [None, *range(len(index))],
                              key="source:highlight",
                              format_func=lambda i: "—" if i is None else index[i].label)
        # Markdown, not st.dataframe: the grid's script is heavy for the page's first load.
        st.markdown("\n".join(
            f"- **{_plain(s.label)}** · FACTS {_plain(', '.join(s.facts))} · reported "
            f"{', '.join(d.isoformat() for d in s.reported_on) or '—'} · "
            f"{_plain('; '.join(s.feature_names))}" for s in index))
    return [] if chosen is None else index[chosen].feature_ids


@st.fragment
def _map_and_export(enabled_ids: tuple[str, ...], basemap_id: str, bundle_url: str,
                    as_of: dt.date, shown: dict[str, list[str]],
                    focus: tuple[float, float, int] | None = None,
                    highlight: tuple[str, ...] = (), changed: tuple[str, ...] = ()) -> None:
    # A fragment: panning sends the map's bounds back (the export panel needs
    # them) and reruns only this, never the whole page.
    entries = _layers(str(data_dir()))
    enabled = [e for e in entries if e.id in enabled_ids]
    base_map = build_base_map(bundle_url, basemap_id)
    SidebarToggleSync(entries).add_to(base_map)
    state = folium.FeatureGroup(control=False)
    ShownAtDate(shown).add_to(state)
    highlighter = folium.FeatureGroup(control=False)
    HighlightFeatures(list(highlight)).add_to(highlighter)
    HighlightFeatures(list(changed), "posture-changed").add_to(highlighter)
    result = st_folium(
        base_map,
        key=MAP_KEY,
        height=MAP_HEIGHT,
        use_container_width=True,
        feature_group_to_add=[state, *(toggled_layer(e, shown[e.id])
                                       for e in sorted(enabled, key=lambda e: e.z_order)),
                              highlighter],
        layer_control=folium.LayerControl(collapsed=True),
        returned_objects=["bounds", "center", "zoom"],
        center=focus[:2] if focus else None,
        zoom=focus[2] if focus else None,
    )
    _view_to_url(result)
    _export_panel(View(bbox=_bbox_of(result), layer_ids=enabled_ids or ("none",), as_of=as_of))


def _view_to_url(result: dict | None) -> None:
    """Keep lat, lon and zoom in the URL, so copying it reproduces the view."""
    center, zoom = (result or {}).get("center"), (result or {}).get("zoom")
    if isinstance(center, dict) and isinstance(zoom, int | float):
        st.query_params.update({"lat": f"{center['lat']:.4f}", "lon": f"{center['lng']:.4f}",
                                "zoom": str(int(zoom))})


def _export_panel(view: View) -> None:
    with st.expander("Export this view", expanded=False):
        fmt = st.selectbox("Format", EXPORT_FORMATS, key="export:format",
                           format_func=str.upper)
        title = st.text_input("Title", value=view.title, key="export:title", max_chars=120)
        paper, dpi = "a4-landscape", 150
        if fmt in STATIC_FORMATS:
            paper = st.selectbox("Paper", list(PAPERS), key="export:paper")
            dpi = st.select_slider("Resolution (dpi)", options=[96, 150, 200, 300, 600],
                                   value=150, key="export:dpi")
        view = replace(view, title=title.strip() or view.title)
        st.caption("View: " + ", ".join(f"{v:.2f}" for v in view.bbox) + " (W, S, E, N)")
        if st.button("Prepare export", key="export:prepare"):
            # Imported here: matplotlib and the writers would slow every page's first load.
            from exports.render import export_bytes, export_file_name, preview_png

            with st.spinner(f"Rendering {fmt.upper()}…"):
                st.session_state["export:file"] = (
                    export_file_name(view, fmt), export_bytes(view, fmt, paper, dpi),
                    MIME_TYPES[fmt],
                    preview_png(view, paper) if fmt in STATIC_FORMATS else None)
        prepared = st.session_state.get("export:file")
        if prepared:
            name, data, mime, preview = prepared
            if preview:
                st.image(preview, caption=f"Preview of {name}")
            st.download_button(f"Download {name} ({len(data):,} bytes)", data, file_name=name,
                               mime=mime, key="export:download", on_click="ignore")


def main() -> None:
    _vendor_assets()
    try:
        entries = _layers(str(data_dir()))
        bundle_url = _bundle_url(str(data_dir()))
    except PostureDataError as e:
        st.error(f"The map data could not be loaded, so no map is shown. {e}")
        st.stop()

    _apply_link(entries)
    focus = _place_search() or st.session_state.get("link:view")
    as_of = _as_of_picker()
    changed = _changes_since(as_of)
    st.sidebar.header("Basemap")
    st.session_state.setdefault("basemap", DEFAULT_BASEMAP)
    basemap_id = st.sidebar.selectbox(
        "Basemap", list(BASEMAPS), format_func=lambda b: BASEMAPS[b].title, key="basemap",
        label_visibility="collapsed")
    st.query_params["basemap"] = basemap_id
    if BASEMAPS[basemap_id].online:
        st.sidebar.warning("This basemap loads tiles from the internet; on an offline "
                           "network the vector outlines stay drawn on grey.")
    enabled = _layer_toggles(entries)

    st.title("Force posture on the Iraq–Syria border")
    st.caption("Who deployed what, where and when, and on whose word. Hover or click a "
               "feature for its count, dates and sources.")
    # Lets browser tests tell a full rerun from the map fragment's own.
    st.session_state["full_runs"] = st.session_state.get("full_runs", 0) + 1
    st.html(f"<span id='full-runs' hidden>{st.session_state['full_runs']}</span>")
    map_slot = st.container()
    shown = shown_at(entries, as_of)
    highlight = _sources_panel(entries, shown)
    _force_levels_chart()
    with map_slot:
        _map_and_export(tuple(e.id for e in enabled), basemap_id, bundle_url, as_of, shown, focus,
                        tuple(highlight), changed)
    attribution = NATURAL_EARTH_ATTRIBUTION
    if BASEMAPS[basemap_id].online:
        attribution += f"; tiles: {BASEMAPS[basemap_id].title}"
    st.caption(attribution + ". Facts: Alhurra report (Jan and Dec 2024), as restated in "
               "the project's FACTS sheet.")
    with st.sidebar:
        st.header("Legend")
        st.html(legend_html(enabled))


main()

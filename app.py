"""Force posture on the Iraq–Syria border: the Streamlit page.

A thin page: data and geometry come from geo/, map layers from layers/. The
base map is built the same way on every rerun, so its iframe is never
remounted; toggled layers travel as `feature_group_to_add`.
"""

from __future__ import annotations

import folium
import streamlit as st
from streamlit_folium import st_folium

from geo.errors import PostureDataError
from geo.paths import data_dir
from layers.assets import ensure_vendor_assets
from layers.basemap import BASEMAPS, DEFAULT_BASEMAP, NATURAL_EARTH_ATTRIBUTION, build_base_map
from layers.builder import toggled_layer
from layers.bundle import write_bundle
from layers.catalogue import LayerEntry, catalogue, groups
from layers.legend import legend_html
from layers.toggle_sync import SidebarToggleSync

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
            if st.sidebar.toggle(entry.title_en, value=entry.default_on, key=f"layer:{entry.id}"):
                enabled.append(entry)
    return enabled


def main() -> None:
    _vendor_assets()
    try:
        entries = _layers(str(data_dir()))
        bundle_url = _bundle_url(str(data_dir()))
    except PostureDataError as e:
        st.error(f"The map data could not be loaded, so no map is shown. {e}")
        st.stop()

    st.sidebar.header("Basemap")
    basemap_id = st.sidebar.selectbox(
        "Basemap", list(BASEMAPS), index=list(BASEMAPS).index(DEFAULT_BASEMAP),
        format_func=lambda b: BASEMAPS[b].title, key="basemap", label_visibility="collapsed")
    if BASEMAPS[basemap_id].online:
        st.sidebar.warning("This basemap loads tiles from the internet; on an offline "
                           "network the vector outlines stay drawn on grey.")
    enabled = _layer_toggles(entries)

    st.title("Force posture on the Iraq–Syria border")
    st.caption("Who deployed what, where and when, and on whose word. Hover or click a "
               "feature for its count, dates and sources.")
    layer_groups = [toggled_layer(e) for e in sorted(enabled, key=lambda e: e.z_order)]
    base_map = build_base_map(bundle_url, basemap_id)
    SidebarToggleSync(entries).add_to(base_map)
    st_folium(
        base_map,
        key=MAP_KEY,
        height=MAP_HEIGHT,
        use_container_width=True,
        feature_group_to_add=layer_groups,
        layer_control=folium.LayerControl(collapsed=True),
        returned_objects=[],
    )
    attribution = NATURAL_EARTH_ATTRIBUTION
    if BASEMAPS[basemap_id].online:
        attribution += f"; tiles: {BASEMAPS[basemap_id].title}"
    st.caption(attribution + ". Facts: Alhurra report (Jan and Dec 2024), as restated in "
               "the project's FACTS sheet.")
    with st.sidebar:
        st.header("Legend")
        st.html(legend_html(enabled))


main()

"""Benchmark baseline: the same layers rebuilt into a new folium.Map on every rerun.

This is the obvious way to write the page; the iframe remounts on each toggle.
bench/bench_dashboard.py measures it beside app.py. Not used by the product.
"""

from __future__ import annotations

import sys
from pathlib import Path

import folium
import streamlit as st
from streamlit_folium import st_folium

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from layers.assets import ensure_vendor_assets
from layers.basemap import build_base_map
from layers.builder import build_layer
from layers.bundle import write_bundle
from layers.catalogue import catalogue

ensure_vendor_assets()
entries = catalogue()
enabled = [e for e in entries
           if st.sidebar.toggle(e.title_en, value=e.default_on, key=f"layer:{e.id}")]
m = build_base_map(write_bundle(entries))
for entry in sorted(enabled, key=lambda e: e.z_order):
    build_layer(entry).add_to(m)
folium.LayerControl().add_to(m)
st_folium(m, key="naive-map", height=640, use_container_width=True, returned_objects=[])

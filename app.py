"""Force posture on the Iraq–Syria border: the Streamlit page.

A thin page: data and geometry come from geo/, map layers from layers/, the
panels from ui/. The base map is built the same way on every rerun, so its
iframe is never remounted; toggled layers travel as `feature_group_to_add`.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
from dataclasses import asdict, replace
from typing import NoReturn

import folium
import streamlit as st
from streamlit_folium import st_folium

from exports.view import DEFAULT_BBOX, View
from geo.errors import PostureDataError
from geo.filters import filtered
from geo.gazetteer import Place
from geo.paths import data_dir
from geo.timeline import features_at, stale_at
from i18n import DEFAULT_LANGUAGE, t
from layers import symbol_cache
from layers.assets import ensure_vendor_assets
from layers.basemap import BASEMAPS, DEFAULT_BASEMAP, build_base_map
from layers.builder import MAX_DRAWN_FEATURES, found_place_marker, toggled_layer, too_many_to_draw
from layers.bundle import write_bundle
from layers.catalogue import LayerEntry, check_data_folder, features_of, groups, shown_at
from layers.event_layer import DENSITY_BELOW_ZOOM, EventWindow, EventWindowState
from layers.event_legend import events_legend
from layers.legend import legend_html
from layers.point_canvas import canvas_points_url, on_canvas, undrawn_shapes
from layers.prerender import CurrentBundle
from layers.toggle_sync import HighlightFeatures, OpenCard, ShownAtDate, SidebarToggleSync
from store.features import (
    one_version,
    placed_features,
    placed_in_layer,
    posture_features,
    store_version,
    undrawable,
)
from store.location import store_location
from store.reading_stats import read_counts
from ui.changes_panel import changes_panel
from ui.chart import force_levels_chart
from ui.dates import as_of_picker, changes_since, known_on_picker
from ui.events_panel import events_panel, window_notice
from ui.export_panel import export_panel
from ui.filters_panel import filters_panel
from ui.first_reading import wait_for_first_reading
from ui.import_panel import allow_uploads, import_section
from ui.language import language_picker
from ui.link import apply_link
from ui.posture_table import (
    FOCUS_ZOOM,
    MAP_DRAWN_KEY,
    Selected,
    chosen_row,
    map_drawn,
    posture_table,
    table_rows,
)
from ui.retracted_panel import retracted_panel
from ui.search import place_search
from ui.signin import signed_in, signin_panel
from ui.sources_panel import sources_panel
from ui.text import label_text, plain
from ui.undrawable_panel import undrawable_notice
from ui.units_picker import unit_display_picker

MAP_KEY = "posture-map"
MAP_HEIGHT = 640

st.set_page_config(page_title=t("app.page_title", DEFAULT_LANGUAGE), layout="wide")


@st.cache_resource(show_spinner=False)
def _vendor_assets() -> None:
    ensure_vendor_assets()


# Keyed by the data folder, so a server pointed at other data never sees these, and by
# the store's version, as an import may have made a layer; and by the store, as two stores
# can stand at the same version (their versions are row numbers).
@st.cache_resource(show_spinner=False, max_entries=8)
def _layers(data_folder: str, version: str, location: str = "") -> tuple[LayerEntry, ...]:
    return check_data_folder()


# Keyed by the store's version too: a claim recorded since (an import, another
# server) is drawn on the next rerun.
@st.cache_resource(show_spinner=False, max_entries=32)
def _bundle_url(data_folder: str, lang: str, known_on: dt.date | None, version: str,
                location: str = "") -> str:
    return write_bundle(_layers(data_folder, version, location), lang, known_on)


def _layer_toggles(entries: tuple[LayerEntry, ...], lang: str,
                   known_on: dt.date | None) -> list[LayerEntry]:
    st.sidebar.header(t("layers.header", lang))
    enabled = []
    for group in groups():
        members = [e for e in entries if e.group == group.id]
        if not members:
            continue
        st.sidebar.caption(plain(group.title(lang)))
        for entry in members:
            key = f"layer:{entry.id}"
            st.session_state.setdefault(key, entry.default_on)
            # A layer's title may be an editor's or a file's: a label is Markdown.
            if st.sidebar.toggle(label_text(entry.title(lang)), key=key):
                enabled.append(entry)
            claims = len(placed_in_layer(entry.id, known_on))  # indexed: no scan
            if not entry.is_events and too_many_to_draw(claims):
                note = t("layers.on_canvas", lang, count=f"{claims:,}",
                         limit=f"{MAX_DRAWN_FEATURES:,}", zoom=DENSITY_BELOW_ZOOM)
                if shapes := undrawn_shapes(entry, known_on):
                    note += " " + t("layers.shapes_not_drawn", lang, count=f"{shapes:,}")
                st.sidebar.caption(note)
    st.query_params["layers"] = ",".join(e.id for e in enabled)
    return enabled


def _basemap_picker(lang: str) -> str:
    st.sidebar.header(t("basemap.header", lang))
    st.session_state.setdefault("basemap", DEFAULT_BASEMAP)
    basemap_id = st.sidebar.selectbox(
        t("basemap.header", lang), list(BASEMAPS), key="basemap",
        format_func=lambda b: t(f"basemap.{b}", lang), label_visibility="collapsed")
    st.query_params["basemap"] = basemap_id
    if BASEMAPS[basemap_id].online:
        st.sidebar.warning(t("basemap.online_warning", lang))
    return basemap_id


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


def _first_bundle(bundle_url: str, lang: str, known_on: dt.date | None) -> str:
    """The bundle this session's map was first drawn with, for its language and known-on
    date: the base map keeps it, so a write (which makes a new bundle) never remounts
    the map; the toggled groups load the new one (CurrentBundle)."""
    pinned = st.session_state.get("map:bundle")
    if pinned is None or pinned[0] != (lang, known_on):
        st.session_state["map:bundle"] = ((lang, known_on), bundle_url)
        return bundle_url
    return pinned[1]


def _points_url(entry: LayerEntry, view: View) -> str | None:
    """A canvas layer's column file for the view (layers/point_canvas.py); None for any
    other layer."""
    if not on_canvas(entry, view.known_on):
        return None
    return canvas_points_url(entry, view.lang, view.known_on, view.as_of, view.filters)


@st.fragment
def _map_and_export(view: View, basemap_id: str, bundle_url: str, shown: dict[str, list[str]],
                    marks: dict[str, tuple[str, ...]],
                    focus: tuple[float, float, int] | None = None,
                    found: Place | None = None, chosen: Selected | None = None,
                    editing: bool = False, events: EventWindow | None = None) -> None:
    """The map of `view` (its bounds come back from the map) and its export panel.

    `marks` maps a CSS class to the features that carry it: highlighted by a
    source, changed since the comparison date, or stale at the as-of date.
    """
    # A fragment: panning sends the map's bounds back (the export panel needs
    # them) and reruns only this, never the whole page.
    entries = _layers(str(data_dir()), store_version(), store_location())
    enabled = [e for e in entries if e.id in view.layer_ids]
    first_bundle = _first_bundle(bundle_url, view.lang, view.known_on)
    base_map = build_base_map(first_bundle, basemap_id, view.lang)
    SidebarToggleSync(entries).add_to(base_map)
    if editing:
        from layers.drawing import draw_control

        for element in draw_control(view.lang) or ():
            element.add_to(base_map)
    state = folium.FeatureGroup(control=False)
    if bundle_url != first_bundle:
        CurrentBundle(bundle_url).add_to(state)
    ShownAtDate(shown).add_to(state)
    if events is not None:
        EventWindowState(events).add_to(state)
    highlighter = folium.FeatureGroup(control=False)
    for css_class, ids in marks.items():
        HighlightFeatures(list(ids), css_class).add_to(highlighter)
    if found is not None:
        found_place_marker(found, view.lang).add_to(highlighter)
    if chosen is not None:
        OpenCard(chosen.feature_id, chosen.lat, chosen.lon).add_to(highlighter)
    result = st_folium(
        base_map,
        # An editor's map is another component (mounted once, at sign-in): it also returns
        # clicks, which place a new claim; a reader's click reruns nothing.
        key=f"{MAP_KEY}-editor" if editing else MAP_KEY,
        height=MAP_HEIGHT,
        use_container_width=True,
        feature_group_to_add=[state, *(toggled_layer(e, shown[e.id], view.lang, view.display,
                                                     _points_url(e, view))
                                       for e in sorted(enabled, key=lambda e: e.z_order)),
                              highlighter],
        layer_control=folium.LayerControl(collapsed=True),
        returned_objects=["bounds", "center", "zoom",
                          *(["last_clicked", "last_active_drawing", "all_drawings"]
                            if editing else [])],
        center=focus[:2] if focus else None,
        zoom=focus[2] if focus else None,
    )
    _view_to_url(result)
    map_drawn(result)
    if editing:
        from ui.editor_panel import place_from_click  # editors only: off the readers' path

        place_from_click(result)
    # Lets browser tests wait for the map's first report of its view: a toggle
    # sent during that fragment rerun can make Streamlit remount the map.
    st.html(f"<span id='map-reported' hidden>{int('center' in (result or {}))}</span>")
    export_panel(replace(view, bbox=_bbox_of(result), layer_ids=view.layer_ids or ("none",)))


def _view_to_url(result: dict | None) -> None:
    """Keep lat, lon and zoom in the URL, so copying it reproduces the view."""
    center, zoom = (result or {}).get("center"), (result or {}).get("zoom")
    if isinstance(center, dict) and isinstance(zoom, int | float):
        st.query_params.update({"lat": f"{center['lat']:.4f}", "lon": f"{center['lng']:.4f}",
                                "zoom": str(int(zoom))})


def _data_error(error: PostureDataError, lang: str) -> NoReturn:
    st.error(t("app.data_error", lang, error=plain(str(error))))
    st.stop()


def main() -> None:
    _vendor_assets()
    lang = language_picker()
    st.set_page_config(page_title=t("app.page_title", lang))
    wait_for_first_reading(lang)
    try:
        entries = _layers(str(data_dir()), store_version(), store_location())
    except PostureDataError as e:
        _data_error(e, lang)

    apply_link(entries, lang)
    found = place_search(lang)
    focus = (found.lat, found.lon, found.zoom) if found else st.session_state.get("link:view")
    as_of, stale_months = as_of_picker(lang)
    known_on = known_on_picker(lang)
    try:
        # Seconds the first time a large layer is drawn (or a known-on day first asked).
        with st.spinner(t("reading.drawing", lang)):
            bundle_url = _bundle_url(str(data_dir()), lang, known_on, store_version(),
                                     store_location())
    except PostureDataError as e:
        _data_error(e, lang)
    changed = changes_since(as_of, lang, known_on)
    basemap_id = _basemap_picker(lang)
    display = unit_display_picker(lang)
    filters = filters_panel(lang)
    enabled = _layer_toggles(entries, lang, known_on)
    events = events_panel(enabled, known_on, as_of, lang)
    user = signin_panel(lang)
    _, token = signed_in()
    editing = user is not None and user.may_write and token is not None
    if user is not None and not editing and st.session_state.get("edit:was_editor"):
        # The role was taken away while the page showed the editing controls: a save or
        # an import pressed now would vanish without a word.
        st.sidebar.warning(t("edit.role_taken", lang, role=t(f"auth.role.{user.role}", lang)))
    st.session_state["edit:was_editor"] = editing
    allow_uploads(editing)

    st.title(t("app.title", lang))
    st.caption(t("app.caption", lang))
    # Lets browser tests tell a full rerun from the map fragment's own.
    st.session_state["full_runs"] = st.session_state.get("full_runs", 0) + 1
    st.html(f"<span id='full-runs' hidden>{st.session_state['full_runs']}</span>")
    # What this process has read from the store so far: a write must cost the next run
    # its own claims, not a whole reading (tests/test_store_engine_browser.py).
    st.html(f"<span id='store-reads' hidden>{json.dumps(asdict(read_counts()))}</span>")
    if replica := os.environ.get("POSTURE_REPLICA"):  # which process served: make run-team
        st.html(f"<span id='replica' hidden>{html.escape(replica)}</span>")
    map_slot, table_slot = st.container(), st.container()
    # Under the map, not above it: nothing is added before the map's place in the page.
    with table_slot:
        window_notice(events, as_of, lang)
        undrawable_notice(known_on, lang)
    shown = shown_at(entries, as_of, filters, known_on)
    forces = filtered((p for e in enabled if not e.is_events for p in features_of(e, known_on)),
                      filters)
    rows = table_rows(forces, as_of, stale_months, lang)
    chosen = chosen_row(rows)
    if chosen is not None:
        focus = (chosen.lat, chosen.lon, FOCUS_ZOOM)
    highlight = sources_panel(entries, shown, lang, known_on)
    force_levels_chart(lang, as_of, known_on)
    view = View(layer_ids=tuple(e.id for e in enabled), as_of=as_of, lang=lang,
                stale_months=stale_months, display=display, filters=filters, known_on=known_on,
                events=events)
    marks = {"posture-highlight": tuple(highlight), "posture-changed": changed,
             "posture-stale": tuple(stale_at(features_at(posture_features(known_on), as_of), as_of,
                                              stale_months))}
    with map_slot:
        _map_and_export(view, basemap_id, bundle_url, shown, marks, focus, found, chosen,
                        editing, events)
    # After the map, and once it is drawn: see map_drawn.
    if st.session_state.get(MAP_DRAWN_KEY):
        with table_slot:
            changes_panel(enabled, as_of, filters, known_on, lang,
                          st.session_state.get("since") if st.session_state.get("compare")
                          else None)
            posture_table(forces, rows, lang, display)
            retracted_panel(lang, known_on)
            if editing:
                import_section(token, {e.id: e.title(lang) for e in entries}, lang)  # type: ignore[arg-type]
                from ui.editor_panel import editor_panel

                editor_panel(user, token, entries,  # type: ignore[arg-type]
                             {p.record.id: p for p in placed_features(None)},
                             {u.feature_id: u.feature for u in undrawable(None) if u.feature},
                             chosen.feature_id if chosen else None, lang)
    basemap = t("basemap.attribution", lang)
    if BASEMAPS[basemap_id].online:
        basemap += "; " + t("app.tiles", lang, title=t(f"basemap.{basemap_id}", lang))
    st.caption(t("app.attribution", lang, basemap=basemap))
    with st.sidebar:
        st.header(t("legend.header", lang))
        st.html(legend_html([e for e in enabled if not e.is_events], lang, stale_months,
                            display, known_on))
        if events is not None:
            st.html(events_legend(enabled, events, known_on, lang))
    # The legend and the table drew symbols too: keep them for the next start.
    symbol_cache.save()


with one_version():
    main()

"""The embedded vector basemap: country and governorate outlines and country names."""

from __future__ import annotations

from functools import cache

import folium
from shapely.geometry import mapping

from geo.basemap import countries, governorates
from layers.escape import escape_map_text as esc
from layers.prerender import prerender_children
from layers.symbology import COUNTRY_EDGE, FOCUS_LAND, GOVERNORATE_EDGE, OTHER_LAND

__all__ = ["FOCUS_COUNTRIES", "OUTLINE_ONLY_CSS", "vector_basemap_script"]

# Countries the dashboard is about are drawn lighter than their neighbours.
FOCUS_COUNTRIES = {"IQ", "SY"}


def _draw(group: folium.FeatureGroup, lang: str) -> None:
    def country_style(feature: dict) -> dict[str, object]:
        focus = feature["properties"]["iso_a2"] in FOCUS_COUNTRIES
        return {"color": COUNTRY_EDGE, "weight": 1.2,
                "fillColor": FOCUS_LAND if focus else OTHER_LAND, "fillOpacity": 1.0}

    frame = countries()
    folium.GeoJson(
        {"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"iso_a2": row.iso_a2},
             "geometry": mapping(row.geometry)} for row in frame.itertuples()]},
        style_function=country_style, interactive=False, className="basemap-country",
    ).add_to(group)
    folium.GeoJson(
        {"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {}, "geometry": mapping(g)}
            for g in governorates().geometry]},
        style_function=lambda _f: {"color": GOVERNORATE_EDGE, "weight": 0.7, "fill": False},
        interactive=False, className="basemap-governorate",
    ).add_to(group)
    for row in frame.itertuples():
        point = row.geometry.representative_point()
        name = row.name_ar if lang == "ar" else row.name_en
        folium.Marker(
            (point.y, point.x), interactive=False,
            icon=folium.DivIcon(html=f"<span>{esc(name)}</span>", icon_size=(160, 18),
                                icon_anchor=(80, 9), class_name="country-label"),
        ).add_to(group)


# Over online tiles only the outlines should show; CSS beats SVG presentation
# attributes, so one prerendered basemap serves both cases.
OUTLINE_ONLY_CSS = ".basemap-country { fill-opacity: 0 !important; }"


@cache
def vector_basemap_script(lang: str = "en") -> str:
    """Leaflet JS drawing the basemap, country names in `lang`."""
    group = folium.FeatureGroup(control=False)
    _draw(group, lang)
    return prerender_children(group, "basemap")

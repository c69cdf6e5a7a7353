"""The base map: view, offline assets and the embedded vector basemap.

It is built once per basemap choice and never changes when layers are toggled,
so the map iframe is never remounted for a toggle.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import folium
import xyzservices.providers as xyz
from branca.element import MacroElement
from jinja2 import Template

from geo.checks import MAX_ZOOM, MIN_ZOOM
from i18n import t
from layers.assets import local_css, local_js
from layers.basemap_vector import OUTLINE_ONLY_CSS
from layers.builder import point_pane
from layers.event_layer import EventCanvas
from layers.labels import LabelPlacement
from layers.prerender import BundledScript
from layers.template_cache import install as install_template_cache

__all__ = ["BASEMAPS", "DEFAULT_BASEMAP", "DEFAULT_CENTER", "DEFAULT_ZOOM", "MAP_CSS", "Basemap",
           "NoImageDefaultIcon", "build_base_map"]

DEFAULT_CENTER = (34.6, 40.6)  # lat, lon: the border between Nineveh and the tripoint
DEFAULT_ZOOM = 6
NATURAL_EARTH_ATTRIBUTION = "Basemap: Natural Earth 1:10m (public domain)"
MAP_CSS = (Path(__file__).with_name("map_style.css")).read_text(encoding="utf-8")


# Every map the app and the exports make starts here: from now on, branca compiles each
# rendered text once, not on every rerun (layers/template_cache.py).
install_template_cache()


@dataclass(frozen=True)
class Basemap:
    id: str
    title: str
    online: bool
    tiles_url: str | None = None
    attribution: str | None = None


def _online(basemap_id: str, title: str, provider: xyz.TileProvider) -> Basemap:
    return Basemap(basemap_id, title, True, provider.build_url(), provider.html_attribution)


BASEMAPS: dict[str, Basemap] = {b.id: b for b in (
    Basemap("vector", "Embedded vector (offline)", False),
    _online("osm", "OpenStreetMap (online)", xyz.OpenStreetMap.Mapnik),
    _online("esri-imagery", "Esri World Imagery (online)", xyz.Esri.WorldImagery),
    _online("opentopomap", "OpenTopoMap (online)", xyz.OpenTopoMap),
)}
DEFAULT_BASEMAP = "vector"


class NoImageDefaultIcon(MacroElement):
    """Make Leaflet's default marker icon a bare div icon.

    folium creates each DivIcon marker with the default image icon first, which
    would request marker images (404s in the app, missing files in an HTML
    export). With a div icon as the default, no image is ever requested.
    """

    _template = Template("{% macro script(this, kwargs) %}"
                         "L.Marker.prototype.options.icon = L.divIcon({className: ''});"
                         "{% endmacro %}")

    def __init__(self) -> None:
        super().__init__()
        self._name = "NoImageDefaultIcon"


class ZoomButtonTitles(MacroElement):
    """Leaflet's zoom buttons titled in the page's language (Leaflet words them in English)."""

    _template = Template("""{% macro script(this, kwargs) %}
(function (control) {
  if (!control) return;
  [[control._zoomInButton, {{ this.zoom_in|tojson }}],
   [control._zoomOutButton, {{ this.zoom_out|tojson }}]].forEach(function (pair) {
    pair[0].title = pair[1];
    pair[0].setAttribute('aria-label', pair[1]);
  });
})({{ this._parent.get_name() }}.zoomControl);
{% endmacro %}""")

    def __init__(self, lang: str) -> None:
        super().__init__()
        self._name = "ZoomButtonTitles"
        self.zoom_in, self.zoom_out = t("map.zoom_in", lang), t("map.zoom_out", lang)


def build_base_map(bundle_url: str, basemap_id: str = DEFAULT_BASEMAP,
                   lang: str = "en") -> folium.Map:
    """A map with the chosen basemap and no layers; layers are added separately.

    `bundle_url` is where layers/bundle.py wrote the prerendered scripts.
    """
    basemap = BASEMAPS[basemap_id]
    m = folium.Map(location=DEFAULT_CENTER, zoom_start=DEFAULT_ZOOM, tiles=None,
                   control_scale=True, min_zoom=MIN_ZOOM, max_zoom=MAX_ZOOM)
    m.default_js = [*local_js(), ("posture_bundle", bundle_url)]
    m.default_css = local_css()
    m.get_root().header.add_child(folium.Element(f"<style>{MAP_CSS}</style>"))
    NoImageDefaultIcon().add_to(m)
    ZoomButtonTitles(lang).add_to(m)
    LabelPlacement(lang).add_to(m)
    EventCanvas().add_to(m)
    point_pane().add_to(m)
    if basemap.online:
        folium.TileLayer(basemap.tiles_url, attr=basemap.attribution, name=basemap.title,
                         control=False).add_to(m)
        m.get_root().header.add_child(folium.Element(f"<style>{OUTLINE_ONLY_CSS}</style>"))
    BundledScript("basemaps", "vector").add_to(m)
    return m

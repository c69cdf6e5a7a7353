"""A single standalone HTML file of the current view that works offline.

Leaflet, the styles and the prerendered layer bundle are inlined, so the file
opens from disk with no server and no network. Layer toggles (the map's layer
control), hover cards, popups, the legend and the source list keep working.
"""

from __future__ import annotations

from pathlib import Path

import folium
import xstatic.pkg.leaflet as xleaflet

from exports.furniture import sources_in_view
from exports.view import View, features_in_view
from geo.actors import viewpoint_title
from geo.filters import describe
from geo.timeline import stale_at
from i18n import direction, t
from layers.basemap import MAP_CSS, NoImageDefaultIcon
from layers.builder import POINTS_URL, point_pane
from layers.bundle import bundle_source
from layers.catalogue import catalogue, shown_at
from layers.escape import escape_map_text as esc
from layers.event_layer import EventCanvas, EventWindowState
from layers.event_legend import events_legend
from layers.labels import LabelPlacement
from layers.legend import legend_html
from layers.point_canvas import inline_canvas_points_url, on_canvas
from layers.prerender import BundledScript
from layers.toggle_sync import HighlightFeatures
from store.features import placed_features

__all__ = ["build_html", "write_html"]

_PANEL_CSS = """
.posture-panel { position: absolute; z-index: 1000; right: 10px; bottom: 24px; width: 300px;
  max-height: 45%; overflow: auto; background: rgba(255,255,255,0.94); padding: 8px 10px;
  font: 11px "DejaVu Sans", Arial, sans-serif; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0,0,0,0.3); }
.posture-panel h2 { font-size: 13px; margin: 0 0 4px 0; }
.posture-panel ul { margin: 2px 0 6px 0; padding-left: 16px; }
"""


def _inline_script(source: str) -> str:
    # Inside <script>, only "</" can end the element early; "<\\/" means the same in JS.
    return "<script>" + source.replace("</", "<\\/") + "</script>"


def build_html(view: View) -> str:
    entries = catalogue()
    shown = {e.id for e in view.layers()}
    west, south, east, north = view.bbox
    m = folium.Map(location=((south + north) / 2, (west + east) / 2), zoom_start=6, tiles=None,
                   control_scale=True)
    m.default_js, m.default_css = [], []
    leaflet = Path(xleaflet.BASE_DIR)
    header = m.get_root().header
    header.add_child(folium.Element(
        f"<style>{(leaflet / 'leaflet.css').read_text(encoding='utf-8')}</style>"))
    header.add_child(folium.Element(f"<style>{MAP_CSS}{_PANEL_CSS}</style>"))
    header.add_child(folium.Element(_inline_script(
        (leaflet / "leaflet.js").read_text(encoding="utf-8"))))
    header.add_child(folium.Element(_inline_script(
        bundle_source(entries, view.lang, view.known_on, inline_events=view.event_window()))))
    header.add_child(folium.Element(f"<title>{esc(view.heading)}</title>"))
    NoImageDefaultIcon().add_to(m)
    LabelPlacement(view.lang).add_to(m)
    EventCanvas().add_to(m)
    EventWindowState(view.event_window()).add_to(m)
    point_pane().add_to(m)
    BundledScript("basemaps", "vector").add_to(m)
    shown_ids = shown_at(entries, view.as_of, view.filters, view.known_on)
    for entry in sorted(entries, key=lambda e: e.z_order):
        group = folium.FeatureGroup(name=esc(entry.title(view.lang)), show=entry.id in shown)
        display = view.display.as_json()
        if on_canvas(entry, view.known_on):
            display[POINTS_URL] = inline_canvas_points_url(entry, view.lang, view.known_on,
                                                           view.as_of, view.filters)
        BundledScript("layers", entry.id, shown_ids[entry.id], display).add_to(group)
        group.add_to(m)
    features = features_in_view(view)
    # After the layers, so their elements exist when the marks are set.
    HighlightFeatures(stale_at(features, view.as_of, view.stale_months),
                      "posture-stale").add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    m.fit_bounds([[south, west], [north, east]])
    lang = view.lang
    sources = "".join(f"<li>{esc(s)}</li>" for s in sources_in_view(features, lang))
    as_of = view.as_of.isoformat() if view.as_of else t("furniture.latest", lang)
    legend = legend_html([e for e in entries if e.id in shown and not e.is_events], lang,
                         view.stale_months, view.display, view.known_on)
    legend += events_legend([e for e in entries if e.id in shown], view.event_window(),
                            view.known_on, lang)
    seen_from = t("html.viewpoint", lang,
                  viewpoint=viewpoint_title(view.display.viewpoint, lang))
    viewpoint = f"<div class='viewpoint'>{esc(seen_from)}</div>" if view.display.units else ""
    if view.filters.active:
        left_out = describe(view.filters, lang, placed_features(view.known_on))
        viewpoint += f"<div class='filters'>{esc(left_out)}</div>"
    m.get_root().html.add_child(folium.Element(
        f"<div class='posture-panel' dir='{direction(lang)}' lang='{lang}'>"
        f"<h2>{esc(view.heading)}</h2>"
        f"<div>{esc(t('html.as_of', lang, as_of=as_of, known_on=view.known_on_text))}</div>"
        f"{viewpoint}"
        f"{legend}<b>{esc(t('furniture.sources', lang))}</b><ul class='sources'>{sources}</ul>"
        f"<div>{esc(t('basemap.attribution', lang))}</div></div>"))
    return m.get_root().render()


def write_html(view: View, path: Path) -> None:
    path.write_text(build_html(view), encoding="utf-8")

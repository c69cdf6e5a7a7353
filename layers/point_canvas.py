"""A layer of more claims than the map draws mark by mark (MAX_DRAWN_FEATURES), and not of
events: drawn through the events' canvas (layers/event_layer.js) instead of skipped,
as hexagon counts below a zoom and a dot per point above, each with its card.

Its points are those shown at the page's as-of date through its filters, as any layer's
are (geo/timeline.py: features_at), written as one content-hashed column file per view;
the layer's function in the bundle reads that file's URL from its call (`points_url`),
so the bundle itself stays one per language and known-on day. Lines and areas of such a
layer are not drawn; the sidebar says how many.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from geo.filters import Filters
from geo.timeline import features_at
from layers.assets import GENERATED_DIR, GENERATED_URL
from layers.builder import POINTS_URL
from layers.built_files import layer_key, remembered_files
from layers.catalogue import LayerEntry, features_of, too_many_to_draw
from layers.event_data import EventColumns, inline_event_url, point_columns, written_event_files
from layers.event_layer import DENSITY_BELOW_ZOOM
from layers.script_json import script_json
from store.features import layer_content, layer_version

__all__ = ["POINTS_URL", "canvas_call", "canvas_points", "canvas_points_url",
           "inline_canvas_points_url", "on_canvas", "undrawn_shapes"]

def on_canvas(entry: LayerEntry, known_on: dt.date | None = None) -> bool:
    """The layer is drawn on the canvas: not events, and too many claims to draw one by
    one."""
    return not entry.is_events and too_many_to_draw(len(features_of(entry, known_on)))


def canvas_call(entry: LayerEntry) -> str:
    """The bundle's function body for a canvas layer: the canvas, on the file its call
    names, every point in the layer's colour."""
    config = {"layer": entry.id, "palette": [entry.color],
              "density_below_zoom": DENSITY_BELOW_ZOOM}
    return (f"var config = {script_json(config)};\n"
            f"config.url = (display || {{}}).{POINTS_URL};\n"
            "return window.postureEvents.layer(parent, map, config);")


def canvas_points(entry: LayerEntry, lang: str, known_on: dt.date | None,
                  as_of: dt.date | None, filters: Filters | None = None) -> EventColumns:
    """The layer's points shown at `as_of` (None: all) through `filters`."""
    return _points(entry, lang, known_on, as_of, filters or Filters(),
                   layer_version(entry.id, known_on))


@lru_cache(maxsize=8)
def _points(entry: LayerEntry, lang: str, known_on: dt.date | None, as_of: dt.date | None,
            filters: Filters, version: str) -> EventColumns:
    # `version` only keys the cache: a write to the layer makes its points anew.
    shown = [p for p in features_at(features_of(entry, known_on), as_of)
             if filters.keeps(p.record)]
    return point_columns(shown, lang)


def canvas_points_url(entry: LayerEntry, lang: str, known_on: dt.date | None,
                      as_of: dt.date | None, filters: Filters | None = None) -> str:
    """The URL of the layer's column file for this view, written if need be."""
    return _url(entry, lang, known_on, as_of, filters or Filters(),
                layer_version(entry.id, known_on))


@lru_cache(maxsize=16)
def _url(entry: LayerEntry, lang: str, known_on: dt.date | None, as_of: dt.date | None,
         filters: Filters, version: str) -> str:
    # Once per view and version: the map's fragment reruns on every pan. Across starts,
    # remembered by the view and the layer's history (`version` is a lasting one).
    def build() -> tuple[str, list[str]]:
        return written_event_files(_points(entry, lang, known_on, as_of, filters, version),
                                   entry.id, lang, GENERATED_DIR, GENERATED_URL)

    key = layer_key("canvas points", entry, features_of(entry, known_on),
                    layer_content(entry.id, known_on), lang, known_on, as_of, filters)
    return remembered_files(key, GENERATED_DIR, build)


def inline_canvas_points_url(entry: LayerEntry, lang: str, known_on: dt.date | None,
                             as_of: dt.date | None, filters: Filters | None = None) -> str:
    """The same as a data: URL, for the HTML export (no server to fetch from)."""
    return inline_event_url(canvas_points(entry, lang, known_on, as_of, filters), lang)


def undrawn_shapes(entry: LayerEntry, known_on: dt.date | None = None) -> int:
    """How many of a canvas layer's claims are lines or areas, which it does not draw."""
    return _undrawn(entry, known_on, layer_version(entry.id, known_on))


@lru_cache(maxsize=16)
def _undrawn(entry: LayerEntry, known_on: dt.date | None, version: str) -> int:
    # Once per layer version, not on every rerun of the sidebar (50,000 geometries).
    return sum(1 for p in features_of(entry, known_on)
               if p.geometry.geom_type != "Point" and not p.geometry.is_empty)

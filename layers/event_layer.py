"""Event layers on the live map: the canvas script, each layer's bundle function, and
the window and filters the page sends on every rerun (issue 13)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from branca.element import MacroElement
from jinja2 import Template

from layers.assets import GENERATED_DIR, GENERATED_URL
from layers.built_files import layer_key, remembered_files
from layers.catalogue import LayerEntry, features_of
from layers.content_cache import ContentCache
from layers.event_data import (
    EPOCH,
    EventColumns,
    event_columns,
    inline_event_url,
    subset,
    written_event_files,
)
from layers.script_json import script_json
from store.features import layer_content

__all__ = [
    "DEFAULT_WINDOW_DAYS",
    "DENSITY_BELOW_ZOOM",
    "EVENT_LAYER_JS",
    "MAX_WINDOW_DAYS",
    "TYPE_PALETTE",
    "EventCanvas",
    "EventWindow",
    "EventWindowState",
    "event_layer_inline_script",
    "event_layer_script",
    "type_colour",
]

EVENT_LAYER_JS = Path(__file__).with_name("event_layer.js").read_text(encoding="utf-8")
DEFAULT_WINDOW_DAYS = 30
MAX_WINDOW_DAYS = 3650
# Below this zoom the canvas draws hexagons with counts; from it, one dot per event.
DENSITY_BELOW_ZOOM = 8
# Colours by event type, in the order of the types' names (ColorBrewer, print-safe).
TYPE_PALETTE = ("#d7301f", "#2b8cbe", "#ff7f00", "#6a51a3", "#1a9850", "#e7298a",
                "#8c6d31", "#525252")


def type_colour(index: int) -> str:
    """The colour of the `index`-th type in name order (as event_data codes them)."""
    return TYPE_PALETTE[index % len(TYPE_PALETTE)]


_COLUMNS: ContentCache[EventColumns] = ContentCache(4)


def _columns(entry: LayerEntry, lang: str, known_on: dt.date | None) -> EventColumns:
    """The layer's columns as known on `known_on`, kept by the claims the layer stands on:
    another day whose layer holds the same claims gets them without a build, and a claim
    recorded in another layer keeps them."""
    return _COLUMNS.get((entry, lang, layer_content(entry.id, known_on)),
                        lambda: event_columns(features_of(entry, known_on), lang))


# tests/conftest.py's clear_data_caches forgets what has a cache_clear.
_columns.cache_clear = _COLUMNS.cache_clear  # type: ignore[attr-defined]


def _call(entry: LayerEntry, url: str) -> str:
    config = {"layer": entry.id, "url": url, "palette": TYPE_PALETTE,
              "density_below_zoom": DENSITY_BELOW_ZOOM}
    return f"return window.postureEvents.layer(parent, map, {script_json(config)});"


@lru_cache(maxsize=16)
def event_layer_script(entry: LayerEntry, lang: str, known_on: dt.date | None,
                       layer_version: str = "") -> str:
    """The bundle's function body for an event layer: its columns written once to a
    content-hashed static file, which the canvas layer fetches."""
    def build() -> tuple[str, list[str]]:
        events = _columns(entry, lang, known_on)
        return written_event_files(events, entry.id, lang, GENERATED_DIR, GENERATED_URL)

    # Across starts and known-on days: the columns follow from the claims the layer
    # stands on, whichever day selected them.
    key = layer_key("event layer", entry, features_of(entry, known_on),
                    layer_content(entry.id, known_on), lang)
    return _call(entry, remembered_files(key, GENERATED_DIR, build))


def event_layer_inline_script(entry: LayerEntry, lang: str, known_on: dt.date | None,
                              window: EventWindow, layer_version: str = "") -> str:
    """The same for a file that opens from disk: the window's events (through its type
    and actor filters) inline, cards and all."""
    events = _columns(entry, lang, known_on)
    columns = events.columns
    keep = ((columns["day"] >= (window.start - EPOCH).days)
            & (columns["day"] <= (window.to - EPOCH).days))
    if window.types is not None:
        keep &= np.isin(np.array(events.types, dtype=object)[columns["type"]],
                        list(window.types))
    if window.actors is not None:
        actors = np.array(events.actors, dtype=object)
        keep &= (np.isin(actors[columns["actor1"]], list(window.actors))
                 | np.isin(actors[columns["actor2"]], list(window.actors)))
    return _call(entry, inline_event_url(subset(events, keep), lang))


class EventCanvas(MacroElement):
    """Defines window.postureEvents in the map's page, once (layers/event_layer.js)."""

    _template = Template("{% macro script(this, kwargs) %}{{ this.source }}{% endmacro %}")

    def __init__(self) -> None:
        super().__init__()
        self._name = "EventCanvas"
        self.source = EVENT_LAYER_JS


@dataclass(frozen=True)
class EventWindow:
    """The events shown: `days` days ending on `to`, of these types and actors (None:
    all). Kept in the URL; the exports take the same."""

    to: dt.date
    days: int = DEFAULT_WINDOW_DAYS
    types: tuple[str, ...] | None = None
    actors: tuple[str, ...] | None = None
    commit_label: str | None = field(default=None, compare=False)

    @property
    def start(self) -> dt.date:
        return self.to - dt.timedelta(days=self.days - 1)

    def keeps(self, day: dt.date, event_type: str, actors: tuple[str | None, ...]) -> bool:
        return (self.start <= day <= self.to
                and (self.types is None or event_type in self.types)
                and (self.actors is None or any(a in self.actors for a in actors if a)))


class EventWindowState(MacroElement):
    """Sends the page's window and filters to the event layers, on every rerun: a few
    hundred bytes, never the events again."""

    _template = Template("""{% macro script(this, kwargs) %}
if (window.postureEvents) { window.postureEvents.setFilter({{ this.window_json }},
                                                           {{ this.label_json }}); }
{% endmacro %}""")

    def __init__(self, window: EventWindow) -> None:
        super().__init__()
        self._name = "EventWindowState"
        self.window_json = script_json({
            "to": window.to.isoformat(), "days": window.days,
            "types": list(window.types) if window.types is not None else None,
            "actors": list(window.actors) if window.actors is not None else None})
        self.label_json = script_json(window.commit_label)

"""All layer scripts in one static JS file, loaded once by the map iframe.

Streamlit sends a component's arguments again on every rerun. If each toggled
layer travelled as its full Leaflet script, every toggle would re-send and
re-parse ~250 KB. Instead each layer's script is written once into a file
served from /app/static as a function; a toggle only sends the line that
calls it. The file name carries a hash of its content, so a data change is
never hidden by a cached copy.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import threading
import time
from collections.abc import Iterable
from pathlib import Path

from layers import symbol_cache
from layers.assets import GENERATED_DIR, GENERATED_URL
from layers.basemap_vector import vector_basemap_script
from layers.builder import layer_script
from layers.catalogue import LayerEntry
from layers.event_layer import EventWindow, event_layer_inline_script, event_layer_script
from layers.point_canvas import canvas_call, on_canvas
from layers.prerender import BUNDLE_GLOBAL
from store.features import layer_version

__all__ = ["bundle_source", "write_bundle"]

STALE_AFTER_S = 24 * 3600
_BUILDING = threading.Lock()


def bundle_source(entries: Iterable[LayerEntry], lang: str = "en",
                  known_on: dt.date | None = None,
                  inline_events: EventWindow | None = None) -> str:
    """JS defining window.postureBundle.{layers,basemaps}[id] = function (parent, map, shown,
    display), every text in `lang`. One bundle per language: a page loads only its own.
    `inline_events`: event layers carry that window's events inline (the HTML export),
    not the URL of their static file."""
    def functions(scripts: dict[str, str]) -> str:
        return ",\n".join(f"{json.dumps(key)}: function (parent, map, shown, display) "
                           f"{{\n{js}\n}}"
                          for key, js in scripts.items())

    def script(entry: LayerEntry) -> str:
        version = layer_version(entry.id, known_on)
        if on_canvas(entry, known_on):
            return canvas_call(entry)
        if not entry.is_events:
            return layer_script(entry, lang, known_on, version)
        if inline_events is not None:
            return event_layer_inline_script(entry, lang, known_on, inline_events, version)
        return event_layer_script(entry, lang, known_on, version)

    layers = {entry.id: script(entry) for entry in entries}
    basemaps = {"vector": vector_basemap_script(lang)}
    return (f"window.{BUNDLE_GLOBAL} = {{\nlayers: {{\n{functions(layers)}\n}},\n"
            f"basemaps: {{\n{functions(basemaps)}\n}}\n}};\n")


def write_bundle(entries: Iterable[LayerEntry], lang: str = "en",
                 known_on: dt.date | None = None, target_dir: Path = GENERATED_DIR,
                 base_url: str = GENERATED_URL) -> str:
    """Write the bundle under a content-hashed name; returns the URL to load it from."""
    with _BUILDING:  # the warm-up and the first page would each build it (one GIL)
        source = bundle_source(entries, lang, known_on)
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]
    # The bundle says which it is, so a map that loaded another can tell (CurrentBundle).
    source += f"window.{BUNDLE_GLOBAL}.digest = {json.dumps(digest)};\n"
    target_dir.mkdir(parents=True, exist_ok=True)
    path = target_dir / f"posture-{lang}-{digest}.js"
    if not path.is_file():
        # Per process and thread: the warm-up thread and the first page may write the
        # same bundle at once, and one's rename must not take the other's file.
        temporary = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        temporary.write_text(source, encoding="utf-8")
        temporary.replace(path)  # atomic: a second server never reads half a file
    _prune(target_dir, lang, keep=path)
    symbol_cache.save()  # the bundle drew every unit symbol: keep them for the next start
    return f"{base_url}/{path.name}"


def _prune(target_dir: Path, lang: str, keep: Path) -> None:
    # Bundles of older data are dead weight; a day's grace leaves any server
    # still running on them (another data folder, say) its file.
    cutoff = time.time() - STALE_AFTER_S
    for old in target_dir.glob(f"posture-{lang}-*.js"):
        if old != keep and old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    for old in target_dir.glob(f"events-*-{lang}-*"):  # a layer's columns and cards
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)

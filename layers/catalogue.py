"""The layer catalogue: declared in data/layers.json, validated once at load."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

from geo.basemap import countries
from geo.checks import check_identifier, check_text, shown
from geo.errors import SchemaError
from geo.features import PlacedFeature, governorate_labels
from geo.filters import Filters
from geo.gazetteer import places
from geo.paths import read_data_json
from geo.schema import FEATURES_FILE
from geo.timeline import features_at
from layers.unit_symbols import check_unit_codes
from store.features import (
    features_by_layer,
    placed_features,
    placed_in_layer,
    shared_store,
    store_version,
)
from store.location import store_location
from store.records import StoredLayer

__all__ = [
    "IMPORTS_GROUP",
    "LayerEntry",
    "LayerGroup",
    "catalogue",
    "check_data_folder",
    "declared_layers",
    "default_layer",
    "features_of",
    "groups",
    "layer",
    "shown_at",
]

_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
# Features a layer can add beyond those in features.json, derived from the basemap.
_GENERATORS = {"governorate_labels": governorate_labels}


@dataclass(frozen=True)
class LayerGroup:
    id: str
    title_en: str
    title_ar: str

    def title(self, lang: str) -> str:
        return self.title_ar if lang == "ar" else self.title_en


@dataclass(frozen=True)
class LayerEntry:
    id: str
    group: str
    title_en: str
    title_ar: str
    color: str
    default_on: bool
    z_order: int
    generated: tuple[str, ...] = ()
    # "events": its claims are events (geo/events.py), drawn on a canvas from compact
    # columns (layers/event_data.py); "features": each claim drawn as its own marks.
    kind: str = "features"

    def title(self, lang: str) -> str:
        return self.title_ar if lang == "ar" else self.title_en

    @property
    def is_events(self) -> bool:
        return self.kind == "events"


CATALOGUE_FILE = "layers.json"
MAX_TITLE_CHARS = 200


@cache
def _load() -> dict[str, object]:
    payload = read_data_json(CATALOGUE_FILE, "layer catalogue")
    if not isinstance(payload, dict) or not isinstance(payload.get("layers"), list) \
            or not isinstance(payload.get("groups"), list):
        raise SchemaError(f"{CATALOGUE_FILE}: expected an object with 'groups' and 'layers' "
                          "lists")
    return payload


def _titles(raw: dict[str, object], where: str) -> tuple[str, str]:
    return tuple(check_text(raw.get(key), where, key, max_chars=MAX_TITLE_CHARS)  # type: ignore[return-value]
                 for key in ("title_en", "title_ar"))


def _where(kind: str, raw: object, index: int) -> str:
    if not isinstance(raw, dict):
        raise SchemaError(f"{CATALOGUE_FILE}: {kind} #{index}: must be an object, "
                          f"got {shown(raw)}")
    return f"{CATALOGUE_FILE}: {kind} {shown(raw['id']) if 'id' in raw else f'#{index}'}"


@cache
def groups() -> tuple[LayerGroup, ...]:
    result: list[LayerGroup] = []
    for index, raw in enumerate(_load()["groups"]):  # type: ignore[arg-type]
        where = _where("layer group", raw, index)
        group = LayerGroup(check_identifier(raw.get("id"), where), *_titles(raw, where))
        if any(g.id == group.id for g in result):
            raise SchemaError(f"{where}: group id used twice")
        result.append(group)
    return tuple(result)


def _entry(raw: dict[str, object], where: str) -> LayerEntry:
    color, z_order = raw.get("color"), raw.get("z_order", 0)
    default_on, generated = raw.get("default_on", False), raw.get("generated", [])
    if not isinstance(color, str) or not _COLOR.match(color):
        raise SchemaError(f"{where}: field 'color' must look like #rrggbb, got {shown(color)}")
    if not isinstance(z_order, int) or isinstance(z_order, bool) or not -1000 <= z_order <= 1000:
        raise SchemaError(f"{where}: field 'z_order' must be a whole number from -1000 to "
                          f"1000, got {shown(z_order)}")
    if not isinstance(default_on, bool):
        raise SchemaError(f"{where}: field 'default_on' must be true or false, "
                          f"got {shown(default_on)}")
    if not isinstance(generated, list) or any(g not in _GENERATORS for g in generated):
        raise SchemaError(f"{where}: field 'generated' must be a list of "
                          f"{sorted(_GENERATORS)}, got {shown(generated)}")
    title_en, title_ar = _titles(raw, where)
    return LayerEntry(
        id=check_identifier(raw.get("id"), where),
        group=check_identifier(raw.get("group"), where, "group"),
        title_en=title_en, title_ar=title_ar, color=color,
        default_on=default_on, z_order=z_order, generated=tuple(generated),
    )


# Layers an import makes (`posture-import --layer ID`) join this group, drawn above the
# seed's areas and below its labels, each in the next of these colours, all on at start.
IMPORTS_GROUP = "imports"
IMPORTED_LAYER_COLORS = ("#8e44ad", "#117a65", "#b9770e", "#2e86c1", "#a93226", "#5d6d7e")
IMPORTED_Z_ORDER = 55


def default_layer(layer_id: str, made_before: int) -> StoredLayer:
    """A new layer's default style: titled by its id, the next colour in turn."""
    check_identifier(layer_id, "--layer", "layer")
    return StoredLayer(layer_id, layer_id, layer_id,
                       IMPORTED_LAYER_COLORS[made_before % len(IMPORTED_LAYER_COLORS)])


def catalogue() -> tuple[LayerEntry, ...]:
    """Every layer: data/layers.json's, then those imports made (as the store holds
    them now), checked: known group, colour, generators, unique ids, and features."""
    return _catalogue(store_location(), store_version())


@lru_cache(maxsize=8)
def _catalogue(location: str, version: str) -> tuple[LayerEntry, ...]:
    entries = list(declared_layers())
    declared = {e.id for e in entries}
    by_layer = features_by_layer()
    with_events = {layer for layer, features in by_layer.items()
                   if any(p.record.event is not None for p in features)}
    entries.extend(LayerEntry(id=stored.layer_id, group=IMPORTS_GROUP,
                              title_en=stored.title_en, title_ar=stored.title_ar,
                              color=stored.color, default_on=True, z_order=IMPORTED_Z_ORDER,
                              kind="events" if stored.layer_id in with_events else "features")
                   for stored in shared_store().layers() if stored.layer_id not in declared)
    layer_ids = {e.id for e in entries}
    for placed in placed_features() if by_layer.keys() - layer_ids else ():
        if placed.record.layer not in layer_ids:
            raise SchemaError(f"{FEATURES_FILE}: feature {placed.record.id!r}: field 'layer' "
                              f"is {placed.record.layer!r}, which {CATALOGUE_FILE} does not "
                              "declare")
    return tuple(entries)


@cache
def declared_layers() -> tuple[LayerEntry, ...]:
    """data/layers.json's layers, checked."""
    group_ids = {g.id for g in groups()}
    entries: list[LayerEntry] = []
    for index, raw in enumerate(_load()["layers"]):  # type: ignore[arg-type]
        where = _where("layer", raw, index)
        entry = _entry(raw, where)
        if entry.group not in group_ids:
            raise SchemaError(f"{where}: unknown group {entry.group!r}; "
                              f"known: {', '.join(sorted(group_ids))}")
        if any(e.id == entry.id for e in entries):
            raise SchemaError(f"{where}: layer id used twice")
        entries.append(entry)
    return tuple(entries)


def check_data_folder() -> tuple[LayerEntry, ...]:
    """Load and check every file of the data folder; returns the catalogue.

    The app and the command line call this first, so a broken file is named at
    start-up, not when a search or an export first reads it.
    """
    countries()
    places()
    entries = catalogue()
    check_unit_codes(p.record for p in placed_features())
    return entries


def layer(layer_id: str) -> LayerEntry:
    for entry in catalogue():
        if entry.id == layer_id:
            return entry
    raise KeyError(layer_id)


# Each feature's marks are rendered once into the layer bundle, about 4 ms apiece: a
# layer of more claims than this (and not of events) is drawn on the events' canvas
# instead (layers/point_canvas.py).
MAX_DRAWN_FEATURES = 2_000


def too_many_to_draw(count: int) -> bool:
    return count > MAX_DRAWN_FEATURES


def shown_at(entries: Iterable[LayerEntry], as_of: dt.date | None,
             filters: Filters | None = None, known_on: dt.date | None = None
             ) -> dict[str, list[str]]:
    """For each layer, the ids of the features it shows as of a date (None: all), as
    known on `known_on` (None: today), that pass the filters."""
    kept = filters or Filters()
    # An event layer draws its own window from its columns (layers/event_layer.js), and
    # a layer too large to draw mark by mark its own points (layers/point_canvas.py).
    shown: dict[str, list[str]] = {}
    for e in entries:
        features = features_of(e, known_on)
        shown[e.id] = [] if e.is_events or too_many_to_draw(len(features)) else [
            p.record.id for p in features_at(features, as_of) if kept.keeps(p.record)]
    return shown


def features_of(entry: LayerEntry, known_on: dt.date | None = None
                ) -> tuple[PlacedFeature, ...]:
    """The layer's features as known on `known_on` (None: today): its things' current
    claims in the store, then any generated ones (reference geography, always known)."""
    own = placed_in_layer(entry.id, known_on)
    generated = tuple(f for name in entry.generated for f in _GENERATORS[name]())
    return own + generated

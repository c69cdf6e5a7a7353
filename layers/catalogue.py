"""The layer catalogue: declared in data/layers.json, validated once at load."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from geo.errors import SchemaError
from geo.features import PlacedFeature, governorate_labels, placed_features
from geo.paths import read_data_json
from geo.timeline import features_at

__all__ = ["LayerEntry", "LayerGroup", "catalogue", "features_of", "groups", "layer", "shown_at"]

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

    def title(self, lang: str) -> str:
        return self.title_ar if lang == "ar" else self.title_en


def _load() -> dict[str, object]:
    path, payload = read_data_json("layers.json", "layer catalogue")
    if not isinstance(payload, dict) or not isinstance(payload.get("layers"), list) \
            or not isinstance(payload.get("groups"), list):
        raise SchemaError(f"{path}: expected an object with 'groups' and 'layers' lists")
    return payload


def _text(raw: dict[str, object], where: str, key: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise SchemaError(f"{where}: field {key!r} must be non-empty text, got {value!r}")
    return value


@cache
def groups() -> tuple[LayerGroup, ...]:
    result = []
    for index, raw in enumerate(_load()["groups"]):  # type: ignore[attr-defined]
        where = f"layer group #{index}"
        if not isinstance(raw, dict):
            raise SchemaError(f"{where}: must be an object")
        result.append(LayerGroup(*(_text(raw, where, k) for k in ("id", "title_en", "title_ar"))))
    return tuple(result)


@cache
def catalogue() -> tuple[LayerEntry, ...]:
    """Every layer, checked: known group, colour, generators, unique ids, and features."""
    group_ids = {g.id for g in groups()}
    entries: list[LayerEntry] = []
    for index, raw in enumerate(_load()["layers"]):  # type: ignore[attr-defined]
        if not isinstance(raw, dict):
            raise SchemaError(f"layer #{index}: must be an object")
        where = f"layer {raw.get('id', f'#{index}')!r}"
        entry = LayerEntry(
            id=_text(raw, where, "id"), group=_text(raw, where, "group"),
            title_en=_text(raw, where, "title_en"), title_ar=_text(raw, where, "title_ar"),
            color=_text(raw, where, "color"), default_on=raw.get("default_on") is True,
            z_order=raw.get("z_order", 0), generated=tuple(raw.get("generated", ())),
        )
        if entry.group not in group_ids:
            raise SchemaError(f"{where}: unknown group {entry.group!r}")
        if not _COLOR.match(entry.color):
            raise SchemaError(f"{where}: color must look like #rrggbb, got {entry.color!r}")
        if not isinstance(entry.z_order, int):
            raise SchemaError(f"{where}: z_order must be a whole number")
        unknown = [g for g in entry.generated if g not in _GENERATORS]
        if unknown:
            raise SchemaError(f"{where}: unknown generated features {unknown}; "
                              f"known: {sorted(_GENERATORS)}")
        if any(e.id == entry.id for e in entries):
            raise SchemaError(f"{where}: layer id used twice")
        entries.append(entry)
    layer_ids = {e.id for e in entries}
    for placed in placed_features():
        if placed.record.layer not in layer_ids:
            raise SchemaError(f"feature {placed.record.id!r}: unknown layer "
                              f"{placed.record.layer!r}")
    return tuple(entries)


def layer(layer_id: str) -> LayerEntry:
    for entry in catalogue():
        if entry.id == layer_id:
            return entry
    raise KeyError(layer_id)


def shown_at(entries: Iterable[LayerEntry], as_of: dt.date | None
             ) -> dict[str, list[str]]:
    """For each layer, the ids of the features it shows as of a date (None: all)."""
    return {e.id: [p.record.id for p in features_at(features_of(e), as_of)] for e in entries}


def features_of(entry: LayerEntry) -> tuple[PlacedFeature, ...]:
    """The layer's features: its rows of features.json, then any generated ones."""
    own = tuple(p for p in placed_features() if p.record.layer == entry.id)
    generated = tuple(f for name in entry.generated for f in _GENERATORS[name]())
    return own + generated

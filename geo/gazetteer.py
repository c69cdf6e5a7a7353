"""Offline place search: any usual spelling, English or Arabic, finds the place."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

from geo.basemap import governorates
from geo.checks import (
    MAX_ZOOM,
    MIN_ZOOM,
    check_identifier,
    check_latitude,
    check_longitude,
    check_text,
    shown,
)
from geo.errors import SchemaError
from geo.paths import read_data_json

__all__ = ["PLACES_FILE", "Place", "normalise", "places", "search"]

PLACES_FILE = "places.json"
MAX_NAME_CHARS = 200

# Arabic letters that are written several ways for the same sound.
_ARABIC_VARIANTS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه",
                                  "ـ": None})
_ARTICLE = re.compile(r"^(al|el|ال)")


@dataclass(frozen=True)
class Place:
    id: str
    name_en: str
    name_ar: str
    lon: float
    lat: float
    zoom: int
    aliases: tuple[str, ...] = ()

    def spellings(self) -> tuple[str, ...]:
        return (self.name_en, self.name_ar, *self.aliases)


def normalise(text: str) -> str:
    """Lower case, no accents or Arabic diacritics, one alef, no article, no punctuation."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_ARABIC_VARIANTS))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = re.findall(r"\w+", bare)
    return "".join(_ARTICLE.sub("", w) or w for w in words)


def _place(raw: Any, index: int) -> Place:
    if not isinstance(raw, dict):
        raise SchemaError(f"{PLACES_FILE}: place #{index}: must be an object, got {shown(raw)}")
    where = f"{PLACES_FILE}: place {shown(raw['id']) if 'id' in raw else f'#{index}'}"
    for key in ("id", "name_en", "name_ar", "lon", "lat", "zoom"):
        if key not in raw:
            raise SchemaError(f"{where}: missing field {key!r}")
    zoom = raw["zoom"]
    if not isinstance(zoom, int) or isinstance(zoom, bool) or not MIN_ZOOM <= zoom <= MAX_ZOOM:
        raise SchemaError(f"{where}: field 'zoom' must be a whole number from {MIN_ZOOM} to "
                          f"{MAX_ZOOM}, got {shown(zoom)}")
    aliases = raw.get("aliases", [])
    if not isinstance(aliases, list):
        raise SchemaError(f"{where}: field 'aliases' must be a list of text, got "
                          f"{shown(aliases)}")
    return Place(
        id=check_identifier(raw["id"], where),
        name_en=check_text(raw["name_en"], where, "name_en", max_chars=MAX_NAME_CHARS),
        name_ar=check_text(raw["name_ar"], where, "name_ar", max_chars=MAX_NAME_CHARS),
        lon=check_longitude(raw["lon"], where, "lon"),
        lat=check_latitude(raw["lat"], where, "lat"),
        zoom=zoom,
        aliases=tuple(check_text(a, where, f"aliases[{i}]", max_chars=MAX_NAME_CHARS)
                      for i, a in enumerate(aliases)),
    )


@cache
def places() -> tuple[Place, ...]:
    """The gazetteer, checked: every place's names, position and zoom, and unique ids."""
    payload = read_data_json(PLACES_FILE, "gazetteer")
    raw_places = payload.get("places") if isinstance(payload, dict) else None
    if not isinstance(raw_places, list):
        raise SchemaError(f"{PLACES_FILE}: expected an object with a 'places' list")
    listed = [_place(raw, index) for index, raw in enumerate(raw_places)]
    ids = [p.id for p in listed]
    for place_id in ids:
        if ids.count(place_id) > 1:
            raise SchemaError(f"{PLACES_FILE}: place id {place_id!r} is used twice")
    for row in governorates().itertuples():
        point = row.geometry.representative_point()
        listed.append(Place(f"governorate-{row.iso_3166_2}", row.name_en, row.name_ar,
                            point.x, point.y, 8, (row.iso_3166_2,)))
    return tuple(listed)


def search(query: str, limit: int = 5) -> list[Place]:
    """Places whose spelling matches: whole name first, then beginnings, then parts."""
    wanted = normalise(query)
    if not wanted:
        return []
    ranked: list[tuple[int, int, Place]] = []
    for order, place in enumerate(places()):
        keys = [normalise(s) for s in place.spellings()]
        if wanted in keys:
            rank = 0
        elif any(k.startswith(wanted) for k in keys):
            rank = 1
        elif len(wanted) >= 3 and any(wanted in k for k in keys):
            rank = 2
        else:
            continue
        ranked.append((rank, order, place))
    return [place for _, _, place in sorted(ranked)[:limit]]

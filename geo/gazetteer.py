"""Offline place search: any usual spelling, English or Arabic, finds the place."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from geo.basemap import governorates
from geo.errors import SchemaError
from geo.paths import read_data_json

__all__ = ["Place", "normalise", "places", "search"]

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


@cache
def places() -> tuple[Place, ...]:
    path, payload = read_data_json("places.json", "gazetteer")
    try:
        listed = [Place(p["id"], p["name_en"], p["name_ar"], float(p["lon"]), float(p["lat"]),
                        int(p["zoom"]), tuple(p.get("aliases", ())))
                  for p in payload["places"]]
    except (KeyError, TypeError, ValueError) as e:
        raise SchemaError(f"{path}: each place needs id, name_en, name_ar, lon, lat and zoom: "
                          f"{e}") from e
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

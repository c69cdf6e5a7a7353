"""The key of a file that has none: each row's name and place, hashed.

Placemarks drawn in Google Earth, and most hand-made tables, name no id. Keyed by what
the row says of itself, the same file imported again adds nothing, and a placemark whose
description or figure changed supersedes its claim; one moved or renamed is a new thing.
"""

from __future__ import annotations

import hashlib

import shapely

from imports.columns import ColumnMap
from imports.row_values import text_value
from imports.table import FileTable

__all__ = ["PLACE_KEY", "add_place_key"]

# The column added to the table, named as the report names the key.
PLACE_KEY = "name+place"
_SEPARATOR = "\x1f"  # the ASCII unit separator: in no name and no coordinate


def _name_columns(columns: ColumnMap) -> list[str]:
    return [column for column in (columns.fixed.get("name_en"), columns.fixed.get("name_ar"),
                                  columns.either.get(("name_en", "name_ar")))
            if column is not None]


def _place_columns(columns: ColumnMap) -> list[str]:
    return [columns.fixed[field] for field in ("wkt", "lon", "lat", "geometry_ref")
            if field in columns.fixed]


def add_place_key(table: FileTable, columns: ColumnMap) -> str:
    """Add the PLACE_KEY column to `table` (20 hex digits a row) and return its name."""
    names = _name_columns(columns)
    places = _place_columns(columns)
    geometries = table.geometries
    keys = []
    for index, row in enumerate(table.frame[names + places].itertuples(index=False)):
        said = [text_value(value) or "" for value in row]
        if geometries is not None and geometries[index] is not None:
            # Seven decimals of a degree: about a centimetre, and what a file re-read gives.
            said.append(shapely.to_wkt(geometries[index], rounding_precision=7))
        digest = hashlib.sha256(_SEPARATOR.join(said).encode("utf-8")).hexdigest()
        keys.append(digest[:20])
    table.frame[PLACE_KEY] = keys
    table.columns.append(PLACE_KEY)
    return PLACE_KEY

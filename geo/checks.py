"""The rules every door into the data shares: text, identifiers, numbers, coordinates.

The seed files, the place gazetteer, the layer catalogue and the command
line's free-text options all pass through these, so hostile or careless input
is refused the same way wherever it comes in. Each check raises SchemaError
with a message that names where the value was found (`where`) and the field.
"""

from __future__ import annotations

import math
import re
from typing import Any

from geo.errors import SchemaError

__all__ = [
    "LAT_RANGE",
    "LON_RANGE",
    "MAX_COUNT",
    "MAX_TEXT_CHARS",
    "MAX_VERTICES",
    "MAX_ZOOM",
    "MIN_ZOOM",
    "check_count",
    "check_geometry",
    "check_identifier",
    "check_latitude",
    "check_link",
    "check_longitude",
    "check_text",
    "forbidden_character",
    "shown",
    "without_control_characters",
]

# A summary of several paragraphs fits; a 5 MB field shipped to every browser does not.
MAX_TEXT_CHARS = 10_000
# A force level above ten million is a data error (the largest armies are about two million).
MAX_COUNT = 10_000_000
# A drawn feature of more vertices would make the page slow for every reader.
MAX_VERTICES = 100_000
# The map's zoom limits, for links, the gazetteer and the map itself.
MIN_ZOOM, MAX_ZOOM = 4, 12
LON_RANGE = (-180.0, 180.0)
LAT_RANGE = (-90.0, 90.0)
# Ids become CSS classes and JS keys: letters, digits and a few separators, no spaces.
_IDENTIFIER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
# Tab and newline are text; every other control character breaks XML (SVG, KML)
# or hides what a reader sees. Surrogates come from JSON escapes such as "\ud800"
# and cannot be written as UTF-8.
# So: Unicode's control characters (category Cc) but tab and newline, the surrogates
# (Cs), and the noncharacters U+FFFE and U+FFFF. One regular expression, as every
# imported row's every field passes here.
_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def shown(value: object, limit: int = 60) -> str:
    """A value's repr for a message, cut short: a 5 MB field must not fill the screen."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"


def forbidden_character(text: str) -> tuple[int, str] | None:
    """The first character that has no place in text (position, U+XXXX), or None."""
    found = _FORBIDDEN.search(text)
    return (found.start(), f"U+{ord(found.group()):04X}") if found else None


def without_control_characters(text: str) -> str:
    """`text` with every character that forbidden_character would name removed."""
    return _FORBIDDEN.sub("", text)


def check_text(value: Any, where: str, key: str, *, required: bool = True,
               max_chars: int = MAX_TEXT_CHARS) -> str | None:
    """Text of at most `max_chars` characters, with no control characters.

    `required` text must be present and not blank; optional text may be None.
    """
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise SchemaError(f"{where}: field {key!r} must be non-empty text, got {shown(value)}")
    if len(value) > max_chars:
        raise SchemaError(f"{where}: field {key!r} is {len(value):,} characters long; "
                          f"the limit is {max_chars:,}")
    bad = forbidden_character(value)
    if bad:
        position, code = bad
        raise SchemaError(f"{where}: field {key!r} contains the control character {code} "
                          f"at position {position}")
    return value


# A source's link: a web address only (a "javascript:" or "data:" link in a card would
# run code), no spaces or quotes, and short enough to print.
_LINK = re.compile(r"^https?://[^\s\"'<>`\\]{1,2000}$", re.IGNORECASE)


def check_link(value: Any, where: str, key: str) -> str | None:
    """An http(s) address, or None."""
    if value is None:
        return None
    if not isinstance(value, str) or not _LINK.match(value):
        raise SchemaError(f"{where}: field {key!r} must be an http:// or https:// address "
                          f"without spaces or quotes, got {shown(value)}")
    return value


def check_identifier(value: Any, where: str, key: str = "id") -> str:
    """An id: 1-100 letters, digits, '_', '.' or '-', starting with a letter or digit."""
    if not isinstance(value, str) or not _IDENTIFIER.match(value):
        raise SchemaError(f"{where}: field {key!r} must be 1-100 letters, digits, '_', '.' "
                          f"or '-' (no spaces), got {shown(value)}")
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def check_count(value: Any, where: str, key: str) -> int | None:
    """A whole number of people from 0 to MAX_COUNT, or None."""
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise SchemaError(f"{where}: field {key!r} must be a whole number >= 0, "
                          f"got {shown(value)}")
    if value > MAX_COUNT:
        raise SchemaError(f"{where}: field {key!r} is {value:.3g}; a force level above "
                          f"{MAX_COUNT:,} is a data error")
    return value


def _check_coordinate(value: Any, where: str, key: str, name: str,
                      bounds: tuple[float, float]) -> float:
    low, high = bounds
    if not _is_number(value) or not math.isfinite(value) or not low <= value <= high:
        raise SchemaError(f"{where}: field {key!r} has {name} {shown(value)}; "
                          f"it must be a number from {low:g} to {high:g}")
    return float(value)


def check_longitude(value: Any, where: str, key: str) -> float:
    return _check_coordinate(value, where, key, "longitude", LON_RANGE)


def check_latitude(value: Any, where: str, key: str) -> float:
    return _check_coordinate(value, where, key, "latitude", LAT_RANGE)


# GeoJSON geometry types the map draws, and how deep each nests its positions.
_GEOMETRY_DEPTH = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2,
                   "Polygon": 2, "MultiPolygon": 3}


def _positions(value: Any, depth: int, where: str, key: str, path: str) -> int:
    """Check nested coordinate lists down to [lon, lat] positions; returns how many."""
    if depth == 0:
        if not isinstance(value, list) or len(value) not in (2, 3):
            raise SchemaError(f"{where}: field {key!r} needs a [longitude, latitude] position "
                              f"at {path or 'the top'}, got {shown(value)}")
        check_longitude(value[0], where, f"{key}{path}[0]")
        check_latitude(value[1], where, f"{key}{path}[1]")
        return 1
    if not isinstance(value, list) or not value:
        raise SchemaError(f"{where}: field {key!r} needs a non-empty list at "
                          f"{path or 'the top'}, got {shown(value)}")
    total = 0
    for index, part in enumerate(value):
        total += _positions(part, depth - 1, where, key, f"{path}[{index}]")
        if total > MAX_VERTICES:
            raise SchemaError(f"{where}: field {key!r} has more than {MAX_VERTICES:,} "
                              "positions; simplify the geometry")
    return total


def check_geometry(value: Any, where: str, key: str = "geometry") -> dict[str, Any]:
    """A GeoJSON geometry of a type the map draws, every position in range."""
    if not isinstance(value, dict) or "type" not in value or "coordinates" not in value:
        raise SchemaError(f"{where}: field {key!r} must be a GeoJSON geometry object "
                          f"with 'type' and 'coordinates', got {shown(value)}")
    kind = value["type"]
    if kind not in _GEOMETRY_DEPTH:
        raise SchemaError(f"{where}: field '{key}.type' is {shown(kind)}; use one of "
                          f"{', '.join(_GEOMETRY_DEPTH)}")
    _positions(value["coordinates"], _GEOMETRY_DEPTH[kind], where, f"{key}.coordinates", "")
    return value

"""One file row into one claim record, or the reasons it cannot be one.

Every value is checked here or by the schema (geo/schema.py, the one validator every
door uses); a row that fails names its row, field, value and reason. Defaults fill
only what a report need not say (how a point is drawn, that no figure was given);
nothing a source says is made up: a row without a source, a date or a place is
refused, not completed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from dataclasses import dataclass
from typing import Any

import shapely
from shapely import Geometry
from shapely.errors import ShapelyError

from geo.checks import LAT_RANGE, LON_RANGE, MAX_TEXT_CHARS, shown
from geo.claims import normal_raw
from geo.errors import SchemaError
from geo.events import UNPLACED_NOTE
from geo.features import place_each
from geo.schema import FeatureRecord
from geo.sidc import IDENTITY_DIGIT
from geo.validity import Repair, made_valid
from imports.acled_rows import acled_fields, exported_event
from imports.columns import ColumnMap, accepted_confidence, confidence_code
from imports.row_values import ARABIC_DIGITS as _ARABIC_DIGITS
from imports.row_values import RowError
from imports.row_values import number_value as _number
from imports.row_values import text_value as _text

__all__ = ["DEFAULT_ACTOR", "DEFAULT_KIND", "DEFAULT_SUMMARY", "NO_FIGURE", "Problem",
           "RowDefaults", "RowError", "check_drawable", "row_record"]

# The schema names a field as 'name' in its messages; the report's field column takes it.
_FIELD_IN_MESSAGE = re.compile(
    r"field '([^']+)'|give '([^']+)'|^(confidence|symbol) '|(count|source|sources)\b")
_TRUE = {"true", "yes", "y", "1", "t", "نعم", "صح"}
_FALSE = {"false", "no", "n", "0", "f", "لا", "خطأ"}
_GEOMETRY_SYMBOL = {"Point": "point", "LineString": "line", "MultiLineString": "line",
                    "Polygon": "area", "MultiPolygon": "area"}
_DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%d-%B-%Y", "%d-%b-%Y")
# Words the importer writes itself, where a report need not say: our wording, not a
# source's, in both languages.
NO_FIGURE = {"words_en": "no figure given", "words_ar": "لم يُذكر رقم"}
DEFAULT_KIND = ("report", "تقرير")
DEFAULT_ACTOR = ("not stated", "لم يُذكر")
DEFAULT_SUMMARY = ("No summary given.", "لا ملخص.")


@dataclass(frozen=True)
class Problem:
    """Why one row was not imported: as the report lists it."""

    row: int
    field: str
    value: str
    reason: str


@dataclass(frozen=True)
class RowDefaults:
    """What the import as a whole says for rows that do not: from the command line or
    the upload form, and the file's name."""

    file_name: str
    layer: str | None = None
    source: str | None = None
    key: str | None = None  # the file's column keying its rows, if any


def _flag(value: Any, field: str, default: bool | None = None) -> bool | None:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise RowError(field, value, "must be true or false")


def _date(value: Any, field: str) -> str | None:
    text = _text(value)
    if text is None:
        return None
    text = text.translate(_ARABIC_DIGITS)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ][\d:.]+(Z|[+-][\d:]+)?", text):
        text = text[:10]  # a timestamp's day
    for form in _DATE_FORMATS:
        try:
            day = dt.datetime.strptime(text, form).date()
        except ValueError:
            continue
        if day.year < 1900:
            raise RowError(field, value, "is before 1900")
        return day.isoformat()
    raise RowError(field, value, "is not a date: give YYYY-MM-DD (or ACLED's "
                   "'01 December 2024'); a day that does not exist is refused")


def _geometry(fields: dict[str, Any], file_geometry: Geometry | None
              ) -> tuple[Geometry | None, Repair | None]:
    """The row's place in degrees, made valid where that keeps its kind (geo/validity.py)."""
    if file_geometry is not None:
        geometry = file_geometry
    elif fields.get("wkt") is not None:
        try:
            geometry = shapely.from_wkt(str(fields["wkt"]))
        except (ShapelyError, ValueError) as e:
            raise RowError("wkt", fields["wkt"], "is not well-known text (WKT) geometry"
                           ) from e
    elif _text(fields.get("lon")) is not None or _text(fields.get("lat")) is not None:
        lon, lat = (_coordinate(fields.get(key), key) for key in ("lon", "lat"))
        geometry = shapely.Point(lon, lat)
    else:
        return None, None
    if geometry is None or geometry.is_empty:
        return None, None
    geometry = shapely.force_2d(geometry)
    minx, miny, maxx, maxy = geometry.bounds
    if max(abs(minx), abs(maxx), abs(miny), abs(maxy)) > 1000:
        raise RowError("geometry", f"{minx:g}, {miny:g}",
                       "looks like projected metres, not degrees: give longitude and "
                       "latitude (EPSG:4326), or a file that names its projection")
    for field, low, high, (least, most) in (("lat", *LAT_RANGE, (miny, maxy)),
                                            ("lon", *LON_RANGE, (minx, maxx))):
        if least < low or most > high:
            name = "latitude" if field == "lat" else "longitude"
            raise RowError(field, least if least < low else most,
                           f"{name} is out of range: it must be from {low:g} to {high:g}")
    try:
        repair = made_valid(geometry)
    except SchemaError as e:
        raise RowError("geometry" if file_geometry is not None else "wkt",
                       shapely.to_wkt(geometry, rounding_precision=6), str(e)) from e
    return (repair.geometry if repair else geometry), repair


def _coordinate(value: Any, field: str) -> float:
    if value is None:
        raise RowError(field, value, "is empty; a place needs both lon and lat")
    try:
        number = float(str(value).strip().translate(_ARABIC_DIGITS).replace("٫", "."))
    except ValueError as e:
        raise RowError(field, value, "is not a number of degrees") from e
    if not math.isfinite(number):
        raise RowError(field, value, "is not a number of degrees")
    return number


def feature_id(raw_row: dict[str, Any], layer: str, defaults: RowDefaults,
               key_is_id: bool) -> str:
    """The thing's id: the key itself where the key is the file's `id` column (our
    exports'), else `<layer>.<key>`, so files keyed 1, 2, 3 in two layers never meet;
    without a key, a digest of the row, so the same row again is the same thing."""
    key = _text(raw_row.get(defaults.key)) if defaults.key else None
    if defaults.key and key is None:
        raise RowError(defaults.key, None, "is empty; it keys the row")
    if key is None:
        digest = hashlib.sha256(json.dumps(raw_row, sort_keys=True, default=str)
                                .encode("utf-8")).hexdigest()[:20]
        return f"{layer}.{digest}"
    if key_is_id:
        return key
    safe = re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", key) and len(layer) + len(key) < 100
    return f"{layer}.{key}" if safe else \
        f"{layer}.{hashlib.sha256(key.encode('utf-8')).hexdigest()[:20]}"


def _sources(fields: dict[str, Any], defaults: RowDefaults) -> list[dict[str, Any]]:
    if fields.get("sources_json") is not None:
        value = fields["sources_json"]
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except json.JSONDecodeError as e:
                raise RowError("sources_json", value, f"is not valid JSON ({e.msg})") from e
        if not isinstance(value, list) or not all(isinstance(s, dict) for s in value):
            raise RowError("sources_json", value, "must be a JSON list of source objects")
        return value
    who_en = _text(fields.get("source_en"))
    who_ar = _text(fields.get("source_ar"))
    if who_en is None and who_ar is None:
        who_en = defaults.source
    if who_en is None and who_ar is None:
        raise RowError("source", None, "no source: give a source column, or a source for "
                       "the rows that name none (--source; on the page, 'Source, for rows "
                       "that name none')")
    source = {"who": who_en, "who_ar": who_ar, "via": _text(fields.get("via_en")),
              "via_ar": _text(fields.get("via_ar")), "fact": _text(fields.get("fact")),
              "link": _text(fields.get("source_link")),
              "date": _date(fields.get("source_date"), "source_date")}
    return [{key: value for key, value in source.items() if value is not None}]


def _count(fields: dict[str, Any]) -> dict[str, Any]:
    value, approximate = _number(fields.get("count_value"), "count_value")
    low, _ = _number(fields.get("count_low"), "count_low")
    high, _ = _number(fields.get("count_high"), "count_high")
    count: dict[str, Any] = {"value": value, "low": low, "high": high}
    flag = _flag(fields.get("count_approximate"), "count_approximate")
    count["approximate"] = approximate if flag is None else (flag or approximate)
    for key in ("words_en", "words_ar", "quantity_en", "quantity_ar"):
        count[key] = _text(fields.get(f"count_{key}"))
    count = {key: value for key, value in count.items()
             if value is not None and value is not False}  # 0 is a count
    return count or dict(NO_FIGURE)


def row_record(raw_row: dict[str, Any], geometry: Geometry | None, columns: ColumnMap,
               defaults: RowDefaults, key_is_id: bool,
               repairs: list[Repair] | None = None) -> dict[str, Any]:
    """The claim record a row states; RowError names the first thing wrong with it. A
    geometry made valid is added to `repairs`, and its note to the claim's."""
    fields = columns.fields(raw_row)
    if columns.acled:
        lookup = {key.lower(): value for key, value in raw_row.items()}
        acled_fields(fields, lambda column: lookup.get(column))
    elif _text(fields.get("event_type")) is not None:
        fields["event"] = exported_event(fields)
    layer = defaults.layer or _text(fields.get("layer"))
    if layer is None:
        raise RowError("layer", None, "no layer: give this row's layer, or the layer to "
                       "import into (--layer; on the page, 'Layer')")
    shape_, repair = _geometry(fields, geometry)
    geometry_ref = _text(fields.get("geometry_ref"))
    symbol = _text(fields.get("symbol"))
    unplaced = shape_ is None and geometry_ref is None
    if unplaced and fields.get("event") is None:
        raise RowError("geometry", None, "no place: give lon and lat, WKT, or a geometry")
    if unplaced:
        # An event its dataset gives no coordinates for: kept and counted as unplaced
        # (geo/schema.py), never put at 0,0 or at a centroid as if it happened there.
        symbol = symbol or "point"
        fields["geometry_approximate"] = True
        if fields.get("acled_geometry_note") or (fields.get("geometry_note") is None
                                                 and fields.get("geometry_note_ar") is None):
            fields["geometry_note"], fields["geometry_note_ar"] = UNPLACED_NOTE
    elif (fields.get("geometry_note"), fields.get("geometry_note_ar")) == UNPLACED_NOTE:
        # Given a place since (in the editor's form, say): "no coordinates" no longer holds.
        fields["geometry_note"] = fields["geometry_note_ar"] = None
    if symbol is None:
        kind = shape_.geom_type if shape_ is not None else "Polygon"
        if kind not in _GEOMETRY_SYMBOL:
            raise RowError("geometry", kind, "a MultiPoint or collection cannot be drawn as "
                           "one thing: give one row per point")
        symbol = _GEOMETRY_SYMBOL[kind]
    as_of = _date(fields.get("as_of"), "as_of")
    reported_on = _date(fields.get("reported_on"), "reported_on")
    inferred = _flag(fields.get("reported_on_inferred"), "reported_on_inferred")
    if reported_on is None and as_of is not None:
        reported_on, inferred = as_of, True  # said no later than it held: the best we know
    if reported_on is not None and reported_on > dt.date.today().isoformat():
        raise RowError("reported_on", reported_on, "is after today: a report cannot come "
                       "from the future")
    given = _text(fields.get("confidence"))
    if given is None:
        raise RowError("confidence", None, "no confidence: give one of "
                       f"{accepted_confidence()}")
    confidence = confidence_code(given)
    if confidence is None:
        raise RowError("confidence", given, "is not a confidence level: give one of "
                       f"{accepted_confidence()}")
    text = {key: _text(fields.get(key)) for key in (
        "name_en", "name_ar", "kind", "kind_ar", "actor_en", "actor_ar", "summary_en",
        "summary_ar", "geometry_note", "geometry_note_ar", "label_en", "label_ar",
        "validity_note", "validity_note_ar", "series")}
    for (en, ar), (default_en, default_ar) in ((("kind", "kind_ar"), DEFAULT_KIND),
                                               (("actor_en", "actor_ar"), DEFAULT_ACTOR),
                                               (("summary_en", "summary_ar"),
                                                DEFAULT_SUMMARY)):
        if text[en] is None and text[ar] is None:
            text[en], text[ar] = default_en, default_ar
    if text["geometry_note"] is None and text["geometry_note_ar"] is None:
        text["geometry_note"] = f"Position as given in {defaults.file_name}."
        text["geometry_note_ar"] = f"الموقع كما ورد في {defaults.file_name}."
    if repair is not None:
        text["geometry_note"] = " ".join(filter(None, (text["geometry_note"], repair.note_en)))
        text["geometry_note_ar"] = " ".join(filter(None, (text["geometry_note_ar"],
                                                          repair.note_ar)))
        if repairs is not None:
            repairs.append(repair)
    sidc, actor = _text(fields.get("sidc")), _text(fields.get("actor"))
    if sidc is not None and fields.get("viewpoint") is not None and len(sidc) == 20:
        # Our export drew the code from its viewpoint; the claim's code leaves the
        # standard identity unknown, for each viewpoint to set.
        sidc = sidc[:3] + IDENTITY_DIGIT["unknown"] + sidc[4:]
    raw = {
        "id": feature_id(raw_row, layer, defaults, key_is_id), "layer": layer,
        "symbol": symbol, **text, "count": _count(fields), "as_of": as_of,
        "as_of_precision": _text(fields.get("as_of_precision")),
        "reported_on": reported_on, "reported_on_inferred": bool(inferred),
        "valid_from": _date(fields.get("valid_from"), "valid_from"),
        "valid_to": _date(fields.get("valid_to"), "valid_to"),
        "sources": _sources(fields, defaults), "confidence": confidence,
        "geometry_approximate": bool(_flag(fields.get("geometry_approximate"),
                                           "geometry_approximate", False)),
        "sidc": sidc, "actor": actor, "event": fields.get("event"),
    }
    if geometry_ref is not None:
        raw["geometry_ref"] = geometry_ref
    elif shape_ is not None:
        raw["geometry"] = json.loads(shapely.to_geojson(shape_))
    # The normal form (no empty fields, no defaults spelled out): what the store hashes,
    # and what imports/columnar.py builds for the same row.
    return normal_raw(raw)


def check_drawable(record: FeatureRecord, where: str) -> None:
    """SchemaError when the map could not draw `record` (an arrow of one point, a
    symbol's point given as an area): refused at the door, never stored to fail a
    reading."""
    _, undrawable = place_each((record,))
    if undrawable:
        raise SchemaError(f"{where}: feature {record.id!r}: {undrawable[0].reason}")


def problem_from(error: Exception, row: int, fields: dict[str, Any]) -> Problem:
    """A row's failure as the report lists it: the field and value it names."""
    if isinstance(error, RowError):
        return Problem(row, error.field, shown(error.value, 80), error.reason)
    message = str(error)
    reason = message.split(": ", 2)[-1] if isinstance(error, SchemaError) else message
    found = _FIELD_IN_MESSAGE.search(reason)
    field = next((g for g in found.groups() if g), "") if found else ""
    base = field.split(".")[0]
    value = fields.get(field, fields.get(base))
    if len(reason) > MAX_TEXT_CHARS:
        reason = reason[:MAX_TEXT_CHARS]
    return Problem(row, field, shown(value, 80) if value is not None else "", reason)

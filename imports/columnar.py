"""The fast path for large flat files: CSV point rows (ACLED's export among them)
checked and turned into claims column by column, instead of row by row.

It is conservative. A row it can prove valid with whole-column checks (the same
limits, patterns and lists as geo/schema.py and imports/rows.py) is written here
(imports/columnar_write.py), and its claim is the record `rows.row_record` would
build for it, byte for byte (tests/test_import_columnar.py compares them). Any row
it cannot prove valid (odd
number formats, a day that does not exist, Arabic digits, a text too long…) is left
to the row-by-row path, which either accepts it or names exactly what is wrong. So
messages are written once, in one place, and no row is judged by rules of its own.
"""

from __future__ import annotations

import datetime as dt
import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geo.checks import MAX_COUNT, MAX_TEXT_CHARS
from geo.events import EVENT_TEXT_CHARS
from geo.schema import AS_OF_PRECISIONS, CONFIDENCE_LEVELS
from imports.acled_rows import ACLED_PRECISION
from imports.columnar_write import ProvenColumns, serialized_records, writes_plainly
from imports.columns import ColumnMap, confidence_code
from imports.read import EXCEL, ODS, FileTable
from imports.rows import RowDefaults
from store.records import SerializedRecord

__all__ = ["CHUNK_ROWS", "FAST_ROWS_MIN", "columnar_records"]

# Below this many rows the row-by-row path is quick enough, and simpler to trust.
FAST_ROWS_MIN = 2_000
CHUNK_ROWS = 20_000
# The fields this path builds; a file mapping any other goes row by row.
_HANDLED = {"id", "layer", "name_en", "name_ar", "kind", "kind_ar", "actor_en", "actor_ar",
            "summary_en", "summary_ar", "geometry_note", "geometry_note_ar", "count_value",
            "as_of", "reported_on", "confidence", "source_en", "source_ar", "via_en", "via_ar",
            "source_link", "lon", "lat", "as_of_precision"}
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DECIMAL = r"^-?\d{1,3}(\.\d+)?$"
_WHOLE = r"^\d{1,12}$"
_IDENTIFIER = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
# geo/checks.py's forbidden characters (Arrow's RE2 syntax). Surrogates cannot occur:
# the file was decoded strictly, and Arrow holds only valid UTF-8.
_FORBIDDEN = "[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]"
# A narrower link rule than geo/checks.py's: printable ASCII only (RE2's \s is not
# Python's), at most 2,007 characters; any other link goes row by row.
_LINK = r"^https?://[!#-&(-;=?-\[\]-_a-~]+$"
_MAX_LINK_CHARS = 2_007
_ARABIC = "[\u0600-\u06ff]"
_GEO_NOTE = {"1": "ACLED geo_precision 1: the town itself",
             "2": "ACLED geo_precision 2: near the town named",
             "3": "ACLED geo_precision 3: the province's capital, standing for the province"}


# Arrow's string kernels: the column-wide checks run in C++, not once per cell in Python.
_STRING = pd.ArrowDtype(pa.string())
# The formats read as text columns (imports/csv_read.py, imports/sheet_read.py).
COLUMNAR_FORMATS = ("CSV", EXCEL, ODS)


def _text(series: pd.Series) -> pd.Series:
    """Stripped text, missing where empty."""
    stripped = series.astype(_STRING).str.strip()
    return stripped.where(stripped != "")


def _none(size: int) -> pd.Series:
    return pd.Series(pa.nulls(size, pa.string()), dtype=_STRING)


def _mask(values: Any) -> np.ndarray:
    """A boolean mask, missing as false."""
    if isinstance(values, pd.Series):
        values = values.fillna(False) if values.hasnans else values
        return values.to_numpy(dtype=bool)
    return np.asarray(values, dtype=bool)


def _numbers(series: pd.Series) -> pd.Series:
    """Texts a pattern has already shown to be plain decimals, as floats (NaN where
    missing). Arrow parses them correctly rounded, as Python's float does, and ten
    times faster than pandas' to_numeric."""
    values = pa.array(series, type=pa.string(), from_pandas=True)
    return pd.Series(pc.cast(values, pa.float64()).to_numpy(zero_copy_only=False),
                     index=series.index)


class _Columns:
    """The file's columns as the fields they fill, with what cannot be proven valid."""

    def __init__(self, table: FileTable, columns: ColumnMap) -> None:
        self.frame = table.frame
        self.size = len(table)
        self.columns = columns
        self.doubtful = np.zeros(self.size, dtype=bool)
        self.fields: dict[str, pd.Series] = {}
        # An ACLED file's event facts (geo/events.py): texts, and numbers as floats.
        self.events: dict[str, pd.Series] = {}
        self.event_numbers: dict[str, pd.Series] = {}
        self._by_lower = {str(c).lower(): c for c in self.frame.columns}
        for field, column in columns.fixed.items():
            self.fields[field] = _text(self.frame[column])
            # A blank cell of a language's own column keeps the other column out of it
            # row by row (imports/columns.py); that rare case goes row by row here too.
            self.doubt(_mask(self.frame[column].notna()) & _mask(self.fields[field].isna()))
        for (english, arabic), column in columns.either.items():
            values = _text(self.frame[column])
            is_arabic = pd.Series(_mask(values.str.contains(_ARABIC, regex=True)))
            for target, chosen in ((arabic, is_arabic), (english, ~is_arabic)):
                current = self.get(target)
                self.fields[target] = current.where(current.notna(), values.where(chosen))

    def get(self, field: str) -> pd.Series:
        return self.fields.get(field, _none(self.size))

    def raw(self, column: str) -> pd.Series:
        """An ACLED column by its lower-case name, read as text."""
        if column not in self._by_lower:
            return _none(self.size)
        return _text(self.frame[self._by_lower[column]])

    def doubt(self, mask: Any) -> None:
        self.doubtful |= _mask(mask)


def _first(*series: pd.Series) -> pd.Series:
    """Each row's first value present, in the order given."""
    result = series[0]
    for other in series[1:]:
        result = result.where(result.notna(), other)
    return result


def _acled(c: _Columns) -> None:
    event, sub_event, location = (c.raw(k) for k in ("event_type", "sub_event_type",
                                                     "location"))
    what = _first(sub_event, event).fillna("Event")
    unnamed = _mask(c.get("name_en").isna() & c.get("name_ar").isna() & location.notna())
    c.fields["name_en"] = c.get("name_en").where(~unnamed, what + " – " + location)
    c.fields["kind"] = _first(c.get("kind"), sub_event, event)
    c.fields["actor_en"] = _first(c.get("actor_en"), c.raw("actor1"))
    fatalities = c.raw("fatalities")
    has = _mask(c.get("count_value").isna() & c.get("count_words_en").isna()
                & fatalities.notna())
    whole = _mask(fatalities.str.match(_WHOLE))
    c.doubt(_mask(fatalities.notna()) & ~whole)
    c.doubt(event.isna())  # the row path names the missing event_type
    # The event's coded facts (geo/events.py); each text is checked with the others.
    c.events = {"type": event, "sub_type": sub_event, "actor1": c.raw("actor1"),
                "actor2": c.raw("actor2")}
    _check_texts(c, c.events, EVENT_TEXT_CHARS)
    geo = c.raw("geo_precision")
    c.event_numbers = {"fatalities": _numbers(fatalities.where(whole)),
                       "geo_precision": _numbers(geo.where(_mask(geo.isin(list(_GEO_NOTE)))))}
    c.doubt(_mask(c.event_numbers["fatalities"] > MAX_COUNT))
    number = fatalities.str.lstrip("0").where(~has | (fatalities.str.lstrip("0") != ""), "0")
    c.fields["count_words_en"] = c.get("count_words_en").where(
        ~has, number + " fatalities reported")
    c.fields["count_words_ar"] = c.get("count_words_ar").where(
        ~has, "القتلى المبلغ عنهم: " + number)
    stamp = c.raw("timestamp")
    digits = _mask(stamp.str.match(r"^\d{1,10}$"))
    unreported = _mask(c.get("reported_on").isna())
    c.doubt(unreported & _mask(stamp.notna()) & ~digits)
    # Seconds since 1970 to the UTC day, in Arrow (pandas' strftime took a fifth of a
    # second for 100,000 rows).
    seconds = pa.array(stamp.where(digits), type=pa.string(), from_pandas=True)
    utc_days = pc.cast(pc.cast(pc.cast(seconds, pa.int64()), pa.timestamp("s")), pa.date32())
    days = pd.Series(pc.cast(utc_days, pa.string()), dtype=_STRING, index=stamp.index)
    c.fields["reported_on"] = c.get("reported_on").where(~unreported, days)
    precision = c.raw("time_precision")
    unset = _mask(c.get("as_of_precision").isna())
    c.doubt(unset & _mask(precision.notna()) & ~_mask(precision.isin(list(ACLED_PRECISION))))
    c.fields["as_of_precision"] = c.get("as_of_precision").where(
        ~unset, precision.map(ACLED_PRECISION).astype(_STRING))
    c.doubt(_mask(geo.notna()) & ~_mask(geo.isin(list(_GEO_NOTE))))
    c.fields["geometry_approximate"] = pd.Series(_mask(geo.notna() & (geo != "1")))
    note = c.get("geometry_note")
    c.fields["geometry_note"] = note.where(_mask(note.notna() | geo.isna()),
                                           geo.map(_GEO_NOTE).astype(_STRING))
    c.fields["confidence"] = c.get("confidence").fillna("media")
    c.fields["via_en"] = c.get("via_en").where(
        _mask(c.get("via_en").notna() | c.get("source_en").isna()), "ACLED")


def _dates(c: _Columns, field: str) -> pd.Series:
    values = c.get(field)
    iso = _mask(values.str.match(_ISO_DAY))
    days = pd.to_datetime(values.where(iso), format="%Y-%m-%d", errors="coerce")
    c.doubt(_mask(values.notna()) & (~iso | _mask(days.isna()) | _mask(days.dt.year < 1900)))
    return values


def _check_texts(c: _Columns, fields: dict[str, pd.Series], limit: int = MAX_TEXT_CHARS
                 ) -> None:
    """Doubt each row with a text over `limit` characters or holding a forbidden one.
    Two columns are checked at a time (Arrow's kernels let go of the GIL)."""
    def flawed(values: pd.Series) -> np.ndarray:
        return _mask(values.str.len() > limit) | \
            _mask(values.str.contains(_FORBIDDEN, regex=True))

    with ThreadPoolExecutor(max_workers=2) as pool:
        for mask in pool.map(flawed, fields.values()):
            c.doubt(mask)


def columnar_records(table: FileTable, columns: ColumnMap, defaults: RowDefaults,
                     key_is_id: bool, layers: set[str]) -> dict[int, SerializedRecord]:
    """Row index -> claim, for every row proven valid; the rest go row by row."""
    fixed_fields = set(columns.fixed)
    if table.format not in COLUMNAR_FORMATS or len(table) < FAST_ROWS_MIN or not {"lon", "lat"} <= \
            fixed_fields or not fixed_fields <= _HANDLED or defaults.key is None or \
            not writes_plainly(defaults.file_name, defaults.source):
        return {}
    # In slices: the checks' intermediate columns took 620 MB for 100,000 rows at once.
    proven: dict[int, SerializedRecord] = {}
    for start in range(0, len(table), CHUNK_ROWS):
        rows = table.frame.iloc[start:start + CHUNK_ROWS].reset_index(drop=True)
        part = FileTable(table.format, table.columns, rows, field_counts={
            index - start: count for index, count in table.field_counts.items()
            if start <= index < start + len(rows)})
        proven.update((start + index, record) for index, record in
                      _proven(part, columns, defaults, key_is_id, layers).items())
    return proven


def _proven(table: FileTable, columns: ColumnMap, defaults: RowDefaults, key_is_id: bool,
            layers: set[str]) -> dict[int, SerializedRecord]:
    c = _Columns(table, columns)
    if columns.acled:
        _acled(c)
    c.doubt(np.isin(np.arange(c.size), list(table.field_counts)))
    layer = (pd.Series([defaults.layer] * c.size, dtype=_STRING) if defaults.layer
             else c.get("layer"))
    c.doubt(~_mask(layer.isin(list(layers))))
    # The place: plain decimal degrees in range.
    lon, lat = c.get("lon"), c.get("lat")
    decimal = _mask(lon.str.match(_DECIMAL)) & _mask(lat.str.match(_DECIMAL))
    c.doubt(~decimal)
    lon_value, lat_value = _numbers(lon.where(decimal)), _numbers(lat.where(decimal))
    c.doubt(~_mask(lon_value.between(-180, 180)) | ~_mask(lat_value.between(-90, 90)))
    as_of, reported = _dates(c, "as_of"), _dates(c, "reported_on")
    inferred = _mask(reported.isna())
    reported = reported.where(~inferred, as_of)
    c.doubt(as_of.isna())  # a dated report (reference geography goes row by row)
    c.doubt(reported.fillna("") > dt.date.today().isoformat())
    confidence = c.get("confidence").map(confidence_code, na_action="ignore").astype(_STRING)
    c.doubt(~_mask(confidence.isin([level for level in CONFIDENCE_LEVELS
                                    if level != "reference"])))
    precision = c.get("as_of_precision")
    c.doubt(_mask(precision.notna()) & ~_mask(precision.isin(list(AS_OF_PRECISIONS))))
    value = c.get("count_value")
    whole = _mask(value.str.match(_WHOLE))
    c.doubt(_mask(value.notna()) & ~whole)
    number = _numbers(value.where(whole))
    c.doubt(_mask(number > MAX_COUNT))
    key = _text(table.frame[defaults.key])
    c.doubt(~_mask(key.str.match(_IDENTIFIER)) | _mask(key.str.len() + layer.str.len() >= 99))
    ids = key if key_is_id else layer + "." + key
    link = c.get("source_link")
    c.doubt(_mask(link.notna()) & ~(_mask(link.str.match(_LINK))
                                    & _mask(link.str.len() <= _MAX_LINK_CHARS)))
    who, who_ar = c.get("source_en"), c.get("source_ar")
    if defaults.source is not None:
        who = who.where(_mask(who.notna() | who_ar.notna()), defaults.source)
    c.doubt(who.isna() & who_ar.isna())
    c.doubt(c.get("name_en").isna() & c.get("name_ar").isna())
    texts = {field: c.get(field) for field in (
        "name_en", "name_ar", "kind", "kind_ar", "actor_en", "actor_ar", "summary_en",
        "summary_ar", "geometry_note", "geometry_note_ar", "count_words_en", "count_words_ar",
        "via_en", "via_ar")}
    texts.update(who=who, who_ar=who_ar)
    _check_texts(c, texts)
    keep = np.flatnonzero(~c.doubtful)
    approximate = c.fields.get("geometry_approximate")
    return serialized_records(keep, ProvenColumns(
        texts, ids, layer, lon_value, lat_value, as_of, reported, inferred, confidence,
        precision, number, link,
        _mask(approximate) if approximate is not None else np.zeros(c.size, dtype=bool),
        c.events if columns.acled else None, c.event_numbers, defaults.file_name))

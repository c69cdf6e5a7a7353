"""Read a file of reports into rows: GeoJSON, GeoPackage, KML/KMZ, a zipped
Shapefile, or CSV with lon/lat or WKT columns (ACLED's export among them).

The format is told from the file's bytes, and a name that claims another format is
refused: a `.geojson` that holds CSV is a mistake to name, not to guess through.
Text that is not UTF-8 is read as Windows-1256 (Arabic) or Latin-1 when it reads as
one, and refused otherwise; the rows say which was used. Every failure here is an
ImportFileError: one line naming the file and what is wrong with it.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import math
import re
import tempfile
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyogrio
import shapely
from pyarrow import csv as pa_csv
from pyogrio.errors import DataLayerError, DataSourceError, FieldError, GeometryError
from shapely import Geometry

from imports.unzip import UnzipRefused, check_declared, unpack

__all__ = ["MAX_COLUMNS", "MAX_FILE_BYTES", "MAX_ROWS", "MAX_UNPACKED_BYTES", "FileTable",
           "ImportFileError", "read_table"]

# An import holds its file and every claim it makes in memory, to write them in one
# transaction: these bound it to about 1 GB whatever the file (bench/bench_import_memory.py
# measures each kind). A larger report is imported in parts.
# - the file itself (100,000 ACLED rows are 36 MB of CSV; 100,000 rows of 124 MB, long notes
#   and all, took 1.3 GB);
MAX_FILE_BYTES = 64 * 1024 * 1024
# - its rows (about 4.5 KB a claim, and GDAL's formats 7 KB, while the import runs);
MAX_ROWS = 100_000
# - what an archive (KMZ, zipped Shapefile) unpacks to: GDAL holds a KML's text whole
#   while it reads it (a 255 MB KML took 1.27 GB, one of 127 MB 760 MB).
MAX_UNPACKED_BYTES = 128 * 1024 * 1024
# A claim has about 40 fields and ACLED's export 31 columns; a header of thousands is not
# a table of claims, and every check per header must stay cheap at this width.
MAX_COLUMNS = 1_000
_ZIP_MAGIC = b"PK\x03\x04"
_SQLITE_MAGIC = b"SQLite format 3\x00"
_EXTENSIONS = {".geojson": "GeoJSON", ".json": "GeoJSON", ".gpkg": "GeoPackage",
               ".kml": "KML", ".kmz": "KMZ", ".zip": "zipped Shapefile", ".csv": "CSV",
               ".tsv": "CSV", ".txt": "CSV"}
_ARABIC_LETTER = re.compile("[\u0600-\u06ff]")


class ImportFileError(Exception):
    """The file cannot be read as reports at all (exit status 2)."""


@dataclass
class FileTable:
    """A file's rows, column by column (`frame`: text, numbers, bools, None where
    empty), and each row's geometry in longitude/latitude where the format has one."""

    format: str
    columns: list[str]
    frame: pd.DataFrame
    geometries: list[Geometry | None] | None = None
    notices: list[str] = field(default_factory=list)
    # Each row's number as the report gives it: its line in a CSV (the header is
    # line 1), its place in any other file (the first feature is 1).
    row_numbers: list[int] | None = None
    # Rows whose number of fields is not the header's: row index -> fields found.
    field_counts: dict[int, int] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.frame)

    def row_number(self, index: int) -> int:
        return self.row_numbers[index] if self.row_numbers else index + 1

    def row(self, index: int) -> dict[str, Any]:
        """One row as column -> value."""
        return dict(zip(self.columns, self._values[index], strict=True))

    @cached_property
    def _values(self) -> Any:
        frame = self.frame.astype(object)
        return frame.where(frame.notna(), None).to_numpy(dtype=object)


def read_table(path: Path, name: str | None = None) -> FileTable:
    """The rows of `path`; `name` is the file's name as the user gave it (an upload's)."""
    name = name or path.name
    if path.is_dir():
        raise ImportFileError(f"{name}: is a folder, not a file")
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(64)
    except OSError as e:
        raise ImportFileError(f"{name}: cannot be read: {e.strerror or e}") from e
    if size == 0 or not head.strip():
        raise ImportFileError(f"{name}: is empty")
    if size > MAX_FILE_BYTES:
        raise ImportFileError(f"{name}: is {size / 2**20:,.0f} MB; the limit is "
                              f"{MAX_FILE_BYTES / 2**20:,.0f} MB")
    found = _sniff(path, head, name)
    claimed = _EXTENSIONS.get(Path(name).suffix.lower())
    if claimed is not None and claimed != found and not (
            claimed == "KMZ" and found == "zipped Shapefile"):
        raise ImportFileError(f"{name}: its name says {claimed}, but it holds {found}")
    table = _read_csv(path, name) if found == "CSV" else _read_with_gdal(path, name, found)
    if len(table) > MAX_ROWS:
        raise ImportFileError(f"{name}: has {len(table):,} rows; the limit is {MAX_ROWS:,} a "
                              "file (an import holds them all in memory): import it in parts")
    return table


def _sniff(path: Path, head: bytes, name: str) -> str:
    if head.startswith(_SQLITE_MAGIC):
        return "GeoPackage"
    if head.startswith(_ZIP_MAGIC):
        return _zip_kind(path, name)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        head = head.decode("utf-16", errors="replace").encode("utf-8")
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text[:1] in (b"{", b"["):
        return "GeoJSON"
    if text[:1] == b"<":
        return "KML"
    if b"\x00" in head:
        raise ImportFileError(f"{name}: is binary, not one of GeoJSON, GeoPackage, KML/KMZ, "
                              "a zipped Shapefile or CSV")
    return "CSV"


def _zip_kind(path: Path, name: str) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.namelist() if not m.endswith("/")]
            # Before testzip, which unpacks every member to check it.
            check_declared(archive, MAX_UNPACKED_BYTES)
            damaged = archive.testzip()
    except UnzipRefused as e:
        raise ImportFileError(f"{name}: {e}") from e
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as e:
        raise ImportFileError(f"{name}: is a damaged or truncated ZIP archive ({e})") from e
    if damaged is not None:
        raise ImportFileError(f"{name}: the ZIP archive's member {damaged!r} is damaged")
    if any(m.lower().endswith(".kml") for m in members):
        return "KMZ"
    if sum(m.lower().endswith(".shp") for m in members) == 1:
        return "zipped Shapefile"
    raise ImportFileError(f"{name}: is a ZIP archive holding neither a KML file nor one "
                          f"Shapefile (it holds {', '.join(members[:5]) or 'nothing'})")


# GDAL-read formats ------------------------------------------------------------

def _needed_members(archive: zipfile.ZipFile, kind: str) -> tuple[str, list[str]]:
    """The member GDAL opens, and every member it reads with it."""
    names = [m for m in archive.namelist() if not m.endswith("/")]
    if kind == "KMZ":
        kml = next(m for m in names if m.lower().endswith(".kml"))
        return kml, [kml]
    shp = next(m for m in names if m.lower().endswith(".shp"))
    stem = shp[:-4].lower()
    return shp, [m for m in names if m.lower().rsplit(".", 1)[0] == stem]


def _gdal_path(path: Path, kind: str, folder: Path, name: str) -> str:
    """The file GDAL reads: an archive's members unpacked into `folder`, their size
    counted as they come (imports/unzip.py), never read through /vsizip/."""
    if kind not in ("KMZ", "zipped Shapefile"):
        return str(path)
    try:
        with zipfile.ZipFile(path) as archive:
            opened, members = _needed_members(archive, kind)
            written = unpack(archive, members, folder, MAX_UNPACKED_BYTES)
    except UnzipRefused as e:
        raise ImportFileError(f"{name}: {e}") from e
    return str(written[opened])


def _read_with_gdal(path: Path, name: str, kind: str) -> FileTable:
    with tempfile.TemporaryDirectory(prefix="posture-unpacked-") as folder:
        return _read_unpacked(path, name, kind, _gdal_path(path, kind, Path(folder), name))


def _read_unpacked(path: Path, name: str, kind: str, source: str) -> FileTable:
    try:
        if kind == "GeoJSON":
            _check_json(path, name)
        layers = [str(row[0]) for row in pyogrio.list_layers(source)]
        if kind == "GeoPackage":
            layers = _geopackage_layers(source, layers, name)
        frames = [pyogrio.read_dataframe(source, layer=layer) for layer in layers]
    except (DataSourceError, DataLayerError, FieldError, GeometryError, OSError,
            RuntimeError, ValueError) as e:
        said = str(e).splitlines()[0] if str(e) else type(e).__name__
        # GDAL names the file by its path on this machine: the user knows it by `name`.
        said = said.replace(source, name).replace(str(path), name)
        raise ImportFileError(f"{name}: is not a readable {kind}: {said}") from e
    notices = []
    parts = []
    for layer, frame in zip(layers, frames, strict=True):
        if frame.crs is not None and not frame.crs.equals("EPSG:4326") \
                and not frame.crs.equals("OGC:CRS84"):
            notices.append(f"{name}: layer {layer!r} is in {frame.crs.name}; "
                           "reprojected to longitude/latitude")
            try:
                frame = frame.to_crs("EPSG:4326")
            except Exception as e:  # pyproj raises its own hierarchy
                raise ImportFileError(f"{name}: layer {layer!r} cannot be reprojected from "
                                      f"{frame.crs.name}: {e}") from e
        parts.append(frame)
    frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    geometries = [None if g is None or g.is_empty else shapely.force_2d(g)
                  for g in frame.geometry] if "geometry" in frame else None
    columns = [str(c) for c in frame.columns if c != "geometry"]
    _check_width(columns, name)
    attributes = pd.DataFrame({column: [_plain(value) for value in frame[column]]
                               for column in columns}, dtype=object)
    return FileTable(kind, columns, attributes, geometries, notices)


def _check_width(columns: list[str], name: str) -> None:
    if len(columns) > MAX_COLUMNS:
        raise ImportFileError(f"{name}: has {len(columns):,} columns; the limit is "
                              f"{MAX_COLUMNS:,} (a table of claims has about 40)")


def _check_json(path: Path, name: str) -> None:
    """GDAL's own message for a truncated GeoJSON is a parser's; this names the place."""
    try:
        with path.open("rb") as f:
            json.loads(f.read().decode("utf-8-sig"))
    except UnicodeDecodeError as e:
        raise ImportFileError(f"{name}: GeoJSON must be UTF-8; byte {e.start} is not") from e
    except json.JSONDecodeError as e:
        raise ImportFileError(f"{name}: is not valid JSON (line {e.lineno}, column {e.colno}: "
                              f"{e.msg}); is it truncated?") from e


def _geopackage_layers(source: str, layers: list[str], name: str) -> list[str]:
    """The one layer to read: the only one, or `features` (our exports' name)."""
    if len(layers) == 1:
        return layers
    if "features" in layers:
        return ["features"]
    raise ImportFileError(f"{name}: holds {len(layers)} layers ({', '.join(layers[:8])}); "
                          "import one at a time from a GeoPackage holding only it, or name "
                          "it 'features'")


def _plain(value: Any) -> Any:
    """A cell as plain Python: no NaN, NaT or numpy types; dates as ISO text."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if hasattr(value, "item") and not isinstance(value, list | dict | str):
        return _plain(value.item())
    return value


# CSV --------------------------------------------------------------------------

def _decode(data: bytes, name: str) -> tuple[str, str | None]:
    """The text, and the encoding used if it was not UTF-8."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's "Unicode text"
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as e:
            raise ImportFileError(f"{name}: starts as UTF-16 but byte {e.start} is not") from e
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as e:
        first_bad = e.start
    arabic = data.decode("cp1256", errors="replace")
    non_ascii = [ch for ch in arabic if ord(ch) > 127]
    if non_ascii and sum(bool(_ARABIC_LETTER.match(ch)) for ch in non_ascii) \
            >= 0.6 * len(non_ascii) and "\ufffd" not in arabic:
        return arabic, "Windows-1256 (Arabic)"
    latin = data.decode("latin-1")
    if not any("\x80" <= ch <= "\x9f" for ch in latin):
        return latin, "Latin-1"
    raise ImportFileError(f"{name}: is not UTF-8 (byte {first_bad} is not) and does not read "
                          "as Windows-1256 Arabic or Latin-1; save it as UTF-8")


def _read_simple_csv(text: str, header: list[str], dialect: Any, utf8: bytes | None
                     ) -> pd.DataFrame | None:
    """A CSV of one record per line, read by Arrow (ten times faster than csv); None
    if it is not that simple (blank lines, a value spanning lines, a row of the wrong
    width…), for the csv module to read and report line by line. `utf8` is the text as
    the file gave it, when that was UTF-8: Arrow reads it without a copy."""
    data = utf8 if utf8 is not None else text.encode("utf-8")
    body_start = data.find(b"\n") + 1
    if body_start == 0 or dialect.escapechar or len(dialect.delimiter) != 1 or \
            b"\n\n" in data or b"\n\r\n" in data or (
                b"\r" in data and data.count(b"\r") != data.count(b"\r\n")):  # a lone CR
        return None
    body = pa.py_buffer(data).slice(body_start)
    lines = data.count(b"\n", body_start) + (
        0 if data.endswith(b"\n") or body_start == len(data) else 1)
    try:
        table = pa_csv.read_csv(
            pa.BufferReader(body),
            read_options=pa_csv.ReadOptions(column_names=header, block_size=1 << 24),
            parse_options=pa_csv.ParseOptions(
                delimiter=dialect.delimiter, quote_char=dialect.quotechar or False,
                double_quote=dialect.doublequote, newlines_in_values=False),
            convert_options=pa_csv.ConvertOptions(
                column_types={column: pa.string() for column in header},
                null_values=[""], strings_can_be_null=True,
                quoted_strings_can_be_null=True))
    except (pa.ArrowInvalid, pa.ArrowException):
        return None
    if table.num_rows != lines:
        return None
    return table.to_pandas(types_mapper=pd.ArrowDtype)


# The delimiters a table may use, preferred in this order when a header reads the same way
# with two of them.
DELIMITERS = (",", ";", "\t", "|")


def _delimiter(sample: str) -> str:
    """The delimiter the header line is split by: the one of DELIMITERS that gives it the
    most fields, reading it by RFC 4180's quoting. Only the delimiter is guessed:
    csv.Sniffer also guessed the quoting from the rows, and a note holding commas and
    quoted names together made it guess wrong and refuse a whole ACLED export."""
    def fields(delimiter: str) -> int:
        try:
            return len(next(csv.reader(io.StringIO(sample, newline=""),
                                       _rfc4180(delimiter)), []))
        except csv.Error:
            return 0
    return max(DELIMITERS, key=lambda d: (fields(d), -DELIMITERS.index(d)))


def _rfc4180(delimiter: str) -> type[csv.Dialect]:
    """RFC 4180's CSV with `delimiter`: a field in double quotes may hold delimiters,
    line breaks and doubled quotes."""
    return type("Rfc4180", (csv.excel,), {"delimiter": delimiter})


def _read_csv(path: Path, name: str) -> FileTable:
    data = path.read_bytes()
    text, encoding = _decode(data, name)
    notices = [f"{name}: not UTF-8; read as {encoding}"] if encoding else []
    sample = text[:65536]
    dialect = _rfc4180(_delimiter(sample))
    # The header from the sample alone when its first line ends there: a reader over
    # the whole text copies all of it, and only the slow path below needs one.
    whole = "\n" not in sample
    reader = csv.reader(io.StringIO(text if whole else sample, newline=""), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError(f"{name}: is empty") from None
    except csv.Error as e:
        raise ImportFileError(f"{name}: is not readable CSV: {e}") from e
    header = [column.strip() for column in header]
    _check_width(header, name)
    if len(header) < 2 or not all(header):
        raise ImportFileError(f"{name}: its first line is not a header of named columns "
                              f"(got {header[:6]})")
    duplicated = sorted(column for column, n in Counter(header).items() if n > 1)
    if duplicated:
        raise ImportFileError(f"{name}: the header names {', '.join(duplicated)} twice")
    utf8 = None if encoding else data.removeprefix(codecs.BOM_UTF8)
    # Arrow's path takes the first line for the header; a quoted header spanning lines
    # (rare, but a header nonetheless) goes the csv module's way.
    simple = None if reader.line_num > 1 else _read_simple_csv(text, header, dialect, utf8)
    if simple is not None:
        return FileTable("CSV", header, simple, None, notices,
                         list(range(2, len(simple) + 2)))
    if not whole:
        reader = csv.reader(io.StringIO(text, newline=""), dialect)
        next(reader)
    rows: list[list[str]] = []
    lines: list[int] = []
    field_counts: dict[int, int] = {}
    width = len(header)
    try:
        line = reader.line_num
        for values in reader:
            starts_at, line = line + 1, reader.line_num
            if len(values) != width:
                if not any(v.strip() for v in values):
                    continue  # a blank line holds nothing to lose
                field_counts[len(rows)] = len(values)
                values = (values + [""] * width)[:width]
            rows.append(values)
            lines.append(starts_at)
    except csv.Error as e:
        raise ImportFileError(f"{name}: is not readable CSV at line {reader.line_num}: {e}"
                              ) from e
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    frame = frame.mask(frame == "", None)  # an empty cell says nothing
    return FileTable("CSV", header, frame, None, notices, lines, field_counts)

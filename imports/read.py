"""Read a file of reports into rows: GeoJSON, GeoPackage, KML/KMZ, a zipped
Shapefile, a spreadsheet (.xlsx, .ods), or CSV with lon/lat or WKT columns (ACLED's
export among them).

The format is told from the file's bytes, and a name that claims another format is
refused: a `.geojson` that holds CSV is a mistake to name, not to guess through.
Text that is not UTF-8 is read as Windows-1256 (Arabic) or Latin-1 when it reads as
one, and refused otherwise; the rows say which was used. Every failure here is an
ImportFileError: one line naming the file and what is wrong with it.
"""

from __future__ import annotations

import codecs
import json
import math
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
import pyogrio
import shapely
from pyogrio.errors import DataLayerError, DataSourceError, FieldError, GeometryError

from imports.csv_read import read_csv
from imports.sheet_read import read_sheet
from imports.table import MAX_COLUMNS, FileTable, ImportFileError, check_width
from imports.unzip import UnzipRefused, check_declared, unpack

__all__ = [
    "EXCEL",
    "FILE_KINDS",
    "MAX_COLUMNS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "MAX_UNPACKED_BYTES",
    "MAX_WORKBOOK_UNPACKED_BYTES",
    "ODS",
    "WORKBOOKS",
    "FileTable",
    "ImportFileError",
    "file_kind",
    "read_table",
]

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
# - what a workbook (.xlsx, .ods) unpacks to: its XML is verbose (100,000 ACLED rows are
#   168 MB unpacked, 15 MB on disk), and calamine holds it in about twice its size; its
#   cells are bounded too (imports/sheet_read.py's MAX_SHEET_CELLS).
MAX_WORKBOOK_UNPACKED_BYTES = 256 * 1024 * 1024
_ZIP_MAGIC = b"PK\x03\x04"
_SQLITE_MAGIC = b"SQLite format 3\x00"
# Microsoft's compound file: Excel 97-2003 workbooks, and any Office file with a password.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
EXCEL, ODS = "Excel workbook", "OpenDocument spreadsheet"
WORKBOOKS = (EXCEL, ODS)
# Every kind a file is read as, as the messages name it (the page words each: i18n
# import.kind.<its position>).
FILE_KINDS = ("GeoJSON", "GeoPackage", "KML", "KMZ", "zipped Shapefile", "CSV", EXCEL, ODS)
_EXTENSIONS = {".geojson": "GeoJSON", ".json": "GeoJSON", ".gpkg": "GeoPackage",
               ".kml": "KML", ".kmz": "KMZ", ".zip": "zipped Shapefile", ".csv": "CSV",
               ".tsv": "CSV", ".txt": "CSV", ".xlsx": EXCEL, ".xlsm": EXCEL, ".ods": ODS}


def read_table(path: Path, name: str | None = None, sheet: str | None = None) -> FileTable:
    """The rows of `path`; `name` is the file's name as the user gave it (an upload's);
    `sheet` the workbook's sheet to read (the first if None)."""
    name = name or path.name
    found = file_kind(path, name)
    if sheet is not None and found not in WORKBOOKS:
        raise ImportFileError(f"--sheet {sheet}: {name} is {found}, not a workbook of sheets")
    if found in WORKBOOKS:
        table = read_sheet(path, name, found, sheet)
    elif found == "CSV":
        table = read_csv(path, name)
    else:
        table = _read_with_gdal(path, name, found)
    if len(table) > MAX_ROWS:
        raise ImportFileError(f"{name}: has {len(table):,} rows; the limit is {MAX_ROWS:,} a "
                              "file (an import holds them all in memory): import it in parts")
    return table


def file_kind(path: Path, name: str | None = None) -> str:
    """What `path` holds (its bytes say, and its name must agree), or ImportFileError."""
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
    return found


def _sniff(path: Path, head: bytes, name: str) -> str:
    if head.startswith(_SQLITE_MAGIC):
        return "GeoPackage"
    if head.startswith(_ZIP_MAGIC):
        return _zip_kind(path, name)
    if head.startswith(_OLE_MAGIC):
        raise ImportFileError(f"{name}: is an Excel 97-2003 workbook (.xls) or an Office file "
                              "with a password; save it as .xlsx, without a password")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        head = head.decode("utf-16", errors="replace").encode("utf-8")
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text[:1] in (b"{", b"["):
        return "GeoJSON"
    if text[:1] == b"<":
        return "KML"
    if b"\x00" in head:
        raise ImportFileError(f"{name}: is binary, not one of GeoJSON, GeoPackage, KML/KMZ, "
                              "a zipped Shapefile, a spreadsheet or CSV")
    return "CSV"


def _zip_kind(path: Path, name: str) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.namelist() if not m.endswith("/")]
            kind = _archive_kind(archive, members)
            # Before testzip, which unpacks every member to check it.
            check_declared(archive, MAX_WORKBOOK_UNPACKED_BYTES if kind in WORKBOOKS
                           else MAX_UNPACKED_BYTES)
            damaged = archive.testzip()
    except UnzipRefused as e:
        raise ImportFileError(f"{name}: {e}") from e
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as e:
        raise ImportFileError(f"{name}: is a damaged or truncated ZIP archive ({e})") from e
    if damaged is not None:
        raise ImportFileError(f"{name}: the ZIP archive's member {damaged!r} is damaged")
    if kind is None:
        held = ", ".join(members[:5]) or "nothing"
        raise ImportFileError(f"{name}: is a ZIP archive holding neither a KML file, one "
                              f"Shapefile nor a spreadsheet (it holds {held})")
    return kind


def _archive_kind(archive: zipfile.ZipFile, members: list[str]) -> str | None:
    if "xl/workbook.xml" in members:
        return EXCEL
    if "mimetype" in members:
        # OpenDocument names its kind in this first member; 100 bytes of it, whatever
        # size it claims.
        with archive.open("mimetype") as f:
            if f.read(100).strip() == _ODS_MIMETYPE:
                return ODS
    if any(m.lower().endswith(".kml") for m in members):
        return "KMZ"
    if sum(m.lower().endswith(".shp") for m in members) == 1:
        return "zipped Shapefile"
    return None


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
    check_width(columns, name)
    attributes = pd.DataFrame({column: [_plain(value) for value in frame[column]]
                               for column in columns}, dtype=object)
    return FileTable(kind, columns, attributes, geometries, notices)


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

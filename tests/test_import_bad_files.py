"""A corpus of bad files: each gets one clear line naming what is wrong, exit 2 (the file
or an argument is unusable) or 3 (rows rejected), and leaves the store exactly as it
was, in both backends. No traceback, ever.

Each case is built here by hand; the expected messages are written by hand.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import zipfile
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point

from tests.hostile_files import write_zip_bomb
from tests.test_import import GOOD_ROWS, HEADER, env_store, run, snapshot  # noqa: F401

GOOD_CSV = "\n".join(",".join(map(str, row)) for row in [HEADER, *GOOD_ROWS]) + "\n"


def _csv(*rows: list[object], header: list[str] = HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _row(**change: object) -> list[object]:
    """A good row with some fields changed."""
    row = dict(zip(HEADER, GOOD_ROWS[0], strict=True))
    row.update(change)
    return [row[k] for k in HEADER]


def _geojson() -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [41.05, 34.4]},
         "properties": {"name": "x", "date": "2024-12-03", "confidence": "media",
                        "source": "Rudaw"}}] * 3}).encode("utf-8")


def _zipped_shapefile(tmp: Path) -> bytes:
    folder = tmp / "shp"
    folder.mkdir(exist_ok=True)
    gpd.GeoDataFrame({"name": ["x"] * 50}, geometry=[Point(41, 34)] * 50,
                     crs="EPSG:4326").to_file(folder / "a.shp", engine="pyogrio")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for part in folder.iterdir():
            z.write(part, part.name)
    return buffer.getvalue()


def _two_layer_geopackage(tmp: Path) -> bytes:
    path = tmp / "two.gpkg"
    frame = gpd.GeoDataFrame({"name": ["x"]}, geometry=[Point(41, 34)], crs="EPSG:4326")
    frame.to_file(path, layer="posts", engine="pyogrio")
    frame.to_file(path, layer="roads", engine="pyogrio")
    return path.read_bytes()


def _foreign_sqlite(tmp: Path) -> bytes:
    path = tmp / "plain.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (a)")
    return path.read_bytes()


DEFAULT_ARGS = ["--layer", "posts", "--key", "key"]
# (file name, its bytes (or a maker given a scratch folder), the arguments if not
# DEFAULT_ARGS, a fragment of the one line that must name the problem)
UNREADABLE: list[tuple[str, bytes | Callable[[Path], bytes], list[str], str]] = [
    ("empty.csv", b"", DEFAULT_ARGS, "empty.csv: is empty"),
    ("blank.geojson", b" \n\n", DEFAULT_ARGS, "blank.geojson: is empty"),
    ("report.geojson", GOOD_CSV.encode(), DEFAULT_ARGS, "its name says GeoJSON, but it holds CSV"),
    ("report.csv", lambda tmp: _geojson(), DEFAULT_ARGS, "its name says CSV, but it holds GeoJSON"),
    ("report.kml", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, DEFAULT_ARGS,
     "is binary, not one of GeoJSON"),
    ("cut.geojson", lambda tmp: _geojson()[:150], DEFAULT_ARGS, "is not valid JSON (line 1"),
    ("cut.zip", lambda tmp: _zipped_shapefile(tmp)[:300], DEFAULT_ARGS,
     "is a damaged or truncated ZIP archive"),
    ("cut.gpkg", lambda tmp: _two_layer_geopackage(tmp)[:9000], DEFAULT_ARGS,
     "is not a readable GeoPackage"),
    ("plain.gpkg", _foreign_sqlite, DEFAULT_ARGS, "is not a readable GeoPackage"),
    ("two.gpkg", _two_layer_geopackage, DEFAULT_ARGS, "holds 2 layers (posts, roads)"),
    ("readme.zip", lambda tmp: _zip_of({"README.txt": b"hello"}), DEFAULT_ARGS,
     "holding neither a KML file, one Shapefile nor a spreadsheet"),
    ("bad.json", b'{"type": "FeatureCollection", "features": [}', DEFAULT_ARGS,
     "is not valid JSON"),
    # GDAL names the file by its path here (for an upload, the server's temporary folder).
    ("broken.kml", b"<kml><Document><Placemark><name>x</Placemark>", DEFAULT_ARGS,
     "broken.kml: is not a readable KML: ERROR parsing kml broken.kml :mismatched tag"),
    ("nolatlon.csv", _csv(["r1", "x", "2024-12-03"], header=["key", "name", "date"]), DEFAULT_ARGS,
     "missing required column(s): a place (lon and lat, or wkt)"),
    ("lononly.csv", _csv(["r1", "x", 41, "2024-12-03", "media", "R"],
                         header=["key", "name", "lon", "date", "confidence", "source"]),
     DEFAULT_ARGS, "lat (beside lon)"),
    ("noname.csv", _csv([41, 34, "2024-12-03", "media", "R"],
                        header=["lon", "lat", "date", "confidence", "source"]),
     ["--layer", "posts"], "a name (name, name_en, name_ar or الاسم)"),
    ("nosource.csv", _csv([41, 34, "x", "2024-12-03", "media"],
                          header=["lon", "lat", "name", "date", "confidence"]),
     ["--layer", "posts"], "a source (a source column, or --source TEXT)"),
    ("noconfidence.csv", _csv([41, 34, "x", "2024-12-03", "R"],
                              header=["lon", "lat", "name", "date", "source"]),
     ["--layer", "posts"], "confidence (official, media_anonymous, media, estimate or reference, "
     "or words for them)"),
    ("nolayer.csv", GOOD_CSV.encode(), ["--key", "key"],
     "a layer (a layer column, or --layer ID)"),
    ("smartquotes.csv", GOOD_CSV.replace("Rudaw", "\u201cRudaw\u201d").encode("cp1252"),
     DEFAULT_ARGS, "is not UTF-8 (byte"),
    ("posts.csv", GOOD_CSV.encode(), ["--layer", "two words", "--key", "key"],
     "--layer: field 'layer'"),
    ("posts.csv", GOOD_CSV.encode(), ["--layer", "posts", "--key", "nosuch"],
     "--key nosuch: the file has no such column"),
    ("doubled.csv", GOOD_CSV.replace("date", "name", 1).encode(), DEFAULT_ARGS,
     "the header names name twice"),
    # 0.9 MB of header: the duplicate check took 170 s (quadratic), now refused at once.
    ("wide.csv", (",".join(f"c{i}" for i in range(100_000)) + "\n" + "1," * 99_999 + "1\n"
                  ).encode(), DEFAULT_ARGS, "wide.csv: has 100,000 columns; the limit is 1,000"),
    ("wide.geojson", json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [41, 34]},
         "properties": {f"p{i}": i for i in range(1_001)}}]}).encode(), DEFAULT_ARGS,
     "wide.geojson: has 1,001 columns; the limit is 1,000"),
]


def _bomb(member: str, head: bytes, filler: bytes, megabytes: int, tail: bytes = b"",
          extra: dict[str, bytes] | None = None) -> Callable[[Path], bytes]:
    """A ZIP archive whose `member` unpacks to `megabytes` MB of `filler`."""
    def make(tmp: Path) -> bytes:
        buffer = io.BytesIO()
        write_zip_bomb(buffer, member, head, filler, megabytes, tail, extra)
        return buffer.getvalue()
    return make


_KML_HEAD = (b'<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
             b"<Placemark><name>x</name><Point><coordinates>41,34</coordinates></Point>"
             b"</Placemark>")
_KML_TAIL = b"</Document></kml>"
# Issue 24: a 4 MB KMZ holding 4 GiB of zeros took 4.3 GB of memory; the limit on what an
# archive unpacks to is 128 MB, checked on its directory and on the bytes as they come.
BOMBS = [
    ("zeros.kmz", _bomb("doc.kml", _KML_HEAD, b"\0", 200, _KML_TAIL), DEFAULT_ARGS,
     "zeros.kmz: its ZIP archive would unpack to 200 MB; the limit is 128 MB"),
    ("spaces.kmz", _bomb("doc.kml", _KML_HEAD, b" ", 200, _KML_TAIL), DEFAULT_ARGS,
     "spaces.kmz: its ZIP archive would unpack to 200 MB; the limit is 128 MB"),
    ("zeros.zip", _bomb("a.shp", b"", b"\0", 200, extra={"a.shx": b"\0" * 100,
                                                       "a.dbf": b"\0" * 100}), DEFAULT_ARGS,
     "zeros.zip: its ZIP archive would unpack to 200 MB; the limit is 128 MB"),
    ("padded.kml", lambda tmp: _KML_HEAD + b" " * (65 * 2**20) + _KML_TAIL, DEFAULT_ARGS,
     "padded.kml: is 65 MB; the limit is 64 MB"),
    ("many.csv", ("key,name,lon,lat,date,confidence,source\n" + "".join(
        f"r{i},x,41,34,2024-12-03,media,R\n" for i in range(100_001))).encode(), DEFAULT_ARGS,
     "many.csv: has 100,001 rows; the limit is 100,000 a file"),
]
UNREADABLE.extend(BOMBS)


def _zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "content", "args", "message"), UNREADABLE,
                         ids=[f"{i}-{c[0]}" for i, c in enumerate(UNREADABLE)])
def test_an_unusable_file_exits_2_and_changes_nothing(env_store, capsys, tmp_path, name,  # noqa: F811
                                                      content, args, message):
    path = tmp_path / name
    path.write_bytes(content(tmp_path) if callable(content) else content)
    before = snapshot(env_store)
    code, out, err = run(capsys, path, *args)
    assert code == 2, (out, err)
    assert message in err, err
    assert out == ""
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err  # one line
    # The file by the name it was given, never its folder: for an upload that folder is
    # the server's own temporary one.
    assert str(tmp_path) not in err, err
    assert snapshot(env_store) == before


def test_a_missing_path_and_a_folder_exit_2(env_store, capsys, tmp_path):  # noqa: F811
    code, _, err = run(capsys, tmp_path / "nowhere.csv", "--layer", "posts")
    assert code == 2
    assert "nowhere.csv: cannot be read" in err
    code, _, err = run(capsys, tmp_path, "--layer", "posts")
    assert code == 2
    assert "is a folder" in err


LONG = "x" * 10_001  # one more than geo/checks.py's MAX_TEXT_CHARS, the data check's limit

# (the rows, the rejected rows' report lines: (line, field, value fragment, reason fragment))
REJECTED = [
    ("out of range", [_row(lat=95.0)], [(2, "lat", "95.0", "latitude is out of range")]),
    ("projected metres", [_row(lon=443_000.0, lat=3_806_000.0)],
     [(2, "geometry", "443000", "looks like projected metres")]),
    ("impossible date", [_row(date="2024-02-30")], [(2, "as_of", "2024-02-30",
                                                     "a day that does not exist")]),
    ("not a date", [_row(date="last Tuesday")], [(2, "as_of", "last Tuesday", "not a date")]),
    ("future report", [_row(date="2999-01-01")],
     [(2, "reported_on", "2999-01-01", "cannot come from the future")]),
    ("duplicate keys", [_row(), _row(name="again")],
     [(2, "key", "posts.r1", "the key appears in rows 2, 3"),
      (3, "key", "posts.r1", "the key appears in rows 2, 3")]),
    ("text over the limit", [_row(name=LONG)],
     [(2, "name_en", "xxxx", "10,001 characters long; the limit is 10,000")]),
    ("control character", [_row(name="bad\x07bell")],
     [(2, "name_en", "bad", "contains the control character U+0007")]),
    ("unknown confidence", [_row(confidence="certain")],
     # The refusal names the words accepted, in both languages.
     [(2, "confidence", "certain", "is not a confidence level: give one of official "
       "(confirmed, مؤكد); media_anonymous (anonymous, غير مؤكد); media (reported")]),
    ("count in words", [_row(count="many")], [(2, "count_value", "many", "whole number")]),
    ("too many fields", [[*GOOD_ROWS[0], "stray"]], [(2, "", "", "has 9 fields; the header "
                                                                 "has 8")]),
    ("cut-off last line", [GOOD_ROWS[0], GOOD_ROWS[1][:3]],
     [(3, "", "", "has 3 fields; the header has 8")]),
]


@pytest.mark.parametrize(("case", "rows", "expected"), REJECTED,
                         ids=[c[0] for c in REJECTED])
def test_rejected_rows_exit_3_are_reported_and_change_nothing(env_store, capsys,  # noqa: F811
                                                              tmp_path, case, rows, expected):
    path = tmp_path / "rows.csv"
    path.write_bytes(_csv(*rows))
    report = tmp_path / "report.csv"
    before = snapshot(env_store)
    code, out, err = run(capsys, path, "--layer", "posts", "--key", "key", "--report", report)
    assert (code, out) == (3, f"0 new, 0 changed, 0 unchanged, 0 retracted, "
                              f"{len({e[0] for e in expected})} rejected"), err
    assert "Traceback" not in err
    assert snapshot(env_store) == before
    lines = list(csv.reader(report.open(encoding="utf-8")))[1:]
    assert len(lines) == len(expected), lines
    for (row, field, value, reason), (line, want_field, want_value, want_reason) in zip(
            lines, expected, strict=True):
        assert (int(row), field) == (line, want_field), lines
        assert want_value in value, lines
        assert want_reason in reason, lines


def test_an_unsafe_link_is_refused(env_store, capsys, tmp_path):  # noqa: F811
    path = tmp_path / "links.csv"
    path.write_bytes(_csv([*_row(), "javascript:alert(document.cookie)"],
                          header=[*HEADER, "link"]))
    code, _out, err = run(capsys, path, "--layer", "posts", "--key", "key")
    assert code == 3
    assert "must be an http:// or https:// address" in err


def test_a_key_repeated_in_many_rows_is_named_once_per_row_briefly(env_store, capsys,  # noqa: F811
                                                                   tmp_path):
    """Each of N rows sharing a key used to list all N rows: 4,111 identical rows took
    1.8 GB, 200,000 ran the machine out of memory. Each now names the count and the
    first ten."""
    path = tmp_path / "same.csv"
    path.write_bytes(_csv(*[_row()] * 5_000))
    report = tmp_path / "report.csv"
    code, _, _ = run(capsys, path, "--layer", "posts", "--key", "key", "--report", report)
    assert code == 3
    lines = list(csv.reader(report.open(encoding="utf-8")))[1:]
    assert len(lines) == 5_000
    assert {line[3] for line in lines} == {
        "the key appears in 5,000 rows: 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, …: a key names one "
        "thing"}


def test_an_archive_that_understates_its_sizes_is_still_stopped(tmp_path, monkeypatch):
    """The count of bytes unpacked stops at the limit whatever the directory declares
    (here its check is switched off, as if every size in it lied)."""
    import imports.unzip

    monkeypatch.setattr(imports.unzip, "check_declared", lambda archive, limit: None)
    path = tmp_path / "bomb.zip"
    path.write_bytes(_bomb("doc.kml", b"", b"\0", 8)(tmp_path))
    with zipfile.ZipFile(path) as archive:
        with pytest.raises(imports.unzip.UnzipRefused, match="unpacks to more than 4 MB"):
            imports.unzip.unpack(archive, ["doc.kml"], tmp_path, 4 * 2**20)
        assert imports.unzip.unpack(archive, ["doc.kml"], tmp_path, 9 * 2**20)

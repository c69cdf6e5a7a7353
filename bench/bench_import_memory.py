"""The import's peak memory on hostile and large files (issue 24, part 4).

    .venv/bin/python bench/bench_import_memory.py [--keep DIR]

Each file is made here (nothing is downloaded) and given to `posture-import --dry-run`
in a process of its own; the figure is that process's peak resident memory (the
kernel's ru_maxrss for that child), with its exit status and the first line it printed.
Goal: <= 1 GB on any single file, bombs refused by name.

- a KMZ holding 4 GiB of zeros (4 MB on disk), and one holding a KML padded with 1 GB of
  spaces;
- a zipped Shapefile whose .shp member is 1 GiB of zeros;
- a KML padded with spaces to the file limit (imports/read.py's MAX_FILE_BYTES), and one in
  a KMZ padded to what an archive may unpack to (MAX_UNPACKED_BYTES);
- the largest files of each readable kind that the limits let through: a CSV of
  MAX_ROWS ACLED-style rows, one of MAX_ROWS rows with long notes up to MAX_FILE_BYTES,
  and a GeoJSON of MAX_ROWS points;
- a CSV of one row more than MAX_ROWS, refused;
- an Excel workbook of MAX_ROWS ACLED-style rows (written by openpyxl), one whose sheet is
  padded with spaces to what an archive may unpack to, and one padded with 1 GB (issue 25:
  calamine unpacks a workbook itself, after imports/read.py has checked its declared sizes).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from imports.read import MAX_FILE_BYTES, MAX_ROWS, MAX_UNPACKED_BYTES  # noqa: E402
from scripts.make_acled_csv import write_acled_csv  # noqa: E402
from tests.hostile_files import write_zip_bomb  # noqa: E402

COMMAND = ROOT / ".venv" / "bin" / "posture-import"
MB = 2**20
KML_HEAD = (b'<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2">'
            b"<Document><Placemark><name>x</name><Point><coordinates>41,34</coordinates>"
            b"</Point></Placemark>")
KML_TAIL = b"</Document></kml>\n"


def _zip_stream(path: Path, member: str, head: bytes, filler: bytes, megabytes: int,
                tail: bytes, extra: dict[str, bytes] | None = None) -> None:
    with path.open("wb") as out:
        write_zip_bomb(out, member, head, filler, megabytes, tail, extra, level=9)


def _padded_kml(path: Path, megabytes: int) -> None:
    with path.open("wb") as out:
        out.write(KML_HEAD)
        chunk = b" " * MB
        for _ in range(megabytes):
            out.write(chunk)
        out.write(KML_TAIL)


def _geojson(path: Path, count: int) -> None:
    """`count` points of distinct names and places."""
    with path.open("wb") as out:
        out.write(b'{"type": "FeatureCollection", "features": [\n')
        for index in range(count):
            feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [
                40 + (index % 997) / 500, 33 + (index % 991) / 500]},
                "properties": {"name": f"post {index} near Al-Qaim", "date": "2024-12-03",
                               "confidence": "media", "source": "Rudaw",
                               "summary": "Reported movement of armour towards the border."}}
            out.write((b",\n" if index else b"") + json.dumps(feature).encode())
        out.write(b"\n]}\n")


def _csv(path: Path, rows: int, limit: int | None = None) -> None:
    """scripts/make_acled_csv.py's rows; with `limit`, their notes lengthened until the
    file is about `limit` bytes."""
    write_acled_csv(path, rows=rows)
    if limit is None:
        return
    with path.open(encoding="utf-8", newline="") as f:
        table = list(csv.reader(f))
    notes = table[0].index("notes")
    extra = max(0, (limit - path.stat().st_size) // rows - 8)
    for row in table[1:]:
        row[notes] = (row[notes] + " " + "reported movement " * (extra // 18 + 1))[:9_000]
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(table)


def _xlsx(path: Path, rows: int) -> None:
    """scripts/make_acled_csv.py's rows as an Excel workbook."""
    import openpyxl

    source = path.with_name(f"{path.stem}-source.csv")  # not the CSV case's own file
    write_acled_csv(source, rows=rows)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("ACLED")
    with source.open(encoding="utf-8", newline="") as f:
        for row in csv.reader(f):
            sheet.append(row)
    book.save(path)
    source.unlink()


def _padded_xlsx(path: Path, megabytes: int) -> None:
    """A one-row workbook whose sheet holds `megabytes` MB of spaces between its rows."""
    import openpyxl

    small = path.with_name("small.xlsx")
    book = openpyxl.Workbook()
    book.active.append(["id", "name", "lon", "lat", "date", "confidence", "source"])
    book.active.append(["1", "x", 41, 34, "2024-12-03", "media", "Rudaw"])
    book.save(small)
    with zipfile.ZipFile(small) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    small.unlink()
    sheet = "xl/worksheets/sheet1.xml"
    head, tail = members.pop(sheet).split(b"</sheetData>")
    _zip_stream(path, sheet, head, b" ", megabytes, b"</sheetData>" + tail, members)


def measure(path: Path, *args: str) -> tuple[float, int, str]:
    """Peak RSS in MB of one posture-import process (os.wait4's rusage of that child
    alone), its exit status, and the first line it printed."""
    with tempfile.TemporaryDirectory() as scratch, \
            (Path(scratch) / "said").open("w+") as said:
        env = {**os.environ, "POSTURE_STORE": str(Path(scratch) / "s.gpkg")}
        process = subprocess.Popen([str(COMMAND), str(path), "--dry-run", *args], env=env,
                                   stdout=said, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        said.seek(0)
        lines = [line for line in said.read().splitlines() if line.strip()]
    return usage.ru_maxrss / 1024, process.returncode, (lines[0] if lines else "")[:160]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="make the files here and keep them")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        cases = [
            ("KML padded to the file limit", "padded.kml",
             lambda p: _padded_kml(p, MAX_FILE_BYTES // MB - 1), ["--layer", "x"]),
            ("KMZ of a KML padded to the unpacked limit", "padded.kmz",
             lambda p: _zip_stream(p, "doc.kml", KML_HEAD, b" ", MAX_UNPACKED_BYTES // MB - 1,
                                   KML_TAIL), ["--layer", "x"]),
            ("KMZ of 4 GiB of zeros", "zeros.kmz",
             lambda p: _zip_stream(p, "doc.kml", KML_HEAD, b"\0", 4096, KML_TAIL),
             ["--layer", "x"]),
            ("KMZ of a KML padded with 1 GB of spaces", "spaces.kmz",
             lambda p: _zip_stream(p, "doc.kml", KML_HEAD, b" ", 1000, KML_TAIL),
             ["--layer", "x"]),
            ("zipped Shapefile, .shp of 1 GiB of zeros", "zeros.zip",
             lambda p: _zip_stream(p, "a.shp", b"", b"\0", 1024, b"",
                                   {"a.shx": b"\0" * 100, "a.dbf": b"\0" * 100}),
             ["--layer", "x"]),
            (f"CSV of {MAX_ROWS:,} ACLED rows", "acled.csv", lambda p: _csv(p, MAX_ROWS), []),
            (f"CSV of {MAX_ROWS:,} rows, long notes", "acled-long.csv",
             lambda p: _csv(p, MAX_ROWS, MAX_FILE_BYTES - 4 * MB), []),
            (f"GeoJSON of {MAX_ROWS:,} points", "points.geojson",
             lambda p: _geojson(p, MAX_ROWS), ["--layer", "x", "--source", "bench"]),
            (f"CSV of {MAX_ROWS + 1:,} ACLED rows", "acled-over.csv",
             lambda p: _csv(p, MAX_ROWS + 1), []),
            (f"Excel workbook of {MAX_ROWS:,} ACLED rows", "acled.xlsx",
             lambda p: _xlsx(p, MAX_ROWS), []),
            ("Excel sheet padded to the unpacked limit", "padded.xlsx",
             lambda p: _padded_xlsx(p, MAX_UNPACKED_BYTES // MB - 1), ["--layer", "x"]),
            ("Excel sheet padded with 1 GB of spaces", "spaces.xlsx",
             lambda p: _padded_xlsx(p, 1000), ["--layer", "x"]),
        ]
        print(f"{'file':44} {'on disk':>9} {'peak RSS':>9} exit  first line")
        for title, name, make, extra in cases:
            path = folder / name
            if not path.exists():
                make(path)
            peak, status, said = measure(path, *extra)
            print(f"{title:44} {path.stat().st_size / MB:7.0f}MB {peak:7.0f}MB {status:4}  "
                  f"{said}", flush=True)


if __name__ == "__main__":
    main()

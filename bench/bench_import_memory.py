"""The import's peak memory on hostile and large files (issue 24, part 4).

    .venv/bin/python bench/bench_import_memory.py [--keep DIR]

Each file is made here (nothing is downloaded) and given to `posture-import --dry-run`
in a process of its own; the figure is that process's peak resident memory (the
kernel's ru_maxrss for that child), with its exit status and the first line it printed.
Goal: <= 1 GB on any single file, bombs refused by name.

- a KMZ holding 4 GiB of zeros (4 MB on disk), and one holding a KML padded with 1 GB of
  spaces;
- a zipped Shapefile whose .shp member is 1 GiB of zeros;
- a KML of the size limit (imports/read.py's MAX_UNPACKED_BYTES) padded with spaces;
- the largest files of each readable kind that the limits let through: a CSV of
  ACLED-style rows and a GeoJSON of points, each near MAX_FILE_BYTES.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from imports.read import MAX_FILE_BYTES, MAX_UNPACKED_BYTES  # noqa: E402
from scripts.make_acled_csv import write_acled_csv  # noqa: E402

COMMAND = ROOT / ".venv" / "bin" / "posture-import"
MB = 2**20
KML_HEAD = (b'<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2">'
            b"<Document><Placemark><name>x</name><Point><coordinates>41,34</coordinates>"
            b"</Point></Placemark>")
KML_TAIL = b"</Document></kml>\n"


def _zip_stream(path: Path, member: str, head: bytes, filler: bytes, megabytes: int,
                tail: bytes, extra: dict[str, bytes] | None = None) -> None:
    chunk = filler * (MB // len(filler))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open(member, "w", force_zip64=True) as out:
            out.write(head)
            for _ in range(megabytes):
                out.write(chunk)
            out.write(tail)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)


def _padded_kml(path: Path, megabytes: int) -> None:
    with path.open("wb") as out:
        out.write(KML_HEAD)
        chunk = b" " * MB
        for _ in range(megabytes):
            out.write(chunk)
        out.write(KML_TAIL)


def _geojson(path: Path, limit: int) -> None:
    """Points of distinct names and places, until the file is about `limit` bytes."""
    written = 0
    with path.open("wb") as out:
        out.write(b'{"type": "FeatureCollection", "features": [\n')
        index = 0
        while written < limit - 400:
            feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [
                40 + (index % 997) / 500, 33 + (index % 991) / 500]},
                "properties": {"name": f"post {index} near Al-Qaim", "date": "2024-12-03",
                               "confidence": "media", "source": "Rudaw",
                               "summary": "Reported movement of armour towards the border."}}
            line = (b",\n" if index else b"") + json.dumps(feature).encode()
            out.write(line)
            written += len(line)
            index += 1
        out.write(b"\n]}\n")


def _csv(path: Path, limit: int) -> None:
    # About 500 bytes a row in scripts/make_acled_csv.py's ACLED shape.
    write_acled_csv(path, rows=max(1, limit // 520))


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
            ("KML padded to the limit", "padded.kml",
             lambda p: _padded_kml(p, MAX_UNPACKED_BYTES // MB - 1), ["--layer", "x"]),
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
            ("CSV of ACLED rows near the file limit", "acled.csv",
             lambda p: _csv(p, MAX_FILE_BYTES - 8 * MB), []),
            ("GeoJSON of points near the file limit", "points.geojson",
             lambda p: _geojson(p, MAX_FILE_BYTES - 8 * MB),
             ["--layer", "x", "--source", "bench"]),
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

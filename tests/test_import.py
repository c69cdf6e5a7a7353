"""posture-import: formats, keyed re-import, all or nothing, and the report, against both
backends. The CLI's own `main` runs in process (its contract: the summary line and the
exit status); tests/test_import_cli.py runs the installed command.

Expected values are written by hand, read from data/features.json with json, or
computed by independent libraries (csv, pyogrio, pyproj) from the files themselves.
"""

from __future__ import annotations

import csv
import json
import subprocess
import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
from pyproj import Transformer
from shapely.geometry import Point
from sqlalchemy import text

from scripts.make_acled_csv import write_acled_csv
from store import open_store
from store.seed import seed
from tests.conftest import DATA_DIR, ROOT

SEED = json.loads((DATA_DIR / "features.json").read_text(encoding="utf-8"))["features"]
EXPORT = ROOT / ".venv" / "bin" / "posture-export"


@pytest.fixture
def env_store(store_location, monkeypatch):
    """The store the CLI reads (POSTURE_STORE or DATABASE_URL), seeded on first use."""
    from tests.conftest import clear_data_caches

    if "://" in store_location:
        monkeypatch.setenv("DATABASE_URL", store_location)
    else:
        monkeypatch.setenv("POSTURE_STORE", store_location)
    monkeypatch.setenv("POSTURE_USER", "analyst-a")
    clear_data_caches()
    store = open_store(store_location)
    seed(store)
    store.close()
    yield store_location
    clear_data_caches()


def run(capsys, *args: str) -> tuple[int, str, str]:
    from imports.cli import main

    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out.strip(), captured.err


def snapshot(location: str) -> tuple[str, int, int, int]:
    """The store's version and row counts, read through a connection of its own."""
    store = open_store(location)
    try:
        with store.engine.connect() as conn:
            counts = [conn.execute(text(f"SELECT count(*) FROM {t}")).scalar()
                      for t in ("claims", "retractions", "layers")]
        return (store.version(), *counts)
    finally:
        store.close()


def current(location: str, layer: str | None = None) -> dict[str, dict]:
    store = open_store(location)
    try:
        return {c.feature_id: c.raw for c in store.current()
                if layer is None or c.raw["layer"] == layer}
    finally:
        store.close()


def write_csv(path: Path, header: list[str], rows: list[list[object]],
              encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


HEADER = ["key", "name", "lon", "lat", "date", "confidence", "source", "count"]
GOOD_ROWS = [
    ["r1", "Checkpoint north of Al-Qaim", 41.05, 34.40, "2024-12-03", "media", "Rudaw", "200"],
    ["r2", "Patrol base at Rutba", 40.28, 33.03, "2024-12-04", "official", "INA", "~1,500"],
    ["r3", "Depot near Sinjar", 41.87, 36.32, "2024-12-05", "estimate", "Analyst", ""],
]


# Our own exports import back unchanged --------------------------------------------

@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> dict[str, Path]:
    """The default view exported by posture-export in each data format (every layer)."""
    folder = tmp_path_factory.mktemp("exports")
    files = {}
    for fmt in ("geojson", "gpkg", "kml", "csv"):
        files[fmt] = folder / f"view.{fmt}"
        subprocess.run([EXPORT, "--format", fmt, "--out", files[fmt], "--layers",
                        "border,alqaim-jordan-sector,nineveh,albukamal,syria-front,"
                        "force-levels,context"], check=True, capture_output=True)
    return files


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "kml", "csv"])
def test_an_export_imports_back_unchanged(env_store, exported, capsys, fmt):
    path = exported[fmt]
    rows = (sum(1 for _ in csv.DictReader(path.open(encoding="utf-8"))) if fmt == "csv"
            else len(pyogrio.read_dataframe(path)))
    assert rows > len(SEED)  # the seed's features and the governorate names
    before = snapshot(env_store)
    code, out, err = run(capsys, path)
    assert (code, out) == (0, f"0 new, 0 changed, {rows} unchanged, 0 retracted, 0 rejected"), err
    assert snapshot(env_store) == before


def test_an_edited_export_supersedes_only_the_changed_row(env_store, exported, capsys,
                                                          tmp_path):
    rows = list(csv.DictReader(exported["csv"].open(encoding="utf-8")))
    for row in rows:
        if row["id"] == "us-troops-iraq":
            row["count_value"] = "2600"
    edited = tmp_path / "edited.csv"
    with edited.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    code, out, _ = run(capsys, edited)
    assert (code, out) == (0, f"0 new, 1 changed, {len(rows) - 1} unchanged, 0 retracted, "
                              "0 rejected")
    claim = current(env_store)["us-troops-iraq"]
    assert claim["count"]["value"] == 2600
    store = open_store(env_store)
    history = store.history("us-troops-iraq")
    store.close()
    assert [e.claim.recorded_by for e in history] == ["seed", "analyst-a"]
    assert [(c.field, c.before, c.after) for c in history[-1].changes] == [
        ("count.value", 2500, 2600)]


# Formats ---------------------------------------------------------------------------

def _frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"name": [r[1] for r in GOOD_ROWS], "date": [r[4] for r in GOOD_ROWS],
         "confidence": [r[5] for r in GOOD_ROWS], "source": [r[6] for r in GOOD_ROWS],
         "key": [r[0] for r in GOOD_ROWS]},
        geometry=[Point(r[2], r[3]) for r in GOOD_ROWS], crs="EPSG:4326")


def test_a_zipped_shapefile_in_utm_is_reprojected(env_store, capsys, tmp_path):
    folder = tmp_path / "shp"
    folder.mkdir()
    _frame().to_crs("EPSG:32638").to_file(folder / "posts.shp", engine="pyogrio")
    archive = tmp_path / "posts.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for part in folder.iterdir():
            z.write(part, part.name)
    code, out, err = run(capsys, archive, "--layer", "posts", "--key", "key")
    assert (code, out) == (0, "3 new, 0 changed, 0 unchanged, 0 retracted, 0 rejected"), err
    assert "reprojected" in err
    claims = current(env_store, "posts")
    lon, lat = claims["posts.r1"]["geometry"]["coordinates"]
    assert (lon, lat) == pytest.approx((41.05, 34.40), abs=1e-6)
    # The same point through pyproj, independently: UTM 38N and back.
    to_utm = Transformer.from_crs("EPSG:4326", "EPSG:32638", always_xy=True)
    back = Transformer.from_crs("EPSG:32638", "EPSG:4326", always_xy=True)
    assert back.transform(*to_utm.transform(41.05, 34.40)) == pytest.approx((lon, lat))


def test_kmz_and_geopackage_files_import(env_store, capsys, tmp_path):
    kml = tmp_path / "doc.kml"
    _frame().to_file(kml, driver="KML", engine="pyogrio")
    kmz = tmp_path / "posts.kmz"
    with zipfile.ZipFile(kmz, "w") as z:
        z.write(kml, "doc.kml")
    code, out, err = run(capsys, kmz, "--layer", "posts-kmz", "--key", "key")
    assert (code, out) == (0, "3 new, 0 changed, 0 unchanged, 0 retracted, 0 rejected"), err
    gpkg = tmp_path / "posts.gpkg"
    _frame().to_file(gpkg, driver="GPKG", engine="pyogrio")
    code, out, err = run(capsys, gpkg, "--layer", "posts-gpkg", "--key", "key")
    assert (code, out) == (0, "3 new, 0 changed, 0 unchanged, 0 retracted, 0 rejected"), err
    assert set(current(env_store, "posts-gpkg")) == {"posts-gpkg.r1", "posts-gpkg.r2",
                                                      "posts-gpkg.r3"}


def test_a_csv_with_wkt_imports_lines_and_areas(env_store, capsys, tmp_path):
    path = write_csv(tmp_path / "shapes.csv", ["id", "name_en", "wkt", "as_of", "confidence",
                                               "source"], [
        ["road-1", "Highway 12 patrol", "LINESTRING (41.0 34.4, 40.3 33.0)", "2024-12-03",
         "media", "Rudaw"],
        ["zone-1", "Exclusion zone", "POLYGON ((41 34, 41.2 34, 41.2 34.2, 41 34))",
         "2024-12-03", "media", "Rudaw"]])
    code, out, err = run(capsys, path, "--layer", "shapes")
    assert (code, out) == (0, "2 new, 0 changed, 0 unchanged, 0 retracted, 0 rejected"), err
    claims = current(env_store, "shapes")
    # A foreign file's ids are namespaced by the layer it went into.
    assert claims["shapes.road-1"]["symbol"] == "line"
    assert claims["shapes.zone-1"]["symbol"] == "area"
    assert claims["shapes.road-1"]["geometry"]["coordinates"] == [[41.0, 34.4], [40.3, 33.0]]


# One language, and text not in UTF-8 ----------------------------------------------

def test_an_english_only_file_makes_one_language_claims(env_store, capsys, tmp_path):
    path = write_csv(tmp_path / "posts.csv", HEADER, GOOD_ROWS)
    code, out, err = run(capsys, path, "--layer", "posts", "--key", "key")
    assert (code, out) == (0, "3 new, 0 changed, 0 unchanged, 0 retracted, 0 rejected"), err
    claim = current(env_store, "posts")["posts.r2"]
    assert claim["name_en"] == "Patrol base at Rutba"
    assert "name_ar" not in claim  # nothing translated
    assert claim["count"] == {"value": 1500, "approximate": True}
    assert claim["sources"] == [{"who": "INA"}]
    assert claim["reported_on"] == "2024-12-04"
    assert claim["reported_on_inferred"] is True
    # Import it again: the same file adds nothing.
    code, out, _ = run(capsys, path, "--layer", "posts", "--key", "key")
    assert (code, out) == (0, "0 new, 0 changed, 3 unchanged, 0 retracted, 0 rejected")


def test_a_windows_arabic_file_with_arabic_headers_imports(env_store, capsys, tmp_path):
    path = write_csv(tmp_path / "تقرير.csv",
                     ["المعرف", "الاسم", "خط الطول", "خط العرض", "التاريخ", "الثقة", "المصدر"],
                     [["a1", "نقطة تفتيش القائم", "41.05", "34.40", "2024-12-03", "media",
                       "وكالة الأنباء العراقية"]], encoding="cp1256")
    code, out, err = run(capsys, path, "--layer", "arabic")
    assert (code, out) == (0, "1 new, 0 changed, 0 unchanged, 0 retracted, 0 rejected"), err
    assert "Windows-1256" in err
    claim = current(env_store, "arabic")["arabic.a1"]
    assert claim["name_ar"] == "نقطة تفتيش القائم"
    assert "name_en" not in claim
    assert claim["sources"] == [{"who_ar": "وكالة الأنباء العراقية"}]
    assert claim["geometry"]["coordinates"] == [41.05, 34.4]


def test_arabic_indic_digits_are_numbers(env_store, capsys, tmp_path):
    path = write_csv(tmp_path / "digits.csv", ["id", "الاسم", "خط الطول", "خط العرض",
                                               "التاريخ", "الثقة", "المصدر", "العدد"],
                     [["d1", "القائم", "٤١٫٠٥", "٣٤٫٤", "٢٠٢٤-١٢-٠٣", "media", "واع", "١٬٥٠٠"]])
    code, out, err = run(capsys, path, "--layer", "digits")
    assert (code, out) == (0, "1 new, 0 changed, 0 unchanged, 0 retracted, 0 rejected"), err
    claim = current(env_store, "digits")["digits.d1"]
    assert claim["geometry"]["coordinates"] == [41.05, 34.4]
    assert claim["as_of"] == "2024-12-03"
    assert claim["count"] == {"value": 1500}


def test_a_latin1_file_imports_with_a_note(env_store, capsys, tmp_path):
    path = write_csv(tmp_path / "latin.csv", HEADER,
                     [["l1", "Al-Qaïm crossing", 41.05, 34.4, "2024-12-03", "media",
                       "Le Monde", ""]], encoding="latin-1")
    code, out, err = run(capsys, path, "--layer", "latin", "--key", "key")
    assert (code, out) == (0, "1 new, 0 changed, 0 unchanged, 0 retracted, 0 rejected"), err
    assert "read as Latin-1" in err
    assert current(env_store, "latin")["latin.l1"]["name_en"] == "Al-Qaïm crossing"


# All or nothing, --partial, the report, --dry-run ----------------------------------

BAD_ROW = ["r4", "Somewhere", 41.0, 95.0, "2024-12-06", "media", "Rudaw", ""]


def test_one_bad_row_and_nothing_is_imported(env_store, capsys, tmp_path):
    path = write_csv(tmp_path / "mixed.csv", HEADER, [*GOOD_ROWS, BAD_ROW])
    before = snapshot(env_store)
    report = tmp_path / "report.csv"
    code, out, err = run(capsys, path, "--layer", "posts", "--key", "key", "--report", report)
    assert (code, out) == (3, "0 new, 0 changed, 0 unchanged, 0 retracted, 1 rejected")
    assert "nothing imported" in err
    assert snapshot(env_store) == before  # not even the new layer
    rows = list(csv.reader(report.open(encoding="utf-8")))
    assert rows[0] == ["row", "field", "value", "reason"]
    assert len(rows) == 2
    # Line 5 of the file (the header is line 1), the field, the value, the reason.
    assert rows[1] == ["5", "lat", "95.0", "latitude is out of range: it must be from -90 "
                                            "to 90"]


def test_a_header_spanning_two_lines_keeps_every_rows_line_number(env_store, capsys,
                                                                   tmp_path):
    """A quoted header cell holding a line break: the first row is line 3, not part of
    the header, and a bad row is reported at its own line."""
    # The header's second line holds as many fields as the header: read as a row, it
    # would be refused (lon "lon") at line 2.
    header = ["remarks\n(not read)", *HEADER]
    path = write_csv(tmp_path / "two-line-header.csv", header,
                     [["", *row] for row in [*GOOD_ROWS, BAD_ROW]])
    report = tmp_path / "report.csv"
    code, out, _ = run(capsys, path, "--layer", "posts", "--key", "key", "--report", report)
    assert (code, out) == (3, "0 new, 0 changed, 0 unchanged, 0 retracted, 1 rejected")
    rows = list(csv.reader(report.open(encoding="utf-8")))
    assert [row[:2] for row in rows[1:]] == [["6", "lat"]]


def test_partial_imports_the_valid_rows_and_still_exits_3(env_store, capsys, tmp_path):
    path = write_csv(tmp_path / "mixed.csv", HEADER, [*GOOD_ROWS, BAD_ROW])
    code, out, _ = run(capsys, path, "--layer", "posts", "--key", "key", "--partial")
    assert (code, out) == (3, "3 new, 0 changed, 0 unchanged, 0 retracted, 1 rejected")
    assert set(current(env_store, "posts")) == {"posts.r1", "posts.r2", "posts.r3"}


def test_a_dry_run_counts_and_writes_nothing(env_store, capsys, tmp_path):
    path = write_csv(tmp_path / "posts.csv", HEADER, GOOD_ROWS)
    before = snapshot(env_store)
    code, out, err = run(capsys, path, "--layer", "posts", "--key", "key", "--dry-run")
    assert (code, out) == (0, "3 new, 0 changed, 0 unchanged, 0 retracted, 0 rejected")
    assert "dry run" in err
    assert snapshot(env_store) == before


# ACLED, keyed re-import and --retract-missing ---------------------------------------

def test_acled_keyed_reimport_change_and_retraction(env_store, capsys, tmp_path):
    path = write_acled_csv(tmp_path / "acled.csv", rows=40)
    code, out, err = run(capsys, path)
    assert (code, out) == (0, "40 new, 0 changed, 0 unchanged, 0 retracted, 0 rejected"), err
    assert "made layer 'acled'" in err
    store = open_store(env_store)
    assert [layer.layer_id for layer in store.layers()] == ["acled"]
    store.close()
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    claim = current(env_store, "acled")["acled." + rows[0]["event_id_cnty"]]
    assert claim["as_of"] == rows[0]["event_date"]
    assert claim["actor_en"] == rows[0]["actor1"]
    assert claim["sources"] == [{"who": rows[0]["source"], "via": "ACLED"}]
    assert claim["geometry"]["coordinates"] == [float(rows[0]["longitude"]),
                                                float(rows[0]["latitude"])]
    # The same file again adds nothing.
    code, out, _ = run(capsys, path)
    assert (code, out) == (0, "0 new, 0 changed, 40 unchanged, 0 retracted, 0 rejected")
    # One row changed, two rows gone: one superseding claim, two retractions.
    rows[5]["fatalities"] = "9"
    kept = rows[:-2]
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(kept)
    code, out, _ = run(capsys, path, "--retract-missing")
    assert (code, out) == (0, "0 new, 1 changed, 37 unchanged, 2 retracted, 0 rejected")
    now = current(env_store, "acled")
    assert set(now) == {"acled." + r["event_id_cnty"] for r in kept}
    assert now["acled." + rows[5]["event_id_cnty"]]["count"]["words_en"] == \
        "9 fatalities reported"
    # The seed's layers were not touched by the ACLED layer's retractions.
    assert set(current(env_store)) >= {f["id"] for f in SEED}


def test_a_new_layer_joins_the_catalogue(env_store, capsys, tmp_path):
    from layers.catalogue import catalogue

    path = write_csv(tmp_path / "posts.csv", HEADER, GOOD_ROWS)
    assert "posts" not in {e.id for e in catalogue()}
    run(capsys, path, "--layer", "posts", "--key", "key")
    entry = next(e for e in catalogue() if e.id == "posts")
    assert (entry.group, entry.default_on, entry.title_en) == ("imports", True, "posts")
    assert entry.color.startswith("#")
    assert len(entry.color) == 7

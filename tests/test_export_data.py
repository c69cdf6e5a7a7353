"""Data exports round-trip through pyogrio; the command line refuses bad arguments cleanly."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess

import geopandas as gpd
import pandas as pd
import pytest

from exports.cli import main
from exports.view import View, features_in_view
from tests.conftest import DATA_DIR, ROOT, load_json

FEATURES = features_in_view(View())
# What each exported row must say, read straight from the data file (not through the
# code that writes the exports), and joined the way the README documents it.
RAW = {f["id"]: f for f in load_json(DATA_DIR / "features.json")["features"]}
RAW_COLUMNS = ["layer", "name_en", "name_ar", "kind", "kind_ar", "actor_en", "actor_ar",
               "confidence", "geometry_note", "geometry_note_ar", "as_of", "reported_on"]


def sources_as_documented(raw: dict, lang: str) -> str:
    """'who, via whom [FACTS row]; …' in English, 'who، عبر via [row]؛ …' in Arabic."""
    suffix = "_ar" if lang == "ar" else ""
    via_word, separator = ("، عبر ", "؛ ") if lang == "ar" else (", via ", "; ")
    return separator.join(
        s[f"who{suffix}"] + (via_word + s[f"via{suffix}"] if s.get(f"via{suffix}") else "")
        + f" [{s['fact']}]" for s in raw["sources"])


def normalised(value: object, width: int | None = None) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
        return None
    return str(value)[:width]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    cli = shutil.which("posture-export") or str(ROOT / ".venv" / "bin" / "posture-export")
    return subprocess.run([cli, *args], capture_output=True, text=True, check=False)


def test_default_view_holds_the_seed_features():
    ids = {f.record.id for f in FEATURES}
    assert {"iraq-syria-border", "alqaim-jordan-armour", "pmf-crossing-into-syria",
            "us-troops-iraq", "aleppo-taken"} <= ids


def test_bbox_and_layers_narrow_the_view():
    view = View(bbox=(40.5, 34.0, 41.5, 34.8), layer_ids=("albukamal", "context"))
    ids = {f.record.id for f in features_in_view(view)}
    assert "pmf-crossing-into-syria" in ids
    assert "town-al-qaim" in ids
    assert "aleppo-taken" not in ids
    assert "iraq-syria-border" not in ids  # its layer is not selected


def test_as_of_leaves_out_later_reports():
    ids = {f.record.id for f in features_in_view(View(as_of=dt.date(2024, 1, 25)))}
    assert "us-troops-iraq" in ids
    assert "pmf-crossing-into-syria" not in ids
    assert "alqaim-jordan-armour" not in ids


@pytest.mark.parametrize(("fmt", "driver"), [("geojson", None), ("gpkg", None),
                                               ("kml", "LIBKML")])
def test_vector_formats_round_trip(tmp_path, fmt, driver):
    out = tmp_path / f"view.{fmt}"
    assert main(["--format", fmt, "--out", str(out)]) == 0
    back = gpd.read_file(out, engine="pyogrio", **({"driver": driver} if driver else {}))
    assert sorted(back["id"]) == sorted(f.record.id for f in FEATURES)
    rows = back.set_index("id")
    for feature_id, raw in RAW.items():
        if feature_id not in rows.index:
            continue
        row = rows.loc[feature_id]
        for column in RAW_COLUMNS:
            # GDAL reads ISO dates back as dates: compare the day, not the type.
            width = 10 if column in ("as_of", "reported_on") else None
            assert normalised(row[column], width) == normalised(raw[column]), \
                (feature_id, column)
        for column in ("count_words_en", "count_words_ar"):
            assert normalised(row[column]) == raw["count"].get(column.removeprefix("count_")), \
                (feature_id, column)
        assert row["sources"] == sources_as_documented(raw, "en"), feature_id
        assert row["sources_ar"] == sources_as_documented(raw, "ar"), feature_id
    # Literal rows, from FACTS.md B7, B8 and F1 and the seed's Arabic.
    pmf, us = rows.loc["pmf-crossing-into-syria"], rows.loc["us-troops-iraq"]
    assert pmf["sources_ar"] == ("مصدر بارز في الجيش السوري، عبر رويترز [B7]؛ "
                                 "مصدران عسكريان سوريان، عبر رويترز [B8]")
    assert pmf["sources"] == ("a senior Syrian army source, via Reuters [B7]; "
                              "two Syrian military sources, via Reuters [B8]")
    assert (pmf["count_text"], pmf["count_text_ar"]) == ("dozens", "العشرات")
    assert pd.isna(pmf["count_value"]) or pmf["count_value"] in ("", None)
    assert (us["count_text"], us["count_text_ar"]) == ("about 2,500", "نحو 2,500")
    assert us["confidence_text_ar"] == "نقلته وسائل إعلام"
    assert rows.loc["iraq-syria-border", "geometry"].geom_type == "LineString"
    assert rows.loc["nineveh-governorate", "geometry"].geom_type in ("Polygon", "MultiPolygon")


def test_csv_has_a_row_per_feature_with_wkt(tmp_path):
    out = tmp_path / "view.csv"
    assert main(["--format", "csv", "--out", str(out)]) == 0
    table = pd.read_csv(out)
    assert len(table) == len(FEATURES)
    assert table["wkt"].str.match(r"^(POINT|LINESTRING|POLYGON|MULTIPOLYGON)").all()
    assert table.set_index("id").loc["us-troops-iraq", "count_value"] == 2500


def test_list_layers_prints_ids_and_titles():
    result = run_cli("--list-layers")
    assert result.returncode == 0
    assert "border\tIraq–Syria border" in result.stdout


@pytest.mark.parametrize(("args", "named"), [
    (["--layers", "border,nowhere"], "argument --layers: unknown layer 'nowhere'"),
    (["--bbox", "46,31,40,38"], "argument --bbox: inverted"),
    (["--bbox", "40,31,46,98"], "argument --bbox: out of range"),
    (["--bbox", "forty"], "argument --bbox: expected W,S,E,N"),
    (["--format", "tiff"], "argument --format: invalid choice: 'tiff'"),
    (["--dpi", "20"], "argument --dpi: must be between 96 and 600"),
    (["--dpi", "700"], "argument --dpi: must be between 96 and 600"),
    (["--as-of", "2024-02-30"], "argument --as-of: expected YYYY-MM-DD"),
])
def test_bad_arguments_exit_2_with_one_line_and_no_file(tmp_path, args, named):
    out = tmp_path / "view.geojson"
    base = ["--format", "geojson", "--out", str(out)]
    result = run_cli(*base, *args) if "--format" not in args else run_cli(
        "--out", str(out), *args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert named in lines[0]
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("target", ["missing-folder/view.geojson", "a-file/view.geojson"])
def test_unwritable_path_exits_2_and_leaves_nothing(tmp_path, target):
    (tmp_path / "a-file").write_text("not a folder")
    before = sorted(p.name for p in tmp_path.iterdir())
    result = run_cli("--format", "geojson", "--out", str(tmp_path / target))
    assert result.returncode == 2
    assert "argument --out" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_special_files_are_never_replaced():
    result = run_cli("--format", "csv", "--out", "/dev/null")
    assert result.returncode == 2
    assert "not a regular file" in result.stderr
    assert not __import__("pathlib").Path("/dev/null").is_file()


def test_a_failed_render_leaves_no_partial_file(tmp_path, monkeypatch):
    import exports.cli as cli

    def broken(features, fmt, path, display=None):
        path.write_text("half a file")
        raise RuntimeError("disk full")

    monkeypatch.setattr(cli, "write_data", broken)
    with pytest.raises(RuntimeError):
        main(["--format", "geojson", "--out", str(tmp_path / "view.geojson")])
    assert list(tmp_path.iterdir()) == []


def test_console_script_is_installed():
    script = ROOT / ".venv" / "bin" / "posture-export"
    assert os.access(script, os.X_OK), f"{script} is missing or not executable"
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0
    assert "--format {png,pdf,svg,html,geojson,gpkg,kml,csv}" in result.stdout

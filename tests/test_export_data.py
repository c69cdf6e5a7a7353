"""Data exports round-trip through pyogrio; the command line refuses bad arguments cleanly."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys

import geopandas as gpd
import pandas as pd
import pytest

from exports.cli import main
from exports.data import features_frame
from exports.view import View, features_in_view
from tests.conftest import ROOT

FEATURES = features_in_view(View())
EXPECTED = features_frame(FEATURES)
KEY_COLUMNS = ["id", "layer", "name_en", "name_ar", "count_text", "count_words_ar", "as_of",
               "reported_on", "sources", "confidence", "geometry_note",
               # the Arabic twins: a data export serves readers of either language
               "kind_ar", "count_text_ar", "sources_ar", "confidence_text_ar",
               "geometry_note_ar"]


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
    assert len(back) == len(EXPECTED)
    back = back.set_index("id").loc[EXPECTED["id"]].reset_index()
    for column in KEY_COLUMNS:
        got = back[column].astype(object).where(back[column].notna(), None)
        want = EXPECTED[column].astype(object).where(EXPECTED[column].notna(), None)
        # GDAL reads ISO dates back as dates: compare the day, not the type.
        width = 10 if column in ("as_of", "reported_on") else None
        assert [None if v in (None, "") else str(v)[:width] for v in got] == \
               [None if v in (None, "") else str(v)[:width] for v in want], column
    assert back.geometry.geom_type.tolist() == EXPECTED.geometry.geom_type.tolist()
    words = back.set_index("id").loc["pmf-crossing-into-syria"]
    assert words["count_words_en"] == "dozens"
    assert pd.isna(words["count_value"]) or words["count_value"] in ("", None)


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

    def broken(features, fmt, path):
        path.write_text("half a file")
        raise RuntimeError("disk full")

    monkeypatch.setattr(cli, "write_data", broken)
    with pytest.raises(RuntimeError):
        main(["--format", "geojson", "--out", str(tmp_path / "view.geojson")])
    assert list(tmp_path.iterdir()) == []


def test_console_script_is_installed():
    assert (ROOT / ".venv" / "bin" / "posture-export").exists() or shutil.which("posture-export")
    assert sys.executable

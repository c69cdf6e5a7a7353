"""posture-export against careless and hostile use: empty views, names without an
extension, control characters, dates out of range, and runs killed half-way.

Expected values come from independent readers (json, csv, lxml, pyogrio) and literals.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import geopandas as gpd
import pytest
from lxml import etree

from tests.conftest import ROOT

CLI = str(ROOT / ".venv" / "bin" / "posture-export")
KML_NS = {"kml": "http://www.opengis.net/kml/2.2"}
# A view in the Atlantic, where the map has nothing.
EMPTY_VIEW = "--bbox=-30,0,-20,10"
# The header a CSV export must have, written out by hand from the README's promise
# (every attribute in both languages) and the data README's field list.
CSV_HEADER = [
    "id", "layer", "name_en", "name_ar", "kind", "kind_ar", "actor_en", "actor_ar",
    "summary_en", "summary_ar", "count_text", "count_text_ar", "count_value", "count_low",
    "count_high", "count_approximate", "count_words_en", "count_words_ar", "as_of",
    "reported_on", "reported_on_inferred", "sources", "sources_ar", "confidence",
    "confidence_text", "confidence_text_ar", "geometry_approximate", "geometry_note",
    "geometry_note_ar",
    # A unit's actor, its symbol code as the export's viewpoint draws it, the
    # affiliation and the viewpoint (README: unit symbols; data/README.md).
    "actor_id", "sidc", "affiliation", "viewpoint",
    # The rest of each claim, so that an export imports back unchanged (issue 11).
    "symbol", "label_en", "label_ar", "count_quantity_en", "count_quantity_ar",
    "as_of_precision", "valid_from", "valid_to", "validity_note", "validity_note_ar",
    "series", "sources_json", "geometry_ref",
    # An event's coded facts, empty for anything else (README: event layers; issue 13).
    "event_type", "event_sub_type", "event_actor1", "event_actor2", "event_fatalities",
    "event_geo_precision", "wkt",
]


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([CLI, *args], capture_output=True, text=True, check=False, cwd=cwd)


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


# 1. An empty view gives a valid, empty file and a notice.

def test_empty_view_geojson_is_an_empty_feature_collection(tmp_path):
    out = tmp_path / "e.geojson"
    result = run_cli("--format", "geojson", "--out", str(out), EMPTY_VIEW)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    payload = json.loads(out.read_text(encoding="utf-8"))
    assert payload["type"] == "FeatureCollection"
    assert payload["features"] == []
    assert "0 features" in result.stdout
    assert "no feature of the chosen layers lies in the view" in result.stderr


def test_empty_view_csv_is_the_header_alone(tmp_path):
    out = tmp_path / "e.csv"
    result = run_cli("--format", "csv", "--out", str(out), EMPTY_VIEW)
    assert result.returncode == 0, result.stderr
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows == [CSV_HEADER]


def test_empty_view_geopackage_is_an_empty_layer_with_every_column(tmp_path):
    out = tmp_path / "e.gpkg"
    result = run_cli("--format", "gpkg", "--out", str(out), EMPTY_VIEW)
    assert result.returncode == 0, result.stderr
    frame = gpd.read_file(out, layer="features")
    assert len(frame) == 0
    assert list(frame.columns) == [*CSV_HEADER[:-1], "geometry"]


def test_empty_view_kml_is_a_document_without_placemarks(tmp_path):
    out = tmp_path / "e.kml"
    result = run_cli("--format", "kml", "--out", str(out), EMPTY_VIEW)
    assert result.returncode == 0, result.stderr
    tree = etree.parse(str(out))
    assert tree.getroot().tag == "{http://www.opengis.net/kml/2.2}kml"
    assert tree.findall(".//kml:Placemark", KML_NS) == []


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf", "html"])
def test_empty_view_maps_still_render(tmp_path, fmt):
    out = tmp_path / f"e.{fmt}"
    result = run_cli("--format", fmt, "--out", str(out), EMPTY_VIEW, "--dpi", "96")
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 1000


# 7. KML without an extension is a file, never a folder.

def test_kml_without_extension_is_a_file(tmp_path):
    out = tmp_path / "NAME"
    result = run_cli("--format", "kml", "--out", str(out), "--layers", "border")
    assert result.returncode == 0, result.stderr
    assert out.is_file()
    placemarks = etree.parse(str(out)).findall(".//kml:Placemark", KML_NS)
    assert [p.get("id") for p in placemarks] == ["iraq-syria-border"]
    names = placemarks[0].xpath(".//kml:SimpleData[@name='name_en']/text()", namespaces=KML_NS)
    assert names == ["Iraq–Syria border"]
    assert hidden(tmp_path) == []


def test_kml_over_an_existing_file_without_extension_replaces_it(tmp_path):
    out = tmp_path / "NAME"
    out.write_text("an older export")
    result = run_cli("--format", "kml", "--out", str(out), "--layers", "border")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert etree.parse(str(out)).getroot().tag == "{http://www.opengis.net/kml/2.2}kml"
    assert hidden(tmp_path) == []


@pytest.mark.parametrize("fmt", ["gpkg", "geojson", "csv", "svg"])
@pytest.mark.filterwarnings("ignore:.*non conformant file extension:RuntimeWarning")
def test_any_format_without_extension_is_a_readable_file(tmp_path, fmt):
    out = tmp_path / "briefing"
    result = run_cli("--format", fmt, "--out", str(out), "--layers", "border", "--dpi", "96")
    assert result.returncode == 0, result.stderr
    assert out.is_file()
    if fmt in ("gpkg", "geojson"):
        assert gpd.read_file(out)["id"].tolist() == ["iraq-syria-border"]
    assert hidden(tmp_path) == []


# 8. Control characters in free text are refused with exit 2.

@pytest.mark.parametrize(("option", "value", "named"), [
    ("--title", "A\x01B", "argument --title: contains the control character U+0001"),
    ("--title", "A\x1bB", "argument --title: contains the control character U+001B"),
    ("--title", "x" * 201, "argument --title: is 201 characters long"),
    ("--layers", "border\x07", "argument --layers: contains the control character U+0007"),
])
def test_control_characters_in_free_text_exit_2(tmp_path, option, value, named):
    out = tmp_path / "t.svg"
    result = run_cli("--format", "svg", "--out", str(out), option, value)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert named in lines[0]
    assert list(tmp_path.iterdir()) == []


def test_control_character_in_the_output_name_exits_2(tmp_path):
    result = run_cli("--format", "csv", "--out", str(tmp_path / "a\x01b.csv"))
    assert result.returncode == 2
    assert "argument --out: contains the control character U+0001" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_title_with_every_kind_of_text_gives_well_formed_svg(tmp_path):
    out = tmp_path / "t.svg"
    title = "Border <b>&amp;</b> ${x} `y` \\ الحدود\ttab"
    result = run_cli("--format", "svg", "--out", str(out), "--title", title)
    assert result.returncode == 0, result.stderr
    texts = "".join(etree.parse(str(out)).getroot().itertext())
    assert "Border <b>&amp;</b>" in texts


# 11. The command line keeps to the app's date range.

def _on_the_day(date: str) -> str:
    """"today" and "tomorrow" read when the test runs, not when it is collected: a run
    that crossed midnight once tested as tomorrow the day that had become today."""
    days = {"today": 0, "tomorrow": 1}
    return (dt.date.today() + dt.timedelta(days=days[date])).isoformat() if date in days \
        else date


@pytest.mark.parametrize("date", ["9999-12-31", "2008-12-31", "tomorrow"])
def test_as_of_outside_the_maps_range_exits_2(tmp_path, date):
    date = _on_the_day(date)
    result = run_cli("--format", "csv", "--out", str(tmp_path / "d.csv"), "--as-of", date)
    assert result.returncode == 2
    assert f"argument --as-of: {date} is outside the map's range, 2009-01-01 to today" \
        in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("date", ["2009-01-01", "today"])
def test_as_of_at_either_end_of_the_range_is_accepted(tmp_path, date):
    date = _on_the_day(date)
    result = run_cli("--format", "csv", "--out", str(tmp_path / "d.csv"), "--as-of", date)
    assert result.returncode == 0, result.stderr


# 9. Killed exports leave nothing behind, or the next export removes it.

# Runs the real command line with its data writer made slow, so a signal can
# arrive while the temporary file exists. Everything else is the real code.
SLOW_EXPORT = """
import sys, time
import exports.cli as cli
def slow(features, fmt, path, display=None):
    path.write_text("half a file")
    print("writing", flush=True)
    time.sleep(60)
cli.write_data = slow
sys.exit(cli.main(sys.argv[1:]))
"""


def start_slow_export(out: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_EXPORT, "--format", "geojson", "--out", str(out)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "writing", process.stderr.read()
    return process


def test_sigterm_removes_the_temporary_file_and_keeps_the_target(tmp_path):
    out = tmp_path / "view.geojson"
    out.write_text("the previous export")
    process = start_slow_export(out)
    assert len(hidden(tmp_path)) == 1  # the temporary file, while writing
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 128 + signal.SIGTERM
    assert hidden(tmp_path) == []
    assert out.read_text() == "the previous export"


def test_the_next_export_removes_what_a_killed_one_left(tmp_path):
    out = tmp_path / "view.geojson"
    out.write_text("the previous export")
    process = start_slow_export(out)
    process.kill()
    process.wait(timeout=30)
    leftovers = hidden(tmp_path)
    assert len(leftovers) == 1
    assert leftovers[0].startswith(".view.geojson.partial-")
    assert out.read_text() == "the previous export"
    # Another export into the same folder, of another file.
    result = run_cli("--format", "csv", "--out", str(tmp_path / "other.csv"))
    assert result.returncode == 0, result.stderr
    assert hidden(tmp_path) == []
    assert out.read_text() == "the previous export"


def test_an_export_in_progress_is_not_taken_for_a_leftover(tmp_path):
    out = tmp_path / "view.geojson"
    process = start_slow_export(out)
    try:
        result = run_cli("--format", "csv", "--out", str(tmp_path / "other.csv"))
        assert result.returncode == 0, result.stderr
        assert len(hidden(tmp_path)) == 1  # the running export's file is still there
    finally:
        process.kill()
        process.wait(timeout=30)


def test_old_leftovers_go_even_if_their_process_id_is_in_use(tmp_path):
    # Process ids are reused: after a day a leftover is removed whoever has its id.
    stale = tmp_path / f".view.geojson.partial-{os.getpid()}-abcd1234.geojson"
    stale.write_text("left by a run killed long ago")
    day_ago = time.time() - 25 * 3600
    os.utime(stale, (day_ago, day_ago))
    result = run_cli("--format", "csv", "--out", str(tmp_path / "other.csv"))
    assert result.returncode == 0, result.stderr
    assert hidden(tmp_path) == []


def test_files_that_only_look_like_leftovers_are_kept(tmp_path):
    mine = [tmp_path / ".notes.partial-draft", tmp_path / ".bashrc", tmp_path / "view.partial-1-x"]
    for path in mine:
        path.write_text("not ours")
    result = run_cli("--format", "csv", "--out", str(tmp_path / "other.csv"))
    assert result.returncode == 0, result.stderr
    assert all(path.exists() for path in mine)

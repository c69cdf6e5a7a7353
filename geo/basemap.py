"""The committed Natural Earth basemap files, loaded as GeoDataFrames."""

from __future__ import annotations

from functools import cache

import geopandas as gpd

from geo.errors import DataFileError
from geo.paths import data_dir

__all__ = ["admin1_full", "countries", "country_name", "governorates"]


def _read(name: str, columns: tuple[str, ...]) -> gpd.GeoDataFrame:
    """A basemap file with the columns the code reads, every row with a valid area."""
    relative = f"basemap/{name}"  # messages reach the page: no server paths
    path = data_dir() / relative
    if not path.is_file():
        raise DataFileError(f"basemap file missing: {relative} "
                            "(run `make basemap` to rebuild it)")
    try:
        frame = gpd.read_file(path)
    except Exception as e:  # pyogrio raises several types; all mean "unreadable"
        reason = str(e).replace(str(path), relative)
        raise DataFileError(f"basemap file unreadable: {relative}: {reason}") from e
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataFileError(f"basemap file {relative}: missing columns {missing} "
                            "(run `make basemap` to rebuild it)")
    if frame.empty:
        raise DataFileError(f"basemap file {relative}: holds no features")
    polygons = frame.geometry.geom_type.isin(["Polygon", "MultiPolygon"])
    if not (polygons & frame.geometry.is_valid).all():
        row = int((~(polygons & frame.geometry.is_valid)).to_numpy().argmax())
        raise DataFileError(f"basemap file {relative}: feature #{row} has no valid "
                            "polygon geometry")
    return frame.set_crs("EPSG:4326", allow_override=True)


@cache
def countries() -> gpd.GeoDataFrame:
    """Country outlines for display (simplified), with English and Arabic names."""
    return _read("countries.geojson", ("iso_a2", "name_en", "name_ar"))


@cache
def country_name(iso_a2: str, lang: str) -> str:
    """A basemap country's name in `lang` ("ar" or otherwise English)."""
    row = countries().set_index("iso_a2").loc[iso_a2]
    return str(row["name_ar"] if lang == "ar" else row["name_en"])


@cache
def governorates() -> gpd.GeoDataFrame:
    """Iraq's and Syria's governorates for display (simplified)."""
    return _read("governorates.geojson", ("iso_a2", "iso_3166_2", "name_en", "name_ar",
                                           "label_lon", "label_lat"))


@cache
def admin1_full() -> gpd.GeoDataFrame:
    """Iraq's and Syria's governorates at full precision, for measuring."""
    return _read("iraq_syria_admin1.geojson", ("iso_a2", "iso_3166_2"))

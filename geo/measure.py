"""True distances and areas on the WGS 84 ellipsoid."""

from __future__ import annotations

from pyproj import Geod
from shapely.geometry.base import BaseGeometry

__all__ = ["area_km2", "distance_km", "length_km"]

_GEOD = Geod(ellps="WGS84")


def length_km(geometry: BaseGeometry) -> float:
    return _GEOD.geometry_length(geometry) / 1000.0


def area_km2(geometry: BaseGeometry) -> float:
    area_m2, _ = _GEOD.geometry_area_perimeter(geometry)
    return abs(area_m2) / 1e6


def distance_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    _, _, metres = _GEOD.inv(lon1, lat1, lon2, lat2)
    return metres / 1000.0

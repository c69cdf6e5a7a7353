"""The snapshot formats, without importing what renders them (matplotlib is slow to load)."""

from __future__ import annotations

__all__ = ["DATA_FORMATS", "EXPORT_FORMATS", "MIME_TYPES", "STATIC_FORMATS"]

STATIC_FORMATS = ("png", "pdf", "svg")
# format -> (pyogrio driver, file extension); CSV is written by pandas.
DATA_FORMATS = {
    "geojson": ("GeoJSON", "geojson"),
    "gpkg": ("GPKG", "gpkg"),
    "kml": ("LIBKML", "kml"),
    "csv": (None, "csv"),
}
EXPORT_FORMATS = (*STATIC_FORMATS, "html", *DATA_FORMATS)
MIME_TYPES = {
    "png": "image/png", "pdf": "application/pdf", "svg": "image/svg+xml",
    "html": "text/html", "geojson": "application/geo+json",
    "gpkg": "application/geopackage+sqlite3", "kml": "application/vnd.google-earth.kml+xml",
    "csv": "text/csv",
}

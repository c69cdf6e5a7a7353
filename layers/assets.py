"""Leaflet served by the app itself, so the map never touches a CDN.

The files come from the XStatic pip package and are copied at start-up into
the git-ignored static/vendor/, which Streamlit serves at /app/static/.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import xstatic.pkg.leaflet as xleaflet

__all__ = ["STATIC_URL", "VENDOR_DIR", "ensure_vendor_assets", "local_css", "local_js"]

VENDOR_DIR = Path(__file__).resolve().parent.parent / "static" / "vendor"
STATIC_URL = "/app/static/vendor"

_COPIES = {
    "leaflet": (Path(xleaflet.BASE_DIR), ("leaflet.js", "leaflet.css", "images")),
}
_VERSIONS = f"leaflet {xleaflet.VERSION}"


def ensure_vendor_assets(vendor_dir: Path = VENDOR_DIR) -> Path:
    """Copy the assets if missing or from another package version; returns the folder."""
    stamp = vendor_dir / "VERSIONS"
    if stamp.is_file() and stamp.read_text() == _VERSIONS:
        return vendor_dir
    for name, (source_dir, entries) in _COPIES.items():
        target = vendor_dir / name
        target.mkdir(parents=True, exist_ok=True)
        for entry in entries:
            source = source_dir / entry
            if source.is_dir():
                shutil.copytree(source, target / entry, dirs_exist_ok=True)
            else:
                shutil.copy2(source, target / entry)
    stamp.write_text(_VERSIONS)
    return vendor_dir


def local_js(base_url: str = STATIC_URL) -> list[tuple[str, str]]:
    """folium `default_js` pointing at the served copy (no jQuery: no folium.Popup is used)."""
    return [("leaflet", f"{base_url}/leaflet/leaflet.js")]


def local_css(base_url: str = STATIC_URL) -> list[tuple[str, str]]:
    return [("leaflet_css", f"{base_url}/leaflet/leaflet.css")]

"""Leaflet served by the app itself, so the map never touches a CDN.

The files come from the XStatic pip package (Leaflet) and from npm tarballs that
`make install` fetched and checked (scripts/fetch_vendor.py: Leaflet.draw), and are
copied at start-up into the git-ignored static/vendor/, which Streamlit serves at
/app/static/. Nothing is downloaded here.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import xstatic.pkg.leaflet as xleaflet

__all__ = ["GENERATED_DIR", "GENERATED_URL", "STATIC_URL", "VENDOR_DIR", "draw_assets",
           "ensure_vendor_assets", "local_css", "local_js"]

VENDOR_DIR = Path(__file__).resolve().parent.parent / "static" / "vendor"
STATIC_URL = "/app/static/vendor"
# Files the app writes for the browser (layer bundles, event columns), content-hashed.
GENERATED_DIR = VENDOR_DIR / "generated"
GENERATED_URL = f"{STATIC_URL}/generated"

_ROOT = Path(__file__).resolve().parent.parent
# Where scripts/fetch_vendor.py unpacks Leaflet.draw (its version pinned there).
_DRAW_VERSION = "1.0.4"
_DRAW_SOURCE = _ROOT / "var" / "npm" / f"leaflet-draw-{_DRAW_VERSION}" / "package" / "dist"
_COPIES = {
    "leaflet": (Path(xleaflet.BASE_DIR), ("leaflet.js", "leaflet.css", "images")),
    "leaflet-draw": (_DRAW_SOURCE, ("leaflet.draw.js", "leaflet.draw.css", "images")),
}
_VERSIONS = f"leaflet {xleaflet.VERSION}; leaflet-draw {_DRAW_VERSION}"


def ensure_vendor_assets(vendor_dir: Path = VENDOR_DIR) -> Path:
    """Copy the assets if missing or from another package version; returns the folder."""
    stamp = vendor_dir / "VERSIONS"
    if stamp.is_file() and stamp.read_text() == _VERSIONS:
        return vendor_dir
    for name, (source_dir, entries) in _COPIES.items():
        if not source_dir.is_dir():
            continue  # not fetched (see draw_assets): the page does without it
        target = vendor_dir / name
        target.mkdir(parents=True, exist_ok=True)
        for entry in entries:
            source = source_dir / entry
            if source.is_dir():
                shutil.copytree(source, target / entry, dirs_exist_ok=True)
            else:
                shutil.copy2(source, target / entry)
    if all(source.is_dir() for source, _ in _COPIES.values()):
        stamp.write_text(_VERSIONS)  # else try again next start: make install may fetch it
    return vendor_dir


def local_js(base_url: str = STATIC_URL) -> list[tuple[str, str]]:
    """folium `default_js` pointing at the served copy (no jQuery: no folium.Popup is used)."""
    return [("leaflet", f"{base_url}/leaflet/leaflet.js")]


def local_css(base_url: str = STATIC_URL) -> list[tuple[str, str]]:
    return [("leaflet_css", f"{base_url}/leaflet/leaflet.css")]


def draw_assets(vendor_dir: Path = VENDOR_DIR, base_url: str = STATIC_URL
                ) -> tuple[list[tuple[str, str]], list[tuple[str, str]]] | None:
    """Leaflet.draw's served JS and CSS, as folium `default_js`/`default_css`; None when
    `make install` has not fetched it (an editor then types lines and areas as WKT)."""
    if not (vendor_dir / "leaflet-draw" / "leaflet.draw.js").is_file():
        return None
    return ([("leaflet_draw_js", f"{base_url}/leaflet-draw/leaflet.draw.js")],
            [("leaflet_draw_css", f"{base_url}/leaflet-draw/leaflet.draw.css")])

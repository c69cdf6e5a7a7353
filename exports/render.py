"""Any snapshot format as bytes with a descriptive file name, for the app's downloads."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from exports.data import write_data
from exports.formats import STATIC_FORMATS
from exports.html import write_html
from exports.static_map import write_static
from exports.view import View, features_in_view

__all__ = ["export_bytes", "export_file_name", "preview_png"]

def export_file_name(view: View, fmt: str) -> str:
    """Layer set, view and date, e.g. posture_border+albukamal_38.0-33.0-42.0-35.0_2024-12-02.png"""
    layers = "+".join(e.id for e in view.layers())
    if len(layers) > 60:
        layers = f"{len(view.layers())}-layers"
    bounds = "-".join(f"{v:.1f}" for v in view.bbox)
    date = view.as_of.isoformat() if view.as_of else "latest"
    name = f"posture_{layers}_{bounds}_{date}.{fmt}"
    return re.sub(r"[^A-Za-z0-9_.+-]", "_", name)


def export_bytes(view: View, fmt: str, paper: str = "a4-landscape", dpi: int = 150) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"view.{fmt}"
        if fmt in STATIC_FORMATS:
            write_static(view, fmt, path, paper=paper, dpi=dpi)
        elif fmt == "html":
            write_html(view, path)
        else:
            write_data(features_in_view(view), fmt, path, view.display)
        return path.read_bytes()


def preview_png(view: View, paper: str) -> bytes:
    """A small PNG of the static snapshot, shown before download."""
    return export_bytes(view, "png", paper=paper, dpi=96)

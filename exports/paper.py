"""Paper sizes for static snapshots, as exact pixel sizes at a given dpi."""

from __future__ import annotations

__all__ = ["PAPERS", "pixel_size"]

MM_PER_INCH = 25.4
# name -> (width, height, unit); 1080p is a screen size in pixels whatever the dpi.
PAPERS: dict[str, tuple[float, float, str]] = {
    "a4-landscape": (297, 210, "mm"),
    "a4-portrait": (210, 297, "mm"),
    "letter-landscape": (279.4, 215.9, "mm"),
    "letter-portrait": (215.9, 279.4, "mm"),
    "1080p": (1920, 1080, "px"),
}


def pixel_size(paper: str, dpi: int) -> tuple[int, int]:
    width, height, unit = PAPERS[paper]
    if unit == "px":
        return int(width), int(height)
    return round(width / MM_PER_INCH * dpi), round(height / MM_PER_INCH * dpi)

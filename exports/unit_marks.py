"""Unit symbols in static snapshots, as vectors: milsymbol's SVG paths become matplotlib
patches and its amplifier texts matplotlib texts, so PNG, PDF and SVG share one
drawing, PDF and SVG keep it vector, and Arabic amplifiers are shaped by matplotlib
(cairo's own text drawing, which cairosvg uses, does not join Arabic letters).
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree
from matplotlib.axes import Axes
from matplotlib.offsetbox import AnnotationBbox, DrawingArea
from matplotlib.patches import PathPatch
from matplotlib.path import Path as MplPath
from matplotlib.text import Text
from matplotlib.transforms import Affine2D
from svgpath2mpl import parse_path

from exports.label_layout import UNIT_GID
from layers.unit_symbols import UnitSymbol

__all__ = ["UNIT_GID", "add_unit_symbol", "symbol_shapes"]

_SVG = "{http://www.w3.org/2000/svg}"
_RGB = re.compile(r"rgb\((\d+),\s*(\d+),\s*(\d+)\)")
_ISOLATES = str.maketrans("", "", "\u2066\u2067\u2068\u2069")
_ANCHOR_TO_HA = {"start": "left", "middle": "center", "end": "right"}


def _colour(value: str | None) -> str:
    if not value or value == "none":
        return "none"
    match = _RGB.fullmatch(value.strip())
    if match:
        return "#" + "".join(f"{int(c):02x}" for c in match.groups())
    return value


@lru_cache(maxsize=256)
def symbol_shapes(svg: str) -> tuple[tuple[float, float, float, float],
                                     tuple[tuple[MplPath, str, str, float], ...],
                                     tuple[tuple[float, float, str, str, float], ...]]:
    """milsymbol's SVG as (viewBox, paths (path, fill, stroke, stroke width),
    texts (x, y, text, text-anchor, font size)), all in the viewBox's units."""
    root = etree.fromstring(svg.encode("utf-8"))
    min_x, min_y, width, height = (float(v) for v in root.get("viewBox").split())
    paths, texts = [], []
    for element in root.iter(f"{_SVG}path", f"{_SVG}text"):
        if element.tag == f"{_SVG}path":
            offset = Affine2D()
            parent = element.getparent()
            translate = re.match(r"translate\(([-\d.]+),\s*([-\d.]+)\)",
                                 parent.get("transform", "")) if parent is not root else None
            if translate:
                offset.translate(float(translate.group(1)), float(translate.group(2)))
            inherited = parent if parent is not root else element
            fill = element.get("fill", inherited.get("fill", "black"))
            stroke = element.get("stroke", inherited.get("stroke", "none"))
            weight = float(element.get("stroke-width", inherited.get("stroke-width", "0")))
            paths.append((offset.transform_path(parse_path(element.get("d"))), _colour(fill),
                          _colour(stroke), weight))
        else:
            texts.append((float(element.get("x")), float(element.get("y")),
                          "".join(element.itertext()).translate(_ISOLATES),
                          element.get("text-anchor", "start"),
                          float(element.get("font-size", "40"))))
    return (min_x, min_y, width, height), tuple(paths), tuple(texts)


def add_unit_symbol(ax: Axes, symbol: UnitSymbol, xy: tuple[float, float],
                    px_to_pt: float, feature_id: str, alpha: float = 1.0,
                    shift_pt: tuple[float, float] = (0.0, 0.0), zorder: float = 8.5
                    ) -> AnnotationBbox:
    """Draw the symbol with its frame centre on the data point `xy` (shifted by
    `shift_pt` points), at the live map's size (`px_to_pt` points per CSS pixel)."""
    (min_x, min_y, vb_width, vb_height), paths, texts = symbol_shapes(symbol.svg)
    scale = symbol.width / vb_width * px_to_pt  # points per viewBox unit
    width_pt, height_pt = vb_width * scale, vb_height * scale
    area = DrawingArea(width_pt, height_pt, clip=False)
    to_points = Affine2D().translate(-min_x, -(min_y + vb_height)).scale(scale, -scale)
    for path, fill, stroke, weight in paths:
        area.add_artist(PathPatch(to_points.transform_path(path), facecolor=fill,
                                  edgecolor=stroke, linewidth=weight * scale, alpha=alpha,
                                  joinstyle="miter"))
    for x, y, text, anchor, size in texts:
        px, py = to_points.transform((x, y))
        area.add_artist(Text(px, py, text, ha=_ANCHOR_TO_HA.get(anchor, "left"),
                             va="baseline", fontsize=size * scale, alpha=alpha,
                             family="DejaVu Sans"))
    for artist in area.get_children():
        artist.axes = ax  # drawn in the map: a map mark, not page furniture
    box = AnnotationBbox(
        area, xy, xybox=shift_pt, boxcoords="offset points", frameon=False, pad=0,
        box_alignment=(symbol.anchor_x / symbol.width, 1 - symbol.anchor_y / symbol.height),
        zorder=zorder, annotation_clip=True)
    box.set_gid(f"{UNIT_GID}{feature_id}")
    ax.add_artist(box)
    return box

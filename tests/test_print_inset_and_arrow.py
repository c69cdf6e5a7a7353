"""Printed maps: the optional locator inset (where the view lies, hiding nothing) and the
movement arrow, a symbol of fixed size."""

from __future__ import annotations

import datetime as dt
import math
import xml.etree.ElementTree as ET

from matplotlib.collections import PathCollection
from matplotlib.patches import Rectangle
from matplotlib.transforms import Bbox

from exports.static_map import draw_static
from exports.view import View

SVG = "{http://www.w3.org/2000/svg}"
AS_OF = dt.date(2024, 12, 2)
# Around Al-Qaim: a view a briefing would zoom to, written out by hand.
ALQAIM_BBOX = (40.0, 33.0, 43.0, 35.5)


def _inset(static):
    insets = [a for a in static.ax.child_axes if a.get_gid() == "locator"]
    assert len(insets) == 1
    return insets[0]


def test_no_locator_unless_asked():
    static = draw_static(View(as_of=AS_OF), "a4-landscape", 96)
    assert static.ax.child_axes == []


def test_the_locator_outlines_exactly_the_printed_view():
    static = draw_static(View(bbox=ALQAIM_BBOX, as_of=AS_OF, locator=True), "a4-landscape", 96)
    inset = _inset(static)
    outlines = [p for p in inset.patches if isinstance(p, Rectangle)
                and p.get_gid() == "locator-view"]
    assert len(outlines) == 1
    x, y = outlines[0].get_xy()
    assert (x, y, x + outlines[0].get_width(), y + outlines[0].get_height()) == ALQAIM_BBOX
    # Iraq and Syria whole around it: at least 36-48 E, 29-37.5 N.
    static.figure.canvas.draw()
    (west, east), (south, north) = inset.get_xlim(), inset.get_ylim()
    assert (west <= 36, east >= 48) == (True, True)
    assert (south <= 29, north >= 37.5) == (True, True)


def test_the_locator_hides_no_posture_symbol_and_no_label_on_the_default_map():
    static = draw_static(View(as_of=AS_OF, locator=True), "a4-landscape", 96)
    figure = static.figure
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    inset_box = _inset(static).get_window_extent(renderer)
    # Every sourced feature's anchor point, as drawn on the map.
    for p in static.features:
        point = p.geometry if p.geometry.geom_type == "Point" else None
        if point is None or p.record.layer == "context":
            continue
        x, y = static.ax.transData.transform((point.x, point.y))
        assert not inset_box.contains(x, y), p.record.id
    # Nor any part of a drawn circle: the counts' discs reach far beyond their centres.
    scale = figure.dpi / 72
    for collection in static.ax.collections:
        if not isinstance(collection, PathCollection):
            continue
        for (x, y), size in zip(static.ax.transData.transform(collection.get_offsets()),
                                collection.get_sizes(), strict=False):
            r = math.sqrt(size) / 2 * scale
            assert not inset_box.overlaps(Bbox.from_extents(x - r, y - r, x + r, y + r))
    for text in static.ax.texts:
        if text.get_visible() and text.get_text():
            assert not inset_box.overlaps(text.get_window_extent(renderer)), text.get_text()


def test_command_line_locator(tmp_path):
    from exports.cli import main

    out = tmp_path / "map.svg"
    assert main(["--format", "svg", "--out", str(out), "--locator",
                 "--bbox", "40,33,43,35.5"]) == 0
    ids = {el.get("id") for el in ET.parse(out).getroot().iter(f"{SVG}g")}
    assert {"locator", "locator-view"} <= ids
    plain = tmp_path / "plain.svg"
    assert main(["--format", "svg", "--out", str(plain)]) == 0
    assert "locator" not in {el.get("id") for el in ET.parse(plain).getroot().iter(f"{SVG}g")}


def _arrow_size_pt(bbox) -> tuple[float, float, float, float]:
    static = draw_static(View(bbox=bbox, as_of=AS_OF, layer_ids=("albukamal",)),
                         "a4-landscape", 150)
    static.figure.canvas.draw()
    arrows = [p for p in static.ax.patches if p.get_gid() == "movement-arrow"]
    assert len(arrows) == 1
    box = arrows[0].get_window_extent(static.figure.canvas.get_renderer())
    points = arrows[0].get_transform().transform(arrows[0].get_xy())
    to_pt = 72 / static.figure.dpi
    # The outline's tip is its easternmost vertex before it is turned (x=62 of 64 px).
    tip = points[3]
    tail_x = (points[0][0] + points[6][0]) / 2
    return box.width * to_pt, box.height * to_pt, tip[0], tail_x


def test_the_printed_movement_arrow_keeps_its_size_at_any_extent():
    # Drawn to scale, the crossing's arrow was a quarter of the page at Al-Qaim.
    whole = _arrow_size_pt((35.5, 31.5, 46.0, 38.0))
    close = _arrow_size_pt((40.7, 34.2, 41.4, 34.6))
    assert abs(whole[0] - close[0]) < 1
    assert abs(whole[1] - close[1]) < 1
    # The live map's 64 × 24 px symbol is 48 × 18 pt; turned, its box is at most ~52 pt.
    assert max(whole[:2]) <= 52
    # FACTS.md B9: the fighters crossed from Iraq into Syria, westwards.
    for _, _, tip_x, tail_x in (whole, close):
        assert tip_x < tail_x

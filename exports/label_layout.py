"""Label placement in static snapshots: the live map's rules (layers/label_placement.js)
on matplotlib's own text extents.

Each label carries a priority (posture and counts 0, places 1, governorates 2,
countries 3). In that order each takes the first free candidate slot: its
authored offset, the mirror image across its anchor, then shifted up or down;
a posture label moved far gets a leader line. A slot must lie inside the map
frame and clear of every earlier label, every point symbol and the map's own
furniture (scale bar, north arrow). A label with no free slot is left out. Unit
symbols' amplifiers come first, fixed to their symbols: one that would overprint
another symbol or amplifier is left out.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from matplotlib.axes import Axes
from matplotlib.backend_bases import RendererBase
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.patches import FancyArrow
from matplotlib.text import Annotation, Text
from matplotlib.transforms import Bbox

# exports/unit_marks.py's group id prefix; kept here so the two do not import each other.
UNIT_GID = "unit-"

__all__ = ["LABEL_GID", "UNIT_GID", "mark_label", "place_labels", "point_boxes", "unit_parts"]

LABEL_GID = "posture-label-"
# Scatter markers up to this radius (points) are point symbols to keep clear;
# larger ones are proportional circles that labels may cross.
POINT_RADIUS_PT = 8.0


def mark_label(text: Text, priority: int) -> Text:
    """Register a drawn label for placement."""
    text.set_gid(f"{LABEL_GID}{priority}")
    return text


def _priority(text: Text) -> int | None:
    gid = text.get_gid() or ""
    return int(gid[len(LABEL_GID):]) if gid.startswith(LABEL_GID) else None


def marker_boxes(ax: Axes, max_radius_pt: float = math.inf) -> list[Bbox]:
    """Display boxes of the scatter markers (places, events, counts) whose radius is at
    most `max_radius_pt`, ring included."""
    boxes = []
    scale = ax.figure.dpi / 72
    for collection in ax.collections:
        if not isinstance(collection, PathCollection):
            continue
        sizes = collection.get_sizes()
        for index, (x, y) in enumerate(ax.transData.transform(collection.get_offsets())):
            radius = math.sqrt(sizes[index % len(sizes)]) / 2
            if radius <= max_radius_pt:
                r = (radius + collection.get_linewidths()[0] / 2) * scale
                boxes.append(Bbox.from_extents(x - r, y - r, x + r, y + r))
    return boxes


def point_boxes(ax: Axes) -> list[Bbox]:
    """Display boxes of the small scatter markers: places, events and small counts."""
    return marker_boxes(ax, POINT_RADIUS_PT)


def _furniture_boxes(ax: Axes, renderer: RendererBase) -> list[Bbox]:
    boxes = [t.get_window_extent(renderer) for t in ax.texts
             if _priority(t) is None and t.get_visible() and t.get_text()]
    boxes += [p.get_window_extent(renderer) for p in ax.patches
              if isinstance(p, FancyArrow) or p.get_gid() == "movement-arrow"]
    boxes += [inset.get_window_extent(renderer) for inset in ax.child_axes]  # a locator
    return boxes


def _whole_unit_boxes(ax: Axes, renderer: RendererBase) -> list[Bbox]:
    """Unit symbols (exports/unit_marks.py) whole, amplifiers' places included: a label
    keeps clear of an amplifier's place even where the amplifier gives way."""
    return [a.get_window_extent(renderer) for a in ax.artists
            if (a.get_gid() or "").startswith(UNIT_GID) and a.get_visible()]


def unit_parts(ax: Axes, renderer: RendererBase
               ) -> list[tuple[Bbox | None, list[tuple[Text, Bbox]]]]:
    """Each unit symbol (exports/unit_marks.py) as its frame's box and its amplifier
    texts with theirs, faded (stale) symbols last, as layers/label_placement.js takes
    them."""
    units = []
    frame_box = ax.get_window_extent(renderer)
    for order, artist in enumerate(ax.artists):
        if not (artist.get_gid() or "").startswith(UNIT_GID) or not artist.get_visible():
            continue
        if not frame_box.contains(*ax.transData.transform(artist.xy)):  # type: ignore[attr-defined]
            continue  # its anchor is out of the view: matplotlib does not draw it
        artist.update_positions(renderer)  # type: ignore[attr-defined]
        # As DrawingArea.draw sets it: before the first draw its children's transform
        # is in points, not pixels, and every box would be measured at 72 dpi.
        area = artist.offsetbox  # type: ignore[attr-defined]
        area.dpi_transform.clear()
        area.dpi_transform.scale(renderer.points_to_pixels(1.0))
        frame: Bbox | None = None
        texts = []
        children = area.get_children()
        for child in children:
            box = child.get_window_extent(renderer)
            if isinstance(child, Text):
                texts.append((child, box))
            else:
                frame = box if frame is None else Bbox.union([frame, box])
        faded = any((child.get_alpha() or 1.0) < 1.0 for child in children)
        units.append((faded, order, frame, texts))
    units.sort(key=lambda unit: unit[:2])
    return [(frame, texts) for _, _, frame, texts in units]


def _candidates(text: Text, priority: int, rtl: bool
                ) -> Iterator[tuple[tuple[float, float], str, bool]]:
    """(offset in points, horizontal alignment, needs a leader line)."""
    if not isinstance(text, Annotation) or text.anncoords != "offset points":
        yield (0.0, 0.0), text.get_ha(), False  # fixed text: keep it or leave it out
        return
    dx, dy = text.xyann
    ha = text.get_ha()
    step = text.get_fontsize() * 1.35
    if ha == "center":  # a name over an area: nudged up or down, never beside
        for shift in (0, step / 2, -step / 2, step, -step, 2 * step, -2 * step):
            yield (dx, dy + shift), ha, False
        return
    mirrored = {"left": "right", "right": "left"}[ha]
    sides = [(-dx, mirrored), (dx, ha)] if rtl else [(dx, ha), (-dx, mirrored)]
    near = (0, step, -step)
    far = (2 * step, -2 * step, 3 * step, -3 * step, 4 * step, -4 * step) if priority == 0 \
        else ()
    for index, shift in enumerate(near + far):
        for x, alignment in sides:
            yield (x, dy + shift), alignment, index >= len(near)


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    """Whether two (x0, y0, x1, y1) boxes share any area (touching edges do not)."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _inside(frame: Bbox, box: Bbox) -> bool:
    return (box.x0 >= frame.x0 and box.y0 >= frame.y0 and box.x1 <= frame.x1
            and box.y1 <= frame.y1)


def _leader(ax: Axes, text: Annotation, box: Bbox) -> None:
    anchor = ax.transData.transform(text.xy)
    end_x = box.x1 if box.x1 < anchor[0] else box.x0
    end = ax.transData.inverted().transform((end_x, (box.y0 + box.y1) / 2))
    ax.plot([text.xy[0], end[0]], [text.xy[1], end[1]], color="#444444", linewidth=0.5,
            zorder=8.5, gid="label-leader")


def place_labels(ax: Axes, rtl: bool = False) -> None:
    """Move every registered label to a free slot inside the frame, or leave it out."""
    figure = ax.figure
    # The figure's own Agg canvas if it has one: a new one would re-measure every text.
    canvas = figure.canvas if isinstance(figure.canvas, FigureCanvasAgg) \
        else FigureCanvasAgg(figure)
    renderer = canvas.get_renderer()
    ax.apply_aspect()
    frame = ax.get_window_extent(renderer)
    scale = figure.dpi / 72
    taken = [b.extents for b in point_boxes(ax) + _furniture_boxes(ax, renderer)]
    # A unit's frame stays clear; its amplifiers cannot move: one that would overprint a
    # symbol or an amplifier kept before it is left out.
    units = unit_parts(ax, renderer)
    frames = [frame.extents if frame is not None else None for frame, _ in units]
    kept: list[tuple[float, ...]] = []
    for own, (_, texts) in zip(frames, units, strict=True):
        # Against its own frame an amplifier may touch (font descenders), never another's.
        obstacles = taken + [f for f in frames if f is not None and f is not own]
        for text, box in texts:
            # From another amplifier, a gap of a point: "2,500" and "495,000" side by side
            # would read as one number.
            padded = box.padded(scale).extents
            if not _inside(frame, box) or any(_overlap(box.extents, b) for b in obstacles) \
                    or any(_overlap(padded, b) for b in kept):
                text.set_visible(False)
            else:
                kept.append(box.extents)
    taken += [b.extents for b in _whole_unit_boxes(ax, renderer)] + kept
    labels = sorted(((priority, order, text) for order, text in enumerate(ax.texts)
                     if (priority := _priority(text)) is not None),
                    key=lambda item: item[:2])
    for priority, _, text in labels:
        box = text.get_window_extent(renderer)  # measured once, at the authored slot
        for offset, alignment, leader in _candidates(text, priority, rtl):
            moved = _shifted(text, box, offset, alignment, scale)
            extents = moved.extents
            if _inside(frame, moved) and not any(_overlap(extents, b) for b in taken):
                taken.append(extents)
                if isinstance(text, Annotation) and text.anncoords == "offset points":
                    text.xyann = offset
                text.set_ha(alignment)
                if leader:
                    _leader(ax, text, moved)  # type: ignore[arg-type]
                break
        else:
            text.set_visible(False)


def _shifted(text: Text, box: Bbox, offset: tuple[float, float], ha: str,
             scale: float) -> Bbox:
    """The box `text` (drawn now in `box`) would have at `offset` points, aligned `ha`.

    Computed, not measured: laying text out again is the slow part of placement.
    """
    if not isinstance(text, Annotation) or text.anncoords != "offset points":
        return box
    (dx, dy), width = text.xyann, box.width
    # The text's reference point now, and the gap between it and the text's edge.
    x_now = {"left": box.x0, "right": box.x1, "center": (box.x0 + box.x1) / 2}[text.get_ha()]
    x_new = x_now + (offset[0] - dx) * scale
    x0 = {"left": x_new, "right": x_new - width, "center": x_new - width / 2}[ha]
    return Bbox.from_bounds(x0, box.y0 + (offset[1] - dy) * scale, width, box.height)

"""The legend: one entry per layer shown, explaining its symbols, as plain HTML.

branca's colormap legends pull d3 from a CDN, so the legend is drawn here.
"""

from __future__ import annotations

from collections.abc import Iterable

from geo.schema import CONFIDENCE_LEVELS
from layers.catalogue import LayerEntry, features_of
from layers.escape import escape_map_text as esc
from layers.symbology import (
    APPROX_DASH,
    DEPLOYMENT_DASH,
    MIN_RADIUS_PX,
    PROPORTIONAL_REFERENCE,
    proportional_radius,
)

__all__ = ["legend_html", "symbol_swatch"]

_SYMBOL_TEXT = {
    "line": "border line",
    "deployment_line": "deployment along the line (no unit positions given)",
    "area": "area",
    "approx_area": "area of approximate extent (dashed)",
    "arrow": "movement, schematic direction (dashed: route not given)",
    "point": "event at a place (dashed ring: approximate)",
    "place": "city or town",
    "label": "governorate name",
    "proportional": "troop count, circle area proportional to the number",
}


def symbol_swatch(symbol: str, color: str) -> str:
    """A small inline SVG that looks like the symbol on the map."""
    c = esc(color)
    shapes = {
        "line": f"<line x1='2' y1='9' x2='30' y2='9' stroke='{c}' stroke-width='3'/>",
        "deployment_line": f"<line x1='2' y1='9' x2='30' y2='9' stroke='{c}' stroke-width='7' "
                           f"stroke-dasharray='{DEPLOYMENT_DASH}'/>",
        "area": f"<rect x='3' y='3' width='26' height='12' fill='{c}' fill-opacity='0.1' "
                f"stroke='{c}' stroke-width='2'/>",
        "approx_area": f"<rect x='3' y='3' width='26' height='12' fill='{c}' fill-opacity='0.25' "
                       f"stroke='{c}' stroke-width='2' stroke-dasharray='{APPROX_DASH}'/>",
        "arrow": f"<path d='M2 7 H20 V3 L30 9 L20 15 V11 H2 Z' fill='{c}'/>",
        "point": f"<circle cx='16' cy='9' r='6' fill='{c}' stroke='#fff' stroke-width='2'/>",
        "place": f"<circle cx='16' cy='9' r='4' fill='#fff' stroke='{c}' stroke-width='1.5'/>",
        "label": "<text x='4' y='13' font-size='10' font-style='italic' fill='#6f6f6f'>Name</text>",
        "proportional": f"<circle cx='16' cy='9' r='7' fill='{c}' fill-opacity='0.18' "
                        f"stroke='{c}' stroke-width='1.5'/>",
    }
    return f"<svg width='32' height='18' aria-hidden='true'>{shapes[symbol]}</svg>"


def _proportional_scale(color: str) -> str:
    sizes = [500_000, 100_000, 10_000]
    circles = "".join(
        f"<div class='scale-row'><svg width='{2 * int(proportional_radius(v)) + 4}' "
        f"height='{2 * int(proportional_radius(v)) + 4}'><circle cx='{proportional_radius(v) + 2}'"
        f" cy='{proportional_radius(v) + 2}' r='{proportional_radius(v)}' fill='{esc(color)}' "
        f"fill-opacity='0.18' stroke='{esc(color)}'/></svg> {v:,}</div>" for v in sizes)
    return (f"<div class='scale'>{circles}<div class='note'>Area proportional to the count "
            f"(reference {PROPORTIONAL_REFERENCE:,}); circles under {MIN_RADIUS_PX:g} px are "
            f"drawn at {MIN_RADIUS_PX:g} px. A dotted ring marks a count of zero. Where the "
            f"source gives no number, the map shows its words and no circle.</div></div>")


def legend_html(entries: Iterable[LayerEntry]) -> str:
    """Legend for the given layers: each layer's title and the symbols it uses."""
    blocks = []
    for entry in entries:
        symbols = list(dict.fromkeys(p.record.symbol for p in features_of(entry)))
        rows = "".join(f"<li>{symbol_swatch(s, entry.color)} {esc(_SYMBOL_TEXT[s])}</li>"
                       for s in symbols)
        scale = _proportional_scale(entry.color) if "proportional" in symbols else ""
        blocks.append(f"<div class='legend-layer' data-layer='{esc(entry.id)}'>"
                      f"<b>{esc(entry.title_en)}</b><ul>{rows}</ul>{scale}</div>")
    confidence = "".join(f"<li><b>{esc(k)}</b>: {esc(v)}</li>"
                         for k, v in CONFIDENCE_LEVELS.items())
    return (
        "<div class='posture-legend'>"
        + ("".join(blocks) or "<p>No layer is switched on.</p>")
        + f"<div class='legend-confidence'>Confidence levels (in each card):<ul>{confidence}"
        "</ul></div></div>"
    )

"""The legend: one entry per layer shown, explaining its symbols, as plain HTML.

branca's colormap legends pull d3 from a CDN, so the legend is drawn here.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterable

from geo.actors import actor, viewpoint_title
from geo.schema import CONFIDENCE_LEVELS
from geo.timeline import DEFAULT_STALE_MONTHS
from i18n import direction, t
from layers.catalogue import LayerEntry, features_of
from layers.escape import escape_map_text as esc
from layers.symbology import (
    APPROX_DASH,
    CONFIDENCE_KEY_COLOR,
    CONFIDENCE_KEY_FILL,
    MIN_RADIUS_PX,
    PROPORTIONAL_REFERENCE,
    STALE_OPACITY,
    SYMBOL_STYLES,
    confidence_style,
    proportional_radius,
)
from layers.tooltip import confidence_html
from layers.unit_symbols import Display, unit_kinds, unit_symbol

__all__ = ["legend_html", "svg_image", "symbol_swatch"]

def symbol_swatch(symbol: str, color: str, lang: str = "en") -> str:
    """A small image of the symbol as the map draws it (layers/symbology.py SYMBOL_STYLES)."""
    c = esc(color)
    spec = SYMBOL_STYLES.get(symbol)
    stroke = f"stroke='{esc(spec.outline or color)}' stroke-width='{spec.weight:g}' " \
        f"stroke-opacity='{spec.opacity:g}'" if spec else ""
    dash = f" stroke-dasharray='{spec.dash}'" if spec and spec.dash else ""
    fill = f"fill='{c}' fill-opacity='{spec.fill_opacity:g}'" \
        if spec and spec.fill_opacity is not None else "fill='none'"
    shapes = {
        "line": f"<line x1='2' y1='9' x2='30' y2='9' {stroke}{dash}/>",
        "deployment_line": f"<line x1='2' y1='9' x2='30' y2='9' {stroke}{dash}/>",
        "area": f"<rect x='3' y='3' width='26' height='12' {fill} {stroke}{dash}/>",
        "approx_area": f"<rect x='3' y='3' width='26' height='12' {fill} {stroke}{dash}/>",
        "arrow": f"<path d='M2 7 H20 V3 L30 9 L20 15 V11 H2 Z' {fill} {stroke}/>",
        "point": f"<circle cx='16' cy='9' r='6' {fill} {stroke}/>",
        "place": f"<circle cx='16' cy='9' r='4' fill='#fff' {stroke}/>",
        "label": f"<text x='4' y='13' font-size='10' font-style='italic' fill='#6f6f6f'>"
                 f"{esc(t('legend.swatch_name', lang))}</text>",
        "proportional": f"<circle cx='16' cy='9' r='7' {fill} {stroke}/>",
    }
    return svg_image(shapes[symbol])


def svg_image(body: str, width: int = 32, height: int = 18) -> str:
    """An SVG drawing as an <img> with a data URI.

    Streamlit's st.html strips inline <svg>; an image survives it, and reads
    the same in the map iframe and the standalone HTML export.
    """
    svg = (f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
           f"viewBox='0 0 {width} {height}'><style>text {{ font-family: 'DejaVu Sans', "
           f"Arial, sans-serif; }}</style>{body}</svg>")
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return (f"<img class='swatch' src='data:image/svg+xml;base64,{data}' width='{width}' "
            f"height='{height}' alt=''>")


def _confidence_swatch(level: str) -> str:
    # Strength alone gave near-identical grey boxes: the mark inside tells them apart.
    style = confidence_style(level)
    return svg_image(
        f"<rect x='3' y='3' width='26' height='12' fill='{CONFIDENCE_KEY_COLOR}' "
        f"fill-opacity='{CONFIDENCE_KEY_FILL * style.strength:.2f}' "
        f"stroke='{CONFIDENCE_KEY_COLOR}' stroke-opacity='{style.strength:.2f}' "
        "stroke-width='2'/>"
        + (f"<text x='16' y='13' font-size='10' font-weight='bold' text-anchor='middle' "
           f"fill='#ffffff'>{esc(style.mark)}</text>" if style.mark else ""))


def _confidence_key(lang: str, stale_months: int) -> str:
    rows = "".join(
        f"<li data-confidence='{level}'>{_confidence_swatch(level)} "
        f"{confidence_html(level, lang)}</li>" for level in CONFIDENCE_LEVELS)
    approximate = ("<li data-confidence='approximate'>" + svg_image(
        f"<rect x='3' y='3' width='26' height='12' fill='none' stroke='{CONFIDENCE_KEY_COLOR}' "
        f"stroke-width='2' stroke-dasharray='{APPROX_DASH}'/>")
        + f" {esc(t('legend.approximate', lang))}</li>")
    stale = ("<li data-confidence='stale'>" + svg_image(
        f"<rect x='3' y='3' width='26' height='12' fill='{CONFIDENCE_KEY_COLOR}' "
        f"fill-opacity='{CONFIDENCE_KEY_FILL * STALE_OPACITY:.2f}' "
        f"stroke='{CONFIDENCE_KEY_COLOR}' stroke-opacity='{STALE_OPACITY:.2f}' "
        "stroke-width='2'/>")
        + f" {esc(t('legend.stale', lang, months=stale_months))}</li>")
    return (f"<div class='legend-confidence'><b>{esc(t('legend.confidence_title', lang))}</b>"
            f"<ul>{rows}{approximate}{stale}</ul>"
            f"<div class='note'>{esc(t('legend.confidence_note', lang))}</div></div>")


def _proportional_scale(color: str, lang: str) -> str:
    """The size key: nested circles on one baseline, each with its count."""
    sizes = [500_000, 100_000, 10_000]
    largest = proportional_radius(sizes[0])
    width, height = int(2 * largest + 90), int(2 * largest + 4)
    base = height - 2
    c = esc(color)
    shapes = []
    for value in sizes:
        r = proportional_radius(value)
        shapes.append(f"<circle cx='{largest + 2:.1f}' cy='{base - r:.1f}' r='{r:.1f}' "
                      f"fill='{c}' fill-opacity='0.12' stroke='{c}' stroke-width='1'/>"
                      f"<line x1='{largest + 2:.1f}' y1='{base - 2 * r:.1f}' "
                      f"x2='{2 * largest + 10:.1f}' y2='{base - 2 * r:.1f}' stroke='#777' "
                      "stroke-width='0.6' stroke-dasharray='2 2'/>"
                      f"<text x='{2 * largest + 12:.1f}' y='{base - 2 * r + 4:.1f}' "
                      f"font-size='11' fill='#333'>{value:,}</text>")
    note = t("legend.scale_note", lang, reference=f"{PROPORTIONAL_REFERENCE:,}",
             min_px=f"{MIN_RADIUS_PX:g}")
    return (f"<div class='scale'>{svg_image(''.join(shapes), width, height)}"
            f"<div class='note'>{esc(note)}</div></div>")


def _symbol_image(svg: str, width: float, height: float) -> str:
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return (f"<img class='unit-swatch' src='data:image/svg+xml;base64,{data}' "
            f"width='{round(width)}' height='{round(height)}' alt=''>")


def _unit_key(entries: Iterable[LayerEntry], lang: str, display: Display,
              known_on: dt.date | None) -> str:
    """One row per unit type and actor on the shown layers: its symbol as the map draws
    it from the chosen viewpoint (without the figures), and who it is."""
    kinds = unit_kinds((p.record for entry in entries for p in features_of(entry, known_on)),
                       display.viewpoint)
    if not kinds:
        return ""
    rows = []
    for kind in kinds:
        symbol = unit_symbol(kind.code, size=18)
        rows.append(
            f"<li data-unit='{esc(kind.code)}' data-actor='{esc(kind.actor)}'>"
            f"{_symbol_image(symbol.svg, symbol.width, symbol.height)} "
            f"{esc(actor(kind.actor).name(lang))} <span class='affiliation'>"
            f"({esc(t(f'units.affiliation.{kind.affiliation}', lang))})</span></li>")
    seen_from = t("legend.viewpoint", lang, viewpoint=viewpoint_title(display.viewpoint, lang))
    return (f"<div class='legend-units'><b>{esc(t('units.header', lang))}</b>"
            f"<div class='note'>{esc(seen_from)}</div><ul>{''.join(rows)}</ul>"
            f"<div class='note'>{esc(t('legend.units_note', lang))}</div></div>")


def legend_html(entries: Iterable[LayerEntry], lang: str = "en",
                stale_months: int = DEFAULT_STALE_MONTHS, display: Display | None = None,
                known_on: dt.date | None = None) -> str:
    """Legend for the given layers in `lang`: each layer's title and the symbols its
    features (as known on `known_on`) use, the unit symbols when the map draws them, then
    how confidence shows."""
    entries = list(entries)
    display = display or Display()
    blocks = []
    for entry in entries:
        symbols = list(dict.fromkeys(p.record.symbol for p in features_of(entry, known_on)))
        rows = "".join(f"<li>{symbol_swatch(s, entry.color, lang)} "
                       f"{esc(t(f'legend.symbol.{s}', lang))}</li>" for s in symbols)
        scale = _proportional_scale(entry.color, lang) if "proportional" in symbols else ""
        blocks.append(f"<div class='legend-layer' data-layer='{esc(entry.id)}'>"
                      f"<b>{esc(entry.title(lang))}</b><ul>{rows}</ul>{scale}</div>")
    return (
        f"<div class='posture-legend' dir='{direction(lang)}' lang='{lang}'>"
        + ("".join(blocks) or f"<p>{esc(t('legend.none', lang))}</p>")
        + (_unit_key(entries, lang, display, known_on) if display.units else "")
        + _confidence_key(lang, stale_months) + "</div>"
    )

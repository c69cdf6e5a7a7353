"""The legend: one entry per layer shown, explaining its symbols, as plain HTML.

branca's colormap legends pull d3 from a CDN, so the legend is drawn here.
"""

from __future__ import annotations

from collections.abc import Iterable

from geo.schema import CONFIDENCE_LEVELS
from geo.timeline import DEFAULT_STALE_MONTHS
from i18n import direction, t
from layers.catalogue import LayerEntry, features_of
from layers.escape import escape_map_text as esc
from layers.symbology import (
    APPROX_DASH,
    CONFIDENCE_KEY_COLOR,
    CONFIDENCE_KEY_FILL,
    DEPLOYMENT_DASH,
    MIN_RADIUS_PX,
    PROPORTIONAL_REFERENCE,
    STALE_OPACITY,
    confidence_style,
    proportional_radius,
)
from layers.tooltip import confidence_html

__all__ = ["legend_html", "symbol_swatch"]

def symbol_swatch(symbol: str, color: str, lang: str = "en") -> str:
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
        "label": f"<text x='4' y='13' font-size='10' font-style='italic' fill='#6f6f6f'>"
                 f"{esc(t('legend.swatch_name', lang))}</text>",
        "proportional": f"<circle cx='16' cy='9' r='7' fill='{c}' fill-opacity='0.18' "
                        f"stroke='{c}' stroke-width='1.5'/>",
    }
    return f"<svg width='32' height='18' aria-hidden='true'>{shapes[symbol]}</svg>"


def _confidence_swatch(strength: float) -> str:
    return (f"<svg width='32' height='18' aria-hidden='true'><rect x='3' y='3' width='26' "
            f"height='12' fill='{CONFIDENCE_KEY_COLOR}' "
            f"fill-opacity='{CONFIDENCE_KEY_FILL * strength:.2f}' "
            f"stroke='{CONFIDENCE_KEY_COLOR}' stroke-opacity='{strength:.2f}' "
            "stroke-width='2'/></svg>")


def _confidence_key(lang: str, stale_months: int) -> str:
    rows = "".join(
        f"<li data-confidence='{level}'>{_confidence_swatch(confidence_style(level).strength)} "
        f"{confidence_html(level, lang)}</li>" for level in CONFIDENCE_LEVELS)
    approximate = (f"<li data-confidence='approximate'><svg width='32' height='18' "
                   f"aria-hidden='true'><rect x='3' y='3' width='26' height='12' fill='none' "
                   f"stroke='{CONFIDENCE_KEY_COLOR}' stroke-width='2' "
                   f"stroke-dasharray='{APPROX_DASH}'/>"
                   f"</svg> {esc(t('legend.approximate', lang))}</li>")
    stale = (f"<li data-confidence='stale'><svg width='32' height='18' aria-hidden='true'>"
             f"<rect x='3' y='3' width='26' height='12' fill='{CONFIDENCE_KEY_COLOR}' "
             f"fill-opacity='{CONFIDENCE_KEY_FILL * STALE_OPACITY:.2f}' "
             f"stroke='{CONFIDENCE_KEY_COLOR}' stroke-opacity='{STALE_OPACITY:.2f}' "
             f"stroke-width='2'/></svg> "
             f"{esc(t('legend.stale', lang, months=stale_months))}</li>")
    return (f"<div class='legend-confidence'><b>{esc(t('legend.confidence_title', lang))}</b>"
            f"<ul>{rows}{approximate}{stale}</ul>"
            f"<div class='note'>{esc(t('legend.confidence_note', lang))}</div></div>")


def _proportional_scale(color: str, lang: str) -> str:
    sizes = [500_000, 100_000, 10_000]
    circles = "".join(
        f"<div class='scale-row'><svg width='{2 * int(proportional_radius(v)) + 4}' "
        f"height='{2 * int(proportional_radius(v)) + 4}'><circle cx='{proportional_radius(v) + 2}'"
        f" cy='{proportional_radius(v) + 2}' r='{proportional_radius(v)}' fill='{esc(color)}' "
        f"fill-opacity='0.18' stroke='{esc(color)}'/></svg> {v:,}</div>" for v in sizes)
    note = t("legend.scale_note", lang, reference=f"{PROPORTIONAL_REFERENCE:,}",
             min_px=f"{MIN_RADIUS_PX:g}")
    return f"<div class='scale'>{circles}<div class='note'>{esc(note)}</div></div>"


def legend_html(entries: Iterable[LayerEntry], lang: str = "en",
                stale_months: int = DEFAULT_STALE_MONTHS) -> str:
    """Legend for the given layers in `lang`: each layer's title and the symbols it
    uses, then how confidence shows in the style."""
    blocks = []
    for entry in entries:
        symbols = list(dict.fromkeys(p.record.symbol for p in features_of(entry)))
        rows = "".join(f"<li>{symbol_swatch(s, entry.color, lang)} "
                       f"{esc(t(f'legend.symbol.{s}', lang))}</li>" for s in symbols)
        scale = _proportional_scale(entry.color, lang) if "proportional" in symbols else ""
        blocks.append(f"<div class='legend-layer' data-layer='{esc(entry.id)}'>"
                      f"<b>{esc(entry.title(lang))}</b><ul>{rows}</ul>{scale}</div>")
    return (
        f"<div class='posture-legend' dir='{direction(lang)}' lang='{lang}'>"
        + ("".join(blocks) or f"<p>{esc(t('legend.none', lang))}</p>")
        + _confidence_key(lang, stale_months) + "</div>"
    )

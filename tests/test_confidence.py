"""Confidence is visible in the style, the same way on the live map, in the legend
and in static exports: strength of colour and a mark after the label; dashes
and hatching for approximate geometry."""

from __future__ import annotations

import re

import pytest
from matplotlib.collections import PathCollection
from matplotlib.patches import Polygon

from exports.static_map import draw_static
from exports.view import View
from geo.schema import CONFIDENCE_LEVELS
from i18n import t
from layers.builder import layer_script, with_confidence
from layers.catalogue import layer
from layers.legend import legend_html
from layers.symbology import APPROX_DASH, CONFIDENCE_STYLES, confidence_style

PMF = "pmf-crossing-into-syria"  # reported by media via anonymous sources; schematic arrow
ARMOUR = "alqaim-jordan-armour"  # officially announced; exact line


def _block(script: str, feature_id: str) -> str:
    """The part of a layer script that draws one feature."""
    start = script.index(f'if (on("{feature_id}"))')
    end = script.find("if (on(", start + 1)
    return script[start:end if end > 0 else None]


def test_every_level_has_a_style_and_official_is_strongest():
    assert set(CONFIDENCE_STYLES) == set(CONFIDENCE_LEVELS)
    official = confidence_style("official")
    anonymous = confidence_style("media_anonymous")
    assert official.strength == 1.0
    assert anonymous.strength < confidence_style("media").strength < official.strength
    marks = [s.mark for s in CONFIDENCE_STYLES.values() if s.mark]
    assert len(marks) == len(set(marks)) == 4  # each claim-level mark tells its level apart


def test_opacity_scales_with_confidence():
    style = {"opacity": 0.8, "fillOpacity": 0.9}
    assert with_confidence(style, "official") == style
    assert with_confidence(style, "media_anonymous") == {"opacity": 0.4, "fillOpacity": 0.45}
    assert with_confidence({"color": "#000"}, "media_anonymous")["opacity"] == 0.5


def test_live_map_draws_anonymous_fainter_with_its_mark():
    pmf = _block(layer_script(layer("albukamal")), PMF)
    armour = _block(layer_script(layer("alqaim-jordan-sector")), ARMOUR)
    assert r"fill-opacity=\u00270.45\u0027" in pmf  # 0.9 at full strength, halved
    assert rf"stroke-dasharray=\u0027{APPROX_DASH}\u0027" in pmf  # schematic geometry
    assert "confidence-mark'>?<" in pmf
    assert '"opacity": 0.85' in armour  # officially announced: full strength
    assert "confidence-mark'>✔<" in armour


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_legend_explains_each_level_and_approximate_geometry(lang):
    legend = legend_html([layer("albukamal")], lang)
    for level in CONFIDENCE_LEVELS:
        row = re.search(f"<li data-confidence='{level}'>(.*?)</li>", legend)
        assert row, level
        assert t(f"confidence.{level}", lang) in row.group(1)
        assert confidence_style(level).mark in row.group(1)
        swatch = drawn_images(row.group(1))
        assert f"stroke-opacity='{confidence_style(level).strength:.2f}'" in swatch
        # The mark is drawn inside the swatch too, so the swatches tell the levels apart.
        assert confidence_style(level).mark in swatch
    assert f"stroke-dasharray='{APPROX_DASH}'" in drawn_images(legend)
    assert t("legend.approximate", lang) in legend


def drawn_images(html: str) -> str:
    """The SVG source of every data-URI image in `html`, decoded."""
    import base64

    return "".join(base64.b64decode(data).decode("utf-8") for data in re.findall(
        r"src='data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)'", html))


def test_static_export_uses_the_same_strength_and_marks():
    static = draw_static(View(layer_ids=("albukamal", "alqaim-jordan-sector"),
                              bbox=(38.0, 32.5, 42.5, 35.5)), "a4-landscape", 96)
    # The arrow's fill carries its opacity (its outline stays solid, as on the live map).
    arrow_alpha = {round(p.get_facecolor()[3], 3) for p in static.ax.patches
                   if isinstance(p, Polygon) and p.get_gid() == "movement-arrow"}
    assert arrow_alpha == {0.45}  # the PMF arrow: 0.9 × 0.5, as on the live map
    lines = {round(line.get_alpha(), 3) for line in static.ax.get_lines()
             if line.get_alpha() is not None}
    assert 0.85 in lines  # the official deployment line at full strength
    labels = [a.get_text() for a in static.ax.texts]
    assert any(text.endswith(" ?") and "PMF" in text for text in labels)
    assert any(text.endswith(" ✔") and "Armoured" in text for text in labels)
    # Legend labels are wrapped to the column width.
    legend = [text.get_text().replace("\n", " ") for text in static.figure.legends[0].get_texts()]
    assert any(t("confidence.media_anonymous", "en") in text for text in legend)
    assert any(t("legend.approximate", "en").split(":")[0] in text for text in legend)
    points = [c for c in static.ax.collections if isinstance(c, PathCollection)]
    assert points  # towns and the crossing are drawn as points

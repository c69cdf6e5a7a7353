"""Proportional symbols are honest: area follows the count."""

from __future__ import annotations

import math

import pytest

from layers.symbology import MIN_RADIUS_PX, PROPORTIONAL_MAX_PX, proportional_radius


def test_area_is_proportional_to_the_count():
    ratio = (proportional_radius(495_000) / proportional_radius(131_000)) ** 2
    assert ratio == pytest.approx(495_000 / 131_000)


def test_the_reference_count_gets_the_largest_circle():
    assert proportional_radius(500_000) == pytest.approx(PROPORTIONAL_MAX_PX)


def test_tiny_counts_stay_visible_at_the_stated_minimum():
    assert proportional_radius(900) == MIN_RADIUS_PX
    assert proportional_radius(0) == MIN_RADIUS_PX
    assert proportional_radius(2_500) == pytest.approx(60 * math.sqrt(2_500 / 500_000))


# One style, three renderers. The values are written out by hand: an area is filled
# at 6 %, a deployment line is 8 px wide at 85 %.
@pytest.mark.parametrize(("feature_id", "layer_id", "fill", "width_px", "opacity"), [
    ("nineveh-governorate", "nineveh", 0.06, 2, 1.0),
    ("alqaim-jordan-armour", "alqaim-jordan-sector", None, 8, 0.85),
    ("iraq-syria-border", "border", None, 3, 0.95),
])
def test_live_map_legend_and_print_draw_a_symbol_alike(feature_id, layer_id, fill, width_px,
                                                       opacity):
    import base64
    import re

    from matplotlib.colors import to_hex

    from exports.static_map import PX_TO_PT, draw_static
    from exports.view import View
    from layers.builder import layer_script
    from layers.catalogue import layer
    from layers.legend import legend_html

    entry = layer(layer_id)
    # Live: the style in the layer's script (all three features are at full strength).
    block = layer_script(entry).split(f'on("{feature_id}")')[1].split("if (on(")[0]
    assert f'"weight": {width_px}' in block
    assert f'"opacity": {opacity}' in block
    if fill is not None:
        assert f'"fillOpacity": {fill}' in block
    # Legend: the swatch image of the layer's first symbol.
    legend = legend_html([entry])
    swatch = base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)", legend).group(1)).decode()
    assert f"stroke-width='{width_px}'" in swatch
    assert f"stroke-opacity='{opacity:g}'" in swatch
    if fill is not None:
        assert f"fill-opacity='{fill:g}'" in swatch
    # Print: the artists drawn in the layer's colour.
    static = draw_static(View(layer_ids=(layer_id,), as_of=None), "a4-landscape", 96)
    ours = [a for a in [*static.ax.lines, *static.ax.patches]
            if to_hex(a.get_edgecolor() if hasattr(a, "get_edgecolor") and not hasattr(
                a, "get_xdata") else a.get_color()) == entry.color]
    alphas = {round(a.get_alpha() or 1.0, 3) for a in ours}
    widths = {round(a.get_linewidth(), 3) for a in ours}
    assert opacity in alphas
    assert round(width_px * PX_TO_PT, 3) in widths
    if fill is not None:
        fills = {round(a.get_alpha(), 3) for a in static.ax.patches
                 if to_hex(a.get_facecolor()) == entry.color}
        assert fill in fills


def test_dashes_mean_approximate_geometry_and_nothing_else():
    from layers.symbology import APPROX_DASH, SYMBOL_STYLES

    dashed = {name for name, style in SYMBOL_STYLES.items() if style.dash}
    assert dashed == {"approx_area"}
    assert SYMBOL_STYLES["approx_area"].dash == APPROX_DASH

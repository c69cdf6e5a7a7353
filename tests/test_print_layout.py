"""Every paper's page holds its furniture: nothing runs off the page or over the map."""

from __future__ import annotations

import datetime as dt

import pytest
from matplotlib.text import Text

from exports.paper import PAPERS
from exports.static_map import draw_static
from exports.view import View


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("paper", list(PAPERS))
def test_the_furniture_stays_on_the_page_and_off_the_map(paper, lang):
    static = draw_static(View(as_of=dt.date(2024, 12, 2), lang=lang, locator=True), paper, 96)
    figure = static.figure
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    page = figure.bbox
    map_box = static.ax.get_window_extent(renderer)
    outside, over_map = [], []
    furniture = [t for t in figure.findobj(Text)
                 if t.get_visible() and t.get_text().strip() and t.axes is not static.ax
                 and (t.axes is None or t.axes.get_gid() != "locator")]
    for text in furniture:
        box = text.get_window_extent(renderer)
        if box.x0 < page.x0 - 1 or box.x1 > page.x1 + 1 or box.y0 < page.y0 - 1 \
                or box.y1 > page.y1 + 1:
            outside.append(text.get_text()[:40])
        if box.overlaps(map_box):
            over_map.append(text.get_text()[:40])
    assert outside == []
    assert over_map == []
    # Nor does one piece of furniture run into another: the page's texts, the legend and
    # the circle-size key, each as one box.
    pieces = [(t.get_text()[:30], t.get_window_extent(renderer)) for t in figure.texts
              if t.get_visible() and t.get_text().strip()]
    pieces += [("legend", legend.get_window_extent(renderer)) for legend in figure.legends]
    pieces += [("size key", a.get_tightbbox(renderer)) for a in figure.axes
               if a.get_gid() == "size-key"]
    clashes = [(a, b) for i, (a, box_a) in enumerate(pieces) for b, box_b in pieces[i + 1:]
               if box_a.overlaps(box_b)]
    assert clashes == []

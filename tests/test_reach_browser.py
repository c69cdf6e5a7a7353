"""Every feature on the map can be reached by the pointer: none is buried under another."""

from __future__ import annotations

import pytest

from store.features import placed_features
from tests.browser_helpers import open_dashboard
from tests.test_browser import DEFAULT_LAYERS, ids_of

pytestmark = pytest.mark.browser
POINT_SYMBOLS = ("point", "proportional", "arrow")

# For each feature, the points of a grid over each of its interactive shapes where the
# pointer would meet that feature first; reference layers (labels, places) take part as
# obstacles only.
REACHABLE_JS = """() => {
  const idOf = el => {
    for (let node = el; node; node = node.parentElement) {
      for (const c of node.classList || []) if (c.startsWith('feature-')) return c.slice(8);
    }
    return null;
  };
  const reach = {};
  const shapes = document.querySelectorAll(
      '.leaflet-interactive[class*="feature-"], .leaflet-marker-icon.leaflet-interactive');
  for (const shape of shapes) {
    const id = idOf(shape);
    if (!id) continue;
    reach[id] = reach[id] || [0, 0];  // [grid points on screen, points that reach it]
    const r = shape.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) continue;  // outside the view, Leaflet empties a path
    for (let i = 1; i < 12; i++) for (let j = 1; j < 12; j++) {
      const x = r.left + r.width * i / 12, y = r.top + r.height * j / 12;
      if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) continue;
      reach[id][0] += 1;
      const top = document.elementFromPoint(x, y);
      if (top && top.closest('.leaflet-interactive, .leaflet-marker-icon') && idOf(top) === id)
        reach[id][1] += 1;
    }
  }
  return reach;
}"""


@pytest.mark.parametrize("view", [(34.6, 40.6, 6), (34.41, 41.0, 10), (33.3, 44.4, 7)])
def test_every_sourced_feature_can_be_reached(page, app_server, offline, view):
    lat, lon, zoom = view
    frame = open_dashboard(page, app_server, f"?lat={lat}&lon={lon}&zoom={zoom}")
    reach = frame.evaluate(REACHABLE_JS)
    # Point symbols: the ones a neighbour can bury (areas and lines are reached along
    # their length, and their shapes' boxes say little about where they are drawn).
    sourced = ids_of([e for e in DEFAULT_LAYERS if e.group != "reference"])
    points = {p.record.id for p in placed_features() if p.record.symbol in POINT_SYMBOLS}
    on_screen = {i for i, (seen, _) in reach.items() if i in sourced & points and seen}
    assert len(on_screen) >= 2, reach
    unreachable = sorted(i for i in on_screen if reach[i][1] == 0)
    assert unreachable == [], reach
    assert offline.attempted == []

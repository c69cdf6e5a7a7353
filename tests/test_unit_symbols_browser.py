"""Unit symbols in a real browser: on the map and in the legend, switched off and on
without a remount, seen from a viewpoint, with Arabic amplifiers laid out right to left."""

from __future__ import annotations

import pytest

from tests.browser_helpers import MAP_IFRAME, map_frame, open_dashboard, toggle
from tests.test_browser import wait_for_full_rerun
from tests.test_unit_symbols_exports import UNITS_AT_LATEST

pytestmark = pytest.mark.browser
SWITCH = "Military unit symbols (APP-6 / MIL-STD-2525)"

UNITS_JS = """() => {
  const found = {};
  for (const icon of document.querySelectorAll('.posture-unit')) {
    const id = [...icon.classList].find(c => c.startsWith('feature-')).slice(8);
    const side = [...icon.classList].find(c => c.startsWith('unit-')).slice(5);
    const r = icon.querySelector('svg').getBoundingClientRect();
    found[id] = [side, r.width > 10 && r.height > 10];
  }
  return found;
}"""


def test_each_unit_is_drawn_and_the_switch_trades_it_for_its_marker(page, app_server, offline):
    frame = open_dashboard(page, app_server)
    units = frame.evaluate(UNITS_JS)
    assert set(units) == UNITS_AT_LATEST
    assert all(side == "unknown" and drawn for side, drawn in units.values()), units
    # The legend's images of them loaded (st.html keeps data-URI images).
    legend = page.evaluate("() => [...document.querySelectorAll('img.unit-swatch')]"
                           ".map(i => i.complete && i.naturalWidth > 0)")
    assert legend
    assert all(legend)
    page.evaluate(f"() => {{ window.__mapElement = document.querySelector('{MAP_IFRAME}'); }}")
    runs = page.locator("#full-runs").inner_text()
    toggle(page, SWITCH)
    wait_for_full_rerun(page, runs)
    assert page.evaluate(f"() => document.querySelector('{MAP_IFRAME}') === window.__mapElement")
    frame = map_frame(page)
    assert frame.evaluate(UNITS_JS) == {}
    # The plain circle is back where the symbol stood.
    assert frame.locator("path.feature-aleppo-taken").count() == 1
    assert "symbols=plain" in page.url
    runs = page.locator("#full-runs").inner_text()
    toggle(page, SWITCH)
    wait_for_full_rerun(page, runs)
    assert set(map_frame(page).evaluate(UNITS_JS)) == UNITS_AT_LATEST
    assert offline.attempted == []


def test_the_viewpoint_from_the_link_sets_friend_and_hostile(page, app_server, offline):
    frame = open_dashboard(page, app_server, "?viewpoint=us-led-coalition")
    units = frame.evaluate(UNITS_JS)
    assert units["pmf-crossing-into-syria"][0] == "hostile"
    assert units["us-troops-iraq"][0] == "friend"
    assert units["aleppo-taken"][0] == "unknown"
    assert offline.attempted == []


def test_arabic_amplifiers_read_right_to_left_inside_the_symbol(page, app_server, offline):
    frame = open_dashboard(page, app_server, "?lang=ar")
    # "نحو 2,500" (about 2,500): read from the right, the word stands right of the figure.
    order = frame.evaluate("""() => {
      const texts = [...document.querySelectorAll(
          '.posture-unit.feature-us-troops-iraq svg text')];
      const quantity = texts.find(t => t.textContent.includes('نحو'));
      if (!quantity) return null;
      const text = quantity.textContent;
      return [quantity.getComputedTextLength(),
              quantity.getStartPositionOfChar(text.indexOf('ن')).x,
              quantity.getStartPositionOfChar(text.indexOf('2')).x];
    }""")
    assert order is not None
    length, word, figure = order
    assert length > 0
    assert word > figure
    assert offline.attempted == []

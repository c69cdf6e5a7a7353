"""The standalone HTML export opens offline from disk and works like the live map."""

from __future__ import annotations

import datetime

import pytest

from exports.cli import main as export
from geo.timeline import features_at
from layers.catalogue import catalogue, features_of
from tests.browser_helpers import feature_ids, open_dashboard

pytestmark = pytest.mark.browser

# The live app's default date: the latest report (FACTS.md, Part 2, 2024-12-02).
DEFAULT_DATE = datetime.date(2024, 12, 2)
DEFAULT_IDS = {p.record.id for e in catalogue() if e.default_on
               for p in features_at(features_of(e), DEFAULT_DATE)}
COUNT_MARKS = "() => document.querySelectorAll('.posture').length"


@pytest.fixture
def html_file(tmp_path):
    out = tmp_path / "view.html"
    # The same view as the live app opens with: default layers and bounds, and date.
    assert export(["--format", "html", "--out", str(out), "--title", "Briefing <b>map</b>",
                   "--as-of", DEFAULT_DATE.isoformat()]) == 0
    return out


def test_html_draws_the_same_features_as_the_live_app(page, html_file, app_server, offline):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    frame = open_dashboard(page, app_server)
    live_marks = frame.evaluate(COUNT_MARKS)
    page.goto(html_file.as_uri())
    page.locator("path.leaflet-interactive").first.wait_for(state="attached")
    assert page.evaluate(COUNT_MARKS) == live_marks
    assert feature_ids(page.main_frame) == DEFAULT_IDS
    assert offline.attempted == []
    assert errors == []


def test_html_keeps_toggles_tooltips_and_sources(page, html_file, offline):
    page.goto(html_file.as_uri())
    page.locator("path.leaflet-interactive").first.wait_for(state="attached")
    assert "Briefing <b>map</b>" in page.locator(".posture-panel h2").inner_text()
    assert "Reuters" in page.locator(".posture-panel .sources").inner_text()

    page.locator("path.feature-us-troops-iraq").hover()
    tooltip = page.locator(".leaflet-tooltip")
    tooltip.wait_for()
    assert "about 2,500" in tooltip.inner_text()
    assert "AFP" in tooltip.inner_text()

    page.locator(".leaflet-control-layers-overlays label",
                 has_text="Force levels: troop counts").locator("input").uncheck()
    assert page.locator(".layer-force-levels").count() == 0
    assert page.locator(".layer-border").count() > 0
    assert offline.attempted == []


def test_html_draws_only_the_layers_chosen(page, tmp_path, offline):
    out = tmp_path / "two-layers.html"
    assert export(["--format", "html", "--out", str(out), "--layers", "border,albukamal",
                   "--as-of", "2024-12-02"]) == 0
    page.goto(out.as_uri())
    page.locator("path.leaflet-interactive").first.wait_for(state="attached")
    drawn = set(page.evaluate("""() => {
      const layers = new Set();
      for (const el of document.querySelectorAll('.posture'))
        for (const c of el.classList) if (c.startsWith('layer-')) layers.add(c.slice(6));
      return [...layers];
    }"""))
    assert drawn == {"border", "albukamal"}
    # FACTS.md B7: the crossing and the PMF movement are both drawn on 2 December 2024.
    assert {"albukamal-crossing", "pmf-crossing-into-syria", "iraq-syria-border"} <= \
        feature_ids(page.main_frame)
    # The other layers stay in the layer control, switched off.
    checked = page.locator(".leaflet-control-layers-overlays input:checked")
    assert checked.count() == 2
    assert offline.attempted == []

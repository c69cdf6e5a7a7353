"""The store as the page's engine (issue 26), in Chromium, on a store of 50,000 events:
the first page says how far the first reading has come instead of staying blank, and a
claim another process records shows on the open page's next run at the cost of that
claim alone (the page's own count of what it read, #store-reads)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from imports.run import ImportOptions, import_file
from scripts.make_acled_csv import write_acled_csv
from store import open_store
from store.seed import seed
from tests.browser_helpers import IDLE, MAP_IFRAME, feature_ids, open_dashboard, toggle
from tests.conftest import ROOT, start_app, stop_app

pytestmark = pytest.mark.browser

EVENTS = 50_000
PROBE = "probe-front"
SYRIA_FRONT = "Syria front: Aleppo, Idlib, Hama (Dec 2024)"  # data/layers.json


@pytest.fixture(scope="module")
def large_store(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("engine")
    location = str(folder / "store.gpkg")
    store = open_store(location)
    seed(store)
    path = write_acled_csv(folder / "acled.csv", EVENTS)
    assert import_file(path, ImportOptions(recorded_by="analyst"), store).result.new == EVENTS
    store.close()
    return location


@pytest.fixture(scope="module")
def server(large_store, tmp_path_factory):
    started = start_app(tmp_path_factory.mktemp("engine-server"),
                        {"POSTURE_STORE": large_store}, timeout_s=120)
    yield started
    stop_app(started)


def _reads(page) -> dict[str, int]:
    return json.loads(page.locator("#store-reads").inner_text())


def test_the_first_page_says_how_far_the_first_reading_has_come(page, server):
    """Opened as soon as the server answers (its warm-up has begun the reading): a bar
    with words and numbers, then the map, and the bar gone."""
    page.goto(server.url, wait_until="commit", timeout=60_000)
    bar = page.locator("[data-testid=stProgress]")
    bar.wait_for(state="visible", timeout=30_000)
    words = bar.inner_text()
    assert any(stage in words for stage in ("Opening the store", "Reading the store",
                                            "Reading the current claims",
                                            "Checking and placing the claims")), words
    page.frame_locator(MAP_IFRAME).locator("path.leaflet-interactive").first.wait_for(
        state="attached", timeout=120_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    assert bar.count() == 0


def test_another_processs_claim_shows_at_the_cost_of_that_claim(page, server, large_store,
                                                                 tmp_path):
    frame = open_dashboard(page, server)
    assert f"syria-front.{PROBE}" not in feature_ids(frame)
    before = _reads(page)
    path = tmp_path / "probe.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "geometry": {"type": "Point", "coordinates": [36.9, 35.4]},
        "properties": {"id": PROBE, "name_en": "Probe front", "name_ar": "جبهة الاختبار",
                       "kind": "front", "as_of": "2024-12-02", "reported_on": "2024-12-02",
                       "source": "Test report", "confidence": "reported"}}]},
                               ensure_ascii=False), encoding="utf-8")
    done = subprocess.run([str(Path(sys.executable).with_name("posture-import")), str(path),
                           "--layer", "syria-front"], cwd=ROOT,
                          env={**os.environ, "POSTURE_STORE": large_store},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("1 new"), done.stdout
    # Any rerun will do: the layer's switch, off and on.
    toggle(page, SYRIA_FRONT)
    page.wait_for_selector(IDLE, timeout=60_000)
    toggle(page, SYRIA_FRONT)
    page.wait_for_selector(IDLE, timeout=60_000)
    page.frame_locator(MAP_IFRAME).locator(f".feature-syria-front\\.{PROBE}").first.wait_for(
        state="attached", timeout=30_000)
    after = _reads(page)
    assert after["full_readings"] == before["full_readings"]
    assert after["claim_keys_read"] - before["claim_keys_read"] == 1
    assert after["records_read"] - before["records_read"] == 1

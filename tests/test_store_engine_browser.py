"""The store as the page's engine (issue 26), in Chromium, on a store of 50,000 events:
the first page says how far the first reading has come instead of staying blank, and a
claim another process records shows on the open page's next run at the cost of that
claim alone (the page's own count of what it read, #store-reads)."""

from __future__ import annotations

import csv
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
    # The run over first, as open_dashboard waits: while it runs, the map's old and new
    # frames can both be there for a moment (seen in CI once the reading got faster).
    page.wait_for_selector(IDLE, timeout=120_000)
    page.frame_locator(MAP_IFRAME).locator("path.leaflet-interactive").first.wait_for(
        state="attached", timeout=60_000)
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


POSTS = 50_000


@pytest.fixture(scope="module")
def posts_server(tmp_path_factory):
    """A store with a layer of 50,000 points that are not events (posts an analyst
    imported), far more than the map draws mark by mark."""
    folder = tmp_path_factory.mktemp("posts")
    path = folder / "posts.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["key", "name", "lon", "lat", "date", "confidence", "source"])
        writer.writerows([f"p{i}", f"Post {i}", f"{38 + (i % 250) / 40:.4f}",
                          f"{32 + (i // 250) / 40:.4f}", "2024-12-01", "media", "Rudaw"]
                         for i in range(POSTS))
    location = str(folder / "store.gpkg")
    store = open_store(location)
    seed(store)
    options = ImportOptions(recorded_by="analyst", layer="posts", key="key")
    assert import_file(path, options, store).result.new == POSTS
    store.close()
    started = start_app(folder, {"POSTURE_STORE": location}, timeout_s=120)
    yield started
    stop_app(started)


def _posts_stats(frame) -> dict:
    frame.wait_for_function("() => window.postureEvents && window.postureEvents.stats()"
                            ".some(s => s.layer === 'posts' && s.loaded)", timeout=60_000)
    return next(s for s in frame.evaluate("() => window.postureEvents.stats()")
                if s["layer"] == "posts")


def test_a_layer_of_50000_points_is_drawn_on_the_canvas(page, posts_server, offline):
    frame = open_dashboard(page, posts_server)
    stats = _posts_stats(frame)
    assert stats["total"] == POSTS
    assert stats["windowed"] is False
    assert stats["inWindow"] == POSTS  # no events' window applies to it
    assert stats["mode"] == "density"
    assert frame.locator(".posture-histogram").count() == 0  # a histogram is for events
    # Post 1234 stands alone at zoom 12 (its neighbours are 2.8 km away): a click on it
    # opens its card.
    lat, lon = 32 + 1234 // 250 / 40, 38 + 1234 % 250 / 40
    frame.evaluate(f"""() => {{ for (const k in window) {{
        if (k.startsWith('map_') && window[k] && window[k].setView) {{
          window[k].setView([{lat}, {lon}], 12, {{animate: false}}); return; }} }} }}""")
    frame.wait_for_function("() => window.postureEvents.stats()"
                            ".some(s => s.layer === 'posts' && s.mode === 'points')")
    box = page.locator(MAP_IFRAME).bounding_box()
    size = frame.evaluate("() => [window.innerWidth, window.innerHeight]")
    page.mouse.click(box["x"] + size[0] / 2 + 2, box["y"] + size[1] / 2 - 1)
    card = frame.locator(".posture-event-card")
    card.wait_for(timeout=15_000)
    assert card.get_attribute("data-event-id") == "posts.p1234"
    text = card.inner_text()
    assert "Post 1234" in text
    assert "Rudaw" in text
    assert "Fatalities" not in text  # posts are not events
    assert offline.attempted == []

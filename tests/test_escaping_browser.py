"""Hostile text in the data is shown as text in a real browser, and never runs."""

from __future__ import annotations

import json

import pytest

from layers.symbology import confidence_style
from tests.browser_helpers import open_dashboard
from tests.conftest import copy_data_dir, start_app, stop_app

pytestmark = pytest.mark.browser

MARKUP = '<img src=x onerror="window.__xss=1">'
INTERPOLATION = "${(window.__xss2=1)}"
BREAKOUT = "`;window.__xss3=1;`\\"
NAME = f"Aleppo {MARKUP}{INTERPOLATION}{BREAKOUT}"
TITLE = f"Syria front {MARKUP}{INTERPOLATION}"
DESIGNATION = f"Opposition {MARKUP}{INTERPOLATION}{BREAKOUT}"
NO_SCRIPT_RAN = "() => [window.__xss, window.__xss2, window.__xss3].every(v => v === undefined)"


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    data = copy_data_dir(tmp / "data")
    features_path, layers_path = data / "features.json", data / "layers.json"
    features = json.loads(features_path.read_text())
    for feature in features["features"]:
        if feature["id"] == "aleppo-taken":
            feature["name_en"] = NAME
            feature["summary_en"] = MARKUP + INTERPOLATION
            feature["sources"][0]["who"] = BREAKOUT + MARKUP
    features_path.write_text(json.dumps(features, ensure_ascii=False))
    layers = json.loads(layers_path.read_text())
    for layer in layers["layers"]:
        if layer["id"] == "syria-front":
            layer["title_en"] = TITLE
    layers_path.write_text(json.dumps(layers, ensure_ascii=False))
    actors_path = data / "actors.json"
    actors = json.loads(actors_path.read_text())
    for actor in actors["actors"]:
        if actor["id"] == "syrian-opposition":  # Aleppo's unit symbol names it beside the frame
            actor["designation_en"] = DESIGNATION
    actors_path.write_text(json.dumps(actors, ensure_ascii=False))
    server = start_app(tmp, {"POSTURE_DATA_DIR": str(data)})
    yield server
    stop_app(server)


def test_hostile_text_renders_as_text_and_no_script_runs(page, hostile_server, offline):
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    frame = open_dashboard(page, hostile_server)

    label = frame.locator(".feature-aleppo-taken.posture-label")
    # The name, as text, then the confidence mark (Aleppo: reported by media).
    # The hostile name, shown as text, then the figure's date (FACTS B9: December 2024).
    assert label.inner_text() == f"{NAME} · Dec 2024 {confidence_style('media').mark}"
    assert frame.locator(".feature-aleppo-taken img").count() == 0

    # Its unit symbol stands where its marker would, carrying the same card.
    symbol = frame.locator(".feature-aleppo-taken.posture-unit")
    assert DESIGNATION in symbol.locator("svg text").all_text_contents()
    assert symbol.locator("img").count() == 0
    symbol.locator("svg path").first.hover()
    tooltip = frame.locator(".leaflet-tooltip")
    tooltip.wait_for()
    assert NAME in tooltip.inner_text()
    assert BREAKOUT + MARKUP in tooltip.inner_text()
    assert tooltip.locator("img").count() == 0

    symbol.locator("svg path").first.click()
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for()
    assert NAME in popup.inner_text()
    assert popup.locator("img").count() == 0

    overlays = frame.locator(".leaflet-control-layers-overlays").inner_text()
    assert TITLE in overlays
    assert page.get_by_role("switch", name=TITLE, exact=True).count() == 1

    assert frame.evaluate(NO_SCRIPT_RAN)
    assert page.evaluate(NO_SCRIPT_RAN)
    assert dialogs == []
    assert offline.attempted == []

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


# Markdown that Streamlit would turn into a live link, a fetched image (a beacon: the
# offline guard sees its request) and emphasis, if data text reached it unescaped.
MD_LINK = "[pwned](http://beacon.invalid/link)"
MD_IMAGE = "![beacon](http://beacon.invalid/pixel.png)"
MARKDOWN = f"{MD_LINK} {MD_IMAGE} **loud** <b>tag</b>"
# A widget's label keeps emphasis (ui/text.py's label_text: its text is also its
# aria-label, where escapes would be read out); never a link or an image.
LABEL_MARKDOWN = f"{MD_LINK} {MD_IMAGE} <b>tag</b>"
NO_BEACON = ("() => document.querySelectorAll('a[href*=\"beacon\"], img[src*=\"beacon\"]')"
             ".length === 0 && [...document.querySelectorAll('strong, b')]"
             ".every(s => !['loud', 'tag'].includes(s.textContent))")


@pytest.fixture(scope="module")
def markdown_server(tmp_path_factory):
    """Markdown payloads in an actor's name, a layer's and a group's title, a claim's
    name and its source: every field a notice, a label or a list on the page shows."""
    tmp = tmp_path_factory.mktemp("markdown")
    data = copy_data_dir(tmp / "data")

    def rewrite(name: str, change) -> None:
        path = data / name
        payload = json.loads(path.read_text())
        change(payload)
        path.write_text(json.dumps(payload, ensure_ascii=False))

    def features(payload: dict) -> None:
        for feature in payload["features"]:
            if feature["id"] == "aleppo-taken":
                feature["name_en"] = f"Aleppo {MARKDOWN}"
                feature["sources"][0]["who"] = f"Source {MARKDOWN}"
            if feature["id"] == "idlib-taken":  # as an import names an actor: by its name
                feature.pop("actor")
                feature["actor_en"] = f"Opposition {MARKDOWN}"

    def layers(payload: dict) -> None:
        for layer in payload["layers"]:
            if layer["id"] == "syria-front":  # a switch's label: links and images only
                layer["title_en"] = f"Front {LABEL_MARKDOWN}"
        for group in payload["groups"]:
            if group["id"] == "syria":
                group["title_en"] = f"Group {MARKDOWN}"

    rewrite("features.json", features)
    rewrite("layers.json", layers)
    server = start_app(tmp, {"POSTURE_DATA_DIR": str(data)})
    yield server
    stop_app(server)


def _text(locator) -> str:
    """What a reader sees: the invisible word joiners that keep a URL from being linked
    (ui/text.py) taken out."""
    return locator.inner_text().replace("\u2060", "")


def test_markdown_in_data_stays_text_in_every_notice(page, markdown_server, offline):
    """Issue 24: an imported actor's name became a live link and an image, and the
    browser requested the image. Each place data text reaches Streamlit's Markdown: the
    link's "ignored filter" notice, the Compare summary, a layer's and a group's label,
    the sources list and "What changed"."""
    open_dashboard(page, markdown_server,
                   "?as_of=2024-12-02&since=2024-11-01&actors=nosuch")
    # The notice listing the known actors, the payload among them, as typed.
    toast = page.locator("[data-testid=stToast]").filter(has_text="Ignored actors=nosuch")
    toast.wait_for()
    toast.get_by_text("view more").click()  # a long notice is cut short until asked
    assert f"Opposition {MARKDOWN}," in _text(toast)
    sidebar = page.locator("[data-testid=stSidebar]")
    assert f"Front {LABEL_MARKDOWN}" in _text(sidebar)  # the layer's switch
    assert f"Group {MARKDOWN}" in _text(sidebar)  # its group's caption
    assert f"Aleppo {MARKDOWN}" in _text(sidebar)  # Compare: what appeared
    page.get_by_text("Sources (", exact=False).first.click()
    sources = page.locator("[data-testid=stExpander]").filter(has_text="Highlight the")
    sources.locator("li").first.wait_for()
    assert f"Source {MARKDOWN}" in _text(sources)
    page.get_by_text("What changed", exact=True).click()
    changes = page.locator("[data-testid=stExpander]").filter(has_text="What changed")
    changes.locator("li").first.wait_for()
    assert f"Aleppo {MARKDOWN}" in _text(changes)
    page.screenshot(path=str(markdown_server.log_path.parent / "markdown.png"), full_page=True)
    assert page.evaluate(NO_BEACON)
    assert offline.attempted == []

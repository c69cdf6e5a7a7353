"""The page reads at a glance: dated figures, the legend's graphics, the chart, the
found place, the export panel's words (AppTest)."""

from __future__ import annotations

import datetime as dt
import re

from layers.catalogue import catalogue
from tests.app_helpers import (
    chart_spec,
    highlighted,
    legend_layers,
    map_args,
    map_component,
    run_with_link,
)


def test_a_found_place_centres_the_map_on_its_latitude_and_longitude(app):
    # Mosul, from FACTS.md's places table: 43.13 E, 36.34 N.
    assert "found-place" not in map_args(app)["feature_group"]
    app.text_input(key="search").input("Mosul").run()
    args = map_args(app)
    assert args["center"] == [36.34, 43.13]
    assert args["zoom"] == 10
    # A labelled marker on the place found.
    assert re.search(r"L\.circleMarker\(\s*\[36\.34, 43\.13\]", args["feature_group"])
    assert '"className": "found-place"' in args["feature_group"]
    assert r'"html": "\u003cspan dir=\u0027auto\u0027\u003eMosul\u003c/span\u003e"' in \
        args["feature_group"]


def test_the_legend_lists_exactly_the_layers_switched_on(app):
    assert legend_layers(app) == {e.id for e in catalogue() if e.default_on}
    app.toggle(key="layer:syria-front").set_value(False).run()
    app.toggle(key="layer:nineveh").set_value(False).run()
    assert legend_layers(app) == {e.id for e in catalogue() if e.default_on} - {
        "syria-front", "nineveh"}


def test_the_map_keeps_one_key_whatever_the_layers(app):
    # streamlit-folium remounts the iframe when its key changes: a toggle must not.
    before = map_component(app).proto.id
    assert before.startswith("$$ID-")
    app.toggle(key="layer:border").set_value(False).run()
    app.toggle(key="layer:albukamal").set_value(False).run()
    assert map_component(app).proto.id == before


def test_the_default_date_is_the_latest_report_and_the_page_says_so(app):
    assert app.slider(key="as_of").value == dt.date(2024, 12, 2)
    captions = [c.value for c in app.sidebar.caption]
    assert "Showing the posture as of 2024-12-02, the latest report in the data." in captions
    app.button(key=f"as_of:{dt.date.today()}").click().run()
    assert app.slider(key="as_of").value == dt.date.today()
    captions = [c.value for c in app.sidebar.caption]
    assert (f"Showing the posture as of today, {dt.date.today()}; the latest report in the "
            "data is of 2024-12-02.") in captions


def test_old_figures_are_marked_stale_on_the_map(app):
    # On 2 December 2024 only the 2020 estimate of Iraq's forces (F4) is over a year old.
    assert highlighted(map_args(app), "posture-stale") == ["iraq-armed-forces"]
    app.number_input(key="stale_months").set_value(6).run()
    assert sorted(highlighted(map_args(app), "posture-stale")) == [
        "iraq-armed-forces", "us-troops-iraq", "us-troops-syria"]
    assert app.query_params["fade"] == "6"


def test_the_legend_draws_a_graphic_for_every_layer_switched_on(app):
    import base64

    from lxml import etree, html

    app.toggle(key="layer:nineveh").set_value(False).run()
    legend = next(e.proto.body for e in app.sidebar if type(e).__name__ == "Html"
                  and "posture-legend" in e.proto.body)
    blocks = html.fromstring(legend).xpath("//div[@data-layer]")
    assert {b.get("data-layer") for b in blocks} == {
        e.id for e in catalogue() if e.default_on} - {"nineveh"}
    for block in blocks:
        color = next(e.color for e in catalogue() if e.id == block.get("data-layer"))
        images = block.xpath(".//img/@src")
        assert images, f"no graphic for {block.get('data-layer')}"
        for src in images:
            prefix = "data:image/svg+xml;base64,"
            assert src.startswith(prefix)
            svg = etree.fromstring(base64.b64decode(src[len(prefix):]))
            assert svg.tag == "{http://www.w3.org/2000/svg}svg"
        drawn = b"".join(base64.b64decode(src.split(",", 1)[1]) for src in images)
        assert color.encode() in drawn, block.get("data-layer")
    # The size key: nested circles, one per reference count.
    scale = html.fromstring(legend).xpath("//div[@class='scale']//img/@src")
    key = etree.fromstring(base64.b64decode(scale[0].split(",", 1)[1]))
    ns = {"s": "http://www.w3.org/2000/svg"}
    assert len(key.xpath("//s:circle", namespaces=ns)) == 3
    assert key.xpath("//s:text/text()", namespaces=ns) == ["500,000", "100,000", "10,000"]


def test_force_level_chart_reads_small_and_large_figures_and_marks_the_date(app):
    app.toggle(key="chart").set_value(True).run()
    spec = chart_spec(app)
    points = next(layer for layer in spec["layer"] if "tooltip" in layer["encoding"])
    # 900 and 2,500 stay apart, and apart from zero, beside 495,000.
    assert points["encoding"]["y"]["scale"]["type"] == "symlog"
    rules = [layer for layer in spec["layer"] if layer["mark"] == "rule"
             or (isinstance(layer["mark"], dict) and layer["mark"]["type"] == "rule")]
    assert len(rules) == 1
    assert [v["date"] for v in rules[0]["data"]["values"]] == ["2024-12-02"]  # the as-of date


def test_force_level_chart_colours_a_force_alike_in_both_languages(app):
    app.toggle(key="chart").set_value(True).run()

    def colours(spec: dict) -> list[str]:
        layer = next(layer for layer in spec["layer"] if "color" in layer.get("encoding", {}))
        return layer["encoding"]["color"]["scale"]["range"]

    english = colours(chart_spec(app))
    app.radio(key="lang").set_value("ar").run()
    app.toggle(key="chart").set_value(True).run()
    assert colours(chart_spec(app)) == english


def test_export_panel_names_papers_and_formats_in_words():
    at = run_with_link(lang="ar")
    assert "صورة PNG" in at.selectbox(key="export:format").options
    at.selectbox(key="export:format").set_value("pdf").run()
    assert "A4، أفقي" in at.selectbox(key="export:paper").options
    at.radio(key="lang").set_value("en").run()
    assert "US Letter, portrait" in at.selectbox(key="export:paper").options


def test_the_export_panel_prints_a_banner(app):
    app.selectbox(key="export:format").set_value("svg").run()
    app.text_input(key="export:banner").input("FOR BRIEFING ONLY").run()
    app.button(key="export:prepare").click().run()
    assert not app.exception
    svg = app.session_state["export:file"][1].decode("utf-8")
    assert svg.count("FOR BRIEFING ONLY") == 2


def test_the_export_panel_adds_a_locator_inset_when_asked(app):
    app.selectbox(key="export:format").set_value("svg").run()
    app.button(key="export:prepare").click().run()
    assert 'id="locator"' not in app.session_state["export:file"][1].decode("utf-8")
    app.checkbox(key="export:locator").check().run()
    app.button(key="export:prepare").click().run()
    assert not app.exception
    svg = app.session_state["export:file"][1].decode("utf-8")
    assert 'id="locator"' in svg
    assert 'id="locator-view"' in svg

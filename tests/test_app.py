"""The page without a browser: streamlit.testing's AppTest runs app.py for real."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from i18n import t
from layers.catalogue import catalogue
from tests.app_helpers import (
    APP,
    chart_spec,
    download_label,
    highlighted,
    images,
    layers_sent,
    map_args,
    shown_ids,
)


def test_default_page_sends_every_default_layer(app):
    assert layers_sent(map_args(app)) == {e.id for e in catalogue() if e.default_on}


def test_map_assets_are_all_local(app):
    args = map_args(app)
    links = args["js_links"] + args["css_links"]
    assert links, "the map loads Leaflet from somewhere"
    for link in links:
        assert not re.match(r"(?i)^(https?:)?//", link), link
        assert link.startswith("/app/static/")
    for text in (args["script"], args["header"], args["html"], args["feature_group"]):
        assert not re.search(r"(?i)https?://", text)


def test_the_map_returns_only_its_view(app):
    # Only what the export panel and the URL need, so hovering or clicking reruns nothing.
    assert map_args(app)["returned_objects"] == ["bounds", "center", "zoom"]


@pytest.mark.parametrize("entry", catalogue(), ids=[e.id for e in catalogue()])
def test_each_toggle_removes_and_restores_exactly_its_layer(app, entry):
    before = map_args(app)
    app.toggle(key=f"layer:{entry.id}").set_value(False).run()
    after = map_args(app)
    assert layers_sent(after) == layers_sent(before) - {entry.id}
    # The base map is untouched, so the iframe keeps its key and is not remounted.
    assert after["script"] == before["script"]
    app.toggle(key=f"layer:{entry.id}").set_value(True).run()
    assert layers_sent(map_args(app)) == layers_sent(before)


def test_online_basemap_is_a_choice_not_the_default(app):
    assert "tile.openstreetmap" not in map_args(app)["script"]
    app.selectbox(key="basemap").set_value("osm").run()
    assert "tile.openstreetmap.org" in map_args(app)["script"]
    assert any("internet" in w.value for w in app.sidebar.warning)


def test_broken_data_gives_a_message_not_a_traceback(data_copy):
    (data_copy / "features.json").write_text('{"features": [{"id": "x"}]}')
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert len(at.error) == 1
    assert "missing field" in at.error[0].value
    assert "'x'" in at.error[0].value


def test_export_panel_previews_and_serves_a_png(app):
    app.selectbox(key="export:format").set_value("png").run()
    app.text_input(key="export:title:en").input("Briefing map").run()
    app.button(key="export:prepare").click().run()
    assert not app.exception
    assert len(images(app)) == 1  # the preview, before download
    label = download_label(app)
    # The snapshot carries the as-of date: by default the latest report in the data,
    # Part 2's Monday 2024-12-02 (FACTS.md).
    assert "posture_7-layers_35.5-31.5-46.0-38.0_2024-12-02.png" in label


def test_export_panel_serves_data_without_preview(app):
    app.selectbox(key="export:format").set_value("geojson").run()
    app.button(key="export:prepare").click().run()
    assert not app.exception
    assert images(app) == []
    assert download_label(app).startswith("Download posture_")
    assert ".geojson" in download_label(app)


def test_export_follows_the_layer_switches(app):
    for entry in catalogue():
        if entry.id not in ("border", "albukamal"):
            app.toggle(key=f"layer:{entry.id}").set_value(False)
    app.run()
    app.selectbox(key="export:format").set_value("csv").run()
    app.button(key="export:prepare").click().run()
    assert "posture_border+albukamal_" in download_label(app)


def test_quick_dates_set_the_posture(app):
    app.button(key="as_of:2024-01-25").click().run()
    assert app.slider(key="as_of").value == dt.date(2024, 1, 25)
    args = map_args(app)
    assert shown_ids(args, "albukamal") == ["albukamal-crossing"]
    assert shown_ids(args, "alqaim-jordan-sector") == []
    assert "us-troops-iraq" in shown_ids(args, "force-levels")
    app.button(key="as_of:2024-12-02").click().run()
    args = map_args(app)
    assert shown_ids(args, "albukamal") == ["albukamal-crossing", "pmf-crossing-into-syria"]
    assert shown_ids(args, "alqaim-jordan-sector") == ["alqaim-jordan-armour"]


def test_the_slider_reaches_back_to_the_coalition_years(app):
    app.slider(key="as_of").set_value(dt.date(2010, 6, 1)).run()
    assert shown_ids(map_args(app), "force-levels") == ["coalition-iraq-2009"]
    app.slider(key="as_of").set_value(dt.date(2012, 6, 1)).run()
    assert shown_ids(map_args(app), "force-levels") == ["coalition-iraq-2011"]


def test_a_link_sets_the_date_and_a_bad_one_falls_back_with_a_notice():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["as_of"] = "2024-01-25"
    at.run()
    assert at.slider(key="as_of").value == dt.date(2024, 1, 25)
    assert shown_ids(map_args(at), "albukamal") == ["albukamal-crossing"]
    for bad in ("2024-13-45", "<script>alert(1)</script>", "1900-01-01"):
        at = AppTest.from_file(APP, default_timeout=60)
        at.query_params["as_of"] = bad
        at.run()
        assert not at.exception
        # The default: the latest report in the data (FACTS.md, Part 2, 2024-12-02).
        assert at.slider(key="as_of").value == dt.date(2024, 12, 2)
        assert any("Ignored as_of=" in t.value for t in at.toast), bad


def test_the_url_follows_the_date(app):
    app.button(key="as_of:2024-12-02").click().run()
    assert app.query_params["as_of"] == "2024-12-02"


def test_sources_panel_lists_every_source_and_highlights_its_features(app):
    box = app.selectbox(key="source:highlight")
    labels = list(box.options)  # AppTest gives the shown labels
    assert "a senior Syrian army source, via Reuters" in labels
    assert "the report, via AFP" in labels
    assert highlighted(map_args(app)) == []
    box.set_value(labels.index("the report, via AFP") - 1).run()
    assert highlighted(map_args(app)) == ["us-troops-iraq", "us-troops-syria"]
    assert not app.exception


def test_sources_panel_follows_the_date(app):
    app.button(key="as_of:2024-01-25").click().run()
    box = app.selectbox(key="source:highlight")
    labels = list(box.options)  # AppTest gives the shown labels
    assert "a senior Syrian army source, via Reuters" not in labels  # reported in December


def test_changed_since_lists_and_marks_what_appeared():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["as_of"] = "2024-12-02"
    at.query_params["since"] = "2024-01-25"
    at.run()
    assert not at.exception
    assert at.checkbox(key="compare").value
    summary = at.sidebar.markdown[-1].value
    assert "**Appeared**" in summary
    assert "PMF fighters cross into Syria" in summary
    assert "**Ended**: nothing" in summary
    assert set(highlighted(map_args(at), "posture-changed")) == {
        "alqaim-jordan-armour", "nineveh-nw-reinforcement", "pmf-crossing-into-syria",
        "aleppo-taken", "idlib-taken", "hama-front"}


def test_changed_since_reports_a_change_of_count(app):
    app.slider(key="as_of").set_value(dt.date(2012, 6, 1))
    app.checkbox(key="compare").check()
    app.run()
    app.slider(key="since").set_value(dt.date(2010, 6, 1)).run()
    summary = app.sidebar.markdown[-1].value
    assert "**Count changed**: Coalition forces in Iraq, end of 2011 (now 0)" in summary
    assert highlighted(map_args(app), "posture-changed") == ["coalition-iraq-2011"]
    assert app.query_params["since"] == "2010-06-01"


def test_data_text_in_the_change_list_is_not_markdown(data_copy):
    path = data_copy / "features.json"
    payload = json.loads(path.read_text())
    for feature in payload["features"]:
        if feature["id"] == "pmf-crossing-into-syria":
            feature["name_en"] = "**bold** [link](http://x.example) `code`"
    path.write_text(json.dumps(payload, ensure_ascii=False))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["as_of"] = "2024-12-02"
    at.query_params["since"] = "2024-01-25"
    at.run()
    summary = at.sidebar.markdown[-1].value
    # Escaped, and a word joiner after "http": GitHub's Markdown links a bare URL after
    # escapes are resolved (ui/text.py).
    assert (r"\*\*bold\*\* \[link\]\(http" "\u2060" r"://x\.example\) \`code\`"
            in summary)


def test_force_level_chart_points_carry_their_sources(app):
    app.toggle(key="chart").set_value(True).run()
    # A layered chart keeps its points' data inline, in the layer that draws them.
    spec = chart_spec(app)
    values = next(layer["data"]["values"] for layer in spec["layer"]
                  if "tooltip" in layer.get("encoding", {}))
    by_figure = {(v["figure"], v["date"]): v for v in values}
    # FACTS F3 and F1: one force, the US-led forces in Iraq, at three dates.
    assert by_figure[("US-led forces in Iraq", "2009-12-31")]["count"] == 131_000
    assert by_figure[("US-led forces in Iraq", "2011-12-31")]["count"] == 0
    assert by_figure[("US-led forces in Iraq", "2024-01-25")]["source"] == \
        "the report, via AFP [F1]"
    assert by_figure[("US troops in Syria", "2024-01-25")]["count"] == 900
    assert all(v["source"] for v in values)


def test_a_link_sets_layers_basemap_and_view():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"layers": "border,albukamal", "basemap": "osm",
                            "lat": "34.45", "lon": "40.92", "zoom": "9"})
    at.run()
    assert not at.exception
    assert layers_sent(map_args(at)) == {"border", "albukamal"}
    assert at.selectbox(key="basemap").value == "osm"
    args = map_args(at)
    assert (args["center"], args["zoom"]) == ([34.45, 40.92], 9)
    assert list(at.toast) == []
    assert at.query_params["layers"] == "border,albukamal"
    assert at.query_params["basemap"] == "osm"


@pytest.mark.parametrize(("params", "notice"), [
    ({"layers": "border,nowhere"}, "Ignored unknown layers from the link: nowhere"),
    ({"basemap": "google"}, "Ignored basemap google"),
    ({"lat": "34", "lon": "41", "zoom": "30"}, "Ignored the view in the link"),
    ({"lat": "north", "lon": "41", "zoom": "6"}, "Ignored the view in the link"),
    ({"lat": "34"}, "Ignored the view in the link"),
    ({"layers": "<script>alert(1)</script>"}, "Ignored unknown layers"),
    ({"lang": "fr"}, "Ignored lang=fr from the link: use en or ar."),
    ({"lang": "<img src=x onerror=alert(1)>"}, "Ignored lang="),
])
def test_bad_link_values_fall_back_with_a_notice(params, notice):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(params)
    at.run()
    assert not at.exception
    assert any(notice in t.value for t in at.toast), [t.value for t in at.toast]
    args = map_args(at)
    assert args["zoom"] is None or 4 <= args["zoom"] <= 12


def test_lang_link_gives_the_arabic_page():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "ar"
    at.run()
    assert not at.exception
    assert list(at.toast) == []
    assert at.radio(key="lang").value == "ar"
    assert at.title[0].value == t("app.title", "ar")
    for entry in catalogue():
        assert at.toggle(key=f"layer:{entry.id}").label == entry.title_ar
    assert any(h.value == t("layers.header", "ar") for h in at.sidebar.header)
    # Right to left: the page carries the direction rules (a style-only st.html).
    assert any("direction: rtl" in str(e.proto) for e in at.get("html"))
    args = map_args(at)
    assert args["js_links"][-1].split("/")[-1].startswith("posture-ar-")  # Arabic bundle
    assert layers_sent(args) == {e.id for e in catalogue() if e.default_on}
    assert at.query_params["lang"] == "ar"


def test_switching_language_rewords_the_page_and_the_link():
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert at.title[0].value == t("app.title", "en")
    assert at.query_params["lang"] == "en"
    at.radio(key="lang").set_value("ar").run()
    assert not at.exception
    assert at.title[0].value == t("app.title", "ar")
    assert at.query_params["lang"] == "ar"
    assert at.checkbox(key="compare").label == t("changes.checkbox", "ar")
    at.radio(key="lang").set_value("en").run()
    assert at.title[0].value == t("app.title", "en")
    assert not any("direction: rtl" in str(e.proto) for e in at.get("html"))

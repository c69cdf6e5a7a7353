"""The page without a browser: streamlit.testing's AppTest runs app.py for real."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from i18n import t
from layers.catalogue import catalogue
from tests.conftest import ROOT

APP = str(ROOT / "app.py")


def map_component(at: AppTest):
    components = [e for e in at.main if type(e).__name__ == "UnknownElement"
                  and getattr(e.proto, "component_name", "").endswith("st_folium")]
    assert len(components) == 1, "the page should hold exactly one map"
    return components[0]


def map_args(at: AppTest) -> dict:
    return json.loads(map_component(at).proto.json_args)


def layers_sent(args: dict) -> set[str]:
    return set(re.findall(r'postureBundle\["layers"\]\["([^"]+)"\]', args["feature_group"]))


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    return at


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


def images(at: AppTest) -> list:
    return [e for e in at.main if type(e).__name__ == "Image"]


def download_label(at: AppTest) -> str:
    buttons = at.get("download_button")
    assert len(buttons) == 1
    return buttons[0].proto.label


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


def shown_ids(args: dict, layer_id: str) -> list[str]:
    call = re.search(rf'postureBundle\["layers"\]\["{layer_id}"\]\([^,]+, map_div, (\[.*?\])\)',
                     args["feature_group"])
    assert call, f"layer {layer_id} not sent"
    return json.loads(call.group(1))


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


def highlighted(args: dict, mark: str = "posture-highlight") -> list[str]:
    calls = re.findall(rf'\}}\)\((\[[^\]]*\]), "{mark}"\);', args["feature_group"])
    assert len(calls) == 1
    return json.loads(calls[0])


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
    assert r"\*\*bold\*\* \[link\]\(http://x\.example\) \`code\`" in summary


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


# Bad input in the page: a notice that names what was wrong, never an exception box.

def test_exporting_an_empty_view_gives_a_valid_empty_file_and_a_notice(app):
    for entry in catalogue():
        app.toggle(key=f"layer:{entry.id}").set_value(False)
    app.run()
    app.selectbox(key="export:format").set_value("geojson").run()
    app.button(key="export:prepare").click().run()
    assert not app.exception
    assert app.error == []
    name, data, *_ = app.session_state["export:file"]
    payload = json.loads(data)
    assert payload["type"] == "FeatureCollection"
    assert payload["features"] == []
    assert any(f"{name} is a valid file with no features" in i.value for i in app.info)


def test_control_characters_are_taken_out_of_the_export_title(app):
    app.selectbox(key="export:format").set_value("svg").run()
    app.text_input(key="export:title:en").input("Border\x01 map\x1b").run()
    assert any("Removed control characters" in w.value for w in app.warning)
    app.button(key="export:prepare").click().run()
    assert not app.exception
    svg = app.session_state["export:file"][1].decode("utf-8")
    from lxml import etree

    texts = "".join(etree.fromstring(svg.encode("utf-8")).itertext())
    assert "Border map" in texts


def test_a_link_with_no_known_layer_keeps_the_defaults_with_a_notice():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["layers"] = "nope"
    at.run()
    assert not at.exception
    assert layers_sent(map_args(at)) == {e.id for e in catalogue() if e.default_on}
    notices = [n.value for n in at.toast]
    assert any("Ignored unknown layers from the link: nope" in n for n in notices), notices
    assert any("showing the default layers" in n for n in notices), notices


def test_a_link_with_every_layer_off_keeps_them_off():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["layers"] = ""
    at.run()
    assert not at.exception
    assert layers_sent(map_args(at)) == set()
    assert list(at.toast) == []


def test_a_link_comparing_from_after_the_as_of_date_falls_back_with_a_notice():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["as_of"] = "2024-01-25"
    at.query_params["since"] = "2024-12-02"
    at.run()
    assert not at.exception
    notices = [n.value for n in at.toast]
    assert any("Ignored since=2024-12-02 from the link: it is after the as-of date 2024-01-25"
               in n for n in notices), notices
    assert at.slider(key="since").value == dt.date(2024, 1, 25)
    assert at.query_params["since"] == "2024-01-25"


def test_moving_the_comparison_past_the_as_of_date_is_refused_in_words(app):
    app.button(key="as_of:2024-01-25").click().run()
    app.checkbox(key="compare").check().run()
    app.slider(key="since").set_value(dt.date(2024, 6, 1)).run()
    assert not app.exception
    assert any("The comparison date 2024-06-01 is after the as-of date 2024-01-25" in w.value
               for w in app.sidebar.warning)
    assert highlighted(map_args(app), "posture-changed") == []


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


def legend_layers(at: AppTest) -> set[str]:
    legend = [e for e in at.sidebar if type(e).__name__ == "Html"
              and "posture-legend" in e.proto.body]
    assert len(legend) == 1
    return set(re.findall(r"data-layer='([^']+)'", legend[0].proto.body))


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


def test_a_bad_fade_in_a_link_falls_back_with_a_notice():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["fade"] = "-3"
    at.run()
    assert not at.exception
    assert at.number_input(key="stale_months").value == 12
    assert any("Ignored fade=" in n.value and "from 1 to 240" in n.value for n in at.toast)


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


def chart_spec(at: AppTest) -> dict:
    charts = [e for e in at.main if type(e).__name__ == "UnknownElement"
              and hasattr(e.proto, "spec")]
    assert len(charts) == 1
    return json.loads(charts[0].proto.spec)


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
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "ar"
    at.run()
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

"""Bad input in the page: a notice that names what was wrong, never an exception box."""

from __future__ import annotations

import datetime as dt
import json

from layers.catalogue import catalogue
from tests.app_helpers import (
    highlighted,
    layers_sent,
    map_args,
    run_with_link,
)


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
    at = run_with_link(layers="nope")
    assert not at.exception
    assert layers_sent(map_args(at)) == {e.id for e in catalogue() if e.default_on}
    notices = [n.value for n in at.toast]
    assert any("Ignored unknown layers from the link: nope" in n for n in notices), notices
    assert any("showing the default layers" in n for n in notices), notices


def test_a_link_with_every_layer_off_keeps_them_off():
    at = run_with_link(layers="")
    assert not at.exception
    assert layers_sent(map_args(at)) == set()
    assert list(at.toast) == []


def test_a_link_comparing_from_after_the_as_of_date_falls_back_with_a_notice():
    at = run_with_link(as_of="2024-01-25", since="2024-12-02")
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


def test_a_bad_fade_in_a_link_falls_back_with_a_notice():
    at = run_with_link(fade="-3")
    assert not at.exception
    assert at.number_input(key="stale_months").value == 12
    assert any("Ignored fade=" in n.value and "from 1 to 240" in n.value for n in at.toast)

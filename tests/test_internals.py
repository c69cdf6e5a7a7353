"""The private internals of folium, branca and streamlit-folium that the map relies on.

pyproject.toml bounds these packages; when a bound is raised, these tests say
which internal moved, instead of a blank map with no test naming why.
Streamlit's switch DOM is checked in a real browser
(tests/test_browser.py::test_streamlit_switches_look_as_toggle_sync_expects).
"""

from __future__ import annotations

import re
from pathlib import Path

import folium
import streamlit_folium
from branca.element import Element, MacroElement
from folium.elements import ElementAddToElement

from layers.prerender import prerender_children


def test_folium_elements_keep_children_parent_and_template():
    # layers/prerender.py walks _children, reads _template.module.script and climbs _parent.
    m = folium.Map(tiles=None)
    group = folium.FeatureGroup().add_to(m)
    marker = folium.CircleMarker((34.0, 41.0), radius=4).add_to(group)
    assert isinstance(getattr(m, "_children", None), dict), \
        "folium.Map has no _children dict: update layers/prerender.py"
    assert marker.get_name() in group._children, "children are no longer keyed by get_name()"
    assert marker._parent is group, "_parent no longer points at the element added to"
    script = marker._template.module.script(marker)
    assert "L.circleMarker" in script, "folium's templates no longer have a script macro"
    assert issubclass(folium.FeatureGroup, MacroElement)
    assert issubclass(MacroElement, Element)


def test_folium_adds_children_through_element_add_to_element():
    # prerender_children drops the group's own "add me to the map" line by this class.
    m = folium.Map(tiles=None)
    group = folium.FeatureGroup().add_to(m)
    m.get_root().render()
    adders = [c for c in group._children.values() if isinstance(c, ElementAddToElement)]
    assert adders, "folium no longer adds a FeatureGroup through ElementAddToElement"
    assert adders[0].element_name == group.get_name()


def test_prerendered_layer_script_uses_the_replayed_names():
    group = folium.FeatureGroup()
    folium.CircleMarker((34.0, 41.0), radius=4).add_to(group)
    script = prerender_children(group, "check")
    assert ".addTo(parent)" in script
    assert not re.search(r"[0-9a-f]{32}", script), "folium's random ids leaked into the bundle"


def test_streamlit_folium_replaces_the_groups_in_window_feature_group():
    # layers/toggle_sync.py pushes the layers it draws early into window.feature_group,
    # so that the rerun's update removes them; streamlit-folium must keep doing both.
    from streamlit_folium import _get_feature_group_string

    m = folium.Map(tiles=None)
    pushed = _get_feature_group_string(folium.FeatureGroup(), m)
    assert "window.feature_group.push(" in pushed, \
        "streamlit-folium no longer collects added groups in window.feature_group"
    frontend = Path(streamlit_folium.__file__).parent / "frontend" / "build"
    bundle = "".join(p.read_text(encoding="utf-8", errors="replace")
                     for p in frontend.rglob("*.js"))
    assert re.search(r"window\.feature_group\.forEach\(\w+=>\{window\.map\.removeLayer", bundle), \
        "streamlit-folium's frontend no longer removes window.feature_group on update"

"""Sidebar toggles take effect in the map at once, before Streamlit's rerun confirms them.

A toggle's round trip (browser → server rerun → component update) costs about
120 ms here even for a minimal page. The map iframe is same-origin with the
page, so it watches the sidebar switches and shows or hides the layer from
the bundle immediately. The rerun that follows sends the
authoritative set of layers, and streamlit-folium replaces whatever the
optimistic step did, so the two can never stay out of step.
"""

from __future__ import annotations

from collections.abc import Iterable

from branca.element import MacroElement
from jinja2 import Template

from i18n import LANGUAGES
from layers.catalogue import LayerEntry
from layers.prerender import BUNDLE_GLOBAL, map_name_of
from layers.script_json import script_json

__all__ = ["HighlightFeatures", "OpenCard", "ShownAtDate", "SidebarToggleSync"]


class SidebarToggleSync(MacroElement):
    _template = Template("""{% macro script(this, kwargs) %}
(function (map) {
  var layerByTitle = {{ this.titles_json }};
  var page;
  try { page = window.parent.document; } catch (e) { return; }
  function apply(input) {
    try {
      var id = layerByTitle[input.getAttribute('aria-label')];
      if (!id || !window.""" + BUNDLE_GLOBAL + """) return;
      var groups = window.feature_group = window.feature_group || [];
      var shown = groups.filter(function (g) {
        return g.postureLayerId === id && map.hasLayer(g);
      });
      if (input.checked && shown.length === 0) {
        var group = L.featureGroup();
        group.postureLayerId = id;
        var shownNow = (window.postureShown || {})[id] || null;
        window.""" + BUNDLE_GLOBAL + """.layers[id](group, map, shownNow);
        group.addTo(map);
        groups.push(group);
      } else if (!input.checked) {
        shown.forEach(function (g) { map.removeLayer(g); });
      }
    } catch (e) { /* the rerun still applies the change */ }
  }
  // Streamlit's switch (react-aria) fires no native change event: watch the
  // click or key on its label, then read the state React has just set.
  function onInput(event) {
    var label = event.target && event.target.closest && event.target.closest('label');
    var input = label && label.querySelector('input[role="switch"]');
    if (input) setTimeout(function () { apply(input); }, 0);
  }
  page.addEventListener('click', onInput, true);
  page.addEventListener('keyup', onInput, true);
  window.addEventListener('pagehide', function () {
    page.removeEventListener('click', onInput, true);
    page.removeEventListener('keyup', onInput, true);
  });
})({{ this._parent.get_name() }});
{% endmacro %}""")

    def __init__(self, entries: Iterable[LayerEntry]) -> None:
        super().__init__()
        self._name = "SidebarToggleSync"
        # Inside a <script>: JSON is valid JS, and "<" must not close the tag.
        # Both languages: the switches are labelled in whichever the page shows.
        titles = {e.title(lang): e.id for e in entries for lang in LANGUAGES}
        self.titles_json = script_json(titles)


class ShownAtDate(MacroElement):
    """Tells the page which features each layer shows at the chosen date, so a
    switch turned on in the sidebar draws the right ones before the rerun."""

    _template = Template("{% macro script(this, kwargs) %}"
                         "window.postureShown = {{ this.shown|tojson }};{% endmacro %}")

    def __init__(self, shown: dict[str, list[str]]) -> None:
        super().__init__()
        self._name = "ShownAtDate"
        self.shown = shown


class HighlightFeatures(MacroElement):
    """Marks the given features' elements with a CSS class (posture-highlight by default).

    Added after the layers, so their elements exist when it runs.
    """

    _template = Template("""{% macro script(this, kwargs) %}
(function (ids, mark) {
  document.querySelectorAll('.' + mark).forEach(function (el) { el.classList.remove(mark); });
  ids.forEach(function (id) {
    document.querySelectorAll('.feature-' + CSS.escape(id)).forEach(function (el) {
      el.classList.add(mark);
    });
  });
})({{ this.ids|tojson }}, {{ this.css_class|tojson }});
{% endmacro %}""")

    def __init__(self, ids: list[str], css_class: str = "posture-highlight") -> None:
        super().__init__()
        self._name = "HighlightFeatures"
        self.ids = ids
        self.css_class = css_class


class OpenCard(MacroElement):
    """Opens one feature's card at a point, as a click on it would: the posture table's
    chosen row. Added after the layers, so the feature's marks exist when it runs."""

    _template = Template("""{% macro script(this, kwargs) %}
(function (map, id, at) {
  var wanted = ' feature-' + id + ' ';
  function classesOf(layer) {
    var own = [(layer.options && layer.options.className) || '',
               layer._icon ? layer._icon.getAttribute('class') : ''];
    if (layer.getLayers) layer.getLayers().forEach(function (child) {
      own.push((child.options && child.options.className) || '');
    });
    return ' ' + own.join(' ') + ' ';
  }
  var opened = false;
  map.eachLayer(function (layer) {
    if (opened || !layer.getPopup || !layer.getPopup()) return;
    if (classesOf(layer).indexOf(wanted) < 0) return;
    layer.openPopup(at);
    opened = true;
  });
})({{ this.map_name() }}, {{ this.feature_id|tojson }}, {{ this.at|tojson }});
{% endmacro %}""")

    def __init__(self, feature_id: str, lat: float, lon: float) -> None:
        super().__init__()
        self._name = "OpenCard"
        self.feature_id = feature_id  # tojson escapes "<", ">" and "&" inside the script
        self.at = [lat, lon]

    def map_name(self) -> str:
        return map_name_of(self)

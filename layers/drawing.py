"""The drawing tools on an editor's map: a point, a line or an area for a new claim.

Leaflet.draw (folium's Draw plugin) with its files served by the app (layers/assets.py),
never folium's CDN copies. What is drawn comes back through streamlit-folium:
`last_active_drawing` for a new shape, `all_drawings` after one is edited or deleted
with the toolbar's "Edit layers" and "Delete layers" (ui/editor_panel.py). One shape at
a time: a new one replaces the one drawn before, as it replaces the form's place.
"""

from __future__ import annotations

from functools import cache

from branca.element import MacroElement
from folium.plugins import Draw
from jinja2 import Template

from i18n import strings
from layers.assets import draw_assets
from layers.script_json import script_json

__all__ = ["draw_control", "draw_texts"]

_PREFIX = "drawtools."


def draw_texts(lang: str) -> dict[str, object]:
    """Leaflet.draw's words in `lang`, nested as its L.drawLocal is (i18n: drawtools.*)."""
    nested: dict[str, object] = {}
    for key, text in strings(lang).items():
        if key.startswith(_PREFIX):
            *path, last = key[len(_PREFIX):].split(".")
            node = nested
            for part in path:
                node = node.setdefault(part, {})  # type: ignore[assignment]
            node[last] = text  # type: ignore[index]
    return nested


@cache
def _texts_json(lang: str) -> str:
    return script_json(draw_texts(lang))


class DrawTexts(MacroElement):
    """Leaflet.draw's buttons, actions and hints in the page's language, merged into its
    L.drawLocal before the control reads them (so added to the map before it)."""

    _template = Template("""{% macro script(this, kwargs) %}
(function (texts) {
  function merge(into, from) {
    Object.keys(from).forEach(function (key) {
      if (typeof from[key] === 'object') merge(into[key] = into[key] || {}, from[key]);
      else into[key] = from[key];
    });
  }
  if (window.L && L.drawLocal) merge(L.drawLocal, texts);
})({{ this.texts_json }});
{% endmacro %}""")

    def __init__(self, lang: str) -> None:
        super().__init__()
        self._name = "DrawTexts"
        self.texts_json = _texts_json(lang)


class OneShapeAtATime(MacroElement):
    """Keeps only the newest drawn shape in Leaflet.draw's group: the form holds one
    place, so an older shape left on the map would read as part of the claim. Added
    after the Draw control, its handler runs after the control's own (which adds the
    new shape) and before streamlit-folium reports the drawings."""

    _template = Template("""{% macro script(this, kwargs) %}
{{ this._parent.get_name() }}.on('draw:created', function (e) {
  var group = window.drawnItems;
  if (!group || !group.eachLayer) return;
  group.eachLayer(function (layer) { if (layer !== e.layer) group.removeLayer(layer); });
});
{% endmacro %}""")


def draw_control(lang: str) -> list[MacroElement] | None:
    """The control with its words in `lang` and its one-shape rule, in the order they go
    on the map; None when Leaflet.draw was not fetched at install time."""
    assets = draw_assets()
    if assets is None:
        return None
    control = Draw(position="topleft", export=False,
                   draw_options={"polyline": {"shapeOptions": {"color": "#d6336c"}},
                                 "polygon": {"allowIntersection": False,
                                             "shapeOptions": {"color": "#d6336c"}},
                                 "marker": True, "circle": False, "rectangle": False,
                                 "circlemarker": False},
                   edit_options={"edit": True, "remove": True})
    # Instance attributes, so streamlit-folium links these and not the class's CDN URLs.
    control.default_js, control.default_css = assets
    return [DrawTexts(lang), control, OneShapeAtATime()]

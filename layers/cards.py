"""A feature's card attached to its marks: one copy of its HTML, as tooltip and popup,
with the thing's history (store/features.py: feature_trails)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from types import MappingProxyType

import folium
from branca.element import MacroElement
from jinja2 import Template

from geo.claims import TrailEntry
from geo.features import PlacedFeature
from layers.tooltip import feature_card_html

__all__ = ["FeatureCard", "attach_card", "histories"]


class FeatureCard(MacroElement):
    """The feature's card as a hover tooltip and a click popup, from one copy of its HTML.

    folium's Tooltip and Popup would each carry the HTML, and Popup parses it
    with jQuery; Leaflet's own bindTooltip/bindPopup need neither.
    """

    _template = Template("""{% macro script(this, kwargs) %}
(function (layer) {
  var card = `{{ this.html }}`;
  layer.bindTooltip(card, {sticky: true, className: "posture-tooltip"});
  layer.bindPopup(card, {minWidth: 320, maxWidth: 360});
})({{ this._parent.get_name() }});
{% endmacro %}""")

    def __init__(self, html: str) -> None:
        super().__init__()
        self._name = "FeatureCard"
        # The HTML sits in a template literal: every data value in it went
        # through escape_map_text, which leaves no backtick, "${" or backslash.
        self.html = html


# The histories of the features whose marks are being drawn (feature_marks sets it): a
# card is attached deep inside each symbol's drawing rule, which knows no date.
_TRAILS: ContextVar[Mapping[str, tuple[TrailEntry, ...]]] = ContextVar(
    "posture_trails", default=MappingProxyType({}))


def attach_card(element: folium.MacroElement, placed: PlacedFeature, lang: str) -> None:
    trail = _TRAILS.get().get(placed.record.id, ())
    FeatureCard(feature_card_html(placed.record, lang, trail)).add_to(element)


@contextmanager
def histories(trails: Mapping[str, tuple[TrailEntry, ...]]) -> Iterator[None]:
    """Within, the cards attached show these histories."""
    token = _TRAILS.set(trails)
    try:
        yield
    finally:
        _TRAILS.reset(token)

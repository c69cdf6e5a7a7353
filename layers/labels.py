"""Label placement on the live map and in the HTML export (layers/label_placement.js)."""

from __future__ import annotations

from pathlib import Path

from branca.element import MacroElement
from jinja2 import Template

from i18n import direction

__all__ = ["LABEL_PLACEMENT_JS", "LabelPlacement"]

LABEL_PLACEMENT_JS = Path(__file__).with_name("label_placement.js").read_text(encoding="utf-8")


class LabelPlacement(MacroElement):
    """Places the map's labels after every zoom and layer change: no overlaps, no label
    over a point symbol; a label without a free slot waits for a closer zoom."""

    _template = Template("{% macro script(this, kwargs) %}{{ this.source }}"
                         "({{ this._parent.get_name() }}, {{ this.rtl|tojson }});"
                         "{% endmacro %}")

    def __init__(self, lang: str) -> None:
        super().__init__()
        self._name = "LabelPlacement"
        self.source = LABEL_PLACEMENT_JS
        self.rtl = direction(lang) == "rtl"

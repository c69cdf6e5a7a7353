"""A feature's marks that are drawn together, and the display they are drawn in."""

from __future__ import annotations

import json
from dataclasses import dataclass

import folium

from layers.unit_symbols import Display

__all__ = ["Marks"]


@dataclass(frozen=True)
class Marks:
    """One feature's marks that are drawn together, and when: always (`units` None),
    only as plain markers (False), or only as unit symbols seen from `viewpoints`."""

    feature_id: str
    group: folium.FeatureGroup
    units: bool | None = None
    viewpoints: tuple[str, ...] = ()

    def drawn(self, display: Display) -> bool:
        if self.units is None:
            return True
        if not self.units:
            return not display.units
        return display.units and display.viewpoint in self.viewpoints

    def condition(self) -> str:
        """The same test as `drawn`, in the layer script's JS."""
        if self.units is None:
            return ""
        if not self.units:
            return " && !display.units"
        return (f" && display.units && {json.dumps(list(self.viewpoints))}"
                ".indexOf(display.viewpoint) >= 0")

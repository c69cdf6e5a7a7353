"""The drawing tools on an editor's map: a point, a line or an area for a new claim.

Leaflet.draw (folium's Draw plugin) with its files served by the app (layers/assets.py),
never folium's CDN copies. What is drawn comes back through streamlit-folium's
`last_active_drawing`; nothing is kept on the map (the claim, once saved, is).
"""

from __future__ import annotations

from folium.plugins import Draw

from layers.assets import draw_assets

__all__ = ["draw_control"]


def draw_control() -> Draw | None:
    """The control, or None when Leaflet.draw was not fetched at install time."""
    assets = draw_assets()
    if assets is None:
        return None
    control = Draw(position="topleft", export=False,
                   draw_options={"polyline": {"shapeOptions": {"color": "#d6336c"}},
                                 "polygon": {"allowIntersection": False,
                                             "shapeOptions": {"color": "#d6336c"}},
                                 "marker": True, "circle": False, "rectangle": False,
                                 "circlemarker": False},
                   edit_options={"edit": False, "remove": False})
    # Instance attributes, so streamlit-folium links these and not the class's CDN URLs.
    control.default_js, control.default_css = assets
    return control

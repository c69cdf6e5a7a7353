"""Make data text safe to put on the map.

folium places tooltip and popup HTML inside JavaScript template literals, and
Leaflet inserts it with innerHTML. So text from the data must be escaped for
HTML (against markup such as <img onerror=...>) and also for template literals
(against `${...}` interpolation and a stray backtick or backslash ending the
literal early). HTML character references cover all three: the browser shows
the characters, and JavaScript never sees them as syntax.
"""

from __future__ import annotations

import html

__all__ = ["escape_map_text"]

_TEMPLATE_LITERAL_CHARS = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;"})


def escape_map_text(text: object) -> str:
    """Escape any value for HTML and for a JS template literal."""
    return html.escape(str(text), quote=True).translate(_TEMPLATE_LITERAL_CHARS)

"""branca's rendered pieces compiled once, not on every rerun.

branca (folium's page model, 0.8) renders each map element's header, HTML and script, and
wraps each rendered text in a new `Element(text)`, whose constructor compiles that text as
a Jinja template. A rerun renders the same texts as the one before, so each toggle
compiled them all again: a quarter of the server's CPU per toggle (py-spy, 200 toggles).
Here branca's `Template` is given a cache by source text: a compiled template is
immutable once made (branca's own class-level templates are shared the same way), so one
per text serves every element that renders it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import branca.element
from jinja2 import Template

__all__ = ["CACHED_CHARS", "compiled_template", "held_texts", "install"]

# A rerun's map renders about 80 texts, 110 KB (the seed view); a layer's script, rendered
# once per version, can be far longer. The least recently used go past this many characters.
CACHED_CHARS = 4_000_000

_compiled: OrderedDict[str, Template] = OrderedDict()
_held = [0]  # characters of the texts held
_lock = threading.Lock()


def compiled_template(source: str) -> Template:
    """`Template(source)`, compiled once per text while it is among the recently used."""
    with _lock:
        found = _compiled.get(source)
        if found is not None:
            _compiled.move_to_end(source)
            return found
    made = Template(source)
    with _lock:
        if source not in _compiled and len(source) <= CACHED_CHARS:
            _compiled[source] = made
            _held[0] += len(source)
            while _held[0] > CACHED_CHARS:
                oldest, _ = _compiled.popitem(last=False)
                _held[0] -= len(oldest)
    return made


def held_texts() -> tuple[int, int]:
    """(texts, characters) the cache holds now."""
    with _lock:
        return len(_compiled), _held[0]


def install() -> None:
    """branca's Element compiles its template text through the cache from now on."""
    branca.element.Template = compiled_template  # type: ignore[assignment, misc]

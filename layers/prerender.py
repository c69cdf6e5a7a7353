"""Render a folium subtree to Leaflet JS once, and call it cheaply on every rerun.

A layer never changes between reruns, so its script is rendered once (the
way streamlit-folium walks an element tree) into the static bundle, and the
map only carries a `BundledScript` line that calls it.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Sequence

import folium
from branca.element import Element, MacroElement
from folium.elements import ElementAddToElement
from jinja2 import Template, UndefinedError

__all__ = ["BUNDLE_GLOBAL", "BundledScript", "CurrentBundle", "map_name_of", "prerender_children",
           "prerender_groups"]


def _walk(element: Element) -> Iterator[Element]:
    for child in element._children.values():
        yield child
        yield from _walk(child)


def _script_of(element: Element) -> str:
    template = element._template
    try:
        return template.module.script(element)
    except UndefinedError:
        # Templates without a `script` macro (folium.Popup) render whole.
        return template.render(this=element, kwargs={})
    except AttributeError:
        return ""  # plain HTML elements carry no script


_FOLIUM_ID = re.compile(r"[0-9a-f]{32}")


def _stable_ids(script: str, namespace: str) -> str:
    # folium names every element with a random hex id; numbering them instead
    # makes the same data give the same script, so the bundle's hashed file
    # name changes only when the data does.
    numbering: dict[str, str] = {}

    def number(match: re.Match[str]) -> str:
        return numbering.setdefault(match.group(), f"{namespace}_{len(numbering)}")

    return _FOLIUM_ID.sub(number, script)


def prerender_children(parent: folium.FeatureGroup, namespace: str) -> str:
    """The JS that builds `parent`'s children; it expects variables `parent` and `map`.

    `namespace` keeps element ids unique between scripts that share a page.
    """
    return prerender_groups([(parent, namespace)])[0]


def prerender_groups(groups: Sequence[tuple[folium.FeatureGroup, str]]) -> list[str]:
    """`prerender_children` for many groups at once, one script per group.

    One holder map for them all: branca compiles every rendered script as a
    template, and a map of its own per group cost a layer about a third of its
    render time (the map's own header and scripts, compiled again and again).
    """
    holder = folium.Map(tiles=None)
    for parent, _ in groups:
        parent.add_to(holder)
    holder.get_root().render()  # lets GeoJson, Popup and others prepare their data
    scripts = []
    for parent, namespace in groups:
        script = "\n".join(
            _script_of(child) for child in _walk(parent)
            # The parent's own "add me to the map" is the replaying side's job.
            if not (isinstance(child, ElementAddToElement)
                    and child.element_name == parent.get_name()))
        script = script.replace(parent.get_name(), "parent").replace(holder.get_name(), "map")
        scripts.append(_stable_ids(script, re.sub(r"\W", "_", namespace)))
    return scripts


BUNDLE_GLOBAL = "postureBundle"


class BundledScript(MacroElement):
    """Calls one prerendered function from the static bundle (see layers/bundle.py)
    with this element's parent and the map."""

    # A layer's group is tagged with its id, so layers/toggle_sync.py can find it.
    _template = Template(
        "{% macro script(this, kwargs) %}"
        "{% if this.section == 'layers' %}{{ this._parent.get_name() }}.postureLayerId = "
        "{{ this.key|tojson }};{% endif %}window." + BUNDLE_GLOBAL +
        "[{{ this.section|tojson }}][{{ this.key|tojson }}]({{ this._parent.get_name() }}, "
        "{{ this.map_name() }}, {{ this.shown|tojson }}, {{ this.display|tojson }});"
        "{% endmacro %}")

    def __init__(self, section: str, key: str, shown: Collection[str] | None = None,
                 display: dict[str, object] | None = None) -> None:
        super().__init__()
        self._name = "BundledScript"
        self.section = section
        self.key = key
        # jinja's tojson escapes "<", ">" and "&", so ids cannot end the script.
        self.shown = sorted(shown) if shown is not None else None
        self.display = display  # how the layer draws units; None: its default

    def map_name(self) -> str:
        return map_name_of(self)


class CurrentBundle(MacroElement):
    """Loads the current bundle into a map that was first drawn with an older one.

    The map's own page loads the bundle it was built with, and keeps it: a new base
    map would make streamlit-folium remount the iframe, losing the reader's view. After
    a write (a claim saved, a report imported) the store's bundle is another file; the
    first toggled group carries this, which fetches it once, synchronously and from
    this server, before the groups after it call its functions."""

    _template = Template(
        "{% macro script(this, kwargs) %}(function () {"
        "var bundle = window." + BUNDLE_GLOBAL + ";"
        "if (bundle && bundle.digest === {{ this.digest|tojson }}) return;"
        "var request = new XMLHttpRequest();"
        "request.open('GET', {{ this.url|tojson }}, false);"
        "request.send(null);"
        "if (request.status === 200) (0, eval)(request.responseText);"
        "})();{% endmacro %}")

    def __init__(self, url: str) -> None:
        super().__init__()
        self._name = "CurrentBundle"
        self.url = url
        # write_bundle names the file posture-<lang>-<digest>.js.
        self.digest = url.rsplit("-", 1)[-1].removesuffix(".js")


def map_name_of(element: Element) -> str:
    """The JS name of the map an element was added under."""
    while not isinstance(element, folium.Map):
        element = element._parent
    return element.get_name()

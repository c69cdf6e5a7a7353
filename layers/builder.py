"""One builder: any catalogue entry becomes a folium FeatureGroup.

Each feature's `symbol` picks its drawing rule. Every element carries the CSS
classes `posture layer-<layer id> feature-<feature id>`, so tests and styles
can find exactly one layer's or one feature's marks in the page.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from functools import lru_cache

import folium
from shapely.geometry import mapping

from geo.features import PlacedFeature
from geo.gazetteer import Place
from layers.cards import attach_card, histories
from layers.catalogue import MAX_DRAWN_FEATURES, LayerEntry, features_of, too_many_to_draw
from layers.escape import escape_map_text as esc
from layers.marks import Marks
from layers.prerender import BundledScript, prerender_groups
from layers.symbology import (
    APPROX_DASH,
    ARROW_OUTLINE_PX,
    ARROW_PX,
    POINT_PANE,
    POINT_PANE_Z,
    SYMBOL_STYLES,
    ZERO_COUNT_DASH,
    confidence_style,
    figure_label,
    proportional_radius,
    screen_angle,
)
from layers.unit_symbols import (
    Display,
    feature_symbol,
    symbol_anchor,
    symbol_shift_px,
    viewpoint_variants,
)
from store.features import feature_trails

__all__ = ["MAX_DRAWN_FEATURES", "POINTS_URL", "Marks", "build_layer", "element_classes",
           "feature_marks", "found_place_marker", "layer_script", "toggled_layer",
           "too_many_to_draw"]


def element_classes(entry: LayerEntry, feature_id: str) -> str:
    return f"posture layer-{entry.id} feature-{feature_id}"


def with_confidence(style: dict[str, object], confidence: str) -> dict[str, object]:
    """The style with every opacity scaled by the confidence's strength."""
    strength = confidence_style(confidence).strength
    faded = {**style, "opacity": round(float(style.get("opacity", 1.0)) * strength, 3)}
    for key in ("fillOpacity", "fill_opacity"):
        if key in style:
            faded[key] = round(float(style[key]) * strength, 3)  # type: ignore[arg-type]
    return faded


def _vector(placed: PlacedFeature, entry: LayerEntry, style: dict[str, object],
            lang: str) -> folium.GeoJson:
    # Only the geometry goes into the GeoJSON: attributes reach the page through
    # the escaped card, never as raw strings inside the script.
    style = with_confidence(style, placed.record.confidence)
    element = folium.GeoJson(
        mapping(placed.display_geometry),
        style_function=lambda _feature, style=style: style,
        className=element_classes(entry, placed.record.id),
    )
    attach_card(element, placed, lang)
    return element


def _label_html(placed: PlacedFeature, lang: str) -> str:
    """The feature's dated label in `lang`, followed by its confidence mark."""
    label, mark = figure_label(placed.record, lang)
    return esc(label) + (f" <span class='confidence-mark'>{esc(mark)}</span>" if mark else "")


def _text_label(location: tuple[float, float], text: str, classes: str,
                extra_class: str = "", dx: int = 8, dy: int = 8) -> folium.Marker:
    return folium.Marker(
        location,
        # dir=auto: an Arabic label that starts with a figure ("495 ألف عراقي") still
        # reads right to left, with the figure at its right.
        icon=folium.DivIcon(html=f"<span dir='auto'>{text}</span>", icon_size=(240, 18),
                            icon_anchor=(-dx, dy), class_name=f"{classes} posture-label "
                                                              f"{extra_class}".strip()),
        interactive=False,
    )


def _latlon(placed: PlacedFeature) -> tuple[float, float]:
    point = placed.geometry.representative_point() if placed.geometry.geom_type != "Point" \
        else placed.geometry
    return point.y, point.x


def leaflet_style(symbol: str, color: str) -> dict[str, object]:
    """Leaflet path options for a symbol, from the one symbology table."""
    spec = SYMBOL_STYLES[symbol]
    style: dict[str, object] = {"color": spec.outline or color, "weight": spec.weight,
                                "opacity": spec.opacity}
    if spec.fill_opacity is not None:
        style.update(fillColor=color, fillOpacity=spec.fill_opacity, fill=True)
    if spec.dash:
        style["dashArray"] = spec.dash
    return style


def _draw_line(p: PlacedFeature, e: LayerEntry, group: folium.FeatureGroup, lang: str) -> None:
    _vector(p, e, leaflet_style("line", e.color), lang).add_to(group)


def _draw_deployment_line(p: PlacedFeature, e: LayerEntry, group: folium.FeatureGroup,
                          lang: str) -> None:
    _vector(p, e, {**leaflet_style("deployment_line", e.color), "lineCap": "butt"},
            lang).add_to(group)
    # Label the southern part of the line, clear of the crossing's labels.
    anchor = p.display_geometry.interpolate(0.3, normalized=True)
    _text_label((anchor.y, anchor.x), _label_html(p, lang),
                element_classes(e, p.record.id), "deployment", dx=14, dy=-6).add_to(group)


def _draw_area(p: PlacedFeature, e: LayerEntry, group: folium.FeatureGroup, lang: str) -> None:
    _vector(p, e, leaflet_style("area", e.color), lang).add_to(group)


def _draw_approx_area(p: PlacedFeature, e: LayerEntry, group: folium.FeatureGroup,
                      lang: str) -> None:
    _vector(p, e, leaflet_style("approx_area", e.color), lang).add_to(group)
    _text_label(_latlon(p), _label_html(p, lang), element_classes(e, p.record.id),
                dx=-60).add_to(group)


def _arrow_svg(color: str, angle: float, strength: float, approximate: bool) -> str:
    width, height = ARROW_PX
    spec = SYMBOL_STYLES["arrow"]
    dash = f" stroke-dasharray='{APPROX_DASH}'" if approximate else ""
    return (f"<svg width='{width}' height='{height}' viewBox='0 0 {width} {height}' "
            f"style='transform: rotate({angle:.1f}deg)' aria-hidden='true'>"
            f"<path d='M{' L'.join(f'{x} {y}' for x, y in ARROW_OUTLINE_PX)} Z' "
            f"fill='{esc(color)}' "
            f"fill-opacity='{(spec.fill_opacity or 0) * strength:.2f}' stroke='{esc(color)}' "
            f"stroke-width='{spec.weight:g}'"
            f"{dash}/></svg>")


def _draw_arrow(p: PlacedFeature, e: LayerEntry, group: folium.FeatureGroup, lang: str) -> None:
    line = p.movement
    assert line is not None  # geo/features.py checked: an arrow is a two-point line
    start, end = line.coords[0], line.coords[-1]
    middle = line.interpolate(0.5, normalized=True)
    width, height = ARROW_PX
    marker = folium.Marker(
        (middle.y, middle.x),
        icon=folium.DivIcon(
            html=_arrow_svg(e.color, screen_angle(start, end),
                            confidence_style(p.record.confidence).strength,
                            p.record.geometry_approximate),
            icon_size=ARROW_PX, icon_anchor=(width // 2, height // 2),
            class_name=f"{element_classes(e, p.record.id)} posture-arrow"))
    attach_card(marker, p, lang)
    marker.add_to(group)
    _text_label((middle.y, middle.x), _label_html(p, lang), element_classes(e, p.record.id),
                dx=width // 2 + 4, dy=-10).add_to(group)


def _circle(p: PlacedFeature, e: LayerEntry, radius: float, style: dict[str, object],
            lang: str, pane: str | None = None) -> folium.CircleMarker:
    marker = folium.CircleMarker(_latlon(p), radius=radius,
                                 className=element_classes(e, p.record.id),
                                 **with_confidence(style, p.record.confidence))
    if pane:
        marker.options["pane"] = pane  # folium's path options drop it
    attach_card(marker, p, lang)
    return marker


def point_pane() -> folium.map.CustomPane:
    """The pane the small point symbols are drawn in; every map adds it before its layers."""
    return folium.map.CustomPane(POINT_PANE, z_index=POINT_PANE_Z, pointer_events=True)


def _draw_point(p: PlacedFeature, e: LayerEntry, group: folium.FeatureGroup, lang: str) -> None:
    # Clear of the 8 px circle and its 2 px ring, so the label never covers the point.
    _text_label(_latlon(p), _label_html(p, lang), element_classes(e, p.record.id),
                dx=12).add_to(group)


def _point_circle(p: PlacedFeature, e: LayerEntry, lang: str) -> folium.CircleMarker:
    """A point feature's plain marker; a unit symbol takes its place when symbols are on."""
    style = leaflet_style("point", e.color)
    if p.record.geometry_approximate:
        style["dashArray"] = APPROX_DASH
    return _circle(p, e, SYMBOL_STYLES["point"].radius or 8, style, lang, pane=POINT_PANE)


def _draw_place(p: PlacedFeature, e: LayerEntry, group: folium.FeatureGroup, lang: str) -> None:
    _circle(p, e, SYMBOL_STYLES["place"].radius or 4,
            {**leaflet_style("place", e.color), "fillColor": "#ffffff"}, lang,
            pane=POINT_PANE).add_to(group)
    _text_label(_latlon(p), esc(p.record.text("name", lang) or ""),
                element_classes(e, p.record.id), "place", dx=6).add_to(group)


def _draw_label(p: PlacedFeature, e: LayerEntry, group: folium.FeatureGroup, lang: str) -> None:
    # Governorate names are reference text: they must never sit between the
    # reader's pointer and a sourced feature (Aleppo's name covers Aleppo's
    # point), so they take no pointer events and carry no card. Their source,
    # Natural Earth, is in the map's attribution line.
    folium.Marker(
        _latlon(p), interactive=False,
        icon=folium.DivIcon(html=f"<span>{esc(p.record.text('name', lang) or '')}</span>",
                            icon_size=(160, 16),
                            icon_anchor=(80, 8),
                            class_name=f"{element_classes(e, p.record.id)} governorate-label"),
    ).add_to(group)


def _draw_proportional_stack(features: list[PlacedFeature], e: LayerEntry,
                             groups: dict[str, folium.FeatureGroup], lang: str) -> None:
    # Several country-level figures share one anchor: nest the circles, largest
    # first so the small ones stay on top and hoverable, and stack the labels.
    # Each figure keeps its slot whatever date hides its neighbours.
    ordered = sorted(features, key=lambda p: p.record.count.value or 0, reverse=True)
    largest = proportional_radius(ordered[0].record.count.value or 0)
    for index, p in enumerate(ordered):
        group = groups.setdefault(p.record.id, folium.FeatureGroup())
        value = p.record.count.value or 0
        style = leaflet_style("proportional", e.color) if value else {
            **leaflet_style("proportional", e.color), "fill": False,
            "dashArray": ZERO_COUNT_DASH}
        _circle(p, e, proportional_radius(value), style, lang).add_to(group)
        _text_label(_latlon(p), _label_html(p, lang),
                    element_classes(e, p.record.id), "figure",
                    dx=int(largest) + 6, dy=8 + 16 * (len(ordered) // 2 - index)).add_to(group)


_DRAW: dict[str, Callable[[PlacedFeature, LayerEntry, folium.FeatureGroup, str], None]] = {
    "line": _draw_line,
    "deployment_line": _draw_deployment_line,
    "area": _draw_area,
    "approx_area": _draw_approx_area,
    "arrow": _draw_arrow,
    "point": _draw_point,
    "place": _draw_place,
    "label": _draw_label,
}


def _by_anchor(features: Iterable[PlacedFeature]) -> dict[tuple[float, float], list[PlacedFeature]]:
    stacks: dict[tuple[float, float], list[PlacedFeature]] = defaultdict(list)
    for p in features:
        stacks[_latlon(p)].append(p)
    return stacks


def _unit_marks(p: PlacedFeature, e: LayerEntry, lang: str, slot: tuple[int, int] = (0, 1)
                ) -> list[Marks]:
    """The feature's unit symbol, one variant per affiliation its viewpoints give it;
    `slot` (index, count) sets symbols that share an anchor side by side."""
    marks = []
    shift_x, shift_y = symbol_shift_px(p, slot)
    for side, ids in viewpoint_variants(p.record).items():
        symbol = feature_symbol(p.record, ids[0], lang)
        assert symbol is not None  # viewpoint_variants is empty for features without a code
        group = folium.FeatureGroup()
        marker = folium.Marker(
            symbol_anchor(p),
            icon=folium.DivIcon(
                html=symbol.svg, icon_size=(math.ceil(symbol.width), math.ceil(symbol.height)),
                icon_anchor=(round(symbol.anchor_x - shift_x), round(symbol.anchor_y - shift_y)),
                class_name=f"{element_classes(e, p.record.id)} posture-unit unit-{side}"))
        attach_card(marker, p, lang)
        marker.add_to(group)
        marks.append(Marks(p.record.id, group, units=True, viewpoints=ids))
    return marks


# A canvas layer's call names its column file under this key of its display
# (layers/point_canvas.py).
POINTS_URL = "points_url"


def feature_marks(entry: LayerEntry, lang: str = "en", known_on: dt.date | None = None
                  ) -> list[Marks]:
    """Each feature's marks (as known on `known_on`), in drawing order, labelled in `lang`."""
    features = features_of(entry, known_on)
    if too_many_to_draw(len(features)):
        return []  # the page says so beside the layer's switch (app.py)
    with histories(feature_trails(known_on, (p.record.id for p in features))):
        return _feature_marks(features, entry, lang)


def _feature_marks(features: tuple[PlacedFeature, ...], entry: LayerEntry, lang: str
                   ) -> list[Marks]:
    marks: list[Marks] = []
    for p in features:
        if p.record.symbol == "proportional":
            continue
        group = folium.FeatureGroup()
        if p.record.symbol == "point":
            # Its plain marker first: a unit symbol replaces it when symbols are on.
            plain = folium.FeatureGroup()
            _point_circle(p, entry, lang).add_to(plain)
            marks.append(Marks(p.record.id, plain, units=False if p.record.sidc else None))
        _DRAW[p.record.symbol](p, entry, group, lang)
        marks.append(Marks(p.record.id, group))
        marks.extend(_unit_marks(p, entry, lang))
    proportional = [p for p in features if p.record.symbol == "proportional"]
    for stack in _by_anchor(proportional).values():
        groups: dict[str, folium.FeatureGroup] = {}
        _draw_proportional_stack(stack, entry, groups, lang)
        marks.extend(Marks(feature_id, group) for feature_id, group in groups.items())
        units = [p for p in stack if p.record.sidc]
        for index, p in enumerate(units):
            marks.extend(_unit_marks(p, entry, lang, (index, len(units))))
    return marks


@lru_cache(maxsize=256)
def layer_script(entry: LayerEntry, lang: str = "en", known_on: dt.date | None = None,
                 layer_version: str = "") -> str:
    """The layer's Leaflet JS, rendered once per process: a block per feature's marks,
    each drawn only if its id is in `shown` (the features shown at the chosen date;
    null: all) and the marks suit `display` (unit symbols or plain markers, viewpoint)."""
    # `layer_version` only keys the cache (store/features.py): a claim recorded in the
    # layer since renders it anew, and one recorded in another layer does not.
    every_marks = feature_marks(entry, lang, known_on)
    scripts = prerender_groups([(marks.group, f"layer_{entry.id}_{index}")
                                for index, marks in enumerate(every_marks)])
    blocks = [f"if (on({json.dumps(marks.feature_id)}){marks.condition()}) {{\n{script}\n}}"
              for marks, script in zip(every_marks, scripts, strict=True)]
    return ("var on = function (id) { return !shown || shown.indexOf(id) >= 0; };\n"
            f"display = display || {json.dumps(Display().as_json())};\n"
            + "\n".join(blocks))


def toggled_layer(entry: LayerEntry, shown: Collection[str] | None = None, lang: str = "en",
                  display: Display | None = None, points_url: str | None = None
                  ) -> folium.FeatureGroup:
    """A light FeatureGroup that calls the layer's function in the static bundle,
    drawing only the features in `shown` (None: all), as `display` says; a canvas
    layer draws the column file at `points_url` (layers/point_canvas.py)."""
    group = folium.FeatureGroup(name=esc(entry.title(lang)), show=True)
    settings = (display or Display()).as_json()
    if points_url is not None:
        settings = {**settings, POINTS_URL: points_url}
    BundledScript("layers", entry.id, shown, settings).add_to(group)
    return group


def build_layer(entry: LayerEntry, shown: Collection[str] | None = None, lang: str = "en",
                display: Display | None = None) -> folium.FeatureGroup:
    """The folium layer for one catalogue entry, named by its (escaped) title."""
    group = folium.FeatureGroup(name=esc(entry.title(lang)), show=True)
    for marks in feature_marks(entry, lang):
        if (shown is None or marks.feature_id in shown) and marks.drawn(display or Display()):
            marks.group.add_to(group)
    return group


def found_place_marker(place: Place, lang: str) -> folium.FeatureGroup:
    """A ring and the name on the place the search found, so the reader sees where it is."""
    group = folium.FeatureGroup(control=False)
    folium.CircleMarker((place.lat, place.lon), radius=7, color="#d6336c", weight=3,
                        fill=False, className="found-place", interactive=False).add_to(group)
    name = place.name_ar if lang == "ar" else place.name_en
    _text_label((place.lat, place.lon), esc(name), "found-place", "place", dx=10
                ).add_to(group)
    return group

"""Map furniture for static snapshots: title, legend, scale bar, north arrow, dates,
sources, attribution and the caveat for approximate geometry."""

from __future__ import annotations

import datetime as dt
import textwrap

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrow, Patch

from exports.view import View
from geo.features import PlacedFeature
from geo.measure import distance_km
from layers.catalogue import LayerEntry, layer

__all__ = ["NATURAL_EARTH", "add_furniture", "nice_scale_km", "sources_in_view"]

NATURAL_EARTH = "Basemap: Natural Earth 1:10m (public domain)"
_NICE_KM = (10, 20, 25, 50, 100, 150, 200, 250, 300, 500, 1000)


def sources_in_view(features: list[PlacedFeature]) -> list[str]:
    """Every distinct source behind a feature in view, in first-seen order."""
    seen: dict[str, None] = {}
    for p in features:
        for s in p.record.sources:
            seen.setdefault(s.text(), None)
    return list(seen)


def nice_scale_km(span_km: float) -> int:
    """A round length close to a quarter of the map's width."""
    target = span_km / 4
    return min(_NICE_KM, key=lambda km: abs(km - target))


def _legend_handles(entries: list[LayerEntry], features: list[PlacedFeature],
                    lang: str) -> list[object]:
    handles: list[object] = []
    for entry in entries:
        symbols = {p.record.symbol for p in features if p.record.layer == entry.id}
        if not symbols:
            continue
        label = textwrap.fill(entry.title_ar if lang == "ar" else entry.title_en, 34)
        if symbols & {"area", "approx_area"}:
            handles.append(Patch(facecolor=entry.color, alpha=0.3, edgecolor=entry.color,
                                 hatch="///" if "approx_area" in symbols else None,
                                 label=label))
        elif symbols & {"line", "deployment_line"}:
            handles.append(Line2D([], [], color=entry.color,
                                  linewidth=6 if "deployment_line" in symbols else 2.5,
                                  linestyle="--" if "deployment_line" in symbols else "-",
                                  label=label))
        else:
            handles.append(Line2D([], [], marker="o", linestyle="", markersize=8,
                                  markerfacecolor=entry.color, markeredgecolor="white",
                                  alpha=0.8, label=label))
    return handles


def _scale_bar(ax: Axes) -> None:
    ax.apply_aspect()
    (west, east), (south, north) = ax.get_xlim(), ax.get_ylim()
    lat = south + (north - south) * 0.06
    span_km = distance_km(west, lat, east, lat)
    length_km = nice_scale_km(span_km)
    # Degrees of longitude for that length at this latitude, from the geodesic.
    length_deg = (east - west) * length_km / span_km
    x0 = west + (east - west) * 0.04
    ax.plot([x0, x0 + length_deg], [lat, lat], color="black", linewidth=3, zorder=20,
            solid_capstyle="butt")
    ax.text(x0 + length_deg / 2, lat + (north - south) * 0.015, f"{length_km} km",
            ha="center", va="bottom", fontsize=7, zorder=20)


def _north_arrow(ax: Axes) -> None:
    ax.add_patch(FancyArrow(0.95, 0.86, 0, 0.08, width=0.012, head_width=0.035,
                            head_length=0.03, transform=ax.transAxes, color="black",
                            zorder=20))
    ax.text(0.95, 0.82, "N", transform=ax.transAxes, ha="center", va="top", fontsize=9,
            fontweight="bold", zorder=20)


def add_furniture(figure: Figure, ax: Axes, view: View, features: list[PlacedFeature]) -> None:
    entries = [layer(i) for i in dict.fromkeys(p.record.layer for p in features)]
    figure.text(0.03, 0.955, view.title, fontsize=15, fontweight="bold", va="top")
    as_of = view.as_of.isoformat() if view.as_of else "latest report"
    exported = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    figure.text(0.03, 0.915, f"As of {as_of} · exported {exported}", fontsize=8,
                color="#444444", va="top")
    handles = _legend_handles(entries, features, view.lang)
    if handles:
        figure.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.75, 0.90),
                      fontsize=7, title="Legend", title_fontsize=8, frameon=False)
    sources = sources_in_view(features)
    wrapped = "\n".join(textwrap.fill(f"• {s}", 52, break_on_hyphens=False) for s in sources)
    figure.text(0.75, 0.56, "Sources\n" + wrapped, fontsize=5.5, va="top", linespacing=1.25)
    figure.text(0.03, 0.10, NATURAL_EARTH + ". Facts: Alhurra report (Jan and Dec 2024), as "
                "restated in the project's FACTS sheet.", fontsize=6.5, color="#444444")
    approximate = [p.record for p in features if p.record.geometry_approximate]
    if approximate:
        names = ", ".join(r.name_en for r in approximate[:4])
        more = f" and {len(approximate) - 4} more" if len(approximate) > 4 else ""
        caveat = (f"Caveat: approximate geometry for {names}{more}; country-level figures "
                  "are drawn at the country, not at bases.")
        figure.text(0.03, 0.075, textwrap.fill(caveat, 150), fontsize=6.5, color="#8a1c1c",
                    va="top")
    _scale_bar(ax)
    _north_arrow(ax)

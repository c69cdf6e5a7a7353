"""What a snapshot shows: bounds, layers, as-of date, language and title."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from shapely.geometry import box

from geo.features import PlacedFeature
from geo.filters import Filters
from geo.timeline import DEFAULT_STALE_MONTHS, features_at
from i18n import t
from layers.catalogue import LayerEntry, catalogue, features_of
from layers.event_layer import EventWindow
from layers.unit_symbols import Display

__all__ = ["DEFAULT_BBOX", "View", "features_in_view"]

# The app's default view (layers/basemap.py: centre 34.6 N 40.6 E, zoom 6),
# as bounds: the whole border, Aleppo to Baghdad.
DEFAULT_BBOX = (35.5, 31.5, 46.0, 38.0)


@dataclass(frozen=True)
class View:
    bbox: tuple[float, float, float, float] = DEFAULT_BBOX  # west, south, east, north
    layer_ids: tuple[str, ...] = ()
    as_of: dt.date | None = None
    lang: str = "en"
    title: str | None = None  # None: the default title in the view's language
    # Figures older than this before `as_of` are drawn faded.
    stale_months: int = DEFAULT_STALE_MONTHS
    banner: str | None = None  # a handling banner printed at the top and bottom of the page
    locator: bool = False  # a locator inset in the corner of a printed map
    # Unit symbols or plain markers, and the viewpoint that sets friend and hostile.
    display: Display = field(default_factory=Display)
    # Which claims: by actor, confidence and reporting date (default: all).
    filters: Filters = field(default_factory=Filters)
    # The map as it was known that day: only claims reported by then (None: today).
    known_on: dt.date | None = None
    # The event layers' window and filters (None: the default days to the as-of date).
    events: EventWindow | None = None

    @property
    def known_on_text(self) -> str:
        return (self.known_on or dt.date.today()).isoformat()

    @property
    def heading(self) -> str:
        return self.title or t("furniture.default_title", self.lang)

    def layers(self) -> tuple[LayerEntry, ...]:
        wanted = self.layer_ids or tuple(e.id for e in catalogue() if e.default_on)
        return tuple(e for e in catalogue() if e.id in wanted)


    def event_window(self) -> EventWindow:
        """The events shown: the page's window, or the default days ending at the as-of
        date (today when there is none)."""
        return self.events or EventWindow(self.as_of or dt.date.today())


def _in_window(features: Iterable[PlacedFeature], window: EventWindow) -> list[PlacedFeature]:
    kept = []
    for p in features:
        event = p.record.event
        if event is not None and p.record.as_of is not None and window.keeps(
                p.record.as_of, event.type, (event.actor1, event.actor2)):
            kept.append(p)
    return kept


def features_in_view(view: View, every_date: bool = False) -> list[PlacedFeature]:
    """The features of the view's layers that touch its bounds, are shown at its date
    (or at any date: the posture table marks what is superseded) and pass its filters;
    of an event layer, the events in the view's window that pass its event filters."""
    bounds = box(*view.bbox)
    window = view.event_window()
    chosen: list[PlacedFeature] = []
    for entry in view.layers():
        features = features_of(entry, view.known_on)
        if entry.is_events:
            chosen.extend(_in_window(features, window))
        else:
            chosen.extend(features if every_date else features_at(features, view.as_of))
    # An event without coordinates is in no view and left out of none: its window and
    # filters decide, and the export counts it as unplaced.
    return [p for p in chosen if (p.record.unplaced or p.geometry.intersects(bounds))
            and view.filters.keeps(p.record)]

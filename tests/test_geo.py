"""Geometry derived from Natural Earth, checked against reference figures and FACTS.md."""

from __future__ import annotations

import pytest
from shapely.geometry import LineString, Point

from geo.derive import (
    AL_QAIM_CROSSING,
    TRIPOINT_IQ_JO_SY,
    alqaim_jordan_sector,
    country_anchor,
    country_outline,
    governorate,
    iraq_syria_border,
    nineveh_northwest_sector,
)
from geo.measure import area_km2, distance_km, length_km
from store.features import placed_features

# FACTS.md "Places" table, restated here so the data file is checked against it.
FACTS_PLACES = {
    "town-al-qaim": (41.094, 34.369),
    "town-al-bukamal": (40.918, 34.453),
    "albukamal-crossing": (40.99, 34.43),
    "city-mosul": (43.13, 36.34),
    "city-baghdad": (44.37, 33.31),
    "aleppo-taken": (37.16, 36.20),
    "hama-front": (36.75, 35.13),
    "idlib-taken": (36.63, 35.93),
}


def test_border_is_about_599_km():
    assert length_km(iraq_syria_border()) == pytest.approx(599, rel=0.02)


def test_border_is_the_shared_edge_of_both_countries():
    border = iraq_syria_border()
    assert isinstance(border, LineString)
    for outline in (country_outline("IQ"), country_outline("SY")):
        assert outline.boundary.buffer(1e-6).contains(border)


def test_border_runs_from_the_tripoint_to_the_turkish_border():
    start, end = Point(iraq_syria_border().coords[0]), Point(iraq_syria_border().coords[-1])
    ends = sorted([start, end], key=lambda p: p.y)
    assert distance_km(ends[0].x, ends[0].y, TRIPOINT_IQ_JO_SY.x, TRIPOINT_IQ_JO_SY.y) < 5
    assert ends[1].y > 37.0  # the Tigris tripoint with Turkey


def test_sector_is_about_236_km():
    assert length_km(alqaim_jordan_sector()) == pytest.approx(236, rel=0.03)


def test_sector_ends_at_the_crossing_and_the_tripoint():
    sector = alqaim_jordan_sector()
    ends = [Point(sector.coords[0]), Point(sector.coords[-1])]
    for target in (AL_QAIM_CROSSING, TRIPOINT_IQ_JO_SY):
        nearest = min(distance_km(p.x, p.y, target.x, target.y) for p in ends)
        assert nearest < 5, f"no sector end within 5 km of {target}"


def test_sector_follows_the_border_not_a_straight_line():
    sector, border = alqaim_jordan_sector(), iraq_syria_border()
    # Every vertex lies on the border (within ~1 m) ...
    assert all(border.distance(Point(c)) < 1e-5 for c in sector.coords)
    # ... and it keeps the border's bends: this stretch is nearly straight in
    # reality, but still measurably longer than the chord between its ends.
    chord = distance_km(*sector.coords[0], *sector.coords[-1])
    assert length_km(sector) > chord + 0.5
    assert len(sector.coords) > 10


def test_nineveh_area_and_capital():
    nineveh = governorate("IQ-NI")
    assert area_km2(nineveh) == pytest.approx(37_300, rel=0.03)
    assert nineveh.contains(Point(43.13, 36.34))  # Mosul


def test_northwest_sector_lies_in_nineveh_on_the_border():
    sector = nineveh_northwest_sector()
    nineveh = governorate("IQ-NI")
    assert nineveh.buffer(1e-6).contains(sector)
    assert sector.distance(iraq_syria_border()) < 1e-6
    assert sector.contains(Point(41.87, 36.32))  # Sinjar
    assert not sector.contains(Point(43.13, 36.34))  # Mosul is outside it
    assert 5_000 < area_km2(sector) < area_km2(nineveh)


@pytest.mark.parametrize(("feature_id", "lonlat"), sorted(FACTS_PLACES.items()))
def test_points_are_where_facts_md_puts_them(feature_id, lonlat):
    placed = {p.record.id: p for p in placed_features()}[feature_id]
    point = placed.geometry
    assert distance_km(point.x, point.y, *lonlat) < 3


def test_country_figures_are_drawn_inside_their_country():
    for iso in ("IQ", "SY"):
        assert country_outline(iso).contains(country_anchor(iso))


def test_militia_arrow_points_from_iraq_into_syria():
    placed = {p.record.id: p for p in placed_features()}["pmf-crossing-into-syria"]
    (tail, tip) = placed.record.geometry["coordinates"]
    assert placed.geometry.is_valid
    assert placed.geometry.distance(Point(tip)) < 1e-6
    assert country_outline("SY").contains(Point(tip))
    assert country_outline("IQ").contains(Point(tail))
    # It crosses the border near the Al-Bukamal crossing.
    crossing = LineString([tail, tip]).intersection(iraq_syria_border())
    assert distance_km(crossing.x, crossing.y, AL_QAIM_CROSSING.x, AL_QAIM_CROSSING.y) < 10

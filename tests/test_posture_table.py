"""The posture table: one row per force at the date, marked current, faded or superseded."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.app_helpers import run_with_link

DEC_2 = dt.date(2024, 12, 2)


def _rows(date: dt.date | None = DEC_2, stale_months: int = 12, lang: str = "en") -> dict:
    from geo.posture import posture_rows
    from store.features import placed_features

    return {r.feature_id: r for r in posture_rows(placed_features(), date, stale_months, lang)}


def test_rows_say_who_where_how_many_since_when_and_how_old():
    rows = _rows()
    us = rows["us-troops-iraq"]
    assert us.actor == "United States forces"
    assert us.count == "about 2,500"  # FACTS F1
    assert us.country == "Iraq"
    assert us.governorate == ""  # a country total, not a place
    assert us.since == dt.date(2024, 1, 25)
    assert us.age_days == 312  # 25 Jan to 2 Dec 2024, counted by hand
    assert "AFP" in us.source
    assert "(F1)" in us.source
    hama = rows["hama-front"]
    assert (hama.governorate, hama.country) == ("Hama", "Syria")
    assert hama.count == "no figure given"
    assert rows["pmf-crossing-into-syria"].count == "dozens"  # FACTS B7: no number
    # Reference geography is not a force.
    assert "city-baghdad" not in rows
    assert "iraq-syria-border" in rows  # the Border Forces' claim (B5) is a sourced row


def test_superseded_and_faded_figures_are_marked():
    rows = _rows()
    assert rows["us-troops-iraq"].status == "current"
    assert rows["iraq-armed-forces"].status == "faded"  # a 2020 estimate, over 12 months old
    # The US-led forces in Iraq are one series: 2,500 (2024) supersedes 0 (end 2011);
    # 131,000 (end 2009) ended when the 2011 figure began.
    assert rows["coalition-iraq-2011"].status == "superseded"
    assert "coalition-iraq-2009" not in rows
    assert _rows(stale_months=60)["iraq-armed-forces"].status == "current"
    assert _rows(dt.date(2010, 6, 1))["coalition-iraq-2009"].status == "current"


def test_arabic_rows_are_in_arabic():
    rows = _rows(lang="ar")
    assert rows["hama-front"].country == "سوريا"
    assert rows["pmf-crossing-into-syria"].count == "العشرات"


def test_the_page_shows_the_table_with_its_symbols_and_words():
    at = run_with_link(as_of="2024-12-02")
    assert not at.exception
    frame = at.dataframe[0].value
    assert list(frame.columns)[:3] == ["symbol", "actor", "place"]
    by_place = frame.set_index("place")
    assert by_place.loc["US troops in Iraq", "count"] == "about 2,500"
    assert by_place.loc["Coalition forces in Iraq, end of 2011", "status"] == \
        "superseded by a newer figure"
    assert by_place.loc["Hama front", "symbol"].startswith("data:image/svg+xml;base64,")
    assert by_place.loc["Idlib taken earlier", "symbol"] == ""  # no code: not a unit
    plain = run_with_link(as_of="2024-12-02", symbols="plain").dataframe[0].value
    assert set(plain["symbol"]) == {""}


def test_the_table_waits_until_the_browser_has_drawn_the_map():
    # Its grid's script would otherwise compete with the map's for the first paint.
    first_run = run_with_link(map_drawn=False, as_of="2024-12-02")
    assert not first_run.exception
    assert len(first_run.dataframe) == 0
    assert len(run_with_link(as_of="2024-12-02").dataframe) == 1


def test_the_csv_holds_the_rows_shown_in_the_pages_language():
    from geo.posture import posture_rows
    from store.features import placed_features
    from ui.posture_table import posture_frame

    rows = posture_rows(placed_features(), DEC_2, 12, "ar")
    csv = posture_frame(rows, "ar").to_csv(index=False)
    back = pd.read_csv(io.StringIO(csv))
    assert len(back) == len(rows)
    assert "العشرات" in set(back["count"])


@pytest.mark.parametrize("layers", ["syria-front", ""])
def test_the_table_follows_the_layers_switched_on(layers):
    at = run_with_link(as_of="2024-12-02", layers=layers)
    assert not at.exception
    if layers:
        places = set(at.dataframe[0].value["place"])
        assert places == {"Aleppo taken by the opposition", "Idlib taken earlier", "Hama front"}
    else:
        assert len(at.dataframe) == 0
        assert any("No force on the layers shown" in c.value for c in at.caption)


def test_the_pdf_has_a_second_page_with_the_posture_table_and_its_sources(tmp_path):
    from pypdf import PdfReader

    from exports.static_map import write_static
    from exports.view import View
    from geo.filters import Filters

    path = tmp_path / "briefing.pdf"
    write_static(View(as_of=DEC_2), "pdf", path)
    pages = PdfReader(str(path)).pages
    assert len(pages) == 2
    table = " ".join(pages[1].extract_text().split())
    assert "Posture table as of 2024-12-02" in table
    assert "about 2,500" in table  # FACTS F1
    assert "the report, via AFP (F1)" in table
    assert "dozens" in table  # FACTS B7
    assert "superseded by a newer figure" in table
    filtered = tmp_path / "official.pdf"
    write_static(View(as_of=DEC_2, filters=Filters(confidence=("official",))), "pdf", filtered)
    table = " ".join(PdfReader(str(filtered)).pages[1].extract_text().split())
    assert "about 2,500" not in table
    assert "Al-Qaim → Jordan border sector" in table


@settings(max_examples=60, deadline=None)
@given(points=st.lists(st.tuples(st.floats(36.0, 46.0), st.floats(30.5, 37.5)),
                       min_size=1, max_size=25))
def test_each_rows_governorates_are_those_its_point_lies_in(points):
    """Against shapely's own intersects, governorate by governorate, in the table's order
    (the rows are found through the table's spatial index, all at once)."""
    from shapely.geometry import Point

    from geo.basemap import governorates
    from geo.features import PlacedFeature
    from geo.posture import posture_rows
    from store.features import placed_features

    template = next(p for p in placed_features() if p.record.id == "hama-front")
    features = [PlacedFeature(replace(template.record, id=f"p{i}"), Point(lon, lat))
                for i, (lon, lat) in enumerate(points)]
    table = governorates()
    rows = posture_rows(features, None, 12, "en")
    for (lon, lat), row in zip(points, rows, strict=True):
        inside = [name for name, shape in zip(table["name_en"], table.geometry, strict=True)
                  if shape.intersects(Point(lon, lat))]
        assert row.governorate == ", ".join(inside)

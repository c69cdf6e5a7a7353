"""The second time axis, "as known on": the map drawn only from claims reported by a day.

The seed's two reports (FACTS.md): part 1 of 2024-01-25 (US and Iraqi force levels)
and part 2 of 2024-12-02 (the armour on the border, the PMF crossing, the Syrian
offensive). On 2024-06-01 only part 1 was known.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re

import pytest
from pypdf import PdfReader

from geo.timeline import changes_in_knowledge
from store.features import placed_features, shared_store
from tests.app_helpers import highlighted, layers_sent, map_args, run_with_link, shown_ids
from tests.conftest import DATA_DIR, ROOT, clear_data_caches
from tests.test_export_data import run_cli

PART_2 = {"alqaim-jordan-armour", "nineveh-nw-reinforcement", "pmf-crossing-into-syria",
          "aleppo-taken", "idlib-taken", "hama-front", "iraq-syria-border"}


def _geojson_ids(path) -> set[str]:
    return {f["properties"]["id"] for f in json.loads(path.read_text())["features"]}


def test_the_cli_draws_only_what_was_reported_by_the_day(tmp_path):
    known_then, known_now = tmp_path / "then.geojson", tmp_path / "now.geojson"
    common = ["--format", "geojson", "--as-of", "2024-12-02", "--layers",
              "albukamal,syria-front,force-levels"]
    assert run_cli(*common, "--out", str(known_now)).returncode == 0
    result = run_cli(*common, "--out", str(known_then), "--known-on", "2024-06-01")
    assert result.returncode == 0, result.stderr
    now, then = _geojson_ids(known_now), _geojson_ids(known_then)
    assert {"pmf-crossing-into-syria", "hama-front", "us-troops-iraq"} <= now
    assert not then & PART_2
    assert {"us-troops-iraq", "us-troops-syria", "albukamal-crossing"} <= then


def test_the_pdf_prints_both_dates(tmp_path):
    out = tmp_path / "map.pdf"
    result = run_cli("--format", "pdf", "--out", str(out), "--as-of", "2024-12-02",
                     "--known-on", "2024-06-01")
    assert result.returncode == 0, result.stderr
    first_page = " ".join(PdfReader(str(out)).pages[0].extract_text().split())
    assert "As of 2024-12-02 · as known on 2024-06-01" in first_page


@pytest.mark.parametrize("bad", ["2024-13-01", "yesterday", "1999-01-01"])
def test_a_bad_known_on_date_is_named(tmp_path, bad):
    result = run_cli("--format", "geojson", "--out", str(tmp_path / "x.geojson"),
                     "--known-on", bad)
    assert result.returncode == 2
    assert "--known-on" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_page_takes_known_on_from_the_link():
    then = run_with_link(as_of="2024-12-02", known_on="2024-06-01")
    assert not then.exception
    assert then.query_params["known_on"] == "2024-06-01"
    shown_then = {i for layer in layers_sent(map_args(then))
                  for i in shown_ids(map_args(then), layer)}
    now = run_with_link(as_of="2024-12-02")
    shown_now = {i for layer in layers_sent(map_args(now)) for i in shown_ids(map_args(now), layer)}
    assert "pmf-crossing-into-syria" in shown_now
    assert "pmf-crossing-into-syria" not in shown_then
    assert "us-troops-iraq" in shown_then
    assert set(then.dataframe[0].value["place"]).isdisjoint({"Hama front", "Aleppo taken by "
                                                             "the opposition"})


def test_a_claim_recorded_while_the_app_runs_shows_on_the_next_rerun(data_copy):
    page = run_with_link(as_of="2025-02-01")
    assert "Hama front" in set(page.dataframe[0].value["place"])
    raw = copy.deepcopy(next(f for f in json.loads((DATA_DIR / "features.json").read_text(
        encoding="utf-8"))["features"] if f["id"] == "hama-front"))
    raw.update(id="hama-front-2025", name_en="Hama front, January 2025",
               reported_on="2025-01-20", valid_from="2025-01-20")
    assert "hama-front-2025" not in _bundle(page)
    shared_store().record([raw], "analyst-a")  # as an import in another process would
    page.run()
    assert "Hama front, January 2025" in set(page.dataframe[0].value["place"])
    assert "hama-front-2025" in shown_ids(map_args(page), "syria-front")
    assert "hama-front-2025" in _bundle(page)  # the layer script that draws it
    clear_data_caches()


def _bundle(page) -> str:
    """The static layer bundle the page's map loads."""
    url = re.search(r"/app/static/(vendor/generated/posture-en-[0-9a-f]+\.js)",
                    json.dumps(map_args(page))).group(1)
    return (ROOT / "static" / url).read_text(encoding="utf-8")


def test_placed_features_follow_the_store_version():
    before = {p.record.id for p in placed_features(dt.date(2024, 6, 1))}
    assert not before & PART_2


def test_compare_on_the_known_axis_lists_what_was_learnt_since():
    at = run_with_link(as_of="2024-12-02", since="2024-06-01", compare_axis="known")
    assert not at.exception
    assert at.radio(key="compare_axis").value == "known"
    summary = at.sidebar.markdown[-1].value
    assert (f"As of 2024-12-02, what was known on 2024-06-01 against {dt.date.today()}:"
            in summary)
    assert "PMF fighters cross into Syria" in summary
    assert "**Ended**: nothing" in summary
    assert "**Corrected**: nothing" in summary
    # Everything part 2 reported: in the world the border was there all along, but what
    # the report said of it was not known in June.
    assert set(highlighted(map_args(at), "posture-changed")) == PART_2
    assert at.query_params["compare_axis"] == "known"


def test_a_correction_is_listed_as_corrected_on_the_known_axis(data_copy):
    raw = copy.deepcopy(next(f for f in json.loads((DATA_DIR / "features.json").read_text(
        encoding="utf-8"))["features"] if f["id"] == "pmf-crossing-into-syria"))
    raw["count"].update(words_en="hundreds", words_ar="المئات")
    raw["reported_on"] = "2025-01-10"
    shared_store().record([raw], "analyst-a")
    changes = changes_in_knowledge(placed_features(dt.date(2025, 1, 9)), placed_features(),
                                   dt.date(2025, 2, 1))
    assert changes.corrected == ("pmf-crossing-into-syria",)
    assert changes.appeared == changes.ended == changes.changed == ()
    clear_data_caches()


def test_the_chart_and_the_legend_follow_known_on(data_copy):
    from layers.catalogue import layer
    from layers.legend import legend_html
    from layers.unit_symbols import Display
    from tests.app_helpers import chart_spec

    raw = copy.deepcopy(next(f for f in json.loads((DATA_DIR / "features.json").read_text(
        encoding="utf-8"))["features"] if f["id"] == "us-troops-iraq"))
    raw["count"]["value"] = 2600
    raw["reported_on"] = "2025-01-10"
    shared_store().record([raw], "analyst-a")

    def us_iraq_in_2024(**link: str) -> int:
        page = run_with_link(as_of="2025-02-01", **link)
        page.toggle(key="chart").set_value(True).run()
        values = next(chart_layer["data"]["values"] for chart_layer in chart_spec(page)["layer"]
                      if "tooltip" in chart_layer.get("encoding", {}))
        return next(v["count"] for v in values
                    if v["figure"] == "US-led forces in Iraq" and v["date"] == "2024-01-25")

    assert us_iraq_in_2024() == 2600
    assert us_iraq_in_2024(known_on="2025-01-09") == 2500
    # The Syrian opposition's unit symbols come with part 2 (2024-12-02).
    units = Display(True, "neutral")
    assert "data-unit=" in legend_html([layer("syria-front")], "en", display=units)
    assert "data-unit=" not in legend_html([layer("syria-front")], "en", display=units,
                                           known_on=dt.date(2024, 6, 1))
    clear_data_caches()

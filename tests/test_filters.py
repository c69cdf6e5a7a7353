"""Filters by actor, confidence and reporting date act alike on the map, the posture
table and the exports, and live in the link."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.app_helpers import map_args, run_with_link, shown_ids

# Written by hand from data/features.json's confidence fields (FACTS B1–B5).
OFFICIAL_AT_DEC_2 = {"iraq-syria-border", "alqaim-jordan-armour", "nineveh-nw-reinforcement"}


def _records() -> dict:
    from geo.features import load_features

    return {r.id: r for r in load_features()}


def _claims() -> set[str]:
    return {i for i, r in _records().items() if r.confidence != "reference"}


def test_each_filter_keeps_what_it_names_and_reference_geography():
    from geo.filters import Filters

    records = _records()
    official = Filters(confidence=("official",))
    assert official.keeps(records["alqaim-jordan-armour"])
    assert not official.keeps(records["pmf-crossing-into-syria"])  # media, anonymous
    assert official.keeps(records["city-baghdad"])  # a place, not a claim
    us = Filters(actors=("us-forces",))
    assert us.keeps(records["us-troops-syria"])
    assert not us.keeps(records["aleppo-taken"])
    part_2 = Filters(reported_from=dt.date(2024, 6, 1))  # the December report only
    assert part_2.keeps(records["hama-front"])
    assert not part_2.keeps(records["us-troops-iraq"])  # reported 2024-01-25
    part_1 = Filters(reported_to=dt.date(2024, 1, 31))
    assert part_1.keeps(records["us-troops-iraq"])
    assert not part_1.keeps(records["hama-front"])


def test_a_filter_changes_the_map_the_table_and_the_export_alike():
    at = run_with_link(as_of="2024-12-02", confidence="official")
    assert not at.exception
    args = map_args(at)
    on_map = {i for layer in ("border", "alqaim-jordan-sector", "nineveh", "albukamal",
                              "syria-front", "force-levels") for i in shown_ids(args, layer)}
    # Nineveh governorate and the crossing are reference geography: never filtered.
    assert on_map - {"nineveh-governorate", "albukamal-crossing"} == OFFICIAL_AT_DEC_2
    table = set(at.dataframe[0].value["place"])
    assert table == {"Iraq–Syria border", "Al-Qaim → Jordan border sector",
                     "North-western sector of Nineveh"}
    at.selectbox(key="export:format").set_value("geojson").run()
    at.button(key="export:prepare").click().run()
    exported = json.loads(at.session_state["export:file"][1])
    ids = {f["properties"]["id"] for f in exported["features"]}
    assert ids & _claims() == OFFICIAL_AT_DEC_2
    assert at.query_params["confidence"] == "official"


def test_actor_and_reporting_date_filters_from_the_link():
    at = run_with_link(as_of="2024-12-02", actors="us-forces,syrian-opposition",
                       reported_to="2024-06-30")
    assert not at.exception
    assert set(at.dataframe[0].value["place"]) == {"US troops in Iraq", "US troops in Syria"}
    assert at.query_params["actors"] == "us-forces,syrian-opposition"
    assert at.query_params["reported_to"] == "2024-06-30"


def test_bad_filters_in_the_link_are_named_and_dropped():
    at = run_with_link(as_of="2024-12-02", confidence="official,rumour", actors="martians")
    assert not at.exception
    notices = [n.value for n in at.toast]
    assert any("Ignored confidence=rumour" in n for n in notices), notices
    assert any("Ignored actors=martians" in n for n in notices), notices
    assert len(at.dataframe[0].value) == len(OFFICIAL_AT_DEC_2)


def test_the_command_line_filters_its_exports(tmp_path, capsys):
    from exports.cli import main

    out = tmp_path / "part2.geojson"
    assert main(["--format", "geojson", "--out", str(out), "--as-of", "2024-12-02",
                 "--reported-from", "2024-06-01", "--actors", "us-forces,iraqi-army"]) == 0
    ids = {f["properties"]["id"] for f in json.loads(out.read_text())["features"]}
    assert ids & _claims() == {"alqaim-jordan-armour", "nineveh-nw-reinforcement"}
    with pytest.raises(SystemExit) as exit_code:
        main(["--format", "csv", "--out", str(tmp_path / "x.csv"), "--confidence", "rumour"])
    assert exit_code.value.code == 2
    assert "argument --confidence: unknown 'rumour'" in capsys.readouterr().err


def test_a_filtered_print_says_what_it_leaves_out(tmp_path):
    from pypdf import PdfReader

    from exports.static_map import write_static
    from exports.view import View
    from geo.filters import Filters

    path = tmp_path / "filtered.pdf"
    write_static(View(as_of=dt.date(2024, 12, 2), filters=Filters(
        confidence=("official",), reported_from=dt.date(2024, 6, 1))), "pdf", path)
    text = PdfReader(str(path)).pages[0].extract_text()
    assert "Filtered: confidence officially announced; reported 2024-06-01 to …" in \
        " ".join(text.split())

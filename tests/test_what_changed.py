"""What changed between two days (`posture-export --changes-since`, the page's section),
on both backends: the seed's week of 2 December 2024 (FACTS B1-B3, B7, B9), the first
and last day of the window, a correction and a retraction with who recorded them, an
analyst's file without valid_from, the filters, and bad arguments.

Expected values are written by hand from FACTS.md and data/features.json.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import json

import pytest

from exports.cli import main
from imports.cli import main as import_main
from store import open_store
from tests.conftest import DATA_DIR
from tests.test_import import env_store  # noqa: F401

RAW = {f["id"]: f for f in
       json.loads((DATA_DIR / "features.json").read_text(encoding="utf-8"))["features"]}
# What the report of Monday 2 December 2024 brought onto the map (B1-B3, B7, B9).
DECEMBER = {"alqaim-jordan-armour", "nineveh-nw-reinforcement", "pmf-crossing-into-syria",
            "aleppo-taken", "idlib-taken", "hama-front"}
ALL_LAYERS = ("border,alqaim-jordan-sector,nineveh,albukamal,syria-front,force-levels,"
              "context")


def _changes(tmp_path, capsys, *args: str) -> list[dict[str, str]]:
    out = tmp_path / "changes.csv"
    code = main(["--out", str(out), *args])
    assert code == 0, capsys.readouterr().err
    with out.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _of(rows, kind: str) -> dict[str, dict[str, str]]:
    return {row["id"]: row for row in rows if row["change"] == kind}


def test_the_week_of_the_december_report(env_store, tmp_path, capsys):  # noqa: F811
    rows = _changes(tmp_path, capsys, "--changes-since", "2024-11-25", "--as-of",
                    "2024-12-02", "--layers", ALL_LAYERS)
    assert set(_of(rows, "appeared")) == DECEMBER
    assert {row["change"] for row in rows} == {"appeared"}
    pmf = _of(rows, "appeared")["pmf-crossing-into-syria"]
    assert pmf["what"] == "dozens, holds from 2024-12-01"  # the source's word, no number
    assert pmf["sources"] == ("a senior Syrian army source, via Reuters (B7); two Syrian "
                              "military sources, via Reuters (B8)")
    assert pmf["recorded_by"] == "seed"


@pytest.mark.parametrize(("since", "until", "appeared"), [
    # The crossing holds from 1 December: on the window's first day (since excluded)...
    ("2024-11-30", "2024-12-01", {"pmf-crossing-into-syria"}),
    # ...but not when it already held on `since`.
    ("2024-12-01", "2024-12-02", DECEMBER - {"pmf-crossing-into-syria"}),
    # The armour holds from 2 December: not in a window that ends the day before.
    ("2024-11-25", "2024-12-01", {"pmf-crossing-into-syria"}),
    ("2024-12-02", "2024-12-02", set()),  # an empty window
])
def test_the_window_s_first_and_last_day(env_store, tmp_path, capsys, since, until,  # noqa: F811
                                         appeared):
    rows = _changes(tmp_path, capsys, "--changes-since", since, "--as-of", until,
                    "--layers", ALL_LAYERS)
    assert set(_of(rows, "appeared")) == appeared


def test_the_coalition_s_count_change_to_the_us_figure(env_store, tmp_path, capsys):  # noqa: F811
    # FACTS F3 then F1: 0 at the end of 2011, about 2,500 in January 2024: one series.
    rows = _changes(tmp_path, capsys, "--changes-since", "2012-06-01", "--as-of",
                    "2024-01-25", "--layers", "force-levels")
    changed = _of(rows, "count_changed")
    assert set(changed) == {"us-troops-iraq"}
    assert changed["us-troops-iraq"]["what"] == "0 → about 2,500, from 2024-01-25"
    assert set(_of(rows, "appeared")) == {"us-troops-syria", "iraq-armed-forces"}


def test_a_correction_and_a_retraction_with_who_and_why(env_store, tmp_path,  # noqa: F811
                                                       capsys):
    store = open_store(env_store)
    try:
        corrected = copy.deepcopy(RAW["us-troops-iraq"])
        corrected["count"]["value"] = 2000
        corrected["reported_on"] = "2024-12-05"
        store.record([corrected], "alice")
        store.retract("idlib-taken", "the source withdrew it", "bob",
                      reported_on=dt.date(2024, 12, 6))
    finally:
        store.close()
    rows = _changes(tmp_path, capsys, "--changes-since", "2024-12-01", "--as-of",
                    "2024-12-08", "--layers", ALL_LAYERS)
    fixed = _of(rows, "corrected")["us-troops-iraq"]
    assert fixed["what"] == ("Count: about 2,500 → about 2,000; "
                             "Reported on: 2024-01-25 (inferred) → 2024-12-05 (inferred)")
    assert fixed["recorded_by"] == "alice"
    gone = _of(rows, "retracted")["idlib-taken"]
    assert (gone["recorded_by"], gone["reason"], gone["day"]) == (
        "bob", "the source withdrew it", "2024-12-06")
    # The retraction was reported on 6 December, the correction on the 5th: each is in a
    # window whose last day is its day, and in none that starts on it.
    for since, until, corrected, retracted in (
            ("2024-12-05", "2024-12-06", set(), {"idlib-taken"}),
            ("2024-12-04", "2024-12-05", {"us-troops-iraq"}, set()),
            ("2024-12-06", "2024-12-08", set(), set())):
        edge = _changes(tmp_path, capsys, "--changes-since", since, "--as-of", until,
                        "--layers", ALL_LAYERS)
        assert (set(_of(edge, "corrected")), set(_of(edge, "retracted"))) == (
            corrected, retracted), (since, until)
    # A week that ends before either is told of neither.
    earlier = _changes(tmp_path, capsys, "--changes-since", "2024-12-01", "--as-of",
                       "2024-12-04", "--layers", ALL_LAYERS)
    assert not _of(earlier, "corrected")
    assert not _of(earlier, "retracted")


def test_an_analyst_s_file_appears_on_its_dates_only(env_store, tmp_path, capsys):  # noqa: F811
    report = tmp_path / "december.csv"
    report.write_text(
        "name,lon,lat,date,source,confidence\n"
        "Patrol near Al-Qaim,41.10,34.37,2024-12-03,Shafaq News,media\n"
        "Checkpoint at Rabia,42.10,36.80,2024-12-07,Rudaw,media\n", encoding="utf-8")
    assert import_main([str(report), "--layer", "december"]) == 0
    capsys.readouterr()
    rows = _changes(tmp_path, capsys, "--changes-since", "2024-12-01", "--as-of",
                    "2024-12-08", "--layers", "december")
    appeared = _of(rows, "appeared")
    assert {row["name"] for row in appeared.values()} == {"Patrol near Al-Qaim",
                                                         "Checkpoint at Rabia"}
    assert {row["day"] for row in appeared.values()} == {"2024-12-03", "2024-12-07"}
    # Before its date a claim without valid_from is nowhere: a map of 2019 is empty.
    out = tmp_path / "2019.csv"
    assert main(["--format", "csv", "--out", str(out), "--layers", "december",
                 "--as-of", "2019-06-01", "--bbox", "35,30,46,38"]) == 0
    assert out.read_text(encoding="utf-8").count("\n") == 1  # the header alone


def test_the_filters_apply(env_store, tmp_path, capsys):  # noqa: F811
    rows = _changes(tmp_path, capsys, "--changes-since", "2024-11-25", "--as-of",
                    "2024-12-02", "--layers", ALL_LAYERS, "--confidence", "official")
    assert set(_of(rows, "appeared")) == {"alqaim-jordan-armour", "nineveh-nw-reinforcement"}


@pytest.mark.parametrize(("args", "message"), [
    (("--changes-since", "2024-12-09", "--as-of", "2024-12-02"),
     "2024-12-09 is after the as-of date 2024-12-02"),
    (("--changes-since", "2024-12-01", "--format", "pdf"), "writes CSV; --format pdf"),
    (("--changes-since", "2024-13-01"), "expected YYYY-MM-DD"),
])
def test_bad_arguments_get_one_line_and_exit_2(env_store, tmp_path, capsys,  # noqa: F811
                                               args, message):
    with pytest.raises(SystemExit) as exit_:
        main(["--out", str(tmp_path / "x.csv"), *args])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x.csv").exists()

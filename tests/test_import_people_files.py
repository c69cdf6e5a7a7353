"""Files as analysts hold them (issue 25): placemarks without ids, Excel and OpenDocument
workbooks, and the words people use for confidence, dates and columns. Both backends.

Workbooks are written here by openpyxl and odfpy (through pandas), the libraries such files
are commonly made by, never by the reader under test; every expected value is a literal.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from tests.test_import import current, env_store, run, snapshot, write_csv  # noqa: F401

OK_3 = "3 new, 0 changed, 0 unchanged, 0 retracted, 0 rejected"
AGAIN_3 = "0 new, 0 changed, 3 unchanged, 0 retracted, 0 rejected"


def _placemark(name: str, lon: float, lat: float, note: str, date: str = "2024-12-03") -> str:
    return f"""
    <Placemark>
      <name>{name}</name>
      <description>{note}</description>
      <ExtendedData>
        <Data name="date"><value>{date}</value></Data>
        <Data name="confidence"><value>reported</value></Data>
        <Data name="source"><value>Rudaw</value></Data>
      </ExtendedData>
      <Point><coordinates>{lon},{lat},0</coordinates></Point>
    </Placemark>"""


def _google_earth_kml(path: Path, placemarks: list[str]) -> Path:
    """A KML as Google Earth saves one: placemarks with no id attribute."""
    path.write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>My places</name>
{''.join(placemarks)}
</Document></kml>""", encoding="utf-8")
    return path


PLACEMARKS = [("Checkpoint north of Al-Qaim", 41.05, 34.40, "Two armoured vehicles"),
              ("Patrol base at Rutba", 40.28, 33.03, "Seen on 3 December"),
              ("مستودع قرب سنجار", 41.87, 36.32, "شاحنات")]


# Files without ids ------------------------------------------------------------------

def test_a_kml_without_ids_imports_twice_as_new_then_unchanged(env_store, capsys, tmp_path):  # noqa: F811
    kml = _google_earth_kml(tmp_path / "places.kml", [_placemark(*p) for p in PLACEMARKS])
    code, out, err = run(capsys, kml, "--layer", "places")
    assert (code, out) == (0, OK_3), err
    assert "places.kml has no key column: each row is keyed by its name and place, " \
           "hashed" in err
    assert "give --key FIELD" in err
    first = current(env_store, "places")
    assert len(first) == 3
    assert {raw["confidence"] for raw in first.values()} == {"media"}  # "reported"
    code, out, err = run(capsys, kml, "--layer", "places")
    assert (code, out) == (0, AGAIN_3), err
    assert current(env_store, "places") == first
    # What a placemark says of itself changed: its claim is superseded, not doubled.
    changed = [_placemark(*PLACEMARKS[0][:3], "Three armoured vehicles"),
               *(_placemark(*p) for p in PLACEMARKS[1:])]
    code, out, err = run(capsys, _google_earth_kml(kml, changed), "--layer", "places")
    assert (code, out) == (0, "0 new, 1 changed, 2 unchanged, 0 retracted, 0 rejected"), err
    assert set(current(env_store, "places")) == set(first)


def test_two_placemarks_with_one_name_and_place_are_refused_by_row(env_store, capsys,  # noqa: F811
                                                                  tmp_path):
    same = PLACEMARKS[0]
    kml = _google_earth_kml(tmp_path / "twice.kml", [
        _placemark(*same), _placemark(*PLACEMARKS[1]),
        _placemark(*same[:3], "another note", "2024-12-04")])
    before = snapshot(env_store)
    code, out, err = run(capsys, kml, "--layer", "places")
    assert (code, out) == (3, "0 new, 0 changed, 0 unchanged, 0 retracted, 2 rejected"), err
    assert "rejected: row 1, name+place: rows 1, 3 give the same name and place" in err
    assert "rejected: row 3, name+place: rows 1, 3 give the same name and place" in err
    assert "(--key FIELD; on the page, 'Key column')" in err
    assert snapshot(env_store) == before


def test_a_csv_without_a_key_column_is_keyed_by_name_and_place(env_store, capsys, tmp_path):  # noqa: F811
    header = ["name", "lon", "lat", "date", "confidence", "source", "count"]
    rows = [["Checkpoint", 41.05, 34.40, "2024-12-03", "media", "Rudaw", "200"],
            ["Checkpoint", 41.06, 34.40, "2024-12-03", "media", "Rudaw", "200"],
            ["Depot", 41.05, 34.40, "2024-12-03", "media", "Rudaw", "200"]]
    path = write_csv(tmp_path / "plain.csv", header, rows)
    code, out, err = run(capsys, path, "--layer", "plain")
    assert (code, out) == (0, OK_3), err
    # The count changes: the same three things, one of them superseded.
    rows[2][6] = "250"
    code, out, err = run(capsys, write_csv(path, header, rows), "--layer", "plain")
    assert (code, out) == (0, "0 new, 1 changed, 2 unchanged, 0 retracted, 0 rejected"), err
    claims = current(env_store, "plain")
    assert sorted(raw["count"]["value"] for raw in claims.values()) == [200, 200, 250]
    assert all(re.fullmatch(r"plain\.[0-9a-f]{20}", key) for key in claims)


def test_a_key_column_given_is_used_and_no_note_is_printed(env_store, capsys, tmp_path):  # noqa: F811
    path = write_csv(tmp_path / "keyed.csv", ["ref", "name", "lon", "lat", "date",
                                              "confidence", "source"],
                     [["a1", "Checkpoint", 41.05, 34.40, "2024-12-03", "media", "Rudaw"]])
    code, _out, err = run(capsys, path, "--layer", "keyed", "--key", "ref")
    assert code == 0, err
    assert "no key column" not in err
    assert set(current(env_store, "keyed")) == {"keyed.a1"}


# Spreadsheets -----------------------------------------------------------------------

SHEET_HEADER = ["id", "name", "longitude", "latitude", "date", "confidence", "sources",
                "count"]


def _workbook_rows() -> list[list[object]]:
    return [
        ["w1", "نقطة تفتيش شمال القائم", 41.05, 34.40, dt.date(2024, 12, 3), "مؤكد",
         "وكالة الأنباء العراقية", 200],
        ["w2", "Patrol base at Rutba", 40.28, 33.03, "15 November 2024", "confirmed",
         "INA", None],
        ["w3", "Depot near Sinjar", 41.87, 36.32, dt.datetime(2024, 12, 5, 9, 30),
         "تقدير", "Analyst", None],
    ]


def write_sheet(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    """An .xlsx of one sheet, written by openpyxl."""
    book = openpyxl.Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def _xlsx(path: Path, formula_cached: int | None = 400) -> Path:
    """Three rows on the sheet 'Data', one on 'Later', and an empty sheet 'Empty'; row 3's
    count is the formula =H2*2, with the value Excel would have saved beside it."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Data"
    sheet.append(SHEET_HEADER)
    for row in _workbook_rows():
        sheet.append(row)
    sheet["H3"] = "=H2*2"
    sheet["E2"].number_format = "yyyy-mm-dd"
    later = book.create_sheet("Later")
    later.append(SHEET_HEADER)
    later.append(["w9", "Outpost", 40.5, 33.5, dt.date(2024, 12, 6), "media", "Rudaw", 12])
    book.create_sheet("Empty")
    book.save(path)
    if formula_cached is not None:
        _cache_formula(path, formula_cached)
    return path


def _cache_formula(path: Path, value: int) -> None:
    """openpyxl writes a formula without its value; Excel saves both (<f> and <v>)."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    sheet = members["xl/worksheets/sheet1.xml"].decode("utf-8")
    sheet, done = re.subn(r"<f>H2\*2</f><v\s*/?>(</v>)?", f"<f>H2*2</f><v>{value}</v>", sheet)
    assert done == 1, sheet
    members["xl/worksheets/sheet1.xml"] = sheet.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _expected_workbook_claims(layer: str) -> dict[str, tuple]:
    """id -> (name_en, name_ar, as_of, confidence, who, who_ar, count value, lon, lat)."""
    return {
        f"{layer}.w1": (None, "نقطة تفتيش شمال القائم", "2024-12-03", "official", None,
                        "وكالة الأنباء العراقية", 200, 41.05, 34.40),
        f"{layer}.w2": ("Patrol base at Rutba", None, "2024-11-15", "official", "INA", None,
                        400, 40.28, 33.03),
        f"{layer}.w3": ("Depot near Sinjar", None, "2024-12-05", "estimate", "Analyst", None,
                        None, 41.87, 36.32),
    }


def _claims_as_tuples(location: str, layer: str) -> dict[str, tuple]:
    return {key: (raw.get("name_en"), raw.get("name_ar"), raw["as_of"], raw["confidence"],
                  raw["sources"][0].get("who"), raw["sources"][0].get("who_ar"),
                  raw["count"].get("value"), *raw["geometry"]["coordinates"])
            for key, raw in current(location, layer).items()}


def test_an_excel_workbook_imports_dates_formulas_and_arabic(env_store, capsys, tmp_path):  # noqa: F811
    book = _xlsx(tmp_path / "posts.xlsx")
    code, out, err = run(capsys, book, "--layer", "book")
    assert (code, out) == (0, OK_3), err
    assert "read the sheet 'Data' of 3" in err
    assert _claims_as_tuples(env_store, "book") == _expected_workbook_claims("book")
    code, out, err = run(capsys, book, "--layer", "book")
    assert (code, out) == (0, AGAIN_3), err


def test_a_named_sheet_is_read(env_store, capsys, tmp_path):  # noqa: F811
    book = _xlsx(tmp_path / "posts.xlsx")
    code, out, err = run(capsys, book, "--layer", "later", "--sheet", "Later")
    assert (code, out) == (0, "1 new, 0 changed, 0 unchanged, 0 retracted, 0 rejected"), err
    (raw,) = current(env_store, "later").values()
    assert (raw["name_en"], raw["as_of"], raw["count"]["value"]) == ("Outpost", "2024-12-06",
                                                                     12)


@pytest.mark.parametrize(("sheet", "said"), [
    ("Nowhere", "posts.xlsx: is an Excel workbook with no sheet 'Nowhere'; its sheets are "
                "'Data', 'Later', 'Empty'"),
    ("Empty", "posts.xlsx: is an Excel workbook, but the sheet 'Empty' is empty"),
])
def test_a_missing_or_empty_sheet_is_named(env_store, capsys, tmp_path, sheet, said):  # noqa: F811
    book = _xlsx(tmp_path / "posts.xlsx")
    before = snapshot(env_store)
    code, _out, err = run(capsys, book, "--layer", "book", "--sheet", sheet)
    assert code == 2
    assert f"posture-import: error: {said}" in err
    assert "Traceback" not in err
    assert snapshot(env_store) == before


def test_a_formula_never_computed_is_an_empty_cell_not_its_text(env_store, capsys,  # noqa: F811
                                                                tmp_path):
    book = _xlsx(tmp_path / "posts.xlsx", formula_cached=None)
    code, out, err = run(capsys, book, "--layer", "uncached")
    assert (code, out) == (0, OK_3), err
    assert current(env_store, "uncached")["uncached.w2"]["count"] == {
        "words_en": "no figure given", "words_ar": "لم يُذكر رقم"}


def test_an_opendocument_spreadsheet_imports(env_store, capsys, tmp_path):  # noqa: F811
    rows = _workbook_rows()
    rows[1][7] = 400  # no formula: odfpy writes values
    frame = pd.DataFrame(rows, columns=SHEET_HEADER)
    path = tmp_path / "posts.ods"
    frame.to_excel(path, engine="odf", index=False, sheet_name="Data")
    code, out, err = run(capsys, path, "--layer", "ods")
    assert (code, out) == (0, OK_3), err
    assert _claims_as_tuples(env_store, "ods") == _expected_workbook_claims("ods")


@pytest.mark.parametrize(("name", "data", "said"), [
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
     "old.xls: is an Excel 97-2003 workbook (.xls) or an Office file with a password; "
     "save it as .xlsx"),
    ("renamed.csv", None, "renamed.csv: its name says CSV, but it holds Excel workbook"),
])
def test_a_workbook_the_reader_cannot_take_is_named(env_store, capsys, tmp_path, name, data,  # noqa: F811
                                                   said):
    path = tmp_path / name
    if data is None:
        _xlsx(tmp_path / "book.xlsx").rename(path)
    else:
        path.write_bytes(data)
    code, _out, err = run(capsys, path, "--layer", "book")
    assert code == 2
    assert f"posture-import: error: {said}" in err


def test_sheet_given_for_a_csv_is_refused(env_store, capsys, tmp_path):  # noqa: F811
    path = write_csv(tmp_path / "a.csv", ["id", "name"], [["1", "x"]])
    code, _out, err = run(capsys, path, "--layer", "a", "--sheet", "Data")
    assert code == 2
    assert "--sheet Data: a.csv is CSV, not a workbook of sheets" in err


def test_a_header_with_an_unnamed_column_holding_values_is_refused(env_store, capsys,  # noqa: F811
                                                                  tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "name", None, "lat"])
    sheet.append(["1", "x", 41.0, 34.0])
    path = tmp_path / "gap.xlsx"
    book.save(path)
    code, _out, err = run(capsys, path, "--layer", "gap")
    assert code == 2
    assert "has values under column C with no name in its header row (row 1)" in err


# Words people use -----------------------------------------------------------------

@pytest.mark.parametrize(("word", "level"), [
    ("official", "official"), ("Confirmed", "official"), ("مؤكد", "official"),
    ("مؤكَّد", "official"), ("media", "media"), ("reported", "media"),
    ("Reported by media", "media"), ("estimate", "estimate"), ("تقدير", "estimate"),
    ("anonymous", "media_anonymous"), ("unconfirmed", "media_anonymous"),
    ("غير مؤكد", "media_anonymous"), ("media-anonymous", "media_anonymous"),
])
def test_confidence_words_in_english_and_arabic(env_store, capsys, tmp_path, word, level):  # noqa: F811
    path = write_csv(tmp_path / "words.csv", ["id", "name", "lon", "lat", "date",
                                              "confidence", "source"],
                     [["c1", "Checkpoint", 41.05, 34.40, "2024-12-03", word, "Rudaw"]])
    code, _out, err = run(capsys, path, "--layer", "words")
    assert code == 0, err
    assert current(env_store, "words")["words.c1"]["confidence"] == level


def test_acled_date_forms_and_column_variants(env_store, capsys, tmp_path):  # noqa: F811
    header = ["ref", "title", "lng", "y", "event date", "confidence", "sources", "links"]
    rows = [["d1", "Checkpoint", 41.05, 34.40, "2024-11-15", "media", "Rudaw",
             "https://example.org/1"],
            ["d2", "Depot", 41.87, 36.32, "15 November 2024", "media", "Rudaw", ""],
            ["d3", "Base", 40.28, 33.03, "15-November-2024", "media", "Rudaw", ""]]
    path = write_csv(tmp_path / "variants.csv", header, rows)
    code, _out, err = run(capsys, path, "--layer", "variants", "--key", "ref")
    assert code == 0, err
    assert "columns not read" not in err
    claims = current(env_store, "variants")
    assert {key: raw["as_of"] for key, raw in claims.items()} == {
        "variants.d1": "2024-11-15", "variants.d2": "2024-11-15", "variants.d3": "2024-11-15"}
    assert claims["variants.d1"]["sources"] == [{"who": "Rudaw",
                                                 "link": "https://example.org/1"}]
    assert claims["variants.d3"]["geometry"]["coordinates"] == [40.28, 33.03]


# The page's preview ----------------------------------------------------------------

def test_the_preview_reads_the_first_rows_as_the_import_would_and_writes_nothing(
        env_store, tmp_path):  # noqa: F811
    from imports.preview import preview_file
    from imports.run import ImportOptions
    from store import open_store

    rows = [list(row) for row in _workbook_rows()]
    rows[2][3] = 96.32  # row 4 of the sheet: a latitude out of range
    path = write_sheet(tmp_path / "posts.xlsx", SHEET_HEADER, rows)
    before = snapshot(env_store)
    store = open_store(env_store)
    try:
        preview = preview_file(path, "posts.xlsx", ImportOptions(layer="seen"), store)
    finally:
        store.close()
    assert snapshot(env_store) == before
    assert (preview.kind, preview.rows, preview.keyed_by, preview.new_layer) == (
        "Excel workbook", 3, "id", "seen")
    assert dict(preview.matched) == {
        "id": "id", "name": "name_en", "longitude": "lon", "latitude": "lat", "date": "as_of",
        "confidence": "confidence", "sources": "source_en", "count": "count_value"}
    assert [row.row for row in preview.sample] == [2, 3, 4]
    first, second, third = preview.sample
    assert (first.claim["id"], first.claim["name_ar"], first.claim["confidence"]) == (
        "seen.w1", "نقطة تفتيش شمال القائم", "official")
    assert second.claim["as_of"] == "2024-11-15"
    assert third.claim is None
    assert (third.problem.row, third.problem.field) == (4, "lat")
    assert third.problem.reason == "latitude is out of range: it must be from -90 to 90"


def test_a_file_lacking_columns_says_which_by_code_for_the_page(env_store, capsys,  # noqa: F811
                                                               tmp_path):
    from imports.run import ImportOptions, import_file
    from imports.table import MissingColumns
    from store import open_store

    path = write_csv(tmp_path / "bare.csv", ["title", "lat", "when"],
                     [["Checkpoint", 34.4, "2024-12-03"]])
    store = open_store(env_store)
    try:
        with pytest.raises(MissingColumns) as raised:
            import_file(path, ImportOptions(), store)
    finally:
        store.close()
    assert raised.value.missing == ("place", "date", "confidence", "layer", "source")
    assert raised.value.columns == ("title", "lat", "when")

"""A spreadsheet reads as its CSV would (issue 25): cell for cell for any sheet openpyxl
writes (Hypothesis, against a conversion written here), and claim for claim for ACLED's rows.
"""

from __future__ import annotations

import csv
import datetime as dt

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_import import env_store, run  # noqa: F401
from tests.test_import_people_files import write_sheet


def test_a_workbook_of_acled_rows_holds_the_same_claims_as_its_csv(env_store, capsys,  # noqa: F811
                                                                   tmp_path):
    """2,500 rows: enough for the column-wise path (imports/columnar.py), which reads a
    sheet's text columns as a CSV's. The workbook's claims must be the CSV's, byte for
    byte (the store says "unchanged" only for the same content hash)."""
    from scripts.make_acled_csv import write_acled_csv

    source = write_acled_csv(tmp_path / "acled.csv", rows=2_500)
    code, out, err = run(capsys, source)
    assert (code, out) == (0, "2500 new, 0 changed, 0 unchanged, 0 retracted, 0 rejected"), err
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("ACLED")
    with source.open(encoding="utf-8", newline="") as f:
        for row in csv.reader(f):
            sheet.append(row)
    book.save(tmp_path / "acled.xlsx")
    code, out, err = run(capsys, tmp_path / "acled.xlsx")
    assert (code, out) == (0, "0 new, 0 changed, 2500 unchanged, 0 retracted, 0 rejected"), err


_CELLS = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
            max_size=30).filter(lambda s: s.strip() and not s.startswith("=")),
    st.integers(-10**9, 10**9), st.floats(-1e6, 1e6, allow_nan=False).filter(
        lambda f: f == round(f, 6)).map(lambda f: round(f, 6)),
    st.dates(dt.date(1950, 1, 1), dt.date(2030, 12, 31)), st.booleans(), st.none())


def _as_text(value: object) -> str | None:
    """A cell as the test expects it read: the text a CSV would hold."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(_CELLS, min_size=3, max_size=3), min_size=1, max_size=6))
def test_any_sheet_openpyxl_writes_reads_back_cell_for_cell(tmp_path, rows):
    from imports.read import read_table

    header = ["a", "b", "c"]
    rows = [row for row in rows if any(_as_text(v) is not None for v in row)]
    if not rows:
        return
    table = read_table(write_sheet(tmp_path / "cells.xlsx", header, rows))
    assert table.columns == header
    got = [[None if v is None else v for v in table.row(i).values()] for i in range(len(table))]
    assert got == [[_as_text(v) for v in row] for row in rows]
    assert [table.row_number(i) for i in range(len(table))] == list(range(2, len(rows) + 2))

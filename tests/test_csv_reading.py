"""CSV by RFC 4180, whatever the delimiter (issue 25, part 1): any table Python's
csv.writer writes, with any of the four delimiters, any quoting, quotes, delimiters and
line breaks inside cells, a BOM or none, CRLF or LF, UTF-8 or UTF-16, reads back cell for
cell, by Arrow's path where it can and by the csv module's where it cannot (forced here
too). The oracle is the table as generated: an empty cell reads as None."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import imports.csv_read
from imports.read import read_table

DELIMITERS = [",", ";", "\t", "|"]
QUOTING = [csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]
# Letters (Arabic too), digits, spaces, every delimiter, quotes and line breaks.
CELL = st.lists(st.sampled_from([*"abc زيد019 ,;|\t\"'", "\n", "\r\n"]), max_size=12).map(
    "".join)
NAME = st.text(alphabet=st.sampled_from(list("abcdefgh_")), min_size=1, max_size=8)


@st.composite
def tables(draw) -> tuple[list[str], list[list[str]]]:
    header = draw(st.lists(NAME, min_size=2, max_size=5, unique=True))
    rows = draw(st.lists(st.lists(CELL, min_size=len(header), max_size=len(header)),
                         min_size=1, max_size=8))
    # A row of nothing but empty cells is a blank line in some writings: one cell says
    # something, as a report's row does.
    return header, [row if any(row) else ["x", *row[1:]] for row in rows]


def _written(header, rows, delimiter, quoting, crlf, encoding) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, quoting=quoting,
                        lineterminator="\r\n" if crlf else "\n")
    writer.writerow(header)
    writer.writerows(rows)
    text = out.getvalue()
    if encoding == "utf-8-bom":
        return codecs.BOM_UTF8 + text.encode("utf-8")
    if encoding == "utf-16":
        return text.encode("utf-16")  # with its BOM, as Excel's "Unicode text"
    return text.encode("utf-8")


def _read_back(path: Path) -> tuple[list[str], list[list[str | None]]]:
    table = read_table(path)
    return table.columns, [[table.row(i)[column] for column in table.columns]
                           for i in range(len(table))]


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(table=tables(), delimiter=st.sampled_from(DELIMITERS), quoting=st.sampled_from(QUOTING),
       crlf=st.booleans(), encoding=st.sampled_from(["utf-8", "utf-8-bom", "utf-16"]),
       arrow=st.booleans())
def test_any_table_csv_writes_reads_back_cell_for_cell(tmp_path, monkeypatch, table,
                                                       delimiter, quoting, crlf, encoding,
                                                       arrow):
    header, rows = table
    path = tmp_path / "table.csv"
    path.write_bytes(_written(header, rows, delimiter, quoting, crlf, encoding))
    with monkeypatch.context() as patch:
        if not arrow:  # the csv module's path, whatever Arrow could read
            patch.setattr(imports.csv_read, "_read_simple_csv", lambda *args: None)
        columns, cells = _read_back(path)
    assert columns == header
    assert cells == [[cell if cell != "" else None for cell in row] for row in rows]


def test_an_acled_note_with_commas_and_quoted_names_reads_whole(tmp_path):
    """The report: csv.Sniffer guessed the quoting from such a note and every row was
    refused (32 fields against a header of 31)."""
    note = 'On 3 May, members of "Kataib Hezbollah", killing 2, said "no comment".'
    path = tmp_path / "acled.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["event_id_cnty", "notes", "latitude", "longitude"])
        writer.writerows([["IRQ1", note, "34.38", "40.98"], ["IRQ2", "plain", "34.4", "41"]])
    columns, cells = _read_back(path)
    assert columns == ["event_id_cnty", "notes", "latitude", "longitude"]
    assert cells == [["IRQ1", note, "34.38", "40.98"], ["IRQ2", "plain", "34.4", "41"]]


@pytest.mark.parametrize(("header_line", "delimiter"), [
    ('name,"a;b",date\n', ","), ("name;date;source\n", ";"), ("name\tdate\tsource\n", "\t"),
    ("name|date|source\n", "|"), ('"x,y";z\n', ";")])
def test_the_delimiter_is_the_header_s(header_line, delimiter):
    assert imports.csv_read._delimiter(header_line + "1,2;3\t4|5\n") == delimiter

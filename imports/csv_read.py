"""CSV by RFC 4180, whatever the delimiter: only the delimiter is guessed, from the header
line; text that is not UTF-8 is read as UTF-16 (with its BOM), Windows-1256 (Arabic) or
Latin-1 when it reads as one, and refused otherwise."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
from pyarrow import csv as pa_csv

from imports.table import FileTable, ImportFileError, check_width

__all__ = ["DELIMITERS", "read_csv"]

_ARABIC_LETTER = re.compile("[\u0600-\u06ff]")


def _decode(data: bytes, name: str) -> tuple[str, str | None]:
    """The text, and the encoding used if it was not UTF-8."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's "Unicode text"
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as e:
            raise ImportFileError(f"{name}: starts as UTF-16 but byte {e.start} is not") from e
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as e:
        first_bad = e.start
    arabic = data.decode("cp1256", errors="replace")
    non_ascii = [ch for ch in arabic if ord(ch) > 127]
    if non_ascii and sum(bool(_ARABIC_LETTER.match(ch)) for ch in non_ascii) \
            >= 0.6 * len(non_ascii) and "\ufffd" not in arabic:
        return arabic, "Windows-1256 (Arabic)"
    latin = data.decode("latin-1")
    if not any("\x80" <= ch <= "\x9f" for ch in latin):
        return latin, "Latin-1"
    raise ImportFileError(f"{name}: is not UTF-8 (byte {first_bad} is not) and does not read "
                          "as Windows-1256 Arabic or Latin-1; save it as UTF-8")


def _read_simple_csv(text: str, header: list[str], dialect: Any, utf8: bytes | None
                     ) -> pd.DataFrame | None:
    """A CSV of one record per line, read by Arrow (ten times faster than csv); None
    if it is not that simple (blank lines, a value spanning lines, a row of the wrong
    width…), for the csv module to read and report line by line. `utf8` is the text as
    the file gave it, when that was UTF-8: Arrow reads it without a copy."""
    data = utf8 if utf8 is not None else text.encode("utf-8")
    body_start = data.find(b"\n") + 1
    if body_start == 0 or dialect.escapechar or len(dialect.delimiter) != 1 or \
            b"\n\n" in data or b"\n\r\n" in data or (
                b"\r" in data and data.count(b"\r") != data.count(b"\r\n")):  # a lone CR
        return None
    body = pa.py_buffer(data).slice(body_start)
    lines = data.count(b"\n", body_start) + (
        0 if data.endswith(b"\n") or body_start == len(data) else 1)
    try:
        table = pa_csv.read_csv(
            pa.BufferReader(body),
            read_options=pa_csv.ReadOptions(column_names=header, block_size=1 << 24),
            parse_options=pa_csv.ParseOptions(
                delimiter=dialect.delimiter, quote_char=dialect.quotechar or False,
                double_quote=dialect.doublequote, newlines_in_values=False),
            convert_options=pa_csv.ConvertOptions(
                column_types={column: pa.string() for column in header},
                null_values=[""], strings_can_be_null=True,
                quoted_strings_can_be_null=True))
    except (pa.ArrowInvalid, pa.ArrowException):
        return None
    if table.num_rows != lines:
        return None
    return table.to_pandas(types_mapper=pd.ArrowDtype)


# The delimiters a table may use, preferred in this order when a header reads the same way
# with two of them.
DELIMITERS = (",", ";", "\t", "|")


def _delimiter(sample: str) -> str:
    """The delimiter the header line is split by: the one of DELIMITERS that gives it the
    most fields, reading it by RFC 4180's quoting. Only the delimiter is guessed:
    csv.Sniffer also guessed the quoting from the rows, and a note holding commas and
    quoted names together made it guess wrong and refuse a whole ACLED export."""
    def fields(delimiter: str) -> int:
        try:
            return len(next(csv.reader(io.StringIO(sample, newline=""),
                                       _rfc4180(delimiter)), []))
        except csv.Error:
            return 0
    return max(DELIMITERS, key=lambda d: (fields(d), -DELIMITERS.index(d)))


def _rfc4180(delimiter: str) -> type[csv.Dialect]:
    """RFC 4180's CSV with `delimiter`: a field in double quotes may hold delimiters,
    line breaks and doubled quotes."""
    return type("Rfc4180", (csv.excel,), {"delimiter": delimiter})


def read_csv(path: Path, name: str) -> FileTable:
    data = path.read_bytes()
    text, encoding = _decode(data, name)
    notices = [f"{name}: not UTF-8; read as {encoding}"] if encoding else []
    sample = text[:65536]
    dialect = _rfc4180(_delimiter(sample))
    # The header from the sample alone when its first line ends there: a reader over
    # the whole text copies all of it, and only the slow path below needs one.
    whole = "\n" not in sample
    reader = csv.reader(io.StringIO(text if whole else sample, newline=""), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError(f"{name}: is empty") from None
    except csv.Error as e:
        raise ImportFileError(f"{name}: is not readable CSV: {e}") from e
    header = [column.strip() for column in header]
    check_width(header, name)
    if len(header) < 2 or not all(header):
        raise ImportFileError(f"{name}: its first line is not a header of named columns "
                              f"(got {header[:6]})")
    duplicated = sorted(column for column, n in Counter(header).items() if n > 1)
    if duplicated:
        raise ImportFileError(f"{name}: the header names {', '.join(duplicated)} twice")
    utf8 = None if encoding else data.removeprefix(codecs.BOM_UTF8)
    # Arrow's path takes the first line for the header; a quoted header spanning lines
    # (rare, but a header nonetheless) goes the csv module's way.
    simple = None if reader.line_num > 1 else _read_simple_csv(text, header, dialect, utf8)
    if simple is not None:
        return FileTable("CSV", header, simple, None, notices,
                         list(range(2, len(simple) + 2)))
    if not whole:
        reader = csv.reader(io.StringIO(text, newline=""), dialect)
        next(reader)
    rows: list[list[str]] = []
    lines: list[int] = []
    field_counts: dict[int, int] = {}
    width = len(header)
    try:
        line = reader.line_num
        for values in reader:
            starts_at, line = line + 1, reader.line_num
            if len(values) != width:
                if not any(v.strip() for v in values):
                    continue  # a blank line holds nothing to lose
                field_counts[len(rows)] = len(values)
                values = (values + [""] * width)[:width]
            rows.append(values)
            lines.append(starts_at)
    except csv.Error as e:
        raise ImportFileError(f"{name}: is not readable CSV at line {reader.line_num}: {e}"
                              ) from e
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    frame = frame.mask(frame == "", None)  # an empty cell says nothing
    return FileTable("CSV", header, frame, None, notices, lines, field_counts)

"""A spreadsheet's sheet as a table: Excel's .xlsx and OpenDocument's .ods.

calamine reads both: a formula as the value its application last computed and saved, a
cell formatted as a date as that date. The first non-empty row is the header; each row
keeps the number the application shows it under, so a rejected row is found where the
user looks for it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
from python_calamine import CalamineError, CalamineWorkbook, PasswordError, WorksheetNotFound

from imports.table import FileTable, ImportFileError, check_width

__all__ = ["MAX_SHEET_CELLS", "read_sheet", "sheet_names"]

# Rows times columns of the sheet read, checked before its cells become Python values (each
# a Python object, about 60 bytes with its list's slot): 100,000 rows of 40 columns, a
# table of claims at the row limit.
MAX_SHEET_CELLS = 4_000_000
_TEXT = pd.ArrowDtype(pa.string())


def _workbook(path: Path, name: str, kind: str) -> CalamineWorkbook:
    try:
        return CalamineWorkbook.from_path(str(path))
    except PasswordError as e:
        raise ImportFileError(f"{name}: is {_a(kind)} protected by a password: save it "
                              "without one") from e
    except (CalamineError, OSError, ValueError) as e:
        raise ImportFileError(f"{name}: is not a readable {kind}: {_said(e)}") from e


def _a(kind: str) -> str:
    return ("an " if kind[0] in "AEIOU" else "a ") + kind


def _said(error: Exception) -> str:
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    return text[:200]


def sheet_names(path: Path, name: str, kind: str) -> list[str]:
    """The workbook's sheets, in its order."""
    return list(_workbook(path, name, kind).sheet_names)


def _cell(value: Any) -> str | None:
    """A cell as text, as a CSV's cell would say it: a date in ISO form, a whole number
    without ".0", an empty cell as None. As text, a sheet's columns are held by Arrow as
    compact as a CSV's, and the column-wise checks (imports/columnar.py) take them."""
    if value == "" or value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def read_sheet(path: Path, name: str, kind: str, sheet: str | None) -> FileTable:
    """The rows of `sheet` (the first if None) of the workbook at `path`."""
    workbook = _workbook(path, name, kind)
    names = list(workbook.sheet_names)
    if not names:
        raise ImportFileError(f"{name}: is {_a(kind)} with no sheets")
    chosen = names[0] if sheet is None else sheet
    try:
        loaded = workbook.get_sheet_by_name(chosen)
        # The cells the sheet spans: from A1 to the last cell holding a value.
        spans_rows, spans_columns = loaded.total_height + 1, loaded.total_width + 1
        if spans_rows * spans_columns > MAX_SHEET_CELLS:
            raise ImportFileError(
                f"{name}: the sheet {chosen!r} spans {spans_rows:,} rows and "
                f"{spans_columns:,} columns; "
                f"the limit is {MAX_SHEET_CELLS:,} cells (100,000 rows of 40 columns): "
                "import it in parts")
        # Row by row, each made Python values once; rows are numbered from 1 as the
        # application shows them, columns from the first that holds a value.
        first_column = loaded.start[1] if loaded.height else 0
        rows = []
        for number, values in enumerate(loaded.iter_rows(), start=1):
            cells = [_cell(v) for v in values]
            if any(v is not None for v in cells):
                rows.append((number, cells))
    except WorksheetNotFound:
        raise ImportFileError(f"{name}: is {_a(kind)} with no sheet {chosen!r}; its sheets "
                              f"are {', '.join(repr(n) for n in names[:20])}") from None
    except (CalamineError, ValueError) as e:
        raise ImportFileError(f"{name}: sheet {chosen!r} cannot be read: {_said(e)}") from e
    # calamine's copy of the sheet, as large again as its values, goes before the table
    # is built.
    del loaded
    workbook.close()
    where = f"{name}: is {_a(kind)}, but the sheet {chosen!r}"
    if not rows:
        raise ImportFileError(f"{where} is empty")
    header_number, header_cells = rows[0]
    body = rows[1:]
    width = max(len(values) for _, values in rows)
    header = [str(v).strip() if v is not None else "" for v in header_cells]
    header += [""] * (width - len(header))
    # Columns with neither a name nor a value are the sheet's empty margin.
    used = [i for i in range(width) if header[i] or any(
        i < len(values) and values[i] is not None for _, values in body)]
    unnamed = [i for i in used if not header[i]]
    if unnamed:
        raise ImportFileError(f"{where} has values under column "
                              f"{_letters(first_column + unnamed[0])} with no "
                              f"name in its header row (row {header_number}): name every "
                              "column")
    header = [header[i] for i in used]
    check_width(header, name)
    if not body:
        raise ImportFileError(f"{where} has a header row (row {header_number}) and no rows")
    if len(header) < 2:
        raise ImportFileError(f"{where}: its first row is not a header of named columns "
                              f"(got {header[:6]})")
    duplicated = sorted(column for column, n in Counter(header).items() if n > 1)
    if duplicated:
        raise ImportFileError(f"{where}: its header names {', '.join(duplicated)} twice")
    frame = pd.DataFrame({column: pd.array([values[i] if i < len(values) else None
                                            for _, values in body], dtype=_TEXT)
                          for column, i in zip(header, used, strict=True)})
    notices = [f"{name}: read the sheet {chosen!r} of {len(names)}"] if len(names) > 1 else []
    return FileTable(kind, header, frame, None, notices, [number for number, _ in body])


def _letters(index: int) -> str:
    """A column's letters as the application shows them: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters

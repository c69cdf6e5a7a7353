"""What an import would read, before it runs: the columns matched, the key, and the first
rows as claims, each checked as the import checks it (imports/run.py). Nothing is written."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from imports.columns import column_map
from imports.read import WORKBOOKS, FileTable, file_kind, read_table
from imports.rows import Problem
from imports.run import ImportOptions, RowChecker, plan_import
from imports.sheet_read import sheet_names
from store.sql import SqlStore

__all__ = ["PREVIEW_ROWS", "FileShape", "Preview", "PreviewRow", "file_shape", "preview_file",
           "sheets_of"]

PREVIEW_ROWS = 5


@dataclass(frozen=True)
class PreviewRow:
    """One row as the import would read it: the claim's main fields, or why not."""

    row: int
    claim: dict[str, Any] | None
    problem: Problem | None


@dataclass(frozen=True)
class Preview:
    kind: str  # the file's format, as imports/read.py names it
    rows: int
    sheets: tuple[str, ...]  # a workbook's sheets; empty for any other file
    matched: tuple[tuple[str, str], ...]  # (the file's column, the field it fills)
    ignored: tuple[str, ...]
    keyed_by: str | None  # None: each row's name and place, hashed
    layer: str | None  # the layer given, or ACLED's; None: the file's layer column
    new_layer: str | None
    notices: tuple[str, ...]
    sample: tuple[PreviewRow, ...]


@dataclass(frozen=True)
class FileShape:
    """What the page asks about before the preview: the file's sheets and columns."""

    kind: str
    sheets: tuple[str, ...]  # a workbook's sheets; empty for any other file
    columns: tuple[str, ...]
    layer_column: str | None
    acled: bool


def sheets_of(path: Path, name: str) -> tuple[str, tuple[str, ...]]:
    """The file's format, and its sheets if it is a workbook."""
    kind = file_kind(path, name)
    return kind, tuple(sheet_names(path, name, kind)) if kind in WORKBOOKS else ()


def file_shape(table: FileTable, sheets: tuple[str, ...]) -> FileShape:
    """What the page asks about, from the table read."""
    columns = column_map(table.columns)
    return FileShape(table.format, sheets, tuple(table.columns), columns.fixed.get("layer"),
                     columns.acled)


def preview_file(path: Path, name: str, options: ImportOptions, store: SqlStore,
                 rows: int = PREVIEW_ROWS, table: FileTable | None = None,
                 sheets: tuple[str, ...] | None = None) -> Preview:
    """ImportFileError as the import would raise it; otherwise the preview. `table` and
    `sheets` are the file already read (the page keeps them while the user chooses): the
    file is then not read again, and the table is not changed."""
    if table is None or sheets is None:
        _, sheets = sheets_of(path, name)
    if table is None:
        table = read_table(path, name, options.sheet)
    else:
        # The plan may add a key column: to a copy, never to the table kept.
        table = replace(table, columns=list(table.columns), frame=table.frame.copy(deep=False))
    plan = plan_import(table, options, store, name)
    checker = RowChecker(table, plan)
    sample = []
    for index in range(min(rows, len(table))):
        claim, problem = checker.check(index)
        sample.append(PreviewRow(table.row_number(index), claim, problem))
    columns = plan.columns
    matched = [(column, field) for field, column in columns.fixed.items()]
    matched += [(column, pair[0]) for pair, column in columns.either.items()]
    order = {column: i for i, column in enumerate(table.columns)}
    matched.sort(key=lambda pair: order.get(pair[0], len(order)))
    if plan.keyed_by is not None and plan.keyed_by not in dict(matched):
        matched.append((plan.keyed_by, "id"))
    return Preview(table.format, len(table), sheets, tuple(matched),
                   tuple(c for c in columns.ignored if c != plan.keyed_by),
                   plan.keyed_by, plan.defaults.layer,
                   plan.new_layer.layer_id if plan.new_layer else None, plan.notices,
                   tuple(sample))

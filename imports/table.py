"""What reading a file gives the import: its rows as a table, or why it cannot be read."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pandas as pd
from shapely import Geometry

__all__ = [
    "MAX_COLUMNS",
    "MISSING_WHAT",
    "FileTable",
    "ImportFileError",
    "MissingColumns",
    "check_width",
]

# A claim has about 40 fields and ACLED's export 31 columns; a header of thousands is not
# a table of claims, and every check per header must stay cheap at this width.
MAX_COLUMNS = 1_000


class ImportFileError(Exception):
    """The file cannot be read as reports at all (exit status 2)."""


# What a file may lack for any row to be a claim, as MissingColumns names it.
MISSING_WHAT = ("place", "name", "date", "confidence", "layer", "source")


class MissingColumns(ImportFileError):
    """No row could be a claim: the file lacks what `missing` names (place, name, date,
    confidence, layer, source), and the page words each in its own terms."""

    def __init__(self, message: str, missing: tuple[str, ...], columns: tuple[str, ...]
                 ) -> None:
        super().__init__(message)
        self.missing, self.columns = missing, columns


@dataclass
class FileTable:
    """A file's rows, column by column (`frame`: text, numbers, bools, None where
    empty), and each row's geometry in longitude/latitude where the format has one."""

    format: str
    columns: list[str]
    frame: pd.DataFrame
    geometries: list[Geometry | None] | None = None
    notices: list[str] = field(default_factory=list)
    # Each row's number as the report gives it: its line in a CSV (the header is
    # line 1), its place in any other file (the first feature is 1).
    row_numbers: list[int] | None = None
    # Rows whose number of fields is not the header's: row index -> fields found.
    field_counts: dict[int, int] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.frame)

    def row_number(self, index: int) -> int:
        return self.row_numbers[index] if self.row_numbers else index + 1

    def row(self, index: int) -> dict[str, Any]:
        """One row as column -> value."""
        return dict(zip(self.columns, self._values[index], strict=True))

    @cached_property
    def _values(self) -> Any:
        frame = self.frame.astype(object)
        return frame.where(frame.notna(), None).to_numpy(dtype=object)


def check_width(columns: list[str], name: str) -> None:
    if len(columns) > MAX_COLUMNS:
        raise ImportFileError(f"{name}: has {len(columns):,} columns; the limit is "
                              f"{MAX_COLUMNS:,} (a table of claims has about 40)")

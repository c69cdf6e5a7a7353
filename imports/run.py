"""An import: a file's rows checked one by one, then recorded in one transaction.

All or nothing by default: one rejected row and nothing is written. `partial`
records the valid rows and still reports the rest. Either way every rejected row is
in the report (row, field, value, reason); nothing is dropped silently. The command
line (imports/cli.py) and the app's upload (ui/import_panel.py) both call
`import_file`.
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
from collections import defaultdict
from collections.abc import Callable, Iterator
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geo.actors import actor
from geo.checks import check_identifier
from geo.claims import validated
from geo.errors import SchemaError
from geo.features import governorate_labels, series_titles
from geo.schema import FeatureRecord
from geo.validity import Repair
from imports.columnar import columnar_records
from imports.columns import ColumnMap, column_map
from imports.place_key import PLACE_KEY, add_place_key
from imports.read import FileTable, ImportFileError, read_table
from imports.row_values import text_value
from imports.rows import (
    Problem,
    RowDefaults,
    RowError,
    check_drawable,
    problem_from,
    row_record,
)
from imports.table import MissingColumns
from layers.catalogue import declared_layers, default_layer
from layers.unit_symbols import known_unit_code
from store.records import RecordResult, SerializedRecord, StoredLayer
from store.sql import SqlStore

__all__ = ["REPORT_COLUMNS", "ImportOptions", "ImportOutcome", "ImportPlan", "RowChecker",
           "import_file", "plan_import", "write_report"]

ACLED_LAYER = "acled"
REPORT_COLUMNS = ("row", "field", "value", "reason")
PROGRESS_EVERY = 2_000
MAX_ROWS_NAMED = 10  # the rows a duplicate key's message lists


@dataclass(frozen=True)
class ImportOptions:
    layer: str | None = None
    key: str | None = None
    source: str | None = None
    sheet: str | None = None  # a workbook's sheet; the first if None
    partial: bool = False
    retract_missing: bool = False
    dry_run: bool = False
    recorded_by: str = "import"


@dataclass
class ImportOutcome:
    """What an import did, or would have done (a dry run), and every row it refused."""

    file_name: str
    rows: int
    result: RecordResult
    problems: list[Problem]
    notices: list[str] = field(default_factory=list)
    written: bool = False
    # The column keying the rows; None: the file had none, and each row is keyed by its
    # name and place, hashed (imports/place_key.py).
    keyed_by: str | None = None

    @property
    def rejected(self) -> int:
        return len({p.row for p in self.problems})

    def summary(self) -> str:
        return self.result.summary(self.rejected)

    @property
    def exit_status(self) -> int:
        return 3 if self.problems else 0


Progress = Callable[[int, int], None]


@contextmanager
def _collector(running: bool) -> Iterator[None]:
    """The cyclic garbage collector off (`running` False) for the import: building
    100,000 records makes millions of containers, none of them cyclic, and the
    collections they set off took a fifth of the import's time. On again, and run at
    the end, for the column checks: pandas leaves reference cycles behind, and with the
    collector paused 100,000 rows kept about 450 MB of them to the end of the import
    (bench/bench_import_memory.py). Reference counting frees the rest as usual."""
    was_enabled = gc.isenabled()
    (gc.enable if running else gc.disable)()
    try:
        yield
    finally:
        if running:
            gc.collect()
        (gc.enable if was_enabled else gc.disable)()


def import_file(path: Path, options: ImportOptions, store: SqlStore,
                name: str | None = None, progress: Progress | None = None) -> ImportOutcome:
    """Import `path` into `store`. ImportFileError: the file or an option is unusable
    (nothing was written); otherwise the outcome, rejected rows and all."""
    with _collector(running=False):
        return _import_file(path, options, store, name, progress)


@dataclass(frozen=True)
class ImportPlan:
    """How a file's rows are read as claims: what the import and its preview share."""

    columns: ColumnMap
    defaults: RowDefaults
    key_is_id: bool
    keyed_by: str | None  # the key column; None: name and place, hashed
    layers: frozenset[str]  # the layers a row may name, the one made here among them
    new_layer: StoredLayer | None
    notices: tuple[str, ...]


def plan_import(table: FileTable, options: ImportOptions, store: SqlStore, name: str
                ) -> ImportPlan:
    """The plan for `table`; ImportFileError when no row of it could be a claim. A file
    without a key column gets one (imports/place_key.py)."""
    if options.layer is not None:
        try:
            check_identifier(options.layer, "--layer", "layer")
        except SchemaError as e:
            raise ImportFileError(str(e)) from e
    columns = column_map(table.columns)
    key = _key_column(table, columns, options)
    keyed_by = key
    if key is None:
        key = add_place_key(table, columns)
    layer = options.layer or (ACLED_LAYER if columns.acled and "layer" not in columns.fixed
                              else None)
    _check_required(table, columns, options, layer, name)
    stored = store.layers()
    layers = {entry.id for entry in declared_layers()} | {s.layer_id for s in stored}
    new_layer: StoredLayer | None = None
    if layer is not None and layer not in layers:
        new_layer = default_layer(layer, len(stored))
        layers.add(layer)
    # Our exports' ids are the things' own (the file carries each claim whole); any other
    # file's key is namespaced by its layer.
    key_is_id = key == columns.fixed.get("id") and "sources_json" in columns.fixed
    notices = list(table.notices)
    ignored = [column for column in columns.ignored if column != key]  # --key reads it
    if ignored:
        notices.append(f"{name}: columns not read: {', '.join(ignored)}")
    return ImportPlan(columns, RowDefaults(name, layer, options.source, key), key_is_id,
                      keyed_by, frozenset(layers), new_layer, tuple(notices))


def _import_file(path: Path, options: ImportOptions, store: SqlStore, name: str | None,
                 progress: Progress | None) -> ImportOutcome:
    name = name or path.name
    table = read_table(path, name, options.sheet)
    plan = plan_import(table, options, store, name)
    outcome = ImportOutcome(name, len(table), RecordResult(), [], list(plan.notices),
                            keyed_by=plan.keyed_by)
    new_layer = plan.new_layer
    raws, generated = _records(table, plan, outcome, progress)
    rows = len(table)
    # The file's rows are claims now: let their table go before the store takes the
    # claims (a 124 MB file's table held 270 MB through the write).
    del table
    unplaced = sum(1 for raw in raws if isinstance(raw, dict)
                   and "geometry" not in raw and "geometry_ref" not in raw)
    if unplaced:
        outcome.notices.append(f"{unplaced:,} event row(s) give no coordinates: imported "
                               "without a place, counted on their event layer, not drawn")
    if outcome.problems and not options.partial:
        return outcome  # all or nothing
    retract = None
    if options.retract_missing:
        if outcome.problems:
            outcome.notices.append(f"{name}: --retract-missing retracted nothing: with rows "
                                   "rejected, which keys are gone cannot be told")
        else:
            retract = f"not in {name}, imported on {dt.date.today()} with --retract-missing"
    if raws:  # a layer is made, and claims retracted, only beside claims recorded
        # Every record was validated above (or proven valid column by column).
        outcome.result = store.record(
            raws, options.recorded_by, source=name, new_layer=new_layer,
            retract_missing=retract, dry_run=options.dry_run, checked=True)
        outcome.written = not options.dry_run
    outcome.result = _with_generated(outcome.result, outcome.notices, generated)
    if progress:
        progress(rows, rows)
    return outcome


def _with_generated(result: RecordResult, notices: list[str], skipped: int) -> RecordResult:
    if not skipped:
        return result
    notices.append(f"{skipped} row(s) are drawn from the basemap (governorate names), not "
                   "claims: counted unchanged")
    return RecordResult(result.new, result.changed, result.unchanged + skipped,
                        result.retracted, result.layer_created, result.retracted_ids)


def _key_column(table: FileTable, columns: ColumnMap, options: ImportOptions) -> str | None:
    if options.key is not None:
        key = columns.column_for(options.key) or (
            options.key if options.key in table.columns else None)
        if key is None:
            raise ImportFileError(f"--key {options.key}: the file has no such column; it has "
                                  f"{', '.join(table.columns[:20])}")
        return key
    if columns.acled:
        return next(c for c in table.columns if c.lower() == "event_id_cnty")
    key = columns.fixed.get("id")
    if key is not None and all(text_value(v) is None for v in table.frame[key]):
        return None  # a column of no ids (LIBKML gives every placemark an `id` column)
    return key


def _check_required(table: FileTable, columns: ColumnMap, options: ImportOptions,
                    layer: str | None, name: str) -> None:
    """Columns without which no row could be a claim: named all at once, exit 2."""
    fixed, either = columns.fixed, {pair[0] for pair in columns.either}
    missing: dict[str, str] = {}
    if table.geometries is None and "wkt" not in fixed and "geometry_ref" not in fixed \
            and not ("lon" in fixed and "lat" in fixed):
        missing["place"] = (
            "a place (lon and lat, or wkt)" if not ({"lon", "lat"} & fixed.keys())
            else f"{'lat' if 'lon' in fixed else 'lon'} (beside "
                 f"{fixed.get('lon') or fixed.get('lat')})")
    if not columns.acled and not ({"name_en", "name_ar"} & fixed.keys()) \
            and "name_en" not in either:
        missing["name"] = "a name (name, name_en, name_ar or الاسم)"
    if not columns.acled and "as_of" not in fixed:
        missing["date"] = "a date (as_of, date or التاريخ)"
    if not columns.acled and "confidence" not in fixed:
        missing["confidence"] = "confidence (official, media_anonymous, media, estimate or " \
            "reference, or words for them)"
    if layer is None and "layer" not in fixed:
        missing["layer"] = "a layer (a layer column, or --layer ID)"
    if options.source is None and "sources_json" not in fixed and not (
            {"source_en", "source_ar"} & fixed.keys()) and "source_en" not in either:
        missing["source"] = "a source (a source column, or --source TEXT)"
    if missing:
        has = tuple(c for c in table.columns if c != PLACE_KEY)
        raise MissingColumns(f"{name}: missing required column(s): "
                             f"{'; '.join(missing.values())}. The file has: "
                             f"{', '.join(has[:20]) or 'no columns'}", tuple(missing), has)


class RowChecker:
    """Each row of a table checked as the import checks it: read as a claim (rows.py),
    validated by the schema, its references and its drawing checked."""

    def __init__(self, table: FileTable, plan: ImportPlan) -> None:
        self.table, self.plan = table, plan
        self.generated = {f.record.id for f in governorate_labels()}
        self.series = series_titles()
        self.series_layer: dict[str, str] = {}
        self.repairs: list[Repair] = []

    def check(self, index: int) -> tuple[dict[str, Any] | None, Problem | None]:
        """(the row's record, None); (None, why it was refused); or (None, None) for a
        basemap feature our exports carry, which is not a claim."""
        table, plan = self.table, self.plan
        number = table.row_number(index)
        if index in table.field_counts:
            return None, Problem(number, "", "", f"has {table.field_counts[index]} fields; "
                                 f"the header has {len(table.columns)} (a stray delimiter, "
                                 "or a cut-off line?)")
        raw_row = table.row(index)
        geometry = table.geometries[index] if table.geometries is not None else None
        try:
            raw = row_record(raw_row, geometry, plan.columns, plan.defaults, plan.key_is_id,
                             self.repairs)
            if raw["id"] in self.generated:
                return None, None
            record = validated(raw, index, plan.defaults.file_name)
            _check_references(record, plan.layers, self.series, self.series_layer)
            check_drawable(record, plan.defaults.file_name)
        except (RowError, SchemaError) as e:
            return None, problem_from(e, number, plan.columns.fields(raw_row))
        return raw, None


def _records(table: FileTable, plan: ImportPlan, outcome: ImportOutcome,
             progress: Progress | None) -> tuple[list[dict[str, Any] | SerializedRecord], int]:
    """Each valid row's record, and how many rows were basemap features our exports
    carry (not claims); each invalid row's problem, added to the outcome."""
    checker = RowChecker(table, plan)
    by_id: dict[str, list[tuple[int, dict[str, Any] | SerializedRecord]]] = \
        defaultdict(list)
    skipped = 0
    total = len(table)
    repaired_rows: list[int] = []  # rows whose geometry was made valid (geo/validity.py)
    with _collector(running=True):
        proven = columnar_records(table, plan.columns, plan.defaults, plan.key_is_id,
                                  set(plan.layers))
    for index in range(total):
        number = table.row_number(index)
        if progress and index % PROGRESS_EVERY == 0:
            progress(index, total)
        fast = proven.get(index)
        if fast is not None and fast.keys.id not in checker.generated:
            by_id[fast.keys.id].append((number, fast))
            continue
        repaired_before = len(checker.repairs)
        raw, problem = checker.check(index)
        if problem is not None:
            outcome.problems.append(problem)
            continue
        if raw is None:
            skipped += 1
            continue
        by_id[raw["id"]].append((number, raw))
        if len(checker.repairs) > repaired_before:
            repaired_rows.append(number)
    if repaired_rows:
        shown_rows = ", ".join(str(n) for n in repaired_rows[:20])
        more = f" and {len(repaired_rows) - 20:,} more" if len(repaired_rows) > 20 else ""
        rows_word = "rows" if len(repaired_rows) > 1 else "row"
        outcome.notices.append(
            f"{len(repaired_rows):,} row(s) gave an invalid geometry, made valid with "
            f"shapely's make_valid as the same kind of shape ({rows_word} {shown_rows}{more}); "
            "each claim's geometry note says what was done")
    raws = []
    for feature_id, rows in by_id.items():
        if len(rows) > 1:
            # One message for all of them: each row's listing every other row made a file of
            # 200,000 identical rows take 23 GB (quadratic).
            numbers = ", ".join(str(n) for n, _ in rows[:MAX_ROWS_NAMED])
            if len(rows) > MAX_ROWS_NAMED:
                numbers = f"{len(rows):,} rows: {numbers}, …"
            else:
                numbers = f"rows {numbers}"
            if outcome.keyed_by is None:
                reason = (f"{numbers} give the same name and place, which key a file without "
                          "a key column: give a key column (--key FIELD; on the page, 'Key "
                          "column')")
            else:
                reason = f"the key appears in {numbers}: a key names one thing"
            outcome.problems.extend(Problem(n, outcome.keyed_by or PLACE_KEY, feature_id, reason)
                                    for n, _ in rows)
            continue
        raws.append(rows[0][1])
    outcome.problems.sort(key=lambda p: p.row)
    return raws, skipped


def _check_references(record: FeatureRecord, layers: AbstractSet[str], series: dict[str, Any],
                      series_layer: dict[str, str]) -> None:
    """What the schema cannot check alone: the layer, actor, series and symbol code name
    things that exist (the map would otherwise fail on them, not the import)."""
    if record.layer not in layers:
        raise RowError("layer", record.layer, "is not a layer; import into it as a new "
                       f"layer to create it (--layer {record.layer}; on the page, 'A new "
                       "layer…')")
    if record.actor is not None:
        try:
            actor(record.actor)
        except KeyError:
            raise RowError("actor_id", record.actor, "is not an actor in actors.json") from None
    if record.series is not None:
        if record.series not in series:
            raise RowError("series", record.series, "is not a series features.json declares")
        if series_layer.setdefault(record.series, record.layer) != record.layer:
            raise RowError("series", record.series, "spans two layers; a series keeps to one")
    if record.sidc is not None and not known_unit_code(record.sidc):
        raise RowError("sidc", record.sidc, "names no MIL-STD-2525D symbol")


def write_report(problems: list[Problem], path: Path) -> None:
    """The per-row report as CSV (row, field, value, reason); the header alone if none."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(REPORT_COLUMNS)
        writer.writerows((p.row, p.field, p.value, p.reason) for p in problems)

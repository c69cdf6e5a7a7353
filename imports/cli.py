"""posture-import: record a file of reports as claims in the store.

    posture-import PATH [--layer ID] [--key FIELD] [--source TEXT] [--sheet NAME] [--partial]
                   [--retract-missing] [--dry-run] [--report OUT.csv]

Prints one summary line, `N new, M changed, K unchanged, R retracted, X rejected`,
and on standard error what else the user must know (each rejected row, columns not
read, an encoding guessed). Exit status: 0 when every row was imported; 2 for an
unreadable file or a bad argument (nothing written); 3 when any row was rejected
(nothing written, or with --partial the valid rows); 1 when the store failed.
Reads the store the environment names (POSTURE_STORE, DATABASE_URL); the claims
are recorded by POSTURE_USER, or the user running the command.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from exports.atomic import terminate_as_exit
from exports.one_line_parser import OneLineParser
from geo.checks import forbidden_character
from geo.claims import check_recorder
from geo.errors import PostureDataError, SchemaError
from imports.read import ImportFileError
from imports.run import ImportOptions, import_file, write_report
from store.features import shared_store

__all__ = ["main"]

PROG = "posture-import"
USER_ENV = "POSTURE_USER"
# Rejected rows printed on standard error; the report (--report) holds them all.
SHOWN_PROBLEMS = 20
MAX_SOURCE_CHARS = 200


def _parser() -> OneLineParser:
    parser = OneLineParser(prog=PROG, description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, metavar="PATH",
                        help="GeoJSON, GeoPackage, KML/KMZ, zipped Shapefile, an Excel "
                             "(.xlsx) or OpenDocument (.ods) sheet, or CSV (lon/lat or WKT "
                             "columns; ACLED's export as it comes)")
    parser.add_argument("--layer", metavar="ID",
                        help="import into this layer, made with a default style if new")
    parser.add_argument("--key", metavar="FIELD",
                        help="the column that keys each row (default: id; ACLED: "
                             "event_id_cnty; a file without one: each row's name and place, "
                             "hashed); a changed row supersedes its claim")
    parser.add_argument("--source", metavar="TEXT",
                        help="the source of rows that name none")
    parser.add_argument("--sheet", metavar="NAME",
                        help="a workbook's sheet to read (default: the first)")
    parser.add_argument("--partial", action="store_true",
                        help="import the valid rows even if others are rejected")
    parser.add_argument("--retract-missing", action="store_true",
                        help="retract the claims in the file's layers whose key it lacks")
    parser.add_argument("--dry-run", action="store_true",
                        help="check and count everything, write nothing")
    parser.add_argument("--report", type=Path, metavar="OUT.csv",
                        help="write every rejected row (row, field, value, reason) here")
    return parser


def _recorder(parser: OneLineParser) -> str:
    name = os.environ.get(USER_ENV) or getpass.getuser()
    try:
        return check_recorder(name)
    except SchemaError as e:
        parser.error(f"{USER_ENV}: {e}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    with terminate_as_exit():
        return _run(parser, args)


def _run(parser: OneLineParser, args: argparse.Namespace) -> int:
    if args.source is not None and (not args.source.strip() or len(args.source) >
                                    MAX_SOURCE_CHARS or forbidden_character(args.source)):
        parser.error(f"argument --source: must be 1-{MAX_SOURCE_CHARS} characters of text")
    if args.report is not None and (args.report.is_dir() or not (
            args.report.parent.resolve().is_dir())):
        parser.error(f"argument --report: {args.report} is not a file in an existing folder")
    options = ImportOptions(layer=args.layer, key=args.key, source=args.source,
                            sheet=args.sheet, partial=args.partial,
                            retract_missing=args.retract_missing, dry_run=args.dry_run,
                            recorded_by=_recorder(parser))
    try:
        outcome = import_file(args.path, options, shared_store())
    except ImportFileError as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return 2
    except PostureDataError as e:
        print(f"{PROG}: error: the store failed; nothing was imported: {e}", file=sys.stderr)
        return 1
    if outcome.keyed_by is None:
        print(f"{PROG}: note: {outcome.file_name} has no key column: each row is keyed by its "
              "name and place, hashed, so importing it again adds nothing; to key the rows by "
              "a column, give --key FIELD", file=sys.stderr)
    for notice in outcome.notices:
        print(f"{PROG}: note: {notice}", file=sys.stderr)
    for problem in outcome.problems[:SHOWN_PROBLEMS]:
        where = f"row {problem.row}" + (f", {problem.field}" if problem.field else "")
        value = f" (got {problem.value})" if problem.value else ""
        print(f"{PROG}: rejected: {where}: {problem.reason}{value}", file=sys.stderr)
    if len(outcome.problems) > SHOWN_PROBLEMS:
        print(f"{PROG}: … and {len(outcome.problems) - SHOWN_PROBLEMS} more; --report "
              "writes them all", file=sys.stderr)
    if outcome.problems and not args.partial:
        print(f"{PROG}: note: nothing imported: {outcome.rejected} row(s) rejected (fix "
              "them, or import the rest with --partial)", file=sys.stderr)
    if args.report is not None:
        try:
            write_report(outcome.problems, args.report)
        except OSError as e:
            print(f"{PROG}: error: could not write the report {args.report}: "
                  f"{e.strerror or e}", file=sys.stderr)
    if outcome.result.layer_created:
        print(f"{PROG}: note: made layer {outcome.result.layer_created!r} with the default "
              "style", file=sys.stderr)
    if args.dry_run:
        print(f"{PROG}: note: dry run: nothing was written", file=sys.stderr)
    print(outcome.summary())
    return outcome.exit_status


if __name__ == "__main__":
    sys.exit(main())

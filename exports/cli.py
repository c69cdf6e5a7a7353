"""posture-export: snapshots of a view from the command line, without a browser.

Bad arguments get one line naming the argument, exit status 2, and no file.
Output is written to a temporary file beside the target and renamed into
place (exports/atomic.py), so a failed or killed export never leaves a partial
target, and what a killed one leaves beside it the next export removes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from exports.atomic import terminate_as_exit, write_atomically
from exports.changes import change_report, write_changes_csv
from exports.data import write_data
from exports.formats import DATA_FORMATS, EXPORT_FORMATS, STATIC_FORMATS
from exports.html import write_html
from exports.one_line_parser import OneLineParser
from exports.paper import PAPERS
from exports.static_map import write_static
from exports.view import DEFAULT_BBOX, View, features_in_view
from geo.actors import default_viewpoint, viewpoints
from geo.checks import forbidden_character, shown
from geo.errors import PostureDataError
from geo.filters import Filters, actor_key
from geo.paths import data_dir
from geo.schema import CONFIDENCE_LEVELS
from geo.timeline import (
    DEFAULT_STALE_MONTHS,
    FIRST_DATE,
    STALE_MONTHS_RANGE,
    date_out_of_range,
    latest_report,
)
from geo.what_changed import CHANGE_KINDS
from layers.catalogue import catalogue, check_data_folder
from layers.event_layer import DEFAULT_WINDOW_DAYS, MAX_WINDOW_DAYS, EventWindow
from layers.unit_symbols import Display
from store.features import placed_features, posture_features, undrawable

__all__ = ["main"]

PROG = "posture-export"
FORMATS = EXPORT_FORMATS
DPI_RANGE = (96, 600)
MAX_TITLE_CHARS = 200
MAX_PATH_CHARS = 4096  # Linux's PATH_MAX


CLAIM_LEVELS = tuple(level for level in CONFIDENCE_LEVELS if level != "reference")


def _bbox(text: str) -> tuple[float, float, float, float]:
    try:
        west, south, east, north = (float(v) for v in text.split(","))
    except ValueError as e:
        raise argparse.ArgumentTypeError(
            f"expected W,S,E,N in degrees, got {text!r}") from e
    if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= 90
            and -90 <= north <= 90):
        raise argparse.ArgumentTypeError(f"out of range (lon -180..180, lat -90..90): {text!r}")
    if west >= east or south >= north:
        raise argparse.ArgumentTypeError(
            f"inverted: need west < east and south < north, got {text!r}")
    return west, south, east, north


def _date(text: str) -> dt.date:
    try:
        date = dt.date.fromisoformat(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM-DD, got {shown(text)}") from e
    if date_out_of_range(date):
        # The app's date slider has the same range.
        raise argparse.ArgumentTypeError(
            f"{date} is outside the map's range, {FIRST_DATE} to today ({dt.date.today()})")
    return date


def _window_days(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_WINDOW_DAYS:
        raise argparse.ArgumentTypeError(
            f"expected a whole number of days from 1 to {MAX_WINDOW_DAYS}, got {shown(text)}")
    return int(text)


def _choices(text: str | None) -> tuple[str, ...] | None:
    """'a|b' as ('a', 'b'); None or blank: no filter."""
    chosen = tuple(part.strip() for part in (text or "").split("|") if part.strip())
    return chosen or None


def _fade_months(text: str) -> int:
    low, high = STALE_MONTHS_RANGE
    if not text.isdigit() or not low <= int(text) <= high:
        raise argparse.ArgumentTypeError(
            f"expected a whole number of months from {low} to {high}, got {shown(text)}")
    return int(text)


def _free_text(text: str, limit: int = MAX_TITLE_CHARS) -> str:
    """A title or other free text: no control characters (they break SVG and KML)."""
    bad = forbidden_character(text)
    if bad:
        position, code = bad
        raise argparse.ArgumentTypeError(
            f"contains the control character {code} at position {position}")
    if len(text) > limit:
        raise argparse.ArgumentTypeError(f"is {len(text):,} characters long; the limit is {limit}")
    return text


def _path(text: str) -> Path:
    return Path(_free_text(text, MAX_PATH_CHARS))


def _dpi(text: str) -> int:
    try:
        value = int(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from e
    low, high = DPI_RANGE
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(f"must be between {low} and {high}, got {value}")
    return value


def _parser() -> OneLineParser:
    parser = OneLineParser(prog=PROG, description="Export a snapshot of the force-posture map.")
    parser.add_argument("--list-layers", action="store_true",
                        help="print the layer ids with their titles, and exit")
    parser.add_argument("--format", choices=FORMATS, help="output format")
    parser.add_argument("--out", type=_path, help="output file")
    parser.add_argument("--layers", type=_free_text,
                        help="comma-separated layer ids (default: those on by default)")
    parser.add_argument("--bbox", type=_bbox, default=DEFAULT_BBOX,
                        help="W,S,E,N in degrees (default: the app's default view)")
    parser.add_argument("--as-of", type=_date,
                        help=f"YYYY-MM-DD, {FIRST_DATE} to today: the posture as of that date "
                             "(default: the latest report in the data, as in the app)")
    parser.add_argument("--known-on", type=_date,
                        help=f"YYYY-MM-DD, {FIRST_DATE} to today: the map as it was known that "
                             "day, drawn only from claims reported by then (default: today)")
    parser.add_argument("--fade-months", type=_fade_months, default=DEFAULT_STALE_MONTHS,
                        help="draw figures older than this many months before the as-of date "
                             f"faded ({STALE_MONTHS_RANGE[0]}-{STALE_MONTHS_RANGE[1]}, "
                             f"default {DEFAULT_STALE_MONTHS})")
    parser.add_argument("--dpi", type=_dpi, default=150, help="96 to 600 (static maps)")
    parser.add_argument("--paper", choices=tuple(PAPERS), default="a4-landscape")
    parser.add_argument("--lang", choices=("en", "ar"), default="en")
    parser.add_argument("--banner", type=_free_text, default=None,
                        help="a handling banner printed at the top and bottom of the page "
                             f"(static maps; at most {MAX_TITLE_CHARS} characters)")
    parser.add_argument("--locator", action="store_true",
                        help="add a locator inset: the region, with the printed view outlined "
                             "(static maps)")
    parser.add_argument("--symbols", choices=("units", "plain"), default="units",
                        help="military unit symbols (default) or plain markers")
    parser.add_argument("--viewpoint", type=_free_text, default=None,
                        help="whose side sets friend and hostile in the unit symbols "
                             "(default: data/actors.json's default_viewpoint; see "
                             "--list-viewpoints)")
    parser.add_argument("--actors", type=_free_text, default=None,
                        help="comma-separated actors to keep (ids from data/actors.json, or an "
                             "actor's English name; default: every actor)")
    parser.add_argument("--confidence", type=_free_text, default=None,
                        help="comma-separated confidence levels to keep: "
                             + ", ".join(CLAIM_LEVELS) + " (default: all)")
    parser.add_argument("--reported-from", type=_date, default=None,
                        help="keep claims reported on or after this YYYY-MM-DD")
    parser.add_argument("--reported-to", type=_date, default=None,
                        help="keep claims reported on or before this YYYY-MM-DD")
    parser.add_argument("--events-days", type=_window_days, default=DEFAULT_WINDOW_DAYS,
                        help="event layers: the window's length in days, ending on "
                             "--events-to (default %(default)s)")
    parser.add_argument("--events-to", type=_date, default=None,
                        help="event layers: the window's last day, YYYY-MM-DD (default: the "
                             "as-of date)")
    parser.add_argument("--event-types", type=_free_text, default=None,
                        help="event layers: only these types, separated by '|'")
    parser.add_argument("--event-actors", type=_free_text, default=None,
                        help="event layers: only events of these actors, separated by '|'")
    parser.add_argument("--changes-since", type=_date, default=None,
                        help="instead of a map, list what changed from this YYYY-MM-DD "
                             "(excluded) to the as-of date: appeared, ended, count changed, "
                             "corrected and retracted, with who recorded each and on whose "
                             "word, as CSV (--format csv, the default here); --layers, the "
                             "filters, --known-on and --lang apply")
    parser.add_argument("--list-viewpoints", action="store_true",
                        help="print the viewpoint ids with their titles, and exit")
    parser.add_argument("--title", type=_free_text, default=None,
                        help=f"at most {MAX_TITLE_CHARS} characters, no control characters "
                             "(default: the standard title in the chosen language)")
    return parser


def _layer_ids(parser: OneLineParser, text: str | None) -> tuple[str, ...]:
    if text is None:
        return ()
    known = [e.id for e in catalogue()]
    ids = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = [i for i in ids if i not in known]
    if not ids:
        parser.error(f"argument --layers: no layer given; known: {', '.join(known)}")
    if unknown:
        parser.error(f"argument --layers: unknown layer {', '.join(map(repr, unknown))}; "
                     f"known: {', '.join(known)}")
    return ids


def _display(parser: OneLineParser, symbols: str, viewpoint: str | None) -> Display:
    known = [v.id for v in viewpoints()]
    if viewpoint is not None and viewpoint not in known:
        parser.error(f"argument --viewpoint: unknown viewpoint {viewpoint!r}; "
                     f"known: {', '.join(known)}")
    return Display(units=symbols == "units", viewpoint=viewpoint or default_viewpoint())


def _filters(parser: OneLineParser, args: argparse.Namespace) -> Filters:
    known_actors = sorted({actor_key(p.record) for p in placed_features()
                           if p.record.confidence != "reference"})
    chosen = {}
    for name, text, known in (("actors", args.actors, known_actors),
                              ("confidence", args.confidence, list(CLAIM_LEVELS))):
        values = tuple(part.strip() for part in (text or "").split(",") if part.strip())
        unknown = [v for v in values if v not in known]
        if unknown:
            parser.error(f"argument --{name}: unknown {', '.join(map(repr, unknown))}; "
                         f"known: {', '.join(known)}")
        chosen[name] = values
    if args.reported_from and args.reported_to and args.reported_from > args.reported_to:
        parser.error(f"argument --reported-from: {args.reported_from} is after "
                     f"--reported-to {args.reported_to}")
    return Filters(actors=chosen["actors"], confidence=chosen["confidence"],
                   reported_from=args.reported_from, reported_to=args.reported_to)


def _check_writable(parser: OneLineParser, out: Path) -> None:
    directory = out.parent if str(out.parent) else Path(".")
    if out.is_dir():
        parser.error(f"argument --out: {out} is a directory")
    # Renaming over a device or pipe (say /dev/null, as root) would replace it.
    if out.exists() and not out.is_file():
        parser.error(f"argument --out: {out} exists and is not a regular file")
    if not directory.is_dir():
        parser.error(f"argument --out: folder {directory} does not exist")
    try:
        with tempfile.TemporaryFile(dir=directory):
            pass
    except OSError as e:
        parser.error(f"argument --out: cannot write in {directory}: {e.strerror}")


def _extension(fmt: str) -> str:
    return DATA_FORMATS[fmt][1] if fmt in DATA_FORMATS else fmt


def _changes(parser: OneLineParser, args: argparse.Namespace) -> int:
    """`--changes-since`: the change list of the view's layers as CSV (exit 0; 1 for
    broken data or a failed write, raised to _run)."""
    if args.format not in (None, "csv"):
        parser.error(f"argument --changes-since: writes CSV; --format {args.format} "
                     "is not a change list (use --format csv or leave it out)")
    if args.out is None:
        parser.error("argument --out: required")
    as_of = args.as_of or latest_report(posture_features(args.known_on))
    if args.changes_since > as_of:
        parser.error(f"argument --changes-since: {args.changes_since} is after the as-of "
                     f"date {as_of}; nothing can have changed backwards")
    view = View(layer_ids=_layer_ids(parser, args.layers), as_of=as_of, lang=args.lang,
                filters=_filters(parser, args), known_on=args.known_on)
    _check_writable(parser, args.out)
    report = change_report(view.layers(), args.changes_since, as_of, view.filters,
                           args.known_on)
    write_atomically(args.out, "csv", lambda path: write_changes_csv(report, path, args.lang))
    counts = ", ".join(f"{len(report.of(kind))} {kind.replace('_', ' ')}"
                       for kind in CHANGE_KINDS)
    print(f"wrote {args.out} (from {args.changes_since} to {as_of}: {counts})")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    with terminate_as_exit():
        return _run(parser, args)


def _run(parser: OneLineParser, args: argparse.Namespace) -> int:
    try:
        entries = check_data_folder()
        if args.list_layers:
            for entry in entries:
                print(f"{entry.id}\t{entry.title_en}")
            return 0
        if args.list_viewpoints:
            for viewpoint in viewpoints():
                print(f"{viewpoint.id}\t{viewpoint.title_en}")
            return 0
        if args.changes_since is not None:
            return _changes(parser, args)
        if args.format is None:
            parser.error("argument --format: required (one of " + ", ".join(FORMATS) + ")")
        if args.out is None:
            parser.error("argument --out: required")
        as_of = args.as_of or latest_report(posture_features(args.known_on))
        view = View(bbox=args.bbox, layer_ids=_layer_ids(parser, args.layers), as_of=as_of,
                    lang=args.lang, title=args.title, stale_months=args.fade_months,
                    banner=args.banner, locator=args.locator,
                    display=_display(parser, args.symbols, args.viewpoint),
                    filters=_filters(parser, args), known_on=args.known_on,
                    events=EventWindow(args.events_to or as_of or dt.date.today(),
                                       args.events_days, _choices(args.event_types),
                                       _choices(args.event_actors)))
        _check_writable(parser, args.out)
        features = features_in_view(view)
        extension = _extension(args.format)
        if args.format in STATIC_FORMATS:
            write_atomically(args.out, extension, lambda path: write_static(
                view, args.format, path, paper=args.paper, dpi=args.dpi))
        elif args.format == "html":
            write_atomically(args.out, extension, lambda path: write_html(view, path))
        else:
            write_atomically(args.out, extension,
                             lambda path: write_data(features, args.format, path,
                                                     view.display))
    except PostureDataError as e:
        print(f"{PROG}: error: the map data could not be loaded (data folder {data_dir()}): "
              f"{e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"{PROG}: error: could not write {args.out}: {e.strerror or e}", file=sys.stderr)
        return 1
    print(f"wrote {args.out} ({len(features)} features, {args.format})")
    _undrawn_note(view)
    if not features:
        print(f"{PROG}: note: no feature of the chosen layers lies in the view at that date; "
              "the file is valid and holds none", file=sys.stderr)
    return 0


def _undrawn_note(view: View) -> None:
    """Claims of the chosen layers left out because they cannot be drawn, named on stderr:
    the file holds everything else (store/features.py's `undrawable`)."""
    left_out = [u for u in undrawable(view.known_on)
                if not view.layer_ids or u.layer in view.layer_ids]
    if left_out:
        named = "; ".join(f"{u.feature_id} ({u.reason})" for u in left_out[:20])
        more = f"; and {len(left_out) - 20:,} more" if len(left_out) > 20 else ""
        print(f"{PROG}: note: {len(left_out):,} claim(s) could not be drawn and are left out: "
              f"{named}{more}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())

"""posture-export: snapshots of a view from the command line, without a browser.

Bad arguments get one line naming the argument, exit status 2, and no file.
Output is written to a temporary file beside the target and renamed into
place, so a failed export never leaves a partial file.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from exports.data import write_data
from exports.formats import EXPORT_FORMATS, STATIC_FORMATS
from exports.html import write_html
from exports.paper import PAPERS
from exports.static_map import write_static
from exports.view import DEFAULT_BBOX, View, features_in_view
from geo.errors import PostureDataError
from layers.catalogue import catalogue

__all__ = ["main"]

PROG = "posture-export"
FORMATS = EXPORT_FORMATS
DPI_RANGE = (96, 600)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One line, no usage block: the message already names the argument.
        self.exit(2, f"{self.prog}: error: {message}\n")


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
        return dt.date.fromisoformat(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM-DD, got {text!r}") from e


def _dpi(text: str) -> int:
    try:
        value = int(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from e
    low, high = DPI_RANGE
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(f"must be between {low} and {high}, got {value}")
    return value


def _parser() -> _Parser:
    parser = _Parser(prog=PROG, description="Export a snapshot of the force-posture map.")
    parser.add_argument("--list-layers", action="store_true",
                        help="print the layer ids with their titles, and exit")
    parser.add_argument("--format", choices=FORMATS, help="output format")
    parser.add_argument("--out", type=Path, help="output file")
    parser.add_argument("--layers", help="comma-separated layer ids (default: those on by default)")
    parser.add_argument("--bbox", type=_bbox, default=DEFAULT_BBOX,
                        help="W,S,E,N in degrees (default: the app's default view)")
    parser.add_argument("--as-of", type=_date, help="YYYY-MM-DD: the posture as of that date")
    parser.add_argument("--dpi", type=_dpi, default=150, help="96 to 600 (static maps)")
    parser.add_argument("--paper", choices=tuple(PAPERS), default="a4-landscape")
    parser.add_argument("--lang", choices=("en", "ar"), default="en")
    parser.add_argument("--title", default=None,
                        help="default: the standard title in the chosen language")
    return parser


def _layer_ids(parser: _Parser, text: str | None) -> tuple[str, ...]:
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


def _check_writable(parser: _Parser, out: Path) -> None:
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


def write_atomically(out: Path, render: Callable[[Path], None]) -> None:
    """Render into a temporary file beside `out`, then rename it into place."""
    # Hidden, and with the target's extension: GDAL's writers check it.
    handle, temporary = tempfile.mkstemp(dir=out.parent, prefix=f".{out.stem}.partial-",
                                         suffix=out.suffix)
    os.close(handle)
    try:
        os.unlink(temporary)  # some writers (GDAL) refuse to open an existing file
        render(Path(temporary))
        os.replace(temporary, out)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.list_layers:
            for entry in catalogue():
                print(f"{entry.id}\t{entry.title_en}")
            return 0
        if args.format is None:
            parser.error("argument --format: required (one of " + ", ".join(FORMATS) + ")")
        if args.out is None:
            parser.error("argument --out: required")
        view = View(bbox=args.bbox, layer_ids=_layer_ids(parser, args.layers), as_of=args.as_of,
                    lang=args.lang, title=args.title)
        _check_writable(parser, args.out)
        features = features_in_view(view)
        if args.format in STATIC_FORMATS:
            write_atomically(args.out, lambda path: write_static(
                view, args.format, path, paper=args.paper, dpi=args.dpi))
        elif args.format == "html":
            write_atomically(args.out, lambda path: write_html(view, path))
        else:
            write_atomically(args.out, lambda path: write_data(features, args.format, path))
    except PostureDataError as e:
        print(f"{PROG}: error: the map data could not be loaded: {e}", file=sys.stderr)
        return 1
    print(f"wrote {args.out} ({len(features)} features, {args.format})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

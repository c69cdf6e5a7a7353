""""What changed" on a large store: the report of one week (appeared, ended, count
changed, corrected, retracted; events counted) over the seed and an ACLED-style layer of
100,000 events, as the page computes it on every full rerun.

    .venv/bin/python bench/bench_changes.py [--rows 100000] [--runs 7]

The CSV comes from scripts/make_acled_csv.py (nothing is downloaded) and is imported into
a GeoPackage in a temporary folder. Prints the first report (which reads the store), the
report made again from the store's cached readings, and the report asked again by a
rerun (kept per store version, as in the app).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        location = str(Path(folder) / "store.gpkg")
        os.environ["POSTURE_STORE"] = location
        from exports.changes import change_report
        from geo.filters import Filters
        from imports.run import ImportOptions, import_file
        from layers.catalogue import catalogue
        from scripts.make_acled_csv import write_acled_csv
        from store import open_store
        from store.seed import seed

        csv_path = write_acled_csv(Path(folder) / "acled.csv", args.rows)
        store = open_store(location)
        seed(store)
        import_file(csv_path, ImportOptions(recorded_by="bench"), store)
        store.close()
        entries = tuple(catalogue())
        since, until = dt.date(2024, 6, 1), dt.date(2024, 6, 8)
        started = time.perf_counter()
        report = change_report(entries, since, until, Filters(), None)
        first = time.perf_counter() - started
        from exports import changes

        times, cached = [], []
        for _ in range(args.runs):
            changes._report.cache_clear()  # as after a write: the store's readings kept
            started = time.perf_counter()
            change_report(entries, since, until, Filters(), None)
            times.append(time.perf_counter() - started)
            started = time.perf_counter()
            change_report(entries, since, until, Filters(), None)
            cached.append(time.perf_counter() - started)
    print(f"what changed, {since} to {until}, {args.rows:,} events stored: first "
          f"{first:.2f} s (reads the store); made again from the cached readings: median "
          f"{statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms over "
          f"{args.runs} runs; asked again (a rerun, same store version): median "
          f"{statistics.median(cached) * 1000:.2f} ms; "
          f"{sum(report.events_by_layer.values()):,} new events counted")


if __name__ == "__main__":
    main()
